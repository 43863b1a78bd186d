// PhysMem (src/machine/phys.ts): software outside the hart writes RAM
// through board.phys, and every such write keeps the hart's caches coherent.
// Oracles: DESIGN.md ("invalidate the cache on writes to that page": the new
// code runs, not the decoded copy of the old), and unpriv 8.2 ("The SC must
// fail if a write from some other device to the bytes accessed by the LR can
// be observed to occur between the LR and SC").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rig, CODE, DATA, RAM, HANDLER } from './helpers/rig.js';
import * as A from './helpers/asm.js';

const OLD = A.addi(5, 0, 1), NEW = A.addi(5, 0, 3);

/** A rig whose block at CODE (x5 = 1; j .) has run once, so it is decoded and cached. */
function warmed(): Rig {
  const rig = new Rig();
  rig.prog(CODE, [OLD]);
  rig.run(CODE, 2);
  assert.equal(rig.get(5), 1n);
  assert.ok(rig.hart.blocks.get(CODE - RAM)?.live, 'the block at CODE is cached');
  return rig;
}

/** Runs the block at CODE again from a clean x5 and returns x5. */
function rerun(rig: Rig): bigint {
  rig.set(5, 0);
  rig.run(CODE, 2);
  return rig.get(5);
}

test('the decode cache really caches: a raw RAM write is not seen (what PhysMem exists to prevent)', () => {
  const rig = warmed();
  rig.board.bus.ram32[(CODE - RAM) >> 2] = NEW; // bypasses every cache, as the kernel's writes once did
  assert.equal(rerun(rig), 1n, 'the stale decoded instruction ran: without it, the tests below would prove nothing');
});

const writes: [string, (rig: Rig) => void][] = [
  ['phys.write32', (rig) => rig.board.phys.write32(CODE, NEW)],
  ['phys.write64', (rig) => rig.board.phys.write64(CODE, NEW, A.jal(0, 0))],
  ['phys.write16 twice', (rig) => { rig.board.phys.write16(CODE, NEW & 0xffff); rig.board.phys.write16(CODE + 2, NEW >>> 16); }],
  ['phys.write8 four times', (rig) => { for (let k = 0; k < 4; k++) rig.board.phys.write8(CODE + k, NEW >>> (8 * k)); }],
  ['phys.writeBytes', (rig) => rig.board.phys.writeBytes(CODE, A.encode([NEW]))],
  ['phys.copyPage', (rig) => { rig.board.phys.writeBytes(DATA, A.encode([NEW, A.jal(0, 0)])); rig.board.phys.copyPage(CODE, DATA); }],
  ['bus.load (the bare loader)', (rig) => { rig.board.bus.load(CODE, A.encode([NEW])); }],
];
for (const [name, write] of writes) {
  test(`code written with ${name} over decoded code is the code that runs`, () => {
    const rig = warmed();
    write(rig);
    assert.equal(rerun(rig), 3n);
  });
}

test('phys.fill over decoded code: the zeros run (an illegal instruction), not the old block', () => {
  const rig = warmed();
  rig.board.phys.fill(CODE, 4096);
  rig.set(5, 0);
  rig.run(CODE, 2);
  assert.equal(rig.hart.mcause, 2n); // illegal instruction (priv 3.1.15, exception code 2)
  assert.equal(rig.pc(), BigInt(HANDLER));
  assert.equal(rig.get(5), 0n);
});

test('a write to a granule without decoded code leaves the page\'s blocks cached', () => {
  const rig = warmed();
  const blk = rig.hart.blocks.get(CODE - RAM)!;
  rig.board.phys.write32(CODE + 1024, 0xdeadbeef); // same page, another 64-byte granule
  rig.board.phys.fill(CODE + 2048, 1024);
  assert.equal(rig.hart.blocks.get(CODE - RAM), blk);
  assert.ok(blk.live);
  rig.board.phys.write32(CODE + 4, A.jal(0, 0)); // the block's own granule (its `j .`)
  assert.equal(blk.live, false);
  assert.equal(rig.hart.blocks.get(CODE - RAM), undefined);
});

/** lr.w x3, (x1) and a block end; then sc.w x4, x2, (x1) and j . — LR and SC in two runs. */
function lrThenSc(between: (rig: Rig) => void): { sc: bigint; word: bigint } {
  const rig = new Rig();
  rig.prog(CODE, [A.lr_w(3, 1), A.jal(0, 4), A.sc_w(4, 2, 1)]);
  rig.set(1, DATA);
  rig.set(2, 0x55);
  rig.run(CODE, 2); // lr.w and the jump
  assert.equal(rig.pc(), BigInt(CODE + 8));
  between(rig);
  rig.hart.run(1);
  return { sc: rig.get(4), word: rig.peek(DATA, 4) };
}

test('a phys write to the reserved word makes the SC fail; one elsewhere does not', () => {
  assert.deepEqual(lrThenSc(() => {}), { sc: 0n, word: 0x55n });
  assert.deepEqual(lrThenSc((rig) => rig.board.phys.write32(DATA + 256, 7)), { sc: 0n, word: 0x55n });
  assert.deepEqual(lrThenSc((rig) => rig.board.phys.write32(DATA, 7)), { sc: 1n, word: 7n });
  assert.deepEqual(lrThenSc((rig) => rig.board.phys.fill(DATA - 16, 32, 9)), { sc: 1n, word: 0x09090909n });
});

test('reads see RAM as stored, little-endian', () => {
  const phys = new Rig().board.phys;
  phys.writeBytes(DATA, Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88));
  assert.equal(phys.read8(DATA + 7), 0x88);
  assert.equal(phys.read16(DATA + 1), 0x3322);
  assert.equal(phys.read32(DATA + 4), 0x88776655); // unsigned
  assert.equal(phys.read64(DATA), 0x8877665544332211n);
  assert.deepEqual([...phys.readBytes(DATA + 2, 3)], [0x33, 0x44, 0x55]);
  phys.write64(DATA, -1, 0x12345678);
  assert.equal(phys.read64(DATA), 0x12345678ffffffffn);
});

test('an access outside RAM is a RangeError naming the address, never a silent write', () => {
  const phys = new Rig().board.phys;
  assert.throws(() => phys.write32(RAM - 4, 0), /0x7ffffffc is outside RAM/);
  assert.throws(() => phys.read8(RAM + (1 << 20)), RangeError);
  assert.throws(() => phys.fill(RAM + (1 << 20) - 8, 16), RangeError);
  assert.throws(() => phys.copyPage(CODE + 8, DATA), /not page aligned/);
});
