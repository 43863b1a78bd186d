// The WebAssembly backend's fast paths for double-precision instructions.
// The exact FPU (fpu.ts) implements every rounding mode and accrued flag of
// unpriv chapters 20 (F) and 21 (D) in JavaScript; compiled code calls it
// through the region's helper, which costs far more than the operation. Most
// FP code runs under round-to-nearest-even once the inexact flag is already
// set (the first inexact result sets it, and programs rarely clear it). Then
// a host f64 operation, which is IEEE 754 round-to-nearest-even, gives the
// same result and leaves fflags as they are, whenever no other flag could be
// raised: operands and result finite, no tiny result (UF), no division by
// zero (DZ), no NaN (NV). Each fast path checks exactly those conditions at
// run time and otherwise takes the helper, so the result and fflags are
// always the FPU's. Operations that are exact or raise nothing (sign
// injection, moves, min/max and compares without NaNs, int32 to double) need
// no flag at all.
//
// Fused multiply-add: WebAssembly's one multiply-add, relaxed SIMD's
// f64x2.relaxed_madd, may round once or twice, as the host likes. Where it
// rounds once (probed once per process: fusedMaddAvailable), compiled code
// uses it: with finite operands and a normal result it is exactly the
// spec's fmadd.d under round-to-nearest-even and raises at most NX. Elsewhere
// (no relaxed SIMD, or a host that rounds twice) it is emulated by Boldo and Melquiond's algorithm
// ("Emulation of FMA and correctly rounded sums: proved algorithms using
// rounding to odd", IEEE Trans. Computers 57(4), 2008): the exact product
// a*b = uh + ul (Veltkamp/Dekker), the exact sum c + uh = th + tl (Knuth),
// v = tl + ul rounded to odd, and the result th + v rounded to nearest,
// which is a*b + c rounded once. Operands are kept to magnitudes in
// [2^-300, 2^300] (or c = 0) so nothing in between overflows or underflows;
// a zero factor makes the product an exact zero, and the sum is then exact.

import { Op } from '../../isa/table.js';
import { S } from '../layout.js';
import { St } from '../csr.js';
import { W, type Code } from './wasm-code.js';
import type { Insn } from './emit.js';

/** What the fast paths need of wasm.ts's emitter. */
export interface FpEmitter {
  readonly c: Code;
  /** Byte addresses of the f registers and the state words. */
  readonly fb: number;
  readonly sb: number;
  reg(d: number): void;
  setReg(d: number, value: () => void): void;
  /** The host's relaxed multiply-add rounds once (fusedMaddAvailable): fma is one instruction. */
  readonly fusedMadd: boolean;
}

/** Locals the fast paths use (wasm.ts allocates them): six f64, one i64. */
export interface FpLocals { f: number[]; i: number }

const NX = 1;
const MIN_NORMAL = 2 ** -1022;
const LO = 2 ** -300, HI = 2 ** 300;
/** Veltkamp's splitting constant for binary64: 2^27 + 1. */
const SPLIT = 134217729;

const ARITH = new Set([Op.FADD_D, Op.FSUB_D, Op.FMUL_D, Op.FDIV_D, Op.FSQRT_D, Op.FMADD_D, Op.FMSUB_D, Op.FNMSUB_D, Op.FNMADD_D]);
const TO_INT = new Set([Op.FCVT_W_D, Op.FCVT_WU_D, Op.FCVT_L_D, Op.FCVT_LU_D]);
const FROM_INT = new Set([Op.FCVT_D_W, Op.FCVT_D_WU, Op.FCVT_D_L, Op.FCVT_D_LU]);
const SIGN = new Set([Op.FSGNJ_D, Op.FSGNJN_D, Op.FSGNJX_D]);
const CMP = new Map([[Op.FEQ_D, W.F64_EQ], [Op.FLT_D, W.F64_LT], [Op.FLE_D, W.F64_LE]]);

/** True when instruction n has a fast path (the static rounding mode must be one it can do). */
export function fpFast(n: Insn): boolean {
  const op = n.op;
  if (ARITH.has(op) || FROM_INT.has(op)) return n.rm === 0 || n.rm === 7;
  if (TO_INT.has(op)) return n.rm <= 3 || n.rm === 7;
  return SIGN.has(op) || CMP.has(op) || op === Op.FMIN_D || op === Op.FMAX_D || op === Op.FMV_X_D || op === Op.FMV_D_X;
}

/** True when the instruction writes an integer register (the helper's result is then reloaded). */
export function writesX(op: Op): boolean {
  if (op < Op.FMADD_S || op >= Op.COUNT) return true;
  return (op >= Op.FCVT_W_S && op <= Op.FCLASS_S) || (op >= Op.FCVT_W_D && op <= Op.FCLASS_D);
}

/**
 * The fast path of n (fpFast(n)): branches to the label 'fslow' when the
 * helper must run it, else completes it (mstatus.FS := Dirty, as execFp does).
 */
export function emitFp(m: FpEmitter, n: Insn, l: FpLocals): void {
  const c = m.c, op = n.op, [A, B, , R] = l.f;
  const fget = (d: number) => c.i32(0).mem(W.F64_LOAD, 3, m.fb + 4 * d);
  const word = (s: S) => c.i32(0).mem(W.I32_LOAD, 2, m.sb + 4 * s);
  const slowIf = () => c.brIf('fslow');
  // FS off: the helper takes the illegal-instruction trap.
  word(S.MSTATUS).i32(St.FS).op(W.I32_AND, W.I32_EQZ); slowIf();
  // rm = dyn: frm must be round-to-nearest-even here (an invalid frm is the helper's illegal instruction).
  const rne = () => { if (n.rm === 7) { word(S.FRM); slowIf(); } };
  const nx = () => { word(S.FFLAGS).i32(NX).op(W.I32_AND, W.I32_EQZ); slowIf(); };
  const fset = (value: () => void) => { c.i32(0); value(); c.mem(W.F64_STORE, 3, m.fb + 4 * n.d); };
  const abs = (x: number) => c.get(x).op(W.F64_ABS);
  /** Not finite, or tiny and not exactly zero from a zero operand (`zeroOk` pushes that condition): the helper. */
  const resultOk = (zeroOk: () => void) => {
    abs(R).f64(Infinity).op(W.F64_LT, W.I32_EQZ); slowIf();
    abs(R).f64(MIN_NORMAL).op(W.F64_GE); zeroOk(); c.op(W.I32_OR, W.I32_EQZ); slowIf();
  };
  const noNaN = () => { c.get(A).get(A).op(W.F64_EQ).get(B).get(B).op(W.F64_EQ, W.I32_AND, W.I32_EQZ); slowIf(); };

  if (ARITH.has(op)) {
    rne(); nx();
    fget(n.s1).set(A);
    if (op !== Op.FSQRT_D) fget(n.s2).set(B);
    switch (op) {
      case Op.FADD_D: case Op.FSUB_D:
        // A finite sum has finite operands; a sum is exact when tiny (no UF).
        c.get(A).get(B).op(op === Op.FADD_D ? W.F64_ADD : W.F64_SUB).set(R);
        abs(R).f64(Infinity).op(W.F64_LT, W.I32_EQZ); slowIf();
        break;
      case Op.FMUL_D:
        c.get(A).get(B).op(W.F64_MUL).set(R);
        resultOk(() => c.get(A).f64(0).op(W.F64_EQ).get(B).f64(0).op(W.F64_EQ, W.I32_OR));
        break;
      case Op.FDIV_D:
        c.get(A).get(B).op(W.F64_DIV).set(R);
        resultOk(() => c.get(A).f64(0).op(W.F64_EQ));
        break;
      case Op.FSQRT_D:
        // sqrt of a finite a >= 0 (or -0) raises at most NX.
        c.get(A).f64(0).op(W.F64_GE).get(A).f64(Infinity).op(W.F64_LT, W.I32_AND, W.I32_EQZ); slowIf();
        c.get(A).op(W.F64_SQRT).set(R);
        break;
      default: fma(m, n, l);
    }
    fset(() => c.get(R));
  } else if (TO_INT.has(op)) {
    if (n.rm === 7) rne();
    fget(n.s1).set(A);
    const round = n.rm === 1 ? W.F64_TRUNC : n.rm === 2 ? W.F64_FLOOR : n.rm === 3 ? W.F64_CEIL : W.F64_NEAREST;
    c.get(A).op(round).set(R);
    // In range after rounding (NaN fails both), else NV: the helper.
    const [lo, hi] = op === Op.FCVT_W_D ? [-(2 ** 31), 2 ** 31] : op === Op.FCVT_WU_D ? [0, 2 ** 32] : op === Op.FCVT_L_D ? [-(2 ** 63), 2 ** 63] : [0, 2 ** 64];
    c.get(R).f64(lo).op(W.F64_GE).get(R).f64(hi).op(W.F64_LT, W.I32_AND, W.I32_EQZ); slowIf();
    // Inexact needs NX set already.
    c.get(R).get(A).op(W.F64_EQ); word(S.FFLAGS).i32(NX).op(W.I32_AND, W.I32_OR, W.I32_EQZ); slowIf();
    // W and WU results are 32-bit values sign-extended to 64 bits (unpriv 21.5, as for fcvt.w.s).
    m.setReg(n.d, () => {
      c.get(R);
      if (op === Op.FCVT_W_D) c.op(W.I32_TRUNC_F64_S, W.I64_EXTEND_I32_S);
      else if (op === Op.FCVT_WU_D) c.op(W.I32_TRUNC_F64_U, W.I64_EXTEND_I32_S);
      else c.op(op === Op.FCVT_L_D ? W.I64_TRUNC_F64_S : W.I64_TRUNC_F64_U);
    });
  } else if (FROM_INT.has(op)) {
    rne();
    m.reg(n.s1); c.set(l.i);
    if (op === Op.FCVT_D_L || op === Op.FCVT_D_LU) {
      // Exact below 2^53 in magnitude; else it rounds: the helper.
      if (op === Op.FCVT_D_L) c.get(l.i).i64n(2 ** 53).op(W.I64_ADD).i64w(0, 0x400000).op(W.I64_GT_U); // x + 2^53 > 2^54 (unsigned)
      else c.get(l.i).i64w(0, 0x200000).op(W.I64_GT_U);
      slowIf();
    }
    fset(() => {
      c.get(l.i);
      if (op === Op.FCVT_D_W) c.op(W.I32_WRAP_I64, W.F64_CONVERT_I32_S);
      else if (op === Op.FCVT_D_WU) c.op(W.I32_WRAP_I64, W.F64_CONVERT_I32_U);
      else c.op(op === Op.FCVT_D_L ? W.F64_CONVERT_I64_S : W.F64_CONVERT_I64_U);
    });
  } else if (SIGN.has(op)) {
    // Sign injection is on the bits, NaNs included (unpriv 21.4: no flags).
    const bits = (d: number) => c.i32(0).mem(W.I64_LOAD, 3, m.fb + 4 * d);
    c.i32(0);
    if (op === Op.FSGNJX_D) { bits(n.s1); bits(n.s2); c.i64w(0, -0x80000000).op(W.I64_AND, W.I64_XOR); } else {
      bits(n.s1); c.i64w(-1, 0x7fffffff).op(W.I64_AND);
      bits(n.s2); if (op === Op.FSGNJN_D) c.i64(-1).op(W.I64_XOR);
      c.i64w(0, -0x80000000).op(W.I64_AND, W.I64_OR);
    }
    c.mem(W.I64_STORE, 3, m.fb + 4 * n.d);
  } else if (CMP.has(op) || op === Op.FMIN_D || op === Op.FMAX_D) {
    fget(n.s1).set(A); fget(n.s2).set(B);
    noNaN(); // a NaN may raise NV (and min/max have their own NaN rules): the helper
    if (CMP.has(op)) m.setReg(n.d, () => c.get(A).get(B).op(CMP.get(op)!, W.I64_EXTEND_I32_U));
    else fset(() => c.get(A).get(B).op(op === Op.FMIN_D ? W.F64_MIN : W.F64_MAX)); // -0 < +0 in both, as RISC-V orders them
  } else if (op === Op.FMV_X_D) {
    m.setReg(n.d, () => c.i32(0).mem(W.I64_LOAD, 3, m.fb + 4 * n.s1));
  } else if (op === Op.FMV_D_X) {
    c.i32(0); m.reg(n.s1); c.mem(W.I64_STORE, 3, m.fb + 4 * n.d);
  }
  c.i32(0); word(S.MSTATUS).i32(St.FS).op(W.I32_OR).mem(W.I32_STORE, 2, m.sb + 4 * S.MSTATUS);
}

/** R := a*b + c rounded once (FMADD/FMSUB/FNMSUB/FNMADD negate a and c), or 'fslow'. */
function fma(m: FpEmitter, n: Insn, l: FpLocals): void {
  const c = m.c, op = n.op, [A, B, C, R] = l.f;
  const slowIf = () => c.brIf('fslow');
  c.i32(0).mem(W.F64_LOAD, 3, m.fb + 4 * n.s3).set(C);
  if (op === Op.FNMSUB_D || op === Op.FNMADD_D) c.get(A).op(W.F64_NEG).set(A);
  if (op === Op.FMSUB_D || op === Op.FNMADD_D) c.get(C).op(W.F64_NEG).set(C);
  const abs = (x: number) => c.get(x).op(W.F64_ABS);
  c.block('fexact'); // (the emulation's exact cases skip the check of the result)
  if (m.fusedMadd) {
    // Finite operands (an infinite or NaN one: the helper), then a*b + c rounded once; a result that is not
    // normal (zero, tiny: UF or an exact zero's sign; past the range: OF) goes to the helper below.
    abs(A).f64(Infinity).op(W.F64_LT); abs(B).f64(Infinity).op(W.F64_LT, W.I32_AND); abs(C).f64(Infinity).op(W.F64_LT, W.I32_AND, W.I32_EQZ);
    slowIf();
    c.get(A).op(...SPLAT).get(B).op(...SPLAT).get(C).op(...SPLAT).op(...MADD).op(...LANE0).set(R);
  } else fmaEmulated(m, l);
  // A result that is not normal (zero, tiny, or past the range) goes to the helper.
  abs(R).f64(MIN_NORMAL).op(W.F64_GE); abs(R).f64(Infinity).op(W.F64_LT, W.I32_AND, W.I32_EQZ);
  slowIf();
  c.end(); // fexact
}

/** Boldo and Melquiond's emulation (the file's head): R := a*b + c rounded once, or 'fslow', or 'fexact' for an exact sum. */
function fmaEmulated(m: FpEmitter, l: FpLocals): void {
  const c = m.c, [A, B, C, R, T, U] = l.f;
  const slowIf = () => c.brIf('fslow');
  const abs = (x: number) => c.get(x).op(W.F64_ABS);
  const inRange = (x: number) => { abs(x).f64(LO).op(W.F64_GE); abs(x).f64(HI).op(W.F64_LE, W.I32_AND); };
  const finite = (x: number) => { abs(x).f64(Infinity).op(W.F64_LT); };
  // A zero factor (the other finite): the product is an exact signed zero, and adding c to it rounds nothing and
  // gives IEEE's sign of a zero sum; no flag (a NaN or infinite operand: the helper).
  c.get(A).f64(0).op(W.F64_EQ).get(B).f64(0).op(W.F64_EQ, W.I32_OR).if();
  finite(A); finite(B); c.op(W.I32_AND); finite(C); c.op(W.I32_AND, W.I32_EQZ); slowIf();
  c.get(A).get(B).op(W.F64_MUL).get(C).op(W.F64_ADD).set(R);
  c.br('fexact');
  c.end();
  inRange(A); inRange(B); c.op(W.I32_AND); inRange(C); c.get(C).f64(0).op(W.F64_EQ, W.I32_OR, W.I32_AND, W.I32_EQZ); slowIf();
  // c = 0: a*b (nonzero here) + 0 is the product rounded once.
  c.get(C).f64(0).op(W.F64_EQ).if();
  c.get(A).get(B).op(W.F64_MUL).set(R);
  c.else();
  // uh = a*b (in U), ul = its error (in T), from a = ah + al and b = bh + bl (Veltkamp).
  const split = (x: number, hi: number, lo: number) => {
    c.get(x).f64(SPLIT).op(W.F64_MUL).set(hi);
    c.get(hi).get(hi).get(x).op(W.F64_SUB, W.F64_SUB).set(hi);
    c.get(x).get(hi).op(W.F64_SUB).set(lo);
  };
  c.get(A).get(B).op(W.F64_MUL).set(U);
  split(A, R, T); // ah in R, al in T
  // ul = ((ah*bh - uh) + ah*bl + al*bh) + al*bl, with bh, bl computed in place
  c.get(B).f64(SPLIT).op(W.F64_MUL).set(A); // A := t (a is no longer needed)
  c.get(A).get(A).get(B).op(W.F64_SUB, W.F64_SUB).set(A); // A := bh
  c.get(B).get(A).op(W.F64_SUB).set(B); // B := bl
  c.get(R).get(A).op(W.F64_MUL).get(U).op(W.F64_SUB); // ah*bh - uh
  c.get(R).get(B).op(W.F64_MUL, W.F64_ADD); // + ah*bl
  c.get(T).get(A).op(W.F64_MUL, W.F64_ADD); // + al*bh
  c.get(T).get(B).op(W.F64_MUL, W.F64_ADD).set(T); // + al*bl: T := ul
  // th = c + uh (in R), tl = its error (in A)
  c.get(C).get(U).op(W.F64_ADD).set(R);
  c.get(R).get(C).op(W.F64_SUB).set(B); // z = th - c
  c.get(C).get(R).get(B).op(W.F64_SUB, W.F64_SUB).get(U).get(B).op(W.F64_SUB, W.F64_ADD).set(A); // tl
  // v = tl + ul (in U), e = its error (in C), then v rounded to odd: an inexact v with an even significand moves one ulp toward e.
  c.get(A).get(T).op(W.F64_ADD).set(U);
  c.get(U).get(A).op(W.F64_SUB).set(B);
  c.get(A).get(U).get(B).op(W.F64_SUB, W.F64_SUB).get(T).get(B).op(W.F64_SUB, W.F64_ADD).set(C);
  c.get(C).f64(0).op(W.F64_NE).get(U).op(W.I64_REINTERPRET_F64).i64(1).op(W.I64_AND, W.I64_EQZ, W.I32_AND).if();
  c.get(U).op(W.I64_REINTERPRET_F64);
  c.i64(1).i64(-1).get(C).f64(0).op(W.F64_LT).get(U).f64(0).op(W.F64_LT, W.I32_EQ).op(W.SELECT);
  c.op(W.I64_ADD, W.F64_REINTERPRET_I64).set(U);
  c.end();
  c.get(R).get(U).op(W.F64_ADD).set(R);
  c.end();
}

/** Relaxed SIMD (0xfd prefix): f64x2.splat, f64x2.relaxed_madd (a*b + c lane by lane), f64x2.extract_lane 0. */
const SPLAT = [0xfd, 0x14], MADD = [0xfd, 0x87, 0x02], LANE0 = [0xfd, 0x21, 0];

let fused: boolean | undefined;

/**
 * True when this host's WebAssembly has relaxed SIMD and its multiply-add
 * rounds once. Probed once, by a one-function module, on two cases where
 * rounding twice gives a different answer: (1 + 2^-27)(1 - 2^-27) - 1 is
 * -2^-54 exactly (twice: 0), and (1 + 2^-52)(1 + 2^-52) - (1 + 2^-51) is
 * 2^-104 (twice: 0).
 */
export function fusedMaddAvailable(): boolean {
  if (fused !== undefined) return fused;
  const body = [0, 0x20, 0, ...SPLAT, 0x20, 1, ...SPLAT, 0x20, 2, ...SPLAT, ...MADD, ...LANE0, 0x0b];
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7c, 0x7c, 0x7c, 1, 0x7c,
    3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, body.length + 2, 1, body.length, ...body]);
  fused = false;
  try {
    if (WebAssembly.validate(bytes)) {
      const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as (a: number, b: number, c: number) => number;
      fused = f(1 + 2 ** -27, 1 - 2 ** -27, -1) === -(2 ** -54) && f(1 + 2 ** -52, 1 + 2 ** -52, -(1 + 2 ** -51)) === 2 ** -104;
    }
  } catch { fused = false; }
  return fused;
}
