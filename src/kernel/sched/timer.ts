// Timed wake-ups in virtual time: processes in a timed sleep (nanosleep,
// clock_nanosleep) and armed ITIMER_REAL alarms (setitimer, alarm). The
// scheduler runs expire() after every return from U-mode and on every tick,
// and its idle hart skips ahead to next().

import type { Kernel } from '../kernel.js';
import type { Process } from './proc.js';
import { Sig } from '../signal/signal.js';

const SI_KERNEL = 0x80;

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

  /** Sends SIGALRM for every alarm that is due and wakes every sleeper whose time has come. */
  expire(): void {
    const now = this.k.hart.cycle;
    for (const p of this.alarms.filter((q) => q.alarmAt <= now)) {
      p.alarmAt = p.alarmInterval > 0 ? now + p.alarmInterval : Infinity;
      this.k.signal(p, Sig.ALRM, { code: SI_KERNEL });
    }
    this.alarms = this.alarms.filter((q) => q.alarmAt !== Infinity && q.state !== 'zombie');
    if (this.sleepers.length === 0) return;
    for (const p of this.sleepers.filter((q) => q.wakeAt <= now)) this.k.makeRunnable(p, 'timer');
  }

  /** The cycle of the earliest timed event, or undefined when none is pending (an idle hart would sleep forever). */
  next(): number | undefined {
    if (this.sleepers.length === 0 && this.alarms.length === 0) return undefined;
    return Math.min(...this.sleepers.map((p) => p.wakeAt), ...this.alarms.map((p) => p.alarmAt));
  }
}
