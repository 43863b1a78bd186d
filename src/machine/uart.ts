// A 16550A UART as wired on the QEMU virt board: eight byte-wide registers
// at stride 1 (base 0x10000000, window 0x100), interrupt to PLIC source 10.
//
// Behaviour follows the National/TI PC16550D datasheet (SNLS378C): the
// register descriptions (RBR/THR, IER, IIR, FCR, LCR, MCR, LSR, MSR, SCR),
// the "Interrupt Control Functions" table for IIR priorities and reset
// conditions, and the reset table. What is deliberately not modelled:
//   - timing: a THR write is transmitted at once, so THRE and TEMT always
//     read 1 and the divisor latch (DLL/DLM) only stores what it is given;
//   - word length/parity/stop bits: every byte is passed through as 8 bits;
//   - parity, framing and break errors (LSR bits 2-4, 7 always read 0).
//     Overrun (LSR.OE) does happen, but only in loopback, where the guest
//     itself can feed the receiver faster than it drains it;
//   - the character-timeout delay: when the receive FIFO holds fewer bytes
//     than the trigger level, IIR reports the timeout source (0xC) at once
//     instead of after four character times.
//
// Host input model: the host side is a flow-controlled sender with an
// unbounded queue. Bytes move from that queue into the guest-visible
// receiver (16-byte FIFO in FIFO mode, the single RBR in 16450 mode) only
// while there is room, so host input never overruns. Consequently an FCR
// receive-FIFO reset, or an FCR0 mode change, discards only the bytes
// already inside the receiver (at most 16), as on real hardware; the rest
// of the host queue survives. While MCR.LOOP is set, SIN is disconnected
// (MCR bit 4 description), so host bytes wait in the queue until loopback
// ends.
//
// Modem inputs outside loopback: the host is modelled as a connected
// terminal asserting CTS, DSR and DCD (not RI), so MSR reads 0xB0 after
// reset ("bits 4-7 = input signals" in the reset table).
//
// Bus contract: the real device has byte registers only. 1-byte accesses
// anywhere in the 0x100 window are accepted and decoded on A0-A2 (the
// chip's three address lines), so offset 8+n aliases register n. 2- and
// 4-byte accesses, and offsets outside the window, are access faults.
// OUT2 does not gate the interrupt output on this board: the IRQ line level
// is exactly "some enabled interrupt source is pending" (i.e. IIR bit 0 = 0).
// The line is asserted again, a new request to the PLIC (plic.ts), when an
// interrupt event happens while it is already high: a byte arrives, THR
// empties after a write, IER enables a source. Register reads only lower
// it. A THRE interrupt is cleared by reading IIR while it is the source, or
// by writing THR (the datasheet's reset conditions, as QEMU's serial.c):
// xv6, which does neither when it has nothing to send, is then left with a
// high line and no new request, so it is not interrupted again.

import { ACCESS_FAULT, type IrqLine, type Mmio } from './mmio.js';

/** Size of the UART's MMIO window on the virt board. */
export const UART_WINDOW = 0x100;

const IER_ERBFI = 0x01; // received data available (and timeout)
const IER_ETBEI = 0x02; // transmitter holding register empty
const IER_ELSI = 0x04; // receiver line status
const IER_EDSSI = 0x08; // modem status
const IER_MASK = 0x0f; // bits 4-7 are always 0

const IIR_NONE = 0x01;
const IIR_LINE_STATUS = 0x06;
const IIR_RX_DATA = 0x04;
const IIR_RX_TIMEOUT = 0x0c;
const IIR_THRE = 0x02;
const IIR_MODEM_STATUS = 0x00;
const IIR_FIFOS_ENABLED = 0xc0;

const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
/** Receiver trigger levels selected by FCR bits 7:6. */
const RX_TRIGGER = [1, 4, 8, 14] as const;
const FIFO_DEPTH = 16;

const LCR_DLAB = 0x80;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
const MCR_MASK = 0x1f; // bits 5-7 are always 0

const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;

// Modem inputs as a nibble laid out like MSR bits 4-7 (and their deltas in
// bits 0-3): CTS, DSR, RI, DCD.
const IN_CTS = 0x1;
const IN_DSR = 0x2;
const IN_RI = 0x4;
const IN_DCD = 0x8;
/** What the host "terminal" asserts outside loopback. */
const HOST_MODEM_INPUTS = IN_CTS | IN_DSR | IN_DCD;

/** Host-queue prefix length after which consumed entries are dropped. */
const HOST_COMPACT_AT = 4096;

export class Uart16550 implements Mmio {
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private rxTrigger: number = RX_TRIGGER[0];
  /** Guest-visible receiver: FIFO contents, or RBR (≤ 1 entry) in 16450 mode. */
  private readonly rx: number[] = [];
  /** Last byte handed out through RBR; what an empty receiver reads as. */
  private lastRbr = 0;
  private overrun = false;
  /** Current modem input levels (IN_* nibble). */
  private modemIn = HOST_MODEM_INPUTS;
  /** MSR bits 0-3: DCTS, DDSR, TERI, DDCD. */
  private modemDelta = 0;
  /** THRE interrupt condition, latched until IIR reports it or THR is written. */
  private thrEmptyLatch = false;
  /** Host-side queue: host[hostHead..] not yet moved into the receiver. */
  private host: number[] = [];
  private hostHead = 0;
  private irqLevel = false;
  /** An interrupt event happened since the line was last driven (see the header). */
  private event = false;

  constructor(
    private readonly irq: IrqLine,
    private readonly output: (byte: number) => void,
  ) {}

  /** Host input: queue bytes for the receiver (RBR). Raises the receive-data interrupt if IER.ERBFI is set. */
  pushInput(bytes: Uint8Array): void {
    for (const b of bytes) this.host.push(b);
    this.refill();
    this.updateIrq();
  }

  /**
   * True when a received byte is still waiting for the guest: in the
   * receiver, or in the host queue behind it (including bytes held back
   * during loopback).
   */
  get hasInput(): boolean {
    return this.rx.length > 0 || this.hostHead < this.host.length;
  }

  /**
   * One input byte taken past the registers, for a firmware console (SBI
   * getchar) that shares this input: the receiver's oldest byte, else the
   * host queue's; -1 when there is none.
   */
  takeInput(): number {
    let b = -1;
    if (this.rx.length > 0) b = this.rx.shift()!;
    else if (this.hostHead < this.host.length) b = this.host[this.hostHead++];
    if (b >= 0) { this.refill(); this.updateIrq(); }
    return b;
  }

  read(offset: number, width: 1 | 2 | 4): number {
    if (width !== 1 || offset < 0 || offset >= UART_WINDOW) return ACCESS_FAULT;
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset & 7) {
      case 0: return dlab ? this.dll : this.readRbr();
      case 1: return dlab ? this.dlm : this.ier;
      case 2: return this.readIir();
      case 3: return this.lcr;
      case 4: return this.mcr;
      case 5: return this.readLsr();
      case 6: return this.readMsr();
      default: return this.scr;
    }
  }

  write(offset: number, width: 1 | 2 | 4, value: number): boolean {
    if (width !== 1 || offset < 0 || offset >= UART_WINDOW) return false;
    const v = value & 0xff;
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset & 7) {
      case 0:
        if (dlab) this.dll = v;
        else this.transmit(v);
        break;
      case 1:
        if (dlab) this.dlm = v;
        else this.writeIer(v);
        break;
      case 2: this.writeFcr(v); break;
      case 3: this.lcr = v; break;
      case 4: this.writeMcr(v); break;
      // LSR writes are reserved for factory test and MSR is read-only:
      // accepted and ignored.
      case 5: case 6: break;
      default: this.scr = v; break;
    }
    this.updateIrq();
    return true;
  }

  // ---- register side effects ----

  private readRbr(): number {
    const b = this.rx.shift();
    if (b !== undefined) this.lastRbr = b;
    this.refill();
    this.updateIrq();
    return this.lastRbr;
  }

  /** Reading IIR clears the THRE interrupt only when THRE is what it reports. */
  private readIir(): number {
    const id = this.pendingSource();
    if (id === IIR_THRE) {
      this.thrEmptyLatch = false;
      this.updateIrq();
    }
    return id | (this.fifoEnabled ? IIR_FIFOS_ENABLED : 0);
  }

  /** Reading LSR clears the error bits (here only OE) and so the line-status interrupt. */
  private readLsr(): number {
    const v = (this.rx.length > 0 ? LSR_DR : 0) | (this.overrun ? LSR_OE : 0) | LSR_THRE | LSR_TEMT;
    this.overrun = false;
    this.updateIrq();
    return v;
  }

  /** Reading MSR clears the delta bits and so the modem-status interrupt. */
  private readMsr(): number {
    const v = (this.modemIn << 4) | this.modemDelta;
    this.modemDelta = 0;
    this.updateIrq();
    return v;
  }

  /**
   * The THR write empties the holding register at once (transmission is
   * instantaneous), so the THRE condition the write cleared is set again.
   */
  private transmit(byte: number): void {
    if (this.mcr & MCR_LOOP) this.receiveLooped(byte);
    else this.output(byte);
    this.thrEmptyLatch = true;
    this.event = true;
  }

  /** A looped-back character reaching the receiver; may overrun (LSR bit 1). */
  private receiveLooped(byte: number): void {
    this.event = true;
    if (this.rx.length < this.rxCapacity()) {
      this.rx.push(byte);
      return;
    }
    this.overrun = true;
    // 16450 mode: the new character replaces the unread RBR. FIFO mode: the
    // character stays in the shift register and never enters the FIFO.
    if (!this.fifoEnabled) this.rx[0] = byte;
  }

  /** Enabling ETBEI while THR is empty (always, here) raises THRE at once. */
  private writeIer(v: number): void {
    const next = v & IER_MASK;
    if ((next & IER_ETBEI) && !(this.ier & IER_ETBEI)) this.thrEmptyLatch = true;
    if (next & ~this.ier) this.event = true;
    this.ier = next;
  }

  /**
   * FCR0 selects FIFO mode; changing it empties the receiver. Bits 1-7 are
   * programmed only when bit 0 is written as 1. The TX FIFO reset (bit 2)
   * and DMA mode (bit 3) have nothing to act on here.
   */
  private writeFcr(v: number): void {
    const enable = (v & FCR_ENABLE) !== 0;
    if (enable !== this.fifoEnabled) {
      this.fifoEnabled = enable;
      this.rx.length = 0;
    }
    if (enable) {
      if (v & FCR_CLEAR_RX) this.rx.length = 0;
      this.rxTrigger = RX_TRIGGER[v >>> 6];
    }
    this.refill();
  }

  /**
   * In loopback the modem inputs follow MCR (CTS=RTS, DSR=DTR, RI=OUT1,
   * DCD=OUT2); switching sources or toggling those bits records deltas as
   * any input change would.
   */
  private writeMcr(v: number): void {
    const wasLoop = (this.mcr & MCR_LOOP) !== 0;
    this.mcr = v & MCR_MASK;
    const loop = (this.mcr & MCR_LOOP) !== 0;
    const next = loop
      ? ((this.mcr & MCR_RTS) ? IN_CTS : 0) | ((this.mcr & MCR_DTR) ? IN_DSR : 0) |
        ((this.mcr & MCR_OUT1) ? IN_RI : 0) | ((this.mcr & MCR_OUT2) ? IN_DCD : 0)
      : HOST_MODEM_INPUTS;
    const changed = next ^ this.modemIn;
    // CTS, DSR, DCD flag any change; RI flags only its trailing (1 -> 0) edge.
    this.modemDelta |= (changed & (IN_CTS | IN_DSR | IN_DCD)) | (this.modemIn & ~next & IN_RI);
    this.modemIn = next;
    if (wasLoop && !loop) this.refill();
  }

  // ---- receiver plumbing and interrupt state ----

  private rxCapacity(): number {
    return this.fifoEnabled ? FIFO_DEPTH : 1;
  }

  /** Moves host bytes into the receiver while it has room (not in loopback). */
  private refill(): void {
    if (this.mcr & MCR_LOOP) return;
    const cap = this.rxCapacity();
    while (this.rx.length < cap && this.hostHead < this.host.length) {
      this.rx.push(this.host[this.hostHead++]);
      this.event = true;
    }
    if (this.hostHead === this.host.length) {
      this.host = [];
      this.hostHead = 0;
    } else if (this.hostHead >= HOST_COMPACT_AT) {
      this.host = this.host.slice(this.hostHead);
      this.hostHead = 0;
    }
  }

  /** Highest-priority enabled pending source as IIR bits 3:0 (datasheet priority order). */
  private pendingSource(): number {
    if ((this.ier & IER_ELSI) && this.overrun) return IIR_LINE_STATUS;
    if ((this.ier & IER_ERBFI) && this.rx.length > 0) {
      return this.fifoEnabled && this.rx.length < this.rxTrigger ? IIR_RX_TIMEOUT : IIR_RX_DATA;
    }
    if ((this.ier & IER_ETBEI) && this.thrEmptyLatch) return IIR_THRE;
    if ((this.ier & IER_EDSSI) && this.modemDelta !== 0) return IIR_MODEM_STATUS;
    return IIR_NONE;
  }

  private updateIrq(): void {
    const level = this.pendingSource() !== IIR_NONE;
    if (level !== this.irqLevel || (level && this.event)) {
      this.irqLevel = level;
      this.irq.set(level);
    }
    this.event = false;
  }
}
