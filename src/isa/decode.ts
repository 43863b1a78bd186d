// Decoding: 32-bit (or RVC-expanded) instruction bits → a fixed-size record
// of small integers, so the interpreter never re-parses bits. Decoded once
// per instruction per physical page (see machine/blocks.ts).

import { Fmt, Op, TABLE, writesIntRd, type InsnDef } from './table.js';
import { expandRvc } from './rvc.js';

/**
 * Record layout, REC int32 fields per instruction:
 *  [0] op          Op
 *  [1] rd * 2      index into the x or f pair array; an integer rd of x0 becomes 64,
 *                  a scratch slot, so writes to x0 need no check on the hot path
 *  [2] rs1 * 2     (CSRI: the raw 5-bit uimm)
 *  [3] rs2 * 2
 *  [4] imm         sign-extended immediate (CSR: the CSR number; shifts: shamt)
 *  [5] rs3 * 2
 *  [6] rm          funct3 (the FP rounding-mode field)
 *  [7] length      2 or 4 bytes
 */
export const REC = 8;
export const X0_SINK = 64;

const byOpcode: InsnDef[][] = [];
for (let k = 0; k < 128; k++) byOpcode.push([]);
for (const def of TABLE) if (def.op !== Op.ILLEGAL) byOpcode[def.match & 0x7f].push(def);
const popcount = (m: number) => { let c = 0; for (; m; m &= m - 1) c++; return c; };
for (const list of byOpcode) list.sort((a, b) => popcount(b.mask) - popcount(a.mask));

/** The table entry for 32-bit instruction bits, or undefined when illegal. */
export function lookup(inst: number): InsnDef | undefined {
  for (const def of byOpcode[inst & 0x7f]) if (((inst & def.mask) >>> 0) === def.match) return def;
  return undefined;
}

export function immI(inst: number): number { return inst >> 20; }
export function immS(inst: number): number { return ((inst >> 25) << 5) | ((inst >>> 7) & 0x1f); }
export function immB(inst: number): number {
  return ((inst >> 31) << 12) | (((inst >>> 7) & 1) << 11) | (((inst >>> 25) & 0x3f) << 5) | (((inst >>> 8) & 0xf) << 1);
}
export function immU(inst: number): number { return inst & 0xfffff000; }
export function immJ(inst: number): number {
  return ((inst >> 31) << 20) | (((inst >>> 12) & 0xff) << 12) | (((inst >>> 20) & 1) << 11) | (((inst >>> 21) & 0x3ff) << 1);
}

function immFor(fmt: Fmt, inst: number): number {
  switch (fmt) {
    case Fmt.I: case Fmt.FL: return immI(inst);
    case Fmt.S: case Fmt.FS: return immS(inst);
    case Fmt.B: return immB(inst);
    case Fmt.U: return immU(inst);
    case Fmt.J: return immJ(inst);
    case Fmt.SH: return (inst >>> 20) & 63;
    case Fmt.SHW: return (inst >>> 20) & 31;
    case Fmt.CSR: case Fmt.CSRI: return (inst >>> 20) & 0xfff;
    default: return 0;
  }
}

/**
 * Decodes the instruction whose low bits are `bits` (a 16-bit RVC parcel when
 * bits & 3 !== 3) into out[at .. at+REC). Returns the 32-bit form (0 when
 * illegal; the record's op is then Op.ILLEGAL).
 */
export function decodeInto(bits: number, out: Int32Array, at: number): number {
  const len = (bits & 3) === 3 ? 4 : 2;
  const inst = len === 4 ? bits >>> 0 : expandRvc(bits & 0xffff);
  const def = inst === 0 ? undefined : lookup(inst);
  out.fill(0, at, at + REC);
  out[at + 7] = len;
  if (def === undefined) return (out[at] = Op.ILLEGAL), 0;
  const rd = (inst >>> 7) & 31;
  out[at] = def.op;
  out[at + 1] = rd === 0 && writesIntRd(def.fmt) ? X0_SINK : rd * 2;
  out[at + 2] = def.fmt === Fmt.CSRI ? (inst >>> 15) & 31 : ((inst >>> 15) & 31) * 2;
  out[at + 3] = ((inst >>> 20) & 31) * 2;
  out[at + 4] = immFor(def.fmt, inst);
  out[at + 5] = ((inst >>> 27) & 31) * 2;
  out[at + 6] = (inst >>> 12) & 7;
  return inst;
}
