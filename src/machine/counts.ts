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

  /** The traps taken, by cause and destination, most first (for --stats). */
  trapList(): { to: 'S' | 'M'; interrupt: boolean; cause: number; count: number }[] {
    const out: { to: 'S' | 'M'; interrupt: boolean; cause: number; count: number }[] = [];
    this.traps.forEach((count, i) => {
      if (count > 0) out.push({ to: i >= 64 ? 'M' : 'S', interrupt: (i & 32) !== 0, cause: i & 31, count });
    });
    return out.sort((a, b) => b.count - a.count);
  }

  /** Cycles and instructions per mode, the current mode's time up to (cycle, instret) included. */
  modes(current: Mode, cycle: number, instret: number): { mode: 'U' | 'S' | 'M'; cycles: number; instret: number }[] {
    return ([[Mode.U, 'U'], [Mode.S, 'S'], [Mode.M, 'M']] as const).map(([m, mode]) => ({
      mode,
      cycles: this.cycles[m] + (m === current ? cycle - this.cycleAt : 0),
      instret: this.instret[m] + (m === current ? instret - this.instretAt : 0),
    }));
  }
}
