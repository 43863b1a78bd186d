// PLIC: oracles are the RISC-V PLIC Specification (riscv/riscv-plic-spec)
// memory map and the gateway/claim/completion rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plic } from '../src/machine/plic.js';
import { ACCESS_FAULT, type IrqLine } from '../src/machine/mmio.js';

class RecordingIrq implements IrqLine {
  readonly history: boolean[] = [];
  level = false;
  set(level: boolean): void {
    this.level = level;
    this.history.push(level);
  }
}

const priority = (src: number) => 4 * src;
const pendingWord = (w: number) => 0x1000 + 4 * w;
const enableWord = (ctx: number, w: number) => 0x2000 + 0x80 * ctx + 4 * w;
const threshold = (ctx: number) => 0x200000 + 0x1000 * ctx;
const claim = (ctx: number) => 0x200004 + 0x1000 * ctx;

function setup(harts = 1) {
  const lines = Array.from({ length: 2 * harts }, () => new RecordingIrq());
  const plic = new Plic(lines);
  const rd = (off: number) => plic.read(off, 4);
  const wr = (off: number, v: number) => assert.equal(plic.write(off, 4, v), true);
  /** Priority p, enabled on ctx, threshold 0. */
  const arm = (ctx: number, src: number, p: number) => {
    wr(priority(src), p);
    const w = src >>> 5;
    wr(enableWord(ctx, w), (rd(enableWord(ctx, w)) | (1 << (src & 31))) >>> 0);
  };
  return { plic, lines, rd, wr, arm };
}

test('reset: registers read 0, claim returns 0, no line driven', () => {
  const { rd, lines } = setup();
  assert.equal(rd(priority(10)), 0);
  assert.equal(rd(pendingWord(0)), 0);
  assert.equal(rd(enableWord(1, 0)), 0);
  assert.equal(rd(threshold(1)), 0);
  assert.equal(rd(claim(1)), 0);
  for (const l of lines) assert.deepEqual(l.history, []);
});

test('priority is WARL with 3 bits; source 0 priority is hardwired 0', () => {
  const { rd, wr } = setup();
  wr(priority(10), 0xffffffff);
  assert.equal(rd(priority(10)), 7);
  wr(priority(10), 0x0a);
  assert.equal(rd(priority(10)), 2);
  wr(priority(0), 7);
  assert.equal(rd(priority(0)), 0);
  wr(threshold(0), 0xff);
  assert.equal(rd(threshold(0)), 7);
});

test('pending bits reflect the gateway and are read-only', () => {
  const { plic, rd, wr } = setup();
  plic.source(10).set(true);
  plic.source(33).set(true);
  plic.source(95).set(true);
  assert.equal(rd(pendingWord(0)), 1 << 10);
  assert.equal(rd(pendingWord(1)), 1 << 1);
  assert.equal(rd(pendingWord(2)), 0x80000000);
  wr(pendingWord(0), 0);
  assert.equal(rd(pendingWord(0)), 1 << 10);
});

test('enable bits are per context; bit 0 of word 0 is hardwired 0', () => {
  const { plic, rd, wr, lines } = setup(2);
  wr(enableWord(0, 0), 0xffffffff);
  assert.equal(rd(enableWord(0, 0)), 0xfffffffe);
  assert.equal(rd(enableWord(1, 0)), 0);
  wr(enableWord(3, 2), 0x00000004); // source 66 on hart 1 S-mode
  assert.equal(rd(enableWord(3, 2)), 4);
  wr(priority(66), 1);
  plic.source(66).set(true);
  assert.deepEqual(lines.map((l) => l.level), [false, false, false, true]);
  wr(priority(10), 1);
  plic.source(10).set(true);
  assert.deepEqual(lines.map((l) => l.level), [true, false, false, true]);
});

test('context line = pending & enabled & priority > threshold', () => {
  const { plic, wr, arm, lines } = setup();
  arm(1, 10, 3);
  plic.source(10).set(true);
  assert.equal(lines[1].level, true);
  assert.equal(lines[0].level, false, 'not enabled for M-mode');
  wr(threshold(1), 3);
  assert.equal(lines[1].level, false, 'priority equal to threshold is masked');
  wr(threshold(1), 2);
  assert.equal(lines[1].level, true);
  wr(priority(10), 0);
  assert.equal(lines[1].level, false, 'priority 0 never interrupts');
  assert.deepEqual(lines[1].history, [true, false, true, false]);
});

test('claim order: highest priority first, ties to the lowest id', () => {
  const { plic, rd, arm, lines } = setup();
  arm(1, 3, 2);
  arm(1, 7, 5);
  arm(1, 5, 5);
  arm(1, 40, 6);
  for (const s of [3, 7, 5, 40]) plic.source(s).set(true);
  assert.deepEqual([rd(claim(1)), rd(claim(1)), rd(claim(1)), rd(claim(1))], [40, 5, 7, 3]);
  assert.equal(lines[1].level, false);
  assert.equal(rd(claim(1)), 0);
  assert.equal(rd(pendingWord(0)), 0);
  assert.equal(rd(pendingWord(1)), 0);
});

test('claim never returns a source disabled for the context or of priority 0', () => {
  const { plic, rd, wr, arm } = setup();
  arm(1, 4, 0);
  wr(priority(6), 7); // pending but enabled only elsewhere
  arm(0, 6, 7);
  plic.source(4).set(true);
  plic.source(6).set(true);
  assert.equal(rd(claim(1)), 0);
  assert.equal(rd(claim(0)), 6);
});

test('claim is not affected by the threshold (spec: Interrupt Claim Process)', () => {
  const { plic, rd, wr, arm, lines } = setup();
  arm(1, 9, 2);
  wr(threshold(1), 7);
  plic.source(9).set(true);
  assert.equal(lines[1].level, false, 'notification masked');
  assert.equal(rd(claim(1)), 9, 'polling claim still succeeds');
});

test('gateway (QEMU virt): each assertion is a request; one during service waits for completion; a still-high line at completion is none', () => {
  const { plic, rd, wr, arm, lines } = setup();
  arm(1, 10, 1);
  const src = plic.source(10);
  src.set(true);
  assert.equal(rd(claim(1)), 10);
  assert.equal(lines[1].level, false);
  wr(claim(1), 10);
  assert.equal(rd(pendingWord(0)), 0, 'the line is still high, but nothing new was asserted: no request (xv6 relies on it)');
  assert.equal(lines[1].level, false);
  src.set(true); // a new event while the line is high: a request
  assert.equal(lines[1].level, true);
  assert.equal(rd(claim(1)), 10);
  src.set(true); // an event while in service: pending, not claimable yet
  assert.equal(rd(pendingWord(0)), 1 << 10);
  assert.equal(lines[1].level, false);
  assert.equal(rd(claim(1)), 0, 'in service: not claimable');
  wr(claim(1), 10);
  assert.equal(lines[1].level, true, 'claimable after completion');
  assert.equal(rd(claim(1)), 10);
  src.set(false);
  wr(claim(1), 10);
  assert.equal(rd(pendingWord(0)), 0, 'low at completion: nothing forwarded');
  assert.equal(lines[1].level, false);
});

test('a request is not retracted when the line drops before the claim', () => {
  const { plic, rd, arm, lines } = setup();
  arm(1, 10, 1);
  plic.source(10).set(true);
  plic.source(10).set(false);
  assert.equal(lines[1].level, true);
  assert.equal(rd(claim(1)), 10);
});

test('completion of an id not enabled for the context is ignored', () => {
  const { plic, rd, wr, arm } = setup();
  arm(1, 10, 1);
  const src = plic.source(10);
  src.set(true);
  assert.equal(rd(claim(1)), 10);
  src.set(true); // asserted again during service
  wr(claim(0), 10); // context 0 does not enable source 10
  assert.equal(rd(claim(1)), 0, 'still in service');
  wr(claim(1), 0);
  wr(claim(1), 200);
  assert.equal(rd(claim(1)), 0, 'still in service');
  wr(claim(1), 10);
  assert.equal(rd(claim(1)), 10, 'completed: the assertion made during service is claimable');
});

test('multi-hart: each context drives only its own line', () => {
  const { plic, rd, arm, lines } = setup(2);
  arm(2, 1, 1); // hart 1 M-mode
  plic.source(1).set(true);
  assert.deepEqual(lines.map((l) => l.level), [false, false, true, false]);
  assert.equal(rd(claim(0)), 0);
  assert.equal(rd(claim(2)), 1);
  assert.equal(lines[2].level, false);
});

test('only aligned 4-byte accesses; reserved offsets read 0 and ignore writes', () => {
  const { plic, rd, wr } = setup();
  wr(priority(10), 5);
  for (const w of [1, 2] as const) {
    assert.equal(plic.read(priority(10), w), ACCESS_FAULT);
    assert.equal(plic.write(priority(10), w, 1), false);
  }
  assert.equal(plic.read(priority(10) + 2, 4), ACCESS_FAULT);
  assert.equal(plic.write(threshold(0) + 1, 4, 1), false);
  assert.equal(plic.read(0x4000000, 4), ACCESS_FAULT);
  assert.equal(plic.write(0x4000000, 4, 0), false);
  assert.equal(rd(priority(10)), 5, 'faulting writes changed nothing');
  // Reserved / unimplemented: source 500 priority, pending word 10,
  // enable word 5, context 7 (of 2), a reserved word in a context page.
  for (const off of [priority(500), pendingWord(10), enableWord(0, 5), threshold(7), claim(7), threshold(0) + 8, 0x3fffffc]) {
    wr(off, 0xffffffff);
    assert.equal(rd(off), 0, `offset 0x${off.toString(16)}`);
  }
});

test('source() accepts 1..95 only; constructor needs at least one context', () => {
  const { plic } = setup();
  assert.throws(() => plic.source(0), RangeError);
  assert.throws(() => plic.source(96), RangeError);
  assert.equal(typeof plic.source(95).set, 'function');
  assert.throws(() => new Plic([]), RangeError);
});
