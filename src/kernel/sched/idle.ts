// cpuidle: which idle state the hart enters when nothing can run. The
// machine lists its states with their power, latencies and target
// residencies (machine/power.ts), as a cpuidle driver does; choosing among
// them is the kernel's job, as it is Linux's cpuidle governors'
// (drivers/cpuidle/governors/menu.c; Documentation/admin-guide/pm/cpuidle.rst,
// "Idle States Representation" and "The menu Governor").
//
// The governors (--idle-governor):
//   menu     the deepest state whose target residency fits the predicted idle
//            length. The prediction is the time to the next timer event the
//            kernel programmed (the next sleeper's deadline, an alarm, or the
//            next tick while the tick runs): menu's starting point, and exact
//            here because a timer is the only thing that wakes an idle lde hart.
//   deepest  always the deepest state, as a naive firmware would: it shows
//            what waking before the target residency costs.
//   wfi      always the shallowest state (no cpuidle driver: the idle loop
//            runs wfi), the baseline the others save against.

import type { PowerModel } from '../../machine/index.js';

export type IdleGovernor = 'menu' | 'deepest' | 'wfi';
export const IDLE_GOVERNORS: readonly IdleGovernor[] = ['menu', 'deepest', 'wfi'];

/** The index of the idle state to enter for an idle period predicted to last `predictedNs`. */
export function selectIdleState(model: PowerModel, predictedNs: number, governor: IdleGovernor): number {
  const last = model.states.length - 1;
  if (governor === 'wfi') return 0;
  if (governor === 'deepest') return last;
  let pick = 0;
  for (let i = 1; i <= last; i++) if (model.states[i].targetResidencyNs <= predictedNs) pick = i;
  return pick;
}
