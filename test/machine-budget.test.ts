// run(budget) must return even when no instruction ever retires: a trap
// handler at an address that cannot be fetched (or that holds an illegal
// instruction) traps again at once, forever. Each trap taken counts as one
// step of the budget (issue 8, bug 4). Oracles: the privileged spec's cause
// and xtval for the faulting fetch, and the CLI's documented --max-insns
// status (124, README "lde bare").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { Rig, CODE, DATA, RAM } from './helpers/rig.js';
import { encode, csrw, jalr, addi, jal, lui, CSR } from './helpers/asm.js';
import { runBare } from '../src/machine/bare.js';
import { LDE, ROOT } from './helpers/cli.js';

const UNMAPPED = 0x1000; // nothing on the QEMU virt map answers here

test('a fetch fault whose handler fetch faults again: run(budget) returns after budget traps', () => {
  const rig = new Rig();
  rig.hart.mtvec = BigInt(UNMAPPED);
  const before = rig.hart.steps(), instret = rig.hart.instret;
  const exit = rig.run(UNMAPPED, 1000);
  assert.equal(exit.kind, 'budget');
  assert.equal(rig.hart.instret, instret, 'no instruction retires in a fetch-fault loop');
  assert.equal(rig.hart.steps() - before, 1000, 'every trap is one step');
  // priv 3.1.15/3.1.16: instruction access fault (1); mepc and mtval are the faulting fetch address.
  assert.equal(rig.hart.csrRead(0x342), 1n);
  assert.equal(rig.hart.csrRead(0x341), BigInt(UNMAPPED));
  assert.equal(rig.hart.csrRead(0x343), BigInt(UNMAPPED));
});

test('a handler that is an illegal instruction: run(budget) returns, mcause 2 and mepc the handler', () => {
  const rig = new Rig();
  rig.hart.mtvec = BigInt(DATA); // zeroed RAM: 0x0000 is the defined illegal instruction (unpriv 16.1)
  const exit = rig.run(DATA, 500);
  assert.equal(exit.kind, 'budget');
  assert.equal(rig.hart.csrRead(0x342), 2n);
  assert.equal(rig.hart.csrRead(0x341), BigInt(DATA));
  assert.equal(rig.hart.csrRead(0x343), 0n, 'mtval = the instruction bits (0)');
});

test('code that never traps: the budget counts retired instructions only, as before', () => {
  const rig = new Rig();
  rig.put(CODE, [addi(1, 1, 1), jal(0, -4)]); // a two-instruction loop, one block per iteration
  const exit = rig.run(CODE, 1001);
  assert.equal(exit.kind, 'budget');
  // Checked at block boundaries: the run stops at the first boundary at or past the budget.
  assert.equal(rig.hart.instret, 1002);
  assert.equal(rig.hart.steps(), 1002);
  assert.equal(rig.get(1), 501n);
});

/** A minimal ELF64 RISC-V executable: one PT_LOAD of `code` at RAM, entry there. */
function elf(code: Uint8Array): Uint8Array {
  const off = 0x1000, out = new Uint8Array(off + code.length), dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 243, true); // EM_RISCV
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(RAM), true); // e_entry
  dv.setBigUint64(32, 64n, true); // e_phoff
  dv.setUint16(52, 64, true); dv.setUint16(54, 56, true); dv.setUint16(56, 1, true);
  dv.setUint32(64, 1, true); dv.setUint32(68, 5, true); // PT_LOAD, R+X
  dv.setBigUint64(72, BigInt(off), true);
  dv.setBigUint64(80, BigInt(RAM), true); dv.setBigUint64(88, BigInt(RAM), true);
  dv.setBigUint64(96, BigInt(code.length), true); dv.setBigUint64(104, BigInt(code.length), true);
  dv.setBigUint64(112, 0x1000n, true);
  out.set(code, off);
  return out;
}

// mtvec = UNMAPPED; jump there. Every fetch then faults to the same address.
const FAULT_LOOP = elf(encode([lui(5, UNMAPPED >> 12), csrw(CSR.mtvec, 5), jalr(0, 5, 0)]));

test('runBare with maxInsns stops a fault loop with outcome max-insns', () => {
  const r = runBare(FAULT_LOOP, { maxInsns: 5000 });
  assert.equal(r.outcome, 'max-insns');
  assert.equal(r.instret, 3, 'only the three set-up instructions retire');
  assert.equal(r.pc, UNMAPPED);
});

test('lde bare --max-insns N returns 124 for a fault loop', () => {
  const dir = mkdtempSync(tmpdir() + '/lde-machine-');
  writeFileSync(`${dir}/faultloop.elf`, FAULT_LOOP);
  const r = spawnSync(process.execPath, [LDE, 'bare', '--max-insns', '100000', `${dir}/faultloop.elf`],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, 'lde bare did not return (fault loop ignored --max-insns)');
  assert.equal(r.status, 124, r.stderr);
  assert.match(r.stderr, /--max-insns\) at pc 0x1000\n$/);
});
