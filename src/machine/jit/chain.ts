// Region chaining (wasm.ts, jit.ts): a region whose next pc is no block of
// its own goes straight into the region compiled for that pc, with a tail
// call through a table of every live region's function, instead of
// returning to Hart.run, which would fetch the block and call it again.
// Without it, a call to a function on another page, and its return, each cost
// a trip through JavaScript (a system call's round trip in a loop took two).
//
// The chain cache, in the hart's slot of the bus's memory (bus.ts HART_SLOT):
// CHAIN_SIZE entries of 16 bytes, direct-mapped by pc / 2:
//
//   +0  i64  pc | 1        (0: empty; pcs are even, so no pc matches it)
//   +8  i32  the region's table index
//   +12 i32  RAM page of pc | window page index << 20
//
// jit.ts fills an entry when Hart.run enters a region at pc, and clears the
// entries of a region it drops. Compiled code trusts an entry only where the
// fetch TLB maps pc's page to the same RAM page now, so a change of address
// space or mapping cannot send it into code compiled for another.
// Before the chain, the code does what Hart.run's loop does between two
// blocks: with the budget used up, an interrupt to check, or the region
// stale, it returns instead.
//
// Two words past the hart's state (layout.ts STATE_BYTES) say which region
// is running (each region stores its index there when it starts: a chain
// enters without Hart.run knowing) and count the chains.

import { STATE_BYTES } from '../layout.js';
import { TLB_BYTES } from '../mmu.js';

export const CHAIN_SIZE = 1024;
export const CHAIN_ENTRY = 16;
/** Where in a hart's slot the cache starts: after the state (2 KiB) and the 12 TLBs. */
export const CHAIN_AT = 2048 + 12 * TLB_BYTES;
export const CHAIN_BYTES = CHAIN_SIZE * CHAIN_ENTRY;
/** In a hart's slot: the running region's table index (i32), then the chains taken (f64). */
export const RUNNING_AT = STATE_BYTES;
export const CHAINS_AT = STATE_BYTES + 8;
/** The RAM page field's bits (RAM is below 4 GiB: a WebAssembly memory). */
export const PAGE_BITS = 20;

/** A hart's chain cache and its two words, as views over the bus's memory at the hart's slot. */
export class ChainCache {
  private readonly e: Int32Array;
  private readonly running: Int32Array;
  private readonly chains: Float64Array;

  constructor(buf: ArrayBuffer, slotAt: number) {
    this.e = new Int32Array(buf, slotAt + CHAIN_AT, CHAIN_BYTES / 4);
    this.running = new Int32Array(buf, slotAt + RUNNING_AT, 1);
    this.chains = new Float64Array(buf, slotAt + CHAINS_AT, 1);
  }

  /** The region that last started (it returned to Hart.run). */
  get current(): number { return this.running[0]; }
  get taken(): number { return this.chains[0]; }

  /** A region entered at pc (lo, hi), by window page epg, whose page is RAM page ramPage. */
  remember(lo: number, hi: number, index: number, epg: number, ramPage: number): void {
    const e = this.e, i = ((lo >>> 1) & (CHAIN_SIZE - 1)) * 4;
    e[i] = lo | 1; e[i + 1] = hi; e[i + 2] = index; e[i + 3] = ramPage | (epg << PAGE_BITS);
  }

  /** Region `index` is gone: no entry leads to it. */
  forget(index: number): void {
    const e = this.e;
    for (let i = 0; i < e.length; i += 4) if (e[i + 2] === index && e[i] !== 0) e[i] = e[i + 1] = 0;
  }
}
