// --realtime: virtual time follows the host clock (docs/vdso.md, "Time under
// --realtime"). One cycle is still one nanosecond, and instructions and the
// kernel's charges still move the clock, but the kernel also catches virtual
// time up with the host's monotonic clock when it gets control back from
// U-mode. The time CSR is the cycle count / 100, so the vDSO and the clock
// system calls read the same caught-up time, and it never goes back.
//
// Reading the host clock costs about 150 ns of host time (process.hrtime),
// and with the jump that follows about 0.3 µs, a tenth of a null system
// call, so the kernel does not read it on every return. It catches up:
//   - every SYNC_EXITS returns from U-mode, or sooner once SYNC_CYCLES of
//     virtual time have passed since the last catch-up;
//   - on every return after a run budget (REALTIME_BUDGET instructions: the
//     budget is smaller under --realtime so that a program that never traps,
//     one spinning on the vDSO's clock, still sees the host's time move);
//   - before and after the host sleeps for an idle guest (sched/sched.ts).
// Between catch-ups a clock read sees instruction-counted time, which runs
// slower than the host's (lde retires far fewer than one instruction a
// nanosecond), so it lags the host clock by at most the host time of one
// run budget or SYNC_EXITS system calls. Virtual time runs ahead of the host
// only if the guest retires more than one instruction a nanosecond or the
// kernel charges more than its work takes; past AHEAD_MAX the kernel waits
// for the host (sleepNs), so the guest never sees a time more than about
// AHEAD_MAX + REALTIME_BUDGET ns in the host's future.

import type { Kernel } from './kernel.js';

/** Returns from U-mode between two reads of the host clock, at most. */
const SYNC_EXITS = 16;
/** Virtual time between two reads of the host clock, at most (one run budget forces a read). */
const SYNC_CYCLES = 50_000;
/** Instructions per hart.run() under --realtime. */
export const REALTIME_BUDGET = 1 << 16;
/** How far, in ns, virtual time may run ahead of the host clock before the kernel waits for the host. */
const AHEAD_MAX = 1_000_000;

export class HostClock {
  private readonly start: number;
  private exits = 0;
  private syncedAt = 0;
  /** Host clock reads (for tests and docs: how often the catch-up ran). */
  reads = 0;

  constructor(private readonly k: Kernel) { this.start = k.host.nowNs(); }

  /** The run loop's call, on each return from U-mode: catches up only every SYNC_EXITS returns or SYNC_CYCLES of virtual time. */
  onExit(): void {
    if (++this.exits < SYNC_EXITS && this.k.hart.cycle - this.syncedAt < SYNC_CYCLES) return;
    this.catchUp();
  }

  /** Reads the host clock: virtual time jumps forward to it, or, when it is more than AHEAD_MAX ahead, the host waits. */
  catchUp(): void {
    const h = this.k.hart, now = this.k.host.nowNs() - this.start;
    this.reads++;
    this.exits = 0;
    if (now > h.cycle) h.idleUntil(now);
    else if (h.cycle - now > AHEAD_MAX) this.k.host.sleepNs(h.cycle - now);
    this.syncedAt = h.cycle;
  }
}
