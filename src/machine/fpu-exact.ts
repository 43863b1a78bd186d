// Exact (BigInt) arithmetic: the slow path of every F/D operation whose
// fast double-based path cannot prove its answer, typically results near
// overflow or in the subnormal range. Each function computes the exact
// mathematical result as sig * 2^exp and rounds it once, so it is also the
// reference the fast paths are tested against.

import { F64, I32, NX, OF, UF, RNE, RTZ, RDN, RUP, RMM, pow2, type Flags } from './fpu-bits.js';

/** A binary interchange format: precision p (with the hidden bit) and the
 *  normal exponent range [emin, emax]. */
export interface Fmt { readonly p: number; readonly emin: number; readonly emax: number; readonly max: number }
export const FMT_S: Fmt = { p: 24, emin: -126, emax: 127, max: 3.4028234663852886e38 };
export const FMT_D: Fmt = { p: 53, emin: -1022, emax: 1023, max: Number.MAX_VALUE };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** sig >> k rounded per rm for a value of sign neg. Requires k >= 1. */
function shiftRound(sig: bigint, k: number, neg: boolean, rm: number): bigint {
  const K = BigInt(k);
  const keep = sig >> K, rem = sig & ((1n << K) - 1n);
  if (rem === 0n) return keep;
  const half = 1n << (K - 1n);
  let up: boolean;
  switch (rm) {
    case RTZ: up = false; break;
    case RDN: up = neg; break;
    case RUP: up = !neg; break;
    case RMM: up = rem >= half; break;
    default: up = rem > half || (rem === half && (keep & 1n) === 1n); break;
  }
  return up ? keep + 1n : keep;
}

/** The result of an overflow for sign neg. IEEE 754-2008 7.4: the nearest
 *  modes carry to infinity; the directed modes give infinity only when they
 *  round away from zero, else the largest finite number. */
function overflowed(fl: Flags, neg: boolean, fmt: Fmt, rm: number): number {
  fl.fflags |= OF | NX;
  const inf = rm === RNE || rm === RMM || (rm === RDN && neg) || (rm === RUP && !neg);
  const m = inf ? Infinity : fmt.max;
  return neg ? -m : m;
}

/**
 * Rounds (-1)^neg * sig * 2^exp (sig >= 0, exact) into fmt per rm, ORs the
 * exception flags into fl, and returns the value (exactly representable in
 * fmt). A zero sig gives a zero of sign neg. Underflow is signalled when the
 * result is inexact and tiny AFTER rounding, as RISC-V requires.
 */
export function roundPack(fl: Flags, neg: boolean, sig: bigint, exp: number, fmt: Fmt, rm: number): number {
  if (sig === 0n) return neg ? -0 : 0;
  const L = bitLength(sig);
  const E = exp + L - 1; // value in [2^E, 2^(E+1))
  // unpriv F, "Subnormal Arithmetic": "In the parlance of IEEE 754-2008,
  // tininess is detected after rounding." That is: the result rounded as if
  // the exponent range were unbounded is below 2^emin.
  let tiny = E < fmt.emin - 1;
  if (E === fmt.emin - 1) tiny = L <= fmt.p || bitLength(shiftRound(sig, L - fmt.p, neg, rm)) <= fmt.p;
  const q = Math.max(E - fmt.p + 1, fmt.emin - fmt.p + 1); // quantum exponent
  let M: bigint, inexact = false, qq = q;
  if (q <= exp) {
    M = sig << BigInt(exp - q);
  } else {
    M = shiftRound(sig, q - exp, neg, rm);
    inexact = (sig & ((1n << BigInt(q - exp)) - 1n)) !== 0n;
    if (bitLength(M) > fmt.p) { M >>= 1n; qq++; } // carried to 2^p
  }
  if (qq + fmt.p - 1 > fmt.emax) return overflowed(fl, neg, fmt, rm);
  if (inexact) fl.fflags |= tiny ? NX | UF : NX;
  // M < 2^53 is exact as a number; scaling by 2^qq is exact because the
  // product is representable (two steps keep 2^qq itself representable).
  let v = Number(M);
  if (qq < -1000) v = v * pow2(qq + 500) * pow2(-500); else v *= pow2(qq);
  return neg ? -v : v;
}

// Decomposition of a finite double into (-1)^neg * sig * 2^exp.
let dNeg = false, dSig = 0n, dExp = 0;
function decompose(x: number): void {
  F64[0] = x;
  const hi = I32[1], lo = I32[0] >>> 0, e = (hi >>> 20) & 0x7ff;
  dNeg = hi < 0;
  dSig = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) dExp = -1074; else { dSig |= 1n << 52n; dExp = e - 1075; }
}

/** Zero result of an exact sum. IEEE 754-2008 6.3: +0, or -0 when rounding
 *  toward negative, "However, x + x = x - (-x) retains the same sign as x
 *  even when x is zero." */
function zeroSum(aZero: boolean, aNeg: boolean, bZero: boolean, bNeg: boolean, rm: number): number {
  if (aZero && bZero && aNeg === bNeg) return aNeg ? -0 : 0;
  return rm === RDN ? -0 : 0;
}

/** Exactly rounded a*b + c for finite a, b, c (so also a + b as 1*a + b and
 *  a*b as a*b + 0 when the product is nonzero). */
export function exactFma(fl: Flags, a: number, b: number, c: number, fmt: Fmt, rm: number): number {
  let pNeg = false, pSig = 0n, pExp = 0;
  if (a !== 0 && b !== 0) {
    decompose(a); pNeg = dNeg; pSig = dSig; pExp = dExp;
    decompose(b); pNeg = pNeg !== dNeg; pSig *= dSig; pExp += dExp;
  } else {
    pNeg = (a < 0 || Object.is(a, -0)) !== (b < 0 || Object.is(b, -0));
  }
  const cNeg = c < 0 || Object.is(c, -0);
  if (c === 0) {
    if (pSig === 0n) return zeroSum(true, pNeg, true, cNeg, rm);
    return roundPack(fl, pNeg, pSig, pExp, fmt, rm);
  }
  decompose(c);
  if (pSig === 0n) return roundPack(fl, dNeg, dSig, dExp, fmt, rm);
  const e = Math.min(pExp, dExp);
  const P = (pNeg ? -pSig : pSig) << BigInt(pExp - e);
  const C = (dNeg ? -dSig : dSig) << BigInt(dExp - e);
  const S = P + C;
  if (S === 0n) return zeroSum(false, pNeg, false, cNeg, rm);
  return S < 0n ? roundPack(fl, true, -S, e, fmt, rm) : roundPack(fl, false, S, e, fmt, rm);
}

/** Exactly rounded a + b for finite a, b. */
export function exactAdd(fl: Flags, a: number, b: number, fmt: Fmt, rm: number): number {
  return exactFma(fl, 1, a, b, fmt, rm);
}

/** Exactly rounded a * b for finite a, b. */
export function exactMul(fl: Flags, a: number, b: number, fmt: Fmt, rm: number): number {
  if (a === 0 || b === 0) return a * b;
  return exactFma(fl, a, b, 0, fmt, rm);
}

/** Exactly rounded a / b for finite nonzero a, b. */
export function exactDiv(fl: Flags, a: number, b: number, fmt: Fmt, rm: number): number {
  decompose(a);
  const neg = dNeg, sa = dSig, ea = dExp;
  decompose(b);
  // Just enough quotient bits (p + 2 or more) that, with the remainder as a
  // sticky bit below them, rounding sees the exact quotient's cell.
  const k = Math.max(0, fmt.p + 2 + bitLength(dSig) - bitLength(sa));
  const n = sa << BigInt(k);
  const q = n / dSig, r = n % dSig;
  return roundPack(fl, neg !== dNeg, (q << 1n) | (r === 0n ? 0n : 1n), ea - dExp - k - 1, fmt, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1); // >= sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Exactly rounded sqrt(a) for finite a > 0. */
export function exactSqrt(fl: Flags, a: number, fmt: Fmt, rm: number): number {
  decompose(a);
  let s = dSig, e = dExp;
  // give the root p + 2 or more bits and make the exponent even
  let shift = Math.max(0, 2 * (fmt.p + 2) - bitLength(s));
  if (((e - shift) & 1) !== 0) shift++;
  s <<= BigInt(shift); e -= shift;
  const root = isqrt(s);
  const sticky = root * root === s ? 0n : 1n;
  return roundPack(fl, false, (root << 1n) | sticky, e / 2 - 1, fmt, rm);
}

/**
 * Rounds v into fmt, where v = hi if dir === 0 and otherwise v lies strictly
 * between hi and hi +/- (half an ulp of hi in binary64), on the side of
 * sign(dir). hi is finite and nonzero.
 */
export function exactRoundDir(fl: Flags, hi: number, dir: number, fmt: Fmt, rm: number): number {
  decompose(hi);
  // 8*sig +/- 1 lies in the same open cell between rounding boundaries (which
  // are at least a quarter-ulp of hi apart) as v does.
  const d = dir > 0 ? 1n : dir < 0 ? -1n : 0n;
  return roundPack(fl, dNeg, (dSig << 3n) + (dNeg ? -d : d), dExp - 3, fmt, rm);
}
