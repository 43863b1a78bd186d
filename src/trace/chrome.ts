// --trace: the event stream as Chrome trace-event JSON ("Trace Event Format",
// the JSON Object Format), which opens in Perfetto UI and chrome://tracing.
//
// One track per hart (pid 1 = the machine, tid = hart number). The hart is
// always doing exactly one of three things, each drawn as a complete event
// (ph "X"): running a process in U-mode (category "user", named
// "hello (pid 1)"), running the kernel (category "kernel", named after why
// it was entered: the system call, "page fault: demand-zero", "timer
// interrupt"), or idle (category "idle"). Inside a kernel span, a context
// switch is a nested "switch to …" span. Traps, ticks, signals and process
// lifecycle are instant events (ph "i"), and a flow arrow (ph "s" → "f")
// joins each wake-up to the switch that ran the woken process. Retired
// instructions (`insn`) are not drawn.
//
// And one track per guest process, its life as a thread-state timeline.
// Chrome pid = tid = 1000 + the guest pid (the machine keeps pid 1, so the
// two can never collide); a second run into the same sink (`lde demo`) moves
// on to the next free thousand (2000 + pid, ...), since its pids start at 1
// again. Metadata names it: process_name is the program ("hogs"),
// thread_name "hogs (pid 2)", process_labels "pid 2, parent 1",
// process_sort_index puts the processes after the machine in pid order;
// execve names it again. Its complete spans (category "process") tile its
// life from its creation to its exit (or the end of the run), one state at
// a time:
//   "running"            in U-mode (xret to U until the next trap);
//   "kernel: …"          in the kernel on its behalf, named as on the hart
//                        ("kernel: read", "kernel: page fault", "kernel: timer
//                        interrupt"; "kernel: resume" from the switch that
//                        chose it), with the strace text in args;
//   "runnable"           in the run queue: args.reason "created", "tick",
//                        "yield" or "wake" (with by and why), until the
//                        switch that runs it;
//   "sleeping"           blocked in a system call (args.call), from the
//                        switch away (or the idle that follows the block)
//                        until its wake;
//   "stopped"            by a stop signal, until SIGCONT wakes it.
// The time the kernel spends switching away from it counts as its own
// kernel time, as --stats counts it, so its "running" spans sum to its user
// cycles and its "kernel: …" spans to its system cycles. Empty spans are
// dropped, except "sleeping" and a "runnable" that starts at a wake: every
// wake-up that ran is one runnable span, its length the scheduling latency.
// An exit is also an instant on the track.
//
// Time: ts and dur in microseconds = cycles / 1000, written with three
// decimals so that nanosecond (cycle) precision survives.
//
// Streaming: records are written as soon as no earlier one can follow, so
// ts never decreases in the output. A span is written when it ends (its ts is
// its start), and an arrow's start only once its end is known (or dropped
// if the woken process never ran), so records wait in a small buffer. A
// process's state span can be long (a parent asleep in wait4 for the whole
// run) and holds back everything after its start; so when more than
// `maxPending` records wait, each such span is cut where the harts' open
// spans begin and goes on as a new span with args.continued = true (same
// name, same args). The cut depends only on the events, so the output stays
// the same bytes on every run.

import type { Sink, TraceEvent } from './events.js';

interface Rec {
  /** Cycle of the record's ts, and the order it logically happened in (ties on ts keep this order). */
  cycle: number;
  seq: number;
  json: string;
}

interface Span {
  cat: 'user' | 'kernel' | 'idle';
  name: string;
  start: number;
  seq: number;
  args: Record<string, string | number | boolean>;
  /** Kernel spans: true once the reason for entering has named it (the first syscall or fault). */
  named: boolean;
}

interface HartTrack {
  tid: number;
  span: Span | undefined;
  pid: number;
  /** The process the hart works for, as --stats charges it: from the switch to it until idle or its exit (0: nobody). */
  guest: number;
  /** The cycle of the hart's last event (a nested switch span starts there). */
  last: number;
}

interface Flow { id: number; rec: Rec; }

type Args = Record<string, string | number | boolean>;

/** One span of a guest process's track: the state it is in. */
interface StateSpan {
  name: string;
  start: number;
  seq: number;
  args: Args | undefined;
  /** Kernel spans: true once the reason for entering has named it. */
  named: boolean;
  /** Written even when empty ("sleeping", and "runnable" from a wake). */
  keep: boolean;
}

/** A guest process's track (ProcEvent create to exit). */
interface ProcTrack {
  pid: number;
  /** Its Chrome pid and tid. */
  cpid: number;
  span: StateSpan | undefined;
  /** True from the switch that chose it (or its xret) until it leaves the CPU: running, or in the kernel on its behalf. */
  onCpu: boolean;
  /** Why it is about to leave the CPU, known before the switch (or idle) that takes it off: it blocked in a call, or a stop signal was delivered. */
  leaving: 'block' | 'stop' | undefined;
  /** The call in progress, strace style (`read(3, …, 1)`), for the sleeping span. */
  call: string | undefined;
  /** The stop signal's name, for the stopped span. */
  stopSignal: string | undefined;
  /** A wake that came while it was still on the CPU: its runnable span starts at the switch away. */
  woken: Args | undefined;
}

const PID = 1;
/** A guest process's Chrome pid is this plus its own pid, until a run ends and the next starts at the next thousand. */
const GUEST_PID_BASE = 1000;
/** Records waiting before long process spans are cut (see "Streaming" above). */
const MAX_PENDING = 20_000;
const CAUSE_PAGE_FAULT = new Set([12, 13, 15]);

/**
 * Cycles (ns) as microseconds. JSON.stringify writes the shortest decimal
 * that reads back as the same double, so every nanosecond survives (three
 * decimals at most, exact far beyond any run's length).
 */
const us = (cycles: number) => cycles / 1000;

export class ChromeTraceSink implements Sink {
  private readonly harts = new Map<number, HartTrack>();
  private readonly names = new Map<number, string>();
  private readonly flows = new Map<number, Flow>(); // by woken pid: the arrow's start, waiting for its switch
  private readonly procs = new Map<number, ProcTrack>(); // by guest pid, the live ones of this run
  /** Chrome pid of guest pid 0 in this run. */
  private base = GUEST_PID_BASE;
  private maxCpid = 0;
  private readonly maxPending: number;
  private pending: Rec[] = [];
  private seq = 0;
  private nextFlow = 1;
  private started = false;
  private finished = false;
  private lastCycle = 0;
  /** The last flush's mark: records before it are written. */
  private mark = -Infinity;

  /**
   * write receives the JSON text in order, in chunks; finish() writes the
   * end. opts.maxPending: records that may wait before long process spans
   * are cut (tests make it small).
   */
  constructor(private readonly write: (chunk: string) => void, opts: { maxPending?: number } = {}) {
    this.maxPending = opts.maxPending ?? MAX_PENDING;
  }

  event(e: TraceEvent): void {
    if (e.kind === 'insn' || this.finished) return;
    const h = this.hart(e.hart, e.cycle);
    this.lastCycle = Math.max(this.lastCycle, e.cycle);
    switch (e.kind) {
      case 'trap':
        this.instant(e.hart, e.cycle, `trap: ${e.name}`, 'trap', { cause: e.cause, interrupt: e.interrupt, from: e.from, to: e.to, pc: hex(e.pc), tval: hex(e.tval) });
        if (e.from === 0 || h.span?.cat !== 'kernel') this.open(h, e.cycle, 'kernel', e.interrupt && e.cause === 5 ? 'timer interrupt' : e.name, { cause: e.cause }, false);
        if (e.from === 0) this.enterKernel(h, e.cycle, e.interrupt && e.cause === 5 ? 'timer interrupt' : e.name);
        break;
      case 'xret':
        if (e.to === 0) {
          this.open(h, e.cycle, 'user', this.userName(h.pid), { pid: h.pid });
          const p = this.procs.get(h.guest);
          if (p !== undefined) { this.state(p, e.cycle, 'running', undefined); p.onCpu = true; }
        }
        break;
      case 'syscall-enter': {
        const call = `${e.name}(${e.args})`;
        this.name(h, e.name, { pid: e.pid, call, again: e.again });
        const p = this.procs.get(e.pid);
        if (p !== undefined) { p.call = call; this.nameState(p, e.name, e.again ? { call, again: true } : { call }); }
        break;
      }
      case 'syscall-exit': {
        if (h.span?.cat === 'kernel' && h.span.args.call !== undefined) {
          if (e.blocked) h.span.args.blocked = true; else h.span.args.result = e.text;
        }
        const p = this.procs.get(e.pid), s = p?.span;
        if (p !== undefined && e.blocked) p.leaving = 'block';
        if (p?.onCpu && s?.args?.call !== undefined) {
          if (e.blocked) s.args.blocked = true; else s.args.result = e.text;
        }
        break;
      }
      case 'fault': {
        const page = CAUSE_PAGE_FAULT.has(e.cause);
        this.name(h, `${page ? 'page fault' : e.name}: ${e.resolution}`, { pid: e.pid, addr: hex(BigInt(e.addr)), pc: hex(BigInt(e.pc)) });
        const p = this.procs.get(e.pid);
        if (p !== undefined) this.nameState(p, page ? 'page fault' : e.name, { resolution: e.resolution, addr: hex(BigInt(e.addr)), pc: hex(BigInt(e.pc)) });
        break;
      }
      case 'tick': {
        this.name(h, 'timer interrupt', { pid: e.pid, preempted: e.preempted });
        this.instant(e.hart, e.cycle, e.preempted ? 'tick: preempt' : 'tick', 'tick', { pid: e.pid, preempted: e.preempted });
        const p = this.procs.get(e.pid);
        if (p !== undefined) this.nameState(p, 'timer interrupt', { preempted: e.preempted });
        break;
      }
      case 'switch': this.contextSwitch(h, e); break;
      case 'wake': this.wake(e.hart, e.cycle, e.pid, e.by, e.why); break;
      case 'idle': {
        this.open(h, e.cycle, 'idle', 'idle', { until: us(e.until) });
        this.open(h, e.until, 'kernel', 'schedule', {});
        h.pid = 0;
        // The process that was on the CPU blocked or stopped; the switch away comes after the idle.
        const p = this.procs.get(h.guest);
        if (p?.onCpu) this.leaveCpu(p, e.cycle, p.leaving === 'stop' ? 'stop' : 'block');
        h.guest = 0;
        this.lastCycle = Math.max(this.lastCycle, e.until);
        break;
      }
      case 'signal': {
        this.instant(e.hart, e.cycle, `signal: ${e.name} ${e.phase === 'generate' ? 'generated' : `delivered (${e.action ?? 'default'})`}`, 'signal',
          { pid: e.pid, sig: e.sig, ...(e.info !== undefined ? { info: e.info } : {}) });
        const p = this.procs.get(e.pid);
        if (p !== undefined && e.phase === 'deliver') {
          if (e.action === 'stop') { p.leaving = 'stop'; p.stopSignal = e.name; }
          if (p.onCpu && p.span?.args !== undefined) p.span.args.signal = `${e.name} (${e.action ?? 'default'})`;
        }
        break;
      }
      case 'proc': this.proc(h, e.cycle, e.phase, e.pid, e.ppid, e.name, e.text); break;
      case 'irq': case 'wfi': break;
      case 'end':
        this.instant(e.hart, e.cycle, 'end', 'run', { status: e.status, instret: e.instret });
        this.close(h, e.cycle);
        this.endRun(e.cycle);
        break;
      default: { const never: never = e; return never; }
    }
    h.last = Math.max(h.last, e.kind === 'idle' ? e.until : e.cycle);
    this.flush();
  }

  /** Ends the JSON: closes open spans at the last cycle seen and drops arrows that never ended. Call once, after the run. */
  finish(): void {
    if (this.finished) return;
    for (const h of this.harts.values()) this.close(h, Math.max(h.last, this.lastCycle));
    this.endRun(this.lastCycle);
    for (const f of this.flows.values()) this.pending = this.pending.filter((r) => r !== f.rec);
    this.flows.clear();
    this.flush(true);
    if (!this.started) this.write('{"traceEvents":[');
    this.write('\n],"displayTimeUnit":"ns","otherData":{"clock":"virtual: 1 cycle = 1 ns at 1 GHz; ts in µs"}}\n');
    this.finished = true;
  }

  // ---- spans --------------------------------------------------------------

  private hart(hart: number, cycle: number): HartTrack {
    let h = this.harts.get(hart);
    if (h !== undefined) return h;
    // The first hart's track starts at cycle 0: the kernel boots there and runs until the first sret.
    const start = this.harts.size === 0 ? 0 : cycle;
    h = { tid: hart, span: undefined, pid: 0, guest: 0, last: cycle };
    if (this.harts.size === 0) {
      this.push(start, { name: 'process_name', ph: 'M', pid: PID, tid: hart, args: { name: 'lde' } });
      this.push(start, { name: 'process_sort_index', ph: 'M', pid: PID, tid: hart, args: { sort_index: 0 } });
    }
    this.harts.set(hart, h);
    this.push(start, { name: 'thread_name', ph: 'M', pid: PID, tid: hart, args: { name: `hart ${hart}` } });
    this.push(start, { name: 'thread_sort_index', ph: 'M', pid: PID, tid: hart, args: { sort_index: hart } });
    h.span = { cat: 'kernel', name: 'boot', start, seq: this.seq++, args: {}, named: true };
    return h;
  }

  /**
   * Ends the hart's current span at `cycle` and starts a new one there. A
   * kernel span opened by a trap is `named` later, by the first reason the
   * kernel gives (the system call, the fault's resolution, the tick).
   */
  private open(h: HartTrack, cycle: number, cat: Span['cat'], name: string, args: Span['args'], named = true): void {
    this.close(h, cycle);
    h.span = { cat, name, start: cycle, seq: this.seq++, args, named };
  }

  /** Writes the hart's span, if it has one; an empty span says nothing and is dropped. */
  private close(h: HartTrack, cycle: number): void {
    const s = h.span;
    if (s === undefined) return;
    h.span = undefined;
    if (cycle <= s.start) return;
    this.pending.push({ cycle: s.start, seq: s.seq,
      json: JSON.stringify({ name: s.name, cat: s.cat, ph: 'X', ts: us(s.start), dur: us(cycle - s.start), pid: PID, tid: h.tid, args: s.args }) });
  }

  /** Names the open kernel span after the first reason the kernel gives for it. */
  private name(h: HartTrack, name: string, args: Span['args']): void {
    const s = h.span;
    if (s === undefined || s.cat !== 'kernel') return;
    if (!s.named) { s.name = name; s.named = true; }
    for (const [k, v] of Object.entries(args)) if (!(k in s.args) || k === 'again') s.args[k] = v;
  }

  private userName(pid: number): string {
    return `${this.names.get(pid) ?? 'pid'} (pid ${pid})`;
  }

  // ---- scheduling ---------------------------------------------------------

  private contextSwitch(h: HartTrack, e: Extract<TraceEvent, { kind: 'switch' }>): void {
    this.names.set(e.to, e.toName);
    const tid = h.tid;
    // The switch's cost was charged just before the event: a span nested in the kernel's, from the hart's previous event.
    const start = Math.min(h.last, e.cycle);
    this.pending.push({ cycle: start, seq: this.seq++, json: JSON.stringify({ name: `switch to ${this.userName(e.to)}`, cat: 'sched', ph: 'X',
      ts: us(start), dur: us(e.cycle - start), pid: PID, tid, args: { from: e.from, to: e.to, reason: e.reason } }) });
    const f = this.flows.get(e.to);
    if (f !== undefined) {
      this.flows.delete(e.to);
      this.push(e.cycle, { name: 'wake', cat: 'sched', ph: 'f', bp: 'e', id: f.id, pid: PID, tid });
    }
    h.pid = e.to;
    // The process tracks: `from` leaves the CPU (unless it already did, at an idle), `to` is in the kernel until its xret.
    const from = this.procs.get(e.from);
    if (from?.onCpu && (e.from !== e.to || from.woken !== undefined)) this.leaveCpu(from, e.cycle, e.reason);
    const to = this.procs.get(e.to);
    if (to !== undefined) {
      this.state(to, e.cycle, 'kernel: resume', { from: e.from, reason: e.reason });
      to.onCpu = true;
      to.woken = undefined;
      to.leaving = undefined;
    }
    h.guest = e.to;
  }

  private wake(tid: number, cycle: number, pid: number, by: number, why: string): void {
    const old = this.flows.get(pid);
    if (old !== undefined) this.pending = this.pending.filter((r) => r !== old.rec);
    const id = this.nextFlow++;
    const rec = this.push(cycle, { name: 'wake', cat: 'sched', ph: 's', id, pid: PID, tid, args: { pid, by, why } });
    this.flows.set(pid, { id, rec });
    const p = this.procs.get(pid);
    if (p === undefined) return;
    const args = { reason: 'wake', by, why };
    if (p.onCpu) p.woken = args; // not off the CPU yet: runnable from the switch away
    else this.state(p, cycle, 'runnable', args, { keep: true });
  }

  private proc(h: HartTrack, cycle: number, phase: string, pid: number, ppid: number, name: string, text: string | undefined): void {
    if (phase !== 'exit') this.names.set(pid, name);
    const title = phase === 'create' ? (ppid ? `fork: ${name} (pid ${pid}) from pid ${ppid}` : `spawn: ${name} (pid ${pid})`)
      : phase === 'exec' ? `exec: ${name} (pid ${pid})` : `exit: ${name} (pid ${pid}) ${text ?? ''}`.trimEnd();
    this.instant(h.tid, cycle, title, 'proc', { pid, ppid, name, ...(text !== undefined ? { status: text } : {}) });
    if (phase === 'exit') {
      const f = this.flows.get(pid);
      if (f !== undefined) { this.pending = this.pending.filter((r) => r !== f.rec); this.flows.delete(pid); }
    }
    // The process's own track.
    if (phase === 'create') {
      const old = this.procs.get(pid);
      if (old !== undefined) this.closeState(old, cycle);
      const cpid = this.base + pid;
      this.maxCpid = Math.max(this.maxCpid, cpid);
      const p: ProcTrack = { pid, cpid, span: undefined, onCpu: false, leaving: undefined, call: undefined, stopSignal: undefined, woken: undefined };
      this.procs.set(pid, p);
      this.push(cycle, { name: 'process_name', ph: 'M', pid: cpid, tid: cpid, args: { name } });
      this.push(cycle, { name: 'process_labels', ph: 'M', pid: cpid, tid: cpid, args: { labels: ppid ? `pid ${pid}, parent ${ppid}` : `pid ${pid}` } });
      this.push(cycle, { name: 'process_sort_index', ph: 'M', pid: cpid, tid: cpid, args: { sort_index: cpid } });
      this.push(cycle, { name: 'thread_name', ph: 'M', pid: cpid, tid: cpid, args: { name: `${name} (pid ${pid})` } });
      this.state(p, cycle, 'runnable', { reason: 'created' });
      return;
    }
    const p = this.procs.get(pid);
    if (p === undefined) return;
    if (phase === 'exec') {
      this.push(cycle, { name: 'process_name', ph: 'M', pid: p.cpid, tid: p.cpid, args: { name } });
      this.push(cycle, { name: 'thread_name', ph: 'M', pid: p.cpid, tid: p.cpid, args: { name: `${name} (pid ${pid})` } });
      return;
    }
    this.closeState(p, cycle);
    this.push(cycle, { name: `exit: ${text ?? ''}`.trimEnd(), cat: 'process', ph: 'i', s: 't', pid: p.cpid, tid: p.cpid, args: { pid, ppid } });
    this.procs.delete(pid);
    if (h.guest === pid) h.guest = 0;
  }

  // ---- the process tracks -------------------------------------------------

  /** Ends the process's current state at `cycle` and starts another there. */
  private state(p: ProcTrack, cycle: number, name: string, args: Args | undefined, opts: { named?: boolean; keep?: boolean } = {}): void {
    this.closeState(p, cycle);
    p.span = { name, start: cycle, seq: this.seq++, args, named: opts.named ?? true, keep: opts.keep ?? false };
  }

  /** Queues the process's current state span; an empty one is dropped unless it is kept. */
  private closeState(p: ProcTrack, cycle: number): void {
    const s = p.span;
    if (s === undefined) return;
    p.span = undefined;
    if (cycle < s.start || (cycle === s.start && !s.keep)) return;
    this.pending.push({ cycle: s.start, seq: s.seq, json: JSON.stringify({ name: s.name, cat: 'process', ph: 'X', ts: us(s.start), dur: us(cycle - s.start),
      pid: p.cpid, tid: p.cpid, ...(s.args !== undefined ? { args: s.args } : {}) }) });
  }

  /** A trap from U-mode: the process on the hart is now in the kernel, for a reason named later (the call, the fault, the tick). */
  private enterKernel(h: HartTrack, cycle: number, name: string): void {
    const p = this.procs.get(h.guest);
    if (p === undefined) return;
    this.state(p, cycle, `kernel: ${name}`, {}, { named: false });
    p.onCpu = true;
    p.leaving = undefined;
  }

  /** Names the process's kernel span after the first reason the kernel gives, as the hart's. */
  private nameState(p: ProcTrack, name: string, args: Args): void {
    const s = p.span;
    if (!p.onCpu || s === undefined || s.args === undefined || !s.name.startsWith('kernel: ')) return;
    if (!s.named) { s.name = `kernel: ${name}`; s.named = true; }
    for (const [k, v] of Object.entries(args)) if (!(k in s.args) || k === 'again') s.args[k] = v;
  }

  /** The process leaves the CPU (a switch away, or an idle after it blocked or stopped). */
  private leaveCpu(p: ProcTrack, cycle: number, reason: string): void {
    p.onCpu = false;
    if (reason === 'block' && p.woken !== undefined) this.state(p, cycle, 'runnable', p.woken, { keep: true });
    else if (reason === 'block') this.state(p, cycle, 'sleeping', p.call !== undefined ? { call: p.call } : {}, { keep: true });
    else if (reason === 'stop') this.state(p, cycle, 'stopped', p.stopSignal !== undefined ? { signal: p.stopSignal } : {});
    else if (reason === 'tick' || reason === 'yield') this.state(p, cycle, 'runnable', { reason });
    else this.closeState(p, cycle); // exit, signal: its exit event has closed the track already
    p.woken = undefined;
    p.leaving = undefined;
  }

  /** The run is over: every live process's track ends here; a later run in the same sink gets fresh Chrome pids. */
  private endRun(cycle: number): void {
    for (const p of this.procs.values()) this.closeState(p, cycle);
    this.procs.clear();
    for (const h of this.harts.values()) h.guest = 0;
    if (this.maxCpid >= this.base) this.base = (Math.floor(this.maxCpid / GUEST_PID_BASE) + 1) * GUEST_PID_BASE;
  }

  /**
   * Cuts every process span that started before `at` there, to go on as a
   * new span with the same name and args (plus continued: true), so that
   * the records before `at` can be written.
   */
  private cut(at: number): void {
    for (const p of this.procs.values()) {
      const s = p.span;
      if (s === undefined || s.start >= at) continue;
      this.closeState(p, at);
      p.span = { ...s, start: at, seq: this.seq++, args: { ...s.args, continued: true }, keep: false };
    }
  }

  // ---- output -------------------------------------------------------------

  private instant(tid: number, cycle: number, name: string, cat: string, args: Record<string, unknown>): void {
    this.push(cycle, { name, cat, ph: 'i', s: 't', pid: PID, tid, args });
  }

  /** Queues a record at `cycle` (its ts). */
  private push(cycle: number, ev: Record<string, unknown>): Rec {
    const { name, cat, ph, ...rest } = ev;
    const rec = { cycle, seq: this.seq++, json: JSON.stringify({ name, ...(cat !== undefined ? { cat } : {}), ph, ts: us(cycle), ...rest }) };
    this.pending.push(rec);
    return rec;
  }

  /**
   * Writes every queued record that nothing still open can precede: those
   * before the start of every open span (the harts' and the processes') and
   * of every unfinished arrow (all of them when `all`). Every record queued
   * since the last flush is at or after that flush's mark, so nothing can be
   * written until it moves. Too many waiting: long process spans are cut
   * first, at the harts' and arrows' mark.
   */
  private flush(all = false): void {
    let mark = Infinity;
    if (!all) {
      for (const h of this.harts.values()) if (h.span !== undefined) mark = Math.min(mark, h.span.start);
      for (const f of this.flows.values()) mark = Math.min(mark, f.rec.cycle);
      if (this.pending.length >= this.maxPending) this.cut(Math.min(mark, this.lastCycle));
      for (const p of this.procs.values()) if (p.span !== undefined) mark = Math.min(mark, p.span.start);
      if (mark <= this.mark) return;
    }
    this.mark = mark;
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => a.cycle - b.cycle || a.seq - b.seq);
    let n = 0;
    while (n < this.pending.length && this.pending[n].cycle < mark) n++;
    if (n === 0) return;
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    let text = '';
    for (const r of out) {
      text += (this.started ? ',\n' : '{"traceEvents":[\n') + r.json;
      this.started = true;
    }
    this.write(text);
  }
}

function hex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}
