// `lde bare [options] ELF` (DESIGN.md); its options are BARE in commands.ts.

import { readFileSync, statSync } from 'node:fs';
import { BareMachine, BareError, type BareResult } from '../machine/bare.js';
import { Status, fail } from './status.js';
import { BARE } from './commands.js';
import { parseOptions, type Options } from './options.js';
import { formatJitStats, type JitOptions } from '../machine/index.js';

/**
 * --jit on|off and --jit-threshold (commands.ts): the JIT's options, or
 * null when it is off. Without --jit, the environment may choose
 * (LDE_JIT=off|on, LDE_JIT_THRESHOLD=N): how a whole test suite that runs
 * lde is run with the JIT off, or at another threshold (docs/jit.md).
 */
export function jitOptions(opts: Options): JitOptions | null {
  const env = process.env, on = opts.has('--jit') ? opts.string('--jit') === 'on' : env.LDE_JIT !== 'off';
  if (!on) return null;
  const fromEnv = Number(env.LDE_JIT_THRESHOLD);
  return { threshold: !opts.has('--jit-threshold') && Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : opts.number('--jit-threshold')! };
}

/** Reads a guest file, turning every host error into one line and the shell-like status. */
export function readInput(path: string): Uint8Array {
  let st;
  try { st = statSync(path); } catch {
    return fail(Status.NOT_FOUND, `${path}: no such file`);
  }
  if (st.isDirectory()) return fail(Status.CANNOT_EXEC, `${path}: is a directory, not an ELF file`);
  try { return readFileSync(path); } catch (e) {
    return fail(Status.CANNOT_EXEC, `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function bareCommand(argv: string[]): Promise<number> {
  const { options: opts, operands } = parseOptions(BARE, argv);
  const mem = opts.number('--mem');
  const maxInsns = opts.number('--max-insns');
  const path = operands[0];
  const bytes = readInput(path);
  let m: BareMachine;
  const trace: string[] = [];
  try {
    m = new BareMachine(bytes, {
      memBytes: mem, maxInsns, jit: jitOptions(opts),
      console: (b) => process.stdout.write(b),
      traceInsns: opts.has('--trace-insns') ? (line) => { trace.push(line); if (trace.length >= 4096) flushTrace(trace); } : undefined,
    });
  } catch (e) {
    if (e instanceof BareError || e instanceof RangeError) return fail(Status.CANNOT_EXEC, `${path}: ${e.message}`);
    throw e;
  }
  const t0 = performance.now();
  const r = await runWithInput(m);
  flushTrace(trace);
  if (opts.has('--stats')) printStats(r, (performance.now() - t0) / 1000);
  const jit = m.board.hart.jit;
  if (opts.has('--stats') && jit) process.stderr.write(`lde: stats: ${formatJitStats(jit.stats())}\n`);
  return report(path, r, maxInsns);
}

/** --stats: one summary line on stderr. Virtual time is cycles at 1 GHz. */
function printStats(r: BareResult, hostSecs: number): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stderr.write(`lde: stats: ${n(r.instret)} instructions, ${n(r.cycles)} cycles (${(r.cycles / 1e9).toFixed(6)} s virtual), ` +
    `${hostSecs.toFixed(3)} s host, ${(r.instret / hostSecs / 1e6).toFixed(1)} MIPS, max RSS ${rss.toFixed(0)} MiB\n`);
}

function flushTrace(lines: string[]): void {
  if (lines.length) process.stderr.write(lines.join('\n') + '\n');
  lines.length = 0;
}

/** Runs the machine; when it idles in wfi, waits for stdin bytes for the UART (if stdin is still open). */
async function runWithInput(m: BareMachine): Promise<BareResult> {
  let ended = false, waiting: (() => void) | undefined, listening = false;
  for (let slices = 0; ; slices++) {
    const r = m.step();
    if (r === undefined) {
      if ((slices & 15) === 15) await new Promise((res) => setImmediate(res));
      continue;
    }
    if (r.outcome !== 'idle' || ended) return r;
    if (!listening) {
      listening = true;
      process.stdin.on('data', (d: Buffer) => { m.board.uart.pushInput(d); waiting?.(); });
      process.stdin.on('end', () => { ended = true; waiting?.(); });
      process.stdin.on('error', () => { ended = true; waiting?.(); });
    }
    await new Promise<void>((res) => { waiting = res; });
    waiting = undefined;
    if (ended && !m.board.uart.hasInput) return r;
  }
}

function report(path: string, r: BareResult, maxInsns: number | undefined): number {
  const pc = '0x' + BigInt.asUintN(64, BigInt(r.pc)).toString(16);
  switch (r.outcome) {
    case 'pass': return 0;
    case 'fail': return r.status;
    case 'max-insns':
      process.stderr.write(`lde: ${path}: stopped after ${maxInsns} steps, instructions and traps (--max-insns) at pc ${pc}\n`);
      return Status.MAX_INSNS;
    case 'idle':
      process.stderr.write(`lde: ${path}: hart 0 waits in wfi at pc ${pc} and nothing can wake it (no timer armed, no input)\n`);
      return Status.STUCK;
    case 'htif-unsupported':
      process.stderr.write(`lde: ${path}: unsupported HTIF request in tohost (only console output and exit are implemented)\n`);
      return Status.STUCK;
  }
}
