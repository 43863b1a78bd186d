// The instruction table owns each instruction's properties (issue 8, "One
// source per fact"); the block builder and the interpreter derive theirs
// from it. Independent oracles checked here, for every entry:
//  - the decoder finds the entry for an instruction built from it, and the
//    disassembler (which has its own operand switch) prints its name and
//    exactly the registers the table says it reads and writes, in the right file;
//  - block enders are exactly the control transfers and the system opcodes
//    (unpriv 2.5, BRANCH/JAL/JALR; SYSTEM; fence.i), plus ILLEGAL;
//  - FP and may-trap follow the major opcode (unpriv chapter 34 listings);
//  - the rounding-mode property matches the ",dyn" operand objdump prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE, Op, Prop, Reg, PROPS } from '../src/isa/table.js';
import { lookup } from '../src/isa/decode.js';
import { disassemble } from '../src/isa/disasm.js';
import { BlockCache } from '../src/machine/blocks.js';
import { Bus } from '../src/machine/bus.js';

const defs = TABLE.filter((d) => d.op !== Op.ILLEGAL);

/** match with rd=1, rs1=2, rs2=3, rs3=4 and rm=7 wherever the mask leaves those bits free. */
function sample(d: (typeof TABLE)[number]): number {
  const fields = (1 << 7) | (7 << 12) | (2 << 15) | (3 << 20) | (4 << 27);
  return (d.match | (fields & ~d.mask)) >>> 0;
}

const NAMES: Record<string, [string, string]> = { rd: ['ra', 'ft1'], rs1: ['sp', 'ft2'], rs2: ['gp', 'ft3'], rs3: ['tp', 'ft4'] };

test('every entry: the decoder finds it, and the disassembler prints its name and exactly its registers', () => {
  const fails: string[] = [];
  for (const d of defs) {
    const inst = sample(d);
    if (lookup(inst)?.op !== d.op) { fails.push(`${d.name}: decodes to ${lookup(inst)?.name}`); continue; }
    const text = disassemble(inst, 0x80000000);
    const [name, ...ops] = text.split(/[ ,()]+/).filter((t) => t !== '');
    if (name !== d.name) fails.push(`${d.name}: disassembles as ${text}`);
    for (const field of ['rd', 'rs1', 'rs2', 'rs3'] as const) {
      const [xName, fName] = NAMES[field], file = d[field];
      const want = file === Reg.X ? [true, false] : file === Reg.F ? [false, true] : [false, false];
      const got = [ops.includes(xName), ops.includes(fName)];
      if (want[0] !== got[0] || want[1] !== got[1]) fails.push(`${d.name} ${field}: table says ${['none', 'x', 'f'][file]}, disassembly is ${text}`);
    }
  }
  assert.deepEqual(fails, []);
});

const opcode = (d: (typeof TABLE)[number]) => d.match & 0x7f;
const funct3 = (d: (typeof TABLE)[number]) => (d.match >>> 12) & 7;

test('block enders are exactly the control transfers, the SYSTEM opcode, fence.i and ILLEGAL', () => {
  for (const d of TABLE) {
    const want = d.op === Op.ILLEGAL || [0x63, 0x6f, 0x67, 0x73].includes(opcode(d)) || (opcode(d) === 0x0f && funct3(d) === 1);
    assert.equal((d.props & Prop.ENDS) !== 0, want, d.name);
  }
});

test('FP and may-trap follow the major opcode', () => {
  const FP = [0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53];
  const TRAPPING = [0x03, 0x23, 0x2f, 0x73, ...FP]; // loads, stores, AMOs, SYSTEM, F/D
  for (const d of defs) {
    assert.equal((d.props & Prop.FP) !== 0, FP.includes(opcode(d)), `${d.name}: FP`);
    assert.equal((d.props & Prop.TRAPS) !== 0, TRAPPING.includes(opcode(d)), `${d.name}: may trap`);
  }
});

test('the rounding-mode property is exactly the instructions objdump prints with an rm operand', () => {
  for (const d of defs) {
    const printsRm = /,dyn$/.test(disassemble(sample(d), 0));
    assert.equal((d.props & Prop.RM) !== 0, printsRm, d.name);
  }
});

test('PROPS is TABLE[op].props, and a decoded block ends at the first block ender', () => {
  for (const d of TABLE) assert.equal(PROPS[d.op], d.props, d.name);
  const bus = new Bus(1 << 16), cache = new BlockCache(bus);
  const ADDI = 0x00100093, BEQ = 0x00000063, CSRR = 0x34002173; // addi ra,zero,1; beq zero,zero,0; csrr sp,mscratch
  const words = [ADDI, ADDI, CSRR, ADDI, BEQ, ADDI];
  bus.load(0x80000000, new Uint8Array(Uint32Array.from(words).buffer));
  assert.equal(cache.build(0).n, 3, 'addi, addi, csrr');
  assert.equal(cache.build(12).n, 2, 'addi, beq');
});
