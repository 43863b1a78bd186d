// Control and status registers: numbers, access rules and side effects.
// priv 2.1: "The top two bits (csr[11:10]) indicate whether the register is
// read/write (00, 01, or 10) or read-only (11). The next two bits (csr[9:8])
// encode the lowest privilege level that can access the CSR."

import type { Hart } from './hart.js';
import { Mode } from './trap.js';

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
/** UXL = SXL = 2 (64-bit), fixed: priv 3.1.6.2. */
const STATUS_XL = (2n << 32n) | (2n << 34n);

// misa: MXL=2, extensions A C D F I M S U (priv 3.1.1). Read-only (WARL).
const MISA = (2n << 62n) | BigInt((1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20));

// Interrupt bits (priv 3.1.9).
export const enum Irq { SSI = 1, MSI = 3, STI = 5, MTI = 7, SEI = 9, MEI = 11 }
export const S_INTS = (1 << Irq.SSI) | (1 << Irq.STI) | (1 << Irq.SEI);
const MIE_W = S_INTS | (1 << Irq.MSI) | (1 << Irq.MTI) | (1 << Irq.MEI);
/** medeleg: every synchronous cause but ecall from M (11) and the reserved 10 and 14. */
const MEDELEG_W = 0xb3ff;
const STCE = 1n << 63n;
const MASK64 = (1n << 64n) - 1n;
export const ENVCFG_STCE = STCE;

/** sstatus/mstatus as read: the stored low word plus fixed XL fields and SD (priv 3.1.6.6). */
function statusRead(h: Hart, mask: number | undefined): bigint {
  const s = mask === undefined ? h.mstatus : h.mstatus & mask;
  const sd = (s & St.FS) === St.FS ? 1n << 63n : 0n;
  return BigInt(s >>> 0) | (mask === undefined ? STATUS_XL : 2n << 32n) | sd;
}

function counterAllowed(h: Hart, bit: number): boolean {
  if (h.priv === Mode.M) return true;
  if (((h.mcounteren >>> bit) & 1) === 0) return false;
  return h.priv === Mode.S || ((h.scounteren >>> bit) & 1) === 1;
}

/** True when the current mode may access CSR `csr` at all (priv 2.1, plus TVM, Sstc, FS, counteren). */
function accessible(h: Hart, csr: number): boolean {
  if (h.priv < ((csr >>> 8) & 3)) return false;
  if (csr >= Csr.FFLAGS && csr <= Csr.FCSR) return (h.mstatus & St.FS) !== 0;
  if (csr >= Csr.CYCLE && csr <= 0xc1f) return counterAllowed(h, csr - Csr.CYCLE);
  if (csr === Csr.SATP) return !(h.priv === Mode.S && (h.mstatus & St.TVM) !== 0);
  // Sstc 3.2: stimecmp from S needs menvcfg.STCE and mcounteren.TM.
  if (csr === Csr.STIMECMP) return h.priv === Mode.M || ((h.menvcfg & STCE) !== 0n && (h.mcounteren & 2) !== 0);
  return true;
}

/**
 * Reads CSR `csr` for the current mode. Returns undefined when the access is
 * illegal (the caller raises illegal-instruction with the instruction bits).
 */
export function csrRead(h: Hart, csr: number): bigint | undefined {
  if (!accessible(h, csr)) return undefined;
  switch (csr) {
    case Csr.FFLAGS: return BigInt(h.fpu.fflags);
    case Csr.FRM: return BigInt(h.fpu.frm);
    case Csr.FCSR: return BigInt((h.fpu.frm << 5) | h.fpu.fflags);
    case Csr.CYCLE: case Csr.MCYCLE: return BigInt(h.cycle) + h.mcycleOffset & MASK64;
    case Csr.INSTRET: case Csr.MINSTRET: return BigInt(h.instret) + h.minstretOffset & MASK64;
    case Csr.TIME: return BigInt(h.mtime());
    case Csr.SSTATUS: return statusRead(h, SSTATUS_W);
    case Csr.SIE: return BigInt(h.mie & h.mideleg);
    case Csr.STVEC: return h.stvec;
    case Csr.SCOUNTEREN: return BigInt(h.scounteren >>> 0);
    case Csr.SENVCFG: return h.senvcfg;
    case Csr.SSCRATCH: return h.sscratch;
    case Csr.SEPC: return h.sepc;
    case Csr.SCAUSE: return h.scause;
    case Csr.STVAL: return h.stval;
    case Csr.SIP: return BigInt(h.mip() & h.mideleg);
    case Csr.STIMECMP: return h.stimecmp;
    case Csr.SATP: return h.satp;
    case Csr.MVENDORID: case Csr.MARCHID: case Csr.MIMPID: case Csr.MCONFIGPTR: return 0n;
    case Csr.MHARTID: return BigInt(h.hartId);
    case Csr.MSTATUS: return statusRead(h, undefined);
    case Csr.MISA: return MISA;
    case Csr.MEDELEG: return BigInt(h.medeleg);
    case Csr.MIDELEG: return BigInt(h.mideleg);
    case Csr.MIE: return BigInt(h.mie);
    case Csr.MTVEC: return h.mtvec;
    case Csr.MCOUNTEREN: return BigInt(h.mcounteren >>> 0);
    case Csr.MENVCFG: return h.menvcfg;
    case Csr.MCOUNTINHIBIT: return 0n;
    case Csr.MSCRATCH: return h.mscratch;
    case Csr.MEPC: return h.mepc;
    case Csr.MCAUSE: return h.mcause;
    case Csr.MTVAL: return h.mtval;
    case Csr.MIP: return BigInt(h.mip());
    case Csr.TSELECT: case Csr.TDATA1: case Csr.TDATA2: case Csr.TDATA3: return 0n;
  }
  if (csr >= Csr.PMPCFG0 && csr < Csr.PMPCFG0 + 16) return (csr & 1) === 0 ? h.pmpcfg[(csr - Csr.PMPCFG0) >> 1] : undefined;
  if (csr >= Csr.PMPADDR0 && csr < Csr.PMPADDR0 + 64) return h.pmpaddr[csr - Csr.PMPADDR0];
  // hpmcounter3..31, mhpmcounter3..31, mhpmevent3..31: implemented as read-only zero (WARL).
  if ((csr > 0xc02 && csr <= 0xc1f) || (csr > 0xb02 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) return 0n;
  return undefined;
}

/**
 * Writes CSR `csr` (already checked readable by csrRead for the same mode).
 * Returns false when the write is illegal: read-only CSRs (priv 2.1).
 * Side effects: mode/translation state changes flush the TLB; interrupt state
 * changes ask the hart to re-check interrupts at the next block boundary.
 */
export function csrWrite(h: Hart, csr: number, v: bigint): boolean {
  if ((csr >>> 10) === 3) return false;
  const lo = Number(v & 0xffffffffn) | 0;
  switch (csr) {
    case Csr.FFLAGS: h.fpu.fflags = lo & 0x1f; h.dirtyFs(); return true;
    case Csr.FRM: h.fpu.frm = lo & 7; h.dirtyFs(); return true;
    case Csr.FCSR: h.fpu.fflags = lo & 0x1f; h.fpu.frm = (lo >>> 5) & 7; h.dirtyFs(); return true;
    case Csr.SSTATUS: setStatus(h, (h.mstatus & ~SSTATUS_W) | (lo & SSTATUS_W)); return true;
    case Csr.MSTATUS: setStatus(h, (h.mstatus & ~MSTATUS_W) | (lo & MSTATUS_W)); return true;
    case Csr.SIE: h.mie = (h.mie & ~h.mideleg) | (lo & h.mideleg & MIE_W); h.irqDirty = true; return true;
    case Csr.MIE: h.mie = lo & MIE_W; h.irqDirty = true; return true;
    case Csr.SIP: // priv 4.1.3: only SSIP is writable through sip, and only when delegated.
      if ((h.mideleg & (1 << Irq.SSI)) !== 0) h.mipSw = (h.mipSw & ~(1 << Irq.SSI)) | (lo & (1 << Irq.SSI));
      h.irqDirty = true; return true;
    case Csr.MIP: {
      // priv 3.1.9: SSIP, STIP, SEIP are writable from M; with Sstc enabled STIP is read-only.
      const w = (h.menvcfg & STCE) !== 0n ? (1 << Irq.SSI) | (1 << Irq.SEI) : S_INTS;
      h.mipSw = (h.mipSw & ~w) | (lo & w); h.irqDirty = true; return true;
    }
    case Csr.STVEC: h.stvec = v & ~2n; return true;
    case Csr.MTVEC: h.mtvec = v & ~2n; return true;
    case Csr.SCOUNTEREN: h.scounteren = lo; return true;
    case Csr.MCOUNTEREN: h.mcounteren = lo; return true;
    case Csr.SENVCFG: h.senvcfg = v & 1n; return true;
    case Csr.MENVCFG: h.menvcfg = v & (STCE | 1n); h.timersChanged(); return true;
    case Csr.SSCRATCH: h.sscratch = v; return true;
    case Csr.MSCRATCH: h.mscratch = v; return true;
    case Csr.SEPC: h.sepc = v & ~1n; return true;
    case Csr.MEPC: h.mepc = v & ~1n; return true;
    case Csr.SCAUSE: h.scause = v; return true;
    case Csr.MCAUSE: h.mcause = v; return true;
    case Csr.STVAL: h.stval = v; return true;
    case Csr.MTVAL: h.mtval = v; return true;
    case Csr.STIMECMP: h.stimecmp = v; h.timersChanged(); return true;
    case Csr.SATP: return writeSatp(h, v);
    case Csr.MEDELEG: h.medeleg = lo & MEDELEG_W; return true;
    case Csr.MIDELEG: h.mideleg = lo & S_INTS; h.irqDirty = true; return true;
    case Csr.MCYCLE: h.mcycleOffset = v - BigInt(h.cycle) - 1n; return true; // the write lands after this instruction retires
    case Csr.MINSTRET: h.minstretOffset = v - BigInt(h.instret) - 1n; return true;
    case Csr.MISA: case Csr.MCOUNTINHIBIT: case Csr.TSELECT: case Csr.TDATA1: case Csr.TDATA2: case Csr.TDATA3:
      return true; // WARL, hard-wired
  }
  if (csr >= Csr.PMPCFG0 && csr < Csr.PMPCFG0 + 16) { h.pmpcfg[(csr - Csr.PMPCFG0) >> 1] = v; return true; }
  if (csr >= Csr.PMPADDR0 && csr < Csr.PMPADDR0 + 64) { h.pmpaddr[csr - Csr.PMPADDR0] = v & ((1n << 54n) - 1n); return true; }
  return true; // the hpm counters and events: read-only zero, writes ignored
}

function setStatus(h: Hart, s: number): void {
  // MPP is WARL: 2 (reserved) is legalized to U.
  if ((s & St.MPP) === 2 << 11) s &= ~St.MPP;
  const changed = h.mstatus ^ s;
  h.mstatus = s;
  if (changed & (St.MPRV | St.MPP | St.SUM | St.MXR)) h.translationChanged();
  if (changed & (St.MIE | St.SIE)) h.irqDirty = true;
}

function writeSatp(h: Hart, v: bigint): boolean {
  // priv 4.1.11: "If satp is written with an unsupported MODE, the entire write has no effect".
  const mode = v >> 60n;
  if (mode !== 0n && mode !== 8n) return true;
  h.satp = mode === 0n ? 0n : v & ((0xfn << 60n) | (0xffffn << 44n) | ((1n << 44n) - 1n));
  h.translationChanged();
  return true;
}
