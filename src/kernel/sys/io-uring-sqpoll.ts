// IORING_SETUP_SQPOLL: a kernel poller takes the SQ with no system call.
// lde's poller is not a scheduled task: it is a kernel poller
// (Kernel.pollers) that runs a pass each time the kernel looks at the clock
// (every kernel entry, and at least every million user instructions), and
// when its process enters io_uring_enter. A pass takes every queued SQE and
// runs it as the creator's submissions would (the creator's memory and
// files, as Linux's sq thread borrows them), then retries what was woken.
// Each pass is charged to virtual time as kernel time of no process (its
// fixed cost and its work meter), counted in the poller's own cycles.
// After sq_thread_idle ms with nothing to take (Linux's default: 1 s), it
// sets IORING_SQ_NEED_WAKEUP in the SQ flags and stops polling, until
// io_uring_enter(IORING_ENTER_SQ_WAKEUP) wakes it.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { IORING_SQ_NEED_WAKEUP } from '../abi/io-uring.js';
import { RING, type IoUring } from '../fs/io-uring.js';
import { reap, submit } from './io-uring-ops.js';

/** What one pass costs beyond its work: looking at the SQ tail and the woken list (about a syscall's crossing, cost.ts). */
const passCost = (k: Kernel) => k.costs.item * 8;

class SqPoller {
  passes = 0;
  cycles = 0;
  private lastWork: number;
  private readonly tick = () => this.pass();
  constructor(private readonly k: Kernel, private readonly owner: Process, private readonly ring: IoUring, private readonly idleNs: number) {
    this.lastWork = k.hart.cycle;
  }

  get awake(): boolean { return this.k.pollers.has(this.tick); }

  wake(): void {
    this.lastWork = this.k.hart.cycle;
    this.ring.w32(RING.sqFlags, this.ring.r32(RING.sqFlags) & ~IORING_SQ_NEED_WAKEUP);
    this.k.pollers.add(this.tick);
  }

  stop(): void { this.k.pollers.delete(this.tick); }

  /** One pass: take the SQ, retry what was woken, post; sleep after sq_thread_idle with nothing to do. */
  pass(): void {
    if (!this.awake) return;
    if (this.owner.state === 'zombie') { this.stop(); return; }
    const k = this.k, ring = this.ring, before = ring.posted, n = ring.sqReady;
    this.passes++;
    if (n > 0) { submit(k, this.owner, ring, n); this.lastWork = k.hart.cycle; }
    if (ring.woken.size > 0) this.lastWork = k.hart.cycle;
    reap(k, ring);
    const d = k.takeWork('sqpoll'), cycles = passCost(k) + d.straight + d.loop;
    this.cycles += cycles;
    k.charge(cycles, undefined);
    if (ring.posted !== before) k.wake(ring.cqWait);
    if (k.hart.cycle - this.lastWork >= this.idleNs) {
      ring.w32(RING.sqFlags, ring.r32(RING.sqFlags) | IORING_SQ_NEED_WAKEUP);
      this.stop();
    }
  }
}

/** Starts the poller of a ring set up with IORING_SETUP_SQPOLL; idleMs 0 means Linux's default, 1 s. */
export function startSqpoll(k: Kernel, p: Process, ring: IoUring, idleMs: number): void {
  const poller = new SqPoller(k, p, ring, (idleMs === 0 ? 1000 : idleMs) * 1e6);
  ring.sqpoll = poller;
  poller.wake();
}

/** io_uring_enter(IORING_ENTER_SQ_WAKEUP): the poller runs again. */
export function wakeSqpoll(_k: Kernel, ring: IoUring): void { (ring.sqpoll as SqPoller | undefined)?.wake(); }
