// Where a trap reaches TypeScript: what run() returns (Exit), and the native
// trap vector (the kernel's trampoline page, registered native: bus.ts
// PageFlag.NATIVE). A fetch there ends the run with the trap as an Exit, or,
// with an onTrap handler set (port.ts), calls it inside run(). Compiled code
// that takes an ecall calls it from inside the region (trapInline), so that a
// system call's round trip need not leave compiled code at all.

import type { Hart } from './hart.js';
import { PageFlag } from './bus.js';
import { S, T } from './layout.js';
import { Access, Tlb, TLB_MASK } from './mmu.js';
import { Mode, pendingInterrupt } from './trap.js';

export type Exit =
  /** The hart reached a native (host-implemented) region: a trap handed to the kernel. */
  | {
    kind: 'trap'; cause: number; interrupt: boolean; tval: bigint; pc: bigint;
    /** xepc and xtval as int32 pairs: exact, and no bigint (the kernel's number-based view). */
    pcLo: number; pcHi: number; tvalLo: number; tvalHi: number;
  }
  /** The budget is used up: steps, i.e. instructions retired plus traps taken (see Hart.run). */
  | { kind: 'budget' }
  /** wfi with no enabled interrupt that time alone can raise: only a device (host I/O) can wake it. */
  | { kind: 'wfi' }
  /** A device asked the run to stop (HTIF exit). */
  | { kind: 'halt'; status: number }
  /** onTrap handled a trap and ended the run (it wants its own loop back: another task, the end of the run). */
  | { kind: 'handled' };

/** The trap Exit's shape (what onTrap is given). */
export type TrapExitInfo = Extract<Exit, { kind: 'trap' }>;
export const HANDLED: Exit = { kind: 'handled' };

/** The trap Exit: the trap's registers as int32 pairs (exact), with the older bigint view computed on demand. */
export class TrapExit {
  readonly kind = 'trap';
  cause = 0; interrupt = false; pcLo = 0; pcHi = 0; tvalLo = 0; tvalHi = 0;
  get pc(): bigint { return (BigInt(this.pcHi >>> 0) << 32n) | BigInt(this.pcLo >>> 0); }
  get tval(): bigint { return (BigInt(this.tvalHi >>> 0) << 32n) | BigInt(this.tvalLo >>> 0); }
}

/** The trap that reached the native vector; into: an Exit to fill (onTrap's, which it must not keep), else a new one (run()'s result). */
export function nativeExit(h: Hart, into = new TrapExit()): TrapExitInfo {
  const s = h.s, x = h.priv === Mode.S ? S.SCAUSE - S.MCAUSE : 0;
  // priv 3.1.15: the Interrupt bit is xcause bit 63; the exception code is the rest.
  into.cause = s[S.MCAUSE + x] & 0x7fffffff; into.interrupt = s[S.MCAUSE + x + 1] < 0;
  into.pcLo = s[S.MEPC + x]; into.pcHi = s[S.MEPC + x + 1];
  into.tvalLo = s[S.MTVAL + x]; into.tvalHi = s[S.MTVAL + x + 1];
  return into;
}

/**
 * Hands the trap at the native vector to its handler `on`, as run() does at
 * a fetch there and compiled code's ecall does (trapInline): false when the
 * handler ends the run; else the run goes on with a fresh budget.
 */
export function handle(h: Hart, on: (e: TrapExitInfo) => boolean): boolean {
  if (!on(nativeExit(h, h.trapScratch))) return false;
  h.runEnd = h.steps() + h.budget;
  return true;
}

/**
 * Compiled code took a trap (an ecall) and pc is now the trap vector: when
 * the vector is native and onTrap is set, the handler runs here, from inside
 * the compiled code, exactly as run() would run it at its next fetch, and
 * with the handler's answer and a fresh budget as run() takes them. True
 * when the run goes on with nothing for run()'s loop to do first (no
 * interrupt to take, the timer not due, translation unchanged but for the
 * mode): the caller then goes on in its own code if pc and mode let it (the
 * WebAssembly region's helper: jit/emit.ts), else leaves (docs/jit.md "The crossing").
 */
export function trapInline(h: Hart): boolean {
  const on = h.onTrap, go = on !== undefined && atNative(h) && inline(h, on);
  // takeTrap left the TLBs U-mode's (emit.ts: a native handler uses none): the mode's own again, which after the
  // handler's sret back to U they already are (then this does nothing).
  h.selectTlbs();
  return go;
}

/** Whether pc is on a native page, as the current mode's fetch translates it now. */
function atNative(h: Hart): boolean {
  const s = h.s, lo = s[S.PC], hi = s[S.PC + 1];
  const x = h.byMode[Access.EXEC][s[S.PRIV]], key = Tlb.key(lo, hi), i = key & TLB_MASK;
  return x.tag[i] === key && x.hi[i] === hi && (h.bus.pageFlags[x.off[i] >>> 12] & PageFlag.NATIVE) !== 0;
}

function inline(h: Hart, on: (e: TrapExitInfo) => boolean): boolean {
  const s = h.s, t = h.t, flushes = h.flushes;
  if (!handle(h, on)) { h.stop = HANDLED; return false; }
  // Translation must be what the compiled code was entered with: only the mode changed (to S and back).
  if (h.flushes !== flushes) return false;
  // run()'s loop top: the timer due, or an interrupt pending, is run()'s to take.
  if (t[T.CYCLE] >= t[T.NEXT_TIMER]) return false;
  if (s[S.IRQ_DIRTY] !== 0) {
    if (pendingInterrupt(h) >= 0) return false;
    s[S.IRQ_DIRTY] = 0;
  }
  return true;
}
