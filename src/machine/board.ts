// The board: QEMU-virt-compatible memory map around one hart.
//   0x02000000 CLINT   0x0c000000 PLIC   0x10000000 UART (IRQ 10)
//   0x80000000 RAM (--mem, default 128 MiB)

import { Bus, RAM_BASE } from './bus.js';
import { Hart } from './hart.js';
import type { HartPort } from './port.js';
import type { PhysMem, Snooper } from './phys.js';
import { Tracer } from '../trace/events.js';
import { Clint, CLINT_BASE, CLINT_SIZE } from './clint.js';
import { Plic } from './plic.js';
import { Uart16550 } from './uart.js';
import { Irq } from './csr.js';

export const PLIC_BASE = 0x0c000000, PLIC_SIZE = 0x4000000;
export const UART_BASE = 0x10000000, UART_SIZE = 0x100, UART_IRQ = 10;
export const DEFAULT_MEM = 128 * 1024 * 1024;
export const MAX_MEM = 2048 * 1024 * 1024 - 4096;

export interface BoardOptions {
  memBytes?: number;
  /** Receives every byte the guest prints on the UART (and the HTIF console). */
  console?: (byte: number) => void;
}

export class Board {
  readonly bus: Bus;
  readonly hart: Hart;
  /** The machine's one event stream: every hart emits into it, and so does whatever runs on them. */
  readonly trace = new Tracer();
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;

  constructor(opts: BoardOptions = {}) {
    const mem = opts.memBytes ?? DEFAULT_MEM;
    if (!(mem >= 4096 && mem <= MAX_MEM && mem % 4096 === 0)) throw new RangeError(`memory size ${mem} must be a multiple of 4 KiB between 4 KiB and 2 GiB`);
    this.bus = new Bus(mem);
    this.hart = new Hart(this.bus, 0, this.trace);
    const hart = this.hart;
    this.bus.phys.attach(snooperOf(hart));
    this.clint = new Clint([hart]);
    this.plic = new Plic([{ set: (l) => hart.setIrq(Irq.MEI, l) }, { set: (l) => hart.setIrq(Irq.SEI, l) }]);
    this.uart = new Uart16550(this.plic.source(UART_IRQ), opts.console ?? (() => {}));
    this.bus.map(CLINT_BASE, CLINT_SIZE, this.clint);
    this.bus.map(PLIC_BASE, PLIC_SIZE, this.plic);
    this.bus.map(UART_BASE, UART_SIZE, this.uart);
  }

  /** The hart as a kernel may use it (port.ts). */
  get port(): HartPort { return this.hart; }

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
