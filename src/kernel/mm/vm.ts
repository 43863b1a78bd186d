// Address spaces: VMAs (what the process may touch) plus a real Sv39 page
// table in guest RAM (what the hardware will let it touch right now). Pages
// are mapped lazily: a first touch is a page fault that the kernel resolves
// as demand-zero or copy-on-write (fault.ts), exactly as the seed describes.

import type { Bus } from '../../machine/index.js';
import { Frames, PAGE_SIZE } from './frames.js';
import { Swap, PTE_SWAPPED } from './swap.js';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
/** A software PTE bit (RSW, priv 4.4.1): the page is shared copy-on-write. */
export const PTE_COW = 256;

/** The user part of Sv39: the lower half, 256 GiB. */
export const USER_TOP = 0x4000000000;

export interface Vma {
  start: number; // page aligned
  end: number; // exclusive, page aligned
  prot: number; // PROT_*
  kind: 'text' | 'data' | 'bss' | 'heap' | 'stack' | 'anon' | 'shared' | 'vdso';
  /** For file-backed pages: the bytes to copy in at fault time (offset 0 = start). */
  image?: Uint8Array;
  imageOffset?: number; // where in the VMA the image's first byte goes
}

const TWO22 = 4194304;

export class AddressSpace {
  readonly root: number;
  vmas: Vma[] = [];
  brkStart = 0;
  brk = 0;
  mmapBase = 0x2000000000; // mmap grows down from here (below the stack region)
  /**
   * Called after a valid mapping is changed or removed. The kernel flushes the
   * hart's TLB here when this space is live (what sfence.vma is for: priv 4.2.1).
   */
  onChange: () => void = () => {};
  /** Where this space's swapped-out pages live (none: RAM only). */
  swap: Swap | undefined;

  constructor(readonly bus: Bus, readonly frames: Frames) {
    const root = frames.alloc();
    if (root < 0) throw new RangeError('out of memory for a page table');
    this.root = root;
  }

  findVma(va: number): Vma | undefined {
    for (const v of this.vmas) if (va >= v.start && va < v.end) return v;
    return undefined;
  }

  addVma(v: Vma): void {
    this.vmas.push(v);
    this.vmas.sort((a, b) => a.start - b.start);
  }

  /** True when [start, end) overlaps no VMA. */
  isFree(start: number, end: number): boolean {
    return this.vmas.every((v) => end <= v.start || start >= v.end);
  }

  /**
   * The RAM word index of the leaf PTE for va, creating intermediate tables
   * when `create`. Returns -1 when absent (or out of memory while creating).
   */
  pteIndex(va: number, create: boolean): number {
    const ram32 = this.bus.ram32;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const idx = Math.floor(va / 2 ** (12 + 9 * level)) % 512;
      const w = this.frames.off(table + idx * 8) >> 2;
      if ((ram32[w] & PTE_V) === 0) {
        if (!create) return -1;
        const next = this.frames.alloc();
        if (next < 0) return -1;
        ram32[w] = ((next / PAGE_SIZE) % TWO22) * 1024 + PTE_V;
        ram32[w + 1] = Math.floor(next / PAGE_SIZE / TWO22);
      }
      table = ((ram32[w] >>> 10) + ram32[w + 1] * TWO22) * PAGE_SIZE;
    }
    return this.frames.off(table + (Math.floor(va / PAGE_SIZE) % 512) * 8) >> 2;
  }

  /** The leaf PTE's flags and physical page, or undefined. */
  lookup(va: number): { flags: number; pa: number; w: number } | undefined {
    const w = this.pteIndex(va, false);
    if (w < 0) return undefined;
    const lo = this.bus.ram32[w];
    if ((lo & PTE_V) === 0) return undefined;
    return { flags: lo & 0x3ff, pa: ((lo >>> 10) + this.bus.ram32[w + 1] * TWO22) * PAGE_SIZE, w };
  }

  /** Maps page va → frame pa with PTE flags (V added). Returns false when out of memory. */
  map(va: number, pa: number, flags: number): boolean {
    const w = this.pteIndex(va, true);
    if (w < 0) return false;
    if (this.bus.ram32[w] & PTE_V) this.onChange();
    this.bus.ram32[w] = ((pa / PAGE_SIZE) % TWO22) * 1024 + (flags | PTE_V);
    this.bus.ram32[w + 1] = Math.floor(pa / PAGE_SIZE / TWO22);
    return true;
  }

  setFlags(w: number, flags: number): void {
    this.bus.ram32[w] = (this.bus.ram32[w] & ~0x3ff) | flags | PTE_V;
    this.onChange();
  }

  /** The swap slot of a swapped-out page at va, or -1. */
  swapSlot(va: number): number {
    const w = this.pteIndex(va, false);
    return w < 0 ? -1 : Swap.slotOf(this.bus.ram32[w], this.bus.ram32[w + 1]);
  }

  /** Unmaps every page in [start, end), dropping frame references and swap slots. */
  unmapRange(start: number, end: number): void {
    let changed = false;
    for (let va = start; va < end; va += PAGE_SIZE) {
      const slot = this.swap ? this.swapSlot(va) : -1;
      if (slot >= 0) { const w = this.pteIndex(va, false); this.bus.ram32[w] = this.bus.ram32[w + 1] = 0; this.swap!.release(slot); continue; }
      const p = this.lookup(va);
      if (p === undefined) continue;
      this.bus.ram32[p.w] = 0;
      this.bus.ram32[p.w + 1] = 0;
      this.frames.unref(p.pa);
      changed = true;
    }
    if (changed) this.onChange();
  }

  /** Every swapped-out leaf: (va, word index, slot). */
  *swapped(): Generator<[number, number, number]> {
    if (this.swap === undefined) return;
    const ram32 = this.bus.ram32;
    const walk = function* (this: AddressSpace, table: number, level: number, base: number): Generator<[number, number, number]> {
      for (let i = 0; i < 512; i++) {
        const w = this.frames.off(table + i * 8) >> 2;
        const lo = ram32[w], va = base + i * 2 ** (12 + 9 * level);
        if (level === 0) { const slot = Swap.slotOf(lo, ram32[w + 1]); if (slot >= 0) yield [va, w, slot]; continue; }
        if ((lo & PTE_V) === 0) continue;
        yield* walk.call(this, ((lo >>> 10) + ram32[w + 1] * TWO22) * PAGE_SIZE, level - 1, va);
      }
    }.bind(this);
    yield* walk(this.root, 2, 0);
  }

  /** Every mapped leaf: (va, word index, pa). Used by fork and by teardown. */
  *leaves(): Generator<[number, number, number]> {
    const ram32 = this.bus.ram32;
    const walk = function* (this: AddressSpace, table: number, level: number, base: number): Generator<[number, number, number]> {
      for (let i = 0; i < 512; i++) {
        const w = this.frames.off(table + i * 8) >> 2;
        const lo = ram32[w];
        if ((lo & PTE_V) === 0) continue;
        const pa = ((lo >>> 10) + ram32[w + 1] * TWO22) * PAGE_SIZE;
        const va = base + i * 2 ** (12 + 9 * level);
        if (level === 0) yield [va, w, pa];
        else yield* walk.call(this, pa, level - 1, va);
      }
    }.bind(this);
    yield* walk(this.root, 2, 0);
  }

  /** Frees every user page and every page-table page. The space is unusable after. */
  destroy(): void {
    const tables: number[] = [];
    const ram32 = this.bus.ram32;
    const collect = (table: number, level: number) => {
      tables.push(table);
      if (level === 0) return;
      for (let i = 0; i < 512; i++) {
        const w = this.frames.off(table + i * 8) >> 2;
        if ((ram32[w] & PTE_V) === 0) continue;
        const pa = ((ram32[w] >>> 10) + ram32[w + 1] * TWO22) * PAGE_SIZE;
        if ((ram32[w] & (PTE_R | PTE_X)) === 0) collect(pa, level - 1);
      }
    };
    for (const [, , pa] of this.leaves()) this.frames.unref(pa);
    for (const [, , slot] of [...this.swapped()]) this.swap!.release(slot);
    collect(this.root, 2);
    for (const t of tables) this.frames.unref(t);
    this.vmas = [];
  }

  /** PTE permission bits for a VMA's protection. */
  static pteFlags(prot: number): number {
    return PTE_U | PTE_A | (prot & PROT_READ ? PTE_R : 0) | (prot & PROT_WRITE ? PTE_W | PTE_D : 0) | (prot & PROT_EXEC ? PTE_X : 0);
  }
}

/**
 * Removes [start, end) from the VMA list of `as`, splitting VMAs that
 * straddle its edges, and unmaps its pages. Used by munmap, MAP_FIXED and brk.
 */
export function carve(as: AddressSpace, start: number, end: number): void {
  const out: Vma[] = [];
  for (const v of as.vmas) {
    if (v.end <= start || v.start >= end) { out.push(v); continue; }
    if (v.start < start) out.push({ ...v, end: start });
    if (v.end > end) out.push({ ...v, start: end });
  }
  as.vmas = out.sort((a, b) => a.start - b.start);
  as.unmapRange(start, end);
}

/**
 * fork's address space: the same VMAs, and every page shared. Writable pages
 * become read-only copy-on-write in both spaces (fault.ts copies on the first
 * write); read-only pages are simply shared. Returns undefined when out of
 * memory for page tables (the child is then freed).
 */
export function forkSpace(parent: AddressSpace, child: AddressSpace): boolean {
  child.vmas = parent.vmas.map((v) => ({ ...v }));
  child.brkStart = parent.brkStart;
  child.brk = parent.brk;
  child.mmapBase = parent.mmapBase;
  child.swap = parent.swap;
  const notify = parent.onChange;
  let changed = false;
  parent.onChange = () => { changed = true; }; // one TLB flush for the whole fork, not one per page
  try {
    for (const [va, w, pa] of parent.leaves()) {
      if (child.lookup(va) !== undefined) continue; // the trampoline, mapped by newAddressSpace
      let flags = parent.bus.ram32[w] & 0x3ff;
      const shared = parent.findVma(va)?.kind === 'shared'; // MAP_SHARED: the very same pages, still writable
      if (!shared && flags & (PTE_W | PTE_COW)) {
        flags = (flags & ~(PTE_W | PTE_D)) | PTE_COW;
        parent.setFlags(w, flags);
      }
      if (!child.map(va, pa, flags)) return false;
      parent.frames.ref(pa);
    }
    for (const [va, , slot] of [...parent.swapped()]) {
      // A swapped-out page: the child gets its own copy of the slot.
      const copy = parent.swap!.duplicate(slot);
      const w = copy < 0 ? -1 : child.pteIndex(va, true);
      if (w < 0) return false;
      child.bus.ram32[w] = (copy % TWO22) * 1024 + PTE_SWAPPED;
      child.bus.ram32[w + 1] = Math.floor(copy / TWO22);
    }
    return true;
  } finally {
    parent.onChange = notify;
    if (changed) notify();
  }
}
