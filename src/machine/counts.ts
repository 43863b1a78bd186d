// What a hart counts for everyone, lde's kernel or a guest kernel (`lde boot
// --stats`): traps by cause and by the mode that took them, the cycles and
// instructions spent in each privilege mode, and the satp writes that
// changed the address space (a guest kernel's context switches, seen from
// the hart). Always on: a few adds per trap, per mode change and per satp
// write, never per instruction.

import { Mode } from './trap.js';

export class HartCounts {
  /** Traps taken: index (to M ? 64 : 0) + (interrupt ? 32 : 0) + cause. */
  readonly traps = new Float64Array(128);
  /** Cycles and instructions retired in U, S and M (indexed by Mode), up to the last mode change. */
  readonly cycles = new Float64Array(4);
  readonly instret = new Float64Array(4);
  /** satp writes that changed its value. */
  satpSwitches = 0;
  /** Cycles the clock skipped while the hart waited in wfi (timer.ts idle). */
  idleCycles = 0;
  private cycleAt = 0;
  private instretAt = 0;

  /** The hart leaves mode `from` at (cycle, instret). */
  leave(from: Mode, cycle: number, instret: number): void {
    this.cycles[from] += cycle - this.cycleAt;
    this.instret[from] += instret - this.instretAt;
    this.cycleAt = cycle;
    this.instretAt = instret;
  }

  trap(toM: boolean, interrupt: boolean, cause: number): void {
    this.traps[(toM ? 64 : 0) + (interrupt ? 32 : 0) + (cause & 31)]++;
  }

  /** Cycles and instructions per mode, the current mode's time up to (cycle, instret) included. */
  modes(current: Mode, cycle: number, instret: number): { mode: 'U' | 'S' | 'M'; cycles: number; instret: number }[] {
    return ([[Mode.U, 'U'], [Mode.S, 'S'], [Mode.M, 'M']] as const).map(([m, mode]) => ({
      mode,
      cycles: this.cycles[m] + (m === current ? cycle - this.cycleAt : 0),
      instret: this.instret[m] + (m === current ? instret - this.instretAt : 0),
    }));
  }

  /** A copy of the counts now (the current mode's time included): experiments take two and subtract. */
  snapshot(current: Mode, cycle: number, instret: number): HartSnapshot {
    const modes = this.modes(current, cycle, instret);
    return { traps: Array.from(this.traps), cycle, instret, modeCycles: modes.map((m) => m.cycles), satpSwitches: this.satpSwitches, idleCycles: this.idleCycles };
  }
}

/** What a hart had counted at one moment (HartCounts.snapshot); `traps` is indexed as HartCounts.traps, `modeCycles` is U, S, M. */
export interface HartSnapshot { traps: number[]; cycle: number; instret: number; modeCycles: number[]; satpSwitches: number; idleCycles: number }

/** What the hart counted between two snapshots. */
export function countsBetween(a: HartSnapshot, b: HartSnapshot): HartSnapshot {
  return { traps: b.traps.map((v, i) => v - a.traps[i]), cycle: b.cycle - a.cycle, instret: b.instret - a.instret,
    modeCycles: b.modeCycles.map((v, i) => v - a.modeCycles[i]), satpSwitches: b.satpSwitches - a.satpSwitches, idleCycles: b.idleCycles - a.idleCycles };
}

/** Trap index helpers for snapshots: the count of a cause taken to S or M, as an exception or an interrupt. */
export function trapsOf(s: HartSnapshot, cause: number, interrupt: boolean): number {
  const k = (interrupt ? 32 : 0) + cause;
  return s.traps[k] + s.traps[64 + k];
}

/** Traps taken (a HartCounts.traps array, or several harts' summed), by cause and destination, most first (for --stats). */
export function trapList(traps: ArrayLike<number>): { to: 'S' | 'M'; interrupt: boolean; cause: number; count: number }[] {
  const out: { to: 'S' | 'M'; interrupt: boolean; cause: number; count: number }[] = [];
  for (let i = 0; i < traps.length; i++) {
    if (traps[i] > 0) out.push({ to: i >= 64 ? 'M' : 'S', interrupt: (i & 32) !== 0, cause: i & 31, count: traps[i] });
  }
  return out.sort((a, b) => b.count - a.count);
}
