// The decoded-instruction cache: blocks of pre-decoded records per physical
// RAM page. DESIGN.md: "cache decoded instructions per physical page;
// invalidate the cache on writes to that page". Decoded bytes are marked in
// bus.hooks (64-byte granules); a store that touches a marked granule leaves
// the store fast path and calls invalidatePage(). Data that merely shares a
// page with code (common in bare-metal programs) costs nothing.

import type { Hart } from './hart.js';
import { type Bus, Hook, PageFlag, PAGE, HOOK_SHIFT } from './bus.js';
import { REC, decodeInto } from '../isa/decode.js';
import { PROPS, Prop } from '../isa/table.js';

export interface Block {
  recs: Int32Array; // n records of REC int32 (see isa/decode.ts)
  raw: Int32Array; // the instruction bits, for illegal-instruction tval and tracing
  n: number;
  /** False once invalidated (or never cached): nothing may chain to it. */
  live: boolean;
  // Chaining (hart.run): the last two successors, each valid for one virtual
  // pc and one translation epoch of the hart.
  s0: Block | undefined; s0pc: number; s0ep: number;
  s1: Block | undefined; s1pc: number; s1ep: number;
  /** RAM offset of the first instruction (-1: not cached); the JIT's compiled region and hotness (jit/jit.ts). */
  off: number; fn: ((h: Hart, b: Block) => void) | undefined; hot: number;
}

function makeBlock(recs: Int32Array, raw: Int32Array, n: number, live: boolean, off: number): Block {
  return { recs, raw, n, live, s0: undefined, s0pc: -1, s0ep: -1, s1: undefined, s1pc: -1, s1ep: -1, off, fn: undefined, hot: 0 };
}

const MAX_BLOCK = 64;

/** Ops after which a block ends (the table's Prop.ENDS): control transfers and anything that may change mode, translation or interrupts. */
const ENDS = Uint8Array.from(PROPS, (p) => p & Prop.ENDS);

export class BlockCache {
  private readonly pages: (Array<Block | undefined> | undefined)[];
  private readonly recs = new Int32Array(MAX_BLOCK * REC);
  private readonly raw = new Int32Array(MAX_BLOCK);
  /** False to decode every block on every execution (for measuring what the cache is worth). */
  caching = true;

  constructor(private readonly bus: Bus) {
    this.pages = new Array(bus.ramSize / PAGE);
    bus.codeCaches.push(this);
  }

  get(off: number): Block | undefined {
    return this.pages[off >>> 12]?.[(off & 0xfff) >> 1];
  }

  /** The live blocks decoded in RAM page `page`: their page offsets, in address order (a JIT region may take them all). */
  decodedIn(page: number): number[] {
    const list = this.pages[page], out: number[] = [];
    if (list !== undefined) list.forEach((b, i) => { if (b !== undefined && b.live && b.n > 0) out.push(i << 1); });
    return out;
  }

  /** Decodes and caches the block starting at RAM offset `off` (which holds at least one full instruction). */
  build(off: number): Block {
    const ram16 = this.bus.ram16, pageEnd = (off | 0xfff) + 1;
    let n = 0, o = off;
    while (n < MAX_BLOCK && o < pageEnd) {
      const lo = ram16[o >> 1];
      const len = (lo & 3) === 3 ? 4 : 2;
      if (o + len > pageEnd) break; // straddles the page end: its own uncached block
      const bits = len === 4 ? (lo | (ram16[(o >> 1) + 1] << 16)) : lo;
      decodeInto(bits, this.recs, n * REC);
      this.raw[n] = bits;
      o += len;
      if (ENDS[this.recs[n++ * REC]]) break;
    }
    const blk = makeBlock(this.recs.slice(0, n * REC), this.raw.slice(0, n), n, this.caching, this.caching ? off : -1);
    if (!this.caching) return blk;
    const page = off >>> 12;
    let list = this.pages[page];
    if (list === undefined) list = this.pages[page] = new Array<Block | undefined>(PAGE / 2);
    list[(off & 0xfff) >> 1] = blk;
    for (let g = off >>> HOOK_SHIFT; g <= (o - 1) >>> HOOK_SHIFT; g++) this.bus.hooks[g] |= Hook.CODE;
    return blk;
  }

  /** A one-instruction block that is not cached (an instruction straddling two pages). */
  decodeOne(bits: number): Block {
    const recs = new Int32Array(REC);
    decodeInto(bits, recs, 0);
    return makeBlock(recs, Int32Array.of(bits), 1, false, -1);
  }

  /** Called when a page with decoded blocks is dropped (the JIT drops its compiled regions there). */
  onInvalidate: ((page: number) => void) | undefined;

  /** Drops every block of RAM page `page` (a store hit decoded bytes in it). */
  invalidatePage(page: number): void {
    const list = this.pages[page];
    if (list !== undefined) {
      for (const b of list) if (b !== undefined) b.live = false;
      if (this.onInvalidate !== undefined) this.onInvalidate(page);
    }
    this.pages[page] = undefined;
    const n = PAGE >>> HOOK_SHIFT;
    for (let g = page * n; g < (page + 1) * n; g++) this.bus.hooks[g] &= ~Hook.CODE;
  }

  /** Drops every block (fence.i from a device's DMA, or a debugger's memory write). */
  invalidateAll(): void {
    for (let p = 0; p < this.pages.length; p++) if (this.pages[p] !== undefined) this.invalidatePage(p);
    for (let g = 0; g < this.bus.hooks.length; g++) this.bus.hooks[g] &= ~Hook.CODE;
  }

  markNative(pa: number, size: number): void {
    for (let a = pa; a < pa + size; a += PAGE) {
      const off = this.bus.ramOffset(a);
      if (off >= 0) this.bus.pageFlags[off >>> 12] |= PageFlag.NATIVE;
    }
  }
}
