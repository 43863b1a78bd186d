// The kernel's port to a hart (DESIGN.md "Two halves, one port"; STYLE.md
// rule 5). This is everything a kernel (src/kernel) or a supervisor
// (src/demo) may do with a hart; the rest of the Hart class is the machine's
// own. It is the same set of powers a real S-mode kernel has, plus the
// firmware's part at boot (setPriv) and the trampoline's (the register file
// is saved and restored by the kernel, as xv6's trampoline.S does):
//
//   run(budget) → Exit       execute until a trap reaches the native trampoline
//   sret()                   the architectural return (priv 3.3.2)
//   saveRegs / loadRegs      the trampoline's register save and restore
//   csrRead / csrWrite       CSR access, as csrr/csrw would do it (bigint: slow, general)
//   csrReadPair / csrWritePair  the same with int32 pairs: no bigint (the hot path)
//   cycle, instret, mtime    the time (read); advance / idleUntil: kernel work and idle
//   idleIn, power            an idle state chosen by the kernel, and the energy meter (power.ts)
//   steps                    run()'s budget unit: instret plus traps taken
//   registerNative           the trampoline page
//   sfenceVma                the TLB flush the kernel does after changing a page table
//   recordPages              an instrument, not a power: U-mode's page reference string (pagerefs.ts)

import type { Exit, TrapExitInfo } from './hart.js';
import type { PowerMeter } from './power.js';
import type { PageTrace } from './pagerefs.js';

/** A user context as the trampoline saves it: the integer registers as (lo, hi) pairs, the FP registers, fcsr. */
export interface RegSave {
  x: Int32Array; // 64 words: x0..x31 as (lo, hi) pairs (x0's pair is ignored on load)
  f: Int32Array; // 64 words: f0..f31 as (lo, hi) pairs of raw IEEE bits
  fcsr: number;
}

export interface HartPort {
  readonly hartId: number;
  /** Runs until `budget` steps are used (retired instructions plus traps taken), a trap reaches a native page, wfi idles, or a device stops the run. */
  run(budget: number): Exit;
  /**
   * The trap vector's handler inside run() (hart.ts onTrap): it handles the
   * trap and says whether run() goes on; undefined, run() returns the trap.
   * The Exit it is given is the hart's, filled again for the next trap: it must not keep it.
   */
  onTrap: ((e: TrapExitInfo) => boolean) | undefined;
  /** Architectural sret (priv 3.3.2): pc ← sepc, mode ← SPP, SIE ← SPIE. */
  sret(): void;
  /** The return to U-mode at pc: sepc ← pc, sstatus.SPP ← U, SPIE ← 1, then sret (the csrw's and sret of xv6's usertrapret). */
  sretToUser(pc: number): void;
  /** The firmware's part of boot: the mode the hart is in (M after reset). */
  setPriv(mode: number): void;
  /**
   * Copies the user registers and fcsr out of the hart (the trampoline's
   * save). lazyFp: the FP registers and fcsr only when sstatus.FS is Dirty,
   * and FS becomes Clean (Linux's fstate_save on the way into the kernel):
   * `into` must then be the context the hart was last loaded from.
   */
  saveRegs(into: RegSave, lazyFp?: boolean): void;
  /** Copies the user registers into the hart (the trampoline's restore); fp (default true): fcsr and the FP registers too, and FS becomes Clean unless Off. */
  loadRegs(from: RegSave, fp?: boolean): void;
  /** The FP half of saveRegs with lazyFp: f and fcsr into `into` only when sstatus.FS is Dirty, then FS := Clean. */
  saveFp(into: RegSave): void;
  /** The FP half of loadRegs: f and fcsr from `from`, and FS := Clean unless Off. */
  loadFp(from: RegSave): void;
  /**
   * The integer register file itself, x0..x31 as (lo, hi) pairs (64 words):
   * a kernel may keep the running task's registers here instead of copying
   * them at every trap and return (src/kernel/trap.ts). x0's pair must stay 0.
   */
  readonly regs: Int32Array;
  /** CSR read as csrr does it, without privilege checks (the kernel is the privileged side); undefined for no such CSR. */
  csrRead(csr: number): bigint | undefined;
  /** CSR write as csrw does it (WARL fields legalised); false for no such CSR. */
  csrWrite(csr: number, value: bigint): boolean;
  /** csrRead without bigint: the value's low and high words go to into[0] and into[1]. False for no such CSR (or not accessible). */
  csrReadPair(csr: number, into: Int32Array): boolean;
  /** csrWrite without bigint: the value is (hi << 32) | lo, as two int32 words. False for a read-only CSR. */
  csrWritePair(csr: number, lo: number, hi: number): boolean;
  /** sepc as a number (user pcs are below 2^53): the hot half of the trap return. */
  setSepc(pc: number): void;
  /** Virtual time: cycles since reset (1 GHz) and instructions retired. */
  readonly cycle: number;
  readonly instret: number;
  /** The cycle of the hart's next timer or timed-device event (timer.ts): what wfi would sleep until. */
  readonly nextTimer: number;
  /** Budget used since reset: instret plus the traps taken (run's unit). */
  steps(): number;
  /** mtime (10 MHz timebase). */
  mtime(): number;
  /** Kernel work takes virtual time: the clock moves on by `cycles` and timers are re-evaluated. */
  advance(cycles: number): void;
  /** The hart is idle until cycle `until` (or the clock is pulled forward to it): timers are re-evaluated. */
  idleUntil(until: number): void;
  /**
   * The hart idles in idle state `state` of its power model (power.ts) until
   * the wake-up event at cycle `until`, and runs again after the state's exit
   * latency: the clock moves to until + exitNs, and the meter counts the energy.
   * `wakes` false: nothing wakes it at `until` (the run stops there), so no exit latency.
   */
  idleIn(state: number, until: number, wakes?: boolean): void;
  /** The hart's energy meter and idle-state table (power.ts): what a cpuidle driver reads. */
  readonly power: PowerMeter;
  /** Marks a physical range native: fetching there ends run() with a trap Exit (the trampoline). */
  registerNative(pa: number, size: number): void;
  /** sfence.vma with no operands: every cached translation is dropped. */
  sfenceVma(): void;
  /** --trace-insns. */
  traceInstructions(): void;
  /** Records every U-mode page reference into `into` from now on (the TLB stops caching: slower). */
  recordPages(into: PageTrace): void;
}

// Added in issue 8 (number-based; the kernel may move to them from the bigint ones):
//   HartPort.steps(), HartPort.csrReadPair(), HartPort.csrWritePair(), and on
//   the trap Exit (hart.ts) pcLo/pcHi and tvalLo/tvalHi: xepc and xtval as
//   int32 pairs, exact for every 64-bit value. A number from a pair:
//   hi * 2**32 + (lo >>> 0) (exact below 2^53: every user address).
