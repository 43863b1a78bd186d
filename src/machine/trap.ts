// Traps: the one place that does delegation and writes x{EPC,CAUSE,TVAL,STATUS}.

import type { Hart } from './hart.js';
import { Irq, St } from './csr.js';
import { S, T } from './layout.js';
import { pairBig } from './pair.js';

export const enum Mode { U = 0, S = 1, M = 3 }

/** Exception codes (priv 3.1.15, Table 3.6). */
export const enum Cause {
  INSN_MISALIGNED = 0, INSN_ACCESS = 1, ILLEGAL = 2, BREAKPOINT = 3,
  LOAD_MISALIGNED = 4, LOAD_ACCESS = 5, STORE_MISALIGNED = 6, STORE_ACCESS = 7,
  ECALL_U = 8, ECALL_S = 9, ECALL_M = 11,
  INSN_PAGE = 12, LOAD_PAGE = 13, STORE_PAGE = 15,
}

/** The Interrupt bit of xcause (bit 63) in its high word. */
const INTERRUPT_HI = 1 << 31;
const TWO32 = 4294967296;

export const CAUSE_NAMES: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction',
  3: 'breakpoint', 4: 'load address misaligned', 5: 'load access fault', 6: 'store/AMO address misaligned',
  7: 'store/AMO access fault', 8: 'environment call from U-mode', 9: 'environment call from S-mode',
  11: 'environment call from M-mode', 12: 'instruction page fault', 13: 'load page fault', 15: 'store/AMO page fault',
};
export const INTERRUPT_NAMES: Record<number, string> = {
  1: 'supervisor software interrupt', 3: 'machine software interrupt', 5: 'supervisor timer interrupt',
  7: 'machine timer interrupt', 9: 'supervisor external interrupt', 11: 'machine external interrupt',
};

/**
 * Takes a trap at the hart's current pc (which must be the address of the
 * faulting instruction, or of the next instruction to run for an interrupt).
 * priv 3.1.8/3.1.9: a trap from mode <= S whose bit is set in medeleg (or
 * mideleg, for an interrupt) goes to S; every other trap goes to M. Traps
 * are never taken to a lower mode. tval is the pair (tvalLo, tvalHi).
 * Returns nothing; pc is now the handler. Moves int32 pairs: no bigint.
 */
export function takeTrap(h: Hart, cause: number, interrupt: boolean, tvalLo: number, tvalHi: number, keepTlbs = false): void {
  const s = h.s, from = s[S.PRIV] as Mode;
  const deleg = interrupt ? s[S.MIDELEG] : s[S.MEDELEG];
  const toS = from <= Mode.S && ((deleg >>> cause) & 1) === 1;
  const x = toS ? S.SCAUSE - S.MCAUSE : 0; // the S registers sit one pair above the M ones (layout.ts)
  const epcLo = s[S.PC], epcHi = s[S.PC + 1];
  s[S.MCAUSE + x] = cause; s[S.MCAUSE + x + 1] = interrupt ? INTERRUPT_HI : 0;
  s[S.MEPC + x] = epcLo; s[S.MEPC + x + 1] = epcHi;
  s[S.MTVAL + x] = tvalLo; s[S.MTVAL + x + 1] = tvalHi;
  let st = s[S.MSTATUS];
  if (toS) {
    // priv 4.1.1: "SPIE is set to SIE; SIE is set to 0; SPP is set to the privilege mode at the time of the trap."
    st = (st & ~(St.SPIE | St.SIE | St.SPP)) | ((st & St.SIE) ? St.SPIE : 0) | (from === Mode.S ? St.SPP : 0);
  } else {
    st = (st & ~(St.MPIE | St.MIE | St.MPP)) | ((st & St.MIE) ? St.MPIE : 0) | (from << 11);
  }
  s[S.MSTATUS] = st; // before setPriv: MPRV/MPP decide the data-access mode it selects
  h.setPriv(toS ? Mode.S : Mode.M, keepTlbs);
  // priv 3.1.7: vectored mode sends interrupts to BASE + 4*cause; exceptions to BASE.
  const tvLo = s[S.MTVEC + x], tvHi = s[S.MTVEC + x + 1];
  const lo = ((tvLo & ~3) >>> 0) + ((tvLo & 1) === 1 && interrupt ? 4 * cause : 0);
  s[S.PC] = lo | 0; s[S.PC + 1] = (tvHi + (lo >= TWO32 ? 1 : 0)) | 0;
  s[S.IRQ_DIRTY] = 1;
  h.t[T.TRAPS]++;
  h.counts.trap(!toS, interrupt, cause);
  if (h.trace.on) trapEvent(h, cause, interrupt, from, epcLo, epcHi, tvalLo, tvalHi);
}

function trapEvent(h: Hart, cause: number, interrupt: boolean, from: Mode, epcLo: number, epcHi: number, tvalLo: number, tvalHi: number): void {
  const pair = new Int32Array([epcLo, epcHi, tvalLo, tvalHi]);
  h.trace.emit({ kind: 'trap', cycle: h.cycle, hart: h.hartId, cause, interrupt, name: (interrupt ? INTERRUPT_NAMES : CAUSE_NAMES)[cause] ?? `cause ${cause}`,
    from, to: h.priv, pc: pairBig(pair, 0), tval: pairBig(pair, 2), instret: h.instret });
}

// priv 3.1.9: "Multiple simultaneous interrupts destined for M-mode are handled
// in the following decreasing priority order: MEI, MSI, MTI, SEI, SSI, STI."
const PRIORITY = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI];

/**
 * The interrupt the hart must take now, or -1. An interrupt i is taken to M
 * when not delegated and (mode < M, or mode = M and MIE); to S when delegated
 * and (mode < S, or mode = S and SIE). Delegated interrupts never trap in M.
 */
export function pendingInterrupt(h: Hart): number {
  const pending = h.mip() & h.mie;
  if (pending === 0) return -1;
  const mEnabled = h.priv < Mode.M || (h.mstatus & St.MIE) !== 0;
  const sEnabled = h.priv < Mode.S || (h.priv === Mode.S && (h.mstatus & St.SIE) !== 0);
  const m = mEnabled ? pending & ~h.mideleg : 0;
  const s = sEnabled ? pending & h.mideleg : 0;
  const take = m !== 0 ? m : s;
  if (take === 0) return -1;
  for (const i of PRIORITY) if ((take >>> i) & 1) return i;
  return -1;
}
