// Swapping: when RAM runs out, a page that has not been used lately goes to
// the swap area and its PTE keeps the slot (V = 0, a software bit set); the
// next touch is a major fault that brings it back (fault.ts). "Lately" is
// the clock algorithm over the A bits the hardware sets during page walks.

import { type PhysMem, PTE_A, PTE_V, PTE_RSW1 } from '../../machine/index.js';
import type { AddressSpace } from './vm.js';
import { PAGE_SIZE } from './frames.js';

/** RSW bit 9 (priv 4.4.1: "reserved for use by supervisor software"): with V = 0, a swapped-out page. */
export const PTE_SWAPPED = PTE_RSW1;
const TWO22 = 4194304;

export class Swap {
  private readonly slots: (Uint8Array | undefined)[];
  private readonly free: number[] = [];
  private hand: Generator<[AddressSpace, number, number, number]> | undefined;
  swapOuts = 0;
  swapIns = 0;

  /** spaces: the live address spaces to choose victims from; onClear: flush TLBs after A bits are cleared. */
  constructor(bytes: number, private readonly spaces: () => AddressSpace[], private readonly onClear: () => void) {
    this.slots = new Array(Math.floor(bytes / PAGE_SIZE));
    for (let i = this.slots.length - 1; i >= 0; i--) this.free.push(i);
  }

  get size(): number { return this.slots.length; }
  get used(): number { return this.slots.length - this.free.length; }

  /** Forgets where the clock hand is: a page table it may be walking was freed (munmap, exit). The next eviction starts a new lap. */
  restartScan(): void { this.hand = undefined; }

  /**
   * Every evictable page: private user pages with one owner. COW pages and
   * MAP_SHARED|MAP_ANONYMOUS pages (shmem.ts) stay in RAM: a shared page is
   * in every sharer's page table, and one slot cannot replace them all.
   */
  private *candidates(): Generator<[AddressSpace, number, number, number]> {
    for (const as of this.spaces()) {
      for (const [va, w, pa] of as.leaves()) {
        const vma = as.findVma(va);
        if (vma === undefined || vma.kind === 'shared' || as.frames.refCount(pa) !== 1) continue;
        yield [as, va, w, pa];
      }
    }
  }

  /** Moves one page out to swap, freeing its frame. False when nothing can go (swap full, or no candidate). */
  evictOne(): boolean {
    if (this.free.length === 0) return false;
    let cleared = false;
    for (let lap = 0; lap < 3; lap++) {
      this.hand ??= this.candidates();
      for (let step = this.hand.next(); !step.done; step = this.hand.next()) {
        const [as, , pte, pa] = step.value;
        const phys = as.phys, lo = phys.read32(pte);
        if ((lo & PTE_V) === 0) continue; // changed since the scan began
        if (lo & PTE_A) { phys.write32(pte, lo & ~PTE_A); cleared = true; continue; } // second chance
        const slot = this.free.pop()!;
        this.slots[slot] = phys.readBytes(pa, PAGE_SIZE);
        Swap.writeSlot(phys, pte, slot); // V = 0: the next touch faults
        as.frames.unref(pa);
        as.onChange();
        this.swapOuts++;
        if (cleared) this.onClear();
        return true;
      }
      this.hand = undefined;
      if (cleared) this.onClear();
    }
    return false;
  }

  /** Makes the PTE at physical address pte say "swapped out to `slot`" (V = 0, PTE_SWAPPED, the slot in the PPN field). */
  static writeSlot(phys: PhysMem, pte: number, slot: number): void {
    phys.write64(pte, (slot % TWO22) * 1024 + PTE_SWAPPED, Math.floor(slot / TWO22));
  }

  /** The slot a swapped-out PTE word pair refers to, or -1. */
  static slotOf(lo: number, hi: number): number {
    return (lo & (PTE_V | PTE_SWAPPED)) === PTE_SWAPPED ? (lo >>> 10) + hi * TWO22 : -1;
  }

  /** Copies a slot's page into the frame at physical address pa and frees the slot. */
  swapIn(slot: number, phys: PhysMem, pa: number): void {
    phys.writeBytes(pa, this.slots[slot]!);
    this.release(slot);
    this.swapIns++;
  }

  /** A copy of a slot for a forked child; -1 when swap is full. */
  duplicate(slot: number): number {
    const copy = this.free.pop();
    if (copy === undefined) return -1;
    this.slots[copy] = this.slots[slot]!.slice();
    return copy;
  }

  release(slot: number): void {
    this.slots[slot] = undefined;
    this.free.push(slot);
  }
}
