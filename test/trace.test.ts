// The trace sinks (src/trace: stats, diagram, Chrome trace) on real runs of
// the bundled programs, in-process. The oracles are the kernel's own
// counters, kept apart from the event stream (syscallCounts, ticks, nvcsw,
// minflt, idleCycles, the hart's cycle and instret), the cost table
// (cost.ts), the Trace Event Format's rules, and invariants every run must
// keep (user + kernel + idle = all the cycles; spans tile the timeline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { wholeHost } from '../src/kernel/fs/mounts.js';
import { Kernel } from '../src/kernel/kernel.js';
import { DEFAULT_COSTS } from '../src/kernel/cost.js';
import { HI6220 } from '../src/machine/index.js';
import type { Process } from '../src/kernel/sched/proc.js';
import { nodeHost } from '../src/cli/host.js';
import { Recorder, type TraceEvent } from '../src/trace/events.js';
import { StatsSink, formatStats, statsJson, type Stats } from '../src/trace/stats.js';
import { ChromeTraceSink } from '../src/trace/chrome.js';
import { drawDiagram, DIAGRAM_WIDTH } from '../src/trace/diagram.js';
import { ROOT, have } from './helpers/cli.js';

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

/** Runs bundled programs (the first is pid 1; `copies` more of it start beside it) with every sink attached; `path` runs another binary. */
function traced(name: string, args: string[] = [], opts: { hz?: number; copies?: number; path?: string } = {}): Traced {
  const chunks: Uint8Array[] = [];
  const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { chunks.push(b.slice()); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, hz: opts.hz ?? 250, maxCycles: 10e9, binds: wholeHost(process.cwd()) }); // exec reads user/bin from the host (cwd: the checkout, which may lie under /tmp)
  const rec = new Recorder(), stats = new StatsSink();
  let chrome = '';
  const sink = new ChromeTraceSink((s) => { chrome += s; });
  const procs = new Map<number, Process>();
  k.trace.attach(rec);
  k.trace.attach(stats);
  k.trace.attach(sink);
  k.trace.attach({ event: (e) => { if (e.kind === 'proc' && e.phase === 'create') procs.set(e.pid, k.procs.get(e.pid)!); } });
  const path = opts.path ?? `${ROOT}user/bin/${name}`;
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
  // Every interrupt the machine delivered here is the timer's: a tick, or a timed wake-up (ticks an idle hart takes are no trap).
  const irqs = t.k.cpus.reduce((n, c) => n + c.timerTraps, 0);
  assert.deepEqual(s.interrupts, irqs ? [{ name: 'supervisor timer interrupt', count: irqs }] : []);
  assert.equal(s.tick.taken, t.k.ticks, 'every tick the kernel counted is a tick event');
}

/** The kernel cycles of every finished call, from the cost table: a crossing per piece, plus the metered work (fork's fixed cost, bytes copied, pages changed: mm/work.ts), which only system calls did here. */
function checkSyscallCycles(t: Traced): void {
  const enters = t.events.filter((e) => e.kind === 'syscall-enter').length;
  const total = t.stats.syscalls.reduce((n, c) => n + c.count * c.meanCycles, 0);
  const calls = t.stats.diagram.syscall.count;
  const expected = DEFAULT_COSTS.syscall * enters + t.k.syscallWorkCycles;
  // The means are rounded to 0.01 cycle.
  assert.ok(Math.abs(total - expected) <= 0.005 * calls + 1e-6, `kernel cycles of the calls: ${total}, expected ${expected}`);
}

const PHASES = new Set(['X', 'B', 'E', 'i', 'I', 's', 't', 'f', 'M', 'C']);
type ChromeEvent = { name: string; cat?: string; ph: string; ts: number; dur?: number; pid: number; tid: number; id?: number; bp?: string; s?: string; args?: Record<string, unknown> };
/** The machine's Chrome pid (its tracks: one per hart), and the base of the guest processes' (1000 + guest pid, for one run). */
const MACHINE = 1, GUEST = 1000;
/** Microseconds with three decimals, back to whole cycles (ns). */
const ns = (us: number) => Math.round(us * 1000);

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
  // Metadata names the machine and every hart's track (the process tracks: checkProcesses).
  const tids = new Set(evs.filter((e) => e.pid === MACHINE).map((e) => e.tid));
  assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'process_name' && e.pid === MACHINE && e.args?.name === 'lde'));
  for (const tid of tids) assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === MACHINE && e.tid === tid && e.args?.name === `hart ${tid}`));
  // Spans nest on every track (a Chrome pid and tid).
  for (const track of new Set(evs.map((e) => `${e.pid}/${e.tid}`))) {
    const spans = evs.filter((e) => e.ph === 'X' && `${e.pid}/${e.tid}` === track).map((e) => ({ e, a: ns(e.ts), b: ns(e.ts) + ns(e.dur!) }))
      .sort((x, y) => x.a - y.a || y.b - y.a - (x.b - x.a));
    const stack: number[] = [];
    for (const s of spans) {
      while (stack.length && stack[stack.length - 1] <= s.a) stack.pop();
      if (stack.length) assert.ok(s.b <= stack[stack.length - 1], `span ${JSON.stringify(s.e)} overlaps its parent`);
      stack.push(s.b);
    }
  }
  // On each hart's track, the top-level spans tile [0, end] with no gap.
  const end = t.k.board.hart.cycle;
  for (const tid of tids) {
    const spans = evs.filter((e) => e.ph === 'X' && e.pid === MACHINE && e.tid === tid).map((e) => ({ e, a: ns(e.ts), b: ns(e.ts) + ns(e.dur!) }))
      .sort((x, y) => x.a - y.a || y.b - y.a - (x.b - x.a));
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
  checkProcesses(t, evs);
  return evs;
}

interface StateSpan { e: ChromeEvent; a: number; b: number; }

/**
 * One process track's state spans in output order (the order they tile its
 * life), with the pieces of a span the sink cut to keep streaming
 * (args.continued) joined again.
 */
function stateSpans(evs: ChromeEvent[], cpid: number): StateSpan[] {
  const out: StateSpan[] = [];
  for (const e of evs) {
    if (e.ph !== 'X' || e.pid !== cpid) continue;
    assert.equal(e.tid, cpid, 'a process track is its Chrome pid\'s only thread');
    const a = ns(e.ts), b = a + ns(e.dur!), prev = out[out.length - 1];
    if (e.args?.continued !== undefined) {
      assert.equal(e.args.continued, true);
      assert.ok(prev !== undefined && prev.b === a && prev.e.name === e.name, `${JSON.stringify(e)} continues the span before it`);
      const { continued: _, ...args } = e.args;
      assert.deepEqual(args, prev.e.args ?? {}, 'a continued piece carries the same args');
      prev.b = b;
    } else out.push({ e: { ...e }, a, b });
  }
  return out;
}

/** Nearest-rank percentile, as StatsSink computes it. */
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1] : 0;
}

const STATES = /^(running|runnable|sleeping|stopped|kernel: .+)$/;
const RUNNABLE_REASONS = new Set(['created', 'tick', 'yield', 'wake']);

/**
 * The process tracks, against oracles kept apart from the sink: the proc
 * events' create and exit cycles, the StatsSink's per-process user and
 * system cycles and scheduling latency, the kernel's own utime, nivcsw and
 * nvcsw, the wake → switch pairs read straight off the event stream, and
 * the hart tracks' user spans. Returns the state spans by guest pid.
 */
function checkProcesses(t: Traced, evs: ChromeEvent[]): Map<number, StateSpan[]> {
  const end = t.k.board.hart.cycle;
  const life = new Map<number, { create: number; exit?: number; name: string; ppid: number }>();
  for (const e of t.events) {
    if (e.kind !== 'proc') continue;
    if (e.phase === 'create') life.set(e.pid, { create: e.cycle, name: e.name, ppid: e.ppid });
    else if (e.phase === 'exec') life.get(e.pid)!.name = e.name;
    else life.get(e.pid)!.exit = e.cycle;
  }
  // Every record is the machine's or a guest process's: Chrome pid = tid = 1000 + guest pid, never the machine's.
  for (const e of evs) assert.ok(e.pid === MACHINE || (life.has(e.pid - GUEST) && e.tid === e.pid), `whose track? ${JSON.stringify(e)}`);
  const stats = new Map(t.stats.processes.map((p) => [p.pid, p]));
  const all = new Map<number, StateSpan[]>();
  const latencies: number[] = [];
  for (const [pid, l] of life) {
    const cpid = GUEST + pid, st = stats.get(pid)!, kp = t.procs.get(pid)!;
    const where = `pid ${pid}`;
    // Metadata: the program's name, "name (pid N)", a label and a sort index; the last ones after an execve.
    const meta = (name: string) => evs.filter((e) => e.ph === 'M' && e.pid === cpid && e.name === name).map((e) => e.args!);
    assert.equal(meta('process_name').at(-1)?.name, l.name, where);
    assert.equal(meta('process_name').at(-1)?.name, st.name, where);
    assert.equal(meta('thread_name').at(-1)?.name, `${l.name} (pid ${pid})`, where);
    assert.deepEqual(meta('process_labels'), [{ labels: l.ppid ? `pid ${pid}, parent ${l.ppid}` : `pid ${pid}` }], where);
    assert.deepEqual(meta('process_sort_index'), [{ sort_index: cpid }], where);
    // The state spans tile its life: creation to exit (or the end of the run), no gap, no overlap.
    const spans = stateSpans(evs, cpid);
    all.set(pid, spans);
    let at = l.create;
    for (const s of spans) {
      assert.equal(s.a, at, `${where}: gap or overlap before ${JSON.stringify(s.e)}`);
      assert.match(s.e.name, STATES, where);
      assert.equal(s.e.cat, 'process');
      at = s.b;
    }
    assert.equal(at, l.exit ?? end, `${where}: its spans reach its exit`);
    if (l.exit !== undefined) assert.equal(evs.filter((e) => e.ph === 'i' && e.pid === cpid && e.name.startsWith('exit: ')).length, 1, where);
    assert.deepEqual([spans[0].e.name, spans[0].e.args], ['runnable', { reason: 'created' }], `${where} starts in the run queue`);
    // Time: running = its user cycles (the StatsSink's and the kernel's utime); "kernel: …" = its system cycles.
    const sum = (f: (s: StateSpan) => boolean) => spans.filter(f).reduce((n, s) => n + s.b - s.a, 0);
    assert.equal(sum((s) => s.e.name === 'running'), st.userCycles, `${where}: running = user cycles`);
    assert.equal(sum((s) => s.e.name === 'running'), kp.utime, `${where}: running = the kernel's utime`);
    assert.equal(sum((s) => s.e.name.startsWith('kernel: ')), st.systemCycles, `${where}: kernel spans = system cycles`);
    // Leaving the CPU, by the kernel's own counters: a preempting tick (nivcsw), blocking or yielding (nvcsw).
    const count = (name: string, reason?: string) => spans.filter((s) => s.e.name === name && (reason === undefined || s.e.args?.reason === reason)).length;
    assert.equal(count('runnable', 'tick'), kp.nivcsw, `${where}: runnable after a tick = involuntary switches`);
    assert.equal(count('sleeping') + count('runnable', 'yield'), kp.nvcsw, `${where}: sleeping + runnable after a yield = voluntary switches`);
    spans.forEach((s, i) => {
      if (s.e.name === 'runnable') assert.ok(RUNNABLE_REASONS.has(String(s.e.args?.reason)), JSON.stringify(s.e));
      // A sleep starts where the call blocked, and names it.
      if (s.e.name === 'sleeping') {
        const before = spans[i - 1].e;
        assert.ok(before.name.startsWith('kernel: ') && before.args?.blocked === true, `${where}: ${JSON.stringify(before)} before a sleep`);
        assert.equal(s.e.args?.call, before.args?.call, where);
      }
      // Only a wake ends a sleep or a stop.
      if ((s.e.name === 'sleeping' || s.e.name === 'stopped') && i + 1 < spans.length) {
        assert.deepEqual([spans[i + 1].e.name, spans[i + 1].e.args?.reason], ['runnable', 'wake'], `${where}: after ${JSON.stringify(s.e)}`);
      }
      // A runnable span ends with the switch that runs it: the kernel, on its behalf.
      if (s.e.name === 'runnable' && i + 1 < spans.length) assert.match(spans[i + 1].e.name, /^(kernel: .+|running)$/, where);
    });
    // Each wake-up that ran is one runnable span from the wake to the switch (the last one on the track when the signal
    // that woke it kills it there): the scheduling latency, read off the raw events.
    const raw: number[] = [];
    let wokeAt: number | undefined;
    for (const e of t.events) {
      if (e.kind === 'wake' && e.pid === pid) wokeAt = e.cycle;
      if (e.kind === 'switch' && e.to === pid && wokeAt !== undefined) { raw.push(e.cycle - wokeAt); wokeAt = undefined; }
    }
    const switchedIn = new Set(t.events.filter((e) => e.kind === 'switch' && e.to === pid).map((e) => e.cycle));
    const woken = spans.filter((s) => s.e.name === 'runnable' && s.e.args?.reason === 'wake' && switchedIn.has(s.b));
    assert.deepEqual(woken.map((s) => s.b - s.a), raw, `${where}: runnable after each wake = wake to switch`);
    latencies.push(...raw);
  }
  // Together they are the StatsSink's scheduling-latency samples.
  latencies.sort((a, b) => a - b);
  assert.deepEqual({ count: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 }, t.stats.schedLatency);
  // The hart tracks say the same: each user span on a hart is one running span of its process.
  const user = evs.filter((e) => e.ph === 'X' && e.pid === MACHINE && e.cat === 'user').map((e) => `${String(e.args?.pid)} ${ns(e.ts)} ${ns(e.dur!)}`).sort();
  const running = [...all].flatMap(([pid, spans]) => spans.filter((s) => s.e.name === 'running').map((s) => `${pid} ${s.a} ${s.b - s.a}`)).sort();
  assert.deepEqual(running, user, 'running spans = the harts\' user spans');
  return all;
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
  assert.match(d, new RegExp(`^boot ───► kernel sets up first process +${n(s.processes.length)} process(es)? in all$`, 'm'));
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
  // A write costs the crossing plus its bytes copied in (cost.ts copyPerKiB, rounded up per call).
  const copied = t.events.filter((e) => e.kind === 'syscall-exit' && e.name === 'write').map((e) => Math.ceil(((e as { ret: number }).ret / 1024) * DEFAULT_COSTS.copyPerKiB));
  assert.equal(copied.length, 3);
  const writeMean = Math.round((DEFAULT_COSTS.syscall + copied.reduce((a, b) => a + b, 0) / 3) * 100) / 100;
  assert.deepEqual(t.stats.syscalls, [
    { name: 'write', count: 3, errors: 0, meanCycles: writeMean },
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
  // fork is the cost table's small process plus one item per PTE and VMA copied (mm/work.ts): a few dozen for this program.
  const copied = (t.stats.syscalls.find((c) => c.name === 'clone')!.meanCycles - DEFAULT_COSTS.syscall - DEFAULT_COSTS.fork) / DEFAULT_COSTS.item;
  assert.ok(Number.isInteger(copied) && copied >= 5 && copied <= 200, `${copied} PTEs and VMAs copied`);
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
  // Each sleep's deadline is set in the call, before the call's copy of its 16-byte timespec is charged (mm/work.ts).
  // Each idle period ends with the exit latency of the idle state the governor chose for 100 ms: the deepest (machine/power.ts).
  // A relative deadline is rounded up to the clock's 100 ns tick (sys/clock.ts), so each sleep may last up to 99 ns more.
  const exit = HI6220.states[HI6220.states.length - 1].exitNs;
  const least = 200_000_000 - 2 * Math.ceil((16 / 1024) * DEFAULT_COSTS.copyPerKiB) + 2 * exit;
  assert.ok(t.stats.idleCycles >= least && t.stats.idleCycles <= least + 2 * 99, `two sleeps of 100 ms: ${t.stats.idleCycles} idle cycles`);
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

// ---- the process tracks ----------------------------------------------------------

/** The state spans of every guest process (checkAll has checked them). */
function processSpans(t: Traced): Map<number, StateSpan[]> {
  return checkProcesses(t, (JSON.parse(t.chrome) as { traceEvents: ChromeEvent[] }).traceEvents);
}

const overlap = (x: StateSpan, ys: StateSpan[]) => ys.reduce((n, y) => n + Math.max(0, Math.min(x.b, y.b) - Math.max(x.a, y.a)), 0);

test('hogs: a track per process; the hogs wait in the run queue while the other runs, the interactive child after each wake', () => {
  const t = traced('hogs', ['2', '1500000', '3']);
  assert.equal(t.status, 0, t.out);
  checkAll(t);
  const spans = processSpans(t);
  assert.deepEqual([...spans.keys()].sort(), [1, 2, 3, 4], 'the parent, two hogs (pids 2 and 3), the interactive child (pid 4)');
  const evs = JSON.parse(t.chrome).traceEvents as ChromeEvent[];
  for (const pid of [1, 2, 3, 4]) {
    assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'process_name' && e.pid === GUEST + pid && e.args?.name === 'hogs'));
    assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === GUEST + pid && e.args?.name === `hogs (pid ${pid})`));
  }
  const named = (pid: number, name: string, reason?: string) => spans.get(pid)!.filter((s) => s.e.name === name && (reason === undefined || s.e.args?.reason === reason));
  // The parent sleeps in wait4 while its children run.
  assert.ok(named(1, 'sleeping').length >= 1 && named(1, 'sleeping').every((s) => /^wait4\(/.test(String(s.e.args?.call))));
  // Each hog is preempted by ticks and then waits while the other hog (or the interactive child) is on the CPU: all
  // the time but, at most, the switch that ends the wait when it follows an exit (that one is on nobody's behalf).
  for (const [hog, other] of [[2, 3], [3, 2]]) {
    const waits = named(hog, 'runnable', 'tick');
    assert.ok(waits.length >= 2, `hog ${hog} was preempted ${waits.length} times`);
    assert.equal(waits.length, t.stats.processes.find((p) => p.pid === hog)!.involuntarySwitches);
    const busy = [1, other, 4].flatMap((pid) => spans.get(pid)!.filter((s) => s.e.name === 'running' || s.e.name.startsWith('kernel: ')));
    for (const w of waits) {
      const idle = w.b - w.a - overlap(w, busy);
      assert.ok(idle === 0 || idle === DEFAULT_COSTS.contextSwitch, `hog ${hog} waits while another process is on the CPU (${idle} cycles not)`);
    }
    assert.ok(waits.some((w) => overlap(w, named(other, 'running')) > 0), `hog ${hog} waits while hog ${other} runs`);
  }
  // The interactive child: three naps, each a sleep in nanosleep, then a runnable span from the timer's wake to its switch.
  const naps = named(4, 'sleeping');
  assert.equal(naps.length, 3);
  for (const n of naps) assert.match(String(n.e.args?.call), /^nanosleep\(\{tv_sec=0, tv_nsec=5000000\}/);
  const woken = named(4, 'runnable', 'wake');
  assert.deepEqual(woken.map((s) => [s.e.args?.why, s.e.args?.by]), [['timer', 0], ['timer', 0], ['timer', 0]]);
  // Its latencies are among the StatsSink's samples (checkProcesses matches all of them), and the hogs' ticks delay it.
  assert.ok(woken.some((s) => s.b - s.a > DEFAULT_COSTS.contextSwitch), 'a wake-up waits for a hog\'s tick');
  assert.ok(woken.every((s) => s.b - s.a <= t.stats.schedLatency.max));
});

test('pipe: both ends sleep in read, each woken by the other\'s write', () => {
  const t = traced('pipe', ['50']);
  assert.equal(t.status, 0, t.out);
  checkAll(t);
  const spans = processSpans(t);
  for (const pid of [1, 2]) {
    const sleeps = spans.get(pid)!.filter((s) => s.e.name === 'sleeping');
    assert.ok(sleeps.length >= 50, `pid ${pid} slept ${sleeps.length} times in 50 round trips`);
    assert.ok(sleeps.filter((s) => /^read\(/.test(String(s.e.args?.call))).length >= 49, `pid ${pid} sleeps in read`);
    // Woken by the other process's write: `by` names it.
    const wakes = spans.get(pid)!.filter((s) => s.e.name === 'runnable' && s.e.args?.reason === 'wake');
    assert.ok(wakes.filter((s) => s.e.args?.by === 3 - pid && s.e.args?.why === 'event').length >= 49, `pid ${pid} woken by pid ${3 - pid}`);
  }
  // The kernel span of a read that slept says so, and the read that ran again after the wake has its result.
  const kernel = spans.get(2)!.filter((s) => s.e.name === 'kernel: read');
  assert.ok(kernel.some((s) => s.e.args?.blocked === true) && kernel.some((s) => s.e.args?.again === true && typeof s.e.args?.result === 'string'));
});

test('segfault and cowfork: a track ends at the kill; a child\'s starts at the fork, in the run queue', () => {
  const seg = traced('segfault');
  checkAll(seg);
  const last = processSpans(seg).get(1)!.at(-1)!;
  assert.equal(last.e.name, 'kernel: page fault');
  assert.deepEqual([last.e.args?.resolution, last.e.args?.signal], ['signal', 'SIGSEGV (kill)']);
  const evs = JSON.parse(seg.chrome).traceEvents as ChromeEvent[];
  assert.ok(evs.some((e) => e.ph === 'i' && e.pid === GUEST + 1 && e.name === 'exit: killed by SIGSEGV'));

  const cow = traced('cowfork');
  checkAll(cow);
  const spans = processSpans(cow);
  const child = spans.get(2)!, parent = spans.get(1)!;
  const fork = parent.find((s) => s.e.name === 'kernel: clone')!;
  // The child exists once the handler has copied the address space; the copy's virtual time is charged after it, in chunks (sched/preempt.ts).
  assert.ok(fork.a <= child[0].a && child[0].a < fork.b, 'the child is created inside the parent\'s clone');
  assert.ok(child.some((s) => s.e.name === 'kernel: page fault' && s.e.args?.resolution === 'copy-on-write'));
  // The parent sleeps in wait4 from its block until the child's exit wakes it.
  const sleep = parent.find((s) => s.e.name === 'sleeping')!;
  assert.match(String(sleep.e.args?.call), /^wait4\(/);
  assert.equal(sleep.b, child.at(-1)!.b, 'woken by the child\'s exit');
});

test('stopcont: a stopped child\'s track shows "stopped" from SIGSTOP until SIGCONT wakes it', (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'make')) return t.skip('riscv64-linux-gnu-gcc not installed: test/kernel/stopcont is not built');
  const dir = mkdtempSync(tmpdir() + '/lde-trace-');
  try {
    const mk = spawnSync('make', ['-s', '-C', `${ROOT}test/kernel`, `OUT=${dir}`, `${dir}/stopcont`], { encoding: 'utf8' });
    assert.equal(mk.status, 0, mk.stderr);
    const r = traced('stopcont', [], { path: `${dir}/stopcont` });
    assert.equal(r.status, 0, r.out);
    checkAll(r);
    const child = processSpans(r).get(2)!;
    const stops = child.filter((s) => s.e.name === 'stopped');
    assert.equal(stops.length, 1);
    assert.deepEqual(stops[0].e.args, { signal: 'SIGSTOP' });
    const next = child[child.indexOf(stops[0]) + 1];
    assert.deepEqual([next.e.name, next.e.args?.why], ['runnable', 'continue']);
    assert.equal(r.k.procs.get(2)?.state ?? 'reaped', 'reaped', 'SIGKILL ended it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Feeds recorded runs to a fresh sink, one after another on one timeline (as `lde demo --trace` does). */
function replay(runs: TraceEvent[][], opts: { maxPending?: number } = {}): string {
  let out = '', offset = 0;
  const sink = new ChromeTraceSink((s) => { out += s; }, opts);
  for (const events of runs) {
    for (const e of events) sink.event(e.kind === 'idle' ? { ...e, cycle: e.cycle + offset, until: e.until + offset } : { ...e, cycle: e.cycle + offset });
    offset += events.at(-1)!.cycle + 1000;
  }
  sink.finish();
  return out;
}

test('two runs in one sink: the second run\'s processes get their own tracks (2000 + pid)', () => {
  const a = traced('hello'), b = traced('cowfork');
  const evs = (JSON.parse(replay([a.events, b.events])) as { traceEvents: ChromeEvent[] }).traceEvents;
  const names = (pid: number) => evs.filter((e) => e.pid === pid && e.name === 'thread_name').map((e) => e.args?.name);
  assert.deepEqual(names(1001), ['hello (pid 1)']);
  assert.deepEqual(names(2001), ['cowfork (pid 1)']);
  assert.deepEqual(names(2002), ['cowfork (pid 2)']);
  assert.deepEqual([...new Set(evs.map((e) => e.pid))].sort(), [1, 1001, 2001, 2002]);
  for (let i = 1; i < evs.length; i++) assert.ok(evs[i].ts >= evs[i - 1].ts);
});

test('a small buffer cuts long process spans into continued pieces; joined, they are the same trace', () => {
  const t = traced('hogs', ['2', '1500000', '3']);
  const small = { ...t, chrome: replay([t.events], { maxPending: 40 }) };
  assert.equal(replay([t.events]), t.chrome, 'replaying the recorded events gives the same bytes');
  checkAll(small);
  const evs = (json: string) => (JSON.parse(json) as { traceEvents: ChromeEvent[] }).traceEvents;
  const cut = evs(small.chrome).filter((e) => e.args?.continued === true);
  assert.ok(cut.length > 0, 'the parent\'s long wait4 sleep is cut');
  assert.ok(cut.every((e) => ['sleeping', 'runnable', 'stopped'].includes(e.name)), 'only spans off the CPU wait that long');
  // Joined again, every process's spans are those of the uncut trace; the machine's records are the same ones.
  const whole = processSpans(t), pieces = processSpans(small);
  const flat = (m: Map<number, StateSpan[]>) => [...m].map(([pid, ss]) => [pid, ss.map((s) => [s.e.name, s.a, s.b, s.e.args])]);
  assert.deepEqual(flat(pieces), flat(whole));
  const machine = (json: string) => evs(json).filter((e) => e.pid === MACHINE).map((e) => JSON.stringify(e)).sort();
  assert.deepEqual(machine(small.chrome), machine(t.chrome));
});

test('satp events: one per write that changes satp (the hart\'s own count), each naming a process\'s root page table', () => {
  const t = traced('cowfork');
  assert.equal(t.status, 0);
  const satp = t.events.filter((e): e is Extract<TraceEvent, { kind: 'satp' }> => e.kind === 'satp');
  assert.equal(satp.length, t.k.board.harts[0].counts.satpSwitches, 'as many events as the hart counted');
  assert.ok(satp.length >= 2, `the parent's space, then the child's (${satp.length})`);
  const roots = new Set([...t.procs.values()].map((p) => p.as.root));
  for (const e of satp) {
    assert.equal(e.mode, 'sv39');
    assert.ok(roots.has(e.root), `root 0x${e.root.toString(16)} is a process's page table`);
  }
  for (let i = 1; i < satp.length; i++) assert.notEqual(satp[i].root, satp[i - 1].root, 'each event is a change');
  const instants = (JSON.parse(t.chrome).traceEvents as { name: string; ph: string; cat?: string }[]).filter((e) => e.ph === 'i' && e.cat === 'mm');
  assert.equal(instants.length, satp.length, 'each is an instant in the Chrome trace');
});
