// Final rounding for the fast paths: the arithmetic is done in JS doubles
// (round-to-nearest-even), error-free transformations recover how far the
// double is from the exact result, and these helpers turn that into the
// correctly rounded result for any rounding mode, with exact flags.

import {
  NAN, NX, OF, RNE, RTZ, RDN, RUP, RMM, stepD, stepS, lowBitD, type Flags,
} from './fpu-bits.js';
import { exactRoundDir, FMT_S } from './fpu-exact.js';

const MIN_NORMAL_S = 2 ** -126;
const TWO_128 = 2 ** 128;
const MID_128 = 2 ** 128 - 2 ** 103; // half-way between FLT_MAX and 2^128
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter for binary64
const TWO_971 = 2 ** 971; // spacing just below 2^1024 (DBL_MAX to "infinity")

/**
 * Error of the double product p = RN(a*b): a*b = p + err exactly (Dekker's
 * TwoProduct via Veltkamp splitting). Requires |a|, |b| < 2^995 (no overflow
 * while splitting) and exponent(a) + exponent(b) >= -969 (the error term is
 * then representable); operands may be any such doubles.
 */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * Rounds v to single precision per rm and ORs the flags into fl.
 * Requires hi finite; v = hi when dir === 0, otherwise v lies strictly
 * between hi and the half-way point to the adjacent double on the side of
 * sign(dir) (e.g. hi = RN(v) and dir = v - hi from TwoSum, or hi = RN(a/b)
 * and dir = the sign of the residual). Because every binary32 number and
 * every midpoint between two of them is a double, v and hi then lie in the
 * same cell of the binary32 rounding grid, so only sign(dir) matters.
 */
export function roundS(fl: Flags, hi: number, dir: number, rm: number): number {
  let r = Math.fround(hi);
  if (r === hi && dir === 0) return r; // exact (also 0 and infinities)
  const ah = hi < 0 ? -hi : hi;
  // Outside (2^-126, 2^128) the result may be tiny or overflow: the
  // flag rules there are done exactly.
  if (!(ah > MIN_NORMAL_S && ah < TWO_128)) return exactRoundDir(fl, hi, dir, FMT_S, rm);
  fl.fflags |= NX;
  if (rm === RNE && dir === 0) { // v = hi: fround's own rounding is the answer
    if (r === Infinity || r === -Infinity) fl.fflags |= OF;
    return r;
  }
  // c: which side of r the exact value lies on. r is nonzero here; an
  // infinite r stands for 2^128, the grid point after FLT_MAX.
  const c = hi > r ? 1 : hi < r ? -1 : dir > 0 ? 1 : -1;
  let step: boolean;
  switch (rm) {
    case RTZ: step = (c > 0) !== (r > 0); break;
    case RDN: step = c < 0; break;
    case RUP: step = c > 0; break;
    default: {
      if (r === hi) return r; // v within a hair of a binary32 number
      // fround already chose the nearest unless hi is exactly a midpoint,
      // i.e. t = r + 2(hi - r) (exact) is the binary32 neighbour rather than
      // a double strictly between r and it. An infinite r stands for 2^128,
      // whose lower midpoint is 2^128 - 2^103.
      const t = r + 2 * (hi - r);
      if (r === Infinity || r === -Infinity ? ah !== MID_128 : Math.fround(t) !== t) { step = false; break; }
      if (dir !== 0) { step = (dir > 0) === (c > 0); break; } // off the tie: the side decides
      // exact tie: fround broke it to even (RNE); RMM goes away from zero
      step = rm === RNE ? false : (r > 0) === (c > 0);
      break;
    }
  }
  if (step) r = stepS(r, (c > 0) === (r > 0));
  if (r === Infinity || r === -Infinity) fl.fflags |= OF;
  return r;
}

/**
 * Single-precision counterpart of finishDir: r = RN(v) in binary32, v !== r
 * lies on the side `up` of r and is never a tie (true of quotients and
 * roots). Requires 2^-126 < |r| < Infinity (so v is not tiny).
 */
export function finishDirS(fl: Flags, r: number, up: boolean, rm: number): number {
  fl.fflags |= NX;
  let step: boolean;
  switch (rm) {
    case RTZ: step = up !== r > 0; break;
    case RDN: step = !up; break;
    case RUP: step = up; break;
    default: return r;
  }
  if (!step) return r;
  r = stepS(r, up === r > 0);
  if (r === Infinity || r === -Infinity) fl.fflags |= OF; // past FLT_MAX
  return r;
}

/**
 * Rounds X = z + g + ge to double precision per rm, where z is a double,
 * g = RN(g + ge) (so both the sign of X - z and ties are visible in g, ge),
 * |X - z| is less than the spacing from z to its neighbour on X's side, and
 * 2^-1021 <= |z| < Infinity (so no result is tiny). Returns NaN, without
 * touching fl, if |X - z| turns out not to be below that spacing; the
 * caller then falls back to the exact path.
 */
export function finishD(fl: Flags, z: number, g: number, ge: number, rm: number): number {
  if (g === 0) return z;
  const up = g > 0;
  const nb = stepD(z, up === z > 0); // neighbour on X's side
  // spacing toward nb; past DBL_MAX the next grid point is 2^1024
  const sp = nb === Infinity || nb === -Infinity ? TWO_971 : Math.abs(nb - z);
  const g2 = Math.abs(g) * 2; // compare |X - z| with sp / 2 without halving sp
  if (g2 >= 2 * sp) return NAN[0];
  let step: boolean;
  switch (rm) {
    case RTZ: step = up !== z > 0; break;
    case RDN: step = !up; break;
    case RUP: step = up; break;
    default:
      if (g2 < sp) step = false;
      else if (g2 > sp) step = true;
      else if (ge !== 0) step = (ge > 0) === up;
      else step = rm === RMM ? Math.abs(nb) > Math.abs(z) : lowBitD(z) === 1; // exact tie
      break;
  }
  fl.fflags |= NX;
  const r = step ? nb : z;
  if (r === Infinity || r === -Infinity) fl.fflags |= OF;
  return r;
}

/**
 * Rounds an X known only by direction: X lies strictly between z and the
 * half-way point to z's neighbour on the side `up` (X > z when up), as for
 * z = RN(a/b) or RN(sqrt(a)) with a nonzero residual. Requires
 * 2^-1021 <= |z| < Infinity. Such X is never a tie, so RNE and RMM keep z.
 */
export function finishDir(fl: Flags, z: number, up: boolean, rm: number): number {
  fl.fflags |= NX;
  let step: boolean;
  switch (rm) {
    case RTZ: step = up !== z > 0; break;
    case RDN: step = !up; break;
    case RUP: step = up; break;
    default: return z;
  }
  if (!step) return z;
  const r = stepD(z, up === z > 0);
  if (r === Infinity || r === -Infinity) fl.fflags |= OF;
  return r;
}
