// The hart's register state: one ArrayBuffer, so that a later JIT can read
// and write it in place. Byte offsets:
//
//   0    x   Int32Array[66]  x0..x31 as (lo, hi) pairs; pair 32 (index 64, 65)
//                            is the sink that decoded writes to x0 go to.
//   272  f   Int32Array[64]  f0..f31 as (lo, hi) pairs of raw IEEE bits
//                            (single-precision values NaN-boxed: hi = -1).
//   528  end
//
// The pc, the counters and the CSRs are fields of the Hart (hart.ts); the
// interpreter keeps pc and the cycle count in locals while a block runs.

export const X_OFFSET = 0;
export const X_WORDS = 66;
export const F_OFFSET = 272;
export const F_WORDS = 64;
export const STATE_BYTES = 528;

export interface RegFile { x: Int32Array; f: Int32Array; }

export function allocRegs(): RegFile {
  const buf = new ArrayBuffer(STATE_BYTES);
  return { x: new Int32Array(buf, X_OFFSET, X_WORDS), f: new Int32Array(buf, F_OFFSET, F_WORDS) };
}
