// Swapping: when RAM runs out, a page goes to the swap area and its PTE
// keeps the slot (V = 0, a software bit set); the next touch is a major fault
// that brings it back (fault.ts). Which page goes is the replacement
// policy's choice (replace.ts): clock over the A bits by default, FIFO or
// random with --swap-policy.

import { type PhysMem, PTE_V, PTE_RSW1 } from '../../machine/index.js';
import type { AddressSpace } from './vm.js';
import { PAGE_SIZE } from './frames.js';
import { makeReplacer, type Candidate, type Replacer, type SwapPolicy } from './replace.js';

/** RSW bit 9 (priv 4.4.1: "reserved for use by supervisor software"): with V = 0, a swapped-out page. */
export const PTE_SWAPPED = PTE_RSW1;
const TWO22 = 4194304;

/** One page gone to swap, for whoever watches (the swap experiment): the PTE as it now reads. */
export interface SwapOut {
  va: number;
  /** The swapped-out PTE, low and high words: V = 0, PTE_SWAPPED, the slot in the PPN field. */
  lo: number;
  hi: number;
  slot: number;
  /** User pages resident when RAM first filled (the frames a replacement policy shares out). */
  resident: number;
}

export interface SwapOptions {
  policy?: SwapPolicy;
  /** Seeds the random policy (KernelOptions.seed). */
  seed?: number;
  onSwapOut?: (e: SwapOut) => void;
}

export class Swap {
  private readonly slots: (Uint8Array | undefined)[];
  private readonly free: number[] = [];
  private readonly replacer: Replacer;
  private readonly onSwapOut: ((e: SwapOut) => void) | undefined;
  private resident = -1;
  readonly policy: SwapPolicy;
  swapOuts = 0;
  swapIns = 0;

  /** spaces: the live address spaces to choose victims from; onClear: flush TLBs after A bits are cleared. */
  constructor(bytes: number, private readonly spaces: () => AddressSpace[], onClear: () => void, opts: SwapOptions = {}) {
    this.slots = new Array(Math.floor(bytes / PAGE_SIZE));
    for (let i = this.slots.length - 1; i >= 0; i--) this.free.push(i);
    this.policy = opts.policy ?? 'clock';
    this.replacer = makeReplacer(this.policy, () => this.candidates(), onClear, opts.seed ?? 1);
    this.onSwapOut = opts.onSwapOut;
  }

  get size(): number { return this.slots.length; }
  get used(): number { return this.slots.length - this.free.length; }

  /** Forgets where the policy stands: a page table it may name was freed (munmap, exit). */
  restartScan(): void { this.replacer.restart(); }

  /**
   * Every evictable page: private user pages with one owner. COW pages and
   * MAP_SHARED|MAP_ANONYMOUS pages (shmem.ts) stay in RAM: a shared page is
   * in every sharer's page table, and one slot cannot replace them all.
   */
  private *candidates(): Generator<Candidate> {
    for (const as of this.spaces()) {
      for (const [va, pte, pa] of as.leaves()) {
        const vma = as.findVma(va);
        if (vma === undefined || vma.kind === 'shared' || as.frames.refCount(pa) !== 1) continue;
        yield { as, va, pte, pa };
      }
    }
  }

  /** Moves the policy's victim out to swap, freeing its frame. False when nothing can go (swap full, or no candidate). */
  evictOne(): boolean {
    if (this.free.length === 0) return false;
    if (this.onSwapOut !== undefined && this.resident < 0) { this.resident = 0; for (const _ of this.candidates()) this.resident++; }
    const c = this.replacer.victim();
    if (c === undefined) return false;
    const { as, pte, pa } = c, phys = as.phys;
    const slot = this.free.pop()!;
    this.slots[slot] = phys.readBytes(pa, PAGE_SIZE);
    Swap.writeSlot(phys, pte, slot); // V = 0: the next touch faults
    as.frames.unref(pa);
    as.onChange();
    as.frames.work.bytes += PAGE_SIZE; // the page copied out, and its PTE rewritten: long work when many go (sched/preempt.ts)
    as.frames.work.pages++;
    this.swapOuts++;
    this.onSwapOut?.({ va: c.va, lo: phys.read32(pte), hi: phys.read32(pte + 4), slot, resident: this.resident });
    return true;
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
