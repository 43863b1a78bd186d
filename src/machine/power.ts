// The hart's energy model (DESIGN.md: "Energy belongs to the machine"). Real
// CPUs describe their idle states to the OS as a table: for each state, the
// power drawn in it, how long entering and leaving take, and the target
// residency (the shortest stay for which entering pays off). A cpuidle
// governor in the kernel picks a state from that table on every idle entry
// (kernel/sched/idle.ts); the machine only does what it is told and meters
// the energy.
//
// The numbers are those of a real chip, the HiSilicon Hi6220 (Cortex-A53 at
// 1.2 GHz, the 96Boards HiKey), from two published sources:
//   - latencies and residencies: Linux's device tree for the SoC,
//     arch/arm64/boot/dts/hisilicon/hi6220.dtsi, `idle-states`
//     (cpu-sleep: entry 700 µs, exit 250 µs, min-residency 1000 µs;
//     cluster-sleep: entry 1000 µs, exit 700 µs, min-residency 2700 µs);
//     WFI is the ARM architectural clock-gated state, which Linux's
//     ARM_CPUIDLE_WFI_STATE describes with 1 µs exit and 1 µs residency;
//   - power: ARM's energy model for the HiKey used by the EAS scheduler
//     work (ARM-software/lisa, platforms/hikey_energy.py), per CPU plus its
//     cluster, at the 1.2 GHz operating point: running 670 + 112 = 782 mW;
//     WFI 15 + 47 = 62 mW; cpu-sleep 0 + 47 = 47 mW; cluster-sleep 0 + 0.
// lde's one hart is modelled as a cluster of one, so the cluster's share is
// the hart's.
//
// Neither source gives the energy of entering and leaving a state. It
// follows from the target residency, which cpuidle defines as the break-even
// time: the shortest stay for which the state spends no more energy than the
// shallower one, transitions included (Linux's
// Documentation/admin-guide/pm/cpuidle.rst, "Idle States Representation").
// So each state's transition energy is the shallower state's plus the power
// it saves over the target residency (transitionJoules below), drawn evenly
// over its entry and exit latencies. docs/energy.md says more.

import type { Tracer } from '../trace/events.js';

export interface IdleState {
  /** The name cpuidle would show (/sys/devices/system/cpu/cpu0/cpuidle/stateN/name). */
  name: string;
  /** Power drawn while resident, in watts. */
  watts: number;
  /** Nanoseconds from the decision to idle until the state is reached (drawn at running power). */
  entryNs: number;
  /** Nanoseconds from the wake-up event until the hart runs again (drawn at running power): the wake-up latency. */
  exitNs: number;
  /** The shortest idle period for which this state saves energy over the one above it (cpuidle's target_residency). */
  targetResidencyNs: number;
}

export interface PowerModel {
  /** Where the numbers come from, for --stats and docs. */
  source: string;
  /** Power while executing (user or kernel), in watts. */
  runWatts: number;
  /** From shallowest to deepest. */
  states: readonly IdleState[];
}

/**
 * The energy of entering and then leaving state i, in joules: WFI's is its
 * exit latency at running power; each deeper state's is the shallower one's
 * plus (P(shallower) - P(state)) × target residency, so that a stay of
 * exactly the target residency breaks even, as cpuidle defines it.
 */
export function transitionJoules(m: PowerModel, i: number): number {
  const s = m.states[i];
  if (i === 0) return ((s.entryNs + s.exitNs) * m.runWatts) / 1e9;
  const up = m.states[i - 1];
  return transitionJoules(m, i - 1) + ((up.watts - s.watts) * s.targetResidencyNs) / 1e9;
}

/** HiSilicon Hi6220 (HiKey, Cortex-A53 at 1.2 GHz): see the head of this file for the sources. */
export const HI6220: PowerModel = {
  source: 'HiSilicon Hi6220 (Cortex-A53, 1.2 GHz): Linux hi6220.dtsi idle-states; ARM LISA hikey_energy.py',
  runWatts: 0.782,
  states: [
    { name: 'WFI', watts: 0.062, entryNs: 0, exitNs: 1_000, targetResidencyNs: 1_000 },
    { name: 'cpu-sleep', watts: 0.047, entryNs: 700_000, exitNs: 250_000, targetResidencyNs: 1_000_000 },
    { name: 'cluster-sleep', watts: 0, entryNs: 1_000_000, exitNs: 700_000, targetResidencyNs: 2_700_000 },
  ],
};

/** Energy and time by where the hart was: running, in transition, or resident in each idle state. */
export interface EnergyReport {
  /** Joules by bucket: 'run', 'transition', and each state's name. */
  joules: Record<string, number>;
  /** Nanoseconds by the same buckets. */
  ns: Record<string, number>;
  /** Idle periods by state entered. */
  entries: Record<string, number>;
  /** Idle periods shorter than the chosen state's target residency: energy spent for nothing. */
  early: number;
  /** The energy those early periods cost beyond what the best state for their actual length would have. */
  wastedJoules: number;
}

/**
 * Meters one hart's energy. The hart runs unless it is in an idle period
 * (idle()); each idle period is entry (running power), residency (the
 * state's power), then exit after the wake-up (running power again, and
 * virtual time: the hart runs `exitNs` after the event that woke it).
 */
export class PowerMeter {
  private readonly idleNs = new Map<string, number>();
  private readonly entries = new Map<string, number>();
  private transitionNs = 0;
  private transitionJ = 0;
  private early = 0;
  private wasted = 0;
  /** Per state: the transition's energy (transitionJoules), and the power drawn during it. */
  private readonly transJ: number[];
  private readonly transW: number[];

  constructor(readonly model: PowerModel, private readonly trace: Tracer, private readonly hartId: number) {
    this.transJ = model.states.map((_, i) => transitionJoules(model, i));
    this.transW = model.states.map((s, i) => (s.entryNs + s.exitNs > 0 ? (this.transJ[i] * 1e9) / (s.entryNs + s.exitNs) : model.runWatts));
  }

  /**
   * The hart idles in state `index` from cycle `now` until the wake-up
   * event at `until`; returns the cycle at which it runs again (until +
   * the state's exit latency). A wake-up before the state is even reached
   * cuts the entry short; the exit is paid in full. `wakes` false: the
   * period ends at `until` without a wake-up (the run stops there), so no exit.
   */
  idle(index: number, now: number, until: number, wakes = true): number {
    const s = this.model.states[index], exit = wakes ? s.exitNs : 0;
    const span = Math.max(0, until - now), entry = Math.min(s.entryNs, span), resident = span - entry;
    const end = now + span + exit;
    this.transitionNs += entry + exit;
    this.transitionJ += ((entry + exit) * this.transW[index]) / 1e9;
    this.idleNs.set(s.name, (this.idleNs.get(s.name) ?? 0) + resident);
    this.entries.set(s.name, (this.entries.get(s.name) ?? 0) + 1);
    if (wakes && span < s.targetResidencyNs) {
      this.early++;
      this.wasted += Math.max(0, this.periodJoules(s, span) - this.bestJoules(span));
    }
    if (this.trace.on) {
      const at = (cycle: number, state: string, watts: number) => this.trace.emit({ kind: 'power', cycle, hart: this.hartId, state, watts });
      if (entry > 0) at(now, 'transition', this.transW[index]);
      at(now + entry, s.name, s.watts);
      if (wakes && exit > 0) at(now + span, 'transition', this.transW[index]);
      at(end, 'run', this.model.runWatts);
    }
    return end;
  }

  /** The energy of an idle period of `span` ns in state s, exit included. */
  periodJoules(s: IdleState, span: number): number {
    const i = this.model.states.indexOf(s), entry = Math.min(s.entryNs, span);
    return ((entry + s.exitNs) * this.transW[i] + (span - entry) * s.watts) / 1e9;
  }

  /** The least energy any state spends on an idle period of `span` ns (what an oracle governor would have chosen). */
  bestJoules(span: number): number {
    return Math.min(...this.model.states.map((s) => this.periodJoules(s, span)));
  }

  /** Energy and time up to cycle `now`: everything not idle or in transition ran. */
  report(now: number): EnergyReport {
    const m = this.model, joules: Record<string, number> = {}, ns: Record<string, number> = {};
    let idle = 0;
    for (const s of m.states) {
      const t = this.idleNs.get(s.name) ?? 0;
      idle += t;
      ns[s.name] = t;
      joules[s.name] = (t * s.watts) / 1e9;
    }
    ns.transition = this.transitionNs;
    joules.transition = this.transitionJ;
    ns.run = Math.max(0, now - idle - this.transitionNs);
    joules.run = (ns.run * m.runWatts) / 1e9;
    return { joules, ns, entries: Object.fromEntries(this.entries), early: this.early, wastedJoules: this.wasted };
  }
}
