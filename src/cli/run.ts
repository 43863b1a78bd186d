// `lde run [options] PROGRAM [ARGS…]` (DESIGN.md): runs a static riscv64
// Linux program under the kernel. The exit status is the program's own, or
// 128+N when signal N killed it (with one line on stderr saying so).

import { existsSync, openSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../kernel/kernel.js';
import { ExecError } from '../kernel/loader.js';
import { MAX_MEM } from '../machine/index.js';
import { parseArgs, parseCount, parseSize, UsageError } from './args.js';
import { readInput } from './bare.js';
import { nodeHost } from './host.js';
import { Status, fail } from './status.js';

const USAGE = 'usage: lde run [--hz N] [--mem SIZE] [--swap SIZE] [--seed N] [--max-time SECONDS] [--rw DIR] [--realtime] [--strace[=FILE]] [--stats] PROGRAM [ARGS...]';
const BUNDLED = fileURLToPath(new URL('../../../user/bin/', import.meta.url));
const HZ = [0, 100, 250, 300, 1000];

/** A host path, or the name of a bundled program (user/bin/NAME). */
function locate(name: string): string {
  if (name.includes('/') || existsSync(name)) return name;
  return existsSync(BUNDLED + name) ? BUNDLED + name : name;
}

export async function runCommand(argv: string[]): Promise<number> {
  const straceFile = argv.find((a) => a.startsWith('--strace='))?.slice('--strace='.length);
  const { opts, rest } = parseArgs(argv.map((a) => (a.startsWith('--strace=') ? '--strace' : a)), ['--hz', '--mem', '--seed', '--max-time', '--rw', '--swap'], ['--strace', '--stats', '--realtime']);
  if (rest.length === 0) throw new UsageError(`missing PROGRAM\n${USAGE}`);
  const hz = opts.has('--hz') ? parseCount('--hz', String(opts.get('--hz')), 0, 1000) : 250;
  if (!HZ.includes(hz)) throw new UsageError(`--hz: ${hz} is not a supported tick rate (100, 250, 300 or 1000)`);
  const memBytes = opts.has('--mem') ? parseSize('--mem', String(opts.get('--mem')), 1 << 20, MAX_MEM) : undefined;
  if (memBytes !== undefined && memBytes % 4096 !== 0) throw new UsageError('--mem: must be a multiple of 4 KiB');
  const seed = opts.has('--seed') ? parseCount('--seed', String(opts.get('--seed')), 0, 2 ** 32 - 1) : 1;
  const maxTime = opts.has('--max-time') ? parseCount('--max-time', String(opts.get('--max-time')), 1, 1e6) : undefined;
  const [name, ...args] = rest;
  const path = locate(name);
  const bytes = readInput(path);
  const host = nodeHost();
  const rw = opts.has('--rw') ? [rwDir(String(opts.get('--rw')))] : [];
  const swapBytes = opts.has('--swap') ? parseSize('--swap', String(opts.get('--swap')), 0, 64 * 2 ** 30) : 0;
  const realtime = opts.has('--realtime');
  const kernel = new Kernel({ host, hz, memBytes, seed, rw, swapBytes, realtime, maxCycles: maxTime === undefined ? undefined : maxTime * 1e9 });
  try {
    kernel.spawn(path, bytes, [name, ...args], envFor());
  } catch (e) {
    if (e instanceof ExecError) return fail(Status.CANNOT_EXEC, `${name}: ${e.message}`);
    throw e;
  }
  if (opts.has('--strace')) {
    const fd = straceFile ? openSync(straceFile, 'w') : 2;
    kernel.strace = (line) => writeSync(fd, line + '\n');
  }
  const t0 = performance.now();
  const r = kernel.run();
  if (r.message) process.stderr.write(`lde: ${r.message}\n`);
  if (opts.has('--stats')) process.stderr.write(stats(kernel, (performance.now() - t0) / 1000));
  return r.status;
}

/** --stats: a summary in the spirit of perf stat (issue 4 completes it). */
function stats(k: Kernel, hostSecs: number): string {
  const h = k.board.hart, n = (v: number) => v.toLocaleString('en-US');
  const live = [...k.procs.values()].filter((p) => p.state !== 'zombie'); // the exited are in k.totals already
  const sum = (f: (p: (typeof live)[number]) => number) => live.reduce((s, p) => s + f(p), 0);
  const calls = [...k.syscallCounts].sort((a, b) => b[1] - a[1]);
  const lines = [
    `lde: stats: ${n(h.instret)} instructions in ${(h.cycle / 1e9).toFixed(6)} s of virtual time (${hostSecs.toFixed(3)} s host, ${(h.instret / hostSecs / 1e6).toFixed(1)} MIPS); idle ${(k.idleCycles / 1e9).toFixed(6)} s`,
    `lde: stats: ${n(k.totals.processes)} processes exited (${n(k.totals.killedBySignal)} by a signal); ${n(k.ticks)} timer ticks at ${k.hz} Hz`,
    `lde: stats: context switches: ${n(k.totals.nvcsw + sum((p) => p.nvcsw))} voluntary, ${n(k.totals.nivcsw + sum((p) => p.nivcsw))} involuntary; page faults resolved: ${n(k.totals.minflt + sum((p) => p.minflt))} minor, ${n(k.totals.majflt + sum((p) => p.majflt))} major (swap-in)`,
    `lde: stats: ${n(calls.reduce((s, c) => s + c[1], 0))} system calls: ${calls.map(([c, v]) => `${c} ${n(v)}`).join(', ')}`,
  ];
  if (k.swap) lines.push(`lde: stats: swap: ${n(k.swap.swapOuts)} pages out, ${n(k.swap.swapIns)} in, ${n(k.swap.used)} of ${n(k.swap.size)} slots in use`);
  if (k.unknownSyscalls.size) lines.push(`lde: stats: unknown system calls (ENOSYS): ${[...k.unknownSyscalls].map(([nr, v]) => `${nr}×${v}`).join(', ')}`);
  return lines.join('\n') + '\n';
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
