// 64-bit values as int32 pairs in a state array (layout.ts): the low word at
// index i, the high word at i + 1. These are the conversions between that
// form, JS numbers and bigints. Numbers are exact below 2^53; the pair is
// always exact. The bigint forms are for tools and the slow port API, never
// for the interpreter's hot paths.

export const TWO32 = 4294967296;

/** The pair at a[i] as an unsigned 64-bit bigint. */
export function pairBig(a: Int32Array, i: number): bigint {
  return (BigInt(a[i + 1] >>> 0) << 32n) | BigInt(a[i] >>> 0);
}

/** Stores v (any sign; taken modulo 2^64) as the pair at a[i]. */
export function setPairBig(a: Int32Array, i: number, v: bigint): void {
  a[i] = Number(BigInt.asIntN(32, v));
  a[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** The pair at a[i] as an unsigned number (exact below 2^53; rounded above). */
export function pairU(a: Int32Array, i: number): number {
  return (a[i + 1] >>> 0) * TWO32 + (a[i] >>> 0);
}

/** The pair at a[i] as a signed number (exact for |value| < 2^53). */
export function pairS(a: Int32Array, i: number): number {
  return a[i + 1] * TWO32 + (a[i] >>> 0);
}

/** 2^-32, exact. */
const INV32 = 1 / 4294967296;

/** Stores an integer number (exact, |v| < 2^53) as the pair at a[i], in two's complement. */
export function setPairNum(a: Int32Array, i: number, v: number): void {
  a[i] = v | 0;
  a[i + 1] = Math.floor(v * INV32) | 0; // v * 2^-32 is v / 2^32 exactly, without a divide
}
