// Page replacement on a reference string, offline: Bélády's optimum and the
// online policies, simulated on the same string with the same frames.
//
// OPT (Bélády 1966, "A study of replacement algorithms for a virtual-storage
// computer", IBM Systems Journal 5(2); OSTEP ch. 22): on a miss with every
// frame full, evict the page whose next use is farthest in the future (or
// never comes). No policy that does not know the future faults less, so
// OPT's count is the floor the online policies are measured against.
//
// Every count here includes the compulsory misses (the first reference to
// each page), as the textbooks count them; `distinctPages` gives their number.

import { xorshift32 } from '../kernel/mm/replace.js';

export type SimPolicy = 'opt' | 'fifo' | 'lru' | 'clock' | 'random';

export interface SimResult {
  /** Misses: references to a page not in a frame, compulsory ones included. */
  faults: number;
  /** Misses that had to evict a page first. */
  evictions: number;
}

/** How many different pages the string names (its compulsory misses). */
export function distinctPages(refs: readonly number[]): number { return new Set(refs).size; }

/** Simulates `policy` on `refs` with `frames` frames, starting empty. random is seeded by `seed`. */
export function simulate(policy: SimPolicy, refs: readonly number[], frames: number, seed = 1): SimResult {
  if (!(Number.isInteger(frames) && frames >= 1)) throw new RangeError(`frames ${frames}: at least one frame`);
  switch (policy) {
    case 'opt': return opt(refs, frames);
    case 'fifo': return fifo(refs, frames);
    case 'lru': return lru(refs, frames);
    case 'clock': return clock(refs, frames);
    case 'random': return random(refs, frames, seed);
    default: throw new RangeError(`policy ${String(policy)}: not simulated`);
  }
}

/** For each position, where the same page is referenced next (Infinity: never). */
function nextUses(refs: readonly number[]): Float64Array {
  const next = new Float64Array(refs.length), seen = new Map<number, number>();
  for (let i = refs.length - 1; i >= 0; i--) {
    next[i] = seen.get(refs[i]) ?? Infinity;
    seen.set(refs[i], i);
  }
  return next;
}

/**
 * Bélády's MIN in O(n log n): a max-heap of (next use, page) with stale
 * entries skipped when popped (an entry is current when it matches the page's
 * latest next use and the page is resident).
 */
export function opt(refs: readonly number[], frames: number): SimResult {
  const next = nextUses(refs), due = new Map<number, number>(), heap = new MaxHeap();
  let faults = 0, evictions = 0;
  for (let i = 0; i < refs.length; i++) {
    const page = refs[i];
    if (!due.has(page)) {
      faults++;
      if (due.size === frames) {
        for (;;) {
          const [when, victim] = heap.pop()!;
          if (due.get(victim) === when) { due.delete(victim); break; }
        }
        evictions++;
      }
    }
    due.set(page, next[i]);
    heap.push(next[i], page);
  }
  return { faults, evictions };
}

function fifo(refs: readonly number[], frames: number): SimResult {
  const resident = new Set<number>(), queue: number[] = [];
  let head = 0, faults = 0, evictions = 0;
  for (const page of refs) {
    if (resident.has(page)) continue;
    faults++;
    if (resident.size === frames) { resident.delete(queue[head++]); evictions++; }
    resident.add(page);
    queue.push(page);
  }
  return { faults, evictions };
}

/** LRU with a Map, whose iteration order is insertion order: a hit moves the page to the end, the first key is the least recent. */
function lru(refs: readonly number[], frames: number): SimResult {
  const order = new Map<number, true>();
  let faults = 0, evictions = 0;
  for (const page of refs) {
    if (order.delete(page)) { order.set(page, true); continue; }
    faults++;
    if (order.size === frames) { order.delete(order.keys().next().value!); evictions++; }
    order.set(page, true);
  }
  return { faults, evictions };
}

/** The textbook clock: frames in a ring with a use bit, set on every reference; the hand clears bits until it finds one clear. */
function clock(refs: readonly number[], frames: number): SimResult {
  const slot = new Map<number, number>(), pageOf: number[] = [], used = new Uint8Array(frames);
  let hand = 0, faults = 0, evictions = 0;
  for (const page of refs) {
    const at = slot.get(page);
    if (at !== undefined) { used[at] = 1; continue; }
    faults++;
    if (pageOf.length < frames) { slot.set(page, pageOf.length); used[pageOf.length] = 1; pageOf.push(page); continue; }
    while (used[hand]) { used[hand] = 0; hand = (hand + 1) % frames; }
    slot.delete(pageOf[hand]);
    evictions++;
    pageOf[hand] = page; slot.set(page, hand); used[hand] = 1;
    hand = (hand + 1) % frames;
  }
  return { faults, evictions };
}

function random(refs: readonly number[], frames: number, seed: number): SimResult {
  const rand = xorshift32(seed), slot = new Map<number, number>(), pageOf: number[] = [];
  let faults = 0, evictions = 0;
  for (const page of refs) {
    if (slot.has(page)) continue;
    faults++;
    if (pageOf.length < frames) { slot.set(page, pageOf.length); pageOf.push(page); continue; }
    const i = Math.floor(rand() * frames);
    slot.delete(pageOf[i]);
    evictions++;
    pageOf[i] = page; slot.set(page, i);
  }
  return { faults, evictions };
}

/** A binary max-heap of (key, value) pairs, by key. */
class MaxHeap {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];

  push(key: number, value: number): void {
    const k = this.keys, v = this.values;
    let i = k.length;
    k.push(key); v.push(value);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (k[up] >= key) break;
      k[i] = k[up]; v[i] = v[up]; i = up;
    }
    k[i] = key; v[i] = value;
  }

  pop(): [number, number] | undefined {
    const k = this.keys, v = this.values;
    if (k.length === 0) return undefined;
    const top: [number, number] = [k[0], v[0]], key = k.pop()!, value = v.pop()!;
    const n = k.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && k[c + 1] > k[c]) c++;
      if (k[c] <= key) break;
      k[i] = k[c]; v[i] = v[c]; i = c;
    }
    k[i] = key; v[i] = value;
    return top;
  }
}
