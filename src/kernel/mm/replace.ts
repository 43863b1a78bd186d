// Page replacement: which resident page goes to swap when a frame is needed
// (swap.ts asks, then moves the page out). Three policies, --swap-policy:
//
//   clock   the second-chance clock over the A bits the hardware sets during
//           page walks (mmu.ts; priv 4.3.1): a page used since the hand last
//           passed loses its A bit and stays; the first page found without
//           one goes. An approximation of LRU.
//   fifo    the page brought into RAM longest ago goes, used or not (the
//           order frames were allocated, Frames.bornAt).
//   random  a page chosen by a generator seeded from --seed, so a run
//           repeats exactly; the guest's own randomness is not disturbed.
//
// Bélády's optimum needs the future, so it is not a policy here: the swap
// experiment computes it offline from a recorded reference string
// (src/experiment/belady.ts).

import { PTE_A, PTE_V, ptePa } from '../../machine/index.js';
import type { AddressSpace } from './vm.js';

export type SwapPolicy = 'clock' | 'fifo' | 'random';
export const SWAP_POLICIES: readonly SwapPolicy[] = ['clock', 'fifo', 'random'];

/** A page that may go to swap: its address space, virtual address, PTE (by physical address) and frame. */
export interface Candidate {
  as: AddressSpace;
  va: number;
  pte: number;
  pa: number;
}

/** A policy: names the next page to evict. */
export interface Replacer {
  /** The page to evict now, still mapped and evictable; undefined when none can go. */
  victim(): Candidate | undefined;
  /** A page table may have been freed (munmap, exit): forget any position or list that names PTEs. */
  restart(): void;
}

/** The candidates in page-table order, made anew on each call (Swap.candidates). */
export type Candidates = () => Generator<Candidate>;

/** A replacer for `policy`. onClear flushes TLBs after the clock clears A bits; seed seeds random. */
export function makeReplacer(policy: SwapPolicy, candidates: Candidates, onClear: () => void, seed: number): Replacer {
  switch (policy) {
    case 'clock': return new Clock(candidates, onClear);
    case 'fifo': return new Fifo(candidates);
    case 'random': return new RandomPick(candidates, seed);
    default: throw new RangeError(`swap policy ${String(policy)}: not one of ${SWAP_POLICIES.join(', ')}`);
  }
}

class Clock implements Replacer {
  private hand: Generator<Candidate> | undefined;

  constructor(private readonly candidates: Candidates, private readonly onClear: () => void) {}

  restart(): void { this.hand = undefined; }

  /** Up to three laps: the first may only clear A bits, the second then finds one clear (the third covers pages touched meanwhile). */
  victim(): Candidate | undefined {
    let cleared = false;
    for (let lap = 0; lap < 3; lap++) {
      this.hand ??= this.candidates();
      for (let step = this.hand.next(); !step.done; step = this.hand.next()) {
        const c = step.value, phys = c.as.phys, lo = phys.read32(c.pte);
        if ((lo & PTE_V) === 0) continue; // changed since the lap began
        if (lo & PTE_A) { phys.write32(c.pte, lo & ~PTE_A); cleared = true; continue; } // second chance
        if (cleared) this.onClear();
        return c;
      }
      this.hand = undefined;
      if (cleared) this.onClear();
    }
    return undefined;
  }
}

/** A candidate as it was when listed: its frame's allocation number tells whether it is still the same page. */
interface Listed extends Candidate { born: number }

function list(candidates: Candidates): Listed[] {
  const out: Listed[] = [];
  for (const c of candidates()) out.push({ ...c, born: c.as.frames.bornAt(c.pa) });
  return out;
}

/** Still mapped at the same PTE, to the same frame, given out by the same allocation, with no second owner. */
function current(e: Listed): boolean {
  const phys = e.as.phys, lo = phys.read32(e.pte), hi = phys.read32(e.pte + 4);
  return (lo & PTE_V) !== 0 && ptePa(lo, hi) === e.pa && e.as.frames.refCount(e.pa) === 1 && e.as.frames.bornAt(e.pa) === e.born;
}

/**
 * FIFO from a list sorted by allocation number, taken when the last one runs
 * out: every page that arrived since is younger than everything on it, so
 * the order is exact, and the cost is one listing per list's worth of
 * evictions, not one per eviction.
 */
class Fifo implements Replacer {
  private queue: Listed[] = [];
  private head = 0;

  constructor(private readonly candidates: Candidates) {}

  restart(): void { this.queue = []; this.head = 0; }

  victim(): Candidate | undefined {
    for (let pass = 0; pass < 2; pass++) {
      while (this.head < this.queue.length) {
        const e = this.queue[this.head++];
        if (current(e)) return e;
      }
      this.queue = list(this.candidates).sort((a, b) => a.born - b.born);
      this.head = 0;
    }
    return undefined;
  }
}

/**
 * Uniform choice from a list of the resident pages, taken again once half of
 * it is used, so a page brought in since waits at most half a list's worth
 * of evictions before it can be chosen.
 */
class RandomPick implements Replacer {
  private pool: Listed[] = [];
  private listed = 0;
  private readonly random: () => number;

  constructor(private readonly candidates: Candidates, seed: number) {
    this.random = xorshift32(seed);
  }

  restart(): void { this.pool = []; this.listed = 0; }

  victim(): Candidate | undefined {
    if (this.pool.length * 2 <= this.listed) this.refill();
    for (let pass = 0; pass < 2; pass++) {
      while (this.pool.length > 0) {
        const i = Math.floor(this.random() * this.pool.length), e = this.pool[i];
        this.pool[i] = this.pool[this.pool.length - 1];
        this.pool.pop();
        if (current(e)) return e;
      }
      this.refill();
    }
    return undefined;
  }

  private refill(): void {
    this.pool = list(this.candidates);
    this.listed = this.pool.length;
  }
}

/** Marsaglia's xorshift32 (J. Stat. Soft. 8(14), 2003), as uniform numbers in [0, 1); seed 0 becomes 1. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
}
