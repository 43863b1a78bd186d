// `lde run [options] PROGRAM [ARGS…]` (DESIGN.md): runs a static riscv64
// Linux program under the kernel. The exit status is the program's own, or
// 128+N when signal N killed it (with one line on stderr saying so).

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../kernel/kernel.js';
import { ExecError } from '../kernel/fs/loader.js';
import { MAX_MEM } from '../machine/index.js';
import { parseArgs, parseCount, parseSize, UsageError } from './args.js';
import { readInput } from './bare.js';
import { nodeHost } from './host.js';
import { Status, fail } from './status.js';
import { StraceSink } from '../trace/strace.js';
import { Output } from './output.js';
import { ChromeTraceSink } from '../trace/chrome.js';
import { StatsSink, formatStats, statsJson } from '../trace/stats.js';
import { drawDiagram } from '../trace/diagram.js';
import { insnLine } from '../isa/disasm.js';

const USAGE = 'usage: lde run [--hz N] [--no-timer] [--mem SIZE] [--swap SIZE] [--seed N] [--max-time SECONDS] [--rw DIR] [--realtime] [--strace[=FILE]] [--stats[=json]] [--trace FILE] [--diagram] [--trace-insns] PROGRAM [ARGS...]';
const BUNDLED = fileURLToPath(new URL('../../../user/bin/', import.meta.url));
const HZ = [0, 100, 250, 300, 1000];
/** The options that take a value (--mem 64M or --mem=64M). */
const VALUED = ['--hz', '--mem', '--seed', '--max-time', '--rw', '--swap', '--trace'];

/** A host path, or the name of a bundled program (user/bin/NAME). */
function locate(name: string): string {
  if (name.includes('/') || existsSync(name)) return name;
  return existsSync(BUNDLED + name) ? BUNDLED + name : name;
}

/** Options that take an optional `=value` (--strace=FILE, --stats=json): split off before parsing. */
function optional(argv: string[], names: string[]): { argv: string[]; values: Map<string, string> } {
  const values = new Map<string, string>();
  const out: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '--'; i++) {
    const a = argv[i], eq = a.indexOf('='), name = eq > 0 ? a.slice(0, eq) : a;
    if (names.includes(name) && eq > 0) { values.set(name, a.slice(eq + 1)); out.push(name); } else out.push(a);
    if (VALUED.includes(a)) out.push(argv[++i] ?? '');
  }
  return { argv: [...out, ...argv.slice(i)], values };
}

export async function runCommand(argv: string[]): Promise<number> {
  const split = optional(argv, ['--strace', '--stats']);
  const { opts, rest } = parseArgs(split.argv, VALUED,
    ['--strace', '--stats', '--realtime', '--no-timer', '--diagram', '--trace-insns']);
  if (rest.length === 0) throw new UsageError(`missing PROGRAM\n${USAGE}`);
  const straceFile = split.values.get('--strace');
  if (straceFile === '') throw new UsageError('--strace=FILE: the file name is empty');
  const statsMode = split.values.get('--stats') ?? 'text';
  if (statsMode !== 'text' && statsMode !== 'json') throw new UsageError(`--stats: '${statsMode}' is not a format (--stats or --stats=json)`);
  let hz = opts.has('--hz') ? parseCount('--hz', String(opts.get('--hz')), 0, 1000) : 250;
  if (!HZ.includes(hz)) throw new UsageError(`--hz: ${hz} is not a supported tick rate (100, 250, 300 or 1000)`);
  if (opts.has('--no-timer')) {
    if (opts.has('--hz') && hz !== 0) throw new UsageError('--no-timer and --hz: choose one');
    hz = 0;
  }
  const memBytes = opts.has('--mem') ? parseSize('--mem', String(opts.get('--mem')), 1 << 20, MAX_MEM) : undefined;
  if (memBytes !== undefined && memBytes % 4096 !== 0) throw new UsageError('--mem: must be a multiple of 4 KiB');
  const seed = opts.has('--seed') ? parseCount('--seed', String(opts.get('--seed')), 0, 2 ** 32 - 1) : 1;
  const maxTime = opts.has('--max-time') ? parseSeconds('--max-time', String(opts.get('--max-time'))) : undefined;
  const traceFile = opts.has('--trace') ? String(opts.get('--trace')) : undefined;
  const [name, ...args] = rest;
  const path = locate(name);
  const bytes = readInput(path);
  const host = nodeHost();
  const rw = opts.has('--rw') ? [rwDir(String(opts.get('--rw')))] : [];
  const swapBytes = opts.has('--swap') ? parseSize('--swap', String(opts.get('--swap')), 0, 64 * 2 ** 30) : 0;
  const realtime = opts.has('--realtime');
  const kernel = new Kernel({ host, hz, memBytes, seed, rw, swapBytes, realtime, maxCycles: maxTime === undefined ? undefined : Math.round(maxTime * 1e9) });
  // The first process exists before the sinks open their files, so nothing is left behind when it cannot
  // start (the kernel emits its creation when the run begins).
  const outputs: Output[] = [];
  let stderrOut: Output | undefined;
  const toStderr = () => (stderrOut ??= Output.stderr('stderr'));
  try {
    kernel.spawn(path, bytes, [name, ...args], envFor());
  } catch (e) {
    if (e instanceof ExecError) return fail(Status.CANNOT_EXEC, `${name}: ${e.message}`);
    throw e;
  }
  if (opts.has('--strace')) {
    const out = straceFile !== undefined ? Output.file('--strace', straceFile) : toStderr();
    if (out !== stderrOut) outputs.push(out);
    kernel.trace.attach(new StraceSink((line) => out.line(line)));
  }
  if (opts.has('--trace-insns')) {
    const out = toStderr();
    kernel.board.hart.traceInstructions();
    kernel.trace.attach({ event: (e) => { if (e.kind === 'insn') out.line(insnLine(e.pc, e.bits)); } });
  }
  let trace: ChromeTraceSink | undefined;
  if (traceFile !== undefined) {
    const out = Output.file('--trace', traceFile);
    outputs.push(out);
    trace = new ChromeTraceSink((chunk) => out.write(chunk));
  }
  if (trace) kernel.trace.attach(trace);
  const stats = opts.has('--stats') || opts.has('--diagram') ? new StatsSink() : undefined;
  if (stats) kernel.trace.attach(stats);
  if (stderrOut) {
    // The guest's own stderr and the sinks' lines share fd 2: keep them in order.
    const write = host.write, out: Output = stderrOut;
    host.write = (fd, b) => { if (fd === 2) out.flush(); write(fd, b); };
    outputs.push(stderrOut);
  }
  let r;
  try {
    r = kernel.run();
  } finally {
    trace?.finish();
    for (const out of outputs) process.stderr.write(out.close());
  }
  if (r.message) process.stderr.write(`lde: ${r.message}\n`);
  const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
  if (stats && opts.has('--stats')) {
    // Swap traffic is the kernel's own counter (no event): one more line for the text form.
    const swap = kernel.swap ? `lde: stats: swap: ${kernel.swap.swapOuts.toLocaleString('en-US')} pages out, ${kernel.swap.swapIns.toLocaleString('en-US')} in, ${kernel.swap.used.toLocaleString('en-US')} of ${kernel.swap.size.toLocaleString('en-US')} slots in use\n` : '';
    process.stderr.write(statsMode === 'json' ? statsJson(stats.summary()) : swap + formatStats(stats.summary(), { color }));
  }
  if (stats && opts.has('--diagram') && !(opts.has('--stats') && statsMode === 'text')) process.stderr.write(drawDiagram(stats.summary(), { color }));
  return r.status;
}

/** --max-time: seconds of virtual time, fractions allowed (0.5), from 1 ms to a million seconds. */
function parseSeconds(opt: string, text: string): number {
  const v = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(v >= 0.001 && v <= 1e6)) throw new UsageError(`${opt}: '${text}' is not a number of seconds from 0.001 to 1000000`);
  return v;
}

/** --rw DIR: an existing host directory, made absolute. */
function rwDir(dir: string): string {
  const abs = resolve(dir);
  try { if (statSync(abs).isDirectory()) return abs; } catch { /* reported below */ }
  throw new UsageError(`--rw: ${dir} is not a directory`);
}

/** The guest's environment: the host's, as a shell would pass it. */
function envFor(): string[] {
  return Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
}
