// The CLINT (core-local interruptor) as on the QEMU virt board and SiFive
// parts: msip per hart at +0, mtimecmp per hart at +0x4000, mtime at +0xbff8.
// Registers are 32 bits wide as seen here (the bus splits 64-bit accesses);
// 1- and 2-byte accesses fault, as on the real part.

import type { Hart } from './hart.js';
import { Irq } from './csr.js';
import { ACCESS_FAULT, type Mmio } from './mmio.js';

export const CLINT_BASE = 0x2000000;
export const CLINT_SIZE = 0x10000;
const MTIMECMP = 0x4000, MTIME = 0xbff8;
const LO = 0xffffffffn;

export class Clint implements Mmio {
  constructor(private readonly harts: Hart[]) {}

  read(off: number, width: 1 | 2 | 4): number {
    if (width !== 4 || (off & 3) !== 0) return ACCESS_FAULT;
    const h = this.hartAt(off);
    if (off < MTIMECMP) return h ? ((h.mipHw >>> Irq.MSI) & 1) : 0;
    if (off >= MTIMECMP && off < MTIME) return h ? word(h.mtimecmp, off) : 0;
    if (off === MTIME || off === MTIME + 4) return word(BigInt(this.harts[0].mtime()), off);
    return 0;
  }

  write(off: number, width: 1 | 2 | 4, value: number): boolean {
    if (width !== 4 || (off & 3) !== 0) return false;
    const h = this.hartAt(off);
    const v = BigInt(value >>> 0);
    if (off < MTIMECMP) { h?.setIrq(Irq.MSI, (value & 1) === 1); return true; }
    if (off >= MTIMECMP && off < MTIME) {
      if (h) { h.mtimecmp = setWord(h.mtimecmp, off, v); h.timersChanged(); }
      return true;
    }
    if (off === MTIME || off === MTIME + 4) {
      const now = setWord(BigInt(this.harts[0].mtime()), off, v);
      for (const hart of this.harts) hart.setMtime(Number(now));
    }
    return true;
  }

  private hartAt(off: number): Hart | undefined {
    const i = off < MTIMECMP ? off >> 2 : off < MTIME ? (off - MTIMECMP) >> 3 : -1;
    return i >= 0 ? this.harts[i] : undefined;
  }
}

function word(v: bigint, off: number): number {
  return Number((off & 4 ? v >> 32n : v) & LO);
}

function setWord(old: bigint, off: number, v: bigint): bigint {
  return off & 4 ? (old & LO) | (v << 32n) : (old & ~LO) | v;
}
