// The CLINT (core-local interruptor) as on the QEMU virt board and SiFive
// parts: msip per hart at +0, mtimecmp per hart at +0x4000, mtime at +0xbff8.
// Registers are 32 bits wide as seen here (the bus splits 64-bit accesses);
// 1- and 2-byte accesses fault, as on the real part.

import type { Hart } from './hart.js';
import { Irq } from './csr.js';
import { S } from './layout.js';
import { ACCESS_FAULT, type Mmio } from './mmio.js';

export const CLINT_BASE = 0x2000000;
export const CLINT_SIZE = 0x10000;
const MTIMECMP = 0x4000, MTIME = 0xbff8;
const TWO32 = 4294967296;

export class Clint implements Mmio {
  constructor(private readonly harts: Hart[]) {}

  read(off: number, width: 1 | 2 | 4): number {
    if (width !== 4 || (off & 3) !== 0) return ACCESS_FAULT;
    const h = this.hartAt(off);
    if (off < MTIMECMP) return h ? ((h.s[S.MIP_HW] >>> Irq.MSI) & 1) : 0;
    if (off >= MTIMECMP && off < MTIME) return h ? h.s[S.MTIMECMP + ((off >> 2) & 1)] >>> 0 : 0;
    if (off === MTIME || off === MTIME + 4) {
      const now = this.harts[0].mtime();
      return off & 4 ? Math.floor(now / TWO32) >>> 0 : now % TWO32;
    }
    return 0;
  }

  write(off: number, width: 1 | 2 | 4, value: number): boolean {
    if (width !== 4 || (off & 3) !== 0) return false;
    const h = this.hartAt(off);
    if (off < MTIMECMP) { h?.setIrq(Irq.MSI, (value & 1) === 1); return true; }
    if (off >= MTIMECMP && off < MTIME) {
      if (h) { h.s[S.MTIMECMP + ((off >> 2) & 1)] = value; h.timersChanged(); }
      return true;
    }
    if (off === MTIME || off === MTIME + 4) {
      const now = this.harts[0].mtime(), v = value >>> 0;
      const next = off & 4 ? (now % TWO32) + v * TWO32 : Math.floor(now / TWO32) * TWO32 + v;
      for (const hart of this.harts) hart.setMtime(next);
    }
    return true;
  }

  private hartAt(off: number): Hart | undefined {
    const i = off < MTIMECMP ? off >> 2 : off < MTIME ? (off - MTIMECMP) >> 3 : -1;
    return i >= 0 ? this.harts[i] : undefined;
  }
}
