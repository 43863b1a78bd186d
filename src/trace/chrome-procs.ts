// --trace: one track per guest process, its life as a thread-state timeline
// (ChromeTraceSink draws the harts; this draws the processes).
//
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
//   "kernel thread: running"  a kernel thread (io_uring's SQPOLL poller) on a hart;
//   "kernel: …"          in the kernel on its behalf, named as on the hart
//                        ("kernel: read", "kernel: page fault", "kernel: timer
//                        interrupt"; "kernel: resume" from the switch that
//                        chose it), with the strace text in args;
//   "runnable"           in the run queue: args.reason "created", "tick", "preempt" (kernel preemption),
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

import type { RecordStream } from './chrome-stream.js';

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

/** A guest process's Chrome pid is this plus its own pid, until a run ends and the next starts at the next thousand. */
const GUEST_PID_BASE = 1000;

/**
 * The live processes' tracks of the current run. ChromeTraceSink calls one
 * method per event that concerns a process, in event order, after drawing
 * the event on the hart; a pid with no track (created before the sink was
 * attached) is ignored.
 */
export class ProcessTracks {
  private readonly procs = new Map<number, ProcTrack>(); // by guest pid, the live ones of this run
  /** Chrome pid of guest pid 0 in this run. */
  private base = GUEST_PID_BASE;
  private maxCpid = 0;

  constructor(private readonly out: RecordStream) {}

  // ---- lifecycle ----------------------------------------------------------

  /** fork or spawn: a new track, runnable from `cycle`. */
  create(cycle: number, pid: number, ppid: number, name: string): void {
    const old = this.procs.get(pid);
    if (old !== undefined) this.closeState(old, cycle);
    const cpid = this.base + pid;
    this.maxCpid = Math.max(this.maxCpid, cpid);
    const p: ProcTrack = { pid, cpid, span: undefined, onCpu: false, leaving: undefined, call: undefined, stopSignal: undefined, woken: undefined };
    this.procs.set(pid, p);
    this.out.push(cycle, { name: 'process_name', ph: 'M', pid: cpid, tid: cpid, args: { name } });
    this.out.push(cycle, { name: 'process_labels', ph: 'M', pid: cpid, tid: cpid, args: { labels: ppid ? `pid ${pid}, parent ${ppid}` : `pid ${pid}` } });
    this.out.push(cycle, { name: 'process_sort_index', ph: 'M', pid: cpid, tid: cpid, args: { sort_index: cpid } });
    this.out.push(cycle, { name: 'thread_name', ph: 'M', pid: cpid, tid: cpid, args: { name: `${name} (pid ${pid})` } });
    this.state(p, cycle, 'runnable', { reason: 'created' });
  }

  /** execve: the track is named after the new program. */
  exec(cycle: number, pid: number, name: string): void {
    const p = this.procs.get(pid);
    if (p === undefined) return;
    this.out.push(cycle, { name: 'process_name', ph: 'M', pid: p.cpid, tid: p.cpid, args: { name } });
    this.out.push(cycle, { name: 'thread_name', ph: 'M', pid: p.cpid, tid: p.cpid, args: { name: `${name} (pid ${pid})` } });
  }

  /** The process exited: its track ends with an exit instant. Returns false when it had no track. */
  exit(cycle: number, pid: number, ppid: number, text: string | undefined): boolean {
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    this.closeState(p, cycle);
    this.out.push(cycle, { name: `exit: ${text ?? ''}`.trimEnd(), cat: 'process', ph: 'i', s: 't', pid: p.cpid, tid: p.cpid, args: { pid, ppid } });
    this.procs.delete(pid);
    return true;
  }

  /** The run is over: every live process's track ends here; a later run in the same sink gets fresh Chrome pids. */
  endRun(cycle: number): void {
    for (const p of this.procs.values()) this.closeState(p, cycle);
    this.procs.clear();
    if (this.maxCpid >= this.base) this.base = (Math.floor(this.maxCpid / GUEST_PID_BASE) + 1) * GUEST_PID_BASE;
  }

  // ---- on and off the CPU -------------------------------------------------

  /** A trap from U-mode: the process on the hart is now in the kernel, for a reason named later (the call, the fault, the tick). */
  enterKernel(pid: number, cycle: number, name: string): void {
    const p = this.procs.get(pid);
    if (p === undefined) return;
    this.state(p, cycle, `kernel: ${name}`, {}, { named: false });
    p.onCpu = true;
    p.leaving = undefined;
  }

  /** An xret to U-mode: the process runs. */
  running(pid: number, cycle: number): void {
    const p = this.procs.get(pid);
    if (p === undefined) return;
    this.state(p, cycle, 'running', undefined);
    p.onCpu = true;
  }

  /** A context switch: `from` leaves the CPU (unless it already did, at an idle), `to` is in the kernel until its xret. */
  contextSwitch(cycle: number, fromPid: number, toPid: number, reason: string, kthread = false): void {
    const from = this.procs.get(fromPid);
    if (from?.onCpu && (fromPid !== toPid || from.woken !== undefined)) this.leaveCpu(from, cycle, reason);
    const to = this.procs.get(toPid);
    if (to === undefined) return;
    this.state(to, cycle, kthread ? 'kernel thread: running' : 'kernel: resume', { from: fromPid, reason });
    to.onCpu = true;
    to.woken = undefined;
    to.leaving = undefined;
  }

  /** The hart went idle: the process that was on the CPU blocked or stopped; the switch away comes after the idle. */
  idle(pid: number, cycle: number): void {
    const p = this.procs.get(pid);
    if (p?.onCpu) this.leaveCpu(p, cycle, p.leaving === 'stop' ? 'stop' : 'block');
  }

  /** A wake-up: runnable from now, or from the switch away if it is still on the CPU. */
  wake(pid: number, cycle: number, by: number, why: string): void {
    const p = this.procs.get(pid);
    if (p === undefined) return;
    const args = { reason: 'wake', by, why };
    if (p.onCpu) p.woken = args; // not off the CPU yet: runnable from the switch away
    else this.state(p, cycle, 'runnable', args, { keep: true });
  }

  // ---- what the kernel did on its behalf ----------------------------------

  syscallEnter(pid: number, name: string, call: string, again: boolean | undefined): void {
    const p = this.procs.get(pid);
    if (p === undefined) return;
    p.call = call;
    this.nameKernel(pid, name, again ? { call, again: true } : { call });
  }

  syscallExit(pid: number, blocked: boolean | undefined, text: string): void {
    const p = this.procs.get(pid), s = p?.span;
    if (p !== undefined && blocked) p.leaving = 'block';
    if (p?.onCpu && s?.args?.call !== undefined) {
      if (blocked) s.args.blocked = true; else s.args.result = text;
    }
  }

  /** A delivered signal: a stop signal takes it off the CPU; the signal shows on the kernel span it is delivered in. */
  signalDelivered(pid: number, name: string, action: string | undefined): void {
    const p = this.procs.get(pid);
    if (p === undefined) return;
    if (action === 'stop') { p.leaving = 'stop'; p.stopSignal = name; }
    if (p.onCpu && p.span?.args !== undefined) p.span.args.signal = `${name} (${action ?? 'default'})`;
  }

  /** Names the process's kernel span after the first reason the kernel gives, as the hart's. */
  nameKernel(pid: number, name: string, args: Args): void {
    const p = this.procs.get(pid), s = p?.span;
    if (p === undefined || !p.onCpu || s === undefined || s.args === undefined || !s.name.startsWith('kernel: ')) return;
    if (!s.named) { s.name = `kernel: ${name}`; s.named = true; }
    for (const [k, v] of Object.entries(args)) if (!(k in s.args) || k === 'again') s.args[k] = v;
  }

  // ---- streaming ----------------------------------------------------------

  /** The earliest start of an open process span (Infinity: none): nothing after it can be written yet. */
  earliestStart(): number {
    let mark = Infinity;
    for (const p of this.procs.values()) if (p.span !== undefined) mark = Math.min(mark, p.span.start);
    return mark;
  }

  /**
   * Cuts every process span that started before `at` there, to go on as a
   * new span with the same name and args (plus continued: true), so that
   * the records before `at` can be written.
   */
  cut(at: number): void {
    for (const p of this.procs.values()) {
      const s = p.span;
      if (s === undefined || s.start >= at) continue;
      this.closeState(p, at);
      p.span = { ...s, start: at, seq: this.out.nextSeq(), args: { ...s.args, continued: true }, keep: false };
    }
  }

  // ---- spans --------------------------------------------------------------

  /** Ends the process's current state at `cycle` and starts another there. */
  private state(p: ProcTrack, cycle: number, name: string, args: Args | undefined, opts: { named?: boolean; keep?: boolean } = {}): void {
    this.closeState(p, cycle);
    p.span = { name, start: cycle, seq: this.out.nextSeq(), args, named: opts.named ?? true, keep: opts.keep ?? false };
  }

  /** Queues the process's current state span; an empty one is dropped unless it is kept. */
  private closeState(p: ProcTrack, cycle: number): void {
    const s = p.span;
    if (s === undefined) return;
    p.span = undefined;
    if (cycle < s.start || (cycle === s.start && !s.keep)) return;
    this.out.span(s.start, cycle, s.seq, { name: s.name, cat: 'process', pid: p.cpid, tid: p.cpid, ...(s.args !== undefined ? { args: s.args } : {}) });
  }

  /** The process leaves the CPU (a switch away, or an idle after it blocked or stopped). */
  private leaveCpu(p: ProcTrack, cycle: number, reason: string): void {
    p.onCpu = false;
    if (reason === 'block' && p.woken !== undefined) this.state(p, cycle, 'runnable', p.woken, { keep: true });
    else if (reason === 'block') this.state(p, cycle, 'sleeping', p.call !== undefined ? { call: p.call } : {}, { keep: true });
    else if (reason === 'stop') this.state(p, cycle, 'stopped', p.stopSignal !== undefined ? { signal: p.stopSignal } : {});
    else if (reason === 'tick' || reason === 'preempt' || reason === 'yield') this.state(p, cycle, 'runnable', { reason });
    else this.closeState(p, cycle); // exit, signal: its exit event has closed the track already
    p.woken = undefined;
    p.leaving = undefined;
  }
}
