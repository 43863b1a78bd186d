// Address spaces: VMAs (what the process may touch) plus a real Sv39 page
// table in guest RAM (what the hardware will let it touch right now). Pages
// are mapped lazily: a first touch is a page fault that the kernel resolves
// as demand-zero or copy-on-write (fault.ts), exactly as the seed describes.

// Page tables are read and written only through PhysMem (frames.phys), so
// every write keeps the harts' caches coherent. A PTE is named by its
// physical address (`pte` below, `w` in lookup's answer).

import { type Bus, type PhysMem, PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_FLAGS, PTE_RSW0, pteLo, pteHi, ptePa } from '../../machine/index.js';
import { Frames, PAGE_SIZE } from './frames.js';
import { Swap } from './swap.js';
import { VmaList, type Vma } from './vmas.js';

export type { Vma } from './vmas.js';

// The PTE bits are the machine's (src/machine/pte.ts); re-exported for the kernel files that take them from here.
export { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D } from '../../machine/index.js';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
/** A software PTE bit (RSW bit 8, priv 4.4.1): the page is shared copy-on-write. */
export const PTE_COW = PTE_RSW0;

/** What one entry of a page table at each level maps, 2^(12 + 9 * level) bytes, and its inverse (a virtual address times it is its index at that level and above; exact: powers of two). No `**` in the loops: V8 calls pow for it. */
const LEVEL_SPAN = [2 ** 12, 2 ** 21, 2 ** 30], LEVEL_SCALE = [2 ** -12, 2 ** -21, 2 ** -30];

/** The user part of Sv39: the lower half, 256 GiB. */
export const USER_TOP = 0x4000000000;

export class AddressSpace {
  readonly root: number;
  /** The VMAs, sorted by address (vmas.ts). */
  readonly list: VmaList;
  brkStart = 0;
  brk = 0;
  mmapBase = 0x2000000000; // mmap grows down from here (below the stack region)
  /** Where signal handlers return (their ra): the vDSO's __vdso_rt_sigreturn, or the kernel's sigreturn page with --vdso off. */
  sigreturn = 0;
  /**
   * Called after a valid mapping is changed or removed. The kernel flushes the
   * hart's TLB here when this space is live (what sfence.vma is for: priv 4.2.1).
   */
  onChange: () => void = () => {};
  /** Where this space's swapped-out pages live (none: RAM only). */
  swap: Swap | undefined;
  /** Guest RAM, through which the page table is read and written. */
  readonly phys: PhysMem;

  /** `bus` is kept for callers not yet on `phys`; this file never touches its RAM arrays. */
  constructor(readonly bus: Bus, readonly frames: Frames) {
    this.phys = frames.phys;
    this.list = new VmaList(frames.work, frames.kmem);
    const root = frames.alloc();
    if (root < 0) throw new RangeError('out of memory for a page table');
    this.root = root;
  }

  /** The VMAs in address order (read only: change them through list, addVma or carve). */
  get vmas(): readonly Vma[] { return this.list.all; }

  /** Bytes of address space the VMAs cover (RLIMIT_AS). */
  get mappedBytes(): number { return this.list.bytes; }

  findVma(va: number): Vma | undefined { return this.list.find(va); }

  /** Adds a VMA; a VMA already over part of its range loses that part (pages stay: the caller's). */
  addVma(v: Vma): void { this.list.insert(v); }

  /** True when [start, end) overlaps no VMA. */
  isFree(start: number, end: number): boolean { return this.list.isFree(start, end); }

  /**
   * The physical address of the leaf PTE for va, creating intermediate
   * tables when `create`. Returns -1 when absent (or out of memory while creating).
   */
  pteAddr(va: number, create: boolean): number {
    const phys = this.phys;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const pte = table + (Math.floor(va * LEVEL_SCALE[level]) % 512) * 8;
      const lo = phys.read32(pte);
      if ((lo & PTE_V) !== 0) { table = ptePa(lo, phys.read32(pte + 4)); continue; }
      if (!create) return -1;
      const next = this.frames.alloc();
      if (next < 0) return -1;
      phys.write64(pte, pteLo(next, PTE_V), pteHi(next));
      table = next;
    }
    return table + (Math.floor(va / PAGE_SIZE) % 512) * 8;
  }

  /** The leaf PTE's flags and physical page, and w, the PTE's own physical address (for setFlags); or undefined. */
  lookup(va: number): { flags: number; pa: number; w: number } | undefined {
    const pte = this.pteAddr(va, false);
    if (pte < 0) return undefined;
    const lo = this.phys.read32(pte);
    if ((lo & PTE_V) === 0) return undefined;
    return { flags: lo & PTE_FLAGS, pa: ptePa(lo, this.phys.read32(pte + 4)), w: pte };
  }

  /** Maps page va → frame pa with PTE flags (V added). Returns false when out of memory. */
  map(va: number, pa: number, flags: number): boolean {
    const pte = this.pteAddr(va, true);
    if (pte < 0) return false;
    if (this.phys.read32(pte) & PTE_V) this.onChange();
    this.phys.write64(pte, pteLo(pa, flags | PTE_V), pteHi(pa));
    return true;
  }

  /** Replaces the flags of the valid PTE at physical address w (from lookup or leaves). */
  setFlags(w: number, flags: number): void {
    this.phys.write32(w, (this.phys.read32(w) & ~PTE_FLAGS) | flags | PTE_V);
    this.onChange();
  }

  /** The swap slot of a swapped-out page at va, or -1. */
  swapSlot(va: number): number {
    const pte = this.pteAddr(va, false);
    return pte < 0 ? -1 : Swap.slotOf(this.phys.read32(pte), this.phys.read32(pte + 4));
  }

  /**
   * Calls visit(va, pte, lo, hi) for every non-zero leaf PTE (a present or a
   * swapped-out page) in [start, end) of user space, descending only into
   * tables that exist: the work is the tables and leaves there, never the
   * range's length (one item per table, work.ts). With prune, a table whose
   * whole span lies in the range is freed after its visit, which must have
   * cleared every leaf in it (Linux's free_pgtables). Returns whether any
   * table was freed.
   */
  private walk(start: number, end: number, visit: (va: number, pte: number, lo: number, hi: number) => void, prune = false): boolean {
    const phys = this.phys, work = this.frames.work;
    const top = Math.min(end, USER_TOP); // the kernel half (the trampoline) is never a user range
    let pruned = false;
    const descend = (table: number, level: number, base: number): void => {
      const span = LEVEL_SPAN[level];
      const last = Math.min(511, Math.floor((top - 1 - base) / span));
      work.items++;
      for (let i = Math.max(0, Math.floor((start - base) / span)); i <= last; i++) {
        const pte = table + i * 8, lo = phys.read32(pte), hi = phys.read32(pte + 4), va = base + i * span;
        if (level === 0) { if (lo !== 0 || hi !== 0) visit(va, pte, lo, hi); continue; }
        if ((lo & (PTE_V | PTE_R | PTE_W | PTE_X)) !== PTE_V) continue; // absent (or a superpage, which this kernel never makes)
        const child = ptePa(lo, hi);
        descend(child, level - 1, va);
        if (prune && va >= start && va + span <= top) { phys.write64(pte, 0, 0); this.frames.unref(child); pruned = true; }
      }
    };
    if (start < top) descend(this.root, 2, 0);
    if (pruned) this.swap?.restartScan(); // the clock hand may hold a freed table
    return pruned;
  }

  /** Unmaps every page in [start, end), dropping frame references and swap slots, and frees the page tables left empty. */
  unmapRange(start: number, end: number): void {
    let changed = false;
    const work = this.frames.work;
    const pruned = this.walk(start, end, (_va, pte, lo, hi) => {
      this.phys.write64(pte, 0, 0);
      work.pages++;
      if (lo & PTE_V) { this.frames.unref(ptePa(lo, hi)); changed = true; return; }
      const slot = Swap.slotOf(lo, hi);
      if (slot >= 0) this.swap?.release(slot);
    }, true);
    if (changed || pruned) this.onChange();
  }

  /**
   * Gives every present page in [start, end) the PTE flags of prot. A
   * private page whose frame another space still shares (copy-on-write, or
   * read-only when forked) gets PTE_COW instead of W, so the next store
   * copies it; a page of a shared VMA (`shared`) is writable as it is.
   * Swapped-out pages take the VMA's protection when they come back.
   */
  protectRange(start: number, end: number, prot: number, shared: boolean): void {
    const base = AddressSpace.pteFlags(prot), phys = this.phys, work = this.frames.work;
    let changed = false;
    this.walk(start, end, (_va, pte, lo, hi) => {
      if ((lo & PTE_V) === 0) return;
      let flags = base;
      if ((flags & PTE_W) && !shared && ((lo & PTE_COW) || this.frames.refCount(ptePa(lo, hi)) > 1)) flags = (flags & ~(PTE_W | PTE_D)) | PTE_COW;
      phys.write32(pte, (lo & ~PTE_FLAGS) | flags | PTE_V);
      work.pages++;
      changed = true;
    });
    if (changed) this.onChange();
  }

  /**
   * Moves every page of [from, from + len) (present or swapped out) to the
   * same offset from `to`: the PTEs move, not the bytes (mremap). False when
   * out of memory for a page table, with the pages moved so far moved.
   */
  moveRange(from: number, to: number, len: number): boolean {
    let ok = true;
    const phys = this.phys, work = this.frames.work;
    this.walk(from, from + len, (va, pte) => {
      if (!ok) return;
      const dst = this.pteAddr(to + (va - from), true); // may reclaim a frame, and so change pte: read it after
      if (dst < 0) { ok = false; return; }
      phys.write64(dst, phys.read32(pte), phys.read32(pte + 4));
      phys.write64(pte, 0, 0);
      work.pages++;
    });
    this.onChange();
    return ok;
  }

  /** Every swapped-out leaf: (va, PTE address, slot). */
  *swapped(): Generator<[number, number, number]> {
    if (this.swap === undefined) return;
    const phys = this.phys;
    const walk = function* (this: AddressSpace, table: number, level: number, base: number): Generator<[number, number, number]> {
      for (let i = 0; i < 512; i++) {
        const pte = table + i * 8;
        const lo = phys.read32(pte), va = base + i * LEVEL_SPAN[level];
        if (level === 0) { const slot = Swap.slotOf(lo, phys.read32(pte + 4)); if (slot >= 0) yield [va, pte, slot]; continue; }
        if ((lo & PTE_V) === 0) continue;
        yield* walk.call(this, ptePa(lo, phys.read32(pte + 4)), level - 1, va);
      }
    }.bind(this);
    yield* walk(this.root, 2, 0);
  }

  /** Every mapped leaf: (va, PTE address, pa). Used by fork and by teardown. */
  *leaves(): Generator<[number, number, number]> {
    // One generator walking the three levels with a cursor per level (a recursive one delegated every leaf through
    // three yield*s: a sixth of fork's time).
    const phys = this.phys, table = [0, 0, this.root], base = [0, 0, 0], next = [0, 0, 0];
    for (let level = 2; level <= 2;) {
      const i = next[level]++;
      if (i === 512) { level++; continue; }
      const pte = table[level] + i * 8, lo = phys.read32(pte);
      if ((lo & PTE_V) === 0) continue;
      const pa = ptePa(lo, phys.read32(pte + 4)), va = base[level] + i * LEVEL_SPAN[level];
      if (level === 0) { yield [va, pte, pa]; continue; }
      level--;
      table[level] = pa; base[level] = va; next[level] = 0;
    }
  }

  /** Frees every user page and every page-table page. The space is unusable after. */
  destroy(): void {
    const tables: number[] = [];
    const phys = this.phys;
    const collect = (table: number, level: number) => {
      tables.push(table);
      if (level === 0) return;
      for (let i = 0; i < 512; i++) {
        const pte = table + i * 8, lo = phys.read32(pte);
        if ((lo & PTE_V) === 0) continue;
        if ((lo & (PTE_R | PTE_X)) === 0) collect(ptePa(lo, phys.read32(pte + 4)), level - 1);
      }
    };
    for (const [, , pa] of this.leaves()) this.frames.unref(pa);
    for (const [, , slot] of [...this.swapped()]) this.swap!.release(slot);
    collect(this.root, 2);
    for (const t of tables) this.frames.unref(t);
    this.swap?.restartScan();
    this.list.clear();
  }

  /** PTE permission bits for a VMA's protection. */
  static pteFlags(prot: number): number {
    return PTE_U | PTE_A | (prot & PROT_READ ? PTE_R : 0) | (prot & PROT_WRITE ? PTE_W | PTE_D : 0) | (prot & PROT_EXEC ? PTE_X : 0);
  }
}

/**
 * Removes [start, end) from the VMA list of `as`, splitting VMAs that
 * straddle its edges, and unmaps its pages. Used by munmap, MAP_FIXED and
 * brk. The work is the VMAs and pages inside, not the range's length.
 */
export function carve(as: AddressSpace, start: number, end: number): void {
  as.list.remove(start, end);
  as.unmapRange(start, end);
}

/**
 * fork's address space: the same VMAs, and every page shared. Writable pages
 * become read-only copy-on-write in both spaces (fault.ts copies on the first
 * write); read-only pages are simply shared. Returns undefined when out of
 * memory for page tables (the child is then freed).
 */
export function forkSpace(parent: AddressSpace, child: AddressSpace): boolean {
  // newAddressSpace mapped [vvar] and [vdso] in the child: the parent's VMAs replace its list, and a page the parent unmapped goes.
  child.list.clear();
  child.list.copyOf(parent.list);
  for (const [va] of [...child.leaves()]) if (va < USER_TOP && parent.lookup(va) === undefined) child.unmapRange(va, va + PAGE_SIZE);
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
      let flags = parent.phys.read32(w) & PTE_FLAGS;
      const shared = parent.findVma(va)?.kind === 'shared'; // MAP_SHARED: the very same pages, still writable
      if (!shared && flags & (PTE_W | PTE_COW)) {
        flags = (flags & ~(PTE_W | PTE_D)) | PTE_COW;
        parent.setFlags(w, flags);
      }
      if (!child.map(va, pa, flags)) return false;
      parent.frames.ref(pa);
      parent.frames.work.items++; // a PTE copied: fork's cost grows with what is mapped (cost.ts fork is a small process's)
    }
    for (const [va, , slot] of [...parent.swapped()]) {
      // A swapped-out page: the child gets its own copy of the slot.
      const copy = parent.swap!.duplicate(slot);
      const pte = copy < 0 ? -1 : child.pteAddr(va, true);
      if (pte < 0) return false;
      Swap.writeSlot(child.phys, pte, copy);
      parent.frames.work.bytes += PAGE_SIZE; // the slot's page is copied
    }
    return true;
  } finally {
    parent.onChange = notify;
    if (changed) notify();
  }
}
