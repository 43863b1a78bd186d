// What the trace events cost when nothing listens (DESIGN.md "Observability
// is part of the design": emitting costs one branch). Builds a second copy of the compiled tree in which every
// `….trace.on` test is the literal `false` — the build without the emit
// calls, as the engine compiles `if (false)` to nothing — and times the same
// work in both, alternating, best of N:
//   - the interpreter on the bare-metal bench programs (traps are rare);
//   - the kernel on system-call-heavy programs (user/bin/syscalls, pipe):
//     every call passes several emit sites (trap, enter, exit, sret).
// Prints wall times and the ratio with/without; within 2 % is the target.
//
// Usage: npm run bench:emit [-- --reps N]
// This is a benchmark, not a test: nothing here is timed against a limit.

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = process.argv[2] === 'worker' ? process.argv[3] : join(dist, '..');

interface Timing { name: string; secs: number; work: number; unit: string }

/** Runs inside one build (argv[2] = 'worker'): times each workload once and prints JSON. */
async function worker(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const { runBare } = await import(join(here, '../src/machine/bare.js'));
  const { Kernel } = await import(join(here, '../src/kernel/kernel.js'));
  const out: Timing[] = [];
  for (const name of ['sieve', 'sha256', 'qsort']) {
    const elf = readFileSync(join(root, 'bench/bin', `${name}.elf`));
    const t0 = process.hrtime.bigint();
    const r = runBare(elf, { console: () => {} });
    out.push({ name, secs: Number(process.hrtime.bigint() - t0) / 1e9, work: r.instret, unit: 'instructions' });
  }
  const { nodeHost } = await import(join(here, '../src/cli/host.js'));
  const host = { ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) };
  for (const [name, args] of [['syscalls', ['1000000']], ['pipe', ['100000']]] as [string, string[]][]) {
    const k = new Kernel({ host, hz: 250 });
    const path = join(root, 'user/bin', name);
    k.spawn(path, readFileSync(path), [name, ...args], []);
    const t0 = process.hrtime.bigint();
    k.run();
    const calls = [...k.syscallCounts.values()].reduce((s: number, v: number) => s + v, 0);
    out.push({ name, secs: Number(process.hrtime.bigint() - t0) / 1e9, work: calls, unit: 'system calls' });
  }
  process.stdout.write(JSON.stringify(out));

}

/** Copies the compiled tree, turning every emit guard into `false`. Returns the copy's bench directory. */
function buildWithoutEmits(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lde-noemit-'));
  cpSync(join(dist, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(dist, 'bench'), join(dir, 'bench'), { recursive: true });
  let sites = 0;
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.js')) {
        const text = readFileSync(p, 'utf8');
        const stripped = text.replace(/\b[\w.]+\.trace\.on\b/g, () => { sites++; return 'false'; });
        if (stripped !== text) writeFileSync(p, stripped);
      }
    }
  };
  walk(join(dir, 'src'));
  console.log(`build without emits: ${sites} emit guards replaced by false in ${dir}`);
  return dir;
}

function run(benchDir: string): Timing[] {
  const r = spawnSync(process.execPath, [join(benchDir, 'emit-cost.js'), 'worker', root], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(`worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Timing[];
}

function main(): void {
  const i = process.argv.indexOf('--reps');
  const reps = i > 0 ? Math.max(1, Number(process.argv[i + 1]) || 5) : 5;
  const without = buildWithoutEmits();
  const best = new Map<string, { with: number; without: number; work: number; unit: string }>();
  try {
    for (let r = 0; r < reps; r++) {
      for (const [variant, dir] of [['with', join(dist, 'bench')], ['without', join(without, 'bench')]] as const) {
        for (const t of run(dir)) {
          const b = best.get(t.name) ?? { with: Infinity, without: Infinity, work: t.work, unit: t.unit };
          b[variant] = Math.min(b[variant], t.secs);
          best.set(t.name, b);
        }
      }
    }
  } finally {
    rmSync(without, { recursive: true, force: true });
  }
  console.log(`node ${process.version}, best of ${reps}, alternating builds; ratio = with emits (no sink) / without`);
  console.log(`${'workload'.padEnd(10)} ${'work'.padStart(14)} ${'with'.padStart(9)} ${'without'.padStart(9)} ${'ratio'.padStart(7)}`);
  let logSum = 0;
  for (const [name, b] of best) {
    const ratio = b.with / b.without;
    logSum += Math.log(ratio);
    console.log(`${name.padEnd(10)} ${b.work.toLocaleString('en-US').padStart(14)} ${b.with.toFixed(3).padStart(8)}s ${b.without.toFixed(3).padStart(8)}s ${ratio.toFixed(3).padStart(7)}  (${b.unit})`);
  }
  console.log(`geometric mean ratio ${Math.exp(logSum / best.size).toFixed(3)} (target: within 1.02)`);
}

if (process.argv[2] === 'worker') await worker();
else main();
