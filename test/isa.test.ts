// The instruction table is the one source for the decoder and disassembler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { TABLE, Op } from '../src/isa/table.js';
import { lookup, decodeInto, REC, X0_SINK } from '../src/isa/decode.js';
import { disassemble } from '../src/isa/disasm.js';
import { have } from './helpers/cli.js';

test('the table lists every Op once, in order, with consistent masks', () => {
  assert.equal(TABLE.length, Op.COUNT);
  TABLE.forEach((d, i) => {
    assert.equal(d.op, i, d.name);
    assert.equal((d.match & ~d.mask) >>> 0, 0, `${d.name}: match has bits outside mask`);
  });
  assert.equal(new Set(TABLE.map((d) => d.name)).size, TABLE.length);
});

test('every encoding decodes back to its own entry', () => {
  for (const d of TABLE.slice(1)) assert.equal(lookup(d.match)?.op, d.op, d.name);
});

test('decoded records: x0 destinations go to the sink, immediates are sign-extended', () => {
  const r = new Int32Array(REC);
  decodeInto(0xfff00013, r, 0); // addi x0, x0, -1
  assert.deepEqual([r[0], r[1], r[4], r[7]], [Op.ADDI, X0_SINK, -1, 4]);
  decodeInto(0x00000000, r, 0);
  assert.equal(r[0], Op.ILLEGAL);
  decodeInto(0x4505, r, 0); // c.li a0, 1
  assert.deepEqual([r[0], r[1], r[4], r[7]], [Op.ADDI, 20, 1, 2]);
});

test('the GNU disassembler names every table encoding the same way (oracle: objdump)', (t) => {
  if (!have('riscv64-unknown-elf-objdump')) return t.skip('riscv64-unknown-elf-objdump not installed');
  const words = TABLE.slice(1);
  const buf = Buffer.alloc(words.length * 4);
  words.forEach((d, i) => buf.writeUInt32LE(d.match, i * 4));
  const dir = mkdtempSync(tmpdir() + '/lde-isa-');
  writeFileSync(`${dir}/all.bin`, buf);
  const r = spawnSync('riscv64-unknown-elf-objdump', ['-D', '-b', 'binary', '-m', 'riscv:rv64', '-M', 'no-aliases', `${dir}/all.bin`], { encoding: 'utf8' });
  const names = [...r.stdout.matchAll(/^\s+[0-9a-f]+:\s+[0-9a-f]{8}\s+(\S+)/gm)].map((m) => m[1]);
  assert.equal(names.length, words.length);
  words.forEach((d, i) => assert.equal(names[i], d.name, `encoding 0x${d.match.toString(16)}`));
});

test('the disassembler prints operands in objdump order', () => {
  assert.equal(disassemble(0x00f00293, 0), 'addi t0,zero,15');
  assert.equal(disassemble(0x00b50533, 0), 'add a0,a0,a1');
  assert.equal(disassemble(0xfe5ff06f, 0x1000), 'jal zero,0xfe4');
  assert.equal(disassemble(0x342022f3, 0), 'csrrs t0,0x342,zero');
  assert.equal(disassemble(0x4505, 0), 'addi a0,zero,1');
  assert.equal(disassemble(0, 0), '.insn 0x0');
});
