// The VMA list of one address space: what the process may touch, as
// page-aligned, non-overlapping ranges kept sorted by address in one array.
// Lookups are binary searches (O(log n)); a change splices only the VMAs it
// touches, so no call re-sorts or rebuilds the list. Every VMA a call visits
// adds one item to the work meter (work.ts).
//
// Adjacent anonymous (and heap, and stack) VMAs with the same protection merge, as Linux's
// vma_merge does, so a run of one-page mmaps stays one VMA. The list holds
// at most MAX_MAP_COUNT VMAs (Linux's vm.max_map_count default): a call that
// would need more fails with ENOMEM, which bounds the host memory a guest
// can spend on VMAs.

import { PAGE_SIZE } from './frames.js';
import type { SharedAnon } from './shmem.js';
import type { Work } from './work.js';
import { KMEM, type KernelMemory } from './kmem.js';

export interface Vma {
  start: number; // page aligned
  end: number; // exclusive, page aligned
  prot: number; // PROT_*
  kind: 'text' | 'data' | 'bss' | 'heap' | 'stack' | 'anon' | 'shared' | 'vvar' | 'vdso';
  /** MAP_SHARED|MAP_ANONYMOUS: the object whose pages every sharer maps, and the object page at `start`. */
  shm?: SharedAnon;
  pgoff?: number;
}

/** Linux's DEFAULT_MAX_MAP_COUNT (include/linux/mm.h): 65530. */
export const MAX_MAP_COUNT = 65530;

/** The part [start, end) of v, with the object offset moved along (for shared VMAs). */
export function slice(v: Vma, start: number, end: number): Vma {
  const s: Vma = { ...v, start, end };
  if (v.shm !== undefined) s.pgoff = v.pgoff! + (start - v.start) / PAGE_SIZE;
  return s;
}

/** True when b can extend a (a ends where b starts) into one VMA without changing what either means. */
function mergeable(a: Vma, b: Vma): boolean {
  if (a.end !== b.start || a.prot !== b.prot || a.kind !== b.kind) return false;
  if (a.kind === 'anon' || a.kind === 'heap' || a.kind === 'stack') return true;
  return a.kind === 'shared' && a.shm === b.shm && a.pgoff! + (a.end - a.start) / PAGE_SIZE === b.pgoff;
}

export class VmaList {
  /** The VMAs, sorted by start; read-only outside this class. */
  readonly all: Vma[] = [];
  /** Bytes covered by all VMAs (RLIMIT_AS, /proc vsize). */
  bytes = 0;
  /**
   * findFree's hint (Linux 2.6's free_area_cache): no hole between `hint`
   * and the search top is as large as `holeMax` bytes, so a search for more
   * may start at `hint`. Any removal resets it to "search from the top".
   */
  private hint = Infinity;
  private holeMax = 0;

  /** VMAs charged to kmem (KMEM.vma each); settle() keeps it equal to count. */
  private charged = 0;

  constructor(private readonly work: Work, private readonly kmem?: KernelMemory) {}

  /** Charges or gives back kmem for VMAs made or gone (callers check kmem.fits first: the mm calls in sys/mem.ts). */
  private settle(): void {
    if (this.kmem === undefined || this.charged === this.all.length) return;
    if (this.all.length > this.charged) this.kmem.force((this.all.length - this.charged) * KMEM.vma);
    else this.kmem.release((this.charged - this.all.length) * KMEM.vma);
    this.charged = this.all.length;
  }

  get count(): number { return this.all.length; }

  /** Index of the first VMA that ends above va (the one holding va, or the next above it). */
  indexAbove(va: number): number {
    const a = this.all;
    let lo = 0, hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].end > va) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** The VMA holding va, or undefined. */
  find(va: number): Vma | undefined {
    const v = this.all[this.indexAbove(va)];
    return v !== undefined && v.start <= va ? v : undefined;
  }

  /** True when [start, end) overlaps no VMA. */
  isFree(start: number, end: number): boolean {
    const v = this.all[this.indexAbove(start)];
    return v === undefined || v.start >= end;
  }

  /** True when VMAs cover every page of [start, end), with no hole. */
  covers(start: number, end: number): boolean {
    let at = start;
    for (let i = this.indexAbove(start); at < end; i++) {
      const v = this.all[i];
      this.work.items++;
      if (v === undefined || v.start > at) return false;
      at = v.end;
    }
    return true;
  }

  /** The VMAs overlapping [start, end), in order: indices [i, j). */
  span(start: number, end: number): [number, number] {
    const i = this.indexAbove(start);
    let j = i;
    while (j < this.all.length && this.all[j].start < end) j++;
    this.work.items += j - i;
    return [i, j];
  }

  /** The VMAs overlapping [start, end), in order. */
  within(start: number, end: number): Vma[] {
    const [i, j] = this.span(start, end);
    return this.all.slice(i, j);
  }

  /** Bytes of [start, end) that VMAs cover already (what a MAP_FIXED mapping there replaces). */
  overlap(start: number, end: number): number {
    const [i, j] = this.span(start, end);
    let n = 0;
    for (let k = i; k < j; k++) n += Math.min(end, this.all[k].end) - Math.max(start, this.all[k].start);
    return n;
  }

  /** How many more VMAs removing or reprotecting [start, end) would need: one per VMA edge split inside it. */
  splits(start: number, end: number): number {
    const a = this.find(start), b = this.find(end - 1);
    return (a !== undefined && a.start < start ? 1 : 0) + (b !== undefined && b.end > end ? 1 : 0);
  }

  /**
   * Replaces the VMAs at indices [i, j) with `pieces` (sorted, within the
   * same range), merges at the seams, and keeps bytes and the shared
   * objects' user counts right.
   */
  private replace(i: number, j: number, pieces: Vma[]): void {
    for (const p of pieces) { p.shm?.hold(); this.bytes += p.end - p.start; }
    const old = this.all.splice(i, j - i, ...pieces);
    for (const v of old) { this.bytes -= v.end - v.start; v.shm?.drop(); }
    this.work.items += pieces.length;
    this.mergeAround(i, i + pieces.length);
    this.settle();
  }

  /** Merges mergeable neighbours among indices [i - 1, k]. */
  private mergeAround(i: number, k: number): void {
    const a = this.all;
    for (let n = Math.min(k, a.length - 1); n > Math.max(i - 1, 0); n--) {
      if (!mergeable(a[n - 1], a[n])) continue;
      a[n - 1].end = a[n].end;
      a.splice(n, 1)[0].shm?.drop();
    }
  }

  /** Adds v over [v.start, v.end); any VMA there loses that part first (the later mapping wins, as with MAP_FIXED). */
  insert(v: Vma): void {
    this.remove(v.start, v.end);
    this.replace(this.indexAbove(v.start), this.indexAbove(v.start), [v]);
  }

  /** Removes [start, end) from every VMA, splitting the ones that straddle its edges. Pages are the caller's. */
  remove(start: number, end: number): void {
    const [i, j] = this.span(start, end);
    if (i === j) return;
    const pieces: Vma[] = [];
    if (this.all[i].start < start) pieces.push(slice(this.all[i], this.all[i].start, start));
    if (this.all[j - 1].end > end) pieces.push(slice(this.all[j - 1], end, this.all[j - 1].end));
    this.replace(i, j, pieces);
    this.hint = Infinity; // a hole may have opened above the hint
    this.holeMax = 0;
  }

  /** Gives every page of [start, end) protection prot, splitting VMAs at the edges and merging what becomes alike. */
  protect(start: number, end: number, prot: number): void {
    const [i, j] = this.span(start, end);
    const pieces: Vma[] = [];
    for (let n = i; n < j; n++) {
      const v = this.all[n];
      if (v.start < start) pieces.push(slice(v, v.start, start));
      pieces.push({ ...slice(v, Math.max(v.start, start), Math.min(v.end, end)), prot });
      if (v.end > end) pieces.push(slice(v, end, v.end));
    }
    this.replace(i, j, pieces);
  }

  /** Moves v's start down to `start` (stack growth): the pages between are free. */
  growDown(v: Vma, start: number): void {
    this.bytes += v.start - start;
    v.start = start;
  }

  /** Moves v's end up to `end` (mremap in place): the pages between are free. */
  growUp(v: Vma, end: number): void {
    this.bytes += end - v.end;
    v.end = end;
    const i = this.indexAbove(v.start);
    this.mergeAround(i, i + 1);
  }

  /**
   * The highest free range of len bytes that ends at or below `top` and
   * starts at or above `bottom`, or -1 (Linux's top-down
   * arch_get_unmapped_area). Walks down from the hint when no hole above
   * it can be large enough, so a run of mmaps costs O(log n) each.
   */
  findFree(len: number, top: number, bottom: number): number {
    if (len <= this.holeMax || this.hint > top) { this.hint = top; this.holeMax = 0; }
    let at = this.hint, i = this.indexAbove(at);
    if (i < this.all.length && this.all[i].start < at) at = this.all[i].start; // a VMA straddles the hint
    for (i--; ; i--) {
      const v = i >= 0 ? this.all[i] : undefined;
      const below = v === undefined ? bottom : Math.max(v.end, bottom);
      this.work.items++;
      if (at - below >= len) { this.hint = at - len; return at - len; }
      this.holeMax = Math.max(this.holeMax, at - below);
      if (v === undefined || v.end <= bottom) return -1;
      at = v.start;
    }
  }

  /**
   * Fills this empty list with a copy of other's VMAs (fork): the same
   * ranges, sharing the same shared objects. Metered as one item per VMA:
   * fork is cost.ts fork for a small process plus its PTEs and VMAs copied.
   */
  copyOf(other: VmaList): void {
    for (const v of other.all) { v.shm?.hold(); this.all.push({ ...v }); }
    this.work.items += other.all.length;
    this.bytes = other.bytes;
    this.settle();
  }

  /** Forgets every VMA (the space is being destroyed), dropping shared objects. */
  clear(): void { this.replace(0, this.all.length, []); }
}
