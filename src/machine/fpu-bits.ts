// Constants, the shared scratch buffer and bit-level helpers used by the
// F/D implementation (fpu.ts and its fpu-*.ts helpers).
//
// Values travel between the helpers as JS numbers: a single-precision value
// is a double that is exactly representable in binary32 (so Math.fround of
// it is the identity), a double-precision value is itself. NaN payloads never
// travel as numbers: whoever reads a register looks at its bits for sNaN, and
// every NaN result is written back as the canonical NaN.

/** fflags bits: unpriv F, "Floating-Point Control and Status Register",
 *  table "Accrued exception flag encoding". */
export const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
/** Resolved rounding modes (the hart maps rm=7 to frm before calling us). */
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

/** Anything that accrues exception flags; the Fpu itself satisfies this. */
export interface Flags { fflags: number }

/**
 * A NaN for value paths: V8 boxes a function's number results when a NaN
 * *literal* meets doubles in one expression (measured: 5x slower operand
 * reads), but not a NaN loaded from a Float64Array. Read as NAN[0].
 */
export const NAN = new Float64Array([NaN]);

/** Canonical NaNs. unpriv F, "NaN Generation and Propagation": "the
 *  canonical NaN has a positive sign and all significand bits clear except
 *  the MSB, the quiet bit" (unpriv D says the same for doubles). */
export const CANON_S = 0x7fc00000;
export const CANON_D_HI = 0x7ff80000; // low word 0

// One scratch buffer for every bit cast in the module graph. Helpers that use
// it never call each other while holding a value in it.
const scratch = new ArrayBuffer(8);
export const F64 = new Float64Array(scratch);
export const F32 = new Float32Array(scratch);
export const I32 = new Int32Array(scratch);

// The register files keep the low word at the even index, and F32 aliases
// I32[0]: both need a little-endian host (every platform Node supports).
F64[0] = 1;
if (I32[1] !== 0x3ff00000) throw new Error('fpu: big-endian hosts are not supported');

/** Exact power of two 2^k for -1074 <= k <= 1023, built from bits (no pow()). */
export function pow2(k: number): number {
  if (k >= -1022) {
    I32[0] = 0;
    I32[1] = (k + 1023) << 20;
  } else {
    const b = k + 1074; // bit position in the 52-bit fraction field
    I32[0] = b < 32 ? 1 << b : 0;
    I32[1] = b < 32 ? 0 : 1 << (b - 32);
  }
  return F64[0];
}

const STEP_MIN = 2 ** -968;
const STEP_C = 2 ** -53 + 2 ** -105;

/**
 * The double adjacent to v (finite, or an infinity when stepping down) whose
 * magnitude is one ulp larger (up) or smaller (!up), keeping v's sign.
 * Requires v !== 0 when !up. Stepping DBL_MAX up yields Infinity.
 */
export function stepD(v: number, up: boolean): number {
  const av = v < 0 ? -v : v;
  if (av >= STEP_MIN && av !== Infinity) {
    // Arithmetic, to avoid a bit cast (a 64-bit load after 32-bit stores
    // stalls): d = RN(v * (2^-53 + 2^-105)) lies strictly between half an
    // ulp and one and a half ulps of v, and strictly above the half-spacing
    // below a power of two, so RN(v +- d) is exactly the neighbour.
    const d = v * STEP_C;
    return up ? v + d : v - d;
  }
  F64[0] = v;
  if (up) {
    if (I32[0] === -1) { I32[0] = 0; I32[1] = I32[1] + 1; } else I32[0] = I32[0] + 1;
  } else {
    if (I32[0] === 0) { I32[0] = -1; I32[1] = I32[1] - 1; } else I32[0] = I32[0] - 1;
  }
  return F64[0];
}

/** Same as stepD for a single-precision value v (FLT_MAX up gives Infinity). */
export function stepS(v: number, up: boolean): number {
  F32[0] = v;
  I32[0] = up ? I32[0] + 1 : I32[0] - 1;
  return F32[0];
}

/** Least significant bit of a double's encoding (1 = odd significand). */
export function lowBitD(v: number): number {
  F64[0] = v;
  return I32[0] & 1;
}

/** True when the binary32 encoding b is a signaling NaN. */
export function isSNaNBitsS(b: number): boolean {
  return (b & 0x7fc00000) === 0x7f800000 && (b & 0x003fffff) !== 0;
}

/** True when the binary64 encoding (hi, lo) is a signaling NaN. */
export function isSNaNBitsD(hi: number, lo: number): boolean {
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x0007ffff) | lo) !== 0;
}

// unpriv F, "Single-Precision Floating-Point Classify Instruction": FCLASS
// writes "a 10-bit mask that indicates the class of the floating-point
// number"; bit 0 = -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
// 6 +normal, 7 +inf, 8 signaling NaN, 9 quiet NaN.
/** FCLASS mask of a binary32 encoding. */
export function classS(b: number): number {
  const neg = b < 0, e = (b >>> 23) & 0xff, m = b & 0x7fffff;
  if (e === 0xff) return m === 0 ? (neg ? 1 : 128) : (m & 0x400000) !== 0 ? 512 : 256;
  if (e === 0) return m === 0 ? (neg ? 8 : 16) : (neg ? 4 : 32);
  return neg ? 2 : 64;
}

/** FCLASS mask of a binary64 encoding (hi, lo). */
export function classD(hi: number, lo: number): number {
  const neg = hi < 0, e = (hi >>> 20) & 0x7ff, mz = ((hi & 0xfffff) | lo) === 0;
  if (e === 0x7ff) return mz ? (neg ? 1 : 128) : (hi & 0x80000) !== 0 ? 512 : 256;
  if (e === 0) return mz ? (neg ? 8 : 16) : (neg ? 4 : 32);
  return neg ? 2 : 64;
}
