// The hart state lives in one ArrayBuffer at the byte offsets that
// src/machine/layout.ts documents (DESIGN.md "State and speed": a later JIT
// reads it in place). Oracles: the documented offsets (as literal numbers
// here, not the layout's constants), the privileged spec's trap values
// (priv 3.1.14-3.1.16: ecall from M is cause 11, mepc = the ecall), and
// modulo-2^64 counter arithmetic (unpriv "Zicntr": the counters wrap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rig, CODE, HANDLER, hex } from './helpers/rig.js';
import { ecall, csrw, csrr, csrrw, addi } from './helpers/asm.js';

const MCYCLE = 0xb00, MSCRATCH = 0x340;

test('x, f, the state words and the counters are views of one 1352-byte span of the bus memory', () => {
  const h = new Rig().hart;
  const buf = h.x.buffer, base = h.x.byteOffset;
  // The span sits in the bus's WebAssembly memory (after RAM and the store hooks), where compiled code reaches it.
  assert.equal(buf, h.bus.memory?.buffer);
  assert.ok(base >= h.bus.ramSize && base % 4096 === 0);
  for (const v of [h.f, h.s, h.t]) assert.equal(v.buffer, buf);
  assert.deepEqual([h.x.byteOffset, h.f.byteOffset, h.s.byteOffset, h.t.byteOffset].map((o) => o - base), [0, 272, 528, 728]);
  assert.equal(h.s.byteOffset - base + h.s.byteLength, 1352);
});

test('a trap writes pc, the mode, mepc, mcause and the counters at their documented byte offsets', () => {
  const rig = new Rig();
  rig.put(CODE, [addi(1, 0, 1), ecall()]);
  rig.run(CODE, 2);
  const dv = new DataView(rig.hart.x.buffer, rig.hart.x.byteOffset);
  const u64 = (at: number) => (BigInt(dv.getUint32(at + 4, true)) << 32n) | BigInt(dv.getUint32(at, true));
  assert.equal(hex(u64(528)), hex(HANDLER), 'pc at byte 528');
  assert.equal(dv.getInt32(536, true), 3, 'mode M at byte 536');
  assert.equal(hex(u64(608)), hex(CODE + 4), 'mepc at byte 608 = the ecall');
  assert.equal(u64(624), 11n, 'mcause at byte 624 = ecall from M');
  assert.equal(dv.getFloat64(736, true), 1, 'instret at byte 736: the addi (the ecall does not retire)');
  assert.equal(dv.getFloat64(744, true), 1, 'traps at byte 744');
  assert.equal(rig.hart.csrRead(0x341), BigInt(CODE + 4), 'csrRead sees the same mepc');
});

test('csrrw moves all 64 bits of a CSR; mcycle written with all ones reads it back, then wraps to 0', () => {
  const rig = new Rig();
  rig.put(CODE, [csrw(MSCRATCH, 1), csrrw(2, MSCRATCH, 0), csrw(MCYCLE, 3), csrr(4, MCYCLE), csrr(5, MCYCLE)]);
  rig.set(1, 0x8000000000000001n);
  rig.set(3, -1n);
  rig.run(CODE, 5);
  assert.equal(hex(rig.get(2)), '0x8000000000000001', 'mscratch read back by csrrw');
  assert.equal(rig.hart.csrRead(MSCRATCH), 0n, 'csrrw wrote x0');
  // The write lands after csrw retires; the next instruction counts from there (priv 3.1.11).
  assert.equal(hex(rig.get(4)), '0xffffffffffffffff');
  assert.equal(hex(rig.get(5)), '0x0', 'mcycle wraps modulo 2^64');
});

test('csrReadPair/csrWritePair (the port without bigint) agree with csrRead/csrWrite', () => {
  const h = new Rig().hart;
  assert.equal(h.csrWritePair(MSCRATCH, 0x89abcdef | 0, 0x01234567), true);
  assert.equal(h.csrRead(MSCRATCH), 0x0123456789abcdefn);
  const into = new Int32Array(2);
  assert.equal(h.csrReadPair(0x301, into), true); // misa: MXL = 2 in bits 63:62 (priv 3.1.1)
  assert.equal(into[1] >>> 30, 2);
  assert.equal(h.csrReadPair(0x7ff, into), false, 'no such CSR');
});
