// 64-bit integer arithmetic on (lo, hi) int32 pairs, for the operations that
// do not fit in a line of the interpreter: multiply and divide. Each function
// returns the low word and leaves the high word in `out.hi`.
// unpriv 13.2: division by zero and signed overflow do not trap: "The quotient
// of division by zero has all bits set, and the remainder of division by zero
// equals the dividend"; overflow gives quotient = dividend, remainder = 0.

export const out = { hi: 0 };

const TWO32 = 4294967296;

/** Unsigned 32x32 → 64: returns lo (int32), out.hi (int32). */
export function umul32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const low = a0 * b0 + (mid & 0xffff) * 65536; // < 2^33
  const carry = low >= TWO32 ? 1 : 0;
  out.hi = (a1 * b1 + (mid - (mid & 0xffff)) / 65536 + carry) | 0;
  return low | 0;
}

/** Low 64 bits of a*b (sign-agnostic). */
export function mul64(al: number, ah: number, bl: number, bh: number): number {
  const lo = umul32(al, bl);
  out.hi = (out.hi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return lo;
}

/** High 64 bits of the unsigned 128-bit product. */
export function mulhu(al: number, ah: number, bl: number, bh: number): number {
  const llLo = umul32(al, bl) >>> 0; void llLo;
  const llHi = out.hi >>> 0;
  const lhLo = umul32(al, bh) >>> 0, lhHi = out.hi >>> 0;
  const hlLo = umul32(ah, bl) >>> 0, hlHi = out.hi >>> 0;
  const hhLo = umul32(ah, bh) >>> 0, hhHi = out.hi >>> 0;
  const w1 = llHi + lhLo + hlLo;
  const w2 = hhLo + lhHi + hlHi + Math.floor(w1 / TWO32);
  out.hi = (hhHi + Math.floor(w2 / TWO32)) | 0;
  return w2 | 0;
}

/** High 64 bits of signed × signed. */
export function mulh(al: number, ah: number, bl: number, bh: number): number {
  let lo = mulhu(al, ah, bl, bh), hi = out.hi;
  if (ah < 0) { const l = (lo - bl) | 0; hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; lo = l; }
  if (bh < 0) { const l = (lo - al) | 0; hi = (hi - ah - ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; lo = l; }
  out.hi = hi;
  return lo;
}

/** High 64 bits of signed rs1 × unsigned rs2. */
export function mulhsu(al: number, ah: number, bl: number, bh: number): number {
  let lo = mulhu(al, ah, bl, bh), hi = out.hi;
  if (ah < 0) { const l = (lo - bl) | 0; hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; lo = l; }
  out.hi = hi;
  return lo;
}

// Values whose high word is within ±2^20 are exact doubles (|v| < 2^52).
const small = (hi: number) => hi >= -0x100000 && hi < 0x100000;
const toNum = (lo: number, hi: number) => hi * TWO32 + (lo >>> 0);
const toBig = (lo: number, hi: number) => (BigInt(hi) << 32n) | BigInt(lo >>> 0);
function fromNum(v: number): number { out.hi = Math.floor(v / TWO32) | 0; return v | 0; }
function fromBig(v: bigint): number { out.hi = Number(BigInt.asIntN(32, v >> 32n)); return Number(BigInt.asIntN(32, v)); }

/** Signed 64-bit division or remainder. */
export function div64(al: number, ah: number, bl: number, bh: number, rem: boolean): number {
  if (bl === 0 && bh === 0) { if (rem) { out.hi = ah; return al; } out.hi = -1; return -1; }
  if (bl === -1 && bh === -1 && al === 0 && ah === (0x80000000 | 0)) { if (rem) { out.hi = 0; return 0; } out.hi = ah; return al; }
  if (small(ah) && small(bh)) {
    const a = toNum(al, ah), b = toNum(bl, bh);
    // For |a| < 2^53 the rounded quotient truncates to the exact integer quotient.
    const q = Math.trunc(a / b);
    return fromNum(rem ? a - q * b : q);
  }
  const a = BigInt.asIntN(64, toBig(al, ah)), b = BigInt.asIntN(64, toBig(bl, bh));
  return fromBig(rem ? a % b : a / b);
}

/** Unsigned 64-bit division or remainder. */
export function divu64(al: number, ah: number, bl: number, bh: number, rem: boolean): number {
  if (bl === 0 && bh === 0) { if (rem) { out.hi = ah; return al; } out.hi = -1; return -1; }
  if (ah >>> 0 < 0x100000 && bh >>> 0 < 0x100000) {
    const a = (ah >>> 0) * TWO32 + (al >>> 0), b = (bh >>> 0) * TWO32 + (bl >>> 0);
    const q = Math.floor(a / b);
    return fromNum(rem ? a - q * b : q);
  }
  const a = toBig(al, ah) & 0xffffffffffffffffn, b = toBig(bl, bh) & 0xffffffffffffffffn;
  return fromBig(rem ? a % b : a / b);
}

/** 32-bit signed division/remainder (W forms); result sign-extended by the caller. */
export function div32(a: number, b: number, rem: boolean): number {
  if (b === 0) return rem ? a : -1;
  if (b === -1 && a === (0x80000000 | 0)) return rem ? 0 : a;
  return rem ? (a % b) | 0 : (a / b) | 0;
}

/** 32-bit unsigned division/remainder (W forms). */
export function divu32(a: number, b: number, rem: boolean): number {
  if (b === 0) return rem ? a : -1;
  const ua = a >>> 0, ub = b >>> 0;
  return rem ? (ua % ub) | 0 : Math.floor(ua / ub) | 0;
}

/** Shift left by s (0..63). */
export function sll64(lo: number, hi: number, s: number): number {
  if (s === 0) { out.hi = hi; return lo; }
  if (s < 32) { out.hi = (hi << s) | (lo >>> (32 - s)); return lo << s; }
  out.hi = lo << (s - 32);
  return 0;
}

/** Logical shift right by s (0..63). */
export function srl64(lo: number, hi: number, s: number): number {
  if (s === 0) { out.hi = hi; return lo; }
  if (s < 32) { out.hi = hi >>> s; return (lo >>> s) | (hi << (32 - s)); }
  out.hi = 0;
  return hi >>> (s - 32);
}

/** Arithmetic shift right by s (0..63). */
export function sra64(lo: number, hi: number, s: number): number {
  if (s === 0) { out.hi = hi; return lo; }
  if (s < 32) { out.hi = hi >> s; return (lo >>> s) | (hi << (32 - s)); }
  out.hi = hi >> 31;
  return hi >> (s - 32);
}

/** Signed 64-bit a < b. */
export function lt64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
}

/** Unsigned 64-bit a < b. */
export function ltu64(al: number, ah: number, bl: number, bh: number): boolean {
  return (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
}
