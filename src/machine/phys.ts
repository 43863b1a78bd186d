// Physical memory as software outside the harts sees it: the one way for a
// kernel, a supervisor or a loader to read and write guest RAM (STYLE.md
// rule 1: phys* never traps). Every write keeps every cache of RAM coherent,
// as a store from another hart or a device would on real hardware:
//
//   - the decoded-instruction cache of every hart (blocks.ts). DESIGN.md:
//     "invalidate the cache on writes to that page". Decoded bytes are marked
//     in the hooks array (one byte per 64-byte granule); a write that touches
//     a granule marked CODE drops that page's blocks in every hart. A write
//     to a page with no decoded code costs one look at a hooks byte per 64
//     bytes written.
//   - every hart's LR reservation. unpriv 8.2 (LR/SC): "The SC must fail if
//     a write from some other device to the bytes accessed by the LR can be
//     observed to occur between the LR and SC."
//
// Who writes here: the kernel (frames, page tables, copyOut, copy-on-write,
// swap-in, exec), the demo supervisor, and the bus's own loader. The harts'
// own stores take their store path (mem.ts) instead.
//
// Addresses are physical, as JS numbers; every access must lie in RAM and a
// bad address is a kernel bug, so it throws RangeError (never a guest trap).

/** Per-64-byte-granule store hooks: a hart's store to a nonzero granule leaves the fast path. */
export const HOOK_SHIFT = 6; // granule: 64 bytes
export const enum Hook {
  CODE = 1, // decoded instructions live here: a write invalidates them (blocks.ts)
  WATCH = 2, // a hart's store must be reported through bus.onWatch (HTIF tohost); writes here do not report
  RESERVED = 4, // an LR reservation of some hart may cover this granule (several harts only): a hart's store breaks it (board.ts)
}

/** A cache of RAM outside PhysMem that writes must keep coherent: one per hart. */
export interface Snooper {
  /** Every decoded instruction of RAM page `page` (RAM offset >> 12) is stale. */
  invalidateCode(page: number): void;
  /** RAM bytes [off, off + len) were written by someone other than this hart (LR reservations). */
  ramWritten(off: number, len: number): void;
}

const GRANULES_PER_PAGE_SHIFT = 12 - HOOK_SHIFT;

export class PhysMem {
  private readonly ram8: Uint8Array;
  private readonly ram16: Uint16Array;
  private readonly ram32: Int32Array;
  /** RAM bytes. */
  readonly size: number;
  private readonly snoopers: Snooper[] = [];

  /** RAM of ram8.length bytes at physical address `base`, with the bus's store hooks. */
  constructor(readonly base: number, ram8: Uint8Array, private readonly hooks: Uint8Array) {
    this.ram8 = ram8;
    this.ram16 = new Uint16Array(ram8.buffer, ram8.byteOffset, ram8.length >>> 1);
    this.ram32 = new Int32Array(ram8.buffer, ram8.byteOffset, ram8.length >>> 2);
    this.size = ram8.length;
  }

  /** Adds a cache to keep coherent (the board attaches each hart). */
  attach(s: Snooper): void { this.snoopers.push(s); }

  // ---- reads ---------------------------------------------------------------

  read8(pa: number): number { return this.ram8[this.at(pa, 1)]; }

  read16(pa: number): number {
    const o = this.at(pa, 2);
    return (o & 1) === 0 ? this.ram16[o >> 1] : this.ram8[o] | (this.ram8[o + 1] << 8);
  }

  /** The 32-bit word at pa, zero-extended (0 .. 2^32-1). */
  read32(pa: number): number {
    const o = this.at(pa, 4);
    if ((o & 3) === 0) return this.ram32[o >> 2] >>> 0;
    return (this.ram8[o] | (this.ram8[o + 1] << 8) | (this.ram8[o + 2] << 16) | (this.ram8[o + 3] << 24)) >>> 0;
  }

  /** The 64-bit doubleword at pa, unsigned. Not for hot paths (BigInt). */
  read64(pa: number): bigint {
    return (BigInt(this.read32(pa + 4)) << 32n) | BigInt(this.read32(pa));
  }

  /** A copy of len bytes from pa. */
  readBytes(pa: number, len: number): Uint8Array {
    const o = this.at(pa, len);
    return this.ram8.slice(o, o + len);
  }

  /** Fills `into` with into.length bytes from pa. */
  readInto(pa: number, into: Uint8Array): void {
    const o = this.at(pa, into.length);
    into.set(this.ram8.subarray(o, o + into.length));
  }

  // ---- writes: each one keeps every hart's caches coherent -----------------

  write8(pa: number, v: number): void {
    const o = this.at(pa, 1);
    this.written(o, 1);
    this.ram8[o] = v;
  }

  write16(pa: number, v: number): void {
    const o = this.at(pa, 2);
    this.written(o, 2);
    if ((o & 1) === 0) this.ram16[o >> 1] = v;
    else { this.ram8[o] = v; this.ram8[o + 1] = v >>> 8; }
  }

  /** Stores the low 32 bits of v (signed or unsigned) at pa. */
  write32(pa: number, v: number): void {
    const o = this.at(pa, 4);
    this.written(o, 4);
    if ((o & 3) === 0) this.ram32[o >> 2] = v;
    else for (let k = 0; k < 4; k++) this.ram8[o + k] = v >>> (8 * k);
  }

  /** Stores the doubleword (hi << 32) | lo at pa, from its two 32-bit halves. */
  write64(pa: number, lo: number, hi: number): void {
    const o = this.at(pa, 8);
    this.written(o, 8);
    if ((o & 3) === 0) { this.ram32[o >> 2] = lo; this.ram32[(o >> 2) + 1] = hi; return; }
    for (let k = 0; k < 4; k++) { this.ram8[o + k] = lo >>> (8 * k); this.ram8[o + 4 + k] = hi >>> (8 * k); }
  }

  /** Copies bytes into RAM at pa. */
  writeBytes(pa: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const o = this.at(pa, bytes.length);
    this.written(o, bytes.length);
    this.ram8.set(bytes, o);
  }

  /** Sets len bytes at pa to `byte` (0 by default: a zeroed frame). */
  fill(pa: number, len: number, byte = 0): void {
    if (len === 0) return;
    const o = this.at(pa, len);
    this.written(o, len);
    this.ram8.fill(byte, o, o + len);
  }

  /** Copies the 4 KiB page at physical address src to the page at dst (both page aligned). */
  copyPage(dst: number, src: number): void {
    if (dst % 4096 !== 0 || src % 4096 !== 0) throw new RangeError(`copyPage: 0x${dst.toString(16)} or 0x${src.toString(16)} is not page aligned`);
    const d = this.at(dst, 4096), s = this.at(src, 4096);
    this.written(d, 4096);
    this.ram8.copyWithin(d, s, s + 4096);
  }

  // ---- internals -----------------------------------------------------------

  /** RAM offset of [pa, pa + len), which must lie in RAM. */
  private at(pa: number, len: number): number {
    const o = pa - this.base;
    if (!(o >= 0 && o + len <= this.size)) {
      throw new RangeError(`physical access of ${len} bytes at 0x${pa.toString(16)} is outside RAM (0x${this.base.toString(16)}, ${this.size} bytes)`);
    }
    return o;
  }

  /** Called before RAM [off, off + len) changes: drops stale decoded code and reservations. */
  private written(off: number, len: number): void {
    const hooks = this.hooks, last = (off + len - 1) >>> HOOK_SHIFT;
    for (let g = off >>> HOOK_SHIFT; g <= last; g++) {
      if ((hooks[g] & Hook.CODE) !== 0) this.codeWritten(g >>> GRANULES_PER_PAGE_SHIFT);
    }
    const s = this.snoopers;
    for (let i = 0; i < s.length; i++) s[i].ramWritten(off, len);
  }

  /** Page `page` holds decoded code that is about to change: every hart drops it, then its CODE marks go. */
  private codeWritten(page: number): void {
    for (const s of this.snoopers) s.invalidateCode(page);
    const first = page << GRANULES_PER_PAGE_SHIFT, end = first + (1 << GRANULES_PER_PAGE_SHIFT);
    for (let g = first; g < end; g++) this.hooks[g] &= ~Hook.CODE;
  }
}
