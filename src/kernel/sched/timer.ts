// Timed wake-ups in virtual time: processes in a timed sleep (nanosleep,
// clock_nanosleep) and armed ITIMER_REAL alarms (setitimer, alarm). The
// scheduler runs expire() after every return from U-mode and on every tick,
// and its idle hart skips ahead to next().
//
// Deadlines are virtual cycles (1 cycle = 1 ns), clamped to KTIME_MAX as
// Linux clamps a ktime_t (include/linux/ktime.h ktime_set, and
// ktime_add_safe in kernel/time/hrtimer.c), so a sleep of LONG_MAX seconds
// ends at KTIME_MAX. The clock itself is a double, exact only below
// TIME_END (2^53 ns, about 104 days): a deadline at or past TIME_END is one
// the run can never reach, and an idle hart with nothing earlier to wait
// for ends the run (Kernel.deadlock) instead of moving the clock there.

import type { Kernel } from '../kernel.js';
import type { Process } from './proc.js';
import { Sig } from '../signal/signal.js';

const SI_KERNEL = 0x80;

/** Linux's KTIME_MAX, 2^63 - 1 ns (292 years), as the nearest double (2^63). */
export const KTIME_MAX = 2 ** 63;
/** The end of virtual time: 2^53 cycles (104.2 days). Past it, one more cycle would no longer move the clock. */
export const TIME_END = 2 ** 53;

/** `now + ns`, clamped to KTIME_MAX (ktime_add_safe): every timed sleep's and alarm's deadline. */
export function deadline(now: number, ns: number): number { return Math.min(now + ns, KTIME_MAX); }

/** The earliest timed event: when, and whose. */
export interface NextTimer { at: number; p: Process; }

export class Timers {
  private sleepers: Process[] = [];
  private alarms: Process[] = [];

  constructor(private readonly k: Kernel) {}

  /** p (already sleeping) wakes at virtual cycle `until`, unless something wakes it first. */
  sleepUntil(p: Process, until: number): void {
    p.wakeAt = until;
    this.sleepers.push(p);
  }

  /** p no longer waits for its timed wake-up (it woke for another reason, or exited). */
  cancel(p: Process): void {
    if (this.sleepers.length > 0) this.sleepers = this.sleepers.filter((q) => q !== p);
  }

  /** Arms p's ITIMER_REAL: SIGALRM at cycle `at` (Infinity: disarmed), then every `interval` cycles (0: once). */
  setAlarm(p: Process, at: number, interval: number): void {
    p.alarmAt = at;
    p.alarmInterval = interval;
    if (at !== Infinity && !this.alarms.includes(p)) this.alarms.push(p);
  }

  /** p exited: its alarm goes with it. */
  forget(p: Process): void {
    this.cancel(p);
    if (this.alarms.length > 0) this.alarms = this.alarms.filter((q) => q !== p);
  }

  /** Sends SIGALRM for every alarm that is due and wakes every sleeper whose time has come. */
  expire(): void {
    if (this.alarms.length === 0 && this.sleepers.length === 0) return; // every trap ends here: nothing made
    const now = this.k.hart.cycle;
    for (const p of this.alarms.filter((q) => q.alarmAt <= now)) {
      p.alarmAt = p.alarmInterval > 0 ? deadline(now, p.alarmInterval) : Infinity;
      this.k.signalGroup(p, Sig.ALRM, { code: SI_KERNEL }); // ITIMER_REAL is the process's
    }
    this.alarms = this.alarms.filter((q) => q.alarmAt !== Infinity && q.state !== 'zombie');
    if (this.sleepers.length === 0) return;
    for (const p of this.sleepers.filter((q) => q.wakeAt <= now)) this.k.makeRunnable(p, 'timer', 0, p.wakeAt);
  }

  /** The earliest timed event, or undefined when none is pending (an idle hart would sleep forever). */
  next(): NextTimer | undefined {
    let first: NextTimer | undefined;
    for (const p of this.sleepers) if (first === undefined || p.wakeAt < first.at) first = { at: p.wakeAt, p };
    for (const p of this.alarms) if (first === undefined || p.alarmAt < first.at) first = { at: p.alarmAt, p };
    return first;
  }
}

/** A span of virtual time for a message: seconds, days or years. */
export function span(ns: number): string {
  const s = ns / 1e9, day = 86400;
  if (s < day) return `${s.toFixed(3)} s`;
  return s < 365 * day ? `${(s / day).toFixed(1)} days` : `${(s / (365.25 * day)).toFixed(1)} years`;
}
