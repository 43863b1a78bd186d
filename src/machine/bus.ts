// Physical address space: RAM plus memory-mapped devices (QEMU virt layout).
// phys* accessors never trap: they report ACCESS_FAULT and let the hart
// decide which exception that becomes.

import { ACCESS_FAULT, type Mmio } from './mmio.js';
import { PhysMem, HOOK_SHIFT } from './phys.js';
import { CHAIN_AT, CHAIN_BYTES } from './jit/chain.js';

export { Hook, HOOK_SHIFT } from './phys.js';

export const RAM_BASE = 0x80000000;
export const PAGE = 4096;

/** Per-RAM-page flags. */
export const enum PageFlag {
  NATIVE = 4, // fetching from here ends hart.run() with an Exit (kernel trampoline)
}

interface Region { base: number; size: number; dev: Mmio }

/** A hart's slot in the bus's memory: its state (layout.ts, padded to 2 KiB), 12 TLBs (mmu.ts) and the JIT's chain cache (jit/chain.ts). */
export const HART_SLOT = CHAIN_AT + CHAIN_BYTES;
const WASM_PAGE = 65536;

/** A WebAssembly memory of at least `bytes`, fixed in size, or undefined where there is none (or it is too large). */
function wasmMemory(bytes: number): WebAssembly.Memory | undefined {
  const pages = Math.ceil(bytes / WASM_PAGE);
  if (typeof WebAssembly !== 'object' || pages > 65535) return undefined;
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return undefined; // the host's address space for WebAssembly is used up: plain buffers work the same
  }
}

export class Bus {
  readonly ramSize: number;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly pageFlags: Uint8Array;
  /** One byte of Hook bits per 64-byte RAM granule (phys.ts). */
  readonly hooks: Uint8Array;
  /** RAM as software outside the harts reads and writes it, coherently (phys.ts). */
  readonly phys: PhysMem;
  private readonly regions: Region[] = [];
  /** Called after a store to a WATCH page, with the RAM offset written. */
  onWatch: (ramOff: number) => void = () => {};
  /** Every hart's decoded-instruction cache (each BlockCache registers itself): a hart's store to code drops the page in all of them. */
  readonly codeCaches: { invalidatePage(page: number): void }[] = [];
  /**
   * Called after hart `by` stored to [off, off + len) of a granule marked
   * Hook.RESERVED (board.ts breaks the other harts' reservations there).
   * Marks are set by LR only when `smp` is true: one hart never slows down.
   */
  onReserved: (off: number, len: number, by: number) => void = () => {};
  smp = false;

  /**
   * The one WebAssembly memory that holds RAM (at byte 0), the store hooks
   * (at `hooksAt`) and `harts` slots of HART_SLOT bytes (at `slotsAt`), each a
   * hart's state and TLBs: compiled code (jit/wasm.ts) reaches all of them
   * in place. Undefined where WebAssembly is missing or refuses the size;
   * everything then lives in plain ArrayBuffers and the JIT compiles to
   * JavaScript. Never grown: growing would detach every view.
   */
  readonly memory: WebAssembly.Memory | undefined;
  readonly hooksAt: number;
  private readonly slotsAt: number;
  private readonly slots: number;

  constructor(ramSize: number, harts = 1) {
    this.ramSize = ramSize;
    this.hooksAt = ramSize;
    this.slotsAt = Math.ceil((ramSize + (ramSize >>> HOOK_SHIFT)) / PAGE) * PAGE;
    const bytes = this.slotsAt + harts * HART_SLOT;
    this.memory = wasmMemory(bytes);
    this.slots = this.memory === undefined ? 0 : harts;
    const buf = this.memory?.buffer ?? new ArrayBuffer(ramSize);
    this.ram8 = new Uint8Array(buf, 0, ramSize);
    this.ram16 = new Uint16Array(buf, 0, ramSize >>> 1);
    this.ram32 = new Int32Array(buf, 0, ramSize >>> 2);
    this.pageFlags = new Uint8Array(ramSize / PAGE);
    this.hooks = this.memory === undefined ? new Uint8Array(ramSize >>> HOOK_SHIFT) : new Uint8Array(buf, this.hooksAt, ramSize >>> HOOK_SHIFT);
    this.phys = new PhysMem(RAM_BASE, this.ram8, this.hooks);
  }

  /** Where hart `id` keeps its state and TLBs in `memory` (buffer, byte offset), or undefined: its own buffers. */
  hartSlot(id: number): { buf: ArrayBuffer; at: number } | undefined {
    if (this.memory === undefined || !(id >= 0 && id < this.slots)) return undefined;
    return { buf: this.memory.buffer, at: this.slotsAt + id * HART_SLOT };
  }

  /** Maps a device at [base, base+size). Regions must not overlap RAM or each other. */
  map(base: number, size: number, dev: Mmio): void {
    this.regions.push({ base, size, dev });
  }

  /** RAM offset of physical address pa (a JS number), or -1 outside RAM. */
  ramOffset(pa: number): number {
    const off = pa - RAM_BASE;
    return off >= 0 && off < this.ramSize ? off : -1;
  }

  private region(pa: number): Region | undefined {
    for (const r of this.regions) if (pa >= r.base && pa < r.base + r.size) return r;
    return undefined;
  }

  /** A hart's store hit decoded code in RAM page `page`: every hart drops its blocks there (blocks.ts). */
  codeWritten(page: number): void {
    const c = this.codeCaches;
    for (let i = 0; i < c.length; i++) c[i].invalidatePage(page);
  }

  /** True when a device is mapped at pa (so accesses there are MMIO, not RAM). */
  isMmio(pa: number): boolean {
    return this.region(pa) !== undefined;
  }

  /**
   * Reads `width` bytes (1, 2, 4) at physical address pa, zero-extended, or
   * ACCESS_FAULT when nothing answers there. Unaligned RAM reads are allowed.
   */
  physRead(pa: number, width: 1 | 2 | 4): number {
    const off = this.ramOffset(pa);
    if (off >= 0 && off + width <= this.ramSize) {
      let v = 0;
      for (let k = width - 1; k >= 0; k--) v = v * 256 + this.ram8[off + k];
      return v;
    }
    const r = this.region(pa);
    if (r === undefined || pa + width > r.base + r.size) return ACCESS_FAULT;
    return r.dev.read(pa - r.base, width);
  }

  /** Writes the low `width` bytes of value at pa; false when nothing accepts it. */
  physWrite(pa: number, width: 1 | 2 | 4, value: number): boolean {
    const off = this.ramOffset(pa);
    if (off >= 0 && off + width <= this.ramSize) {
      for (let k = 0; k < width; k++) this.phys.write8(pa + k, value >>> (8 * k));
      return true;
    }
    const r = this.region(pa);
    if (r === undefined || pa + width > r.base + r.size) return false;
    return r.dev.write(pa - r.base, width, value);
  }

  /** Copies bytes into RAM at physical address pa, coherently (phys.writeBytes); false if any byte is outside RAM. */
  load(pa: number, bytes: Uint8Array): boolean {
    const off = this.ramOffset(pa);
    if (off < 0 || off + bytes.length > this.ramSize) return false;
    this.phys.writeBytes(pa, bytes);
    return true;
  }
}
