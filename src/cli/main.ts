#!/usr/bin/env node
// lde's command line. Every error is one line on stderr: `lde: ...`.

import { bareCommand } from './bare.js';
import { UsageError } from './args.js';
import { ExitError, Status } from './status.js';

const HELP = `lde — limited direct execution, visible: a RISC-V computer and kernel in TypeScript

usage:
  lde run [--hz N] [--mem SIZE] [--seed N] [--max-time SECONDS] PROGRAM [ARGS...]
                                    run a static riscv64 Linux program under the kernel
  lde bare [--mem SIZE] [--max-insns N] [--trace-insns] [--stats] ELF
                                    boot a bare-metal RISC-V program (HTIF tohost exit)
  lde demo                          the guided tour
  lde --help | --version

SIZE: bytes, or with K/M/G (binary units), e.g. 64M. N: a count, e.g. 1000000 or 10M.
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'bare': return bareCommand(rest);
    case 'run': { const { runCommand } = await import('./run.js'); return runCommand(rest); }
    case 'demo': { const { demoCommand } = await import('./demo.js'); return demoCommand(rest); }
    case '--help': case '-h': case 'help': case undefined: process.stdout.write(HELP); return cmd === undefined ? Status.USAGE : 0;
    case '--version': process.stdout.write('lde 0.1.0\n'); return 0;
    default: throw new UsageError(`unknown command '${cmd}' (try: lde --help)`);
  }
}

// A reader that goes away (`lde demo | head`) ends the output, not with a stack trace: stdout closing
// ends the command quietly, as for any Unix filter; stderr closing just drops what is left.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw e; });
process.stderr.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') throw e; });

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    if (e instanceof UsageError) { process.stderr.write(`lde: ${e.message}\n`); process.exitCode = Status.USAGE; return; }
    if (e instanceof ExitError) { process.stderr.write(`lde: ${e.message}\n`); process.exitCode = e.status; return; }
    // A bug in lde itself: still one line, with the detail behind LDE_DEBUG.
    const err = e as Error;
    process.stderr.write(`lde: internal error: ${err?.message ?? String(e)} (set LDE_DEBUG=1 for the stack)\n`);
    if (process.env.LDE_DEBUG) process.stderr.write(`${err?.stack}\n`);
    process.exitCode = 70;
  },
);
