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
// Time: ts and dur in microseconds = cycles / 1000, written with three
// decimals so that nanosecond (cycle) precision survives.
//
// Streaming: records are written as soon as no earlier one can follow, so
// ts never decreases in the output. A span is written when it ends (its ts is
// its start), and an arrow's start only once its end is known (or dropped
// if the woken process never ran), so records wait in a small buffer.

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
  /** The cycle of the hart's last event (a nested switch span starts there). */
  last: number;
}

interface Flow { id: number; rec: Rec; }

const PID = 1;
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
  private pending: Rec[] = [];
  private seq = 0;
  private nextFlow = 1;
  private started = false;
  private finished = false;
  private lastCycle = 0;
  /** The last flush's mark: records before it are written. */
  private mark = -Infinity;

  /** write receives the JSON text in order, in chunks; finish() writes the end. */
  constructor(private readonly write: (chunk: string) => void) {}

  event(e: TraceEvent): void {
    if (e.kind === 'insn' || this.finished) return;
    const h = this.hart(e.hart, e.cycle);
    this.lastCycle = Math.max(this.lastCycle, e.cycle);
    switch (e.kind) {
      case 'trap':
        this.instant(e.hart, e.cycle, `trap: ${e.name}`, 'trap', { cause: e.cause, interrupt: e.interrupt, from: e.from, to: e.to, pc: hex(e.pc), tval: hex(e.tval) });
        if (e.from === 0 || h.span?.cat !== 'kernel') this.open(h, e.cycle, 'kernel', e.interrupt && e.cause === 5 ? 'timer interrupt' : e.name, { cause: e.cause }, false);
        break;
      case 'xret':
        if (e.to === 0) this.open(h, e.cycle, 'user', this.userName(h.pid), { pid: h.pid });
        break;
      case 'syscall-enter':
        this.name(h, e.name, { pid: e.pid, call: `${e.name}(${e.args})`, again: e.again });
        break;
      case 'syscall-exit':
        if (h.span?.cat === 'kernel' && h.span.args.call !== undefined) {
          if (e.blocked) h.span.args.blocked = true; else h.span.args.result = e.text;
        }
        break;
      case 'fault':
        this.name(h, `${CAUSE_PAGE_FAULT.has(e.cause) ? 'page fault' : e.name}: ${e.resolution}`, { pid: e.pid, addr: hex(BigInt(e.addr)), pc: hex(BigInt(e.pc)) });
        break;
      case 'tick':
        this.name(h, 'timer interrupt', { pid: e.pid, preempted: e.preempted });
        this.instant(e.hart, e.cycle, e.preempted ? 'tick: preempt' : 'tick', 'tick', { pid: e.pid, preempted: e.preempted });
        break;
      case 'switch': this.contextSwitch(h, e); break;
      case 'wake': this.wake(e.hart, e.cycle, e.pid, e.by, e.why); break;
      case 'idle':
        this.open(h, e.cycle, 'idle', 'idle', { until: us(e.until) });
        this.open(h, e.until, 'kernel', 'schedule', {});
        h.pid = 0;
        this.lastCycle = Math.max(this.lastCycle, e.until);
        break;
      case 'signal':
        this.instant(e.hart, e.cycle, `signal: ${e.name} ${e.phase === 'generate' ? 'generated' : `delivered (${e.action ?? 'default'})`}`, 'signal',
          { pid: e.pid, sig: e.sig, ...(e.info !== undefined ? { info: e.info } : {}) });
        break;
      case 'proc': this.proc(e.hart, e.cycle, e.phase, e.pid, e.ppid, e.name, e.text); break;
      case 'irq': case 'wfi': break;
      case 'end':
        this.instant(e.hart, e.cycle, 'end', 'run', { status: e.status, instret: e.instret });
        this.close(h, e.cycle);
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
    h = { tid: hart, span: undefined, pid: 0, last: cycle };
    if (this.harts.size === 0) this.push(start, { name: 'process_name', ph: 'M', pid: PID, tid: hart, args: { name: 'lde' } });
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
  }

  private wake(tid: number, cycle: number, pid: number, by: number, why: string): void {
    const old = this.flows.get(pid);
    if (old !== undefined) this.pending = this.pending.filter((r) => r !== old.rec);
    const id = this.nextFlow++;
    const rec = this.push(cycle, { name: 'wake', cat: 'sched', ph: 's', id, pid: PID, tid, args: { pid, by, why } });
    this.flows.set(pid, { id, rec });
  }

  private proc(tid: number, cycle: number, phase: string, pid: number, ppid: number, name: string, text: string | undefined): void {
    if (phase !== 'exit') this.names.set(pid, name);
    const title = phase === 'create' ? (ppid ? `fork: ${name} (pid ${pid}) from pid ${ppid}` : `spawn: ${name} (pid ${pid})`)
      : phase === 'exec' ? `exec: ${name} (pid ${pid})` : `exit: ${name} (pid ${pid}) ${text ?? ''}`.trimEnd();
    this.instant(tid, cycle, title, 'proc', { pid, ppid, name, ...(text !== undefined ? { status: text } : {}) });
    if (phase === 'exit') {
      const f = this.flows.get(pid);
      if (f !== undefined) { this.pending = this.pending.filter((r) => r !== f.rec); this.flows.delete(pid); }
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
   * before the start of every open span and of every unfinished arrow
   * (all of them when `all`). Every record queued since the last flush is at
   * or after that flush's mark, so nothing can be written until it moves.
   */
  private flush(all = false): void {
    let mark = Infinity;
    if (!all) {
      for (const h of this.harts.values()) if (h.span !== undefined) mark = Math.min(mark, h.span.start);
      for (const f of this.flows.values()) mark = Math.min(mark, f.rec.cycle);
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
