// The kernel benchmarks (issue 3): four round trips through the kernel —
// a null system call (getppid), fork+exit+wait, a demand-zero page fault and
// a one-byte pipe ping-pong — and clock_gettime with the vDSO and as a
// system call (issue 12), each run under lde, natively on the host and
// under qemu-riscv64, printed side by side in ns per operation with ratios.
//
// Usage: npm run bench:kernel [-- [--reps N] name ...]   (names: getppid fork fault pipe clock clocksys)
//
// One C program, bench/linux/kbench.c (`kbench MODE N`), is built into a
// temporary directory: with riscv64-linux-gnu-gcc -static for lde and qemu,
// with the host's gcc for the native run. A runner whose tool is missing is
// skipped with one line saying so.
//
// Wall time is measured from outside, the same way for all three runners:
// each mode runs once with a large N and once with N = 0 (which does the same
// setup — mmap, pipes, the echo child — and no iterations), best of --reps
// each, and ns/op = (best wall(N) - best wall(0)) / N. Native and qemu runs
// are whole child processes; lde runs in this process through the kernel API
// (new Kernel, spawn, run), timed around kernel.run(), so Node's startup is
// not in the numbers.
//
// The program also prints its own ns/op from CLOCK_MONOTONIC. Under lde that
// clock is virtual (one retired user instruction is one nanosecond; the
// kernel's own work costs what src/kernel/cost.ts charges, defaults taken
// from this bench's native column), so the figure is deterministic
// and is reported as "lde virtual". For native and qemu the self-reported
// figure is wall time and is printed below the table as a cross-check.
//
// This is a benchmark, not a test: nothing here is timed against a limit.

import '../src/cli/wasm-features.js'; // first: V8 flags before any WebAssembly
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';

const SOURCE = fileURLToPath(new URL('../../bench/linux/kbench.c', import.meta.url));

interface Bench { name: string; what: string; n: number; }
const BENCHES: Bench[] = [
  { name: 'getppid', what: 'null syscall round trip (getppid)', n: 1_000_000 },
  { name: 'fork', what: 'fork + _exit(0) + waitpid', n: 1_000 },
  { name: 'fault', what: 'demand-zero page fault (one store per fresh page)', n: 20_000 },
  { name: 'pipe', what: 'pipe ping-pong, 1 byte each way, round trip', n: 10_000 },
  { name: 'clock', what: 'clock_gettime(CLOCK_MONOTONIC) through libc: the vDSO (lde, native; qemu-riscv64 where it has one)', n: 200_000 },
  { name: 'clocksys', what: 'clock_gettime(CLOCK_MONOTONIC) as a system call (lde with --vdso off)', n: 200_000 },
];

/** One run of `kbench MODE N`: host wall nanoseconds and the ns/op the program printed. */
interface Sample { wallNs: number; selfNs: number; }
type Runner = (mode: string, n: number) => Sample;

/** Whether a tool runs at all (ENOENT means it is not installed). */
function have(tool: string, args = ['--version']): boolean {
  const r = spawnSync(tool, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

function build(cc: string, extra: string[], out: string): string | undefined {
  const r = spawnSync(cc, ['-O2', ...extra, '-o', out, SOURCE], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `${cc} failed: ${(r.stderr || String(r.error)).trim().split('\n')[0]}`;
  return undefined;
}

function parseSelf(text: string, who: string): number {
  const m = /ns_per_op\s+([0-9.]+)/.exec(text);
  if (!m) throw new Error(`${who}: no "ns_per_op" line in its output: ${JSON.stringify(text.slice(0, 200))}`);
  return Number(m[1]);
}

/**
 * A host process (the native binary, or qemu-riscv64 running the riscv64
 * one), pinned to one CPU when taskset exists: lde's guest is a uniprocessor,
 * and on two CPUs the pipe ping-pong becomes a cross-CPU wakeup that varies
 * run to run by a factor of five.
 */
function processRunner(cmd: string, pre: string[], who: string, pin: boolean): Runner {
  const argv0 = pin ? 'taskset' : cmd;
  const head = pin ? ['-c', '0', cmd, ...pre] : pre;
  return (mode, n) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv0, [...head, mode, String(n)], { encoding: 'utf8' });
    const wallNs = Number(process.hrtime.bigint() - t0);
    if (r.error || r.status !== 0) throw new Error(`${who} ${mode} ${n}: ${r.error ?? `exit status ${r.status}`} ${r.stderr}`);
    return { wallNs, selfNs: parseSelf(r.stdout, `${who} ${mode}`) };
  };
}

/** lde in this process: a fresh kernel per run, stdout captured, timed around kernel.run(). */
function ldeRunner(elfPath: string): Runner {
  const bytes = readFileSync(elfPath);
  return (mode, n) => {
    const base = nodeHost();
    const out: Uint8Array[] = [];
    const host = {
      ...base,
      write(fd: 1 | 2, b: Uint8Array) { if (fd === 1) out.push(b.slice()); else base.write(fd, b); },
      isatty: () => false,
      stdioKind: () => 'pipe' as const,
    };
    const kernel = new Kernel({ host, hz: 250, vdso: mode !== 'clocksys' });
    kernel.spawn(elfPath, bytes, ['kbench', mode, String(n)], ['PATH=/usr/bin:/bin']);
    const t0 = process.hrtime.bigint();
    const r = kernel.run();
    const wallNs = Number(process.hrtime.bigint() - t0);
    if (r.status !== 0) throw new Error(`lde ${mode} ${n}: status ${r.status}${r.message ? `: ${r.message}` : ''}`);
    return { wallNs, selfNs: parseSelf(Buffer.concat(out).toString('latin1'), `lde ${mode}`) };
  };
}

interface Result { ns: number; selfNs: number; }

/** Best of reps at N and at 0; the difference per iteration. */
function measure(run: Runner, b: Bench, reps: number): Result {
  let bestN = Infinity, best0 = Infinity, selfNs = Infinity;
  for (let i = 0; i < reps; i++) {
    const s = run(b.name, b.n);
    bestN = Math.min(bestN, s.wallNs);
    selfNs = Math.min(selfNs, s.selfNs);
    best0 = Math.min(best0, run(b.name, 0).wallNs);
  }
  return { ns: Math.max(0, bestN - best0) / b.n, selfNs };
}

/** measure(), or undefined (the cell shows —) when the runner is missing or the program failed. */
function tryMeasure(run: Runner | undefined, b: Bench, reps: number, failures: string[]): Result | undefined {
  if (run === undefined) return undefined;
  try { return measure(run, b, reps); } catch (e) {
    failures.push((e instanceof Error ? e.message : String(e)).trim().split('\n')[0]);
    return undefined;
  }
}

const fmtNs = (v: number | undefined) =>
  v === undefined ? '—' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
const fmtRatio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x`;

function main(): number {
  const args = process.argv.slice(2);
  let reps = 3;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--reps') reps = Math.max(1, Number(args[++i]) | 0);
    else only.push(args[i]);
  }
  const benches = BENCHES.filter((b) => only.length === 0 || only.includes(b.name));
  if (benches.length === 0) {
    console.error(`bench:kernel: no benchmark matches ${only.join(' ')} (choose from ${BENCHES.map((b) => b.name).join(', ')})`);
    return 2;
  }

  const dir = mkdtempSync(join(tmpdir(), 'lde-kbench-'));
  try {
    console.log(`lde kernel bench: node ${process.version} ${process.arch}, ${cpus().length} cores; best of ${reps}; wall ns/op = (wall(N) - wall(0)) / N`);
    const runners: { lde?: Runner; native?: Runner; qemu?: Runner } = {};
    const pin = have('taskset', ['-c', '0', 'true']);
    console.log(pin ? 'native and qemu-riscv64 run pinned to CPU 0 (taskset -c 0), as lde\'s guest has one hart'
      : 'native and qemu-riscv64 run unpinned: taskset is not available (pipe times will vary with cross-CPU wakeups)');
    const rvElf = join(dir, 'kbench-rv64');
    if (!have('riscv64-linux-gnu-gcc')) console.log('skipping lde and qemu-riscv64: riscv64-linux-gnu-gcc is not installed (Debian: gcc-riscv64-linux-gnu)');
    else {
      const err = build('riscv64-linux-gnu-gcc', ['-static'], rvElf);
      if (err) console.log(`skipping lde and qemu-riscv64: ${err}`);
      else {
        runners.lde = ldeRunner(rvElf);
        if (have('qemu-riscv64')) runners.qemu = processRunner('qemu-riscv64', [rvElf], 'qemu-riscv64', pin);
        else console.log('skipping qemu-riscv64: not installed (Debian: qemu-user)');
      }
    }
    if (!have('gcc')) console.log('skipping native: host gcc is not installed');
    else {
      const hostExe = join(dir, 'kbench-native');
      const err = build('gcc', [], hostExe);
      if (err) console.log(`skipping native: ${err}`);
      else runners.native = processRunner(hostExe, [], 'native', pin);
    }
    // Warm the JIT on every mode before timing lde.
    if (runners.lde) for (const b of benches) runners.lde(b.name, Math.min(b.n, 200));

    const cols = ['benchmark', 'N', 'lde wall', 'lde virtual', 'native', 'qemu-riscv64', 'lde/native', 'lde/qemu'];
    const widths = [10, 10, 10, 12, 10, 13, 11, 9];
    const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ');
    console.log('ns per operation:');
    console.log(row(cols));
    console.log('-'.repeat(widths.reduce((s, w) => s + w + 1, -1)));
    const cross: string[] = [];
    const failures: string[] = [];
    for (const b of benches) {
      const lde = tryMeasure(runners.lde, b, reps, failures);
      const nat = tryMeasure(runners.native, b, reps, failures);
      const qemu = tryMeasure(runners.qemu, b, reps, failures);
      console.log(row([b.name, b.n.toLocaleString('en-US'), fmtNs(lde?.ns), fmtNs(lde?.selfNs), fmtNs(nat?.ns), fmtNs(qemu?.ns),
        fmtRatio(lde?.ns, nat?.ns), fmtRatio(lde?.ns, qemu?.ns)]));
      cross.push(`  ${b.name.padEnd(8)} native ${fmtNs(nat?.selfNs)}, qemu-riscv64 ${fmtNs(qemu?.selfNs)}  (${b.what})`);
    }
    console.log('self-reported wall ns/op (CLOCK_MONOTONIC around the loop; excludes setup and teardown):');
    for (const c of cross) console.log(c);
    console.log('lde virtual: the guest clock, 1 user instruction = 1 ns; kernel work is charged from src/kernel/cost.ts.');
    for (const f of failures) console.log(`failed (shown as —): ${f}`);
    if (failures.length > 0) return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = main();
