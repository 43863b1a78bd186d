// The hart's timers (DESIGN.md "Time"): mtime from the cycle count, MTIP from
// mtimecmp (CLINT) and STIP from stimecmp (Sstc), the cycle of the next timer
// event, and wfi's skip of virtual time to it. State lives in layout.ts:
// mtimecmp and stimecmp as unsigned int32 pairs, the cycle count, mtime's
// offset from it and the next event's cycle as float64 slots.

import type { Hart } from './hart.js';
import { S, T } from './layout.js';
import { pairU } from './pair.js';
import { Irq } from './csr.js';

export const CYCLES_PER_TICK = 100; // 1 GHz core clock, 10 MHz mtime (DESIGN.md "Time")

const MTIP = 1 << Irq.MTI, STIP = 1 << Irq.STI, EXT = (1 << Irq.MEI) | (1 << Irq.SEI);

/**
 * A device that does things at cycles of its own (virtio-net.ts: packet
 * arrivals, the moderation timer). Attached to a hart, it is due exactly
 * like a timer: its next event bounds t[T.NEXT_TIMER], so the run stops at
 * the next block boundary past it, and wfi wakes there.
 */
export interface TimedDevice {
  readonly nextEvent: number;
  /** Handles everything due up to cycle `now` (may raise interrupt lines). */
  sync(now: number): void;
}
const timed = new WeakMap<Hart, TimedDevice[]>();

/** Makes `dev` due on hart h's clock. */
export function attachTimed(h: Hart, dev: TimedDevice): void {
  timed.set(h, [...(timed.get(h) ?? []), dev]);
  timersChanged(h);
}

/** Brings h's timed devices up to its cycle; returns the earliest next device event. */
function syncDevices(h: Hart): number {
  const devs = timed.get(h);
  if (devs === undefined) return Infinity;
  let next = Infinity;
  for (const d of devs) {
    if (d.nextEvent <= h.t[T.CYCLE]) d.sync(h.t[T.CYCLE]);
    next = Math.min(next, d.nextEvent);
  }
  return next;
}

/** mtime (10 MHz ticks). */
export function mtime(h: Hart): number {
  return Math.floor(h.t[T.CYCLE] / CYCLES_PER_TICK) + h.t[T.MTIME_OFFSET];
}

/** A write of mtime (CLINT): the offset moves so that mtime reads v now. */
export function setMtime(h: Hart, v: number): void {
  h.t[T.MTIME_OFFSET] = v - Math.floor(h.t[T.CYCLE] / CYCLES_PER_TICK);
  timersChanged(h);
}

/** Sstc is on: menvcfg.STCE (bit 63, the sign of the high word). */
export function sstc(s: Int32Array): boolean { return s[S.MENVCFG + 1] < 0; }

/** Recomputes MTIP/STIP and the cycle of the next timer event; asks for an interrupt check. */
export function timersChanged(h: Hart): void {
  const s = h.s, now = mtime(h);
  const mcmp = pairU(s, S.MTIMECMP), scmp = pairU(s, S.STIMECMP), on = sstc(s);
  const mtip = now >= mcmp, stip = on && now >= scmp;
  const was = s[S.MIP_HW];
  s[S.MIP_HW] = (was & ~(MTIP | STIP)) | (mtip ? MTIP : 0) | (stip ? STIP : 0);
  if (h.trace.on && s[S.MIP_HW] !== was) {
    for (const irq of [Irq.MTI, Irq.STI]) if ((s[S.MIP_HW] & ~was) & (1 << irq)) h.raised(irq);
  }
  let next = syncDevices(h);
  if (!mtip) next = Math.min(next, cycleOfTick(h, mcmp));
  if (on && !stip) next = Math.min(next, cycleOfTick(h, scmp));
  h.t[T.NEXT_TIMER] = next;
  s[S.IRQ_DIRTY] = 1;
}

/**
 * After wfi retired (priv 3.3.3): if no locally enabled interrupt is
 * pending, skip virtual time to the next enabled timer event. Returns true
 * when nothing but a device can wake the hart.
 */
export function idle(h: Hart): boolean {
  h.wfi = false;
  timersChanged(h);
  const s = h.s, mie = s[S.MIE];
  if ((h.mip() & mie) !== 0) return false;
  let wake = mie & EXT ? timed.get(h)?.reduce((w, d) => Math.min(w, d.nextEvent), Infinity) ?? Infinity : Infinity;
  if (mie & MTIP) wake = Math.min(wake, cycleOfTick(h, pairU(s, S.MTIMECMP)));
  if ((mie & STIP) && sstc(s)) wake = Math.min(wake, cycleOfTick(h, pairU(s, S.STIMECMP)));
  if (h.trace.on) h.trace.emit({ kind: 'wfi', cycle: h.cycle, hart: h.hartId, phase: 'sleep' });
  h.wakeAt = wake;
  if (wake > h.idleLimit) { // the other harts' turn first: the clock stops at the limit
    h.counts.idleCycles += Math.max(0, h.idleLimit - h.t[T.CYCLE]);
    h.t[T.CYCLE] = Math.max(h.t[T.CYCLE], h.idleLimit);
    timersChanged(h);
    return true;
  }
  if (wake === Infinity) return true;
  h.counts.idleCycles += Math.max(0, wake - h.t[T.CYCLE]);
  h.t[T.CYCLE] = Math.max(h.t[T.CYCLE], wake);
  timersChanged(h);
  if (h.trace.on) h.trace.emit({ kind: 'wfi', cycle: h.cycle, hart: h.hartId, phase: 'wake' });
  return false;
}

/** The cycle count is a double: exact below 2^53, and past it one more cycle no longer moves it. */
const CYCLE_END = 2 ** 53;

/** The cycle at which mtime reaches `tick`; Infinity for compare values no run can reach (at or past CYCLE_END: wfi then sleeps for ever instead of stopping the clock). */
function cycleOfTick(h: Hart, tick: number): number {
  if (tick >= 2 ** 52) return Infinity;
  const c = Math.max(0, (tick - h.t[T.MTIME_OFFSET]) * CYCLES_PER_TICK);
  return c >= CYCLE_END ? Infinity : c;
}
