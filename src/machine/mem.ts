// Virtual memory access for the interpreter: load*/store* translate the
// address and may trap (they record the exception in h.exc and return 0).
// The fast path is a TLB hit on an aligned access to RAM; everything else —
// misaligned, page-crossing, MMIO, decoded code, watched pages — takes the
// slow path. Misaligned loads and stores are performed in hardware, never
// trapping (priv 3.6.3.4 leaves the choice to the implementation); AMOs and
// LR/SC must be aligned (checked by the interpreter).

import type { Hart } from './hart.js';
import { Hook, HOOK_SHIFT } from './bus.js';
import { ACCESS_FAULT } from './mmio.js';
import { Access, Tlb, TLB_MASK } from './mmu.js';
import { Cause } from './trap.js';
import { Op } from '../isa/table.js';

/** High word of a 64-bit load, or the value read by loadSlow for width 8. */
export const mem = { hi: 0 };

/**
 * The integer load `op` (lb, lh, lw, ld, lbu, lhu, lwu) at (lo, hi): the low
 * word of the extended value, its high word in mem.hi. The interpreter's and
 * the JIT's slow path's one definition of the widths and extensions.
 */
export function loadOp(h: Hart, op: Op, lo: number, hi: number): number {
  let v: number;
  switch (op) {
    case Op.LB: v = (load8(h, lo, hi) << 24) >> 24; mem.hi = v >> 31; return v;
    case Op.LBU: v = load8(h, lo, hi) & 0xff; mem.hi = 0; return v;
    case Op.LH: v = (load16(h, lo, hi) << 16) >> 16; mem.hi = v >> 31; return v;
    case Op.LHU: v = load16(h, lo, hi) & 0xffff; mem.hi = 0; return v;
    case Op.LW: v = load32(h, lo, hi) | 0; mem.hi = v >> 31; return v;
    case Op.LWU: v = load32(h, lo, hi) | 0; mem.hi = 0; return v;
    default: return load64(h, lo, hi); // ld: mem.hi set
  }
}

export function load8(h: Hart, lo: number, hi: number): number {
  const t = h.rTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi) return h.bus.ram8[t.off[i] | (lo & 0xfff)];
  return loadSlow(h, lo, hi, 1);
}

export function load16(h: Hart, lo: number, hi: number): number {
  const t = h.rTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi && (lo & 1) === 0) return h.bus.ram16[(t.off[i] | (lo & 0xfff)) >> 1];
  return loadSlow(h, lo, hi, 2);
}

export function load32(h: Hart, lo: number, hi: number): number {
  const t = h.rTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi && (lo & 3) === 0) return h.bus.ram32[(t.off[i] | (lo & 0xfff)) >> 2];
  return loadSlow(h, lo, hi, 4);
}

/** Returns the low word; the high word is left in mem.hi. */
export function load64(h: Hart, lo: number, hi: number): number {
  const t = h.rTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi && (lo & 7) === 0) {
    const w = (t.off[i] | (lo & 0xfff)) >> 2;
    mem.hi = h.bus.ram32[w + 1];
    return h.bus.ram32[w];
  }
  return loadSlow(h, lo, hi, 8);
}

export function store8(h: Hart, lo: number, hi: number, v: number): void {
  const t = h.wTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi) {
    const o = t.off[i] | (lo & 0xfff);
    if (h.bus.hooks[o >>> HOOK_SHIFT] === 0) { h.bus.ram8[o] = v; return; }
  }
  storeSlow(h, lo, hi, 1, v, 0);
}

export function store16(h: Hart, lo: number, hi: number, v: number): void {
  const t = h.wTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi && (lo & 1) === 0) {
    const o = t.off[i] | (lo & 0xfff);
    if (h.bus.hooks[o >>> HOOK_SHIFT] === 0) { h.bus.ram16[o >> 1] = v; return; }
  }
  storeSlow(h, lo, hi, 2, v, 0);
}

export function store32(h: Hart, lo: number, hi: number, v: number): void {
  const t = h.wTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi && (lo & 3) === 0) {
    const o = t.off[i] | (lo & 0xfff);
    if (h.bus.hooks[o >>> HOOK_SHIFT] === 0) { h.bus.ram32[o >> 2] = v; return; }
  }
  storeSlow(h, lo, hi, 4, v, 0);
}

export function store64(h: Hart, lo: number, hi: number, vlo: number, vhi: number): void {
  const t = h.wTlb, key = Tlb.key(lo, hi), i = key & TLB_MASK;
  if (t.tag[i] === key && t.hi[i] === hi && (lo & 7) === 0) {
    const o = t.off[i] | (lo & 0xfff);
    if (h.bus.hooks[o >>> HOOK_SHIFT] === 0) { h.bus.ram32[o >> 2] = vlo; h.bus.ram32[(o >> 2) + 1] = vhi; return; }
  }
  storeSlow(h, lo, hi, 8, vlo, vhi);
}

/**
 * Translates the bytes [va, va+size) for `access`, filling pas[0..size) with
 * each byte's physical address (two pages at most). Returns false after
 * recording a fault whose tval is the first faulting byte's page portion.
 */
const pas = new Array<number>(8);
function translateRange(h: Hart, lo: number, hi: number, size: number, access: Access): boolean {
  const first = h.translate(lo, hi, access);
  if (first < 0) return false;
  const inPage = 4096 - (lo & 0xfff);
  let second = 0;
  if (size > inPage) {
    const lo2 = (lo + inPage) | 0, hi2 = (hi + ((lo2 >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
    second = h.translate(lo2, hi2, access);
    if (second < 0) return false;
  }
  for (let k = 0; k < size; k++) pas[k] = k < inPage ? first + k : second + (k - inPage);
  return true;
}

/** Slow load of `size` bytes: returns the low word (raw bits), high word in mem.hi; 0 after a fault. */
export function loadSlow(h: Hart, lo: number, hi: number, size: 1 | 2 | 4 | 8): number {
  const o = within(h.rTlb, lo, hi, size);
  if (o >= 0) return ramBytes(h.bus.ram8, o, size); // misaligned inside one page the TLB holds (Linux's copies do this a lot)
  if (!translateRange(h, lo, hi, size, Access.READ)) return 0;
  const bus = h.bus, pa = pas[0];
  const off = bus.ramOffset(pa);
  const contiguous = pas[size - 1] === pa + size - 1;
  if (off >= 0 && contiguous && off + size <= bus.ramSize) {
    h.rTlb.insert(lo, hi, off & ~0xfff);
    return ramBytes(bus.ram8, off, size);
  }
  if (contiguous && bus.isMmio(pa) && (pa & (Math.min(size, 4) - 1)) === 0) {
    const w = Math.min(size, 4) as 1 | 2 | 4;
    const a = bus.physRead(pa, w);
    const b = size === 8 ? bus.physRead(pa + 4, 4) : 0;
    if (a === ACCESS_FAULT || b === ACCESS_FAULT) return h.fault(Cause.LOAD_ACCESS, lo, hi), 0;
    mem.hi = b | 0;
    return a | 0;
  }
  // Misaligned across pages, or misaligned device access: byte by byte from RAM only.
  let wlo = 0, whi = 0;
  for (let k = size - 1; k >= 0; k--) {
    const o = bus.ramOffset(pas[k]);
    if (o < 0) return h.fault(Cause.LOAD_ACCESS, lo, hi), 0;
    if (k >= 4) whi = (whi << 8) | bus.ram8[o]; else wlo = (wlo << 8) | bus.ram8[o];
  }
  mem.hi = whi;
  return wlo;
}

/** `size` bytes of RAM at offset off, little-endian: the low word, the high word in mem.hi. */
function ramBytes(ram8: Uint8Array, off: number, size: number): number {
  let wlo = 0, whi = 0;
  for (let k = Math.min(size, 4) - 1; k >= 0; k--) wlo = (wlo << 8) | ram8[off + k];
  for (let k = size - 1; k >= 4; k--) whi = (whi << 8) | ram8[off + k];
  mem.hi = whi;
  return wlo;
}

/** The RAM offset of (lo, hi) when the TLB t holds its page and the `size` bytes from it stay in that page, else -1. */
function within(t: Tlb, lo: number, hi: number, size: number): number {
  const key = Tlb.key(lo, hi), i = key & TLB_MASK;
  return t.tag[i] === key && t.hi[i] === hi && (lo & 0xfff) + size <= 4096 ? t.off[i] | (lo & 0xfff) : -1;
}

/** Slow store of `size` bytes of (vlo, vhi); records a fault instead of storing when any byte faults. */
export function storeSlow(h: Hart, lo: number, hi: number, size: 1 | 2 | 4 | 8, vlo: number, vhi: number): void {
  const o = within(h.wTlb, lo, hi, size), bus = h.bus;
  if (o >= 0 && bus.hooks[o >>> HOOK_SHIFT] === 0 && bus.hooks[(o + size - 1) >>> HOOK_SHIFT] === 0) {
    for (let k = 0; k < size; k++) bus.ram8[o + k] = k < 4 ? vlo >>> (8 * k) : vhi >>> (8 * (k - 4));
    return;
  }
  if (!translateRange(h, lo, hi, size, Access.WRITE)) return;
  const pa = pas[0];
  if (bus.isMmio(pa)) {
    const ok = (pa & (Math.min(size, 4) - 1)) === 0 && (size === 8
      ? bus.physWrite(pa, 4, vlo) && bus.physWrite(pa + 4, 4, vhi)
      : bus.physWrite(pa, size, vlo));
    if (!ok) h.fault(Cause.STORE_ACCESS, lo, hi);
    h.irqDirty = true;
    return;
  }
  for (let k = 0; k < size; k++) if (bus.ramOffset(pas[k]) < 0) { h.fault(Cause.STORE_ACCESS, lo, hi); return; }
  let watched = -1, reserved = -1;
  for (let k = 0; k < size; k++) {
    const o = bus.ramOffset(pas[k]), hook = bus.hooks[o >>> HOOK_SHIFT];
    if (hook & Hook.CODE) bus.codeWritten(o >>> 12);
    if (hook & Hook.WATCH) watched = o;
    if (hook & Hook.RESERVED) reserved = o;
    bus.ram8[o] = k < 4 ? vlo >>> (8 * k) : vhi >>> (8 * (k - 4));
  }
  const off = bus.ramOffset(pa);
  if (reserved >= 0) bus.onReserved(off, size, h.hartId);
  if (pas[size - 1] === pa + size - 1) h.wTlb.insert(lo, hi, off & ~0xfff);
  if (watched >= 0) bus.onWatch(watched);
}

/**
 * Translates an aligned AMO/LR/SC address for `access` and returns its RAM
 * offset, or -1 after recording the fault (misaligned, page, or access).
 */
export function amoAddress(h: Hart, lo: number, hi: number, size: 4 | 8, access: Access): number {
  if ((lo & (size - 1)) !== 0) {
    return h.fault(access === Access.READ ? Cause.LOAD_MISALIGNED : Cause.STORE_MISALIGNED, lo, hi);
  }
  const pa = h.translate(lo, hi, access);
  if (pa < 0) return -1;
  const off = h.bus.ramOffset(pa);
  if (off < 0) return h.fault(access === Access.READ ? Cause.LOAD_ACCESS : Cause.STORE_ACCESS, lo, hi);
  if (access === Access.WRITE && (h.bus.hooks[off >>> HOOK_SHIFT] & Hook.CODE) !== 0) h.bus.codeWritten(off >>> 12);
  return off;
}
