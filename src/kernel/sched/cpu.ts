// One hart as the scheduler sees it (xv6's struct cpu): the process on it,
// its run queue, its timer, and what the next context switch must know about
// the last one. The kernel holds one Cpu per hart (Kernel.cpus, --smp); the
// IPI and shootdown state below is used only with several harts (smp.ts).

import { Csr, CYCLES_PER_TICK, type HartPort } from '../../machine/index.js';
import type { SwitchReason } from '../../trace/events.js';
import type { AddressSpace } from '../mm/vm.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { KernelBug } from './runstate.js';
import type { Process } from './proc.js';

/** satp.MODE = Sv39 (priv 4.1.11: "8 Sv39 Page-based 39-bit virtual addressing"). */
/** satp's high word for Sv39: MODE = 8 in bits 63:60 (priv 4.1.11). */
const SATP_SV39_HI = 8 << 28;
const TWO32 = 4294967296;
/** Timer deadlines at or past this are never programmed (the end of virtual time, timer.ts TIME_END). */
const TIME_LIMIT = 2 ** 53;

/** --tick: the periodic tick always runs (CONFIG_HZ_PERIODIC), stops while idle (NO_HZ_IDLE), or also while one task runs (NO_HZ_FULL). */
export type TickMode = 'periodic' | 'idle' | 'full';
export const TICK_MODES: readonly TickMode[] = ['periodic', 'idle', 'full'];
/** Why the tick is stopped: the hart is idle, or it has a single runnable task (--tick full). */
export type TickStop = 'idle' | 'single';

/**
 * Under --tick full with one task, the tick is not stopped for good: a
 * residual housekeeping tick still comes once a second, as Linux keeps one
 * (Documentation/timers/no_hz.rst: "the tick ... once per second").
 */
export const HOUSEKEEPING_NS = 1_000_000_000;
/** The timer compare value that never fires: stimecmp all ones. */
const NEVER = -1;

export class Cpu {
  /** The process whose context is on the hart; undefined once it left and before the next contextSwitch. */
  current: Process | undefined;
  /** The task whose FP registers the hart holds (trap.ts usertrapret: loaded only when they are not). */
  fpOwner: Process | undefined;
  /** The task whose integer registers the hart's register file is (Process.bindRegs): they stay there across its traps. */
  xOwner: Process | undefined;
  /** Runnable processes waiting for this hart, first come first served. */
  runq: Process[] = [];
  /** The process that last held the hart (undefined before the first switch), and why it left. */
  last: Process | undefined;
  leftBecause: SwitchReason = 'start';
  /** When `current` got the hart (cycle). */
  since = 0;
  /** The hart idled since the last switch, so the next switch's cost is nobody's. */
  idled = false;
  /** Timer interrupts taken, and cycles spent idle, on this hart. */
  ticks = 0;
  idleCycles = 0;
  /** Timer interrupts the hart delivered as traps (ticks and timed wake-ups; not those met during kernel work or idle). */
  timerTraps = 0;
  /** A tick found another process waiting while the kernel worked: switch at the next preemption point (--preempt). */
  needResched = false;
  /** When need-resched was set (cycle): kernel preemption latency is measured from here to the switch. */
  needReschedAt = 0;
  /** Why the periodic tick is stopped now, or undefined while it runs. */
  tickStopped: TickStop | undefined;
  /** The grid index (time / tick period) of the last tick taken or accounted for as not taken. */
  lastGrid = 0;
  /** Ticks not taken since the tick stopped (given to the restart event). */
  skipped = 0;
  /** The cycle the timer is programmed for (Infinity: not programmed). */
  programmedAt = Infinity;
  /** The address space whose root is in satp. */
  private loaded: AddressSpace | undefined;
  /** With several harts: IPIs not yet taken (kind: sched/smp.ts IPI_KINDS), and the harts waiting for this one's TLB flush. */
  ipis: { kind: number; from: Cpu; at: number }[] = [];
  flushFor: Cpu[] = [];
  /** Harts whose TLB flush this one waits for (its shootdown), and the latest cycle one of them flushed at. */
  waitAcks = 0;
  ackAt = 0;
  lastAck = 0;
  /** The cycle the hart went idle at (several harts: the idle period is accounted when it ends), or -1. */
  idleSince = -1;
  /** --stats with several harts: IPIs sent and received by kind, shootdowns started, cycles waited for them, migrations in. */
  readonly smp = { sent: [0, 0], received: [0, 0], shootdowns: 0, shootdownWait: 0, migrations: 0 };
  /** Cycles between ticks; 0 = no timer. */
  readonly tickCycles: number;

  /** tickInterval: mtime units between timer interrupts (0 = no timer); tickMode: --tick. */
  constructor(readonly hart: HartPort, readonly tickInterval: number, readonly tickMode: TickMode = 'idle') {
    this.tickCycles = tickInterval * CYCLES_PER_TICK;
  }

  /** The grid index of the last tick time at or before `cycle`. */
  gridAt(cycle: number): number { return Math.floor(cycle / this.tickCycles); }

  /** The first tick time on the grid after `cycle`: ticks fall every tickCycles from time 0, as Linux's tick_periodic re-arms at the last period plus one. */
  nextTickAfter(cycle: number): number { return (this.gridAt(cycle) + 1) * this.tickCycles; }

  /** Whether the timer interrupt now due is a tick: the tick runs and a grid point has passed, or it is the housekeeping tick of a stopped one. */
  tickDue(now: number): boolean {
    if (this.tickCycles === 0) return false;
    if (this.tickStopped === undefined) return this.gridAt(now) > this.lastGrid;
    return this.tickStopped === 'single' && now >= this.housekeepingAt();
  }

  /** The housekeeping tick while the tick is stopped for a single task: a second after the last tick, on the grid. */
  private housekeepingAt(): number { return this.nextTickAfter(this.lastGrid * this.tickCycles + HOUSEKEEPING_NS - 1); }

  /**
   * Programs the hart's timer (stimecmp, Sstc) for the first event this hart
   * must wake for: the next tick while the tick runs (the housekeeping tick
   * while it is stopped for one task; nothing while stopped for idle), or
   * `event`, the next timed wake-up or alarm, if that comes first (a
   * high-resolution timer, as Linux's hrtimers are). Nothing under --no-timer.
   */
  program(event: number): void {
    if (this.tickCycles === 0) return;
    const now = this.hart.cycle;
    let at = event;
    if (this.tickStopped === undefined) at = Math.min(at, this.nextTickAfter(now));
    else if (this.tickStopped === 'single') at = Math.min(at, this.housekeepingAt());
    this.programmedAt = at;
    if (!(at < TIME_LIMIT)) { this.hart.csrWritePair(Csr.STIMECMP, NEVER, NEVER); return; }
    const mtime = Math.ceil(at / CYCLES_PER_TICK); // below 2^53: a pair without bigint (this runs on every tick)
    this.hart.csrWritePair(Csr.STIMECMP, mtime >>> 0, Math.floor(mtime / TWO32));
  }

  /** A tick is taken at `now`: the grid points passed since the last one that were not ticks were skipped (the tick was stopped, or ran late). */
  tookTick(now: number): void {
    const g = this.gridAt(now);
    if (this.tickStopped !== undefined) this.skipped += Math.max(0, g - this.lastGrid - 1);
    this.lastGrid = g;
  }

  /** Stops the periodic tick (NO_HZ): the grid points from here on are not taken until restartTick. */
  stopTick(why: TickStop): boolean {
    if (this.tickCycles === 0 || this.tickStopped !== undefined) return false;
    this.tickStopped = why;
    this.lastGrid = Math.max(this.lastGrid, this.gridAt(this.hart.cycle));
    this.skipped = 0;
    return true;
  }

  /** Restarts the periodic tick; returns the ticks not taken while it was stopped, or -1 if it was not stopped. */
  restartTick(): number {
    if (this.tickStopped === undefined) return -1;
    const g = this.gridAt(this.hart.cycle), skipped = this.skipped + Math.max(0, g - this.lastGrid);
    this.tickStopped = undefined;
    this.lastGrid = g;
    return skipped;
  }

  /** Takes p off the hart for `reason` if it is on it; the scheduler's next contextSwitch names that reason. */
  leave(p: Process, reason: SwitchReason): void {
    if (this.current !== p) return;
    this.current = undefined;
    this.leftBecause = reason;
  }

  /** Points satp at an address space (the hart flushes its TLB on the write). */
  loadSpace(as: AddressSpace): void {
    if (this.loaded === as) return;
    this.loaded = as;
    const ppn = as.root / PAGE_SIZE;
    this.hart.csrWritePair(Csr.SATP, ppn >>> 0, SATP_SV39_HI | Math.floor(ppn / TWO32));
  }

  /** An address space is being destroyed: satp must not keep pointing at it. */
  forgetSpace(as: AddressSpace): void {
    if (this.loaded === as) this.loaded = undefined;
  }

  /** Whether satp holds this address space's root (its translations may be cached in the hart's TLB). */
  holds(as: AddressSpace): boolean { return this.loaded === as; }

  /** Takes p out of the run queue (it stopped, or exited). */
  dequeue(p: Process): void { this.runq = this.runq.filter((q) => q !== p); }

  /** The precondition of every context switch: nobody is on the hart. */
  mustBeFree(to: Process): void {
    if (this.current !== undefined) throw new KernelBug(`switch to pid ${to.pid} while pid ${this.current.pid} holds hart ${this.hart.hartId}`);
  }
}
