// The timer tick through the real kernel: the hart runs the bundled `spin`
// program until a real supervisor timer interrupt reaches the trampoline,
// and the test hands that Exit to usertrap itself, so it can look at the
// scheduler before and after. The oracles are the cost table (cost.ts: what
// the interrupt and the switch cost, and whom they are charged to), the
// saved user pc (where sret must return), satp (the address space that must
// be loaded), and the tick's contract: another process waiting → a 'tick'
// switch to it; nobody waiting → the same process, no switch event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kernel } from '../src/kernel/kernel.js';
import { usertrap } from '../src/kernel/trap.js';
import { DEFAULT_COSTS } from '../src/kernel/cost.js';
import type { Exit } from '../src/machine/index.js';
import { nodeHost } from '../src/cli/host.js';
import { Recorder, type TraceEvent } from '../src/trace/events.js';
import { ROOT } from './helpers/cli.js';

const SPIN = `${ROOT}user/bin/spin`;
const quiet = () => ({ ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) });

/** A kernel with `n` spinners spawned (pid 1..n) and every event recorded; the first switch done, as Kernel.run does it. */
function boot(n: number, rounds = '50000000') {
  const k = new Kernel({ host: quiet(), hz: 250 });
  const rec = new Recorder();
  k.trace.attach(rec);
  const procs = Array.from({ length: n }, () => k.spawn(SPIN, readFileSync(SPIN), ['spin', rounds], []));
  const cpu = k.cpus[0];
  k.sched.timers.expire();
  assert.equal(k.sched.schedule(cpu), true);
  return { k, rec, cpu, procs };
}

/** Runs the hart (handling every other exit with usertrap) until a timer interrupt arrives; returns it unhandled. */
function untilTimer(k: Kernel): Extract<Exit, { kind: 'trap' }> {
  for (let i = 0; i < 1000; i++) {
    const e = k.hart.run(1 << 20);
    if (e.kind === 'trap' && e.interrupt) return e;
    usertrap(k, k.cpus[0], e);
  }
  throw new Error('no timer interrupt in 1000 runs');
}

/** The root page table satp points at (read from the hart itself: the port's csrRead checks privilege, and the hart is in U-mode now). */
const satpRoot = (k: Kernel) => Number(k.board.hart.satp & ((1n << 44n) - 1n)) * 4096;
const kinds = (es: TraceEvent[]) => es.map((e) => e.kind);

test('a tick with another process waiting switches to it: reason tick, at the cost table\'s price, charged to the one leaving', () => {
  const { k, rec, cpu, procs: [a, b] } = boot(2);
  const e = untilTimer(k);
  assert.equal(cpu.current, a, 'pid 1 had the hart when the timer fired');
  assert.deepEqual(cpu.runq, [b]);
  const mark = rec.events.length, stime = a.stime, bPc = b.pc, trapCycle = k.hart.cycle;
  usertrap(k, cpu, e);
  const after = rec.events.slice(mark);
  assert.deepEqual(kinds(after), ['tick', 'switch', 'satp', 'xret'], 'the tick, one switch, the other address space (satp), and sret into the other process');
  const [tick, sw, satp, xret] = after as [Extract<TraceEvent, { kind: 'tick' }>, Extract<TraceEvent, { kind: 'switch' }>, Extract<TraceEvent, { kind: 'satp' }>, Extract<TraceEvent, { kind: 'xret' }>];
  assert.equal(satp.root, b.as.root, 'the hart now translates through pid 2\'s page table');
  assert.deepEqual({ pid: tick.pid, preempted: tick.preempted }, { pid: a.pid, preempted: true });
  assert.deepEqual({ from: sw.from, to: sw.to, reason: sw.reason }, { from: a.pid, to: b.pid, reason: 'tick' });
  assert.equal(tick.cycle, trapCycle + DEFAULT_COSTS.interrupt);
  assert.equal(sw.cycle, tick.cycle + DEFAULT_COSTS.contextSwitch);
  assert.equal(a.stime - stime, DEFAULT_COSTS.interrupt + DEFAULT_COSTS.contextSwitch, 'the interrupt and the switch are the preempted process\'s system time');
  assert.equal(xret.pc, BigInt(bPc), 'sret returns to where pid 2 was');
  assert.equal(satpRoot(k), b.as.root, 'satp holds pid 2\'s page table');
  assert.equal(cpu.current, b);
  assert.deepEqual([a.state, b.state], ['runnable', 'running']);
  assert.deepEqual(cpu.runq, [a], 'the preempted process waits at the back of the queue');
  assert.deepEqual([a.nivcsw, a.nvcsw], [1, 0]);
});

test('a tick with no other process keeps the same one running, with no switch event', () => {
  const { k, rec, cpu, procs: [a] } = boot(1);
  const e = untilTimer(k);
  const mark = rec.events.length, stime = a.stime, trapCycle = k.hart.cycle;
  usertrap(k, cpu, e);
  const after = rec.events.slice(mark);
  assert.deepEqual(kinds(after), ['tick', 'xret'], 'no switch event');
  const [tick, xret] = after as [Extract<TraceEvent, { kind: 'tick' }>, Extract<TraceEvent, { kind: 'xret' }>];
  assert.equal(tick.preempted, false);
  assert.equal(xret.pc, e.pc, 'sret returns to the interrupted instruction');
  assert.equal(xret.cycle, trapCycle + DEFAULT_COSTS.interrupt, 'no switch cost');
  assert.equal(a.stime - stime, DEFAULT_COSTS.interrupt);
  assert.equal(cpu.current, a);
  assert.equal(a.state, 'running');
  assert.equal(a.nivcsw, 0);
  assert.equal(satpRoot(k), a.as.root);
});

/** Every tick of a whole run, with the event that follows it in the kernel's and the hart's stream. */
function ticksOfRun(copies: number): { k: Kernel; events: TraceEvent[] } {
  const k = new Kernel({ host: quiet(), hz: 250 });
  const rec = new Recorder();
  k.trace.attach(rec);
  for (let i = 0; i <= copies; i++) k.spawn(SPIN, readFileSync(SPIN), ['spin', '3000000'], []);
  assert.equal(k.run().status, 0);
  return { k, events: rec.events };
}

test('over a whole run of two spinners, every preempting tick is followed by a tick switch to the other, and only those', () => {
  const { events } = ticksOfRun(1);
  let preempting = 0;
  events.forEach((e, i) => {
    if (e.kind !== 'tick') return;
    const next = events[i + 1];
    if (e.preempted) {
      preempting++;
      assert.ok(next.kind === 'switch' && next.reason === 'tick' && next.from === e.pid && next.to !== e.pid, `after tick ${i}: ${JSON.stringify(next)}`);
    } else {
      assert.equal(next.kind, 'xret', `a tick that kept pid ${e.pid} returns to it at once`);
    }
  });
  const tickSwitches = events.filter((e) => e.kind === 'switch' && e.reason === 'tick').length;
  assert.ok(preempting > 10, `${preempting} preempting ticks`);
  assert.equal(tickSwitches, preempting);
  // While both spin, the other one is always waiting: only the ticks after one of them finished keep the same process.
  const firstExit = events.findIndex((e) => e.kind === 'proc' && e.phase === 'exit');
  assert.ok(events.slice(0, firstExit).every((e) => e.kind !== 'tick' || e.preempted), 'no tick kept a spinner while the other waited');
});

test('one spinner alone: every tick keeps it, and the only switch is the first one', () => {
  const { k, events } = ticksOfRun(0);
  const ticks = events.filter((e) => e.kind === 'tick');
  assert.equal(ticks.length, k.ticks);
  assert.ok(ticks.length > 5, `${ticks.length} ticks`);
  assert.ok(ticks.every((e) => e.kind === 'tick' && !e.preempted));
  const switches = events.filter((e) => e.kind === 'switch');
  assert.deepEqual(switches.map((e) => e.kind === 'switch' && [e.from, e.to, e.reason]), [[0, 1, 'start']]);
});

test('any tick rate from 10 to 10,000: a spinner takes one tick per period of mtime (10 MHz) rounded to whole ticks', () => {
  // 10 Hz: two periods (its period is the longest, so its run is too); 1234 Hz (a period that is not a whole
  // number of mtime units) and 10,000 Hz: about 22 ms, 27 and 220 ticks, enough that a period a few percent off would miss by more than one.
  for (const [hz, rounds] of [[10, '22000000'], [1234, '2000000'], [10_000, '2000000']] as const) {
    const host = { ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) };
    const k = new Kernel({ host, hz });
    const path = `${ROOT}user/bin/spin`;
    k.spawn(path, readFileSync(path), ['spin', rounds], []);
    k.run();
    const periodNs = Math.round(10_000_000 / hz) * 100;
    // The spinner never sleeps, so the timer fires every period while it runs: one tick per whole period, give or take the last.
    assert.ok(Math.abs(k.ticks - Math.floor(k.board.hart.cycle / periodNs)) <= 1, `hz ${hz}: ${k.ticks} ticks in ${k.board.hart.cycle} cycles`);
  }
  for (const hz of [5, 10_001, 2.5]) assert.throws(() => new Kernel({ host: nodeHost(), hz }), /a tick rate is 10 to 10,000 per second/);
});
