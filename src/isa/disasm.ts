// The disassembler: the instruction table's formats printed the way objdump
// prints them with -M no-aliases (ABI register names, decimal immediates).

import { Fmt } from './table.js';
import { lookup, immB, immI, immJ, immS, immU } from './decode.js';
import { expandRvc } from './rvc.js';

export const XNAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
export const FNAMES = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3',
  'fa4', 'fa5', 'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'rm5', 'rm6', 'dyn'];

/** Disassembles instruction bits at `pc` (a 16-bit parcel is expanded first). Never throws. */
export function disassemble(bits: number, pc: number): string {
  const compressed = (bits & 3) !== 3;
  const inst = compressed ? expandRvc(bits & 0xffff) : bits >>> 0;
  const def = inst === 0 ? undefined : lookup(inst);
  if (def === undefined) return compressed ? `.insn 0x${(bits & 0xffff).toString(16)}` : `.insn 0x${(bits >>> 0).toString(16)}`;
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31, rs3 = inst >>> 27;
  const x = (r: number) => XNAMES[r], f = (r: number) => FNAMES[r];
  const rm = RM[(inst >>> 12) & 7];
  const name = def.name; // an RVC parcel prints as its 32-bit equivalent (the trace's hex column shows 4 digits)
  const target = (off: number) => '0x' + BigInt.asUintN(64, BigInt(pc + off)).toString(16);
  switch (def.fmt) {
    case Fmt.R: return `${name} ${x(rd)},${x(rs1)},${x(rs2)}`;
    case Fmt.I:
      if (inst & 0x40 && (inst & 0x7f) === 0x67) return `${name} ${x(rd)},${immI(inst)}(${x(rs1)})`;
      if ((inst & 0x7f) === 0x03) return `${name} ${x(rd)},${immI(inst)}(${x(rs1)})`;
      return `${name} ${x(rd)},${x(rs1)},${immI(inst)}`;
    case Fmt.S: return `${name} ${x(rs2)},${immS(inst)}(${x(rs1)})`;
    case Fmt.B: return `${name} ${x(rs1)},${x(rs2)},${target(immB(inst))}`;
    case Fmt.U: return `${name} ${x(rd)},0x${(immU(inst) >>> 12).toString(16)}`;
    case Fmt.J: return `${name} ${x(rd)},${target(immJ(inst))}`;
    case Fmt.SH: return `${name} ${x(rd)},${x(rs1)},0x${((inst >>> 20) & 63).toString(16)}`;
    case Fmt.SHW: return `${name} ${x(rd)},${x(rs1)},0x${((inst >>> 20) & 31).toString(16)}`;
    case Fmt.CSR: return `${name} ${x(rd)},0x${((inst >>> 20) & 0xfff).toString(16)},${x(rs1)}`;
    case Fmt.CSRI: return `${name} ${x(rd)},0x${((inst >>> 20) & 0xfff).toString(16)},${rs1}`;
    case Fmt.AMO: return `${name} ${x(rd)},${x(rs2)},(${x(rs1)})`;
    case Fmt.LR: return `${name} ${x(rd)},(${x(rs1)})`;
    case Fmt.NONE: case Fmt.FENCE: return name;
    case Fmt.SFENCE: return `${name} ${x(rs1)},${x(rs2)}`;
    case Fmt.FL: return `${name} ${f(rd)},${immI(inst)}(${x(rs1)})`;
    case Fmt.FS: return `${name} ${f(rs2)},${immS(inst)}(${x(rs1)})`;
    case Fmt.FR: return `${name} ${f(rd)},${f(rs1)},${f(rs2)}` + (def.mask === 0xfe00007f ? `,${rm}` : '');
    case Fmt.FR1: return `${name} ${f(rd)},${f(rs1)},${rm}`;
    case Fmt.FR4: return `${name} ${f(rd)},${f(rs1)},${f(rs2)},${f(rs3)},${rm}`;
    case Fmt.FCMP: return `${name} ${x(rd)},${f(rs1)},${f(rs2)}`;
    case Fmt.F2X: return def.mask === 0xfff0707f ? `${name} ${x(rd)},${f(rs1)}` : `${name} ${x(rd)},${f(rs1)},${rm}`;
    case Fmt.X2F: return def.mask === 0xfff0707f ? `${name} ${f(rd)},${x(rs1)}` : `${name} ${f(rd)},${x(rs1)},${rm}`;
  }
  return name;
}


/** One line of an instruction trace: address, encoding (4 or 2 bytes) and disassembly. */
export function insnLine(pc: number, bits: number): string {
  const addr = '0x' + BigInt.asUintN(64, BigInt(pc)).toString(16);
  const enc = (bits & 3) === 3 ? (bits >>> 0).toString(16).padStart(8, '0') : (bits & 0xffff).toString(16).padStart(4, '0').padStart(8);
  return `${addr.padStart(18)} ${enc}  ${disassemble(bits, pc)}`;
}
