// A small deterministic random generator for the fuzzers: mulberry32
// (Tommy Ettinger's public-domain 32-bit generator), seeded from a seed and a
// stream index so that item n of a run can be regenerated on its own.

export class Rng {
  private s: number;

  /** The generator for item `index` of the run with `seed`. */
  constructor(seed: number, index = 0) {
    this.s = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((index + 1) >>> 0, 0x85ebca6b) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [0, n), n <= 2^32. */
  below(n: number): number { return Math.floor((this.u32() / 2 ** 32) * n); }

  /** A uniform 64-bit unsigned integer. */
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }

  /** True with probability 1/n. */
  oneIn(n: number): boolean { return this.below(n) === 0; }

  /** An element of `list`. */
  pick<T>(list: readonly T[]): T { return list[this.below(list.length)]!; }
}
