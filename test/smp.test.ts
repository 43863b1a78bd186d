// Several harts (--smp N, docs/smp.md): user/bin/harts (raw-clone threads)
// and test/threads/*.c (glibc pthreads) on 1 to 4 harts. Oracles: exact
// totals (T * W) for the shared counters, qemu-riscv64's output for the
// pthread programs, Linux's behaviour (EINVAL for a mask with no online
// hart, SIGSEGV after munmap), and invariants: the same run gives the same
// bytes, --smp 1 reports no per-hart section, the harts' IPIs balance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { have, lde, HANG_GUARD_MS, ROOT } from './helpers/cli.js';
import { Kernel } from '../src/kernel/kernel.js';
import { StatsSink, type Stats } from '../src/trace/stats.js';
import { nodeHost } from '../src/cli/host.js';
import { runExperiment } from '../src/experiment/runner.js';
import { smp } from '../src/experiment/smp.js';

const HARTS = `${ROOT}user/bin/harts`;
const THREADS = fileURLToPath(new URL('../../test/threads/', import.meta.url));

/** Runs user/bin/harts in-process on `harts` harts: its status, stdout and --stats. */
function run(harts: number, args: string[], tweak?: (k: Kernel) => void): { status: number; out: string; stats: Stats } {
  let out = '';
  const host = { ...nodeHost(), cwd: '/', write: (fd: number, b: Uint8Array) => { if (fd === 1) out += Buffer.from(b).toString(); return b.length; } };
  const k = new Kernel({ host, harts });
  const stats = new StatsSink();
  k.trace.attach(stats);
  tweak?.(k);
  k.spawn('/bin/harts', readFileSync(HARTS), ['harts', ...args], []);
  const r = k.run();
  return { status: r.status, out, stats: stats.summary() };
}

const sum = (s: Stats, pick: (h: NonNullable<Stats['harts']>[number]) => number) => (s.harts ?? []).reduce((n, h) => n + pick(h), 0);

test('the same --smp 4 run gives the same --stats=json and --trace, byte for byte', () => {
  const dir = mkdtempSync(tmpdir() + '/lde-smp-');
  try {
    const go = (n: number) => lde(['run', '--smp', '4', '--stats=json', '--trace', `${dir}/t${n}.json`, 'harts', 'lock', '4', '2000']);
    const a = go(1), b = go(2);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout, 'harts lock: 4 threads x 2000 = 8000 (expected 8000)\n');
    assert.equal(a.stderr, b.stderr);
    assert.ok(readFileSync(`${dir}/t1.json`).equals(readFileSync(`${dir}/t2.json`)), 'the traces differ');
    const s = JSON.parse(a.stderr) as Stats;
    assert.equal(s.harts?.length, 4, 'one entry per hart');
    const trace = JSON.parse(readFileSync(`${dir}/t1.json`, 'utf8')) as { traceEvents: { name: string; tid?: number; pid?: number }[] };
    const tracks = new Set(trace.traceEvents.filter((e) => e.name.startsWith('switch to')).map((e) => e.tid));
    assert.ok(tracks.size >= 2, `context switches on several hart tracks: ${[...tracks].join(', ')}`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('--smp 1 is the one-hart machine: no per-hart section, no IPI', () => {
  const r = run(1, ['par', '2', '1000']);
  assert.equal(r.status, 0);
  assert.equal(r.stats.harts, undefined);
  assert.equal(r.stats.interrupts.find((i) => i.name.includes('software')), undefined);
});

test('atomics across harts: AMO, LR/SC and a futex mutex count exactly, on 1, 2 and 4 harts', () => {
  for (const harts of [1, 2, 4]) {
    for (const [mode, w] of [['amo', 8000], ['lrsc', 8000], ['lock', 3000]] as const) {
      const r = run(harts, [mode, '4', String(w)]);
      assert.equal(r.out, `harts ${mode}: 4 threads x ${w} = ${4 * w} (expected ${4 * w})\n`, `${mode} on ${harts} harts`);
    }
  }
});

test('a store by another hart breaks an LR reservation: without it the LR/SC counter loses updates (the check can fail)', () => {
  const broken = run(4, ['lrsc', '4', '50000'], (k) => { k.board.bus.onReserved = () => {}; });
  assert.notEqual(broken.out, 'harts lrsc: 4 threads x 50000 = 200000 (expected 200000)\n', 'the workload exercises reservations across harts');
});

test('sched_setaffinity pins the caller: getcpu reports each hart; a mask of no online hart is EINVAL', () => {
  assert.equal(run(4, ['getcpu', '4']).out, [0, 1, 2, 3].map((c) => `pinned to cpu ${c}: ok, getcpu says that cpu\n`).join(''));
  assert.equal(run(2, ['getcpu', '3']).out, 'pinned to cpu 0: ok, getcpu says that cpu\npinned to cpu 1: ok, getcpu says that cpu\npinned to cpu 2: failed, getcpu says another\n');
});

test('TLB shootdown: a thread on another hart faults once its page is unmapped (SIGSEGV, status 139 as on Linux)', () => {
  const r = run(4, ['segv']);
  assert.equal(r.status, 139);
  assert.equal(r.out, 'harts segv: the reader runs; unmapping its page\n');
  assert.ok(sum(r.stats, (h) => h.ipisSent.tlb ?? 0) >= 1, 'the munmap sent a flush IPI');
});

test('IPIs: munmap beside 3 threads on 4 harts sends one flush IPI to each, every one received, and waits', () => {
  const r = run(4, ['unmap', '4', '50']);
  assert.equal(r.out, 'harts unmap: 50 pages mapped, touched and unmapped beside 3 threads\n');
  const h = r.stats.harts!;
  assert.equal(h[0].shootdowns, 50);
  assert.equal(h[0].ipisSent.tlb, 150);
  for (const other of h.slice(1)) assert.equal(other.ipisReceived.tlb, 50);
  assert.equal(sum(r.stats, (x) => x.ipisSent.resched ?? 0), sum(r.stats, (x) => x.ipisReceived.resched ?? 0), 'every reschedule IPI is taken');
  assert.ok(sum(r.stats, (x) => x.ipisSent.resched ?? 0) > 0, 'threads woken onto idle harts');
  assert.ok(h[0].shootdownWait > 0);
  const one = run(1, ['unmap', '4', '50']);
  assert.equal(one.out, r.out);
  assert.ok(r.stats.cycles > one.stats.cycles, 'on one hart no shootdown waits');
});

test('/proc/cpuinfo, sched_getaffinity and /sys/devices/system/cpu/online show the harts', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not on PATH');
  const dir = mkdtempSync(tmpdir() + '/lde-smp-');
  try {
    const src = `${dir}/n.c`;
    writeFileSync(src, '#define _GNU_SOURCE\n#include <stdio.h>\n#include <unistd.h>\n#include <sched.h>\nint main(void){cpu_set_t s;sched_getaffinity(0,sizeof s,&s);' +
      'FILE*f=fopen("/proc/cpuinfo","r");char l[256];int n=0;while(fgets(l,sizeof l,f))n+=l[0]==\'p\'&&l[1]==\'r\';' +
      'printf("%ld %d %d\\n",sysconf(_SC_NPROCESSORS_ONLN),CPU_COUNT(&s),n);return 0;}\n');
    const b = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/n`, src], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    for (const n of [2, 3]) assert.equal(lde(['run', '--smp', String(n), `${dir}/n`]).stdout, `${n} ${n} ${n}\n`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('glibc pthreads on 4 harts print what qemu-riscv64 prints', (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64')) return t.skip('riscv64-linux-gnu-gcc or qemu-riscv64 not on PATH');
  const dir = mkdtempSync(tmpdir() + '/lde-smp-');
  try {
    for (const [prog, args] of [['basic', []], ['lifecycle', ['thread-exit']]] as const) {
      const b = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-pthread', '-O1', '-o', `${dir}/${prog}`, `${THREADS}${prog}.c`], { encoding: 'utf8' });
      assert.equal(b.status, 0, b.stderr);
      const want = spawnSync('qemu-riscv64', [`${dir}/${prog}`, ...args], { encoding: 'utf8', timeout: HANG_GUARD_MS });
      const got = lde(['run', '--smp', '4', '--max-time', '30', `${dir}/${prog}`, ...args]);
      assert.equal(`status ${got.status}\n${got.stdout}`, `status ${want.status}\n${want.stdout}`, `${prog} ${args.join(' ')}: ${got.stderr}`);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('lde experiment smp: a parallel program is more than 1.5x as fast on 2 harts', async () => {
  const env = { host: () => ({ ...nodeHost(), cwd: '/' }), program: (name: string) => readFileSync(`${ROOT}user/bin/${name}`) };
  const r = await runExperiment(smp, env);
  const par = r.tables[0].rows;
  assert.deepEqual(par.map((x) => x.harts), [1, 2, 4]);
  assert.ok(Number(par[1].speedup) > 1.5, `speedup at 2 harts: ${par[1].speedup}`);
  assert.ok(Number(par[2].speedup) > Number(par[1].speedup), 'and more on 4');
  assert.match(r.conclusion, /as fast on 2 harts/);
  assert.equal(r.commands['parallel, --smp 2'], 'lde run --sandbox --smp 2 harts par 4 100000');
});
