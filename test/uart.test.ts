// 16550A UART: oracles are the PC16550D datasheet register descriptions,
// reset table and interrupt control table (IIR codes 0x1/0x6/0x4/0xC/0x2/0x0).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Uart16550 } from '../src/machine/uart.js';
import { ACCESS_FAULT, type IrqLine } from '../src/machine/mmio.js';

const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

class RecordingIrq implements IrqLine {
  readonly history: boolean[] = [];
  level = false;
  set(level: boolean): void {
    this.level = level;
    this.history.push(level);
  }
}

function setup() {
  const irq = new RecordingIrq();
  const out: number[] = [];
  const uart = new Uart16550(irq, (b) => out.push(b));
  const rd = (off: number) => uart.read(off, 1);
  const wr = (off: number, v: number) => assert.equal(uart.write(off, 1, v), true);
  return { uart, irq, out, rd, wr };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

test('reset values: LSR=0x60, IIR=0x01, IER/LCR/MCR=0, MSR deltas clear', () => {
  const { rd, irq } = setup();
  assert.equal(rd(LSR), 0x60);
  assert.equal(rd(IIR), 0x01);
  assert.equal(rd(IER), 0x00);
  assert.equal(rd(LCR), 0x00);
  assert.equal(rd(MCR), 0x00);
  // Host terminal asserts CTS, DSR, DCD; no deltas after reset.
  assert.equal(rd(MSR), 0xb0);
  assert.equal(irq.level, false);
  assert.deepEqual(irq.history, []);
});

test('THR write is transmitted at once; THRE/TEMT stay set', () => {
  const { rd, wr, out } = setup();
  wr(THR, 0x41);
  wr(THR, 0x1ff); // only the low byte is a character
  assert.deepEqual(out, [0x41, 0xff]);
  assert.equal(rd(LSR), 0x60);
});

test('received byte sets DR; reading RBR returns it and clears DR', () => {
  const { uart, rd } = setup();
  assert.equal(uart.hasInput, false);
  uart.pushInput(bytes(0x5a));
  assert.equal(uart.hasInput, true);
  assert.equal(rd(LSR), 0x61);
  assert.equal(rd(RBR), 0x5a);
  assert.equal(rd(LSR), 0x60);
  assert.equal(uart.hasInput, false);
});

test('16450 mode holds one byte in RBR; the rest waits on the host side in order', () => {
  const { uart, rd } = setup();
  uart.pushInput(bytes(1, 2, 3));
  const got: number[] = [];
  while (rd(LSR) & 1) got.push(rd(RBR));
  assert.deepEqual(got, [1, 2, 3]);
  assert.equal(uart.hasInput, false);
});

test('DLAB switches offsets 0/1 to the divisor latch and back', () => {
  const { rd, wr, out } = setup();
  wr(IER, 0x05);
  wr(LCR, 0x83);
  wr(DLL, 0x0c);
  wr(DLM, 0x01);
  assert.deepEqual(out, [], 'a DLL write is not a transmission');
  assert.equal(rd(DLL), 0x0c);
  assert.equal(rd(DLM), 0x01);
  wr(LCR, 0x03);
  assert.equal(rd(LCR), 0x03);
  assert.equal(rd(IER), 0x05, 'IER kept while DLAB was set');
  wr(THR, 0x33);
  assert.deepEqual(out, [0x33]);
  wr(LCR, 0x80);
  assert.equal(rd(DLL), 0x0c, 'divisor kept across DLAB toggles');
});

test('IER bits 4-7 and MCR bits 5-7 read as 0; SCR is plain storage', () => {
  const { rd, wr } = setup();
  wr(IER, 0xf0);
  assert.equal(rd(IER), 0x00);
  wr(MCR, 0xe3);
  assert.equal(rd(MCR), 0x03);
  wr(SCR, 0xa5);
  assert.equal(rd(SCR), 0xa5);
});

test('received-data interrupt follows IER.ERBFI and DR', () => {
  const { uart, rd, wr, irq } = setup();
  uart.pushInput(bytes(0x10));
  assert.equal(irq.level, false, 'disabled in IER');
  assert.equal(rd(IIR), 0x01);
  wr(IER, 0x01);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x04);
  assert.equal(rd(RBR), 0x10);
  assert.equal(irq.level, false);
  assert.equal(rd(IIR), 0x01);
  uart.pushInput(bytes(0x11));
  assert.equal(irq.level, true);
  wr(IER, 0x00);
  assert.equal(irq.level, false);
  assert.deepEqual(irq.history, [true, false, true, false]);
});

test('THRE interrupt: set by enabling ETBEI, cleared by reading IIR, set again by a THR write', () => {
  const { rd, wr, irq } = setup();
  wr(IER, 0x02);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x02);
  assert.equal(irq.level, false, 'IIR read cleared THRE');
  assert.equal(rd(IIR), 0x01);
  wr(THR, 0x20);
  assert.equal(irq.level, true);
  wr(IER, 0x00);
  assert.equal(irq.level, false);
  // Re-enabling with THR empty interrupts again (Linux's THRE probe relies on it).
  wr(IER, 0x02);
  assert.equal(rd(IIR), 0x02);
  // Rewriting IER without a 0->1 edge on ETBEI does not.
  wr(IER, 0x02);
  assert.equal(rd(IIR), 0x01);
});

test('the line is asserted again for a new event, never for a register read (what the PLIC counts as a request)', () => {
  const { uart, rd, wr, irq } = setup();
  wr(IER, 0x03); // RX and THRE, as xv6's uartinit
  assert.deepEqual(irq.history, [true]);
  // xv6's uartintr with nothing to send: LSR reads, no IIR read, no THR write. THRE stays, and is not asserted again.
  rd(LSR); rd(LSR);
  assert.deepEqual(irq.history, [true], 'reads assert nothing');
  assert.equal(irq.level, true, 'the THRE condition still holds the line high');
  uart.pushInput(Uint8Array.of(0x41)); // a key while the line is high: a new assertion
  assert.deepEqual(irq.history, [true, true]);
  assert.equal(rd(RBR), 0x41);
  wr(THR, 0x42); // the write clears THRE and the empty register sets it again: an assertion
  assert.deepEqual(irq.history, [true, true, true]);
  assert.equal(rd(IIR), 0x02);
  assert.deepEqual(irq.history, [true, true, true, false], 'reading IIR cleared THRE: the line drops');
});

test('IIR reports the highest-priority source: RX data before THRE', () => {
  const { uart, rd, wr } = setup();
  uart.pushInput(bytes(0x61));
  wr(IER, 0x03);
  assert.equal(rd(IIR), 0x04);
  assert.equal(rd(IIR), 0x04, 'reading IIR does not clear THRE while it is not reported');
  rd(RBR);
  assert.equal(rd(IIR), 0x02);
  assert.equal(rd(IIR), 0x01);
});

test('FCR: FIFO enable shows in IIR bits 7:6; trigger level picks timeout vs data-available', () => {
  const { uart, rd, wr } = setup();
  wr(FCR, 0x01);
  assert.equal(rd(IIR), 0xc1);
  wr(FCR, 0x41); // trigger level 4
  wr(IER, 0x01);
  uart.pushInput(bytes(1, 2));
  assert.equal(rd(IIR), 0xcc, 'below trigger: character timeout');
  uart.pushInput(bytes(3, 4));
  assert.equal(rd(IIR), 0xc4, 'trigger reached: data available');
  rd(RBR);
  assert.equal(rd(IIR), 0xcc, 'dropped below the trigger level');
  wr(FCR, 0x00);
  assert.equal(rd(IIR) & 0xc0, 0x00, '16450 mode');
});

test('FCR bits other than 0 are ignored when FCR0 is written as 0', () => {
  const { uart, rd, wr } = setup();
  uart.pushInput(bytes(9));
  wr(FCR, 0x02); // stays in 16450 mode, receiver not reset
  assert.equal(rd(LSR) & 1, 1);
  assert.equal(rd(RBR), 9);
});

test('FIFO mode: receiver holds 16 bytes, host queue keeps the rest in order', () => {
  const { uart, rd, wr } = setup();
  wr(FCR, 0xc7);
  const input = Array.from({ length: 40 }, (_, i) => i + 100);
  uart.pushInput(Uint8Array.from(input));
  const got: number[] = [];
  while (rd(LSR) & 1) got.push(rd(RBR));
  assert.deepEqual(got, input);
});

test('FCR receiver reset discards only what is in the receiver', () => {
  const { uart, rd, wr } = setup();
  wr(FCR, 0x01);
  uart.pushInput(bytes(1, 2, 3));
  wr(FCR, 0x03);
  assert.equal(rd(LSR), 0x60);
  assert.equal(uart.hasInput, false);
  const many = Array.from({ length: 20 }, (_, i) => i);
  uart.pushInput(Uint8Array.from(many));
  wr(FCR, 0x03);
  assert.equal(rd(RBR), 16, 'the 16 bytes in the FIFO were dropped, byte 16 moved in');
});

test('loopback echoes THR into RBR without transmitting', () => {
  const { rd, wr, out } = setup();
  wr(MCR, 0x10);
  wr(THR, 0x5a);
  assert.deepEqual(out, []);
  assert.equal(rd(LSR), 0x61);
  assert.equal(rd(RBR), 0x5a);
  wr(MCR, 0x00);
  wr(THR, 0x42);
  assert.deepEqual(out, [0x42]);
  assert.equal(rd(LSR), 0x60);
});

test('loopback: MSR inputs follow MCR (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2)', () => {
  const { rd, wr } = setup();
  wr(MCR, 0x1a); // LOOP | OUT2 | RTS
  assert.equal(rd(MSR) & 0xf0, 0x90);
  wr(MCR, 0x15); // LOOP | OUT1 | DTR
  assert.equal(rd(MSR) & 0xf0, 0x60);
  wr(MCR, 0x00);
  assert.equal(rd(MSR) & 0xf0, 0xb0, 'back to the host terminal inputs');
});

test('modem-status deltas and interrupt, including trailing-edge RI', () => {
  const { rd, wr, irq } = setup();
  wr(IER, 0x08);
  assert.equal(irq.level, false);
  wr(MCR, 0x10); // inputs drop from CTS|DSR|DCD to nothing
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x00);
  assert.equal(rd(MSR), 0x0b, 'DCTS, DDSR, DDCD; no TERI on a rising-to-nothing RI');
  assert.equal(irq.level, false, 'reading MSR clears the interrupt');
  assert.equal(rd(MSR), 0x00);
  wr(MCR, 0x14); // RI on: leading edge, no delta
  assert.equal(irq.level, false);
  assert.equal(rd(MSR), 0x40);
  wr(MCR, 0x10); // RI off: trailing edge
  assert.equal(irq.level, true);
  assert.equal(rd(MSR), 0x04);
});

test('loopback overrun in 16450 mode: OE, line-status interrupt, newest byte wins', () => {
  const { rd, wr, irq } = setup();
  wr(IER, 0x05);
  wr(MCR, 0x10);
  wr(THR, 0x01);
  assert.equal(rd(IIR), 0x04);
  wr(THR, 0x02);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x06, 'line status outranks data available');
  assert.equal(rd(LSR), 0x63);
  assert.equal(rd(IIR), 0x04, 'reading LSR cleared the line-status source');
  assert.equal(rd(LSR), 0x61);
  assert.equal(rd(RBR), 0x02);
  assert.equal(irq.level, false);
});

test('loopback overrun in FIFO mode keeps the 16 queued bytes', () => {
  const { rd, wr } = setup();
  wr(FCR, 0x01);
  wr(MCR, 0x10);
  for (let i = 0; i < 17; i++) wr(THR, i);
  assert.equal(rd(LSR), 0x63);
  const got: number[] = [];
  while (rd(LSR) & 1) got.push(rd(RBR));
  assert.deepEqual(got, Array.from({ length: 16 }, (_, i) => i));
});

test('host input waits while loopback disconnects SIN', () => {
  const { uart, rd, wr } = setup();
  wr(MCR, 0x10);
  uart.pushInput(bytes(0x77));
  assert.equal(rd(LSR) & 1, 0);
  assert.equal(uart.hasInput, true);
  wr(MCR, 0x00);
  assert.equal(rd(LSR) & 1, 1);
  assert.equal(rd(RBR), 0x77);
});

test('only 1-byte accesses inside the 0x100 window; A0-A2 decode aliases', () => {
  const { uart, rd, out } = setup();
  for (const w of [2, 4] as const) {
    assert.equal(uart.read(LSR, w), ACCESS_FAULT);
    assert.equal(uart.read(0, w), ACCESS_FAULT);
    assert.equal(uart.write(THR, w, 0x41), false);
  }
  assert.deepEqual(out, []);
  assert.equal(uart.read(0x100, 1), ACCESS_FAULT);
  assert.equal(uart.write(0x100, 1, 0x41), false);
  assert.equal(uart.read(-1, 1), ACCESS_FAULT);
  assert.equal(rd(8 + LSR), 0x60);
  assert.equal(uart.write(0xf8, 1, 0x41), true);
  assert.deepEqual(out, [0x41]);
});
