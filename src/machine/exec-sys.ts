// The interpreter's less frequent instruction groups, kept out of the hot
// switch: Zicsr, A (LR/SC and AMOs) and the F/D arithmetic.

import type { Hart } from './hart.js';
import { Op, PROPS, Prop } from '../isa/table.js';
import { X0_SINK } from '../isa/decode.js';
import { csrReadPair, csrWritePair, csrOut, St } from './csr.js';
import { Access } from './mmu.js';
import { amoAddress } from './mem.js';
import { Hook, HOOK_SHIFT } from './bus.js';

/**
 * Executes a Zicsr instruction. Returns false when it is illegal (the caller
 * raises illegal-instruction). unpriv 9.1: CSRRS/CSRRC with rs1=x0 and the
 * immediate forms with uimm=0 do not write, so they never fault on read-only
 * CSRs. Moves int32 pairs (csr.ts): no bigint.
 */
export function execCsr(h: Hart, op: Op, d: number, s1: number, csr: number): boolean {
  if (!csrReadPair(h, csr)) return false;
  const oldLo = csrOut.lo, oldHi = csrOut.hi;
  const imm = op >= Op.CSRRWI;
  const srcLo = imm ? s1 : h.x[s1], srcHi = imm ? 0 : h.x[s1 + 1];
  let lo: number, hi: number, write = true;
  switch (op) {
    case Op.CSRRW: case Op.CSRRWI: lo = srcLo; hi = srcHi; break;
    case Op.CSRRS: case Op.CSRRSI: lo = oldLo | srcLo; hi = oldHi | srcHi; write = s1 !== 0; break;
    default: lo = oldLo & ~srcLo; hi = oldHi & ~srcHi; write = s1 !== 0; break;
  }
  if (write && !csrWritePair(h, csr, lo, hi)) return false;
  if (d !== X0_SINK) { h.x[d] = oldLo; h.x[d + 1] = oldHi; }
  return true;
}

/**
 * Executes LR, SC or an AMO. Returns false after recording a fault in h.exc.
 * AMOs need write permission (page faults are store/AMO faults, cause 15).
 * The harts run one at a time (several harts interleave by quanta), so
 * memory is sequentially consistent and aq/rl need no action. With several
 * harts an LR marks its granule Hook.RESERVED, and a write here by an SC or
 * an AMO to a marked granule breaks the other harts' reservations (unpriv
 * 8.2: "The SC must fail if ... another hart ... write[s] to the bytes").
 */
export function execAmo(h: Hart, op: Op, d: number, s1: number, s2: number): boolean {
  const x = h.x, ram32 = h.bus.ram32, wide = op >= Op.LR_D;
  const k = op - (wide ? Op.LR_D : Op.LR_W); // 0 lr, 1 sc, 2 swap, 3 add, ...
  const off = amoAddress(h, x[s1], x[s1 + 1], wide ? 8 : 4, k === 0 ? Access.READ : Access.WRITE);
  if (off < 0) return false;
  const w = off >> 2;
  if (k === 1) { // SC: succeeds only with a live reservation on this address (unpriv 8.2)
    const ok = h.reservation === off;
    h.reservation = -1;
    if (ok) { ram32[w] = x[s2]; if (wide) ram32[w + 1] = x[s2 + 1]; }
    if (ok && (h.bus.hooks[off >>> HOOK_SHIFT] & Hook.RESERVED) !== 0) h.bus.onReserved(off, wide ? 8 : 4, h.hartId);
    x[d] = ok ? 0 : 1; x[d + 1] = 0;
    return true;
  }
  const oldLo = ram32[w], oldHi = wide ? ram32[w + 1] : oldLo >> 31;
  if (k === 0) {
    h.reservation = off;
    if (h.bus.smp) h.bus.hooks[off >>> HOOK_SHIFT] |= Hook.RESERVED;
  } else {
    const bl = x[s2], bh = wide ? x[s2 + 1] : bl >> 31;
    amoCompute(k, oldLo, oldHi, bl, bh);
    ram32[w] = amoOut.lo;
    if (wide) ram32[w + 1] = amoOut.hi;
    if ((h.bus.hooks[off >>> HOOK_SHIFT] & Hook.RESERVED) !== 0) h.bus.onReserved(off, wide ? 8 : 4, h.hartId);
  }
  x[d] = oldLo; x[d + 1] = oldHi;
  return true;
}

const amoOut = { lo: 0, hi: 0 };

function amoCompute(k: number, al: number, ah: number, bl: number, bh: number): void {
  const ltS = ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
  const ltU = (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
  let lo = bl, hi = bh;
  switch (k) {
    case 2: break; // swap
    case 3: lo = (al + bl) | 0; hi = (ah + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; break;
    case 4: lo = al ^ bl; hi = ah ^ bh; break;
    case 5: lo = al & bl; hi = ah & bh; break;
    case 6: lo = al | bl; hi = ah | bh; break;
    case 7: if (ltS) { lo = al; hi = ah; } break; // min
    case 8: if (!ltS) { lo = al; hi = ah; } break; // max
    case 9: if (ltU) { lo = al; hi = ah; } break; // minu
    default: if (!ltU) { lo = al; hi = ah; } break; // maxu
  }
  amoOut.lo = lo; amoOut.hi = hi;
}

/**
 * Executes an F/D computational instruction (not loads/stores). Returns false
 * when illegal: FS is Off (priv 3.1.6.6), or the rounding mode is reserved
 * (unpriv 13.2: rm 5 and 6, or rm=DYN with an invalid frm).
 */
export function execFp(h: Hart, op: Op, d: number, s1: number, s2: number, s3: number, rmField: number): boolean {
  if ((h.mstatus & St.FS) === 0 || op < Op.FMADD_S || op >= Op.COUNT) return false;
  const rm = rmField === 7 ? h.fpu.frm : rmField;
  if (rm > 4 && (PROPS[op] & Prop.RM) !== 0) return false;
  const u = h.fpu, rd = d >> 1, a = s1 >> 1, b = s2 >> 1, c = s3 >> 1;
  switch (op) {
    case Op.FMADD_S: u.fmadd_s(rd, a, b, c, rm); break;
    case Op.FMSUB_S: u.fmsub_s(rd, a, b, c, rm); break;
    case Op.FNMSUB_S: u.fnmsub_s(rd, a, b, c, rm); break;
    case Op.FNMADD_S: u.fnmadd_s(rd, a, b, c, rm); break;
    case Op.FADD_S: u.fadd_s(rd, a, b, rm); break;
    case Op.FSUB_S: u.fsub_s(rd, a, b, rm); break;
    case Op.FMUL_S: u.fmul_s(rd, a, b, rm); break;
    case Op.FDIV_S: u.fdiv_s(rd, a, b, rm); break;
    case Op.FSQRT_S: u.fsqrt_s(rd, a, rm); break;
    case Op.FSGNJ_S: u.fsgnj_s(rd, a, b); break;
    case Op.FSGNJN_S: u.fsgnjn_s(rd, a, b); break;
    case Op.FSGNJX_S: u.fsgnjx_s(rd, a, b); break;
    case Op.FMIN_S: u.fmin_s(rd, a, b); break;
    case Op.FMAX_S: u.fmax_s(rd, a, b); break;
    case Op.FCVT_W_S: u.fcvt_w_s(rd, a, rm); break;
    case Op.FCVT_WU_S: u.fcvt_wu_s(rd, a, rm); break;
    case Op.FCVT_L_S: u.fcvt_l_s(rd, a, rm); break;
    case Op.FCVT_LU_S: u.fcvt_lu_s(rd, a, rm); break;
    case Op.FMV_X_W: u.fmv_x_w(rd, a); break;
    case Op.FEQ_S: u.feq_s(rd, a, b); break;
    case Op.FLT_S: u.flt_s(rd, a, b); break;
    case Op.FLE_S: u.fle_s(rd, a, b); break;
    case Op.FCLASS_S: u.fclass_s(rd, a); break;
    case Op.FCVT_S_W: u.fcvt_s_w(rd, a, rm); break;
    case Op.FCVT_S_WU: u.fcvt_s_wu(rd, a, rm); break;
    case Op.FCVT_S_L: u.fcvt_s_l(rd, a, rm); break;
    case Op.FCVT_S_LU: u.fcvt_s_lu(rd, a, rm); break;
    case Op.FMV_W_X: u.fmv_w_x(rd, a); break;
    case Op.FMADD_D: u.fmadd_d(rd, a, b, c, rm); break;
    case Op.FMSUB_D: u.fmsub_d(rd, a, b, c, rm); break;
    case Op.FNMSUB_D: u.fnmsub_d(rd, a, b, c, rm); break;
    case Op.FNMADD_D: u.fnmadd_d(rd, a, b, c, rm); break;
    case Op.FADD_D: u.fadd_d(rd, a, b, rm); break;
    case Op.FSUB_D: u.fsub_d(rd, a, b, rm); break;
    case Op.FMUL_D: u.fmul_d(rd, a, b, rm); break;
    case Op.FDIV_D: u.fdiv_d(rd, a, b, rm); break;
    case Op.FSQRT_D: u.fsqrt_d(rd, a, rm); break;
    case Op.FSGNJ_D: u.fsgnj_d(rd, a, b); break;
    case Op.FSGNJN_D: u.fsgnjn_d(rd, a, b); break;
    case Op.FSGNJX_D: u.fsgnjx_d(rd, a, b); break;
    case Op.FMIN_D: u.fmin_d(rd, a, b); break;
    case Op.FMAX_D: u.fmax_d(rd, a, b); break;
    case Op.FCVT_S_D: u.fcvt_s_d(rd, a, rm); break;
    case Op.FCVT_D_S: u.fcvt_d_s(rd, a, rm); break;
    case Op.FCVT_W_D: u.fcvt_w_d(rd, a, rm); break;
    case Op.FCVT_WU_D: u.fcvt_wu_d(rd, a, rm); break;
    case Op.FCVT_L_D: u.fcvt_l_d(rd, a, rm); break;
    case Op.FCVT_LU_D: u.fcvt_lu_d(rd, a, rm); break;
    case Op.FMV_X_D: u.fmv_x_d(rd, a); break;
    case Op.FEQ_D: u.feq_d(rd, a, b); break;
    case Op.FLT_D: u.flt_d(rd, a, b); break;
    case Op.FLE_D: u.fle_d(rd, a, b); break;
    case Op.FCLASS_D: u.fclass_d(rd, a); break;
    case Op.FCVT_D_W: u.fcvt_d_w(rd, a, rm); break;
    case Op.FCVT_D_WU: u.fcvt_d_wu(rd, a, rm); break;
    case Op.FCVT_D_L: u.fcvt_d_l(rd, a, rm); break;
    case Op.FCVT_D_LU: u.fcvt_d_lu(rd, a, rm); break;
    case Op.FMV_D_X: u.fmv_d_x(rd, a); break;
    default: return false;
  }
  h.mstatus |= St.FS; // priv 3.1.6.6: FS becomes Dirty (fflags may have changed even for compares)
  return true;
}
