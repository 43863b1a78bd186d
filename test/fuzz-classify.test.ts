// The fuzzers' verdict (fuzz/lde.ts) and sysfuzz's progress lines (fuzz/syscall.ts):
// what counts as a crash of lde, from the statuses and messages its README defines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashWhy, stackFrames } from '../fuzz/lde.js';
import { progress } from '../fuzz/syscall.js';
import { crashSite } from '../fuzz/finding.js';
import { diff } from '../fuzz/insn.js';
import { DUMP_BYTES, layout, streamElf } from '../fuzz/insn-elf.js';
import { initialState, randomStream } from '../fuzz/insn-gen.js';
import { immB, immJ } from '../src/isa/decode.js';

test('an exit, a signal, --max-time and a rejected ELF with one lde line are not crashes', () => {
  assert.equal(crashWhy(0, '', false), undefined);
  assert.equal(crashWhy(139, 'lde: pid 1 killed by SIGSEGV at 0x10 (pc 0x10146)\n', false), undefined);
  assert.equal(crashWhy(124, 'lde: no progress: stopped at 2.000 s of virtual time (--max-time)\n', false), undefined);
  assert.equal(crashWhy(126, 'lde: ./m: ELF for x86-64, expected RISC-V (EM_RISCV)\n', true), undefined);
  assert.equal(crashWhy(1, 'hello: my own message\nsecond line\n', true), undefined, 'a guest may write its own stderr');
});

test('status 70, internal error, a stack trace or extra stderr lines are crashes', () => {
  const debug = 'lde: internal error: Invalid typed array length: -1 (set LDE_DEBUG=1 for the stack)\n' +
    'RangeError: Invalid typed array length: -1\n    at new Uint8Array (<anonymous>)\n' +
    '    at copyIn (file:///x/dist/src/kernel/mm/uaccess.js:40:17)\n';
  assert.match(crashWhy(70, debug, false)!, /internal error/);
  assert.match(crashWhy(1, 'TypeError: x is not a function\n    at f (file:///a.js:1:2)\n', false)!, /stack trace/);
  assert.match(crashWhy(126, 'lde: bad ELF\nlde: and another line\n', true)!, /not a single lde line/);
  assert.match(crashWhy(0, 'garbage\n', false)!, /not a single lde line/);
  assert.deepEqual(stackFrames(debug), ['at new Uint8Array (<anonymous>)', 'at copyIn (file:///x/dist/src/kernel/mm/uaccess.js:40:17)']);
  assert.equal(crashSite(stackFrames(debug)), 'copyIn (file:///x/dist/src/kernel/mm/uaccess.js');
});

test('sysfuzz progress: calls made and the batch that did not report', () => {
  const out = 'junk sysfuzz: calls 0-99: exit 0\nsysfuzz: calls 100-199: signal 11 at call 150\n\u0000sysfuzz: calls 200-299: exit 0\n';
  assert.deepEqual(progress(out, 0), { made: 100 + 51 + 100, next: 300 });
  assert.deepEqual(progress('', 40), { made: 0, next: 40 });
});

test('insn: a dump difference names the register, and the stream ELF is a valid two-segment RISC-V executable', () => {
  const a = Buffer.alloc(DUMP_BYTES), b = Buffer.alloc(DUMP_BYTES);
  b.writeBigUInt64LE(0x7ff8000000000000n, 8 * (32 + 5)); // f5
  b.writeBigUInt64LE(1n, 8 * 64);                        // fcsr
  assert.equal(diff(a.toString('latin1'), b.toString('latin1')), 'f5 lde 0x0 qemu 0x7ff8000000000000, fcsr lde 0x0 qemu 0x1');
  assert.equal(diff(a.toString('latin1'), a.toString('latin1')), '');
  const elf = Buffer.from(streamElf(randomStream(1, 0, 200), initialState(1, 0)));
  assert.equal(elf.readUInt16LE(18), 243, 'EM_RISCV');
  assert.equal(elf.readUInt16LE(56), 2, 'two program headers');
  assert.equal(elf.readBigUInt64LE(24), 0x10000n, 'entry');
});

test('insn: a jump skips whole items, so it never lands inside an instruction', () => {
  const items = randomStream(3, 0, 300);
  const words = layout(items);
  const starts = new Set<number>();
  let at = 0;
  for (const w of words) { starts.add(at); at += w > 0xffff || (w & 3) === 3 ? 4 : 2; }
  starts.add(at);
  at = 0;
  for (const w of words) {
    if ((w & 0x7f) === 0x63 || (w & 0x7f) === 0x6f) {
      const off = (w & 0x7f) === 0x63 ? immB(w | 0) : immJ(w | 0);
      assert.ok(off > 0 && starts.has(at + off), `jump at +${at} by ${off} lands inside an instruction`);
    }
    at += w > 0xffff || (w & 3) === 3 ? 4 : 2;
  }
});
