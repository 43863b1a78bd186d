// Value-level F/D arithmetic: operands are numbers (see fpu-bits.ts), the
// result is returned and flags are ORed into fl. A NaN result means "write
// the canonical NaN"; the caller, which can see operand bits, decides NV for
// NaN operands (sNaN) and for invalid operations (a NaN from non-NaN inputs).
// The only flags set here are the ones visible from values: DZ, OF, UF, NX.
//
// Single precision: every binary32 operand is exact in a double and the
// double-precision sum/product/quotient/root carries an exact error term or
// residual sign, so roundS can round once, correctly, in any mode.
// Double precision: the JS result is RN(exact); TwoSum/TwoProduct recover the
// error; out-of-range cases fall back to fpu-exact.ts.

import { DZ, NX, RNE, RDN, NAN, type Flags } from './fpu-bits.js';
import { exactAdd, exactMul, exactDiv, exactFma, FMT_D } from './fpu-exact.js';
import { roundS, finishD, finishDir, finishDirS, twoProdErr } from './fpu-round.js';

const MIN_NORMAL_S = 2 ** -126;
const TINY_OK = 2 ** -1021; // |z| from here up: the double result is never tiny
const NORMAL = 2 ** -1022;
const SPLIT_MAX = 2 ** 995; // twoProdErr's operand bound
const PROD_MIN = 2 ** -969; // |a*b| from here up: TwoProduct error is exact
const PROD_MAX = 2 ** 1020;
const DIV_A_MIN = 2 ** -960;
const SQRT_LO = 2 ** -960, SQRT_HI = 2 ** 1000;
const UP_1000 = 2 ** 1000, DOWN_1000 = 2 ** -1000, UP_500 = 2 ** 500, DOWN_500 = 2 ** -500;
const TWO_M60 = 2 ** -60;

/** Exact zero sum, IEEE 754-2008 6.3: +0, or -0 when rounding down, unless
 *  both addends are zeros of one sign. The RNE sum a + b already does that. */
function zeroSum(a: number, b: number, rm: number): number {
  return rm === RDN ? -((-a) + (-b)) : a + b;
}

// ---- single precision -------------------------------------------------------

export function addS(fl: Flags, a: number, b: number, rm: number): number {
  const s = a + b; // no double overflow from binary32 operands
  if (s - s !== 0) return s; // NaN, or an infinite operand: exact
  if (s === 0) return zeroSum(a, b, rm);
  const bb = s - a, e = (a - (s - bb)) + (b - bb); // TwoSum
  return roundS(fl, s, e, rm);
}

export function mulS(fl: Flags, a: number, b: number, rm: number): number {
  const p = a * b; // 24x24 bits: exact in a double
  if (p - p !== 0) return p;
  return roundS(fl, p, 0, rm);
}

export function divS(fl: Flags, a: number, b: number, rm: number): number {
  const q = a / b;
  if (b === 0) {
    if (a - a === 0 && a !== 0) fl.fflags |= DZ; // finite nonzero / 0
    return q;
  }
  if (q - q !== 0 || q === 0) return q; // NaN, inf/x, x/inf, 0/x: exact
  // Rounding a/b to double and then to single is innocuous (53 >= 2*24 + 2),
  // so r is the RNE quotient. a - r*b is then exact: r*b has 48 bits and is
  // within a factor two of a (Sterbenz), and its sign says where a/b lies.
  const r = Math.fround(q), ar = r < 0 ? -r : r;
  if (ar > MIN_NORMAL_S && ar !== Infinity) {
    const res = a - r * b;
    return res === 0 ? r : finishDirS(fl, r, (res > 0) === (b > 0), rm);
  }
  // near overflow or underflow: round the double quotient, residual sign
  const p = q * b, res = (a - p) - twoProdErr(q, b, p);
  return roundS(fl, q, res === 0 ? 0 : (res > 0) === (b > 0) ? 1 : -1, rm);
}

export function sqrtS(fl: Flags, a: number, rm: number): number {
  if (!(a > 0) || a === Infinity) return a < 0 ? NAN[0] : a; // +-0, +inf, NaN
  // As for divS: r is the RNE root (innocuous double rounding), always a
  // normal single, and a - r*r is exact.
  const r = Math.fround(Math.sqrt(a)), res = a - r * r;
  return res === 0 ? r : finishDirS(fl, r, res > 0, rm);
}

/** a*b + c, rounded once. */
export function fmaS(fl: Flags, a: number, b: number, c: number, rm: number): number {
  const p = a * b; // exact
  const s = p + c;
  if (s - s !== 0) return s; // NaN (incl. inf - inf) or an exact infinity
  if (s === 0) return zeroSum(p, c, rm);
  const bb = s - p, e = (p - (s - bb)) + (c - bb);
  return roundS(fl, s, e, rm);
}

// ---- double precision -------------------------------------------------------

export function addD(fl: Flags, a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s !== 0) {
    if (s !== s || a - a !== 0 || b - b !== 0) return s;
    return exactAdd(fl, a, b, FMT_D, rm); // overflow
  }
  if (s === 0) return zeroSum(a, b, rm);
  const bb = s - a, e = (a - (s - bb)) + (b - bb);
  if (e === 0) return s;
  // An inexact sum of doubles needs > 53 bits above 2^-1074: |s| >= 2^-1021.
  if (rm === RNE) { fl.fflags |= NX; return s; }
  return finishD(fl, s, e, 0, rm);
}

function fastMulOk(a: number, b: number, p: number): boolean {
  const aa = a < 0 ? -a : a, ab = b < 0 ? -b : b, ap = p < 0 ? -p : p;
  return aa >= NORMAL && aa < SPLIT_MAX && ab >= NORMAL && ab < SPLIT_MAX &&
    ap >= PROD_MIN && ap < PROD_MAX;
}

export function mulD(fl: Flags, a: number, b: number, rm: number): number {
  const p = a * b;
  if (p !== p) return p;
  if (a - a !== 0 || b - b !== 0 || a === 0 || b === 0) return p; // exact
  if (!fastMulOk(a, b, p)) return exactMul(fl, a, b, FMT_D, rm);
  const e = twoProdErr(a, b, p);
  if (e === 0) return p;
  if (rm === RNE) { fl.fflags |= NX; return p; }
  return finishD(fl, p, e, 0, rm);
}

export function divD(fl: Flags, a: number, b: number, rm: number): number {
  const q = a / b;
  if (b === 0) {
    if (a - a === 0 && a !== 0) fl.fflags |= DZ;
    return q;
  }
  if (q !== q || a - a !== 0 || b - b !== 0 || a === 0) return q; // exact
  const aa = a < 0 ? -a : a, ab = b < 0 ? -b : b, aq = q < 0 ? -q : q;
  if (!(aa >= DIV_A_MIN && aa < PROD_MAX && ab >= NORMAL && ab < SPLIT_MAX &&
    aq >= TINY_OK && aq < SPLIT_MAX)) return exactDiv(fl, a, b, FMT_D, rm);
  const p = q * b, r = (a - p) - twoProdErr(q, b, p);
  if (r === 0) return q;
  return finishDir(fl, q, (r > 0) === (b > 0), rm);
}

export function sqrtD(fl: Flags, a: number, rm: number): number {
  if (!(a > 0) || a === Infinity) return a < 0 ? NAN[0] : a;
  // Scale into range by an even power of two (exact both ways: the root of
  // any positive double is a normal double).
  let x = a, sc = 1;
  if (a < SQRT_LO) { x = a * UP_1000; sc = DOWN_500; } else if (a > SQRT_HI) { x = a * DOWN_1000; sc = UP_500; }
  const s = Math.sqrt(x);
  const p = s * s, r = (x - p) - twoProdErr(s, s, p);
  if (r === 0) return s * sc;
  return finishDir(fl, s, r > 0, rm) * sc;
}

/** a*b + c, rounded once. */
export function fmaD(fl: Flags, a: number, b: number, c: number, rm: number): number {
  if (a - a !== 0 || b - b !== 0) return a * b + c; // inf or NaN factor
  if (c - c !== 0) return c; // finite product plus inf or NaN
  if (a === 0 || b === 0) {
    const p = a * b; // exact signed zero
    return c !== 0 ? c : zeroSum(p, c, rm);
  }
  if (c === 0) return mulD(fl, a, b, rm); // nonzero exact product + 0
  const uh = a * b;
  if (fastMulOk(a, b, uh)) {
    const ul = twoProdErr(a, b, uh); // a*b = uh + ul
    const th = c + uh;
    if (th - th === 0) {
      let bb = th - c;
      const tl = (c - (th - bb)) + (uh - bb); // c + uh = th + tl
      const m = tl + ul;
      bb = m - tl;
      const me = (tl - (m - bb)) + (ul - bb); // tl + ul = m + me
      const z = th + m;
      bb = z - th;
      const ez = (th - (z - bb)) + (m - bb); // th + m = z + ez
      // now a*b + c = z + ez + me exactly
      const az = z < 0 ? -z : z;
      if (z === 0 && ez === 0 && me === 0) return rm === RDN ? -0 : 0; // exact cancellation
      if (az >= TINY_OK && az !== Infinity) {
        if (me === 0) {
          if (ez === 0) return z;
          if (rm === RNE) { fl.fflags |= NX; return z; } // z = RN(z + ez)
          const r = finishD(fl, z, ez, 0, rm);
          if (r === r) return r;
        } else if ((me < 0 ? -me : me) < az * TWO_M60) {
          const g = ez + me;
          bb = g - ez;
          const r = finishD(fl, z, g, (ez - (g - bb)) + (me - bb), rm);
          if (r === r) return r;
        }
      }
    }
  }
  return exactFma(fl, a, b, c, FMT_D, rm);
}
