// The interpreter: runs one decoded block. Table-driven dispatch, so this is
// the one long function the style guide allows (STYLE.md rule 8).
//
// Contract: execBlock runs instructions of `blk` from h.pc until the block
// ends or an instruction traps. On return h.pc is the next pc (or the trap
// handler's), h.cycle and h.instret include every retired instruction, and
// the return value is how many retired. An instruction that traps does not
// retire (priv 3.3.1: ecall and ebreak included).

import type { Hart } from './hart.js';
import type { Block } from './blocks.js';
import { Op } from '../isa/table.js';
import { REC } from '../isa/decode.js';
import { mem, loadOp, load32, load64, store8, store16, store32, store64 } from './mem.js';
import * as alu from './alu.js';
import { Cause, Mode, takeTrap } from './trap.js';
import { St } from './csr.js';
import { execCsr, execAmo, execFp } from './exec-sys.js';
import { S, T } from './layout.js';

const TWO32 = 4294967296;

/** Retires k instructions (one cycle each). Trap paths call it before taking the trap, so the trap sees the time of the faulting instruction. */
function done(h: Hart, k: number): number {
  const t = h.t;
  t[T.CYCLE] += k;
  t[T.INSTRET] += k;
  return k;
}

/** High word of (al, ah) + sign-extended imm, given the low word lo of the sum. */
export function addHi(al: number, ah: number, imm: number, lo: number): number {
  return (ah + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
}

export function setNum(x: Int32Array, d: number, v: number): void {
  x[d] = v | 0;
  x[d + 1] = Math.floor(v / TWO32) | 0;
}

/** Takes illegal-instruction at pc with tval = the instruction bits (priv 3.1.16). */
export function illegal(h: Hart, pc: number, bits: number): void {
  setPc(h.s, pc);
  takeTrap(h, Cause.ILLEGAL, false, bits, 0);
}

/** How a block ended, when an instruction trapped (the trap is taken after the pc and the counters are stored). */
const enum Trap { NONE, RAISE, ECALL }

/** Sets pc to v, a pc an instruction computed from its own (exact: |v| < 2^53). */
export function setPc(st: Int32Array, v: number): void {
  const lo = v >>> 0;
  st[S.PC] = lo;
  st[S.PC + 1] = (v - lo) / TWO32; // an exact integer: no rounding, unlike Math.floor(v / 2^32)
}

/**
 * `from` > 0: the block's first `from` instructions already ran (compiled
 * code left at a load or store it could not do inline, jit/wasm.ts), none of
 * them counted yet; the rest run here, and the block's end or a trap counts
 * them all, as if the whole block had run here.
 */
export function execBlock(h: Hart, blk: Block, from = 0): number {
  const x = h.x, f = h.f, st = h.s, r = blk.recs, n = blk.n;
  const trace = h.onInsn;
  // As a number: exact, since the block was fetched there (RAM, or a sign-extended Sv39 address).
  let pc = st[S.PC + 1] * TWO32 + (st[S.PC] >>> 0);
  let k = n; // instructions retired
  let trap = Trap.NONE; // a trap the instruction at pc raised (it did not retire)
  for (let i = 0; i < from; i++) pc += r[i * REC + 7]; // pc is the block's start: the pc of instruction `from`
  run: for (let i = from, b = from * REC; i < n; i++, b += REC) {
    if (trace !== undefined) trace(pc, blk.raw[i]);
    const d = r[b + 1], s1 = r[b + 2], s2 = r[b + 3], imm = r[b + 4];
    switch (r[b]) {
      case Op.LUI: x[d] = imm; x[d + 1] = imm >> 31; break;
      case Op.AUIPC: setNum(x, d, pc + imm); break;
      case Op.JAL: setNum(x, d, pc + r[b + 7]); pc = pc + imm; k = i + 1; break run;
      case Op.JALR: {
        const al = x[s1], lo = ((al + imm) | 0) & ~1, hi = addHi(al, x[s1 + 1], imm, (al + imm) | 0);
        setNum(x, d, pc + r[b + 7]);
        st[S.PC] = lo; st[S.PC + 1] = hi; // all 64 bits: the target may be far above 2^53
        return done(h, i + 1);
      }
      case Op.BEQ: pc = x[s1] === x[s2] && x[s1 + 1] === x[s2 + 1] ? pc + imm : pc + r[b + 7]; k = i + 1; break run;
      case Op.BNE: pc = x[s1] !== x[s2] || x[s1 + 1] !== x[s2 + 1] ? pc + imm : pc + r[b + 7]; k = i + 1; break run;
      case Op.BLT: pc = alu.lt64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]) ? pc + imm : pc + r[b + 7]; k = i + 1; break run;
      case Op.BGE: pc = !alu.lt64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]) ? pc + imm : pc + r[b + 7]; k = i + 1; break run;
      case Op.BLTU: pc = alu.ltu64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]) ? pc + imm : pc + r[b + 7]; k = i + 1; break run;
      case Op.BGEU: pc = !alu.ltu64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]) ? pc + imm : pc + r[b + 7]; k = i + 1; break run;

      case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU: {
        const al = x[s1], lo = (al + imm) | 0, hi = addHi(al, x[s1 + 1], imm, lo);
        const v = loadOp(h, r[b], lo, hi), vh = mem.hi;
        if (st[S.EXC] !== 0) { k = i; trap = Trap.RAISE; break run; }
        x[d] = v; x[d + 1] = vh;
        break;
      }
      case Op.SB: case Op.SH: case Op.SW: case Op.SD: {
        const al = x[s1], lo = (al + imm) | 0, hi = addHi(al, x[s1 + 1], imm, lo);
        switch (r[b]) {
          case Op.SB: store8(h, lo, hi, x[s2]); break;
          case Op.SH: store16(h, lo, hi, x[s2]); break;
          case Op.SW: store32(h, lo, hi, x[s2]); break;
          default: store64(h, lo, hi, x[s2], x[s2 + 1]); break;
        }
        if (st[S.EXC] !== 0) { k = i; trap = Trap.RAISE; break run; }
        break;
      }

      case Op.ADDI: { const al = x[s1], lo = (al + imm) | 0; x[d + 1] = addHi(al, x[s1 + 1], imm, lo); x[d] = lo; break; }
      case Op.SLTI: { const v = alu.lt64(x[s1], x[s1 + 1], imm, imm >> 31) ? 1 : 0; x[d] = v; x[d + 1] = 0; break; }
      case Op.SLTIU: { const v = alu.ltu64(x[s1], x[s1 + 1], imm, imm >> 31) ? 1 : 0; x[d] = v; x[d + 1] = 0; break; }
      case Op.XORI: x[d + 1] = x[s1 + 1] ^ (imm >> 31); x[d] = x[s1] ^ imm; break;
      case Op.ORI: x[d + 1] = x[s1 + 1] | (imm >> 31); x[d] = x[s1] | imm; break;
      case Op.ANDI: x[d + 1] = x[s1 + 1] & (imm >> 31); x[d] = x[s1] & imm; break;
      case Op.SLLI: { const lo = alu.sll64(x[s1], x[s1 + 1], imm); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.SRLI: { const lo = alu.srl64(x[s1], x[s1 + 1], imm); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.SRAI: { const lo = alu.sra64(x[s1], x[s1 + 1], imm); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.ADDIW: { const v = (x[s1] + imm) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SLLIW: { const v = x[s1] << imm; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRLIW: { const v = (x[s1] >>> imm) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRAIW: { const v = x[s1] >> imm; x[d] = v; x[d + 1] = v >> 31; break; }

      case Op.ADD: { const al = x[s1], lo = (al + x[s2]) | 0; x[d + 1] = (x[s1 + 1] + x[s2 + 1] + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; x[d] = lo; break; }
      case Op.SUB: { const al = x[s1], bl = x[s2]; x[d + 1] = (x[s1 + 1] - x[s2 + 1] - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; x[d] = (al - bl) | 0; break; }
      case Op.SLL: { const lo = alu.sll64(x[s1], x[s1 + 1], x[s2] & 63); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.SRL: { const lo = alu.srl64(x[s1], x[s1 + 1], x[s2] & 63); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.SRA: { const lo = alu.sra64(x[s1], x[s1 + 1], x[s2] & 63); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.SLT: { const v = alu.lt64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]) ? 1 : 0; x[d] = v; x[d + 1] = 0; break; }
      case Op.SLTU: { const v = alu.ltu64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]) ? 1 : 0; x[d] = v; x[d + 1] = 0; break; }
      case Op.XOR: x[d + 1] = x[s1 + 1] ^ x[s2 + 1]; x[d] = x[s1] ^ x[s2]; break;
      case Op.OR: x[d + 1] = x[s1 + 1] | x[s2 + 1]; x[d] = x[s1] | x[s2]; break;
      case Op.AND: x[d + 1] = x[s1 + 1] & x[s2 + 1]; x[d] = x[s1] & x[s2]; break;
      case Op.ADDW: { const v = (x[s1] + x[s2]) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SUBW: { const v = (x[s1] - x[s2]) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SLLW: { const v = x[s1] << (x[s2] & 31); x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRLW: { const v = (x[s1] >>> (x[s2] & 31)) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRAW: { const v = x[s1] >> (x[s2] & 31); x[d] = v; x[d + 1] = v >> 31; break; }

      case Op.MUL: { const lo = alu.mul64(x[s1], x[s1 + 1], x[s2], x[s2 + 1]); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.MULH: { const lo = alu.mulh(x[s1], x[s1 + 1], x[s2], x[s2 + 1]); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.MULHSU: { const lo = alu.mulhsu(x[s1], x[s1 + 1], x[s2], x[s2 + 1]); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.MULHU: { const lo = alu.mulhu(x[s1], x[s1 + 1], x[s2], x[s2 + 1]); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.DIV: case Op.REM: { const lo = alu.div64(x[s1], x[s1 + 1], x[s2], x[s2 + 1], r[b] === Op.REM); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.DIVU: case Op.REMU: { const lo = alu.divu64(x[s1], x[s1 + 1], x[s2], x[s2 + 1], r[b] === Op.REMU); x[d] = lo; x[d + 1] = alu.out.hi; break; }
      case Op.MULW: { const v = Math.imul(x[s1], x[s2]); x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.DIVW: case Op.REMW: { const v = alu.div32(x[s1], x[s2], r[b] === Op.REMW); x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.DIVUW: case Op.REMUW: { const v = alu.divu32(x[s1], x[s2], r[b] === Op.REMUW); x[d] = v; x[d + 1] = v >> 31; break; }

      case Op.FENCE: break;
      case Op.FENCE_I: pc = pc + r[b + 7]; k = i + 1; break run; // stores already invalidated decoded blocks
      case Op.ECALL: k = i; trap = Trap.ECALL; break run;
      case Op.EBREAK: done(h, i); setPc(st, pc); takeTrap(h, Cause.BREAKPOINT, false, st[S.PC], st[S.PC + 1]); return i;
      case Op.MRET:
        if (st[S.PRIV] !== Mode.M) { done(h, i); illegal(h, pc, blk.raw[i]); return i; }
        h.mret(); return done(h, i + 1);
      case Op.SRET: // priv 3.1.6.5: "When TSR=1, attempts to execute SRET while executing in S-mode will raise an illegal instruction exception."
        if (st[S.PRIV] === Mode.U || (st[S.PRIV] === Mode.S && (st[S.MSTATUS] & St.TSR))) { done(h, i); illegal(h, pc, blk.raw[i]); return i; }
        h.sret(); return done(h, i + 1);
      case Op.WFI: // priv 3.1.6.5 (TW): we choose a time limit of zero, so wfi below M with TW=1 traps at once; U-mode always traps.
        if (st[S.PRIV] === Mode.U || (st[S.PRIV] === Mode.S && (st[S.MSTATUS] & St.TW))) { done(h, i); illegal(h, pc, blk.raw[i]); return i; }
        h.wfi = true; pc = pc + r[b + 7]; k = i + 1; break run;
      case Op.SFENCE_VMA:
        if (st[S.PRIV] === Mode.U || (st[S.PRIV] === Mode.S && (st[S.MSTATUS] & St.TVM))) { done(h, i); illegal(h, pc, blk.raw[i]); return i; }
        h.sfence(s1); pc = pc + r[b + 7]; k = i + 1; break run;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
        done(h, i); // CSR reads of cycle/instret/time see every earlier instruction of the block
        if (!execCsr(h, r[b], d, s1, imm)) { illegal(h, pc, blk.raw[i]); return i; }
        setPc(st, pc + r[b + 7]);
        return i + done(h, 1);
      case Op.ILLEGAL: done(h, i); illegal(h, pc, blk.raw[i]); return i;

      case Op.FLW: case Op.FLD: case Op.FSW: case Op.FSD: {
        if ((st[S.MSTATUS] & St.FS) === 0) { done(h, i); illegal(h, pc, blk.raw[i]); return i; }
        const al = x[s1], lo = (al + imm) | 0, hi = addHi(al, x[s1 + 1], imm, lo);
        switch (r[b]) {
          case Op.FLW: { const v = load32(h, lo, hi); if (st[S.EXC] === 0) { f[d] = v; f[d + 1] = -1; } break; }
          case Op.FLD: { const v = load64(h, lo, hi); if (st[S.EXC] === 0) { f[d] = v; f[d + 1] = mem.hi; } break; }
          case Op.FSW: store32(h, lo, hi, f[s2]); break;
          default: store64(h, lo, hi, f[s2], f[s2 + 1]); break;
        }
        if (st[S.EXC] !== 0) { k = i; trap = Trap.RAISE; break run; }
        if (r[b] === Op.FLW || r[b] === Op.FLD) st[S.MSTATUS] |= St.FS;
        break;
      }
      default:
        if (r[b] >= Op.LR_W && r[b] <= Op.AMOMAXU_D) {
          if (!execAmo(h, r[b], d, s1, s2)) { k = i; trap = Trap.RAISE; break run; }
        } else if (!execFp(h, r[b], d, s1, s2, r[b + 5], r[b + 6])) {
          done(h, i); illegal(h, pc, blk.raw[i]); return i;
        }
        break;
    }
    pc += r[b + 7];
  }
  // The next pc, stored here once (inline: a double passed to a call that is not inlined is boxed on the heap).
  const lo = pc >>> 0;
  st[S.PC] = lo;
  st[S.PC + 1] = pc >= 0 && pc < TWO32 ? 0 : (pc - lo) / TWO32; // the common case, RAM below 4 GiB, without the arithmetic
  done(h, k);
  if (trap === Trap.RAISE) h.raise(); // the exception a memory helper recorded
  else if (trap === Trap.ECALL) takeTrap(h, Cause.ECALL_U + st[S.PRIV], false, 0, 0);
  return k;
}
