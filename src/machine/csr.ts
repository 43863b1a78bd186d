// Control and status registers: numbers, access rules and side effects.
// priv 2.1: "The top two bits (csr[11:10]) indicate whether the register is
// read/write (00, 01, or 10) or read-only (11). The next two bits (csr[9:8])
// encode the lowest privilege level that can access the CSR."

import type { Hart } from './hart.js';
import { Mode } from './trap.js';
import { S, T } from './layout.js';

export const enum Csr {
  FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003,
  CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02,
  SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a,
  SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, STIMECMP = 0x14d, SATP = 0x180,
  MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14, MCONFIGPTR = 0xf15,
  MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305,
  MCOUNTEREN = 0x306, MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320,
  MSCRATCH = 0x340, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344,
  PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0, MCYCLE = 0xb00, MINSTRET = 0xb02,
  TSELECT = 0x7a0, TDATA1 = 0x7a1, TDATA2 = 0x7a2, TDATA3 = 0x7a3,
}

// mstatus fields (priv 3.1.6).
export const enum St {
  SIE = 1 << 1, MIE = 1 << 3, SPIE = 1 << 5, MPIE = 1 << 7, SPP = 1 << 8,
  MPP = 3 << 11, FS = 3 << 13, MPRV = 1 << 17, SUM = 1 << 18, MXR = 1 << 19,
  TVM = 1 << 20, TW = 1 << 21, TSR = 1 << 22,
}
const MSTATUS_W = St.SIE | St.MIE | St.SPIE | St.MPIE | St.SPP | St.MPP | St.FS | St.MPRV | St.SUM | St.MXR | St.TVM | St.TW | St.TSR;
const SSTATUS_W = St.SIE | St.SPIE | St.SPP | St.FS | St.SUM | St.MXR;
/** The high word of mstatus: UXL = SXL = 2 (64-bit), fixed (priv 3.1.6.2); sstatus shows UXL only. */
const MSTATUS_HI = 2 | (2 << 2), SSTATUS_HI = 2;
/** SD, bit 63: the high word's sign bit. */
const SD_HI = 1 << 31;

// misa: MXL=2 (bits 63:62), extensions A C D F I M S U (priv 3.1.1). Read-only (WARL).
const MISA_LO = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
const MISA_HI = 2 << 30;

// Interrupt bits (priv 3.1.9).
export const enum Irq { SSI = 1, MSI = 3, STI = 5, MTI = 7, SEI = 9, MEI = 11 }
export const S_INTS = (1 << Irq.SSI) | (1 << Irq.STI) | (1 << Irq.SEI);
const MIE_W = S_INTS | (1 << Irq.MSI) | (1 << Irq.MTI) | (1 << Irq.MEI);
/** medeleg: every synchronous cause but ecall from M (11) and the reserved 10 and 14. */
const MEDELEG_W = 0xb3ff;
/** menvcfg.STCE (Sstc), bit 63. The machine tests the sign of menvcfg's high word. */
export const ENVCFG_STCE = 1n << 63n;
const STCE_HI = 1 << 31;
const TWO32 = 4294967296;

/** A CSR value read by csrReadPair: the low and high words of the 64-bit value. */
export const csrOut = { lo: 0, hi: 0 };

function out(lo: number, hi: number): true {
  csrOut.lo = lo; csrOut.hi = hi;
  return true;
}

/** out(n + the pair at s[i]) modulo 2^64, for a counter n < 2^53 and an offset pair (mcycle, minstret). */
function outSum(n: number, s: Int32Array, i: number): true {
  const lo = (n % TWO32) + (s[i] >>> 0);
  return out(lo | 0, (Math.floor(n / TWO32) + s[i + 1] + (lo >= TWO32 ? 1 : 0)) | 0);
}

/** Stores (lo, hi) - n - 1 modulo 2^64 at s[i]: the offset that makes the counter read (lo, hi) after this instruction retires. */
function setOffset(s: Int32Array, i: number, lo: number, hi: number, n: number): void {
  const c = n + 1, d = (lo >>> 0) - (c % TWO32);
  s[i] = d | 0;
  s[i + 1] = (hi - Math.floor(c / TWO32) - (d < 0 ? 1 : 0)) | 0;
}

function counterAllowed(h: Hart, bit: number): boolean {
  const s = h.s, priv = s[S.PRIV];
  if (priv === Mode.M) return true;
  if (((s[S.MCOUNTEREN] >>> bit) & 1) === 0) return false;
  return priv === Mode.S || ((s[S.SCOUNTEREN] >>> bit) & 1) === 1;
}

/** True when the current mode may access CSR `csr` at all (priv 2.1, plus TVM, Sstc, FS, counteren). */
function accessible(h: Hart, csr: number): boolean {
  const s = h.s, priv = s[S.PRIV];
  if (priv < ((csr >>> 8) & 3)) return false;
  if (csr >= Csr.FFLAGS && csr <= Csr.FCSR) return (s[S.MSTATUS] & St.FS) !== 0;
  if (csr >= Csr.CYCLE && csr <= 0xc1f) return counterAllowed(h, csr - Csr.CYCLE);
  if (csr === Csr.SATP) return !(priv === Mode.S && (s[S.MSTATUS] & St.TVM) !== 0);
  // Sstc 3.2: stimecmp from S needs menvcfg.STCE and mcounteren.TM.
  if (csr === Csr.STIMECMP) return priv === Mode.M || (s[S.MENVCFG + 1] < 0 && (s[S.MCOUNTEREN] & 2) !== 0);
  return true;
}

/** The state pair that holds CSR `csr` unchanged (read as stored, written whole), or -1. */
function pairOf(csr: number): number {
  switch (csr) {
    case Csr.SSCRATCH: return S.SSCRATCH;
    case Csr.MSCRATCH: return S.MSCRATCH;
    case Csr.SCAUSE: return S.SCAUSE;
    case Csr.MCAUSE: return S.MCAUSE;
    case Csr.STVAL: return S.STVAL;
    case Csr.MTVAL: return S.MTVAL;
    default: return -1;
  }
}

/**
 * Reads CSR `csr` for the current mode into csrOut. Returns false when the
 * access is illegal (the caller raises illegal-instruction with the
 * instruction bits). Moves int32 pairs: no bigint.
 */
export function csrReadPair(h: Hart, csr: number): boolean {
  if (!accessible(h, csr)) return false;
  const s = h.s;
  const p = pairOf(csr);
  if (p >= 0) return out(s[p], s[p + 1]);
  switch (csr) {
    case Csr.FFLAGS: return out(h.fpu.fflags, 0);
    case Csr.FRM: return out(h.fpu.frm, 0);
    case Csr.FCSR: return out((h.fpu.frm << 5) | h.fpu.fflags, 0);
    case Csr.CYCLE: case Csr.MCYCLE: return outSum(h.t[T.CYCLE], s, S.MCYCLE_OFF);
    case Csr.INSTRET: case Csr.MINSTRET: return outSum(h.t[T.INSTRET], s, S.MINSTRET_OFF);
    case Csr.TIME: { const now = h.mtime(); return out(now | 0, Math.floor(now / TWO32) | 0); }
    case Csr.SSTATUS: return statusOut(s[S.MSTATUS] & SSTATUS_W, SSTATUS_HI);
    case Csr.SIE: return out(s[S.MIE] & s[S.MIDELEG], 0);
    case Csr.STVEC: return out(s[S.STVEC], s[S.STVEC + 1]);
    case Csr.SCOUNTEREN: return out(s[S.SCOUNTEREN], 0);
    case Csr.SENVCFG: return out(s[S.SENVCFG], s[S.SENVCFG + 1]);
    case Csr.SEPC: return out(s[S.SEPC], s[S.SEPC + 1]);
    case Csr.SIP: return out(h.mip() & s[S.MIDELEG], 0);
    case Csr.STIMECMP: return out(s[S.STIMECMP], s[S.STIMECMP + 1]);
    case Csr.SATP: return out(s[S.SATP], s[S.SATP + 1]);
    case Csr.MVENDORID: case Csr.MARCHID: case Csr.MIMPID: case Csr.MCONFIGPTR: return out(0, 0);
    case Csr.MHARTID: return out(h.hartId, 0);
    case Csr.MSTATUS: return statusOut(s[S.MSTATUS], MSTATUS_HI);
    case Csr.MISA: return out(MISA_LO, MISA_HI);
    case Csr.MEDELEG: return out(s[S.MEDELEG], 0);
    case Csr.MIDELEG: return out(s[S.MIDELEG], 0);
    case Csr.MIE: return out(s[S.MIE], 0);
    case Csr.MTVEC: return out(s[S.MTVEC], s[S.MTVEC + 1]);
    case Csr.MCOUNTEREN: return out(s[S.MCOUNTEREN], 0);
    case Csr.MENVCFG: return out(s[S.MENVCFG], s[S.MENVCFG + 1]);
    case Csr.MCOUNTINHIBIT: return out(0, 0);
    case Csr.MEPC: return out(s[S.MEPC], s[S.MEPC + 1]);
    case Csr.MIP: return out(h.mip(), 0);
    case Csr.TSELECT: case Csr.TDATA1: case Csr.TDATA2: case Csr.TDATA3: return out(0, 0);
  }
  if (csr >= Csr.PMPCFG0 && csr < Csr.PMPCFG0 + 16) {
    if ((csr & 1) !== 0) return false; // pmpcfg1, 3, ..: RV32 only
    const i = S.PMPCFG + (csr - Csr.PMPCFG0);
    return out(s[i], s[i + 1]);
  }
  if (csr >= Csr.PMPADDR0 && csr < Csr.PMPADDR0 + 64) {
    const i = S.PMPADDR + 2 * (csr - Csr.PMPADDR0);
    return out(s[i], s[i + 1]);
  }
  // hpmcounter3..31, mhpmcounter3..31, mhpmevent3..31: implemented as read-only zero (WARL).
  if ((csr > 0xc02 && csr <= 0xc1f) || (csr > 0xb02 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) return out(0, 0);
  return false;
}

/** sstatus/mstatus as read: the stored low word, the fixed XL fields and SD (priv 3.1.6.6). */
function statusOut(lo: number, hi: number): true {
  return out(lo, (lo & St.FS) === St.FS ? hi | SD_HI : hi);
}

/**
 * Writes (lo, hi) to CSR `csr` (already checked readable by csrReadPair for
 * the same mode). Returns false when the write is illegal: read-only CSRs
 * (priv 2.1). Side effects: mode/translation state changes flush the TLB;
 * interrupt state changes ask the hart to re-check interrupts at the next
 * block boundary. Moves int32 pairs: no bigint.
 */
export function csrWritePair(h: Hart, csr: number, lo: number, hi: number): boolean {
  if ((csr >>> 10) === 3) return false;
  const s = h.s;
  const p = pairOf(csr);
  if (p >= 0) { s[p] = lo; s[p + 1] = hi; return true; }
  switch (csr) {
    case Csr.FFLAGS: h.fpu.fflags = lo & 0x1f; h.dirtyFs(); return true;
    case Csr.FRM: h.fpu.frm = lo & 7; h.dirtyFs(); return true;
    case Csr.FCSR: h.fpu.fflags = lo & 0x1f; h.fpu.frm = (lo >>> 5) & 7; h.dirtyFs(); return true;
    case Csr.SSTATUS: setStatus(h, (s[S.MSTATUS] & ~SSTATUS_W) | (lo & SSTATUS_W)); return true;
    case Csr.MSTATUS: setStatus(h, (s[S.MSTATUS] & ~MSTATUS_W) | (lo & MSTATUS_W)); return true;
    case Csr.SIE: s[S.MIE] = (s[S.MIE] & ~s[S.MIDELEG]) | (lo & s[S.MIDELEG] & MIE_W); s[S.IRQ_DIRTY] = 1; return true;
    case Csr.MIE: s[S.MIE] = lo & MIE_W; s[S.IRQ_DIRTY] = 1; return true;
    case Csr.SIP: // priv 4.1.3: only SSIP is writable through sip, and only when delegated.
      if ((s[S.MIDELEG] & (1 << Irq.SSI)) !== 0) s[S.MIP_SW] = (s[S.MIP_SW] & ~(1 << Irq.SSI)) | (lo & (1 << Irq.SSI));
      s[S.IRQ_DIRTY] = 1; return true;
    case Csr.MIP: {
      // priv 3.1.9: SSIP, STIP, SEIP are writable from M; with Sstc enabled STIP is read-only.
      const w = s[S.MENVCFG + 1] < 0 ? (1 << Irq.SSI) | (1 << Irq.SEI) : S_INTS;
      s[S.MIP_SW] = (s[S.MIP_SW] & ~w) | (lo & w); s[S.IRQ_DIRTY] = 1; return true;
    }
    case Csr.STVEC: s[S.STVEC] = lo & ~2; s[S.STVEC + 1] = hi; return true;
    case Csr.MTVEC: s[S.MTVEC] = lo & ~2; s[S.MTVEC + 1] = hi; return true;
    case Csr.SCOUNTEREN: s[S.SCOUNTEREN] = lo; return true;
    case Csr.MCOUNTEREN: s[S.MCOUNTEREN] = lo; return true;
    case Csr.SENVCFG: s[S.SENVCFG] = lo & 1; s[S.SENVCFG + 1] = 0; return true;
    case Csr.MENVCFG: s[S.MENVCFG] = lo & 1; s[S.MENVCFG + 1] = hi & STCE_HI; h.timersChanged(); return true;
    case Csr.SEPC: s[S.SEPC] = lo & ~1; s[S.SEPC + 1] = hi; return true;
    case Csr.MEPC: s[S.MEPC] = lo & ~1; s[S.MEPC + 1] = hi; return true;
    case Csr.STIMECMP: s[S.STIMECMP] = lo; s[S.STIMECMP + 1] = hi; h.timersChanged(); return true;
    case Csr.SATP: return writeSatp(h, lo, hi);
    case Csr.MEDELEG: s[S.MEDELEG] = lo & MEDELEG_W; return true;
    case Csr.MIDELEG: s[S.MIDELEG] = lo & S_INTS; s[S.IRQ_DIRTY] = 1; return true;
    case Csr.MCYCLE: setOffset(s, S.MCYCLE_OFF, lo, hi, h.t[T.CYCLE]); return true; // the write lands after this instruction retires
    case Csr.MINSTRET: setOffset(s, S.MINSTRET_OFF, lo, hi, h.t[T.INSTRET]); return true;
    case Csr.MISA: case Csr.MCOUNTINHIBIT: case Csr.TSELECT: case Csr.TDATA1: case Csr.TDATA2: case Csr.TDATA3:
      return true; // WARL, hard-wired
  }
  if (csr >= Csr.PMPCFG0 && csr < Csr.PMPCFG0 + 16) {
    const i = S.PMPCFG + ((csr - Csr.PMPCFG0) & ~1);
    s[i] = lo; s[i + 1] = hi; return true;
  }
  if (csr >= Csr.PMPADDR0 && csr < Csr.PMPADDR0 + 64) {
    const i = S.PMPADDR + 2 * (csr - Csr.PMPADDR0);
    s[i] = lo; s[i + 1] = hi & 0x3fffff; return true; // bits 53:0 (priv 3.7.1, Sv39's 56-bit physical addresses)
  }
  return true; // the hpm counters and events: read-only zero, writes ignored
}

/** csrReadPair as a bigint (the slow general API of the port). */
export function csrRead(h: Hart, csr: number): bigint | undefined {
  if (!csrReadPair(h, csr)) return undefined;
  return (BigInt(csrOut.hi >>> 0) << 32n) | BigInt(csrOut.lo >>> 0);
}

/** csrWritePair with a bigint value (taken modulo 2^64). */
export function csrWrite(h: Hart, csr: number, v: bigint): boolean {
  return csrWritePair(h, csr, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}

function setStatus(h: Hart, v: number): void {
  // MPP is WARL: 2 (reserved) is legalized to U.
  if ((v & St.MPP) === 2 << 11) v &= ~St.MPP;
  const s = h.s, changed = s[S.MSTATUS] ^ v;
  s[S.MSTATUS] = v;
  if (changed & (St.MPRV | St.MPP | St.SUM | St.MXR)) h.translationChanged();
  if (changed & (St.MIE | St.SIE)) s[S.IRQ_DIRTY] = 1;
}

function writeSatp(h: Hart, lo: number, hi: number): boolean {
  // priv 4.1.11: "If satp is written with an unsupported MODE, the entire write has no effect".
  const mode = hi >>> 28, s = h.s;
  if (mode !== 0 && mode !== 8) return true;
  // MODE Bare: the other fields read as written would be legal too; we clear them.
  if (mode === 0) lo = hi = 0;
  if (s[S.SATP] !== lo || s[S.SATP + 1] !== hi) {
    h.counts.satpSwitches++;
    // Sv39's satp: MODE in bits 63:60, ASID in 59:44, the root's PPN in 43:0.
    if (h.trace.on) h.trace.emit({ kind: 'satp', cycle: h.cycle, hart: h.hartId, mode: mode === 8 ? 'sv39' : 'bare', asid: (hi >>> 12) & 0xffff, root: ((hi & 0xfff) * 2 ** 32 + (lo >>> 0)) * 4096 });
  }
  s[S.SATP] = lo;
  s[S.SATP + 1] = hi;
  h.translationChanged();
  return true;
}
