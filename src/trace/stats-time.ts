// The time half of --stats (issue 10): what the tick did under --tick, the
// hart's idle periods and their states, the energy the machine metered, and
// kernel preemption under --preempt. StatsSink (stats.ts) hands it the
// events it needs; like the rest of --stats it is folded from events alone.
//
// Energy is counted twice, on purpose: the machine's meter reports joules per
// state at the end (EndEvent.energy), and this fold integrates the power
// events (watts × time between changes) on its own. The two must agree;
// test/energy.test.ts holds them to it (energy is conserved).

import { percentile } from './format.js';
import type { EndEvent, IdleEvent, NohzEvent, PowerEvent, PreemptEvent, TickEvent } from './events.js';

export interface TickStats {
  /** The tick mode (--tick) and the tick rate. */
  mode: string;
  /** Ticks taken: while a process ran or the kernel worked, and while the hart idled (periodic mode). */
  taken: number;
  takenIdle: number;
  /** Ticks the grid had that were not taken, by why the tick was stopped: the hart was idle, or had one task (--tick full). */
  notTaken: { idle: number; single: number };
  /** Times the tick was stopped, by why. */
  stops: { idle: number; single: number };
  /** The longest stretch of virtual time without a tick, in cycles (to the end of the run if no tick came). */
  longestWithoutTick: number;
}

export interface IdleStats {
  /** Idle periods: the hart entered an idle state, and left it when a timer event woke it. */
  entries: number;
  exits: number;
  /** Hart wake-ups from idle per second of virtual time (powertop's wakeups/s). */
  wakeupsPerSecond: number;
  /** Per idle state: periods entered and cycles resident (transitions excluded). */
  byState: { state: string; entries: number; cycles: number }[];
}

export interface EnergyStats {
  /** The machine's power model (machine/power.ts). */
  source: string;
  /** Total energy, integrated from the power events; and the mean power over the run. */
  joules: number;
  meanWatts: number;
  /** Per bucket (run, transition, each idle state), from the machine's meter: energy, time, and share of the run's time. */
  byState: { state: string; joules: number; cycles: number; residency: number }[];
  /** Idle periods shorter than their state's target residency, and the energy they cost beyond the best state for their length. */
  earlyWakeups: number;
  wastedJoules: number;
}

export interface PreemptStats {
  /** The kernel preemption model (--preempt). */
  mode: string;
  /** Processes taken off the CPU in the middle of long kernel work, by the kind of point. */
  inKernel: number;
  byWhy: Record<string, number>;
  /** Cycles from the tick that set need-resched during kernel work to the switch: how long the kernel made the waiting process wait. */
  latency: { p50: number; p99: number; max: number };
}

export class TimeFold {
  private mode = { tick: 'idle', preempt: 'voluntary' };
  private taken = 0;
  private takenIdle = 0;
  private notTaken = { idle: 0, single: 0 };
  private stops = { idle: 0, single: 0 };
  private lastTick = 0;
  private longest = 0;
  private idleEntries = 0;
  private idleExits = 0;
  private lastIdleUntil = 0;
  private readonly byState = new Map<string, { entries: number; cycles: number }>();
  private watts = 0;
  private since = 0;
  private joules = 0;
  private preempts = 0;
  private readonly preemptWhy = new Map<string, number>();
  private readonly waits: number[] = [];
  private end: EndEvent | undefined;

  tick(e: TickEvent): void {
    this.taken++;
    if (e.pid === 0) this.takenIdle++;
    this.longest = Math.max(this.longest, e.cycle - this.lastTick);
    this.lastTick = e.cycle;
  }

  nohz(e: NohzEvent): void {
    if (e.phase === 'stop') this.stops[e.why]++;
    else this.notTaken[e.why] += e.skipped ?? 0;
  }

  idle(e: IdleEvent): void {
    this.idleEntries++;
    this.idleExits++;
    this.lastIdleUntil = e.until;
    if (e.state === undefined) return;
    const s = this.byState.get(e.state) ?? { entries: 0, cycles: 0 };
    s.entries++;
    this.byState.set(e.state, s);
  }

  power(e: PowerEvent): void {
    this.integrate(e.cycle);
    this.watts = e.watts;
  }

  /** Adds the energy drawn at the current power up to `cycle`. */
  private integrate(cycle: number): void {
    this.joules += (this.watts * (cycle - this.since)) / 1e9;
    this.since = cycle;
  }

  preempt(e: PreemptEvent): void {
    this.preempts++;
    this.preemptWhy.set(e.why, (this.preemptWhy.get(e.why) ?? 0) + 1);
    this.waits.push(e.waited);
  }

  finish(e: EndEvent): void {
    this.end = e;
    if (this.lastIdleUntil > e.cycle) this.idleExits--; // the run ended while the hart idled
    this.integrate(e.cycle);
    this.longest = Math.max(this.longest, e.cycle - this.lastTick);
    if (e.tick) this.mode.tick = e.tick;
    if (e.preempt) this.mode.preempt = e.preempt;
  }

  /** `harts`: how many harts the cycles ran on (residency is a share of their summed time). */
  summary(cycles: number, harts = 1): { tick: TickStats; idle: IdleStats; energy: EnergyStats; preempt: PreemptStats } {
    const m = this.end?.energy;
    const resident = (state: string) => m?.ns[state] ?? 0;
    const byState = [...this.byState].map(([state, s]) => ({ state, entries: s.entries, cycles: resident(state) }));
    const buckets = m ? Object.keys(m.joules) : [];
    return {
      tick: {
        mode: this.mode.tick, taken: this.taken, takenIdle: this.takenIdle, notTaken: { ...this.notTaken }, stops: { ...this.stops },
        longestWithoutTick: this.end?.hz === 0 ? cycles : this.longest,
      },
      idle: {
        entries: this.idleEntries, exits: this.idleExits, byState,
        wakeupsPerSecond: cycles > 0 ? round3(this.idleExits / (cycles / 1e9)) : 0,
      },
      energy: {
        source: m?.source ?? '',
        joules: this.joules,
        meanWatts: cycles > 0 ? this.joules / (cycles / 1e9) : 0,
        byState: buckets.map((state) => ({ state, joules: m!.joules[state], cycles: m!.ns[state], residency: cycles > 0 ? round3(m!.ns[state] / (cycles * harts)) : 0 })),
        earlyWakeups: m?.early ?? 0,
        wastedJoules: m?.wastedJoules ?? 0,
      },
      preempt: { mode: this.mode.preempt, inKernel: this.preempts, byWhy: Object.fromEntries([...this.preemptWhy].sort()), latency: latency(this.waits) },
    };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function latency(xs: readonly number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s.length ? s[s.length - 1] : 0 };
}
