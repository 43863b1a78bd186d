// The board: QEMU-virt-compatible memory map around 1 to 8 harts.
//   0x00100000 power-off (syscon.ts)   0x02000000 CLINT   0x0c000000 PLIC   0x10000000 UART (IRQ 10)
//   0x10001000 virtio-mmio slot 0 (IRQ 1): virtio-net with BoardOptions.nic, else virtio-blk with BoardOptions.drive
//   0x10002000 virtio-mmio slot 1 (IRQ 2), and on: the next of the NIC, the disk and the entropy device that are present
//   0x80000000 RAM (--mem, default 128 MiB)
//
// Several harts share RAM and the bus; each has its own registers, CSRs,
// timer (mtimecmp, Sstc stimecmp), TLBs, decoded-block cache and LR
// reservation. They never run at the same time: whoever drives them (the
// kernel's smp loop) runs one, then the next, so a store is seen by every
// other hart at once. What must stay coherent across harts is kept so here:
// a store to decoded code drops the page in every hart's cache (bus.ts
// codeWritten), and a store to a reserved granule breaks the other harts'
// reservations (onReserved). The PLIC's contexts are hart 0's.

import { jitDefault, type JitOptions } from './jit/jit.js';
import { Bus, RAM_BASE } from './bus.js';
import { Hart } from './hart.js';
import type { HartPort } from './port.js';
import type { PhysMem, Snooper } from './phys.js';
import { Tracer } from '../trace/events.js';
import { Clint, CLINT_BASE, CLINT_SIZE } from './clint.js';
import { Plic } from './plic.js';
import type { IrqLine } from './mmio.js';
import type { VirtioMmio } from './virtio-mmio.js';
import { VirtioBlk, type BlockBackend } from './virtio-blk.js';
import { VirtioRng } from './virtio-rng.js';
import { VirtioConsole } from './virtio-console.js';
import { Uart16550 } from './uart.js';
import { Syscon, SYSCON_BASE, SYSCON_SIZE, type PowerEvent } from './syscon.js';
import { Irq } from './csr.js';
import { S } from './layout.js';
import { Hook, HOOK_SHIFT } from './phys.js';
import { VirtioNet, type NicOptions } from './virtio-net.js';
import { attachTimed } from './timer.js';

export const PLIC_BASE = 0x0c000000, PLIC_SIZE = 0x4000000;
export const UART_BASE = 0x10000000, UART_SIZE = 0x100, UART_IRQ = 10;
/** QEMU virt's first virtio-mmio slot (of eight, 0x1000 apart) and its PLIC source. */
export const VIRTIO0_BASE = 0x10001000, VIRTIO_SIZE = 0x1000, VIRTIO0_IRQ = 1;
export const DEFAULT_MEM = 128 * 1024 * 1024;
export const MAX_MEM = 2048 * 1024 * 1024 - 4096;

export interface BoardOptions {
  memBytes?: number;
  /** Receives every byte the guest prints on the UART (and the HTIF console). */
  console?: (byte: number) => void;
  /** How many harts (1 to MAX_HARTS; default 1). */
  harts?: number;
  /** A virtio-net NIC in the first virtio-mmio slot, with its traffic source (virtio-net.ts); none unless given. */
  nic?: NicOptions;
  /** Every hart's JIT (jit/jit.ts): on by default at the default threshold; null: off (the interpreter alone). */
  jit?: JitOptions | null;
  /** A virtio block device over this disk (virtio-blk.ts), in the first free virtio-mmio slot; none unless given. */
  drive?: BlockBackend;
  /** A virtio entropy device (virtio-rng.ts), its generator seeded so, in the next free slot; none unless given. */
  rng?: { seed: number };
  /** A virtio console (virtio-console.ts) in the next free slot, printing through `console`; none unless true. */
  virtioConsole?: boolean;
}

export const MAX_HARTS = 8;

export class Board {
  readonly bus: Bus;
  /** Hart 0. */
  readonly hart: Hart;
  /** Every hart, by hart id. */
  readonly harts: readonly Hart[];
  /** The machine's one event stream: every hart emits into it, and so does whatever runs on them. */
  readonly trace = new Tracer();
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  /** Set when the guest wrote the power-off device; every hart's run stops (its status is the exit status). */
  power: PowerEvent | undefined;
  /** The NIC (BoardOptions.nic), or undefined. A kernel drives it through the bus, like any device. */
  readonly nic: VirtioNet | undefined;
  /** The block device (BoardOptions.drive), or undefined. */
  readonly blk: VirtioBlk | undefined;
  /** The entropy device (BoardOptions.rng), or undefined. */
  readonly rng: VirtioRng | undefined;
  readonly vcon: VirtioConsole | undefined;
  /** The virtio-mmio slots that hold a device (for the devicetree). */
  readonly virtio: { base: number; irq: number }[] = [];

  constructor(opts: BoardOptions = {}) {
    const mem = opts.memBytes ?? DEFAULT_MEM;
    if (!(mem >= 4096 && mem <= MAX_MEM && mem % 4096 === 0)) throw new RangeError(`memory size ${mem} must be a multiple of 4 KiB between 4 KiB and 2 GiB`);
    const n = opts.harts ?? 1;
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_HARTS)) throw new RangeError(`${n} harts: a board has 1 to ${MAX_HARTS}`);
    this.bus = new Bus(mem, n);
    this.harts = Array.from({ length: n }, (_, i) => new Hart(this.bus, i, this.trace));
    this.hart = this.harts[0];
    const hart = this.hart;
    const jit = (opts.jit === undefined ? jitDefault.opts : opts.jit) ?? undefined;
    for (const h of this.harts) h.setJit(jit);
    for (const h of this.harts) this.bus.phys.attach(snooperOf(h));
    if (n > 1) {
      this.bus.smp = true;
      this.bus.onReserved = (off, len, by) => this.reservedWritten(off, len, by);
    }
    this.clint = new Clint([...this.harts]);
    // Two PLIC contexts per hart, as QEMU virt wires them: 2h is hart h's M-mode external interrupt, 2h + 1 its S-mode one.
    this.plic = new Plic(this.harts.flatMap((h) => [{ set: (l: boolean) => h.setIrq(Irq.MEI, l) }, { set: (l: boolean) => h.setIrq(Irq.SEI, l) }]));
    this.uart = new Uart16550(this.plic.source(UART_IRQ), opts.console ?? (() => {}));
    this.bus.map(CLINT_BASE, CLINT_SIZE, this.clint);
    this.bus.map(PLIC_BASE, PLIC_SIZE, this.plic);
    this.bus.map(UART_BASE, UART_SIZE, this.uart);
    this.bus.map(SYSCON_BASE, SYSCON_SIZE, new Syscon((e) => {
      this.power = e;
      for (const h of this.harts) h.stop = { kind: 'halt', status: e.status };
    }));
    // The NIC first, as QEMU virt's first virtio-mmio slot; then the others in the next free slots.
    if (opts.nic !== undefined) {
      this.nic = this.virtioSlot((irq) => new VirtioNet(this.bus.phys, irq, () => hart.cycle, opts.nic!));
      attachTimed(hart, this.nic);
    }
    if (opts.drive !== undefined) this.blk = this.virtioSlot((irq) => new VirtioBlk(this.bus.phys, irq, opts.drive!));
    if (opts.rng !== undefined) this.rng = this.virtioSlot((irq) => new VirtioRng(this.bus.phys, irq, opts.rng!.seed));
    if (opts.virtioConsole === true) {
      const print = opts.console ?? (() => {});
      this.vcon = this.virtioSlot((irq) => new VirtioConsole(this.bus.phys, irq, (bytes) => { for (const b of bytes) print(b); }));
    }
  }

  /** Puts a virtio device in the next free virtio-mmio slot, wired to that slot's PLIC source, and lists it for the devicetree. */
  private virtioSlot<D extends { transport: VirtioMmio }>(make: (irq: IrqLine) => D): D {
    const slot = this.virtio.length, base = VIRTIO0_BASE + slot * VIRTIO_SIZE, irq = VIRTIO0_IRQ + slot;
    const device = make(this.plic.source(irq));
    this.bus.map(base, VIRTIO_SIZE, device.transport);
    this.virtio.push({ base, irq });
    return device;
  }

  /** Hart 0 as a kernel may use it (port.ts). */
  get port(): HartPort { return this.hart; }

  /** Every hart as a kernel may use it, by hart id. */
  get ports(): readonly HartPort[] { return this.harts; }

  /**
   * An inter-processor interrupt to hart `to`: its supervisor software
   * interrupt becomes pending (mip.SSIP), as an SBI firmware leaves it after
   * sbi_send_ipi (SBI v2.0 ch. 7, IPI extension: the CLINT's msip, then the
   * M-mode handler sets SSIP). The receiver clears it by writing sip.
   */
  sendIpi(to: number): void {
    const h = this.harts[to];
    if (h === undefined) throw new RangeError(`IPI to hart ${to}: the board has ${this.harts.length}`);
    if (h.trace.on && (h.mip() & (1 << Irq.SSI)) === 0) h.raised(Irq.SSI);
    h.s[S.MIP_SW] |= 1 << Irq.SSI;
    h.irqDirty = true;
  }

  /**
   * Hart `by` stored to RAM [off, off + len) in a granule marked RESERVED:
   * every other hart whose reservation overlaps the doubleword loses it, and
   * the mark goes once no hart holds a reservation in the granule.
   */
  private reservedWritten(off: number, len: number, by: number): void {
    const g = off >>> HOOK_SHIFT;
    let held = false;
    for (const h of this.harts) {
      const r = h.reservation;
      if (r < 0) continue;
      if (h.hartId !== by && r < off + len && off < r + 8) h.reservation = -1;
      else if (r >>> HOOK_SHIFT === g) held = true;
    }
    if (!held) this.bus.hooks[g] &= ~Hook.RESERVED;
  }

  /** Physical memory as a kernel may use it: the only way it writes RAM (phys.ts). */
  get phys(): PhysMem { return this.bus.phys; }

  get ramBase(): number { return RAM_BASE; }
}

/**
 * What a write from outside the hart must drop: the hart's decoded blocks of
 * a page, and its LR reservation when the write overlaps the reserved
 * doubleword (hart.reservation is the RAM offset of the LR's aligned word;
 * treating the set as 8 bytes is allowed, unpriv 8.2: "If such a device
 * writes the reservation set but does not write the bytes accessed by the
 * LR, the SC may or may not fail").
 */
function snooperOf(hart: Hart): Snooper {
  return {
    invalidateCode: (page) => hart.blocks.invalidatePage(page),
    ramWritten: (off, len) => {
      const r = hart.reservation;
      if (r >= 0 && r < off + len && off < r + 8) hart.reservation = -1;
    },
  };
}
