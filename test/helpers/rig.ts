// A test rig around the real Board/Hart: put instructions in RAM, set
// registers, run, read registers back. Registers are handled as unsigned
// 64-bit BigInts (x[2i] = low 32 bits, x[2i+1] = high 32 bits).

import { Board } from '../../src/machine/board.js';
import type { Exit, Hart } from '../../src/machine/hart.js';
import { encode, jal } from './asm.js';

export const RAM = 0x80000000;
/** Where programs go (the first 512 KiB of the 1 MiB RAM). */
export const CODE = RAM;
/** Scratch data (64 KiB from here). */
export const DATA = RAM + 0x80000;
/** The M-mode trap handler: a `j .` loop (mtvec points here). */
export const HANDLER = RAM + 0xf0000;

const M64 = (1n << 64n) - 1n;

export class Rig {
  readonly board: Board;
  readonly hart: Hart;

  /** memBytes: RAM from RAM (1 MiB: CODE, DATA and HANDLER are in the first one). */
  constructor(memBytes = 1 << 20) {
    this.board = new Board({ memBytes });
    this.hart = this.board.hart;
    this.put(HANDLER, [jal(0, 0)]);
    this.hart.mtvec = BigInt(HANDLER);
  }

  /** Writes instructions at physical address pa and drops any decoded copies. Returns the end address. */
  put(pa: number, insns: readonly number[]): number {
    return this.putBytes(pa, encode(insns));
  }

  putBytes(pa: number, bytes: Uint8Array): number {
    if (!this.board.bus.load(pa, bytes)) throw new RangeError(`cannot load ${bytes.length} bytes at 0x${pa.toString(16)}`);
    this.hart.blocks.invalidateAll(); // bus.load bypasses the store path that invalidates decoded blocks
    return pa + bytes.length;
  }

  /** Loads `insns` at `pa` followed by a `j .`; returns the address of that `j .`. */
  prog(pa: number, insns: readonly number[]): number {
    const end = this.put(pa, insns);
    this.put(end, [jal(0, 0)]);
    return end;
  }

  /** Sets pc and runs (at least) `budget` instructions. */
  run(pc: number, budget = 1): Exit {
    this.hart.pc = pc;
    return this.hart.run(budget);
  }

  set(reg: number, v: bigint | number): void {
    const b = BigInt.asUintN(64, BigInt(v));
    this.hart.x[2 * reg] = Number(BigInt.asIntN(32, b));
    this.hart.x[2 * reg + 1] = Number(BigInt.asIntN(32, b >> 32n));
  }

  get(reg: number): bigint {
    return ((BigInt(this.hart.x[2 * reg + 1]) << 32n) | BigInt(this.hart.x[2 * reg] >>> 0)) & M64;
  }

  fset(reg: number, bits: bigint): void {
    const b = BigInt.asUintN(64, bits);
    this.hart.f[2 * reg] = Number(BigInt.asIntN(32, b));
    this.hart.f[2 * reg + 1] = Number(BigInt.asIntN(32, b >> 32n));
  }

  fget(reg: number): bigint {
    return ((BigInt(this.hart.f[2 * reg + 1]) << 32n) | BigInt(this.hart.f[2 * reg] >>> 0)) & M64;
  }

  /** Physical memory, little-endian, as unsigned BigInt. */
  peek(pa: number, bytes: number): bigint {
    const ram = this.board.bus.ram8, off = pa - RAM;
    let v = 0n;
    for (let k = bytes - 1; k >= 0; k--) v = (v << 8n) | BigInt(ram[off + k]);
    return v;
  }

  poke(pa: number, bytes: number, v: bigint): void {
    const ram = this.board.bus.ram8, off = pa - RAM;
    for (let k = 0; k < bytes; k++) ram[off + k] = Number((v >> BigInt(8 * k)) & 0xffn);
  }

  /** hart.pc as an unsigned 64-bit value. */
  pc(): bigint {
    return BigInt.asUintN(64, BigInt(this.hart.pc));
  }

  /** Enables the FPU (mstatus.FS = Initial) and clears fcsr. */
  fpOn(): void {
    this.hart.mstatus = (this.hart.mstatus & ~(3 << 13)) | (1 << 13);
    this.hart.fpu.fflags = 0;
    this.hart.fpu.frm = 0;
  }
}

export const hex = (v: bigint | number) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);

/** A seeded PRNG (mulberry32), so random cases repeat run to run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
