// One hart as the scheduler sees it (xv6's struct cpu): the process on it,
// its run queue, its timer, and what the next context switch must know about
// the last one. The kernel holds one Cpu per hart (Kernel.cpus); there is one
// hart today, and nothing here assumes that.

import { Csr, type HartPort } from '../../machine/index.js';
import type { SwitchReason } from '../../trace/events.js';
import type { AddressSpace } from '../mm/vm.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { KernelBug } from './runstate.js';
import type { Process } from './proc.js';

/** satp.MODE = Sv39 (priv 4.1.11: "8 Sv39 Page-based 39-bit virtual addressing"). */
/** satp's high word for Sv39: MODE = 8 in bits 63:60 (priv 4.1.11). */
const SATP_SV39_HI = 8 << 28;
const TWO32 = 4294967296;

export class Cpu {
  /** The process whose context is on the hart; undefined once it left and before the next contextSwitch. */
  current: Process | undefined;
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
  /** The address space whose root is in satp. */
  private loaded: AddressSpace | undefined;

  /** tickInterval: mtime units between timer interrupts; 0 = no timer. */
  constructor(readonly hart: HartPort, readonly tickInterval: number) {}

  /**
   * Sets stimecmp to the next tick (Sstc): the next supervisor timer
   * interrupt. Ticks fall on a fixed grid of tickInterval from time 0, as
   * Linux's periodic tick re-arms at the last period plus one
   * (tick_periodic), so the time the kernel spends handling a tick does not
   * push the next one back. No timer when hz is 0.
   */
  armTimer(): void {
    if (this.tickInterval === 0) return;
    const at = (Math.floor(this.hart.mtime() / this.tickInterval) + 1) * this.tickInterval; // below 2^53: a pair without bigint (this runs on every tick)
    this.hart.csrWritePair(Csr.STIMECMP, at >>> 0, Math.floor(at / TWO32));
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

  /** Takes p out of the run queue (it stopped, or exited). */
  dequeue(p: Process): void { this.runq = this.runq.filter((q) => q !== p); }

  /** The precondition of every context switch: nobody is on the hart. */
  mustBeFree(to: Process): void {
    if (this.current !== undefined) throw new KernelBug(`switch to pid ${to.pid} while pid ${this.current.pid} holds hart ${this.hart.hartId}`);
  }
}
