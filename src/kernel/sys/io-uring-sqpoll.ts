// IORING_SETUP_SQPOLL: a kernel thread takes the SQ with no system call.
// The poller is a task of its own, `iou-sqp-PID` as Linux names it, with its
// own pid: the scheduler queues it, switches to it and preempts it like any
// task, but a switch to it stays in S-mode and the run loop calls its body,
// `run`, where a process would go to U-mode (sched/proc.ts KernelThread).
// So its CPU time is its own kernel time (--stats, and its track in
// --trace), it competes for its hart with the programs, and with several
// harts (--smp) it runs on a hart of its own, pinned by IORING_SETUP_SQ_AFF.
//
// One turn of its loop (Linux's io_sq_thread): take every queued SQE and run
// it as the ring's creator would (its memory and files, as Linux's sq thread
// borrows them), retry the parked requests that were woken, post, and wake
// io_uring_enter's waiters. Each pass costs 8 work items plus its work
// meter. Then: another task waits for this hart, so it gives way (Linux's
// cond_resched when need_resched is set; lde sets it for any waiting task);
// or nothing was taken for sq_thread_idle ms (Linux's default: 1 s), so it
// sets IORING_SQ_NEED_WAKEUP and sleeps until io_uring_enter
// (IORING_ENTER_SQ_WAKEUP) or a woken request wakes it (a TIMEOUT's
// deadline runs one pass, and it sleeps on); or it spins, and the spin is
// CPU time charged to it, up to the next timer interrupt, a TIMEOUT's
// deadline, the end of its idle time or the end of its hart's turn.

import type { Kernel } from '../kernel.js';
import type { KernelThread, Process } from '../sched/proc.js';
import type { Cpu } from '../sched/cpu.js';
import { WaitQueue } from '../sched/wait.js';
import { IORING_SQ_NEED_WAKEUP } from '../abi/io-uring.js';
import { RING, type IoUring } from '../fs/io-uring.js';
import { reap, submit } from './io-uring-ops.js';

/** What one pass costs beyond its work: looking at the SQ tail and the woken list (about a syscall's crossing, cost.ts). */
const passCost = (k: Kernel) => k.costs.item * 8;

class SqPoller implements KernelThread {
  readonly task: Process;
  /** Where it sleeps after sq_thread_idle. */
  private readonly wait = new WaitQueue();
  private lastWork: number;
  private ended = false;

  constructor(private readonly k: Kernel, private readonly owner: Process, private readonly ring: IoUring, private readonly idleNs: number, cpu: number | undefined) {
    const t = this.task = k.newKernelThread(owner, `iou-sqp-${owner.tgid}`);
    t.kthread = this;
    if (cpu !== undefined) t.affinity = 1n << BigInt(cpu);
    this.lastWork = k.hart.cycle;
    if (k.trace.on) k.trace.emit({ kind: 'proc', ...k.at(), phase: 'create', pid: t.pid, ppid: owner.pid, name: t.exe });
    k.enqueue(t);
  }

  /** io_uring_enter(IORING_ENTER_SQ_WAKEUP), or a parked request's file changed: a sleeping poller runs again. */
  wake(): void {
    if (this.task.state !== 'sleeping') return;
    this.lastWork = this.k.hart.cycle;
    this.ring.w32(RING.sqFlags, this.ring.r32(RING.sqFlags) & ~IORING_SQ_NEED_WAKEUP);
    this.k.wake(this.wait);
  }

  /** The ring closed, or its creator ended: the thread exits (off its hart, its queue or its sleep). */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    const k = this.k, t = this.task;
    t.waitingOn?.remove(t);
    t.waitingOn = undefined;
    k.sched.forget(t, 'exit', false);
    t.moveTo('zombie');
    if (k.trace.on) k.trace.emit({ kind: 'proc', ...k.at(), phase: 'exit', pid: t.pid, ppid: this.owner.pid, name: t.exe, status: 0, text: 'exited with 0' });
  }

  /** One turn on cpu (trap.ts kthreadTurn, while the poller holds the hart). */
  run(cpu: Cpu, until: number): void {
    const k = this.k, t = this.task;
    if (this.owner.state === 'zombie') this.stop();
    else {
      const took = this.pass();
      if (cpu.current === t) this.after(cpu, until, took);
    }
    if (cpu.current === t && cpu.hart.cycle >= cpu.programmedAt) k.sched.timerInterrupt(cpu, t); // taken in S-mode: a tick may preempt it
  }

  /** Takes the SQ and retries what was woken; true when there was something to do. */
  private pass(): boolean {
    const k = this.k, ring = this.ring, before = ring.posted, n = ring.sqReady, woken = ring.woken.size;
    if (n > 0) submit(k, this.owner, ring, n);
    reap(k, ring);
    const d = k.takeWork('sqpoll');
    k.charge(passCost(k) + d.straight + d.loop, this.task);
    if (ring.posted !== before) k.wake(ring.cqWait);
    return n > 0 || woken > 0;
  }

  /** After a pass: give way, sleep, or spin. */
  private after(cpu: Cpu, until: number, took: boolean): void {
    const k = this.k, t = this.task, h = cpu.hart;
    if (took) this.lastWork = h.cycle;
    if (cpu.runq.length > 0) return k.yieldCpu(t);
    if (took) return;
    let due = Infinity; // the earliest TIMEOUT or LINK_TIMEOUT deadline on the ring: it wakes or stops the poller then
    for (const c of this.ring.inFlight) due = Math.min(due, c.until);
    if (h.cycle - this.lastWork >= this.idleNs) {
      this.ring.w32(RING.sqFlags, this.ring.r32(RING.sqFlags) | IORING_SQ_NEED_WAKEUP);
      if (due < Infinity) k.sleepOnUntil(t, this.wait, Math.max(due, h.cycle + 1)); else k.sleepOn(t, this.wait);
      return;
    }
    const to = Math.min(until, cpu.programmedAt, this.lastWork + this.idleNs, k.stopAt, Math.max(due, h.cycle + 1));
    if (to > h.cycle) k.charge(to - h.cycle, t);
  }
}

/** Starts the poller of a ring set up with IORING_SETUP_SQPOLL; idleMs 0 means Linux's default, 1 s; cpu: IORING_SETUP_SQ_AFF's hart. */
export function startSqpoll(k: Kernel, p: Process, ring: IoUring, idleMs: number, cpu?: number): void {
  ring.sqpoll = new SqPoller(k, p, ring, (idleMs === 0 ? 1000 : idleMs) * 1e6, cpu);
}
