// The scheduler: who holds each hart, and the one place that changes it.
//
// A process leaves its hart in one of four ways, each of which moves its run
// state (runstate.ts) and records the reason on its Cpu: it sleeps (sleepOn,
// sleepUntil: 'block'), gives way (sched_yield: 'yield'; the timer's tick:
// 'tick'), stops ('stop'), or ends ('exit', 'signal'). The trap that made it
// leave then ends in schedule(), which hands the hart to the head of the run
// queue through contextSwitch(), or idles it until a timer fires.
//
// One timer tick, top to bottom:
//   trap.ts usertrap → timerInterrupt → Scheduler.timerInterrupt → tick (count, re-arm,
//   timers, RLIMIT_CPU) → preempt when another process waits (running →
//   runnable, to the back of the queue) → back in usertrap: schedule →
//   contextSwitch(cpu, p, next, 'tick') → usertrapret(next). With nobody
//   waiting, the tick returns and usertrap's trap() resumes the same process:
//   no switch event.

import type { Kernel } from '../kernel.js';
import type { SwitchReason } from '../../trace/events.js';
import type { Process } from './proc.js';
import type { WaitQueue } from './wait.js';
import type { Cpu } from './cpu.js';
import { Timers, TIME_END } from './timer.js';
import { KernelBug } from './runstate.js';
import { Sig } from '../signal/signal.js';
import { basename } from './proc.js';
import { selectIdleState } from './idle.js';
import { placeRunnable } from './smp.js';

const SIGXCPU = 24, RLIMIT_CPU = 0;

export class Scheduler {
  readonly timers: Timers;

  constructor(private readonly k: Kernel) {
    this.timers = new Timers(k);
  }

  // ---- the run queue -------------------------------------------------------

  /** Queues p to run: a new process (runnable, never queued) or a stopped one that SIGCONT continues. */
  enqueue(p: Process): void {
    if (p.state === 'stopped') p.moveTo('runnable');
    else if (p.state !== 'runnable' || this.queued(p)) throw new KernelBug(`pid ${p.pid} (${p.state}) queued to run twice`);
    this.place(p);
  }

  /** Takes p out of every run queue (it stopped or exited). */
  dequeue(p: Process): void { for (const cpu of this.k.cpus) cpu.dequeue(p); }

  // ---- sleeping and waking (wait.ts) ---------------------------------------

  /** Puts p (running) to sleep on q; a wake() on q makes it runnable again. */
  sleepOn(p: Process, q: WaitQueue): void {
    p.moveTo('sleeping');
    p.waitingOn = q;
    q.add(p);
    this.block(p);
  }

  /** Puts p (running) to sleep until virtual cycle `until`. */
  sleepUntil(p: Process, until: number): void {
    p.moveTo('sleeping');
    this.timers.sleepUntil(p, until);
    this.block(p);
    for (const cpu of this.k.cpus) if (until < cpu.programmedAt) this.program(cpu);
  }

  /** Puts p (running) to sleep on q until virtual cycle `until` (futex's timed waits): a wake() on q or the timer, whichever comes first. */
  sleepOnUntil(p: Process, q: WaitQueue, until: number): void {
    p.waitingOn = q;
    q.add(p);
    this.sleepUntil(p, until);
  }

  /** Arms p's ITIMER_REAL (timer.ts setAlarm) and programs the timer if it fires before what is programmed. */
  setAlarm(p: Process, at: number, interval: number): void {
    this.timers.setAlarm(p, at, interval);
    for (const cpu of this.k.cpus) if (at < cpu.programmedAt) this.program(cpu);
  }

  /** Undoes the sleep of the system call p is in (it changed its mind: a partial transfer already happened). p takes its hart back. */
  unsleep(p: Process): void {
    const cpu = [this.k.cpu, ...this.k.cpus].find((c) => c.last === p && c.current === undefined); // the hart it runs on first: another may have it as last from before a migration
    if (cpu === undefined) throw new KernelBug(`unsleep of pid ${p.pid}, which did not just leave a hart`);
    p.waitingOn?.remove(p);
    p.waitingOn = undefined;
    p.moveTo('running');
    cpu.current = p;
    p.nvcsw--;
  }

  /** Makes every sleeper on q runnable; their system calls run again. `by`: the pid whose action woke them. */
  wake(q: WaitQueue, by: number): void {
    for (const p of q.drain()) this.makeRunnable(p, 'event', by);
  }

  /** A sleeper becomes runnable: woken by a process's action ('event'), a timer or a signal; `by` is that process (0: the kernel). Others are left as they are. */
  makeRunnable(p: Process, why: 'event' | 'timer' | 'signal', by: number, due?: number): void {
    p.waitingOn?.remove(p);
    p.waitingOn = undefined;
    if (p.state !== 'sleeping') return;
    if (this.k.trace.on) this.k.trace.emit({ kind: 'wake', ...this.k.at(), pid: p.pid, by: why === 'timer' ? 0 : by, why, ...(due !== undefined && due < this.k.hart.cycle ? { due } : {}) });
    p.moveTo('runnable');
    p.wakeAt = Infinity;
    this.timers.cancel(p);
    this.place(p);
  }

  // ---- leaving the hart ------------------------------------------------------

  /** sched_yield: p goes to the back of the run queue when another process can run; otherwise it keeps its hart. */
  yieldCpu(p: Process): void {
    const cpu = this.onCpu(p);
    if (cpu === undefined || cpu.runq.length === 0) return;
    p.nvcsw++;
    this.giveWay(cpu, p, 'yield');
  }

  /** Takes p off its hart if it is on one, recording why (for the next switch event). Its run state is the caller's. */
  leaveCpu(p: Process, reason: SwitchReason): void { this.onCpu(p)?.leave(p, reason); }

  /** p is gone (exit): off its hart, out of the run queues and the timers, and its address space out of satp when it was the last user (`destroyed`). */
  forget(p: Process, reason: 'exit' | 'signal', destroyed = true): void {
    if (destroyed) for (const cpu of this.k.cpus) cpu.forgetSpace(p.as);
    this.leaveCpu(p, reason);
    this.dequeue(p);
    this.timers.forget(p);
  }

  // ---- the timer interrupt and the tick -----------------------------------------

  /**
   * The supervisor timer interrupt on `cpu` (trap.ts timerInterrupt, or
   * Kernel.kernelWork when it fires while the kernel works for p). It is a
   * tick when a grid point has passed while the tick runs (or the
   * housekeeping tick of --tick full); otherwise it is only a timer event
   * (a sleeper's deadline, an alarm). Either way due timers fire, the tick
   * is stopped or restarted as --tick says, and the timer is programmed for
   * the next event. `inKernel`: the interrupt came during kernel work, so
   * a preemption waits for the next preemption point (cpu.needResched).
   */
  timerInterrupt(cpu: Cpu, p: Process, inKernel = false): void {
    if (!inKernel) cpu.timerTraps++;
    const due = cpu.programmedAt;
    this.k.charge(this.k.costs.interrupt);
    if (cpu.tickDue(cpu.hart.cycle)) this.tick(cpu, p, inKernel, due);
    if (p.state === 'zombie') return this.program(cpu);
    this.timers.expire();
    this.retick(cpu);
  }

  /**
   * The tick's work on `cpu`, which it took from p: count it, enforce
   * RLIMIT_CPU, and preempt p if another process is waiting (at once from
   * user mode; from kernel work, at the next preemption point).
   */
  private tick(cpu: Cpu, p: Process, inKernel: boolean, due: number): void {
    cpu.ticks++;
    cpu.tookTick(cpu.hart.cycle);
    const limit = this.cpuLimit(p);
    if (limit === 'kill') {
      if (this.k.trace.on) this.k.trace.emit({ kind: 'tick', ...this.k.at(), pid: p.pid, preempted: false });
      return this.k.kill(p, Sig.KILL, p.pc, 'RLIMIT_CPU');
    }
    if (limit === 'warn') this.k.signal(p, SIGXCPU);
    const preempted = cpu.runq.length > 0 && cpu.current === p;
    // From kernel work the interrupt is met at a chunk's end; it was due when the timer passed (programmedAt).
    if (preempted && inKernel && !cpu.needResched) { cpu.needResched = true; cpu.needReschedAt = Math.min(cpu.hart.cycle, due); }
    else if (preempted) this.preempt(cpu, p);
    if (this.k.trace.on) this.k.trace.emit({ kind: 'tick', ...this.k.at(), pid: p.pid, preempted });
  }

  /**
   * Stops or restarts the tick for what the hart now holds (--tick full: one
   * runnable task stops it, a second restarts it), then programs the timer.
   * Called after every timer interrupt and on every return to user mode.
   */
  retick(cpu: Cpu): void {
    if (cpu.tickMode === 'full') {
      const tasks = (cpu.current !== undefined ? 1 : 0) + cpu.runq.length;
      if (tasks === 1 && cpu.tickStopped === undefined) this.stopTick(cpu, 'single');
      else if (tasks > 1 && cpu.tickStopped === 'single') this.restartTick(cpu);
    }
    this.program(cpu);
  }

  /** Programs cpu's timer for its next tick or the next timed wake-up, whichever comes first. */
  program(cpu: Cpu): void { cpu.program(this.timers.next()?.at ?? Infinity); }

  stopTick(cpu: Cpu, why: 'idle' | 'single'): void {
    if (cpu.tickStopped !== undefined && cpu.tickStopped !== why) this.restartTick(cpu); // one task, now none: the reason changes
    if (cpu.stopTick(why) && this.k.trace.on) this.k.trace.emit({ kind: 'nohz', ...this.k.at(), phase: 'stop', why });
  }

  /** Restarts the tick (or, at the end of the run, counts the ticks it did not take while stopped). */
  restartTick(cpu: Cpu): void {
    const why = cpu.tickStopped, skipped = cpu.restartTick();
    if (why !== undefined && this.k.trace.on) this.k.trace.emit({ kind: 'nohz', ...this.k.at(), phase: 'restart', why, skipped });
  }

  /** The tick takes the hart from p: an involuntary switch; p waits at the back of the queue. */
  private preempt(cpu: Cpu, p: Process): void { this.preemptNow(cpu, p, 'tick'); }

  /** An involuntary switch: p (running on cpu) waits at the back of the queue; 'preempt' when it left in the middle of kernel work (preempt.ts). */
  preemptNow(cpu: Cpu, p: Process, reason: 'tick' | 'preempt'): void {
    p.nivcsw++;
    cpu.needResched = false;
    this.giveWay(cpu, p, reason);
  }

  /** RLIMIT_CPU (setrlimit(2)): SIGXCPU at the soft limit and each second past it, SIGKILL at the hard one. */
  private cpuLimit(p: Process): 'kill' | 'warn' | undefined {
    const secs = (p.utime + p.stime) / 1e9, [soft, hard] = p.rlimits.get(RLIMIT_CPU)!;
    if (secs >= Number(hard)) return 'kill';
    if (secs < Number(soft) || Math.floor(secs) <= p.cpuWarned) return undefined;
    p.cpuWarned = Math.floor(secs);
    return 'warn';
  }

  // ---- switching ------------------------------------------------------------------

  /**
   * Gives the free hart to the head of its run queue (contextSwitch), or
   * idles it until a timer makes a process runnable. Called with nobody on
   * the hart, just after the timers ran. Returns true once a process holds
   * the hart or the run is over; false when nothing can ever run (deadlock).
   */
  schedule(cpu: Cpu): boolean {
    for (;;) {
      const next = cpu.runq.shift();
      if (next !== undefined) {
        if (this.runNext(cpu, next)) return true;
      } else if (!this.idle(cpu)) return false;
      // `next` died on its way to U-mode (a fatal signal), or the hart idled (perhaps up to --max-time): look again.
      if (this.k.stopping()) return true;
      this.timers.expire();
    }
  }

  /** Gives the free hart to `next` (off the queue): the tick restarts if the hart was idle, the timer is programmed. True if next holds the hart after it (it did not die on its way to U-mode). */
  runNext(cpu: Cpu, next: Process): boolean {
    if (cpu.tickStopped === 'idle') this.restartTick(cpu); // the hart leaves idle: the tick runs again
    this.program(cpu); // the next tick or timed wake-up, now that the due ones have fired
    this.contextSwitch(cpu, cpu.last, next, cpu.leftBecause);
    return cpu.current !== undefined;
  }

  /**
   * The one place a hart changes hands. `from` (the process that last held
   * it, undefined at boot) left it for `reason`; `to` is runnable and off
   * the queue. The switch costs cycles (cost.ts), charged to `from` (to
   * nobody after an exit or an idle hart, and nothing when `to` is `from`
   * again); then satp gets to's address space, `to` runs, and usertrapret
   * takes it to U-mode (delivering its pending signals first, which may end
   * it: then the hart is free again when this returns).
   */
  contextSwitch(cpu: Cpu, from: Process | undefined, to: Process, reason: SwitchReason): void {
    cpu.mustBeFree(to);
    if (to !== from) this.k.charge(this.k.costs.contextSwitch, cpu.idled || from?.state === 'zombie' ? undefined : from);
    cpu.idled = false;
    cpu.needResched = false;
    if (this.k.trace.on) this.k.trace.emit({ kind: 'switch', ...this.k.at(), from: from?.pid ?? 0, to: to.pid, reason, toName: basename(to.exe), ...(to.kthread ? { kthread: true } : {}) });
    cpu.since = cpu.hart.cycle;
    if (to.lastCpu !== cpu.hart.hartId) { if (to.lastCpu >= 0) cpu.smp.migrations++; to.lastCpu = cpu.hart.hartId; }
    cpu.last = to;
    cpu.current = to;
    to.moveTo('running');
    if (to.kthread !== undefined) return; // a kernel thread stays in S-mode on the address space it found (lazy TLB); the run loop calls its body
    cpu.loadSpace(to.as);
    this.k.returnToUser(cpu, to);
  }

  /**
   * Nothing can run: the hart idles until the next timer event (the idle
   * task). With --tick periodic that is at most the next tick, which the idle
   * hart takes and then idles again; otherwise the tick stops (NO_HZ) and only
   * the earliest timed wake-up, or --max-time, ends the idle period. The
   * governor (idle.ts) picks the idle state from the predicted length; the
   * hart wakes at the event and runs again after the state's exit latency.
   * False when no timer fires before the end of virtual time (timer.ts
   * TIME_END): nothing will ever wake anyone.
   */
  private idle(cpu: Cpu): boolean {
    const net = this.k.net, h = cpu.hart;
    if (net !== undefined) { // a device's interrupt wakes the hart too (--nic): its next event bounds the idle period
      h.idleUntil(h.cycle); // the device catches up with the kernel's time
      if (net.irqPending) { net.interrupt(cpu, undefined); return true; }
    }
    const next = Math.min(this.timers.next()?.at ?? Infinity, net !== undefined ? h.nextTimer : Infinity);
    if (next >= TIME_END) return false;
    const now = h.cycle, ticking = cpu.tickMode === 'periodic' && cpu.tickCycles > 0;
    if (!ticking) this.stopTick(cpu, 'idle');
    const tickAt = ticking ? cpu.nextTickAfter(now) : Infinity;
    const until = Math.max(now, Math.min(next, this.k.stopAt, tickAt));
    const state = selectIdleState(h.power.model, until - now, this.k.idleGovernor);
    const wakes = until < this.k.stopAt; // at --max-time the run stops in idle: nothing wakes the hart
    const end = until + (wakes ? h.power.model.states[state].exitNs : 0);
    if (this.k.trace.on) this.k.trace.emit({ kind: 'idle', ...this.k.at(), until: end, state: h.power.model.states[state].name, predicted: until - now });
    if (this.k.realtime) { this.k.syncClock(); this.k.host.sleepNs(end - h.cycle); this.k.syncClock(); }
    h.idleIn(state, until, wakes);
    cpu.idleCycles += h.cycle - now;
    cpu.idled = true;
    if (until === tickAt && !this.k.stopping()) this.idleTick(cpu);
    return true;
  }

  /** --tick periodic: the idle hart takes its tick (no process to charge or preempt), then idles again unless a timer made someone runnable. */
  private idleTick(cpu: Cpu): void {
    this.k.charge(this.k.costs.interrupt, undefined);
    cpu.ticks++;
    cpu.tookTick(cpu.hart.cycle);
    if (this.k.trace.on) this.k.trace.emit({ kind: 'tick', ...this.k.at(), pid: 0, preempted: false });
  }

  // ---- helpers -------------------------------------------------------------------

  /** p is running and leaves its hart to sleep: a voluntary switch. */
  private block(p: Process): void {
    const cpu = this.onCpu(p);
    if (cpu === undefined) return;
    p.nvcsw++;
    cpu.leave(p, 'block');
  }

  /** p (running on cpu) goes back to the run queue and off the hart. */
  private giveWay(cpu: Cpu, p: Process, reason: 'tick' | 'preempt' | 'yield'): void {
    p.moveTo('runnable');
    p.readyAt = cpu.hart.cycle;
    cpu.runq.push(p);
    cpu.leave(p, reason);
  }

  /** The hart p is on, if any. */
  private onCpu(p: Process): Cpu | undefined { return this.k.cpus.find((c) => c.current === p); }

  /** Queues runnable p: on the one hart, or where sched/smp.ts places it (which may send an IPI). */
  private place(p: Process): void {
    if (this.k.cpus.length === 1) this.k.cpus[0].runq.push(p);
    else placeRunnable(this.k, p);
  }

  private queued(p: Process): boolean { return this.k.cpus.some((c) => c.runq.includes(p)); }
}
