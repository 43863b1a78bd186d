// Issue 10's mechanisms, each held to an oracle computed independently of
// the code under test:
//   - the tick modes (--tick): how many ticks each takes follows from the
//     tick grid and the program's own sleeps and work;
//   - the energy model: the machine's per-state meter and the stats' own
//     integral of the power events agree (energy is conserved), and a fully
//     idle stretch costs exactly what the state table says;
//   - kernel preemption (--preempt): an interactive process waits longer
//     without preemption points: none >= voluntary >= full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kernel, type KernelOptions } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';
import { StatsSink, type Stats } from '../src/trace/stats.js';
import { ChromeTraceSink } from '../src/trace/chrome.js';
import type { TraceEvent } from '../src/trace/events.js';
import { HI6220, transitionJoules } from '../src/machine/index.js';
import { selectIdleState } from '../src/kernel/sched/idle.js';
import { Cpu, HOUSEKEEPING_NS } from '../src/kernel/sched/cpu.js';
import type { HartPort } from '../src/machine/index.js';
import { ROOT } from './helpers/cli.js';
import { latencies, timerSleepers } from '../src/experiment/measure.js';
import { CHUNK_CYCLES } from '../src/kernel/sched/preempt.js';
import { DEFAULT_COSTS } from '../src/kernel/cost.js';

interface Ran { stats: Stats; events: TraceEvent[]; out: string; status: number; k: Kernel }

function run(name: string, args: string[], opts: Omit<Partial<KernelOptions>, 'host'>): Ran {
  const chunks: Uint8Array[] = [];
  const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { chunks.push(b.slice()); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, hz: 250, ...opts });
  const stats = new StatsSink(), events: TraceEvent[] = [];
  k.trace.attach(stats);
  k.trace.attach({ event: (e) => { if (e.kind !== 'insn') events.push(e); } });
  const path = `${ROOT}user/bin/${name}`;
  k.spawn(path, readFileSync(path), [name, ...args], []);
  const r = k.run();
  return { stats: stats.summary(), events, out: Buffer.concat(chunks).toString(), status: r.status, k };
}

// ---- tick modes -----------------------------------------------------------------

test('--tick periodic takes a tick at every grid point, idle or not; idle and full take none while the hart idles', () => {
  const period = 4_000_000; // 250 Hz
  const p = run('waker', ['5', '100'], { tick: 'periodic' });
  assert.equal(p.status, 0, p.out);
  // The oracle: every grid point from the first to the end of the run is a tick (nothing here runs kernel work long enough to miss one).
  assert.equal(p.stats.tick.taken, Math.floor(p.stats.cycles / period));
  assert.equal(p.stats.tick.notTaken.idle + p.stats.tick.notTaken.single, 0);
  assert.ok(p.stats.tick.takenIdle > 0.9 * p.stats.tick.taken, 'an almost idle system takes most ticks while idle');
  assert.ok(p.stats.tick.longestWithoutTick <= period + HI6220.states[2].exitNs + DEFAULT_COSTS.interrupt, `longest without a tick: ${p.stats.tick.longestWithoutTick}`);

  const i = run('waker', ['5', '100'], { tick: 'idle' });
  assert.equal(i.out, p.out);
  assert.equal(i.stats.tick.takenIdle, 0, 'no tick while idle');
  // Each ~100 ms sleep skips the grid points it spans; together with the ticks taken they cover the run.
  assert.equal(i.stats.tick.taken + i.stats.tick.notTaken.idle, Math.floor(i.stats.cycles / period));
  assert.equal(i.stats.tick.stops.idle, 5, 'the tick stops at each of the five sleeps');
  assert.ok(i.stats.tick.longestWithoutTick >= 100_000_000);
  assert.equal(i.stats.idle.entries, 5);
});

test('--tick full stops the tick while one task runs, apart from the housekeeping tick each second', () => {
  const spin = ['3000000']; // about 33 ms of one CPU-bound task: 8 grid points
  const idle = run('spin', spin, { tick: 'idle' }), full = run('spin', spin, { tick: 'full' });
  assert.equal(full.out, idle.out);
  assert.equal(idle.stats.tick.taken, Math.floor(idle.stats.cycles / 4_000_000), 'one task with the tick running: every grid point');
  assert.equal(full.stats.tick.taken, 0, 'no tick in the first second with one task');
  assert.equal(full.stats.tick.taken + full.stats.tick.notTaken.single, Math.floor(full.stats.cycles / 4_000_000));
  assert.ok(full.stats.kernelCycles < idle.stats.kernelCycles, 'the tick\'s interrupts are the kernel time removed');
  // Two tasks: the tick must run (round robin needs it), so full behaves as idle.
  const two = run('hogs', ['2', '1000000', '0'], { tick: 'full' }), twoIdle = run('hogs', ['2', '1000000', '0'], { tick: 'idle' });
  assert.equal(two.out, twoIdle.out);
  assert.ok(two.stats.ticks.preempted > 0 && two.stats.ticks.preempted === twoIdle.stats.ticks.preempted);
});

test('the housekeeping tick: a second after the last tick, with the tick stopped for one task, and never while stopped for idle', () => {
  let now = 0;
  const written: number[] = [];
  const hart = { get cycle() { return now; }, csrWritePair: (_c: number, lo: number) => { written.push(lo >>> 0); return true; } } as unknown as HartPort;
  const cpu = new Cpu(hart, 40_000, 'full'); // 250 Hz: a tick every 4 ms (40,000 mtime units of 100 ns)
  now = 10_000_000; // a tick at 8 ms was the last one
  cpu.tookTick(8_000_000);
  assert.ok(cpu.stopTick('single'));
  assert.equal(cpu.tickDue(now + 900_000_000), false);
  assert.equal(cpu.tickDue(8_000_000 + HOUSEKEEPING_NS), true, 'due a second after the last tick, on the grid');
  cpu.program(Infinity);
  assert.equal(cpu.programmedAt, 8_000_000 + HOUSEKEEPING_NS, 'programmed for it when nothing comes sooner');
  cpu.program(50_000_000);
  assert.equal(cpu.programmedAt, 50_000_000, 'a timed wake-up first');
  now = 8_000_000 + HOUSEKEEPING_NS;
  cpu.tookTick(now);
  assert.equal(cpu.restartTick(), 249, 'the grid points in between were not taken');
  assert.ok(cpu.stopTick('idle'));
  assert.equal(cpu.tickDue(now + 5 * HOUSEKEEPING_NS), false, 'no housekeeping tick for an idle hart');
});

test('a timed wake-up is a timer event of its own: the sleeper wakes at its deadline, not at the next tick', () => {
  const r = run('sleeper', [], { hz: 10, tick: 'periodic' }); // a tick every 100 ms; the sleeps are 100 ms too, and start off the grid
  assert.equal(r.status, 0, r.out);
  const wakes = r.events.filter((e) => e.kind === 'wake' && e.why === 'timer');
  assert.equal(wakes.length, 2);
});

// ---- energy ---------------------------------------------------------------------

test('energy is conserved: the meter\'s states sum to the integral of the power track, and time to the run', () => {
  for (const tick of ['periodic', 'idle', 'full'] as const) {
    for (const gov of ['menu', 'deepest', 'wfi'] as const) {
      const r = run('waker', ['4', '7'], { tick, idleGovernor: gov, hz: 1000 });
      const e = r.stats.energy;
      const sumJ = e.byState.reduce((n, b) => n + b.joules, 0), sumNs = e.byState.reduce((n, b) => n + b.cycles, 0);
      assert.ok(Math.abs(sumJ - e.joules) <= 1e-9 * Math.max(1, e.joules) + 1e-12, `${tick}/${gov}: ${sumJ} J by state, ${e.joules} J integrated`);
      assert.equal(sumNs, r.stats.cycles, `${tick}/${gov}: every cycle is in one bucket`);
      assert.ok(Math.abs(e.meanWatts - e.joules / (r.stats.cycles / 1e9)) < 1e-12);
      assert.ok(e.meanWatts > 0 && e.meanWatts <= HI6220.runWatts + 1e-12);
    }
  }
});

test('an idle period costs what the state table says, and the governor picks by the predicted length', () => {
  // The menu governor: deepest state whose target residency fits.
  assert.equal(selectIdleState(HI6220, 500, 'menu'), 0);
  assert.equal(selectIdleState(HI6220, 1_000_000, 'menu'), 1);
  assert.equal(selectIdleState(HI6220, 2_699_999, 'menu'), 1);
  assert.equal(selectIdleState(HI6220, 2_700_000, 'menu'), 2);
  assert.equal(selectIdleState(HI6220, 10, 'deepest'), 2);
  assert.equal(selectIdleState(HI6220, 1e9, 'wfi'), 0);
  // The transition energies make each target residency a break-even point against the shallower state (cpuidle.rst).
  for (let i = 1; i < HI6220.states.length; i++) {
    const s = HI6220.states[i], up = HI6220.states[i - 1], t = s.targetResidencyNs;
    const here = transitionJoules(HI6220, i) + (s.watts * t) / 1e9, there = transitionJoules(HI6220, i - 1) + (up.watts * t) / 1e9;
    assert.ok(Math.abs(here - there) < 1e-15, `${s.name} breaks even with ${up.name} at its target residency`);
  }
  // sleeper: two idle periods of ~100 ms in cluster-sleep: two whole transitions, the rest resident at 0 W, and run power otherwise.
  const r = run('sleeper', [], { tick: 'idle' });
  const cs = HI6220.states[2], by = Object.fromEntries(r.stats.energy.byState.map((b) => [b.state, b]));
  const transition = 2 * (cs.entryNs + cs.exitNs);
  assert.equal(by['cluster-sleep'].cycles, r.stats.idleCycles - transition);
  const ran = r.stats.cycles - by['cluster-sleep'].cycles - transition;
  const expected = (ran * HI6220.runWatts + by['cluster-sleep'].cycles * cs.watts) / 1e9 + 2 * transitionJoules(HI6220, 2);
  assert.ok(Math.abs(r.stats.energy.joules - expected) < 1e-12, `${r.stats.energy.joules} J, expected ${expected} J`);
  assert.equal(r.stats.energy.earlyWakeups, 0, 'the prediction is exact: no early wake-up');
});

test('waking before the target residency wastes energy, and HZ=1000 costs more than HZ=100 on an idle system', () => {
  const deep = run('waker', ['5', '20'], { hz: 1000, tick: 'periodic', idleGovernor: 'deepest' });
  const menu = run('waker', ['5', '20'], { hz: 1000, tick: 'periodic', idleGovernor: 'menu' });
  assert.ok(deep.stats.energy.earlyWakeups > 0 && deep.stats.energy.wastedJoules > 0);
  assert.equal(menu.stats.energy.earlyWakeups, 0);
  assert.ok(deep.stats.energy.joules > menu.stats.energy.joules, 'the naive governor spends more');
  const w = (hz: number) => run('waker', ['5', '100'], { hz, tick: 'periodic' }).stats.energy.meanWatts;
  const w100 = w(100), w1000 = w(1000), nohz = run('waker', ['5', '100'], { tick: 'idle' }).stats.energy.meanWatts;
  assert.ok(w1000 > w100 && w100 > nohz, `HZ=1000 ${w1000} W, HZ=100 ${w100} W, tickless ${nohz} W`);
});

// ---- kernel preemption -------------------------------------------------------

test('kernel preemption: the interactive process waits longest with none and least with full', () => {
  const max = (preempt: 'none' | 'voluntary' | 'full', args: string[]) => {
    const r = run('longcalls', args, { hz: 1000, preempt });
    assert.equal(r.status, 0, r.out);
    const l = latencies(r.events, timerSleepers(r.events));
    return { max: l[l.length - 1], preempts: r.stats.preempt, out: r.out };
  };
  // Long page-table walks (mprotect over 32 MiB): cond_resched points cut them under voluntary and full.
  const loops = ['8', '20', '32'];
  const n = max('none', loops), v = max('voluntary', loops), f = max('full', loops);
  assert.equal(n.out, v.out);
  assert.equal(n.preempts.inKernel, n.preempts.byWhy.return ?? 0, 'none preempts only on the way back to user mode');
  assert.ok(v.preempts.byWhy.cond_resched > 0 && f.preempts.byWhy.preempt > 0);
  assert.ok(n.max > v.max && v.max >= f.max, `max latency none ${n.max}, voluntary ${v.max}, full ${f.max}`);
  // The kernel's own part of the wait: from the tick that set need-resched to the switch.
  assert.ok(n.preempts.latency.max > v.preempts.latency.max && v.preempts.latency.max >= f.preempts.latency.max);
  assert.ok(v.preempts.latency.max <= CHUNK_CYCLES + DEFAULT_COSTS.fork, 'voluntary waits at most for the straight-line part and one chunk');
  // Fork's fixed cost is straight-line work: only full preemption cuts it, within a chunk.
  const forks = ['150', '20', '0'];
  const fn = max('none', forks), fv = max('voluntary', forks), ff = max('full', forks);
  const [ln, lv, lf] = [fn, fv, ff].map((x) => x.preempts.latency.max);
  assert.ok(ln >= lv && lv > lf, `need-resched to switch, max: none ${ln}, voluntary ${lv}, full ${lf}`);
  assert.ok(lf <= CHUNK_CYCLES + DEFAULT_COSTS.interrupt, 'full preemption comes within a chunk');
  assert.equal(fv.preempts.byWhy.cond_resched ?? 0, 0, 'fork has no cond_resched point');
});

// ---- what --trace shows -----------------------------------------------------

test('--trace has a power counter track, the tick\'s stops and restarts, idle states, and kernel preemptions', () => {
  const chunks: string[] = [];
  const host = { ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, hz: 1000, tick: 'idle', preempt: 'full' });
  const sink = new ChromeTraceSink((s) => { chunks.push(s); });
  k.trace.attach(sink);
  const path = `${ROOT}user/bin/longcalls`;
  k.spawn(path, readFileSync(path), ['longcalls', '8', '20', '32'], []);
  assert.equal(k.run().status, 0);
  sink.finish();
  const evs = JSON.parse(chunks.join('')).traceEvents as { name: string; ph: string; args?: Record<string, unknown> }[];
  const power = evs.filter((e) => e.ph === 'C' && e.name === 'power (W)');
  assert.ok(power.length > 4, 'a counter sample at each power change');
  // Every sample is the running power, an idle state's, or a state's transition power (its transition energy over its latencies).
  const allowed = new Set([HI6220.runWatts, ...HI6220.states.map((x) => x.watts),
    ...HI6220.states.map((x, i) => (transitionJoules(HI6220, i) * 1e9) / (x.entryNs + x.exitNs))]);
  for (const e of power) assert.ok(allowed.has(Object.values(e.args!)[0] as number), `power sample ${JSON.stringify(e.args)}`);
  assert.ok(power.some((e) => Object.values(e.args!)[0] === HI6220.runWatts));
  assert.ok(evs.some((e) => e.ph === 'i' && e.name === 'tick stopped (idle)'));
  assert.ok(evs.some((e) => e.ph === 'i' && /^tick restarted \(\d+ not taken\)$/.test(e.name)));
  assert.ok(evs.some((e) => e.ph === 'X' && /^idle: (WFI|cpu-sleep|cluster-sleep)$/.test(e.name)));
  assert.ok(evs.some((e) => e.ph === 'i' && e.name === 'kernel preemption: preempt' && typeof e.args?.where === 'string'));
});
