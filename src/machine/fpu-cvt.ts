// Conversions between floating-point values and integers.

import { NV, NX, RNE, RTZ, RDN, RUP, RMM, type Flags } from './fpu-bits.js';
import { roundS, finishD } from './fpu-round.js';

/** Integer destination kinds of FCVT.{W,WU,L,LU}.{S,D}. */
export const W = 0, WU = 1, L = 2, LU = 3;

const TWO_32 = 4294967296;
const TWO_52 = 4503599627370496;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;

/** v (finite or infinite, not NaN) rounded to an integer-valued double per rm. */
export function roundInt(v: number, rm: number): number {
  switch (rm) {
    case RTZ: return Math.trunc(v);
    case RDN: return Math.floor(v);
    case RUP: return Math.ceil(v);
    case RMM: {
      const t = Math.trunc(v), d = v - t; // exact; NaN for infinities
      return d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t;
    }
    default: {
      const a = v < 0 ? -v : v;
      if (!(a < TWO_52)) return v; // already an integer (or infinite)
      const r = (a + TWO_52) - TWO_52; // one RNE rounding at ulp 1
      return v < 0 ? -r : r;
    }
  }
}

// Saturated results: unpriv F, "Single-Precision Floating-Point Conversion
// and Move Instructions", table "Domains of float-to-integer conversions and
// behavior for invalid inputs": NaN and too-large positive inputs give the
// largest value, too-large negative ones the smallest; both raise NV only.
const MAX_LO = [0x7fffffff, -1, -1, -1], MAX_HI = [0, -1, 0x7fffffff, -1];
const MIN_LO = [0x80000000 | 0, 0, 0, 0], MIN_HI = [-1, 0, 0x80000000 | 0, 0];
const LIMIT_LO = [-2147483648, 0, -TWO_63, 0];
const LIMIT_HI = [2147483648, TWO_32, TWO_63, TWO_64]; // exclusive

/**
 * FCVT.<kind>.{S,D}: converts v per rm into integer register rd of xr (low
 * word at 2*rd). 32-bit results, including WU, are sign-extended to 64 bits.
 * rd === 0 is not written, but the flags still accrue.
 */
export function toInt(fl: Flags, xr: Int32Array, rd: number, v: number, rm: number, kind: number): void {
  let lo: number, hi: number;
  if (v !== v) {
    fl.fflags |= NV;
    lo = MAX_LO[kind]; hi = MAX_HI[kind];
  } else {
    const r = roundInt(v, rm);
    if (r < LIMIT_LO[kind]) {
      fl.fflags |= NV;
      lo = MIN_LO[kind]; hi = MIN_HI[kind];
    } else if (r >= LIMIT_HI[kind]) {
      fl.fflags |= NV;
      lo = MAX_LO[kind]; hi = MAX_HI[kind];
    } else {
      if (r !== v) fl.fflags |= NX;
      if (kind <= WU) {
        lo = r | 0; // ToInt32 wraps [2^31, 2^32) for WU
        hi = lo >> 31;
      } else {
        const m = r < 0 ? -r : r;
        hi = Math.floor(m / TWO_32);
        lo = m - hi * TWO_32; // both exact
        if (r < 0) { // two's complement negation of (hi, lo)
          if (lo === 0) hi = -hi; else { lo = TWO_32 - lo; hi = ~hi; }
        }
        lo |= 0; hi |= 0;
      }
    }
  }
  if (rd !== 0) { xr[2 * rd] = lo; xr[2 * rd + 1] = hi; }
}

/**
 * FCVT.{S,D}.<kind>: the integer in register rs of xr (W/WU read only the
 * low 32 bits) rounded per rm to single (single = true) or double precision.
 */
export function fromInt(fl: Flags, xr: Int32Array, rs: number, kind: number, single: boolean, rm: number): number {
  const lo = xr[2 * rs];
  if (kind === W) return single ? roundS(fl, lo, 0, rm) : lo;
  if (kind === WU) return single ? roundS(fl, lo >>> 0, 0, rm) : lo >>> 0;
  const hw = xr[2 * rs + 1];
  const h = (kind === L ? hw : hw >>> 0) * TWO_32, l = lo >>> 0; // h exact
  const s = h + l, bb = s - h, e = (h - (s - bb)) + (l - bb); // TwoSum
  if (single) return roundS(fl, s, e, rm);
  if (e === 0) return s;
  // inexact only when |s| >= 2^53, far from the subnormal range
  if (rm === RNE) { fl.fflags |= NX; return s; }
  return finishD(fl, s, e, 0, rm);
}
