// The trace sinks (src/trace: stats, diagram, Chrome trace) on real runs of
// the bundled programs, in-process. The oracles are the kernel's own
// counters, kept apart from the event stream (syscallCounts, ticks, nvcsw,
// minflt, idleCycles, the hart's cycle and instret), the cost table
// (cost.ts), the Trace Event Format's rules, and invariants every run must
// keep (user + kernel + idle = all the cycles; spans tile the timeline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kernel } from '../src/kernel/kernel.js';
import { DEFAULT_COSTS } from '../src/kernel/cost.js';
import type { Process } from '../src/kernel/proc.js';
import { nodeHost } from '../src/cli/host.js';
import { Recorder, type TraceEvent } from '../src/trace/events.js';
import { StatsSink, formatStats, statsJson, type Stats } from '../src/trace/stats.js';
import { ChromeTraceSink } from '../src/trace/chrome.js';
import { drawDiagram, DIAGRAM_WIDTH } from '../src/trace/diagram.js';
import { ROOT } from './helpers/cli.js';

interface Traced {
  k: Kernel;
  status: number;
  out: string;
  stats: Stats;
  chrome: string;
  events: TraceEvent[];
  /** Every process the run created, kept after the kernel forgets the reaped ones. */
  procs: Map<number, Process>;
}

/** Runs bundled programs (the first is pid 1; `copies` more of it start beside it) with every sink attached. */
function traced(name: string, args: string[] = [], opts: { hz?: number; copies?: number } = {}): Traced {
  const chunks: Uint8Array[] = [];
  const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { chunks.push(b.slice()); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, hz: opts.hz ?? 250, maxCycles: 10e9 });
  const rec = new Recorder(), stats = new StatsSink();
  let chrome = '';
  const sink = new ChromeTraceSink((s) => { chrome += s; });
  const procs = new Map<number, Process>();
  k.trace.attach(rec);
  k.trace.attach(stats);
  k.trace.attach(sink);
  k.trace.attach({ event: (e) => { if (e.kind === 'proc' && e.phase === 'create') procs.set(e.pid, k.procs.get(e.pid)!); } });
  const path = `${ROOT}user/bin/${name}`;
  for (let i = 0; i <= (opts.copies ?? 0); i++) k.spawn(path, readFileSync(path), [name, ...args], []);
  const r = k.run();
  sink.finish();
  return { k, status: r.status, out: Buffer.concat(chunks).toString(), stats: stats.summary(), chrome, events: rec.events, procs };
}

// ---- the oracles --------------------------------------------------------------

/** The kernel's counters summed over every process, exited or not. */
function kernelTotals(t: Traced) {
  const live = [...t.k.procs.values()].filter((p) => p.state !== 'zombie');
  const sum = (f: (p: Process) => number) => live.reduce((n, p) => n + f(p), 0);
  const { totals } = t.k;
  return {
    minflt: totals.minflt + sum((p) => p.minflt), majflt: totals.majflt + sum((p) => p.majflt),
    nvcsw: totals.nvcsw + sum((p) => p.nvcsw), nivcsw: totals.nivcsw + sum((p) => p.nivcsw),
  };
}

/** Wake-ups followed by a switch to the woken process, read straight off the event stream. */
function wakesThatRan(events: TraceEvent[]): number {
  const woken = new Set<number>();
  let n = 0;
  for (const e of events) {
    if (e.kind === 'wake') woken.add(e.pid);
    if (e.kind === 'switch' && woken.delete(e.to)) n++;
    if (e.kind === 'proc' && e.phase === 'exit') woken.delete(e.pid);
  }
  return n;
}

function checkStats(t: Traced): void {
  const s = t.stats, h = t.k.board.hart, kt = kernelTotals(t);
  assert.equal(s.cycles, h.cycle, 'cycles = the hart\'s virtual time at the end');
  assert.equal(s.userCycles + s.kernelCycles + s.idleCycles, s.cycles, 'user + kernel + idle = all the cycles');
  assert.equal(s.idleCycles, t.k.idleCycles, 'idle cycles = the kernel\'s own count');
  assert.equal(s.userInstructions, h.instret, 'user instructions = the hart\'s instret (the kernel retires none)');
  assert.equal(s.status, t.status);
  assert.equal(s.hz, t.k.hz);
  // System calls by name = the kernel's own table (known calls) plus its unknown-number counts.
  const expected = new Map([...t.k.syscallCounts].concat([...t.k.unknownSyscalls].map(([nr, n]) => [`syscall_0x${nr.toString(16)}`, n])));
  assert.deepEqual(new Map(s.syscalls.map((c) => [c.name, c.count])), expected);
  assert.equal(s.diagram.syscall.count, [...expected.values()].reduce((a, b) => a + b, 0));
  // Per process: the pieces add up to the totals.
  const sum = (f: (p: Stats['processes'][number]) => number) => s.processes.reduce((n, p) => n + f(p), 0);
  assert.equal(sum((p) => p.userCycles), s.userCycles);
  assert.equal(sum((p) => p.systemCycles) + s.kernelNoProcessCycles, s.kernelCycles);
  assert.equal(sum((p) => p.instructions), s.userInstructions);
  assert.equal(sum((p) => p.syscalls), s.diagram.syscall.count);
  assert.deepEqual(s.processes.map((p) => p.pid), [...t.procs.keys()].sort((a, b) => a - b), 'one row per process created');
  for (const p of s.processes) assert.equal(p.status, t.procs.get(p.pid)!.state === 'zombie' ? t.procs.get(p.pid)!.exitStatus : undefined, `pid ${p.pid}'s status`);
  // Faults, ticks and context switches = the kernel's counters.
  assert.deepEqual(s.pageFaults, { minor: kt.minflt, major: kt.majflt });
  assert.equal(s.diagram.exception.resumed, kt.minflt + kt.majflt);
  assert.equal(sum((p) => p.faults), s.exceptions.reduce((n, x) => n + x.count, 0));
  assert.equal(s.ticks.total, t.k.ticks);
  assert.equal(s.diagram.timer.same + s.diagram.timer.other, t.k.ticks);
  assert.equal(s.contextSwitches.voluntary, kt.nvcsw);
  assert.equal(s.contextSwitches.involuntary, kt.nivcsw);
  assert.equal(s.diagram.timer.other, kt.nivcsw, 'a tick that switched is an involuntary context switch');
  assert.equal(sum((p) => p.voluntarySwitches), kt.nvcsw);
  assert.equal(s.diagram.boot, 1);
  // Scheduling latency: one sample per wake-up that ran, ordered, bounded.
  assert.equal(s.schedLatency.count, wakesThatRan(t.events));
  assert.ok(s.schedLatency.p50 <= s.schedLatency.p99 && s.schedLatency.p99 <= s.schedLatency.max);
  // Every interrupt the kernel took here is the timer's.
  assert.deepEqual(s.interrupts, t.k.ticks ? [{ name: 'supervisor timer interrupt', count: t.k.ticks }] : []);
}

/** The kernel cycles of every finished call, from the cost table: a crossing per piece, plus fork's copy for clone. */
function checkSyscallCycles(t: Traced): void {
  const enters = t.events.filter((e) => e.kind === 'syscall-enter').length;
  const clones = t.k.syscallCounts.get('clone') ?? 0;
  const total = t.stats.syscalls.reduce((n, c) => n + c.count * c.meanCycles, 0);
  const calls = t.stats.diagram.syscall.count;
  const expected = DEFAULT_COSTS.syscall * enters + DEFAULT_COSTS.fork * clones;
  // The means are rounded to 0.01 cycle.
  assert.ok(Math.abs(total - expected) <= 0.005 * calls + 1e-6, `kernel cycles of the calls: ${total}, expected ${expected}`);
}

const PHASES = new Set(['X', 'B', 'E', 'i', 'I', 's', 't', 'f', 'M', 'C']);
type ChromeEvent = { name: string; cat?: string; ph: string; ts: number; dur?: number; pid: number; tid: number; id?: number; bp?: string; s?: string; args?: Record<string, unknown> };

/**
 * The Trace Event Format's rules, plus this sink's promises: ts never
 * decreases, spans on a track nest, the top-level spans (user, kernel,
 * idle) tile the run from 0 to its end, and every arrow has both ends.
 */
function checkChrome(t: Traced): ChromeEvent[] {
  const doc = JSON.parse(t.chrome) as { traceEvents: ChromeEvent[]; displayTimeUnit: string };
  assert.equal(doc.displayTimeUnit, 'ns');
  const evs = doc.traceEvents;
  assert.ok(evs.length > 0);
  const ns = (us: number) => Math.round(us * 1000);
  let last = -Infinity;
  for (const e of evs) {
    assert.equal(typeof e.name, 'string', JSON.stringify(e));
    assert.ok(PHASES.has(e.ph), `phase ${e.ph}`);
    for (const k of ['ts', 'pid', 'tid'] as const) assert.equal(typeof e[k], 'number', `${k} in ${JSON.stringify(e)}`);
    assert.ok(e.ts >= last, `ts went back: ${JSON.stringify(e)} after ${last}`);
    last = e.ts;
    assert.equal(ns(e.ts) / 1000, e.ts, 'ts is a whole number of ns');
    if (e.ph === 'X') assert.ok(typeof e.dur === 'number' && e.dur >= 0, `dur of ${JSON.stringify(e)}`);
    if (e.ph === 'i') assert.ok(['t', 'p', 'g'].includes(e.s!), `instant scope in ${JSON.stringify(e)}`);
  }
  // B/E: none are used, so nothing to balance; say so, so a later change must think about it.
  assert.equal(evs.filter((e) => e.ph === 'B' || e.ph === 'E').length, 0);
  // Metadata names the machine and every track.
  const tids = new Set(evs.map((e) => e.tid));
  assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === 'lde'));
  for (const tid of tids) assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.tid === tid && e.args?.name === `hart ${tid}`));
  // Spans nest per track; the top-level ones tile [0, end] with no gap.
  const end = t.k.board.hart.cycle;
  for (const tid of tids) {
    const spans = evs.filter((e) => e.ph === 'X' && e.tid === tid).map((e) => ({ e, a: ns(e.ts), b: ns(e.ts) + ns(e.dur!) }))
      .sort((x, y) => x.a - y.a || y.b - y.a - (x.b - x.a));
    const stack: number[] = [];
    for (const s of spans) {
      while (stack.length && stack[stack.length - 1] <= s.a) stack.pop();
      if (stack.length) assert.ok(s.b <= stack[stack.length - 1], `span ${JSON.stringify(s.e)} overlaps its parent`);
      stack.push(s.b);
    }
    const top = spans.filter((s) => s.e.cat === 'user' || s.e.cat === 'kernel' || s.e.cat === 'idle');
    let at = 0;
    for (const s of top) { assert.equal(s.a, at, `gap or overlap before ${JSON.stringify(s.e)}`); at = s.b; }
    assert.equal(at, end, 'the spans reach the end of the run');
    const total = (cat: string) => top.filter((s) => s.e.cat === cat).reduce((n, s) => n + s.b - s.a, 0);
    assert.equal(total('user'), t.stats.userCycles, 'user spans = user cycles');
    assert.equal(total('idle'), t.stats.idleCycles, 'idle spans = idle cycles');
    assert.equal(total('kernel'), t.stats.kernelCycles, 'kernel spans = kernel cycles');
  }
  // Flows: each id once as s, once as f (bp e), the start first; one per wake-up that ran.
  const flows = new Map<number, ChromeEvent[]>();
  for (const e of evs) if (e.ph === 's' || e.ph === 'f' || e.ph === 't') flows.set(e.id!, [...(flows.get(e.id!) ?? []), e]);
  for (const [id, [s, f, ...more]] of flows) {
    assert.equal(more.length, 0, `flow ${id}`);
    assert.equal(s.ph, 's', `flow ${id} starts`);
    assert.equal(f?.ph, 'f', `flow ${id} ends`);
    assert.equal(f.bp, 'e');
    assert.equal(s.name, f.name);
    assert.equal(s.cat, f.cat);
    assert.ok(s.ts <= f.ts);
  }
  assert.equal(flows.size, wakesThatRan(t.events));
  // Kernel spans carry the kernel's counts: one per finished system call, one per page fault resolved.
  const kt = kernelTotals(t);
  const calls = [...t.k.syscallCounts.values(), ...t.k.unknownSyscalls.values()].reduce((a, b) => a + b, 0);
  assert.equal(evs.filter((e) => e.ph === 'X' && e.cat === 'kernel' && e.args?.result !== undefined).length, calls);
  assert.equal(evs.filter((e) => e.ph === 'X' && e.cat === 'kernel' && /^page fault: (demand-zero|copy-on-write|swap-in|stack-growth|present)$/.test(e.name)).length,
    kt.minflt + kt.majflt);
  assert.equal(evs.filter((e) => e.ph === 'i' && e.name === 'tick' || e.name === 'tick: preempt').length, t.k.ticks);
  return evs;
}

function checkDiagram(s: Stats): string {
  const d = drawDiagram(s);
  for (const line of d.split('\n')) assert.ok([...line].length <= DIAGRAM_WIDTH, `too wide: ${line}`);
  assert.doesNotMatch(d, /\x1b/, 'no color unless asked');
  const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });
  assert.match(d, new RegExp(`${n(s.diagram.syscall.count)} calls?, mean ${n(s.diagram.syscall.meanCycles)} cycles`));
  assert.match(d, new RegExp(`${n(s.diagram.exception.resumed)} resumed, ${n(s.diagram.exception.killed)} killed, ${n(s.diagram.exception.handled)} handled`));
  assert.match(d, new RegExp(`${n(s.diagram.timer.same)} resumed, ${n(s.diagram.timer.other)} switched`));
  assert.match(d, new RegExp(`${n(s.userInstructions)} instructions? in`));
  assert.match(d, /^boot ───► kernel sets up first process +1 process started$/m);
  assert.match(d, /USER MODE ───► user code runs at full speed/);
  return d;
}

function checkAll(t: Traced): void {
  checkStats(t);
  checkChrome(t);
  checkDiagram(t.stats);
}

// ---- the runs ---------------------------------------------------------------------

test('hello: every system call costs one crossing, and the stats say so', () => {
  const t = traced('hello');
  assert.equal(t.status, 0);
  checkAll(t);
  checkSyscallCycles(t);
  assert.deepEqual(t.stats.syscalls, [
    { name: 'write', count: 3, errors: 0, meanCycles: DEFAULT_COSTS.syscall },
    { name: 'exit_group', count: 1, errors: 0, meanCycles: DEFAULT_COSTS.syscall }]);
  assert.deepEqual(t.stats.contextSwitches, { voluntary: 0, involuntary: 0, other: 1 }, 'the first switch, at boot');
  assert.equal(t.stats.kernelNoProcessCycles, DEFAULT_COSTS.contextSwitch, 'boot: the switch to the first process');
});

test('segfault: the fault becomes SIGSEGV and the diagram counts it as killed', () => {
  const t = traced('segfault');
  assert.equal(t.status, 139);
  checkAll(t);
  assert.deepEqual(t.stats.exceptions, [{ cause: 'store/AMO page fault', resolution: 'signal', count: 1 }]);
  assert.deepEqual(t.stats.diagram.exception, { resumed: 0, killed: 1, handled: 0 });
  assert.deepEqual(t.stats.signals.byAction, { kill: 1 });
  assert.equal(t.stats.processes[0].status, 11);
  assert.match(checkDiagram(t.stats), /1 exception\b/);
});

test('illegal: an illegal instruction is an exception that kills', () => {
  const t = traced('illegal');
  assert.equal(t.status, 132);
  checkAll(t);
  assert.deepEqual(t.stats.diagram.exception, { resumed: 0, killed: 1, handled: 0 });
  const evs = JSON.parse(t.chrome).traceEvents as ChromeEvent[];
  assert.ok(evs.some((e) => e.ph === 'X' && e.name === 'illegal instruction: signal'));
});

test('signal: a SIGSEGV handler that recovers counts as handled', () => {
  const t = traced('signal');
  assert.equal(t.status, 0, t.out);
  checkAll(t);
  assert.deepEqual(t.stats.diagram.exception, { resumed: 0, killed: 0, handled: 1 });
  assert.equal(t.stats.signals.byAction.handler, 2);
});

test('cowfork: copy-on-write and demand-zero faults, a fork, a child that exits 7', () => {
  const t = traced('cowfork');
  assert.equal(t.status, 0, t.out);
  checkAll(t);
  checkSyscallCycles(t);
  const res = new Set(t.stats.exceptions.map((x) => x.resolution));
  assert.ok(res.has('copy-on-write') && res.has('demand-zero'), JSON.stringify(t.stats.exceptions));
  assert.deepEqual(t.stats.processes.map((p) => [p.pid, p.ppid, p.status]), [[1, 0, 0], [2, 1, 7 << 8]]);
  assert.equal(t.stats.syscalls.find((c) => c.name === 'clone')!.meanCycles, DEFAULT_COSTS.syscall + DEFAULT_COSTS.fork);
  assert.match(drawDiagram(t.stats), /resumed, 0 killed/);
});

test('pipe: blocked reads, wake-ups and the arrows from each wake-up to its switch', () => {
  const t = traced('pipe', ['50']);
  assert.equal(t.status, 0, t.out);
  checkAll(t);
  checkSyscallCycles(t);
  const s = t.stats;
  assert.ok(s.contextSwitches.voluntary >= 100, `${s.contextSwitches.voluntary} voluntary switches for 50 round trips`);
  assert.ok(s.schedLatency.count >= 100);
  // A wake-up in the ping-pong waits for the rest of the waker's turn and then a context switch.
  assert.ok(s.schedLatency.p50 >= DEFAULT_COSTS.contextSwitch, `p50 ${s.schedLatency.p50}`);
  const read = s.syscalls.find((c) => c.name === 'read')!;
  assert.ok(read.meanCycles > DEFAULT_COSTS.syscall, 'a read that slept ran twice: both pieces count');
});

test('two spinners: the timer preempts them, and every preemption is a switch to the other', () => {
  const t = traced('spin', ['3000000'], { hz: 250, copies: 1 });
  assert.equal(t.status, 0);
  checkAll(t);
  const s = t.stats;
  assert.ok(s.ticks.total >= 10, `${s.ticks.total} ticks`);
  assert.equal(s.ticks.preempted, s.ticks.total, 'with two runnable spinners every tick switches');
  assert.deepEqual(s.diagram.timer, { same: 0, other: s.ticks.total });
  assert.equal(s.contextSwitches.involuntary, s.ticks.total);
  assert.ok(s.processes.every((p) => p.userCycles > 0.3 * s.userCycles), 'both spinners ran');
  assert.match(drawDiagram(s), new RegExp(`${s.ticks.total} ticks at 250 Hz`));
});

test('one spinner: every tick resumes the same process; no timer, no ticks', () => {
  const t = traced('spin', ['3000000'], { hz: 1000 });
  checkAll(t);
  assert.ok(t.stats.ticks.total > 0);
  assert.deepEqual(t.stats.diagram.timer, { same: t.stats.ticks.total, other: 0 });
  const off = traced('spin', ['3000000'], { hz: 0 });
  checkAll(off);
  assert.equal(off.stats.ticks.total, 0);
  assert.match(drawDiagram(off.stats), /0 ticks: the timer is off/);
});

test('sleeper: idle time is counted apart, and the timer wakes the sleeper', () => {
  const t = traced('sleeper');
  assert.equal(t.status, 0, t.out);
  checkAll(t);
  checkSyscallCycles(t);
  assert.equal(t.stats.idleCycles, 200_000_000, 'two sleeps of 100 ms');
  assert.equal(t.stats.schedLatency.count, 2);
  const evs = JSON.parse(t.chrome).traceEvents as ChromeEvent[];
  assert.equal(evs.filter((e) => e.ph === 'X' && e.cat === 'idle').length, 2);
});

test('exec and pfstorm: a new image keeps its pid; thousands of demand-zero faults', () => {
  const e = traced('exec');
  assert.equal(e.status, 0, e.out);
  checkAll(e);
  assert.equal(e.stats.processes.length, 1);
  assert.equal(JSON.parse(e.chrome).traceEvents.filter((x: ChromeEvent) => x.name.startsWith('exec: ')).length, e.k.syscallCounts.get('execve'));
  const p = traced('pfstorm');
  checkAll(p);
  assert.ok(p.stats.pageFaults.minor >= 1024);
});

test('statsJson and the Chrome trace are the same bytes on every run', () => {
  for (const [name, args] of [['pipe', ['20']], ['cowfork', []], ['segfault', []]] as const) {
    const a = traced(name, [...args]), b = traced(name, [...args]);
    assert.equal(statsJson(a.stats), statsJson(b.stats), name);
    assert.equal(a.chrome, b.chrome, name);
    assert.equal(formatStats(a.stats), formatStats(b.stats), name);
    assert.deepEqual(JSON.parse(statsJson(a.stats)), a.stats, 'the JSON holds the whole Stats');
  }
});

test('statsJson sorts every object\'s keys', () => {
  const json = statsJson(traced('hello').stats);
  const keysInOrder = (o: unknown): void => {
    if (o === null || typeof o !== 'object') return;
    if (Array.isArray(o)) { o.forEach(keysInOrder); return; }
    const keys = Object.keys(o);
    assert.deepEqual(keys, [...keys].sort());
    Object.values(o).forEach(keysInOrder);
  };
  keysInOrder(JSON.parse(json));
});

test('formatStats: perf-stat-like lines, the syscall table, then the diagram', () => {
  const t = traced('pipe', ['20']);
  const text = formatStats(t.stats);
  const cut = text.indexOf('\n\n');
  const head = text.slice(0, cut), diagram = text.slice(cut + 2);
  for (const line of head.split('\n')) assert.match(line, /^lde: stats:/);
  assert.match(head, /^lde: stats: [\d,]+ instructions in [\d.]+ s of virtual time/m);
  assert.match(head, /^lde: stats: 2 processes exited \(0 by a signal\)/m);
  assert.match(head, new RegExp(`^lde: stats: +${t.k.board.hart.cycle.toLocaleString('en-US')}  cycles$`, 'm'));
  const rows = head.split('\n').filter((l) => /^lde: stats:   \w+ +\d[\d,]* +\d+ +[\d,.]+$/.test(l));
  assert.deepEqual(rows.map((l) => l.split(/ +/)[2]), t.stats.syscalls.map((c) => c.name), 'one row per call, by count');
  assert.equal(diagram, drawDiagram(t.stats));
  const colored = formatStats(t.stats, { color: true });
  assert.match(colored, /\x1b\[/);
  assert.equal(colored.replace(/\x1b\[[\d;]*m/g, ''), text, 'color changes nothing but the color');
});

test('a process\'s user cycles match the kernel\'s own utime', () => {
  const t = traced('pipe', ['20']);
  for (const p of t.stats.processes) assert.equal(p.userCycles, t.procs.get(p.pid)!.utime, `pid ${p.pid}`);
});
