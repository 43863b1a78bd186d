// Sv39 address translation (priv 4.3 and 4.4) and the software TLB.
// A and D bits are updated by the hardware during the walk (priv 4.3.1: the
// Svade/Svadu choice; we behave as Svadu, as QEMU does), so no page fault is
// ever raised only to set them.

import type { Bus } from './bus.js';
import { Cause, Mode } from './trap.js';
import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D } from './pte.js';

export const enum Access { READ = 0, WRITE = 1, EXEC = 2 }


export const PAGE_FAULT = [Cause.LOAD_PAGE, Cause.STORE_PAGE, Cause.INSN_PAGE];
export const ACCESS_FAULT = [Cause.LOAD_ACCESS, Cause.STORE_ACCESS, Cause.INSN_ACCESS];

/** Translation context: what the walk needs beyond the address. */
export interface WalkCtx {
  satpPpn: number; // root page-table PPN
  priv: Mode; // effective privilege of the access
  sum: boolean; // mstatus.SUM
  mxr: boolean; // mstatus.MXR
  /** Set by walk: the level of the leaf it found (0: a 4 KiB page, 1: a 2 MiB megapage, 2: a 1 GiB gigapage). */
  leaf?: number;
}

/**
 * Walks the Sv39 page table for virtual address (lo, hi). Returns the
 * physical address (a non-negative JS number), or -(cause + 1) for a page or
 * access fault. Follows priv 4.3.2, "Virtual Address Translation Process".
 */
export function walk(bus: Bus, ctx: WalkCtx, lo: number, hi: number, access: Access): number {
  const pf = -(PAGE_FAULT[access] + 1);
  // priv 4.4.1: "bits 63-39 must all equal bit 38, or else a page-fault exception will occur."
  const top = hi >> 6;
  if (top !== 0 && top !== -1) return pf;
  const vpn = [(lo >>> 12) & 0x1ff, (lo >>> 21) & 0x1ff, ((lo >>> 30) | ((hi & 0x7f) << 2)) & 0x1ff];
  let table = ctx.satpPpn * 4096;
  for (let level = 2; level >= 0; level--) {
    const pteAddr = table + vpn[level] * 8;
    const off = bus.ramOffset(pteAddr);
    if (off < 0) return -(ACCESS_FAULT[access] + 1);
    const plo = bus.ram32[off >> 2], phi = bus.ram32[(off >> 2) + 1];
    // Bits 63:54 are reserved (no Svpbmt/Svnapot): nonzero is a page fault.
    if ((plo & PTE_V) === 0 || ((plo & PTE_R) === 0 && (plo & PTE_W) !== 0) || (phi >>> 22) !== 0) return pf;
    const ppn = (plo >>> 10) + (phi & 0x3fffff) * 4194304;
    if ((plo & (PTE_R | PTE_X)) === 0) { // pointer to the next level
      if ((plo & (PTE_A | PTE_D | PTE_U)) !== 0) return pf; // priv 4.3.2 step 4: reserved for non-leaf PTEs
      table = ppn * 4096;
      continue;
    }
    if (!permitted(plo, ctx, access)) return pf;
    // priv 4.3.2 step 6: a misaligned superpage is a page fault.
    if (level > 0 && ppn % (1 << (9 * level)) !== 0) return pf;
    const want = access === Access.WRITE ? PTE_A | PTE_D : PTE_A;
    if ((plo & want) !== want) bus.ram32[off >> 2] = plo | want;
    const pageOff = level === 0 ? lo & 0xfff : level === 1 ? lo & 0x1fffff : (lo >>> 0) % 0x40000000;
    ctx.leaf = level;
    return ppn * 4096 + pageOff;
  }
  return pf;
}

function permitted(pte: number, ctx: WalkCtx, access: Access): boolean {
  const user = (pte & PTE_U) !== 0;
  // priv 4.3.1: S-mode may touch U pages only with SUM, and may never execute them.
  if (ctx.priv === Mode.U ? !user : user && (access === Access.EXEC || !ctx.sum)) return false;
  if (access === Access.EXEC) return (pte & PTE_X) !== 0;
  if (access === Access.WRITE) return (pte & PTE_W) !== 0;
  return (pte & PTE_R) !== 0 || (ctx.mxr && (pte & PTE_X) !== 0);
}

export const TLB_SIZE = 1024;
/** Where a TLB's arrays are, in bytes from its start: tag, hi and off (TLB_SIZE int32 each), then va and off8 (8 bytes per entry). */
export const TLB_VA_AT = 12 * TLB_SIZE, TLB_OFF8_AT = 20 * TLB_SIZE;
/** A TLB's bytes. */
export const TLB_BYTES = 28 * TLB_SIZE;
/** The most fills a TLB lists for its next flush (Tlb.filled); more, and it clears every slot. */
const FLUSH_LIST = 128;
const TLB_MASK = TLB_SIZE - 1;

/**
 * A direct-mapped cache of 4 KiB translations for one (mode, access type):
 * tag = VA bits 38..12, hi = VA bits 63..32 (so non-canonical addresses never
 * hit), off = RAM offset of the page. Only RAM pages are ever entered.
 */
export class Tlb {
  readonly tag: Int32Array;
  readonly hi: Int32Array;
  readonly off: Int32Array;
  /**
   * The same entries for compiled code (jit/wasm-insn.ts), 8 bytes each so
   * one index reaches both: va = the page's virtual address as an i64 pair
   * (all ones when empty: an access's address masked to its page and
   * alignment bits never has its low 12 bits all set), off8 = the page's RAM
   * offset minus va, modulo 2^64 (an address plus it is its RAM offset).
   */
  readonly va: Int32Array;
  readonly off8: Int32Array;
  /** Byte offset of `tag` in its buffer (the other arrays follow: TLB_VA_AT, TLB_OFF8_AT). */
  readonly at: number;

  /** At byte `at` of `buf` when given (the bus's WebAssembly memory, where compiled code reads it: jit/wasm.ts). */
  constructor(buf: ArrayBuffer = new ArrayBuffer(TLB_BYTES), at = 0) {
    this.at = at;
    this.tag = new Int32Array(buf, at, TLB_SIZE).fill(-1);
    this.hi = new Int32Array(buf, at + 4 * TLB_SIZE, TLB_SIZE);
    this.off = new Int32Array(buf, at + 8 * TLB_SIZE, TLB_SIZE);
    this.va = new Int32Array(buf, at + TLB_VA_AT, 2 * TLB_SIZE).fill(-1);
    this.off8 = new Int32Array(buf, at + TLB_OFF8_AT, 2 * TLB_SIZE);
  }
  /** False while the hart records page references (pagerefs.ts): every access must then reach translate. */
  enabled = true;
  /**
   * The slots filled since the last flush, while there are few (`filled`;
   * past FLUSH_LIST, flush clears them all): a process switch flushes every
   * TLB (satp), and clearing twelve TLBs of 1,024 entries cost more than a
   * pipe round trip's system calls. Only insert fills slots.
   */
  private readonly fills = new Int32Array(FLUSH_LIST);
  private filled = 0;

  static key(lo: number, hi: number): number { return (lo >>> 12) | ((hi & 0x7f) << 20); }

  insert(lo: number, hi: number, ramPageOff: number): void {
    if (!this.enabled) return;
    const key = Tlb.key(lo, hi), i = key & TLB_MASK;
    if (this.filled < FLUSH_LIST) this.fills[this.filled] = i;
    this.filled++;
    this.tag[i] = key; this.hi[i] = hi; this.off[i] = ramPageOff;
    const vlo = lo & -4096;
    this.va[2 * i] = vlo; this.va[2 * i + 1] = hi;
    this.off8[2 * i] = (ramPageOff - vlo) | 0; this.off8[2 * i + 1] = (-hi - ((ramPageOff >>> 0) < (vlo >>> 0) ? 1 : 0)) | 0;
  }

  flush(): void {
    if (this.filled > FLUSH_LIST) { this.tag.fill(-1); this.va.fill(-1); }
    else for (let k = 0; k < this.filled; k++) { const i = this.fills[k]; this.tag[i] = -1; this.va[2 * i] = this.va[2 * i + 1] = -1; }
    this.filled = 0;
  }

  /** Forgets the entry of the page at (lo, hi), if it holds one. */
  drop(lo: number, hi: number): void {
    const key = Tlb.key(lo, hi), i = key & TLB_MASK;
    if (this.tag[i] === key) { this.tag[i] = -1; this.va[2 * i] = this.va[2 * i + 1] = -1; }
  }
}

/**
 * Where translations came from superpages: the TLBs hold 4 KiB entries only,
 * so the entries one megapage or gigapage gave are spread over many slots,
 * and an sfence.vma for one address in it must drop them all (priv 4.2.1:
 * the fence covers the leaf PTE that translates the address). Regions are
 * recorded by their 2 MiB and 1 GiB numbers (Sv39's 39-bit addresses); a
 * full flush clears them.
 */
export class Superpages {
  private readonly mega = new Set<number>();
  private readonly giga = new Set<number>();

  /** A walk of (lo, hi) found a leaf at `level` > 0. */
  note(lo: number, hi: number, level: number): void {
    const va = (hi & 0x7f) * 4294967296 + (lo >>> 0);
    if (level === 1) this.mega.add(Math.floor(va / 0x200000)); else this.giga.add(Math.floor(va / 0x40000000));
  }

  /** Whether (lo, hi) lies in a superpage a translation came from since the last clear. */
  covers(lo: number, hi: number): boolean {
    if (this.mega.size === 0 && this.giga.size === 0) return false;
    const va = (hi & 0x7f) * 4294967296 + (lo >>> 0);
    return this.mega.has(Math.floor(va / 0x200000)) || this.giga.has(Math.floor(va / 0x40000000));
  }

  clear(): void { this.mega.clear(); this.giga.clear(); }
}
export { TLB_MASK };
