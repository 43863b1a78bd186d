#!/usr/bin/env node
// lde's command line. Every error is one line on stderr: `lde: ...`.

import './wasm-features.js'; // first: V8 flags before any WebAssembly
import { bareCommand } from './bare.js';
import { bootCommand } from './boot.js';
import { UsageError } from './args.js';
import { ExitError, Status } from './status.js';
import { COMMANDS, LDE } from './commands.js';
import { helpText } from './help.js';
import { Request, parseOptions } from './options.js';

const VERSION = 'lde 0.1.0';

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = parseOptions(LDE, argv).operands;
  switch (cmd) {
    case 'bare': return bareCommand(rest);
    case 'boot': return bootCommand(rest);
    case 'run': { const { runCommand } = await import('./run.js'); return runCommand(rest); }
    case 'demo': { const { demoCommand } = await import('./demo.js'); return demoCommand(rest); }
    case 'experiment': { const { experimentCommand } = await import('./experiment.js'); return experimentCommand(rest); }
    case 'lab': { const { labCommand } = await import('./lab.js'); return labCommand(rest); }
    case 'help': throw new Request('help', helpFor(rest));
    case undefined: process.stdout.write(helpText(LDE)); return Status.USAGE;
    default: throw new UsageError(`unknown command '${cmd}' (try: lde --help)`);
  }
}

/** `lde help [COMMAND]`: the command's table, or lde's own. */
function helpFor(words: string[]): typeof LDE {
  if (words.length > 1) throw new UsageError(`too many arguments: ${words.slice(1).join(' ')} (usage: lde help [COMMAND])`);
  if (words.length === 0) return LDE;
  const c = COMMANDS.find((x) => x.name === words[0]);
  if (!c) throw new UsageError(`unknown command '${words[0]}' (try: lde --help)`);
  return c;
}

// A reader that goes away (`lde demo | head`) ends the output, not with a stack trace: stdout closing
// ends the command quietly, as for any Unix filter; stderr closing just drops what is left.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw e; });
process.stderr.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') throw e; });

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    if (e instanceof Request) { process.stdout.write(e.what === 'help' ? helpText(e.command) : `${VERSION}\n`); process.exitCode = 0; return; }
    if (e instanceof UsageError) { process.stderr.write(`lde: ${e.message}\n`); process.exitCode = Status.USAGE; return; }
    if (e instanceof ExitError) { process.stderr.write(`lde: ${e.message}\n`); process.exitCode = e.status; return; }
    // A bug in lde itself: still one line, with the detail behind LDE_DEBUG.
    const err = e as Error;
    process.stderr.write(`lde: internal error: ${err?.message ?? String(e)} (set LDE_DEBUG=1 for the stack)\n`);
    if (process.env.LDE_DEBUG) process.stderr.write(`${err?.stack}\n`);
    process.exitCode = 70;
  },
);
