// The JIT of one hart: counts how often each decoded block runs, compiles a
// hot block's region (region.ts) into a JavaScript function, keeps a bounded
// cache of them, and runs them in place of the interpreter (Hart.run calls
// exec() instead of execBlock() while the JIT is on).
//
// Contract: exec(h, blk) has exactly execBlock's effect on the architectural
// state, the counters and the trace, and may run further blocks of the
// region only where Hart.run would have run them with nothing in between
// (region.ts lists the checks). Compiled code is dropped with the decoded
// blocks it came from (BlockCache.onInvalidate), on eviction, or never run
// again once its blocks are dead.

import type { Hart } from '../hart.js';
import type { Block, BlockCache } from '../blocks.js';
import { execBlock, illegal, addHi, setNum, setPc } from '../exec.js';
import { mem, loadOp, load32, load64, store8, store16, store32, store64 } from '../mem.js';
import * as alu from '../alu.js';
import { takeTrap } from '../trap.js';
import { trapInline } from '../native.js';
import { execCsr, execAmo, execFp } from '../exec-sys.js';
import { selectBlocks, regionSource, type RegionCaps, type Chosen } from './region.js';
import { S, T } from '../layout.js';
import { Tlb, TLB_MASK } from '../mmu.js';
import { PageFlag } from '../bus.js';
import { EXIT_NAMES, Exit } from './emit.js';
import { wasmRegion, type WasmLayout } from './wasm.js';
import { MID } from './wasm-insn.js';
import { fusedMaddAvailable } from './wasm-fp.js';
import { ChainCache } from './chain.js';

const NO_MIDS = new Int32Array(0);

/**
 * A WebAssembly region's bounds: it compiles in one pass (no 60 KB limit as
 * for JavaScript, no optimiser that gives up), and its dispatch is one
 * br_table over the page, so it takes the whole page's decoded code.
 */
export const WASM_CAPS: RegionCaps = { insns: 2048, blocks: 512, wholePage: true, warm: 2, near: 2 };

export type RegionFn = (h: Hart, blk: Block) => void;

/** A WebAssembly region's function (wasm.ts): the TLBs, the budget's end; the exit reason or -1. */
type WasmRun = (rtlb: number, wtlb: number, end: number, xtlb: number, page: number) => number;

/** What compiled code may call: the interpreter's own helpers, by the names emit.ts uses. */
function library(exits: Float64Array): Record<string, unknown> {
  return {
    loadOp, load32, load64, store8, store16, store32, store64, mem,
    lt64: alu.lt64, ltu64: alu.ltu64, sll64: alu.sll64, srl64: alu.srl64, sra64: alu.sra64,
    mul64: alu.mul64, mulh: alu.mulh, mulhsu: alu.mulhsu, mulhu: alu.mulhu,
    div64: alu.div64, divu64: alu.divu64, div32: alu.div32, divu32: alu.divu32, aluOut: alu.out,
    takeTrap, trapInline, illegal, execCsr, execAmo, execFp, setNum, setPcNum: setPc, addHi, E: exits,
  };
}

/** What compiled code is: WebAssembly (the default, where the bus has a WebAssembly memory) or JavaScript. */
export type JitBackend = 'wasm' | 'js';

export interface JitOptions {
  /** A block is compiled when it has run this many times (0: before its first run). */
  threshold: number;
  /** 'js' forces the JavaScript backend (the reference the WebAssembly one is tested against). */
  backend?: JitBackend;
  /** The code cache's bound, in bytes of generated source; the oldest regions go first. */
  cacheBytes?: number;
  /** false: emulate fused multiply-add even where the host's relaxed SIMD has it (wasm-fp.ts; for tests). */
  fusedMadd?: boolean;
}

/** The JIT's counters (--stats: the "jit" section). */
export interface JitStats {
  regions: number; blocks: number; compileMs: number; cacheBytes: number; cachedRegions: number;
  invalidations: number; evictions: number; failures: number; exits: Record<string, number>;
  /** Region-to-region tail calls (chain.ts), and traps handled without leaving compiled code (native.ts trapInline): neither is an exit. */
  chains: number; inlineTraps: number;
}

/**
 * A compiled region: its RAM pages (-1: none), blocks, size and function;
 * a WebAssembly one also its index in the chain table and where it may leave
 * mid-block (wasm-insn.ts Emitter.mids).
 */
interface Region { pages: number[]; blocks: Block[]; bytes: number; fn: RegionFn; live: boolean; index: number; mids: Int32Array }

export const DEFAULT_CACHE_BYTES = 32 << 20;
/**
 * The most steps one call of a WebAssembly region runs before it returns
 * (a `budget` exit, at a block boundary like any other). V8 first runs a
 * new function as baseline code and optimises it in the background, but a
 * call already running keeps the code it started in: without this, a hot
 * loop would stay in baseline code until the run's budget ran out.
 */
const CALL_STEPS = 1 << 20;
/** --jit-threshold's default: a block is compiled once it has run this many times. */
export const JIT_THRESHOLD = 1000;
/**
 * `lde boot`'s default: a guest kernel runs much code a few thousand times
 * (its initialisation, self-tests, sorting tables) that compiling at 1,000
 * would cost more than it saves. Debian's Linux to its prompt and power-off,
 * one hart: 14.0 s of host time at 1,000, 10.8 at 3,000, 9.8 at 10,000 and
 * 30,000; four harts: 28.6 and 19.9 s (docs/guests.md).
 */
export const GUEST_JIT_THRESHOLD = 10_000;
/**
 * What a board's harts get unless told otherwise (board.ts): the JIT, on, at
 * the default threshold. A host may change it for every board it makes
 * (`npm run test:jit-off` runs the whole suite on the interpreter: test/helpers/jit-env.ts).
 */
export const jitDefault: { opts: JitOptions | null } = { opts: { threshold: JIT_THRESHOLD } };

export class Jit {
  readonly threshold: number;
  private readonly cacheBytes: number;
  readonly exits = new Float64Array(EXIT_NAMES.length);
  private readonly names: string[];
  private readonly values: unknown[];
  /** Regions in compile order (eviction is oldest first), and by RAM page (invalidation). */
  private readonly fifo: Region[] = [];
  private readonly byPage = new Map<number, Region[]>();
  private bytes = 0;
  private live = 0;
  private readonly counts = { regions: 0, blocks: 0, compileMs: 0, invalidations: 0, evictions: 0, failures: 0 };

  /** The backend in use: WebAssembly when asked for (the default) and the hart's state is in the bus's memory. */
  readonly backend: JitBackend;
  private readonly layout: WasmLayout | undefined;
  /** The epoch the running WebAssembly code was entered at (fresh() compares it). */
  private ep = 0;
  private inlineTraps = 0;
  /** WebAssembly regions by their index in the table their chains call through (chain.ts), and the free indices. */
  private readonly table: WebAssembly.Table | undefined;
  private readonly byIndex: Region[] = [];
  private readonly freeIndex: number[] = [];
  private readonly chain: ChainCache | undefined;

  constructor(private readonly cache: BlockCache, opts: JitOptions, private readonly hart?: Hart) {
    this.threshold = opts.threshold;
    const slot = hart?.bus.hartSlot(hart.hartId), memory = hart?.bus.memory;
    this.layout = opts.backend === 'js' || slot === undefined || memory === undefined ? undefined
      : { state: slot.at, hooks: hart!.bus.hooksAt, pages: memory.buffer.byteLength / 65536, fusedMadd: opts.fusedMadd !== false && fusedMaddAvailable() };
    this.backend = this.layout === undefined ? 'js' : 'wasm';
    if (this.layout !== undefined) {
      this.table = new WebAssembly.Table({ element: 'anyfunc', initial: 64 });
      this.chain = new ChainCache(memory!.buffer, slot!.at);
    }
    this.cacheBytes = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
    const lib = library(this.exits);
    this.names = Object.keys(lib);
    this.values = Object.values(lib);
    cache.onInvalidate = (page) => this.invalidate(page);
  }

  /** Runs blk (Hart.run's replacement for execBlock while the JIT is on). */
  exec(h: Hart, blk: Block): void {
    const fn = blk.fn;
    if (fn !== undefined) { fn(h, blk); return; }
    if (blk.live && ++blk.hot > this.threshold && this.compile(h, blk)) { blk.fn!(h, blk); return; }
    execBlock(h, blk);
  }

  /** Compiles the region rooted at blk, the block at h's pc; false when it cannot (blk is then interpreted for good). */
  private compile(h: Hart, blk: Block): boolean {
    const t0 = performance.now();
    const ramOff = blk.off;
    let fn: RegionFn;
    let chosen: Chosen;
    try {
      chosen = this.layout !== undefined ? selectBlocks(this.cache, blk, ramOff, WASM_CAPS, (d) => this.near(h, d))
        : selectBlocks(this.cache, blk, ramOff);
      const r: Region = { pages: chosen.pages, blocks: chosen.blocks, bytes: 0, fn: () => {}, live: true, index: -1, mids: NO_MIDS };
      const made = this.layout !== undefined ? this.wasm(chosen, this.layout, r) : this.js(chosen.offs, chosen.blocks);
      fn = r.fn = made.fn;
      r.bytes = made.bytes;
      this.admit(r);
    } catch {
      // An environment without eval (a strict Content-Security-Policy): interpret.
      this.counts.failures++;
      blk.hot = -Infinity;
      return false;
    }
    for (const b of chosen.blocks) if (b.fn === undefined) b.fn = fn;
    this.counts.regions++;
    this.counts.blocks += chosen.blocks.length;
    this.counts.compileMs += performance.now() - t0;
    return true;
  }

  /**
   * True while the running WebAssembly region is still good: its page was
   * not written, translation is unchanged, no device stopped the run (the
   * JavaScript backend's end-of-block STALE check; its helpers return 2 otherwise).
   */
  fresh(r: Region): boolean { return r.live && this.hart!.epoch === this.ep && this.hart!.stop === undefined; }

  /**
   * After Hart.trapInline: true when the running region may go on, its code
   * unwritten and the run not stopped; the epoch moved with the mode (to S
   * and back, the caller checked that translation did not change otherwise),
   * so the region takes the new one as its own.
   */
  resume(r: Region): boolean {
    if (!r.live || this.hart!.stop !== undefined) return false;
    this.ep = this.hart!.epoch;
    this.inlineTraps++;
    return true;
  }

  /** The RAM page of the virtual page d pages from h's pc's, if the fetch TLB has it now (region.ts's near pages). */
  private near(h: Hart, d: number): number | undefined {
    const s = h.s, base = s[S.PC] & -4096, lo = (base + d * 4096) | 0, hi = addHi(base, s[S.PC + 1], d * 4096, lo);
    const t = h.xTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
    if (t.tag[i] !== key || t.hi[i] !== hi) return undefined;
    const page = t.off[i] >>> 12;
    return h.bus.pageFlags[page] & PageFlag.NATIVE ? undefined : page;
  }

  /** A JavaScript region (region.ts); its size is its source's. */
  private js(offs: number[], blocks: Block[]): { fn: RegionFn; bytes: number } {
    const { source, index } = regionSource(offs, blocks);
    return { fn: (new Function(...this.names, 'IDX', source) as (...a: unknown[]) => RegionFn)(...this.values, index), bytes: source.length };
  }

  /** A WebAssembly region (wasm.ts) and its helper; its size is the module's bytes plus the helper's source. */
  private wasm({ offs, blocks, pages }: Chosen, layout: WasmLayout, region: Region): { fn: RegionFn; bytes: number } {
    const index = this.freeIndex.pop() ?? this.byIndex.length;
    const { bytes, slowSource, mids } = wasmRegion(offs, blocks, layout, pages, index);
    const slow = (new Function(...this.names, 'H', 'J', 'R', slowSource) as (...a: unknown[]) => (n: number, bl: number, bh: number) => number)(...this.values, this.hart, this, region);
    const table = this.table!, chain = this.chain!;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
      { e: { m: this.hart!.bus.memory!, f0: slow, t: table } });
    const run = inst.exports.run as WasmRun;
    if (index >= table.length) table.grow(index + 1 - table.length);
    table.set(index, run);
    this.byIndex[index] = region;
    region.index = index;
    region.mids = mids;
    // A run may enter by a block of any of its pages; other regions' code may chain to it there from now on.
    const fn: RegionFn = (h, b) => {
      this.ep = h.epoch;
      const t = h.t, s = h.s, end = Math.min(h.runEnd, t[T.INSTRET] + t[T.TRAPS] + CALL_STEPS), page = pages.indexOf(b.off >>> 12);
      chain.remember(s[S.PC], s[S.PC + 1], index, page, b.off >>> 12);
      this.finish(h, run(h.rTlb.at, h.wTlb.at, end, h.xTlb.at, page));
    };
    return { fn, bytes: bytes.length + slowSource.length };
  }

  /** After a WebAssembly run returned reason r: counts the exit; a load or store it could not do inline, the interpreter finishes (wasm-insn.ts finishInterpreted) in the region that returned (a chain may have left the first). */
  private finish(h: Hart, r: number): void {
    if (r >= MID) {
      this.exits[Exit.SLOW]++;
      const ran = this.byIndex[this.chain!.current], q = (r - MID) * 2;
      execBlock(h, ran.blocks[ran.mids[q]], ran.mids[q + 1]);
    } else if (r >= 0) this.exits[r]++;
  }

  /** Accounts a new region, evicting the oldest while the cache is over its bound. */
  private admit(r: Region): void {
    this.fifo.push(r);
    this.live++;
    for (const page of r.pages) {
      if (page < 0) continue;
      let list = this.byPage.get(page);
      if (list === undefined) this.byPage.set(page, list = []);
      list.push(r);
    }
    this.bytes += r.bytes;
    while (this.bytes > this.cacheBytes && this.fifo.length > 1) {
      const old = this.fifo.shift()!;
      if (!old.live) continue;
      this.drop(old);
      this.counts.evictions++;
    }
  }

  private drop(r: Region): void {
    r.live = false;
    if (r.index >= 0) {
      this.chain!.forget(r.index);
      this.table!.set(r.index, null);
      this.freeIndex.push(r.index); // byIndex keeps r until the index is taken again: a run it was in may still return (finish)
    }
    this.live--;
    this.bytes -= r.bytes;
    for (const b of r.blocks) if (b.fn === r.fn) { b.fn = undefined; b.hot = 0; }
    for (const page of r.pages) {
      const list = this.byPage.get(page);
      if (list === undefined) continue;
      const i = list.indexOf(r);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byPage.delete(page);
    }
  }

  /** RAM page `page` was written where code was decoded: its regions go with its blocks. */
  private invalidate(page: number): void {
    const list = this.byPage.get(page);
    if (list === undefined) return;
    for (const r of [...list]) { this.drop(r); this.counts.invalidations++; }
    // Dead regions leave the FIFO lazily: compact when they are most of it.
    if (this.fifo.length > 64 && this.live * 2 < this.fifo.length) {
      const kept = this.fifo.filter((r) => r.live);
      this.fifo.length = 0;
      this.fifo.push(...kept);
    }
  }

  stats(): JitStats {
    const exits: Record<string, number> = {};
    EXIT_NAMES.forEach((n, i) => { exits[n] = this.exits[i]; });
    return { ...this.counts, compileMs: Math.round(this.counts.compileMs * 1000) / 1000, cacheBytes: this.bytes, cachedRegions: this.live, exits,
      chains: this.chain?.taken ?? 0, inlineTraps: this.inlineTraps };
  }
}

/** Sums the JIT counters of several harts. */
export function sumStats(all: JitStats[]): JitStats {
  const out: JitStats = { regions: 0, blocks: 0, compileMs: 0, cacheBytes: 0, cachedRegions: 0, invalidations: 0, evictions: 0, failures: 0, exits: {}, chains: 0, inlineTraps: 0 };
  for (const s of all) {
    for (const k of ['regions', 'blocks', 'compileMs', 'cacheBytes', 'cachedRegions', 'invalidations', 'evictions', 'failures', 'chains', 'inlineTraps'] as const) out[k] += s[k];
    for (const [k, v] of Object.entries(s.exits)) out.exits[k] = (out.exits[k] ?? 0) + v;
  }
  return out;
}

/** --stats (text): one compact line. */
export function formatJitStats(s: JitStats): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const exits = Object.entries(s.exits).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  return `jit: ${n(s.regions)} regions (${n(s.blocks)} blocks) compiled in ${s.compileMs.toFixed(1)} ms; cache ${n(s.cachedRegions)} regions, ` +
    `${(s.cacheBytes / 1024).toFixed(0)} KiB of source; ${n(s.invalidations)} invalidated, ${n(s.evictions)} evicted` +
    `${s.failures ? `, ${n(s.failures)} failed` : ''}; exits: ${exits || 'none'}; ${n(s.chains)} chained, ${n(s.inlineTraps)} traps inline`;
}
