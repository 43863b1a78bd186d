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
// And one track per guest process, its life as a thread-state timeline:
// chrome-procs.ts. Records are written in time order as soon as no earlier
// one can follow, through a small buffer: chrome-stream.ts.

import type { Sink, TraceEvent } from './events.js';
import { ProcessTracks } from './chrome-procs.js';
import { RecordStream, us, type Rec } from './chrome-stream.js';

interface Span {
  cat: 'user' | 'kernel' | 'idle' | 'hardirq' | 'softirq' | 'ksoftirqd';
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

const PID = 1;
/** Records waiting before long process spans are cut (see chrome-stream.ts). */
const MAX_PENDING = 20_000;
const CAUSE_PAGE_FAULT = new Set([12, 13, 15]);

export class ChromeTraceSink implements Sink {
  private readonly harts = new Map<number, HartTrack>();
  private readonly names = new Map<number, string>();
  private readonly flows = new Map<number, Flow>(); // by woken pid: the arrow's start, waiting for its switch
  private readonly out: RecordStream;
  private readonly procs: ProcessTracks;
  private readonly maxPending: number;
  private nextFlow = 1;
  private finished = false;
  private lastCycle = 0;

  /**
   * write receives the JSON text in order, in chunks; finish() writes the
   * end. opts.maxPending: records that may wait before long process spans
   * are cut (tests make it small).
   */
  constructor(write: (chunk: string) => void, opts: { maxPending?: number } = {}) {
    this.out = new RecordStream(write);
    this.procs = new ProcessTracks(this.out);
    this.maxPending = opts.maxPending ?? MAX_PENDING;
  }

  event(e: TraceEvent): void {
    if (e.kind === 'insn' || this.finished) return;
    const h = this.hart(e.hart, e.cycle);
    this.lastCycle = Math.max(this.lastCycle, e.cycle);
    switch (e.kind) {
      case 'trap': {
        const name = e.interrupt && e.cause === 5 ? 'timer interrupt' : e.name;
        this.instant(e.hart, e.cycle, `trap: ${e.name}`, 'trap', { cause: e.cause, interrupt: e.interrupt, from: e.from, to: e.to, pc: hex(e.pc), tval: hex(e.tval) });
        if (e.from === 0 || h.span?.cat !== 'kernel') this.open(h, e.cycle, 'kernel', name, { cause: e.cause }, false);
        if (e.from === 0) this.procs.enterKernel(h.guest, e.cycle, name);
        break;
      }
      case 'xret':
        if (e.to === 0) {
          this.open(h, e.cycle, 'user', this.userName(h.pid), { pid: h.pid });
          this.procs.running(h.guest, e.cycle);
        }
        break;
      case 'syscall-enter': {
        const call = `${e.name}(${e.args})`;
        this.name(h, e.name, { pid: e.pid, call, again: e.again });
        this.procs.syscallEnter(e.pid, e.name, call, e.again);
        break;
      }
      case 'syscall-exit':
        if (h.span?.cat === 'kernel' && h.span.args.call !== undefined) {
          if (e.blocked) h.span.args.blocked = true; else h.span.args.result = e.text;
        }
        this.procs.syscallExit(e.pid, e.blocked, e.text);
        break;
      case 'fault': {
        const page = CAUSE_PAGE_FAULT.has(e.cause), addr = hex(BigInt(e.addr)), pc = hex(BigInt(e.pc));
        this.name(h, `${page ? 'page fault' : e.name}: ${e.resolution}`, { pid: e.pid, addr, pc });
        this.procs.nameKernel(e.pid, page ? 'page fault' : e.name, { resolution: e.resolution, addr, pc });
        break;
      }
      case 'tick':
        this.name(h, 'timer interrupt', { pid: e.pid, preempted: e.preempted });
        this.instant(e.hart, e.cycle, e.preempted ? 'tick: preempt' : 'tick', 'tick', { pid: e.pid, preempted: e.preempted });
        this.procs.nameKernel(e.pid, 'timer interrupt', { preempted: e.preempted });
        break;
      case 'switch': this.contextSwitch(h, e); break;
      case 'wake': this.wake(e.hart, e.cycle, e.pid, e.by, e.why); break;
      case 'idle':
        this.open(h, e.cycle, 'idle', e.state ? `idle: ${e.state}` : 'idle', { until: us(e.until), ...(e.state ? { state: e.state, predicted: us(e.predicted ?? 0) } : {}) });
        this.open(h, e.until, 'kernel', 'schedule', {});
        h.pid = 0;
        this.procs.idle(h.guest, e.cycle);
        h.guest = 0;
        this.lastCycle = Math.max(this.lastCycle, e.until);
        break;
      case 'signal':
        this.instant(e.hart, e.cycle, `signal: ${e.name} ${e.phase === 'generate' ? 'generated' : `delivered (${e.action ?? 'default'})`}`, 'signal',
          { pid: e.pid, sig: e.sig, ...(e.info !== undefined ? { info: e.info } : {}) });
        if (e.phase === 'deliver') this.procs.signalDelivered(e.pid, e.name, e.action);
        break;
      case 'proc': this.proc(h, e.cycle, e.phase, e.pid, e.ppid, e.name, e.text); break;
      case 'nohz':
        this.instant(e.hart, e.cycle, e.phase === 'stop' ? `tick stopped (${e.why})` : `tick restarted (${e.skipped ?? 0} not taken)`, 'tick', { why: e.why, ...(e.skipped !== undefined ? { skipped: e.skipped } : {}) });
        break;
      case 'power':
        this.out.push(e.cycle, { name: 'power (W)', cat: 'power', ph: 'C', pid: PID, tid: e.hart, args: { [`hart ${e.hart}`]: e.watts } });
        break;
      case 'preempt':
        this.instant(e.hart, e.cycle, `kernel preemption: ${e.why}`, 'preempt', { pid: e.pid, where: e.where, remaining: e.remaining });
        break;
      case 'ipi':
        this.instant(e.hart, e.cycle, e.phase === 'done' ? `TLB shootdown done (waited ${e.waited ?? 0} cycles)` : `IPI ${e.phase === 'send' ? 'to' : 'from'} hart ${e.peer}: ${e.ipi}`, 'ipi', { peer: e.peer, ipi: e.ipi });
        break;
      case 'netrx':
        if (e.phase === 'begin') this.open(h, e.cycle, e.ctx, e.ctx === 'hardirq' ? 'hardirq: virtio-net' : `${e.ctx}: NET_RX`, {});
        else { if (h.span?.cat === e.ctx) h.span.args = { packets: e.packets ?? 0, polls: e.polls ?? 0 }; this.open(h, e.cycle, 'kernel', e.ctx === 'ksoftirqd' ? 'schedule' : 'return from interrupt', {}); }
        break;
      case 'satp':
        this.instant(e.hart, e.cycle, e.mode === 'bare' ? 'satp: bare' : `satp: root ${hex(BigInt(e.root))}`, 'mm', { mode: e.mode, asid: e.asid, root: hex(BigInt(e.root)) });
        break;
      case 'irq': case 'wfi': case 'net': break;
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
    for (const f of this.flows.values()) this.out.drop(f.rec);
    this.flows.clear();
    this.out.end();
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
      this.out.push(start, { name: 'process_name', ph: 'M', pid: PID, tid: hart, args: { name: 'lde' } });
      this.out.push(start, { name: 'process_sort_index', ph: 'M', pid: PID, tid: hart, args: { sort_index: 0 } });
    }
    this.harts.set(hart, h);
    this.out.push(start, { name: 'thread_name', ph: 'M', pid: PID, tid: hart, args: { name: `hart ${hart}` } });
    this.out.push(start, { name: 'thread_sort_index', ph: 'M', pid: PID, tid: hart, args: { sort_index: hart } });
    h.span = { cat: 'kernel', name: 'boot', start, seq: this.out.nextSeq(), args: {}, named: true };
    return h;
  }

  /**
   * Ends the hart's current span at `cycle` and starts a new one there. A
   * kernel span opened by a trap is `named` later, by the first reason the
   * kernel gives (the system call, the fault's resolution, the tick).
   */
  private open(h: HartTrack, cycle: number, cat: Span['cat'], name: string, args: Span['args'], named = true): void {
    this.close(h, cycle);
    h.span = { cat, name, start: cycle, seq: this.out.nextSeq(), args, named };
  }

  /** Writes the hart's span, if it has one; an empty span says nothing and is dropped. */
  private close(h: HartTrack, cycle: number): void {
    const s = h.span;
    if (s === undefined) return;
    h.span = undefined;
    if (cycle <= s.start) return;
    this.out.span(s.start, cycle, s.seq, { name: s.name, cat: s.cat, pid: PID, tid: h.tid, args: s.args });
  }

  /** Names the open kernel span after the first reason the kernel gives for it. */
  private name(h: HartTrack, name: string, args: Span['args']): void {
    const s = h.span;
    if (s === undefined || s.cat !== 'kernel') return;
    if (!s.named) { s.name = name; s.named = true; }
    for (const [k, v] of Object.entries(args)) if (!(k in s.args) || k === 'again') s.args[k] = v;
  }

  private userName(pid: number): string {
    if (pid === 0) return 'U-mode'; // a guest kernel's processes (lde boot): the hart does not know them
    return `${this.names.get(pid) ?? 'pid'} (pid ${pid})`;
  }

  // ---- scheduling ---------------------------------------------------------

  private contextSwitch(h: HartTrack, e: Extract<TraceEvent, { kind: 'switch' }>): void {
    this.names.set(e.to, e.toName);
    const tid = h.tid;
    // The switch's cost was charged just before the event: a span nested in the kernel's, from the hart's previous event.
    const start = Math.min(h.last, e.cycle);
    this.out.span(start, e.cycle, this.out.nextSeq(),
      { name: `switch to ${this.userName(e.to)}`, cat: 'sched', pid: PID, tid, args: { from: e.from, to: e.to, reason: e.reason } });
    const f = this.flows.get(e.to);
    if (f !== undefined) {
      this.flows.delete(e.to);
      this.out.push(e.cycle, { name: 'wake', cat: 'sched', ph: 'f', bp: 'e', id: f.id, pid: PID, tid });
    }
    h.pid = e.to;
    if (e.kthread) this.open(h, e.cycle, 'kernel', `kernel thread: ${this.userName(e.to)}`, { pid: e.to }); // its own span: it never goes to U-mode
    this.procs.contextSwitch(e.cycle, e.from, e.to, e.reason, e.kthread);
    h.guest = e.to;
  }

  private wake(tid: number, cycle: number, pid: number, by: number, why: string): void {
    const old = this.flows.get(pid);
    if (old !== undefined) this.out.drop(old.rec);
    const id = this.nextFlow++;
    const rec = this.out.push(cycle, { name: 'wake', cat: 'sched', ph: 's', id, pid: PID, tid, args: { pid, by, why } });
    this.flows.set(pid, { id, rec });
    this.procs.wake(pid, cycle, by, why);
  }

  private proc(h: HartTrack, cycle: number, phase: string, pid: number, ppid: number, name: string, text: string | undefined): void {
    if (phase !== 'exit') this.names.set(pid, name);
    const title = phase === 'create' ? (ppid ? `fork: ${name} (pid ${pid}) from pid ${ppid}` : `spawn: ${name} (pid ${pid})`)
      : phase === 'exec' ? `exec: ${name} (pid ${pid})` : `exit: ${name} (pid ${pid}) ${text ?? ''}`.trimEnd();
    this.instant(h.tid, cycle, title, 'proc', { pid, ppid, name, ...(text !== undefined ? { status: text } : {}) });
    if (phase === 'create') return this.procs.create(cycle, pid, ppid, name);
    if (phase === 'exec') return this.procs.exec(cycle, pid, name);
    const f = this.flows.get(pid);
    if (f !== undefined) { this.out.drop(f.rec); this.flows.delete(pid); }
    if (this.procs.exit(cycle, pid, ppid, text) && h.guest === pid) h.guest = 0;
  }

  /** The run is over: every live process's track ends here; a later run in the same sink gets fresh Chrome pids. */
  private endRun(cycle: number): void {
    this.procs.endRun(cycle);
    for (const h of this.harts.values()) h.guest = 0;
  }

  // ---- output -------------------------------------------------------------

  private instant(tid: number, cycle: number, name: string, cat: string, args: Record<string, unknown>): void {
    this.out.push(cycle, { name, cat, ph: 'i', s: 't', pid: PID, tid, args });
  }

  /**
   * Writes every queued record that nothing still open can precede: those
   * before the start of every open span (the harts' and the processes') and
   * of every unfinished arrow. Too many waiting: long process spans are cut
   * first, at the harts' and arrows' mark.
   */
  private flush(): void {
    let mark = Infinity;
    for (const h of this.harts.values()) if (h.span !== undefined) mark = Math.min(mark, h.span.start);
    for (const f of this.flows.values()) mark = Math.min(mark, f.rec.cycle);
    if (this.out.waiting >= this.maxPending) this.procs.cut(Math.min(mark, this.lastCycle));
    this.out.flush(Math.min(mark, this.procs.earliestStart()));
  }
}

function hex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}
