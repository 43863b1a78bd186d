// Instruction-level tests executed on the real Hart (src/machine), one group
// per extension. Programs are encoded by test/helpers/asm.ts (itself checked
// against GNU as below), put in RAM at 0x80000000, and run with hart.run().
//
// Oracles:
//  - RV64I/M: a BigInt reference model written from the unprivileged spec
//    (chapters "RV32I/RV64I Base Integer Instruction Set" and "M"), run on
//    seeded random operands plus edge values.
//  - A: the same model for AMOs; LR/SC and misaligned rules from the "A"
//    chapter (Zalrsc/Zaamo) and priv "Exception codes".
//  - Traps: priv "Machine Trap Value Register" and "Exception codes".
//  - F/D: hand-derived IEEE 754 results (the FPU has its own golden tests in
//    test/fpu.test.ts); NaN-boxing, rm and FS rules from unpriv "F"/"D" and
//    priv "mstatus.FS".
//  - C: expected values by hand from the RVC listings (the expander has
//    exhaustive golden tests in test/rvc.test.ts).
//  - Zicntr: one instruction = one cycle, mtime = cycle / 100 (DESIGN.md "Time").

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as A from './helpers/asm.js';
import { RM, CSR } from './helpers/asm.js';
import { Rig, CODE, DATA, HANDLER, RAM, hex, prng } from './helpers/rig.js';
import { have } from './helpers/cli.js';

// ---------------------------------------------------------------------------
// The reference model (BigInt), written from the spec.
// ---------------------------------------------------------------------------

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);
const u32 = (v: bigint) => BigInt.asUintN(32, v);
/** A 32-bit result sign-extended to 64 bits (every *W instruction). */
const sx32 = (v: bigint) => u64(s32(v));
const MIN64 = -(1n << 63n);
const MIN32 = -(1n << 31n);

type Ref2 = (a: bigint, b: bigint) => bigint;

// unpriv "M" chapter, division table: x/0 → quotient all ones, remainder x;
// MIN/-1 → quotient MIN (the dividend), remainder 0.
const refDiv: Ref2 = (a, b) => (b === 0n ? M64 : s64(a) === MIN64 && s64(b) === -1n ? a : u64(s64(a) / s64(b)));
const refRem: Ref2 = (a, b) => (b === 0n ? a : s64(a) === MIN64 && s64(b) === -1n ? 0n : u64(s64(a) % s64(b)));
const refDivu: Ref2 = (a, b) => (b === 0n ? M64 : a / b);
const refRemu: Ref2 = (a, b) => (b === 0n ? a : a % b);
const refDivw: Ref2 = (a, b) => {
  const x = s32(a), y = s32(b);
  return y === 0n ? M64 : x === MIN32 && y === -1n ? sx32(x) : sx32(x / y);
};
const refRemw: Ref2 = (a, b) => {
  const x = s32(a), y = s32(b);
  return y === 0n ? sx32(x) : x === MIN32 && y === -1n ? 0n : sx32(x % y);
};
const refDivuw: Ref2 = (a, b) => (u32(b) === 0n ? M64 : sx32(u32(a) / u32(b)));
const refRemuw: Ref2 = (a, b) => (u32(b) === 0n ? sx32(u32(a)) : sx32(u32(a) % u32(b)));

type REnc = (rd: number, rs1: number, rs2: number) => number;
interface ROp { name: string; enc: REnc; ref: Ref2 }

const R_OPS: ROp[] = [
  { name: 'add', enc: A.add, ref: (a, b) => u64(a + b) },
  { name: 'sub', enc: A.sub, ref: (a, b) => u64(a - b) },
  { name: 'sll', enc: A.sll, ref: (a, b) => u64(a << (b & 63n)) },
  { name: 'slt', enc: A.slt, ref: (a, b) => (s64(a) < s64(b) ? 1n : 0n) },
  { name: 'sltu', enc: A.sltu, ref: (a, b) => (a < b ? 1n : 0n) },
  { name: 'xor', enc: A.xor, ref: (a, b) => a ^ b },
  { name: 'srl', enc: A.srl, ref: (a, b) => a >> (b & 63n) },
  { name: 'sra', enc: A.sra, ref: (a, b) => u64(s64(a) >> (b & 63n)) },
  { name: 'or', enc: A.or, ref: (a, b) => a | b },
  { name: 'and', enc: A.and, ref: (a, b) => a & b },
  { name: 'addw', enc: A.addw, ref: (a, b) => sx32(a + b) },
  { name: 'subw', enc: A.subw, ref: (a, b) => sx32(a - b) },
  { name: 'sllw', enc: A.sllw, ref: (a, b) => sx32(a << (b & 31n)) },
  { name: 'srlw', enc: A.srlw, ref: (a, b) => sx32(u32(a) >> (b & 31n)) },
  { name: 'sraw', enc: A.sraw, ref: (a, b) => sx32(s32(a) >> (b & 31n)) },
  { name: 'mul', enc: A.mul, ref: (a, b) => u64(a * b) },
  { name: 'mulh', enc: A.mulh, ref: (a, b) => u64((s64(a) * s64(b)) >> 64n) },
  { name: 'mulhsu', enc: A.mulhsu, ref: (a, b) => u64((s64(a) * b) >> 64n) },
  { name: 'mulhu', enc: A.mulhu, ref: (a, b) => (a * b) >> 64n },
  { name: 'div', enc: A.div, ref: refDiv },
  { name: 'divu', enc: A.divu, ref: refDivu },
  { name: 'rem', enc: A.rem, ref: refRem },
  { name: 'remu', enc: A.remu, ref: refRemu },
  { name: 'mulw', enc: A.mulw, ref: (a, b) => sx32(a * b) },
  { name: 'divw', enc: A.divw, ref: refDivw },
  { name: 'divuw', enc: A.divuw, ref: refDivuw },
  { name: 'remw', enc: A.remw, ref: refRemw },
  { name: 'remuw', enc: A.remuw, ref: refRemuw },
];

type IEnc = (rd: number, rs1: number, imm: number) => number;
interface IOp { name: string; enc: IEnc; ref: (a: bigint, imm: number) => bigint; imms: 'imm12' | 'sh6' | 'sh5' }

const I_OPS: IOp[] = [
  { name: 'addi', enc: A.addi, imms: 'imm12', ref: (a, k) => u64(a + BigInt(k)) },
  { name: 'slti', enc: A.slti, imms: 'imm12', ref: (a, k) => (s64(a) < BigInt(k) ? 1n : 0n) },
  { name: 'sltiu', enc: A.sltiu, imms: 'imm12', ref: (a, k) => (a < u64(BigInt(k)) ? 1n : 0n) },
  { name: 'xori', enc: A.xori, imms: 'imm12', ref: (a, k) => a ^ u64(BigInt(k)) },
  { name: 'ori', enc: A.ori, imms: 'imm12', ref: (a, k) => a | u64(BigInt(k)) },
  { name: 'andi', enc: A.andi, imms: 'imm12', ref: (a, k) => a & u64(BigInt(k)) },
  { name: 'slli', enc: A.slli, imms: 'sh6', ref: (a, k) => u64(a << BigInt(k)) },
  { name: 'srli', enc: A.srli, imms: 'sh6', ref: (a, k) => a >> BigInt(k) },
  { name: 'srai', enc: A.srai, imms: 'sh6', ref: (a, k) => u64(s64(a) >> BigInt(k)) },
  { name: 'addiw', enc: A.addiw, imms: 'imm12', ref: (a, k) => sx32(a + BigInt(k)) },
  { name: 'slliw', enc: A.slliw, imms: 'sh5', ref: (a, k) => sx32(a << BigInt(k)) },
  { name: 'srliw', enc: A.srliw, imms: 'sh5', ref: (a, k) => sx32(u32(a) >> BigInt(k)) },
  { name: 'sraiw', enc: A.sraiw, imms: 'sh5', ref: (a, k) => sx32(s32(a) >> BigInt(k)) },
];

// Edge values (as unsigned 64-bit). The 2^52 neighbourhood is where the
// interpreter's divide switches between double and BigInt arithmetic.
const EDGE: bigint[] = [...new Set([
  0n, 1n, 2n, 3n, 5n, 7n, 31n, 32n, 33n, 63n, 64n, 65n, -1n, -2n, -3n, -7n,
  0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn, 0xfffffffen, 0x100000000n, 0x100000001n, 0x7fffffff_ffffffffn,
  MIN64, MIN64 + 1n, 0xffffffff_00000000n, 0xffffffff_80000000n, 0x00000000_80000001n, 0x55555555_55555555n,
  0xaaaaaaaa_aaaaaaaan, 0x12345678n, -0x12345678n, (1n << 52n) - 1n, 1n << 52n, (1n << 52n) + 1n, (1n << 53n) + 1n,
  -(1n << 52n), -(1n << 52n) - 1n, 0xfff00000_00000000n, 0xffefffff_ffffffffn, 0x000fffff_00000000n, 0x00100000_00000000n,
].map(u64))];

/** Random 64-bit operands that stress carries, sign bits and the 32/52-bit boundaries. */
function operandGen(seed: number): () => bigint {
  const rnd = prng(seed);
  const r64 = () => (BigInt(rnd()) << 32n) | BigInt(rnd());
  return () => {
    switch (rnd() % 8) {
      case 0: return r64();
      case 1: return sx32(BigInt(rnd()));
      case 2: return BigInt(rnd());
      case 3: return u64(BigInt((rnd() % 4096) - 2048));
      case 4: return u64(EDGE[rnd() % EDGE.length] + BigInt((rnd() % 9) - 4));
      case 5: { const bits = BigInt(1 + (rnd() % 64)); const v = r64() & ((1n << bits) - 1n); return rnd() & 1 ? u64(-v) : v; }
      case 6: return u64(BigInt.asIntN(53, r64()));
      default: return EDGE[rnd() % EDGE.length];
    }
  };
}

function pairs(seed: number, random: number): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  for (const a of EDGE) for (const b of EDGE) out.push([a, b]);
  const gen = operandGen(seed);
  for (let k = 0; k < random; k++) out.push([gen(), gen()]);
  return out;
}

/** Fails with the first mismatches (and their count) when `fails` is non-empty. */
function noFails(fails: string[], what: string): void {
  assert.deepEqual(fails.slice(0, 12), [], `${fails.length} ${what} mismatches`);
}

/** Asserts the hart took an exception: handler reached with mcause, mtval and mepc as given. */
function assertTrap(rig: Rig, cause: number, tval: bigint | number, epc: bigint | number, what: string): void {
  assert.equal(rig.hart.pc, HANDLER, `${what}: pc should be at the handler, is ${hex(rig.hart.pc)}`);
  assert.equal(rig.hart.mcause, BigInt(cause), `${what}: mcause`);
  assert.equal(rig.hart.mtval, u64(BigInt(tval)), `${what}: mtval`);
  assert.equal(rig.hart.mepc, u64(BigInt(epc)), `${what}: mepc`);
}

// ---------------------------------------------------------------------------
// The encoder against GNU as.
// ---------------------------------------------------------------------------

const ASM_CHECKS: Array<[string, number]> = [
  ['add x3, x1, x2', A.add(3, 1, 2)], ['sub x31, x30, x29', A.sub(31, 30, 29)], ['sll x5, x6, x7', A.sll(5, 6, 7)],
  ['slt x8, x9, x10', A.slt(8, 9, 10)], ['sltu x11, x12, x13', A.sltu(11, 12, 13)], ['xor x14, x15, x16', A.xor(14, 15, 16)],
  ['srl x17, x18, x19', A.srl(17, 18, 19)], ['sra x20, x21, x22', A.sra(20, 21, 22)], ['or x23, x24, x25', A.or(23, 24, 25)],
  ['and x26, x27, x28', A.and(26, 27, 28)], ['addw x1, x2, x3', A.addw(1, 2, 3)], ['subw x4, x5, x6', A.subw(4, 5, 6)],
  ['sllw x7, x8, x9', A.sllw(7, 8, 9)], ['srlw x10, x11, x12', A.srlw(10, 11, 12)], ['sraw x13, x14, x15', A.sraw(13, 14, 15)],
  ['mul x1, x2, x3', A.mul(1, 2, 3)], ['mulh x4, x5, x6', A.mulh(4, 5, 6)], ['mulhsu x7, x8, x9', A.mulhsu(7, 8, 9)],
  ['mulhu x10, x11, x12', A.mulhu(10, 11, 12)], ['div x13, x14, x15', A.div(13, 14, 15)], ['divu x16, x17, x18', A.divu(16, 17, 18)],
  ['rem x19, x20, x21', A.rem(19, 20, 21)], ['remu x22, x23, x24', A.remu(22, 23, 24)], ['mulw x25, x26, x27', A.mulw(25, 26, 27)],
  ['divw x28, x29, x30', A.divw(28, 29, 30)], ['divuw x31, x1, x2', A.divuw(31, 1, 2)], ['remw x3, x4, x5', A.remw(3, 4, 5)],
  ['remuw x6, x7, x8', A.remuw(6, 7, 8)],
  ['addi x5, x6, -2048', A.addi(5, 6, -2048)], ['slti x7, x8, 2047', A.slti(7, 8, 2047)], ['sltiu x9, x10, -1', A.sltiu(9, 10, -1)],
  ['xori x11, x12, -1', A.xori(11, 12, -1)], ['ori x13, x14, 0x555', A.ori(13, 14, 0x555)], ['andi x15, x16, -16', A.andi(15, 16, -16)],
  ['slli x1, x2, 63', A.slli(1, 2, 63)], ['srli x3, x4, 32', A.srli(3, 4, 32)], ['srai x5, x6, 1', A.srai(5, 6, 1)],
  ['srai x5, x6, 63', A.srai(5, 6, 63)], ['addiw x7, x8, -1', A.addiw(7, 8, -1)], ['slliw x9, x10, 31', A.slliw(9, 10, 31)],
  ['srliw x11, x12, 0', A.srliw(11, 12, 0)], ['sraiw x13, x14, 17', A.sraiw(13, 14, 17)],
  ['lui x5, 0xfffff', A.lui(5, 0xfffff)], ['lui x6, 0x80000', A.lui(6, 0x80000)], ['auipc x7, 0x12345', A.auipc(7, 0x12345)],
  ['jal x1, . + 2048', A.jal(1, 2048)], ['jal x0, . - 1048576', A.jal(0, -1048576)], ['jal x5, . + 1048574', A.jal(5, 1048574)],
  ['jalr x1, -1(x2)', A.jalr(1, 2, -1)], ['jalr x0, 2047(x31)', A.jalr(0, 31, 2047)],
  ['beq x1, x2, . - 4096', A.beq(1, 2, -4096)], ['bne x3, x4, . + 4094', A.bne(3, 4, 4094)], ['blt x5, x6, . + 8', A.blt(5, 6, 8)],
  ['bge x7, x8, . - 2', A.bge(7, 8, -2)], ['bltu x9, x10, . + 2048', A.bltu(9, 10, 2048)], ['bgeu x11, x12, . + 0', A.bgeu(11, 12, 0)],
  ['lb x1, -2048(x2)', A.lb(1, 2, -2048)], ['lh x3, 2047(x4)', A.lh(3, 4, 2047)], ['lw x5, 0(x6)', A.lw(5, 6, 0)],
  ['ld x7, -8(x8)', A.ld(7, 8, -8)], ['lbu x9, 1(x10)', A.lbu(9, 10, 1)], ['lhu x11, 2(x12)', A.lhu(11, 12, 2)],
  ['lwu x13, 4(x14)', A.lwu(13, 14, 4)], ['sb x1, -2048(x2)', A.sb(1, 2, -2048)], ['sh x3, 2047(x4)', A.sh(3, 4, 2047)],
  ['sw x5, -1(x6)', A.sw(5, 6, -1)], ['sd x7, 1000(x8)', A.sd(7, 8, 1000)],
  ['fence', A.fence()], ['fence.i', A.fence_i()], ['ecall', A.ecall()], ['ebreak', A.ebreak()], ['mret', A.mret()],
  ['wfi', A.wfi()], ['nop', A.nop()],
  ['csrrw x1, 0x300, x2', A.csrrw(1, 0x300, 2)], ['csrrs x3, 0x001, x4', A.csrrs(3, 0x001, 4)],
  ['csrrc x5, 0xfff, x6', A.csrrc(5, 0xfff, 6)], ['csrrwi x7, 0x305, 31', A.csrrwi(7, 0x305, 31)],
  ['csrrsi x8, 0x002, 1', A.csrrsi(8, 0x002, 1)], ['csrrci x9, 0x003, 16', A.csrrci(9, 0x003, 16)],
  ['rdcycle x10', A.rdcycle(10)], ['rdtime x11', A.rdtime(11)], ['rdinstret x12', A.rdinstret(12)],
  ['csrr x13, mstatus', A.csrr(13, CSR.mstatus)], ['csrw mtvec, x14', A.csrw(CSR.mtvec, 14)],
  ['csrs mstatus, x15', A.csrs(CSR.mstatus, 15)], ['csrc mstatus, x16', A.csrc(CSR.mstatus, 16)], ['csrwi frm, 5', A.csrwi(CSR.frm, 5)],
  ['lr.w x1, (x2)', A.lr_w(1, 2)], ['lr.d.aq x3, (x4)', A.lr_d(3, 4, 1, 0)], ['lr.w.aqrl x5, (x6)', A.lr_w(5, 6, 1, 1)],
  ['sc.w x7, x8, (x9)', A.sc_w(7, 8, 9)], ['sc.d.rl x10, x11, (x12)', A.sc_d(10, 11, 12, 0, 1)],
  ['amoswap.w x1, x2, (x3)', A.amoswap_w(1, 2, 3)], ['amoadd.w.aq x4, x5, (x6)', A.amoadd_w(4, 5, 6, 1)],
  ['amoxor.w.rl x7, x8, (x9)', A.amoxor_w(7, 8, 9, 0, 1)], ['amoand.w.aqrl x10, x11, (x12)', A.amoand_w(10, 11, 12, 1, 1)],
  ['amoor.w x13, x14, (x15)', A.amoor_w(13, 14, 15)], ['amomin.w x16, x17, (x18)', A.amomin_w(16, 17, 18)],
  ['amomax.w x19, x20, (x21)', A.amomax_w(19, 20, 21)], ['amominu.w x22, x23, (x24)', A.amominu_w(22, 23, 24)],
  ['amomaxu.w x25, x26, (x27)', A.amomaxu_w(25, 26, 27)], ['amoswap.d x28, x29, (x30)', A.amoswap_d(28, 29, 30)],
  ['amoadd.d x31, x1, (x2)', A.amoadd_d(31, 1, 2)], ['amoxor.d x3, x4, (x5)', A.amoxor_d(3, 4, 5)],
  ['amoand.d x6, x7, (x8)', A.amoand_d(6, 7, 8)], ['amoor.d.aq x9, x10, (x11)', A.amoor_d(9, 10, 11, 1)],
  ['amomin.d x12, x13, (x14)', A.amomin_d(12, 13, 14)], ['amomax.d x15, x16, (x17)', A.amomax_d(15, 16, 17)],
  ['amominu.d x18, x19, (x20)', A.amominu_d(18, 19, 20)], ['amomaxu.d.aqrl x21, x22, (x23)', A.amomaxu_d(21, 22, 23, 1, 1)],
  ['flw f1, -8(x2)', A.flw(1, 2, -8)], ['fld f3, 2047(x4)', A.fld(3, 4, 2047)], ['fsw f5, 12(x6)', A.fsw(5, 6, 12)],
  ['fsd f7, -2048(x8)', A.fsd(7, 8, -2048)],
  ['fadd.s f1, f2, f3, rne', A.fadd_s(1, 2, 3, RM.RNE)], ['fsub.s f4, f5, f6, rtz', A.fsub_s(4, 5, 6, RM.RTZ)],
  ['fmul.s f7, f8, f9, rdn', A.fmul_s(7, 8, 9, RM.RDN)], ['fdiv.s f10, f11, f12, rup', A.fdiv_s(10, 11, 12, RM.RUP)],
  ['fadd.d f13, f14, f15, rmm', A.fadd_d(13, 14, 15, RM.RMM)], ['fsub.d f16, f17, f18', A.fsub_d(16, 17, 18)],
  ['fmul.d f19, f20, f21, dyn', A.fmul_d(19, 20, 21, RM.DYN)], ['fdiv.d f22, f23, f24, rtz', A.fdiv_d(22, 23, 24, RM.RTZ)],
  ['fsqrt.s f25, f26, rne', A.fsqrt_s(25, 26, RM.RNE)], ['fsqrt.d f27, f28', A.fsqrt_d(27, 28)],
  ['fsgnj.s f1, f2, f3', A.fsgnj_s(1, 2, 3)], ['fsgnjn.s f4, f5, f6', A.fsgnjn_s(4, 5, 6)],
  ['fsgnjx.s f7, f8, f9', A.fsgnjx_s(7, 8, 9)], ['fsgnj.d f10, f11, f12', A.fsgnj_d(10, 11, 12)],
  ['fsgnjn.d f13, f14, f15', A.fsgnjn_d(13, 14, 15)], ['fsgnjx.d f16, f17, f18', A.fsgnjx_d(16, 17, 18)],
  ['fmin.s f1, f2, f3', A.fmin_s(1, 2, 3)], ['fmax.s f4, f5, f6', A.fmax_s(4, 5, 6)],
  ['fmin.d f7, f8, f9', A.fmin_d(7, 8, 9)], ['fmax.d f10, f11, f12', A.fmax_d(10, 11, 12)],
  ['feq.s x1, f2, f3', A.feq_s(1, 2, 3)], ['flt.s x4, f5, f6', A.flt_s(4, 5, 6)], ['fle.s x7, f8, f9', A.fle_s(7, 8, 9)],
  ['feq.d x10, f11, f12', A.feq_d(10, 11, 12)], ['flt.d x13, f14, f15', A.flt_d(13, 14, 15)],
  ['fle.d x16, f17, f18', A.fle_d(16, 17, 18)],
  ['fmv.x.w x1, f2', A.fmv_x_w(1, 2)], ['fmv.x.d x3, f4', A.fmv_x_d(3, 4)], ['fmv.w.x f5, x6', A.fmv_w_x(5, 6)],
  ['fmv.d.x f7, x8', A.fmv_d_x(7, 8)], ['fclass.s x9, f10', A.fclass_s(9, 10)], ['fclass.d x11, f12', A.fclass_d(11, 12)],
  ['fcvt.w.d x1, f2, rtz', A.fcvt_w_d(1, 2, RM.RTZ)], ['fcvt.wu.d x3, f4, rdn', A.fcvt_wu_d(3, 4, RM.RDN)],
  ['fcvt.l.d x5, f6, rup', A.fcvt_l_d(5, 6, RM.RUP)], ['fcvt.lu.d x7, f8, rmm', A.fcvt_lu_d(7, 8, RM.RMM)],
  ['fcvt.w.s x9, f10, rne', A.fcvt_w_s(9, 10, RM.RNE)], ['fcvt.l.s x11, f12', A.fcvt_l_s(11, 12)],
  ['fcvt.d.w f13, x14', A.fcvt_d_w(13, 14, 0)], ['fcvt.d.l f15, x16, rtz', A.fcvt_d_l(15, 16, RM.RTZ)],
  ['fcvt.s.w f17, x18, rup', A.fcvt_s_w(17, 18, RM.RUP)], ['fcvt.s.l f19, x20', A.fcvt_s_l(19, 20)],
  ['fcvt.s.d f21, f22, rdn', A.fcvt_s_d(21, 22, RM.RDN)], ['fcvt.d.s f23, f24', A.fcvt_d_s(23, 24, 0)],
  ['fmadd.s f1, f2, f3, f4, rne', A.fmadd_s(1, 2, 3, 4, RM.RNE)], ['fmsub.s f5, f6, f7, f8', A.fmsub_s(5, 6, 7, 8)],
  ['fnmsub.s f9, f10, f11, f12, rtz', A.fnmsub_s(9, 10, 11, 12, RM.RTZ)],
  ['fnmadd.s f13, f14, f15, f16, rup', A.fnmadd_s(13, 14, 15, 16, RM.RUP)],
  ['fmadd.d f17, f18, f19, f20, rmm', A.fmadd_d(17, 18, 19, 20, RM.RMM)], ['fmsub.d f21, f22, f23, f24', A.fmsub_d(21, 22, 23, 24)],
  ['fnmsub.d f25, f26, f27, f28, rdn', A.fnmsub_d(25, 26, 27, 28, RM.RDN)],
  ['fnmadd.d f29, f30, f31, f0, rne', A.fnmadd_d(29, 30, 31, 0, RM.RNE)],
];

const ASM_CHECKS_C: Array<[string, number]> = [
  ['c.addi4spn x8, x2, 1020', A.c_addi4spn(8, 1020)], ['c.addi4spn x15, x2, 4', A.c_addi4spn(15, 4)],
  ['c.addi4spn x9, x2, 520', A.c_addi4spn(9, 520)],
  ['c.fld f8, 248(x9)', A.c_fld(8, 9, 248)], ['c.lw x10, 124(x11)', A.c_lw(10, 11, 124)], ['c.lw x12, 64(x13)', A.c_lw(12, 13, 64)],
  ['c.ld x14, 8(x15)', A.c_ld(14, 15, 8)], ['c.fsd f9, 16(x8)', A.c_fsd(9, 8, 16)], ['c.sw x11, 4(x12)', A.c_sw(11, 12, 4)],
  ['c.sd x13, 192(x14)', A.c_sd(13, 14, 192)],
  ['c.nop', A.c_nop()], ['c.addi x10, -32', A.c_addi(10, -32)], ['c.addi x31, 31', A.c_addi(31, 31)],
  ['c.addiw x11, 1', A.c_addiw(11, 1)], ['c.addiw x5, -1', A.c_addiw(5, -1)], ['c.li x12, -1', A.c_li(12, -1)],
  ['c.li x1, 17', A.c_li(1, 17)], ['c.lui x13, 0xfffff', A.c_lui(13, -1)], ['c.lui x14, 0xfffe0', A.c_lui(14, -32)],
  ['c.lui x3, 31', A.c_lui(3, 31)], ['c.addi16sp x2, -512', A.c_addi16sp(-512)], ['c.addi16sp x2, 496', A.c_addi16sp(496)],
  ['c.addi16sp x2, 16', A.c_addi16sp(16)], ['c.addi16sp x2, 32', A.c_addi16sp(32)], ['c.addi16sp x2, 64', A.c_addi16sp(64)],
  ['c.addi16sp x2, 128', A.c_addi16sp(128)], ['c.addi16sp x2, 256', A.c_addi16sp(256)],
  ['c.srli x9, 63', A.c_srli(9, 63)], ['c.srli x8, 1', A.c_srli(8, 1)], ['c.srai x10, 32', A.c_srai(10, 32)],
  ['c.andi x11, -16', A.c_andi(11, -16)], ['c.andi x15, 31', A.c_andi(15, 31)],
  ['c.sub x8, x9', A.c_sub(8, 9)], ['c.xor x10, x11', A.c_xor(10, 11)], ['c.or x12, x13', A.c_or(12, 13)],
  ['c.and x14, x15', A.c_and(14, 15)], ['c.subw x8, x15', A.c_subw(8, 15)], ['c.addw x9, x10', A.c_addw(9, 10)],
  ['c.j . + 2046', A.c_j(2046)], ['c.j . - 2048', A.c_j(-2048)], ['c.j . + 0x2a4', A.c_j(0x2a4)], ['c.j . - 0x55c', A.c_j(-0x55c)],
  ['c.beqz x8, . - 256', A.c_beqz(8, -256)], ['c.bnez x15, . + 254', A.c_bnez(15, 254)], ['c.beqz x9, . + 0x56', A.c_beqz(9, 0x56)],
  ['c.bnez x10, . - 0xaa', A.c_bnez(10, -0xaa)],
  ['c.slli x5, 63', A.c_slli(5, 63)], ['c.slli x31, 1', A.c_slli(31, 1)],
  ['c.fldsp f5, 504(x2)', A.c_fldsp(5, 504)], ['c.lwsp x5, 252(x2)', A.c_lwsp(5, 252)], ['c.lwsp x6, 0x44(x2)', A.c_lwsp(6, 0x44)],
  ['c.ldsp x7, 504(x2)', A.c_ldsp(7, 504)], ['c.ldsp x8, 0x48(x2)', A.c_ldsp(8, 0x48)],
  ['c.jr x5', A.c_jr(5)], ['c.mv x5, x6', A.c_mv(5, 6)], ['c.ebreak', A.c_ebreak()], ['c.jalr x7', A.c_jalr(7)],
  ['c.add x8, x9', A.c_add(8, 9)], ['c.fsdsp f6, 504(x2)', A.c_fsdsp(6, 504)], ['c.swsp x6, 252(x2)', A.c_swsp(6, 252)],
  ['c.swsp x7, 0x44(x2)', A.c_swsp(7, 0x44)], ['c.sdsp x7, 504(x2)', A.c_sdsp(7, 504)], ['c.sdsp x8, 0x48(x2)', A.c_sdsp(8, 0x48)],
];

describe('encoder (test/helpers/asm.ts)', () => {
  test('hand-checked words from the spec', () => {
    assert.equal(A.addi(0, 0, 0), 0x00000013);
    assert.equal(A.ecall(), 0x00000073);
    assert.equal(A.jal(0, 0), 0x0000006f);
    assert.equal(A.add(3, 1, 2), 0x002081b3);
    assert.equal(A.lui(1, 0x80000), 0x800000b7);
    assert.equal(A.c_nop(), 0x0001);
    assert.equal(A.c_li(10, -1), 0x557d);
    assert.deepEqual([...A.encode([A.c_nop(), A.nop()])], [0x01, 0x00, 0x13, 0x00, 0x00, 0x00]);
    assert.throws(() => A.addi(1, 1, 2048), RangeError);
    assert.throws(() => A.c_lw(1, 8, 0), RangeError);
  });

  test('every helper agrees with GNU as (oracle: riscv64-unknown-elf-as)', (t) => {
    const tools = ['riscv64-unknown-elf-as', 'riscv64-unknown-elf-ld', 'riscv64-unknown-elf-objcopy'];
    if (!have(...tools)) return t.skip(`${tools.join(', ')} not on PATH; encoder not cross-checked`);
    const dir = mkdtempSync(join(tmpdir(), 'lde-insn-'));
    try {
      const src = ['.option norelax', '.option norvc', ...ASM_CHECKS.map(([s]) => s), '.option rvc',
        ...ASM_CHECKS_C.map(([s]) => s), ''].join('\n');
      writeFileSync(join(dir, 'a.s'), src);
      const run = (cmd: string, args: string[]) => {
        const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, `${cmd} failed:\n${r.stderr}`);
      };
      run(tools[0], ['-march=rv64gc', '-o', 'a.o', 'a.s']);
      run(tools[1], ['--no-relax', '-Ttext=0', '-e', '0', '-o', 'a.elf', 'a.o']);
      run(tools[2], ['-O', 'binary', '-j', '.text', 'a.elf', 'a.bin']);
      const got = readFileSync(join(dir, 'a.bin'));
      const all = [...ASM_CHECKS, ...ASM_CHECKS_C];
      const want = A.encode(all.map(([, w]) => w));
      assert.equal(got.length, want.length, 'assembled length differs (a compressed/uncompressed mix-up)');
      const bad: string[] = [];
      let at = 0;
      for (const [text, w] of all) {
        const len = A.lengthOf(w);
        const gas = len === 4 ? got.readUInt32LE(at) : got.readUInt16LE(at);
        if (gas !== w) bad.push(`${text}: encoder ${w.toString(16)}, as ${gas.toString(16)}`);
        at += len;
      }
      noFails(bad, 'encoder vs as');
      t.diagnostic(`${all.length} encodings checked against GNU as`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------
// RV64I and M: ALU operations against the reference model.
// ---------------------------------------------------------------------------

describe('RV64I/M arithmetic against the BigInt reference', () => {
  test('every R-type ALU, W and M op on edge x edge and random operands', (t) => {
    const rig = new Rig();
    const fails: string[] = [];
    let n = 0;
    R_OPS.forEach((op, k) => {
      const at = CODE + k * 64;
      const end = rig.prog(at, [op.enc(3, 1, 2)]);
      for (const [a, b] of pairs(1000 + k, 3000)) {
        rig.set(1, a); rig.set(2, b); rig.set(3, 0xdeadbeefn);
        rig.run(at, 2);
        n++;
        const want = op.ref(a, b), got = rig.get(3);
        if (rig.hart.pc !== end) fails.push(`${op.name} ${hex(a)}, ${hex(b)}: trapped to ${hex(rig.hart.pc)}`);
        else if (got !== want) fails.push(`${op.name} ${hex(a)}, ${hex(b)}: want ${hex(want)} got ${hex(got)}`);
        else if (rig.get(1) !== a || rig.get(2) !== b) fails.push(`${op.name}: a source register changed`);
      }
    });
    noFails(fails, 'R-type');
    t.diagnostic(`${n} R-type cases`);
  });

  test('R-type ops with aliased registers (rd = rs1, rd = rs2, rs1 = rs2) and high register numbers', (t) => {
    const rig = new Rig();
    const fails: string[] = [];
    let n = 0;
    const gen = operandGen(77);
    R_OPS.forEach((op, k) => {
      const base = CODE + k * 256;
      // [insn, rd, rs1, rs2]
      const forms: Array<[number, number, number, number]> = [
        [op.enc(1, 1, 2), 1, 1, 2], [op.enc(2, 1, 2), 2, 1, 2], [op.enc(5, 6, 6), 5, 6, 6], [op.enc(31, 30, 29), 31, 30, 29],
        [op.enc(7, 7, 7), 7, 7, 7],
      ];
      forms.forEach(([insn, rd, rs1, rs2], f) => {
        const at = base + f * 16;
        const end = rig.prog(at, [insn]);
        for (let c = 0; c < 60; c++) {
          const a = gen(), b = rs1 === rs2 ? a : gen();
          rig.set(rs1, a); rig.set(rs2, b);
          rig.run(at, 2);
          n++;
          const want = op.ref(a, b), got = rig.get(rd);
          if (rig.hart.pc !== end || got !== want) {
            fails.push(`${op.name} x${rd}, x${rs1}, x${rs2} (${hex(a)}, ${hex(b)}): want ${hex(want)} got ${hex(got)}`);
          }
        }
      });
    });
    noFails(fails, 'aliased R-type');
    t.diagnostic(`${n} aliased cases`);
  });

  test('every I-type ALU op: all shift amounts, edge and random immediates', (t) => {
    const rig = new Rig();
    const fails: string[] = [];
    const rnd = prng(4242);
    let n = 0, slot = 0;
    for (const op of I_OPS) {
      let imms: number[];
      if (op.imms === 'sh6') imms = Array.from({ length: 64 }, (_, k) => k);
      else if (op.imms === 'sh5') imms = Array.from({ length: 32 }, (_, k) => k);
      else {
        imms = [0, 1, -1, 2, -2, 31, 32, 63, 2047, -2048, 0x555, -0x556, 0x7f0, -0x800 + 1];
        for (let k = 0; k < 40; k++) imms.push((rnd() % 4096) - 2048);
      }
      const gen = operandGen(500 + slot);
      for (const imm of imms) {
        const at = CODE + (slot++ % 4096) * 16;
        const end = rig.prog(at, [op.enc(3, 1, imm)]);
        const operands = [...EDGE];
        for (let k = 0; k < 60; k++) operands.push(gen());
        for (const a of operands) {
          rig.set(1, a); rig.set(3, 0x5a5a5a5an);
          rig.run(at, 2);
          n++;
          const want = op.ref(a, imm), got = rig.get(3);
          if (rig.hart.pc !== end) fails.push(`${op.name} ${hex(a)}, ${imm}: trapped`);
          else if (got !== want) fails.push(`${op.name} ${hex(a)}, ${imm}: want ${hex(want)} got ${hex(got)}`);
        }
      }
    }
    noFails(fails, 'I-type');
    t.diagnostic(`${n} I-type cases`);
  });

  test('shifts by 0, 31, 32, 63; W shifts ignore bit 5 of rs2; every W result is sign-extended from bit 31', () => {
    const rig = new Rig();
    const v = 0x80000001_80000001n;
    const check = (insn: number, a: bigint, b: bigint, want: bigint, what: string) => {
      const end = rig.prog(CODE, [insn]);
      rig.set(1, a); rig.set(2, b);
      rig.run(CODE, 2);
      assert.equal(rig.hart.pc, end, `${what}: trapped`);
      assert.equal(hex(rig.get(3)), hex(want), what);
    };
    check(A.sll(3, 1, 2), v, 0n, v, 'sll by 0');
    check(A.sll(3, 1, 2), v, 31n, 0xc0000000_80000000n, 'sll by 31');
    check(A.sll(3, 1, 2), v, 32n, 0x80000001_00000000n, 'sll by 32');
    check(A.sll(3, 1, 2), v, 63n, 0x80000000_00000000n, 'sll by 63');
    check(A.sll(3, 1, 2), v, 64n + 32n, 0x80000001_00000000n, 'sll uses rs2[5:0] only');
    check(A.srl(3, 1, 2), v, 63n, 1n, 'srl by 63');
    check(A.srl(3, 1, 2), v, 32n, 0x80000001n, 'srl by 32');
    check(A.sra(3, 1, 2), v, 63n, M64, 'sra by 63');
    check(A.sra(3, 1, 2), v, 31n, 0xffffffff_00000003n, 'sra by 31');
    check(A.sra(3, 1, 2), v, 32n, 0xffffffff_80000001n, 'sra by 32');
    check(A.sllw(3, 1, 2), 1n, 31n, 0xffffffff_80000000n, 'sllw by 31 sign-extends bit 31');
    check(A.sllw(3, 1, 2), 3n, 32n, 3n, 'sllw by 32 is a shift by 0 (rs2[5] ignored)');
    check(A.sllw(3, 1, 2), 3n, 33n, 6n, 'sllw by 33 is a shift by 1');
    check(A.srlw(3, 1, 2), 0xffffffff_80000000n, 0n, 0xffffffff_80000000n, 'srlw by 0 sign-extends bit 31');
    check(A.srlw(3, 1, 2), 0x12345678_80000000n, 63n, 1n, 'srlw by 63 = by 31');
    check(A.srlw(3, 1, 2), 0x00000000_80000000n, 32n, 0xffffffff_80000000n, 'srlw by 32 = by 0, sign-extended');
    check(A.sraw(3, 1, 2), 0x00000000_80000000n, 31n, M64, 'sraw by 31 reads bit 31 as the sign');
    check(A.sraw(3, 1, 2), 0x00000001_40000000n, 33n, 0x20000000n, 'sraw ignores the upper word and rs2[5]');
    check(A.slliw(3, 1, 31), 1n, 0n, 0xffffffff_80000000n, 'slliw 31');
    check(A.srliw(3, 1, 0), 0x00000000_80000000n, 0n, 0xffffffff_80000000n, 'srliw 0 sign-extends');
    check(A.sraiw(3, 1, 0), 0xffffffff_7fffffffn, 0n, 0x7fffffffn, 'sraiw 0 of a value with bit 31 clear');
    check(A.slli(3, 1, 63), 1n, 0n, MIN64 & M64, 'slli 63');
    check(A.srai(3, 1, 63), MIN64 & M64, 0n, M64, 'srai 63');
    check(A.srli(3, 1, 0), v, 0n, v, 'srli 0');
    check(A.addw(3, 1, 2), 0x7fffffffn, 1n, 0xffffffff_80000000n, 'addw overflow sign-extends');
    check(A.addiw(3, 1, 0), 0x12345678_87654321n, 0n, 0xffffffff_87654321n, 'addiw 0 = sext.w');
    check(A.subw(3, 1, 2), 0n, 0x80000000n, 0xffffffff_80000000n, 'subw');
    check(A.mulw(3, 1, 2), 0x10000n, 0x8000n, 0xffffffff_80000000n, 'mulw sign-extends');
    check(A.divuw(3, 1, 2), 0xffffffff_fffffffen, 1n, M64 - 1n, 'divuw of 0xfffffffe sign-extends');
    check(A.remuw(3, 1, 2), 0x80000000n, 0n, 0xffffffff_80000000n, 'remuw by 0 = dividend, sign-extended');
    check(A.divw(3, 1, 2), 0x80000000n, M64, 0xffffffff_80000000n, 'divw overflow');
    check(A.remw(3, 1, 2), 0x80000000n, M64, 0n, 'remw overflow');
  });

  test('division by zero and signed overflow (unpriv "M" division table)', () => {
    const rig = new Rig();
    const cases: Array<[string, REnc, bigint, bigint, bigint]> = [
      ['div x/0', A.div, 12345n, 0n, M64], ['divu x/0', A.divu, 12345n, 0n, M64],
      ['rem x/0', A.rem, u64(-12345n), 0n, u64(-12345n)], ['remu x/0', A.remu, M64 - 5n, 0n, M64 - 5n],
      ['divw x/0', A.divw, 7n, 0xffffffff_00000000n, M64], ['divuw x/0', A.divuw, 7n, 0x5_00000000n, M64],
      ['remw x/0', A.remw, 0x1_fffffff9n, 0n, u64(-7n)], ['remuw x/0', A.remuw, 0x1_00000007n, 0n, 7n],
      ['div overflow', A.div, MIN64 & M64, M64, MIN64 & M64], ['rem overflow', A.rem, MIN64 & M64, M64, 0n],
      ['divw overflow', A.divw, 0x80000000n, 0xffffffffn, 0xffffffff_80000000n], ['remw overflow', A.remw, 0x80000000n, M64, 0n],
      ['div rounds toward zero', A.div, u64(-7n), 2n, u64(-3n)], ['rem has the sign of the dividend', A.rem, u64(-7n), 2n, u64(-1n)],
      ['rem with a negative divisor', A.rem, 7n, u64(-2n), 1n],
    ];
    for (const [what, enc, a, b, want] of cases) {
      const end = rig.prog(CODE, [enc(3, 1, 2)]);
      rig.set(1, a); rig.set(2, b);
      rig.run(CODE, 2);
      assert.equal(rig.hart.pc, end, `${what}: no trap`);
      assert.equal(hex(rig.get(3)), hex(want), what);
    }
  });

  test('branches: all six conditions on edge and random operands, forward and backward', (t) => {
    const rig = new Rig();
    const conds: Array<[string, (a: number, b: number, o: number) => number, (a: bigint, b: bigint) => boolean]> = [
      ['beq', A.beq, (a, b) => a === b], ['bne', A.bne, (a, b) => a !== b],
      ['blt', A.blt, (a, b) => s64(a) < s64(b)], ['bge', A.bge, (a, b) => s64(a) >= s64(b)],
      ['bltu', A.bltu, (a, b) => a < b], ['bgeu', A.bgeu, (a, b) => a >= b],
    ];
    const fails: string[] = [];
    let n = 0;
    conds.forEach(([name, enc, ref], k) => {
      // Forward: [b +12; addi x3,x0,1; j .; addi x3,x0,2; j .]. Backward: the branch at +16 jumps back to +0.
      const at = CODE + k * 64;
      rig.put(at, [A.addi(3, 0, 2), A.jal(0, 0), A.jal(0, 0), A.jal(0, 0)]);
      const br = at + 16;
      rig.put(br, [enc(1, 2, -16), A.addi(3, 0, 1), A.jal(0, 0)]);
      const fwd = at + 32;
      rig.put(fwd, [enc(1, 2, 12), A.addi(3, 0, 1), A.jal(0, 0), A.addi(3, 0, 2), A.jal(0, 0)]);
      const ps = pairs(900 + k, 500).concat(EDGE.map((v) => [v, v] as [bigint, bigint]));
      for (const [a, b] of ps) {
        const taken = ref(a, b);
        for (const [start, takenPc, notPc] of [[fwd, fwd + 16, fwd + 8], [br, at + 4, br + 8]]) {
          rig.set(1, a); rig.set(2, b); rig.set(3, 0n);
          rig.run(start, 3);
          n++;
          const pcWant = taken ? takenPc : notPc;
          if (rig.hart.pc !== pcWant || rig.get(3) !== (taken ? 2n : 1n)) {
            fails.push(`${name} ${hex(a)}, ${hex(b)} from ${hex(start)}: taken=${taken}, pc ${hex(rig.hart.pc)}`);
          }
        }
      }
    });
    noFails(fails, 'branch');
    t.diagnostic(`${n} branch cases`);
  });

  test('x0 never changes, as a destination of every instruction group, and reads as zero', () => {
    const rig = new Rig();
    rig.fpOn();
    rig.poke(DATA, 8, 0x1122334455667788n);
    const insns: Array<[string, number]> = [
      ...R_OPS.map((op): [string, number] => [op.name, op.enc(0, 1, 2)]),
      ...I_OPS.map((op): [string, number] => [op.name, op.enc(0, 1, op.imms === 'imm12' ? -1 : 3)]),
      ['lui', A.lui(0, 0x80000)], ['auipc', A.auipc(0, 1)], ['ld', A.ld(0, 4, 0)], ['lb', A.lb(0, 4, 0)], ['lwu', A.lwu(0, 4, 0)],
      ['csrr cycle', A.rdcycle(0)], ['csrrs mstatus', A.csrrs(0, CSR.mstatus, 0)],
      ['lr.d', A.lr_d(0, 4)], ['amoadd.d', A.amoadd_d(0, 1, 4)], ['amoswap.w', A.amoswap_w(0, 1, 4)],
      ['fmv.x.d', A.fmv_x_d(0, 1)], ['fcvt.l.d', A.fcvt_l_d(0, 1, RM.RTZ)], ['feq.d', A.feq_d(0, 1, 1)],
      ['fclass.s', A.fclass_s(0, 1)], ['c.li x0 (hint)', A.c_li(0, 5)], ['c.mv x0 (hint)', A.c_mv(0, 1)],
      ['c.add x0 (hint)', A.c_add(0, 1)], ['c.lui x0 (hint)', A.c_lui(0, 1)], ['c.slli x0 (hint)', A.c_slli(0, 1)],
    ];
    for (const [what, insn] of insns) {
      // insn; add x5, x0, x0; j .
      const end = rig.prog(CODE, [insn, A.add(5, 0, 0), A.addi(6, 0, 0)]);
      rig.set(1, 0x80000000_00000007n); rig.set(2, 3n); rig.set(4, DATA); rig.set(5, 99n); rig.set(6, 99n);
      rig.fset(1, 0x3ff00000_00000000n);
      rig.run(CODE, 4);
      assert.equal(rig.hart.pc, end, `${what}: trapped (mcause ${rig.hart.mcause})`);
      assert.equal(rig.hart.x[0], 0, `${what}: x0 low word`);
      assert.equal(rig.hart.x[1], 0, `${what}: x0 high word`);
      assert.equal(rig.get(5), 0n, `${what}: x0 read back as zero`);
      assert.equal(rig.get(6), 0n, `${what}: addi from x0`);
    }
    // The jumps write their link to x0 too.
    const end = rig.prog(CODE, [A.jal(0, 8), A.jal(0, 0), A.jalr(0, 7, 0), A.jal(0, 0), A.add(5, 0, 0)]);
    rig.set(7, CODE + 16); rig.set(5, 9n);
    rig.run(CODE, 4);
    assert.equal(rig.hart.pc, end);
    assert.deepEqual([rig.hart.x[0], rig.hart.x[1], rig.get(5)], [0, 0, 0n]);
  });
});

// ---------------------------------------------------------------------------
// LUI/AUIPC/JAL/JALR, at low and high pcs.
// ---------------------------------------------------------------------------

/** Sv39 4 KiB mappings (V R W X A D, supervisor) from a fresh page-table pool; returns the satp value. */
function sv39(rig: Rig, maps: Array<[bigint, number]>): bigint {
  const root = RAM + 0xc0000;
  let next = root + 0x1000;
  const alloc = () => { const p = next; next += 0x1000; return p; };
  for (const [va, pa] of maps) {
    let table = root;
    for (const level of [2, 1]) {
      const idx = Number((va >> BigInt(12 + 9 * level)) & 0x1ffn);
      const pteAt = table + idx * 8;
      let pte = rig.peek(pteAt, 8);
      if ((pte & 1n) === 0n) { pte = (BigInt(alloc() / 4096) << 10n) | 1n; rig.poke(pteAt, 8, pte); }
      table = Number(pte >> 10n) * 4096;
    }
    const idx0 = Number((va >> 12n) & 0x1ffn);
    rig.poke(table + idx0 * 8, 8, (BigInt(pa / 4096) << 10n) | 0xcfn);
  }
  return (8n << 60n) | BigInt(root / 4096);
}

/** Switches the hart to S-mode with the given satp (M-mode traps still go to HANDLER, untranslated). */
function enterS(rig: Rig, satp: bigint): void {
  rig.hart.satp = satp;
  rig.hart.translationChanged();
  rig.hart.setPriv(1);
}

describe('LUI, AUIPC, JAL, JALR', () => {
  test('lui sign-extends bit 31; auipc adds to the 64-bit pc without truncation', () => {
    const rig = new Rig();
    for (const imm of [0, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345, 0xabcde]) {
      const at = CODE + 0x100;
      const end = rig.prog(at, [A.lui(1, imm), A.auipc(2, imm)]);
      rig.run(at, 3);
      assert.equal(rig.hart.pc, end);
      const off = sx32(BigInt(imm) << 12n);
      assert.equal(hex(rig.get(1)), hex(off), `lui ${imm.toString(16)}`);
      assert.equal(hex(rig.get(2)), hex(u64(BigInt(at + 4) + s64(off))), `auipc ${imm.toString(16)} at ${hex(at + 4)}`);
    }
  });

  test('jal/jalr link values (pc + 4, not sign-extended at 0x8000_0000) and targets; jalr clears bit 0', () => {
    const rig = new Rig();
    // jal forward near the +1 MiB limit and backward.
    const at = CODE + 0x40000;
    rig.put(CODE + 0x40000 + 0x3fff0, [A.jal(0, 0)]);
    rig.prog(at, [A.jal(1, 0x3fff0)]);
    rig.run(at, 2);
    assert.equal(rig.hart.pc, at + 0x3fff0);
    assert.equal(hex(rig.get(1)), hex(at + 4));
    rig.put(CODE, [A.jal(0, 0)]);
    rig.put(at, [A.jal(31, -0x40000)]);
    rig.run(at, 2);
    assert.equal(rig.hart.pc, CODE);
    assert.equal(hex(rig.get(31)), hex(at + 4));
    // jalr: target = (rs1 + imm) & ~1.
    const tgt = CODE + 0x2000;
    rig.put(tgt, [A.jal(0, 0)]);
    for (const imm of [0, 1, -1, 2047, -2048, 3]) {
      for (const odd of [0, 1]) {
        const base = tgt - imm + odd;
        const pc = CODE + 0x1000;
        rig.put(pc, [A.jalr(5, 6, imm)]);
        rig.set(6, base);
        rig.run(pc, 2);
        assert.equal(rig.hart.pc, tgt, `jalr imm ${imm}, base ${hex(base)}`);
        assert.equal(hex(rig.get(5)), hex(pc + 4));
      }
    }
    // rd = rs1: the target uses the old value.
    rig.put(CODE + 0x1000, [A.jalr(6, 6, 4)]);
    rig.set(6, tgt - 4);
    rig.run(CODE + 0x1000, 2);
    assert.equal(rig.hart.pc, tgt);
    assert.equal(hex(rig.get(6)), hex(CODE + 0x1004));
  });

  test('high pcs (Sv39, S-mode at 0xffff_ffff_ffff_f800): auipc wraps, links and targets are 64-bit', () => {
    const rig = new Rig();
    const T = 0xffffffff_fffff800n;
    const pa = RAM + 0xa0000;
    enterS(rig, sv39(rig, [[T & ~0xfffn, pa]]));
    rig.put(pa + 0x800, [
      A.auipc(1, 0), // T
      A.auipc(2, 0x1), // T+4 + 0x1000 wraps to 0x804
      A.auipc(3, 0x80000), // T+8 - 2^31
      A.lui(4, 0x80000),
      A.jal(5, 8), // to T+24, link T+20
      A.jal(0, 0),
      A.jalr(6, 7, 1), // T+24: to (x7 + 1) & ~1 = T+32, link T+28
      A.jal(0, 0),
      A.jal(0, 0), // T+32
    ]);
    rig.set(7, T + 32n);
    rig.run(Number(s64(T)), 8);
    assert.equal(rig.hart.priv, 1, `still in S-mode (mcause ${rig.hart.mcause}, mtval ${hex(rig.hart.mtval)})`);
    assert.equal(hex(rig.pc()), hex(T + 32n));
    assert.equal(hex(rig.get(1)), hex(T));
    assert.equal(hex(rig.get(2)), hex(0x804n));
    assert.equal(hex(rig.get(3)), hex(u64(T + 8n - (1n << 31n))));
    assert.equal(hex(rig.get(4)), hex(0xffffffff_80000000n));
    assert.equal(hex(rig.get(5)), hex(T + 20n));
    assert.equal(hex(rig.get(6)), hex(T + 28n));
  });

  test('pc crossing 2^32 (Sv39): fall-through, jal and a backward branch across the boundary', () => {
    const rig = new Rig();
    const lowPa = RAM + 0xa1000, highPa = RAM + 0xa2000;
    enterS(rig, sv39(rig, [[0xfffff000n, lowPa], [0x1_00000000n, highPa]]));
    rig.put(lowPa + 0xff0, [
      A.auipc(1, 0), // 0xffff_fff0
      A.jal(2, 0x14), // 0xffff_fff4 → 0x1_0000_0008, link 0xffff_fff8
      A.auipc(4, 0), // 0xffff_fff8 (reached by the branch)
      A.addi(5, 5, 1), // 0xffff_fffc, falls through to the next page
    ]);
    rig.put(highPa, [
      A.auipc(6, 0), // 0x1_0000_0000
      A.jal(0, 0), // end
      A.auipc(3, 0), // 0x1_0000_0008
      A.blt(0, 3, -20), // back to 0xffff_fff8
    ]);
    rig.run(0xfffffff0, 10);
    assert.equal(rig.hart.priv, 1, `still in S-mode (mcause ${rig.hart.mcause}, mtval ${hex(rig.hart.mtval)})`);
    assert.equal(hex(rig.pc()), hex(0x1_00000004n));
    assert.equal(hex(rig.get(1)), hex(0xfffffff0n));
    assert.equal(hex(rig.get(2)), hex(0xfffffff8n));
    assert.equal(hex(rig.get(3)), hex(0x1_00000008n));
    assert.equal(hex(rig.get(4)), hex(0xfffffff8n));
    assert.equal(rig.get(5), 1n);
    assert.equal(hex(rig.get(6)), hex(0x1_00000000n));
    // Data addresses whose base + offset carries into or borrows from the high word.
    rig.put(highPa + 0x100, [A.ld(7, 8, 16), A.lw(9, 10, -4), A.sw(11, 10, -16), A.jal(0, 0)]);
    rig.set(8, 0xfffffff8n); rig.set(10, 0x1_00000000n); rig.set(11, 0x13n);
    rig.run(0x1_00000100, 5);
    assert.equal(hex(rig.pc()), hex(0x1_0000010cn), `trapped? mcause ${rig.hart.mcause}, mtval ${hex(rig.hart.mtval)}`);
    assert.equal(hex(rig.get(7)), hex((BigInt(A.blt(0, 3, -20)) << 32n) | BigInt(A.auipc(3, 0))), 'ld 16(0xffff_fff8)');
    assert.equal(hex(rig.get(9)), hex(sx32(BigInt(A.addi(5, 5, 1)))), 'lw -4(0x1_0000_0000)');
    assert.equal(rig.peek(lowPa + 0xff0, 4), 0x13n, 'sw -16(0x1_0000_0000) landed at 0xffff_fff0');
  });
});

// ---------------------------------------------------------------------------
// Loads and stores.
// ---------------------------------------------------------------------------

type LEnc = (rd: number, rs1: number, imm: number) => number;
const LOADS: Array<[string, LEnc, number, boolean]> = [
  ['lb', A.lb, 1, true], ['lh', A.lh, 2, true], ['lw', A.lw, 4, true], ['ld', A.ld, 8, true],
  ['lbu', A.lbu, 1, false], ['lhu', A.lhu, 2, false], ['lwu', A.lwu, 4, false],
];
const STORES: Array<[string, (rs2: number, rs1: number, imm: number) => number, number]> = [
  ['sb', A.sb, 1], ['sh', A.sh, 2], ['sw', A.sw, 4], ['sd', A.sd, 8],
];
const extend = (v: bigint, bytes: number, signed: boolean) => (signed ? u64(BigInt.asIntN(bytes * 8, v)) : v);

describe('loads and stores', () => {
  test('every load width sign/zero-extends, at every alignment (misaligned done in hardware)', (t) => {
    const rig = new Rig();
    const rnd = prng(31337);
    const fails: string[] = [];
    let n = 0;
    const buf = DATA + 0x100;
    LOADS.forEach(([name, enc, size, signed], k) => {
      const at = CODE + k * 64;
      const end = rig.prog(at, [enc(3, 1, 0)]);
      for (let round = 0; round < 20; round++) {
        for (let b = 0; b < 32; b++) rig.poke(buf + b, 1, BigInt(round < 2 ? (round ? 0xff : 0x80) : rnd() & 0xff));
        for (let off = 0; off + size <= 32; off++) {
          rig.set(1, buf + off);
          rig.run(at, 2);
          n++;
          const want = extend(rig.peek(buf + off, size), size, signed);
          if (rig.hart.pc !== end) fails.push(`${name} at +${off}: trapped, mcause ${rig.hart.mcause}`);
          else if (rig.get(3) !== want) fails.push(`${name} at +${off}: want ${hex(want)} got ${hex(rig.get(3))}`);
        }
      }
    });
    noFails(fails, 'load');
    t.diagnostic(`${n} load cases`);
  });

  test('every store width writes exactly its bytes, at every alignment', (t) => {
    const rig = new Rig();
    const gen = operandGen(99);
    const fails: string[] = [];
    let n = 0;
    const buf = DATA + 0x200;
    STORES.forEach(([name, enc, size], k) => {
      const at = CODE + k * 64;
      const end = rig.prog(at, [enc(2, 1, 0)]);
      for (let round = 0; round < 10; round++) {
        for (let off = 0; off + size <= 24; off++) {
          const v = gen();
          for (let b = 0; b < 32; b++) rig.poke(buf + b, 1, BigInt(0xa5 ^ b));
          rig.set(1, buf + off); rig.set(2, v);
          rig.run(at, 2);
          n++;
          if (rig.hart.pc !== end) { fails.push(`${name} at +${off}: trapped`); continue; }
          for (let b = 0; b < 32; b++) {
            const inside = b >= off && b < off + size;
            const want = inside ? (v >> BigInt(8 * (b - off))) & 0xffn : BigInt(0xa5 ^ b);
            if (rig.peek(buf + b, 1) !== want) { fails.push(`${name} ${hex(v)} at +${off}: byte ${b}`); break; }
          }
        }
      }
    });
    noFails(fails, 'store');
    t.diagnostic(`${n} store cases`);
  });

  test('misaligned loads and stores crossing a 4 KiB page boundary', () => {
    const rig = new Rig();
    const page = DATA + 0x2000;
    const gen = operandGen(5);
    for (const [name, enc, size, signed] of LOADS) {
      for (let back = 1; back < size; back++) {
        const addr = page - back;
        for (let b = -8; b < 8; b++) rig.poke(page + b, 1, BigInt((b * 37 + 0x91) & 0xff));
        const end = rig.prog(CODE, [enc(3, 1, 0)]);
        rig.set(1, addr);
        rig.run(CODE, 2);
        assert.equal(rig.hart.pc, end, `${name} at page-${back}: trapped (mcause ${rig.hart.mcause})`);
        assert.equal(hex(rig.get(3)), hex(extend(rig.peek(addr, size), size, signed)), `${name} at page-${back}`);
      }
    }
    for (const [name, enc, size] of STORES) {
      for (let back = 1; back < size; back++) {
        const addr = page - back;
        for (let b = -8; b < 8; b++) rig.poke(page + b, 1, 0n);
        const v = gen();
        const end = rig.prog(CODE, [enc(2, 1, 0)]);
        rig.set(1, addr); rig.set(2, v);
        rig.run(CODE, 2);
        assert.equal(rig.hart.pc, end, `${name} at page-${back}: trapped`);
        assert.equal(hex(rig.peek(addr, size)), hex(v & ((1n << BigInt(8 * size)) - 1n)), `${name} at page-${back}`);
        assert.equal(rig.peek(addr - 1, 1), 0n);
        assert.equal(rig.peek(addr + size, 1), 0n);
      }
    }
    // Store then load back through the same crossing address, in one block.
    const end = rig.prog(CODE, [A.sd(2, 1, 0), A.ld(3, 1, 0), A.lw(4, 1, 2), A.lhu(5, 1, 3)]);
    rig.set(1, page - 3); rig.set(2, 0x8899aabb_ccddeeffn);
    rig.run(CODE, 5);
    assert.equal(rig.hart.pc, end);
    assert.equal(hex(rig.get(3)), hex(0x8899aabb_ccddeeffn));
    assert.equal(hex(rig.get(4)), hex(0xffffffff_aabbccddn));
    assert.equal(hex(rig.get(5)), hex(0xbbccn));
  });

  test('misaligned stores inside a page the TLB holds: exact bytes, and one that reaches decoded code invalidates it', () => {
    const rig = new Rig();
    // A granule (64 bytes) of code at G; a misaligned sd that starts 4 bytes before it overwrites its first instruction.
    const G = CODE + 0x400, page = DATA + 0x3000;
    rig.put(G, [A.addi(10, 10, 1), A.jalr(0, 1, 0)]);
    const end = rig.prog(CODE, [
      A.sd(0, 5, 0), // the data page and the code page in the write TLB
      A.jal(1, G - (CODE + 4)), // run G: a0 += 1
      A.sd(6, 7, 1), A.sw(6, 7, 11), A.sh(6, 7, 21), A.ld(11, 7, 1), // misaligned, inside one page
      A.sd(8, 9, -4), // the high word lands on G's first instruction: a0 += 100
      A.jal(1, G - (CODE + 28)),
    ]);
    rig.set(5, G - 64); rig.set(6, 0x0123456789abcdefn); rig.set(7, page); rig.set(9, G);
    rig.set(8, BigInt(A.addi(10, 10, 100)) << 32n);
    rig.run(CODE, 40);
    assert.equal(rig.hart.pc, end);
    assert.equal(hex(rig.peek(page + 1, 8)), hex(0x0123456789abcdefn));
    assert.equal(hex(rig.peek(page + 11, 4)), hex(0x89abcdefn));
    assert.equal(hex(rig.peek(page + 21, 2)), hex(0xcdefn));
    assert.equal(hex(rig.get(11)), hex(0x0123456789abcdefn));
    assert.equal(rig.get(10), 101n, 'the rewritten instruction ran');
  });

  test('page-crossing accesses under Sv39 with the two pages physically apart', () => {
    const rig = new Rig();
    const va = 0x40000000, code = 0x50000000;
    const pa0 = RAM + 0xb3000, pa1 = RAM + 0xb1000, codePa = RAM + 0xb5000;
    enterS(rig, sv39(rig, [[BigInt(va), pa0], [BigInt(va + 0x1000), pa1], [BigInt(code), codePa]]));
    for (let k = 0; k < 8; k++) rig.poke(pa0 + 0xff8 + k, 1, BigInt(0x10 + k)); // the bytes before the boundary
    for (let k = 0; k < 16; k++) {
      rig.poke(pa1 + k, 1, BigInt(0xa0 + k)); // the bytes after it
      rig.poke(pa0 + 0x1000 + k, 1, 0xeen); // what a contiguous-physical assumption would read
    }
    rig.put(codePa, [
      A.ld(3, 1, 0), // va + 0xffd: bytes 15 16 17 a0 a1 a2 a3 a4
      A.lw(4, 1, 2), // va + 0xfff: 17 a0 a1 a2
      A.lhu(5, 1, 2), // va + 0xfff: 17 a0
      A.sd(6, 1, -2), // va + 0xffb
      A.jal(0, 0),
    ]);
    rig.set(1, va + 0xffd); rig.set(6, 0x0807060504030201n);
    rig.run(code, 6);
    assert.equal(rig.hart.priv, 1, `still in S-mode (mcause ${rig.hart.mcause}, mtval ${hex(rig.hart.mtval)})`);
    assert.equal(rig.hart.pc, code + 16);
    assert.equal(hex(rig.get(3)), hex(0xa4a3a2a1a0171615n));
    assert.equal(hex(rig.get(4)), hex(0xffffffff_a2a1a017n));
    assert.equal(hex(rig.get(5)), hex(0xa017n));
    assert.equal(hex(rig.peek(pa0 + 0xffb, 5)), hex(0x0504030201n), 'sd: the bytes before the boundary');
    assert.equal(hex(rig.peek(pa1, 3)), hex(0x080706n), 'sd: the bytes after it, on the other physical page');
    assert.equal(rig.peek(pa0 + 0x1000, 1), 0xeen, 'the physically next page is untouched');
  });

  test('a store into already-executed code is seen after fence.i', () => {
    const rig = new Rig();
    const at = CODE + 0x3000;
    // Pass 1 runs (and so decodes, as a block start) `addi x3, x0, 1`, then patches it to `addi x3, x0, 2`;
    // pass 2 jumps back to it and must run the new one.
    const end = rig.prog(at, [
      A.addi(4, 0, 2), A.jal(0, 4),
      A.addi(3, 0, 1), // at + 8: patched
      A.add(5, 5, 3), A.addi(4, 4, -1), A.beq(4, 0, 16),
      A.sw(2, 1, 0), A.fence_i(), A.jal(0, -24),
    ]);
    rig.set(1, at + 8); rig.set(2, A.addi(3, 0, 2)); rig.set(5, 0n);
    rig.run(at, 20);
    assert.equal(rig.hart.pc, end);
    assert.equal(rig.get(3), 2n, 'the patched instruction ran');
    assert.equal(rig.get(5), 3n, 'pass 1 added 1, pass 2 added 2');
  });

  test('12-bit displacements at both extremes, negative base offsets', () => {
    const rig = new Rig();
    const base = DATA + 0x4000;
    rig.poke(base - 2048, 8, 0x0102030405060708n);
    rig.poke(base + 2047, 8, 0xf1f2f3f4f5f6f7f8n);
    const end = rig.prog(CODE, [A.ld(3, 1, -2048), A.ld(4, 1, 2047), A.sd(4, 1, -2040), A.ld(5, 1, -2040)]);
    rig.set(1, base);
    rig.run(CODE, 5);
    assert.equal(rig.hart.pc, end);
    assert.equal(hex(rig.get(3)), hex(0x0102030405060708n));
    assert.equal(hex(rig.get(4)), hex(0xf1f2f3f4f5f6f7f8n));
    assert.equal(hex(rig.get(5)), hex(0xf1f2f3f4f5f6f7f8n));
  });
});

// ---------------------------------------------------------------------------
// A: LR/SC and AMOs.
// ---------------------------------------------------------------------------

type AmoEnc = (rd: number, rs2: number, rs1: number, aq?: number, rl?: number) => number;
const AMOS: Array<[string, AmoEnc, AmoEnc, (m: bigint, v: bigint, w: 32 | 64) => bigint]> = [
  ['amoswap', A.amoswap_w, A.amoswap_d, (_m, v) => v],
  ['amoadd', A.amoadd_w, A.amoadd_d, (m, v) => m + v],
  ['amoxor', A.amoxor_w, A.amoxor_d, (m, v) => m ^ v],
  ['amoand', A.amoand_w, A.amoand_d, (m, v) => m & v],
  ['amoor', A.amoor_w, A.amoor_d, (m, v) => m | v],
  ['amomin', A.amomin_w, A.amomin_d, (m, v, w) => (BigInt.asIntN(w, m) < BigInt.asIntN(w, v) ? m : v)],
  ['amomax', A.amomax_w, A.amomax_d, (m, v, w) => (BigInt.asIntN(w, m) > BigInt.asIntN(w, v) ? m : v)],
  ['amominu', A.amominu_w, A.amominu_d, (m, v, w) => (BigInt.asUintN(w, m) < BigInt.asUintN(w, v) ? m : v)],
  ['amomaxu', A.amomaxu_w, A.amomaxu_d, (m, v, w) => (BigInt.asUintN(w, m) > BigInt.asUintN(w, v) ? m : v)],
];

describe('A: LR/SC and AMOs', () => {
  const word = DATA + 0x800;

  test('LR/SC success (.w and .d); lr.w sign-extends', () => {
    const rig = new Rig();
    rig.poke(word, 8, 0x87654321_fedcba98n);
    let end = rig.prog(CODE, [A.lr_w(3, 1), A.sc_w(4, 2, 1)]);
    rig.set(1, word); rig.set(2, 0x11111111_22222222n); rig.set(4, 77n);
    rig.run(CODE, 3);
    assert.equal(rig.hart.pc, end);
    assert.equal(hex(rig.get(3)), hex(0xffffffff_fedcba98n), 'lr.w result');
    assert.equal(rig.get(4), 0n, 'sc.w succeeded');
    assert.equal(hex(rig.peek(word, 8)), hex(0x87654321_22222222n), 'sc.w wrote the low word only');
    end = rig.prog(CODE, [A.lr_d(3, 1), A.sc_d(4, 2, 1)]);
    rig.set(2, 0xcafef00d_12345678n); rig.set(4, 77n);
    rig.run(CODE, 3);
    assert.equal(rig.hart.pc, end);
    assert.equal(hex(rig.get(3)), hex(0x87654321_22222222n), 'lr.d result');
    assert.equal(rig.get(4), 0n, 'sc.d succeeded');
    assert.equal(hex(rig.peek(word, 8)), hex(0xcafef00d_12345678n));
  });

  test('SC without LR fails (rd = 1) and does not store', () => {
    const rig = new Rig();
    for (const sc of [A.sc_w, A.sc_d]) {
      rig.poke(word, 8, 0x0123456789abcdefn);
      const end = rig.prog(CODE, [sc(4, 2, 1)]);
      rig.set(1, word); rig.set(2, 0xffffffff_ffffffffn); rig.set(4, 0n);
      rig.run(CODE, 2);
      assert.equal(rig.hart.pc, end);
      assert.equal(rig.get(4), 1n);
      assert.equal(hex(rig.peek(word, 8)), hex(0x0123456789abcdefn));
    }
  });

  test('SC after a successful SC fails; SC to another address fails and still clears the reservation', () => {
    const rig = new Rig();
    rig.poke(word, 8, 5n);
    let end = rig.prog(CODE, [A.lr_d(3, 1), A.sc_d(4, 2, 1), A.sc_d(5, 6, 1)]);
    rig.set(1, word); rig.set(2, 10n); rig.set(6, 20n);
    rig.run(CODE, 4);
    assert.equal(rig.hart.pc, end);
    assert.deepEqual([rig.get(4), rig.get(5), rig.peek(word, 8)], [0n, 1n, 10n]);
    // unpriv "Zalrsc": an SC fails if its address is not in the reservation set of the most recent LR;
    // "regardless of success or failure, executing an SC instruction invalidates any reservation".
    const other = word + 64;
    rig.poke(word, 8, 5n); rig.poke(other, 8, 6n);
    end = rig.prog(CODE, [A.lr_w(3, 1), A.sc_w(4, 2, 7), A.sc_w(5, 2, 1)]);
    rig.set(7, other);
    rig.run(CODE, 4);
    assert.equal(rig.hart.pc, end);
    assert.deepEqual([rig.get(4), rig.get(5)], [1n, 1n]);
    assert.deepEqual([rig.peek(word, 8), rig.peek(other, 8)], [5n, 6n]);
  });

  test('every AMO .w/.d: rd = old value (.w sign-extended), memory = op(old, rs2)', (t) => {
    const rig = new Rig();
    const fails: string[] = [];
    let n = 0;
    AMOS.forEach(([name, encW, encD, ref], k) => {
      for (const [w, enc] of [[32, encW], [64, encD]] as Array<[32 | 64, AmoEnc]>) {
        const at = CODE + (2 * k + (w === 64 ? 1 : 0)) * 64;
        const end = rig.prog(at, [enc(3, 2, 1)]);
        for (const [m, v] of pairs(300 + k + w, 400)) {
          const addr = word + (w === 32 ? 4 : 0);
          rig.poke(word, 8, 0x5a5a5a5a_5a5a5a5an);
          rig.poke(addr, w / 8, BigInt.asUintN(w, m));
          rig.set(1, addr); rig.set(2, v);
          rig.run(at, 2);
          n++;
          const old = BigInt.asUintN(w, m);
          const wantRd = w === 32 ? sx32(old) : old;
          const wantMem = BigInt.asUintN(w, ref(old, BigInt.asUintN(w, v), w));
          const what = `${name}.${w === 32 ? 'w' : 'd'} mem ${hex(old)}, rs2 ${hex(v)}`;
          if (rig.hart.pc !== end) fails.push(`${what}: trapped, mcause ${rig.hart.mcause}`);
          else if (rig.get(3) !== wantRd) fails.push(`${what}: rd want ${hex(wantRd)} got ${hex(rig.get(3))}`);
          else if (rig.peek(addr, w / 8) !== wantMem) fails.push(`${what}: mem want ${hex(wantMem)} got ${hex(rig.peek(addr, w / 8))}`);
          else if (w === 32 && rig.peek(word, 4) !== 0x5a5a5a5an) fails.push(`${what}: neighbouring word changed`);
        }
      }
    });
    noFails(fails, 'AMO');
    t.diagnostic(`${n} AMO cases`);
  });

  test('aq/rl bits are accepted and give the same results; rd = rs2 reads rs2 first', () => {
    const rig = new Rig();
    for (const [name, encW, encD, ref] of AMOS) {
      for (const [aq, rl] of [[1, 0], [0, 1], [1, 1]]) {
        const end = rig.prog(CODE, [encD(3, 2, 1, aq, rl), encW(4, 5, 6, aq, rl)]);
        rig.poke(word, 8, 0x80000000_00000005n); rig.poke(word + 8, 4, 0xfffffff0n);
        rig.set(1, word); rig.set(2, 0x7fffffff_fffffff0n); rig.set(6, word + 8); rig.set(5, 0x10n);
        rig.run(CODE, 3);
        const what = `${name} aq=${aq} rl=${rl}`;
        assert.equal(rig.hart.pc, end, `${what}: trapped`);
        assert.equal(hex(rig.get(3)), hex(0x80000000_00000005n), what);
        assert.equal(hex(rig.peek(word, 8)), hex(u64(ref(0x80000000_00000005n, 0x7fffffff_fffffff0n, 64))), what);
        assert.equal(hex(rig.get(4)), hex(0xffffffff_fffffff0n), what);
        assert.equal(hex(rig.peek(word + 8, 4)), hex(BigInt.asUintN(32, ref(0xfffffff0n, 0x10n, 32))), what);
      }
    }
    for (const [aq, rl] of [[1, 0], [0, 1], [1, 1]]) {
      rig.poke(word, 8, 1n);
      const end = rig.prog(CODE, [A.lr_d(3, 1, aq, rl), A.sc_d(4, 2, 1, aq, rl)]);
      rig.set(1, word); rig.set(2, 2n);
      rig.run(CODE, 3);
      assert.equal(rig.hart.pc, end);
      assert.deepEqual([rig.get(3), rig.get(4), rig.peek(word, 8)], [1n, 0n, 2n], `lr/sc aq=${aq} rl=${rl}`);
    }
    // amoswap x2, x2, (x1): the old memory value lands in x2, the old x2 in memory.
    rig.poke(word, 8, 111n);
    const end = rig.prog(CODE, [A.amoswap_d(2, 2, 1)]);
    rig.set(1, word); rig.set(2, 222n);
    rig.run(CODE, 2);
    assert.equal(rig.hart.pc, end);
    assert.deepEqual([rig.get(2), rig.peek(word, 8)], [111n, 222n]);
  });

  test('misaligned LR (cause 4), SC and AMOs (cause 6) trap with mtval = address and change nothing', () => {
    const cases: Array<[string, number, number, number]> = [
      ['lr.w', A.lr_w(3, 1), 2, 4], ['lr.d', A.lr_d(3, 1), 4, 4], ['lr.d', A.lr_d(3, 1), 1, 4],
      ['sc.w', A.sc_w(3, 2, 1), 2, 6], ['sc.d', A.sc_d(3, 2, 1), 4, 6],
      ['amoadd.w', A.amoadd_w(3, 2, 1), 1, 6], ['amoswap.w', A.amoswap_w(3, 2, 1), 3, 6],
      ['amoswap.d', A.amoswap_d(3, 2, 1), 4, 6], ['amomaxu.d', A.amomaxu_d(3, 2, 1), 6, 6],
      ['amoor.d.aqrl', A.amoor_d(3, 2, 1, 1, 1), 2, 6],
    ];
    for (const [what, insn, mis, cause] of cases) {
      const rig = new Rig();
      rig.poke(word, 16, 0x0f0e0d0c0b0a09080706050403020100n);
      const at = CODE + 0x40;
      rig.put(at, [A.addi(7, 0, 1), insn, A.jal(0, 0)]);
      rig.set(1, word + mis); rig.set(2, M64); rig.set(3, 0x33n);
      rig.run(at, 3);
      assertTrap(rig, cause, word + mis, at + 4, what);
      assert.equal(rig.get(7), 1n, `${what}: the instruction before it retired`);
      assert.equal(rig.get(3), 0x33n, `${what}: rd unchanged`);
      assert.equal(hex(rig.peek(word, 16)), hex(0x0f0e0d0c0b0a09080706050403020100n), `${what}: memory unchanged`);
    }
  });
});

// ---------------------------------------------------------------------------
// Traps as values.
// ---------------------------------------------------------------------------

describe('traps', () => {
  test('ecall from M: mcause 11, mepc = the ecall, mtval 0; ebreak: mcause 3', () => {
    const rig = new Rig();
    const at = CODE + 0x100;
    rig.put(at, [A.addi(1, 0, 5), A.ecall(), A.addi(1, 0, 6)]);
    rig.hart.mtval = 123n;
    rig.run(at, 2);
    assertTrap(rig, 11, 0n, at + 4, 'ecall');
    assert.equal(rig.get(1), 5n);
    assert.equal((rig.hart.mstatus >>> 11) & 3, 3, 'mstatus.MPP = M');
    rig.put(at, [A.ebreak()]);
    rig.run(at, 2);
    assert.equal(rig.hart.mcause, 3n);
    assert.equal(rig.hart.mepc, BigInt(at));
    assert.equal(rig.hart.pc, HANDLER);
  });

  test('illegal instructions: mcause 2, mtval = the instruction bits', () => {
    const cases: Array<[string, number, number | null]> = [
      ['0x00000000 (the all-zero parcel)', 0x00000000, 0],
      ['0xffffffff', 0xffffffff, 0xffffffff],
      ['custom-3 opcode', 0x0000007b, null],
      ['slliw with imm[5] set (reserved)', (A.slliw(3, 1, 1) | (1 << 25)) >>> 0, null],
      ['srai with funct6 = 0b010001', (A.srai(3, 1, 1) | (1 << 26)) >>> 0, null],
      ['csrw to read-only cycle', A.csrw(CSR.cycle, 1), null],
      ['csrr of an unimplemented CSR (0x7c0)', A.csrr(1, 0x7c0), null],
      ['add with funct7 = 0x40', (A.add(3, 1, 2) | (0x40 << 25)) >>> 0, null],
      ['lr.w with rs2 != 0', (A.lr_w(3, 1) | (5 << 20)) >>> 0, null],
      ['ld-width 7 (funct3 = 7 in LOAD)', A.i(A.OPC.LOAD, 3, 7, 1, 0), null],
    ];
    for (const [what, bits, tval] of cases) {
      const rig = new Rig();
      const at = CODE + 0x200;
      rig.put(at, [A.addi(5, 0, 1)]);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, bits >>> 0, true);
      new DataView(b.buffer).setUint32(4, A.jal(0, 0), true);
      rig.putBytes(at + 4, b);
      rig.run(at, 1); // one block: the addi and the illegal instruction
      assertTrap(rig, 2, tval ?? bits, at + 4, what);
      assert.equal(rig.get(5), 1n, `${what}: the previous instruction retired`);
      assert.equal(rig.hart.instret, 1, `${what}: the illegal instruction did not retire`);
    }
  });

  test('a compressed illegal parcel gives mtval = its 16 bits (not the next parcel)', () => {
    for (const parcel of [0x0004 /* c.addi4spn nzuimm=0 */, 0x6181 /* c.lui x3, 0 */, 0x8002 /* c.jr x0 */, 0x2001 /* c.addiw x0 */]) {
      const rig = new Rig();
      const at = CODE + 0x300;
      // c.nop; <parcel>; c.nop (so a 32-bit read would see 0x0001xxxx)
      rig.put(at, [A.c_nop(), parcel, A.c_nop(), A.jal(0, 0)]);
      rig.run(at, 2);
      assertTrap(rig, 2, parcel, at + 2, `parcel ${parcel.toString(16)}`);
    }
  });

  test('a fetch from outside RAM: instruction access fault (mcause 1, mtval = pc), incl. 64-bit jalr targets', () => {
    // [rs1, imm, target]: the jalr sum carries into, or borrows from, the high word.
    const cases: Array<[bigint, number, bigint]> = [
      [0x40000000n, 0, 0x40000000n], [0xffffffffn, 1, 0x1_00000000n], [0x1_00000001n, -2047, 0xfffff802n],
      [0n, -2, 0xffffffff_fffffffen], [0xffffffff_fffff000n, 2047, 0xffffffff_fffff7fen],
    ];
    for (const [base, imm, target] of cases) {
      const rig = new Rig();
      rig.prog(CODE, [A.jalr(5, 1, imm)]);
      rig.set(1, base);
      rig.run(CODE, 2);
      assertTrap(rig, 1, target, target, `jalr to ${hex(target)}`);
      assert.equal(hex(rig.get(5)), hex(CODE + 4), 'the jalr itself retired and linked');
    }
  });
});

// ---------------------------------------------------------------------------
// F and D through the hart.
// ---------------------------------------------------------------------------

const F64 = new Float64Array(1), U64 = new BigUint64Array(F64.buffer);
const F32 = new Float32Array(1), U32 = new Uint32Array(F32.buffer);
const dbits = (v: number) => { F64[0] = v; return U64[0]; };
const sbits = (v: number) => { F32[0] = v; return BigInt(U32[0]); };
const BOX = 0xffffffff_00000000n;
const NX = 1n, DZ = 8n, NV = 16n;
const CANON_D = 0x7ff80000_00000000n, CANON_S = 0x7fc00000n;

describe('F/D through the hart', () => {
  /** Runs `insns` then `csrr x31, fflags`; returns fflags. */
  function fp(rig: Rig, insns: number[]): bigint {
    const end = rig.prog(CODE, [...insns, A.csrr(31, CSR.fflags)]);
    rig.run(CODE, insns.length + 2);
    assert.equal(rig.hart.pc, end, `trapped: mcause ${rig.hart.mcause}, mtval ${hex(rig.hart.mtval)}`);
    return rig.get(31);
  }

  test('fadd.d and fmul.s under each static rounding mode and under dyn via frm', (t) => {
    const u = 2 ** -52;
    // [a, b, results for RNE RTZ RDN RUP RMM as the last mantissa digit]
    const dcases: Array<[number, number, number[]]> = [
      [1.5, 1.5 * u, [2, 1, 1, 2, 2]], // 1.5 + 1.5ulp: tie between odd 1 and even 2
      [1.5, 4.5 * u, [4, 4, 4, 5, 5]], // tie between even 4 and odd 5
      [-1.5, -1.5 * u, [2, 1, 2, 1, 2]], // negative: RDN rounds away from zero
    ];
    const v = 2 ** -23;
    const scases: Array<[number, number, number[]]> = [
      [1.5, 1 + v, [2, 1, 1, 2, 2]], // 1.5 * (1 + ulp) = 1.5 + 1.5ulp
      [1.5, 1 + 3 * v, [4, 4, 4, 5, 5]], // 1.5 + 4.5ulp
      [-1.5, 1 + v, [2, 1, 2, 1, 2]],
    ];
    const rig = new Rig();
    let n = 0;
    for (const rm of [0, 1, 2, 3, 4]) {
      for (const dyn of [false, true]) {
        for (const [a, b, digits] of dcases) {
          rig.fpOn();
          rig.fset(1, dbits(a)); rig.fset(2, dbits(b));
          const pre = dyn ? [A.csrwi(CSR.frm, rm)] : [];
          const flags = fp(rig, [...pre, A.fadd_d(3, 1, 2, dyn ? RM.DYN : rm)]);
          const want = (dbits(a) & ~0xfn) | BigInt(digits[rm]);
          assert.equal(hex(rig.fget(3)), hex(want), `fadd.d ${a} + ${b} rm=${rm} dyn=${dyn}`);
          assert.equal(flags, NX, 'inexact');
          n++;
        }
        for (const [a, b, digits] of scases) {
          rig.fpOn();
          rig.fset(1, BOX | sbits(a)); rig.fset(2, BOX | sbits(b));
          const pre = dyn ? [A.csrwi(CSR.frm, rm)] : [];
          const flags = fp(rig, [...pre, A.fmul_s(3, 1, 2, dyn ? RM.DYN : rm)]);
          const want = BOX | ((sbits(a) & ~0xfn) | BigInt(digits[rm]));
          assert.equal(hex(rig.fget(3)), hex(want), `fmul.s ${a} * ${b} rm=${rm} dyn=${dyn}`);
          assert.equal(flags, NX, 'inexact');
          n++;
        }
      }
    }
    t.diagnostic(`${n} rounding cases`);
  });

  test('fflags: NX on 1/3, DZ on x/0, NV on sqrt(-1) and sNaN inputs; flags accrue until cleared', () => {
    const rig = new Rig();
    const one = dbits(1), three = dbits(3), zero = dbits(0), mone = dbits(-1);
    const cases: Array<[string, number, bigint, bigint, bigint, bigint]> = [
      ['1/3', A.fdiv_d(3, 1, 2, RM.RNE), one, three, dbits(1 / 3), NX],
      ['1/0', A.fdiv_d(3, 1, 2, RM.RNE), one, zero, dbits(Infinity), DZ],
      ['-1/0', A.fdiv_d(3, 1, 2, RM.RNE), mone, zero, dbits(-Infinity), DZ],
      ['0/0', A.fdiv_d(3, 1, 2, RM.RNE), zero, zero, CANON_D, NV],
      ['sqrt(-1)', A.fsqrt_d(3, 1, RM.RNE), mone, zero, CANON_D, NV],
      ['sNaN + 1', A.fadd_d(3, 1, 2, RM.RNE), 0x7ff00000_00000001n, one, CANON_D, NV],
      ['qNaN + 1 (quiet: no flag)', A.fadd_d(3, 1, 2, RM.RNE), 0x7ff80000_00000123n, one, CANON_D, 0n],
      ['1 + 1 (exact)', A.fadd_d(3, 1, 2, RM.RNE), one, one, dbits(2), 0n],
      ['single sNaN * 1', A.fmul_s(3, 1, 2, RM.RNE), BOX | 0x7f800001n, BOX | sbits(1), BOX | CANON_S, NV],
      ['feq.d with sNaN', A.feq_d(3, 1, 2), 0x7ff00000_00000001n, one, 0n, NV],
      ['feq.d with qNaN (quiet compare)', A.feq_d(3, 1, 2), CANON_D, one, 0n, 0n],
      ['flt.d with qNaN (signaling compare)', A.flt_d(3, 1, 2), CANON_D, one, 0n, NV],
    ];
    for (const [what, insn, a, b, want, flags] of cases) {
      rig.fpOn();
      rig.fset(1, a); rig.fset(2, b);
      const got = fp(rig, [insn]);
      const isCmp = /^f(eq|lt|le)/.test(what);
      assert.equal(hex(isCmp ? rig.get(3) : rig.fget(3)), hex(want), `${what}: result`);
      assert.equal(got, flags, `${what}: fflags`);
    }
    // Accrual: three operations, one read; then csrrw clears and returns the old flags.
    rig.fpOn();
    rig.fset(1, one); rig.fset(2, three); rig.fset(4, zero); rig.fset(5, mone);
    const end = rig.prog(CODE, [
      A.fdiv_d(3, 1, 2, RM.RNE), A.fdiv_d(3, 1, 4, RM.RNE), A.fsqrt_d(3, 5, RM.RNE), A.csrr(10, CSR.fflags),
      A.csrrw(11, CSR.fflags, 0), A.fadd_d(3, 1, 1, RM.RNE), A.csrr(12, CSR.fflags), A.csrr(13, CSR.fcsr),
    ]);
    rig.run(CODE, 10);
    assert.equal(rig.hart.pc, end);
    assert.equal(rig.get(10), NV | DZ | NX);
    assert.equal(rig.get(11), NV | DZ | NX);
    assert.equal(rig.get(12), 0n);
    assert.equal(rig.get(13), 0n);
  });

  test('NaN-boxing: flw results are boxed; improperly boxed singles read as the canonical NaN; moves do not check', () => {
    const rig = new Rig();
    rig.fpOn();
    rig.poke(DATA, 4, sbits(1));
    rig.set(1, DATA); rig.set(3, 0x00000000_3f800000n); rig.set(6, 0x12345678_c0000000n);
    const end = rig.prog(CODE, [
      A.flw(1, 1, 0), A.fmv_x_d(2, 1), // x2 = boxed 1.0f
      A.fmv_d_x(2, 3), A.fadd_s(3, 2, 2, RM.RNE), A.fmv_x_d(4, 3), A.fmv_x_w(5, 3), // f2 not boxed → canonical NaN
      A.fmv_x_w(7, 2), // a move does not check boxing: low word, sign-extended
      A.fmv_w_x(4, 6), A.fmv_x_d(8, 4), A.fmv_x_w(14, 4), // fmv.w.x boxes; fmv.x.w sign-extends
      A.fcvt_d_s(5, 2, RM.RNE), A.fmv_x_d(9, 5), // improperly boxed input to a conversion
      A.fsw(2, 1, 8), // a store does not check boxing either
      A.fadd_s(6, 1, 1, RM.RNE), A.fmv_x_d(10, 6), // properly boxed: 1 + 1 = 2
      A.csrr(11, CSR.fflags),
      A.fsgnjn_s(7, 2, 2), A.fmv_x_d(12, 7), // sign injection reads unboxed operands as the canonical NaN too
      A.fclass_s(13, 2), // ... and so does fclass: quiet NaN (bit 9)
    ]);
    rig.run(CODE, 30);
    assert.equal(rig.hart.pc, end, `trapped: mcause ${rig.hart.mcause}`);
    assert.equal(hex(rig.get(2)), hex(BOX | sbits(1)), 'fmv.x.d of an flw result');
    assert.equal(hex(rig.get(4)), hex(BOX | CANON_S), 'fadd.s of an unboxed operand');
    assert.equal(hex(rig.get(5)), hex(CANON_S), 'fmv.x.w of the canonical NaN');
    assert.equal(hex(rig.get(7)), hex(0x3f800000n), 'fmv.x.w of an unboxed register');
    assert.equal(hex(rig.get(8)), hex(BOX | 0xc0000000n), 'fmv.w.x');
    assert.equal(hex(rig.get(14)), hex(0xffffffff_c0000000n), 'fmv.x.w sign-extends bit 31');
    assert.equal(hex(rig.get(9)), hex(CANON_D), 'fcvt.d.s of an unboxed operand');
    assert.equal(hex(rig.peek(DATA + 8, 4)), hex(0x3f800000n), 'fsw stores the low word');
    assert.equal(hex(rig.get(10)), hex(BOX | sbits(2)));
    assert.equal(rig.get(11), 0n, 'the canonical NaN is quiet: no NV');
    assert.equal(hex(rig.get(12)), hex(BOX | 0xffc00000n), 'fsgnjn.s of an unboxed operand');
    assert.equal(rig.get(13), 1n << 9n, 'fclass.s of an unboxed operand');
  });

  test('reserved rm 5 and 6, and dyn with frm 5..7, are illegal instructions', () => {
    const rig = new Rig();
    for (const rm of [5, 6]) {
      for (const insn of [A.fadd_d(3, 1, 2, rm), A.fmul_s(3, 1, 2, rm), A.fsqrt_d(3, 1, rm), A.fcvt_w_d(3, 1, rm),
        A.fmadd_d(3, 1, 2, 4, rm), A.fcvt_d_l(3, 1, rm)]) {
        rig.fpOn();
        rig.fset(3, 0x777n);
        rig.prog(CODE, [insn]);
        rig.run(CODE, 2);
        assertTrap(rig, 2, insn, CODE, `rm=${rm} ${insn.toString(16)}`);
        assert.equal(rig.fget(3), 0x777n);
      }
    }
    for (const frm of [5, 6, 7]) {
      for (const insn of [A.fadd_d(3, 1, 2, RM.DYN), A.fdiv_s(3, 1, 2, RM.DYN), A.fcvt_d_w(3, 1, RM.DYN),
        A.fcvt_l_d(3, 1, RM.DYN), A.fnmsub_d(3, 1, 2, 4, RM.DYN)]) {
        rig.fpOn();
        rig.put(CODE, [A.csrwi(CSR.frm, frm), insn, A.jal(0, 0)]);
        rig.run(CODE, 3);
        assertTrap(rig, 2, insn, CODE + 4, `dyn with frm=${frm}: ${insn.toString(16)}`);
      }
    }
    // Instructions without a rounding mode do not care about frm.
    rig.fpOn();
    rig.fset(1, dbits(2)); rig.fset(2, dbits(-3));
    const end = rig.prog(CODE, [A.csrwi(CSR.frm, 7), A.fsgnj_d(3, 1, 2), A.fmv_x_d(4, 3), A.fmin_d(5, 1, 2), A.feq_d(6, 1, 1)]);
    rig.run(CODE, 6);
    assert.equal(rig.hart.pc, end);
    assert.equal(hex(rig.get(4)), hex(dbits(-2)));
    assert.equal(hex(rig.fget(5)), hex(dbits(-3)));
    assert.equal(rig.get(6), 1n);
    // And dyn with a valid frm works (frm = 3, RUP: 1/3 = 0x3fd5555555555555 + 1/3 ulp rounds up).
    rig.fpOn();
    rig.fset(1, dbits(1)); rig.fset(2, dbits(3));
    fp(rig, [A.csrwi(CSR.frm, 3), A.fdiv_d(3, 1, 2, RM.DYN)]);
    assert.equal(hex(rig.fget(3)), hex(dbits(1 / 3) + 1n), '1/3 rounded up ends ...5556');
  });

  test('FS = Off makes every FP instruction and FP CSR illegal', () => {
    const rig = new Rig();
    const insns: Array<[string, number]> = [
      ['fadd.d', A.fadd_d(3, 1, 2, RM.RNE)], ['flw', A.flw(3, 1, 0)], ['fld', A.fld(3, 1, 0)], ['fsd', A.fsd(3, 1, 0)],
      ['fmv.x.d', A.fmv_x_d(3, 1)], ['fmv.d.x', A.fmv_d_x(3, 1)], ['fsgnj.s', A.fsgnj_s(3, 1, 2)], ['feq.d', A.feq_d(3, 1, 2)],
      ['fmadd.s', A.fmadd_s(3, 1, 2, 4, RM.RNE)], ['fcvt.d.w', A.fcvt_d_w(3, 1, 0)],
      ['csrr fflags', A.csrr(3, CSR.fflags)], ['csrwi frm', A.csrwi(CSR.frm, 1)], ['csrr fcsr', A.csrr(3, CSR.fcsr)],
      ['c.fld', A.c_fld(8, 9, 0)], ['c.fsdsp', A.c_fsdsp(1, 8)],
    ];
    rig.poke(DATA, 8, 0x4000000000000000n);
    for (const [what, insn] of insns) {
      rig.fpOn();
      const end = rig.prog(CODE, [A.csrc(CSR.mstatus, 10), insn]);
      rig.set(10, 3 << 13); rig.set(1, DATA); rig.set(9, DATA); rig.set(2, DATA + 64); rig.set(3, 0x99n);
      rig.fset(3, 0x99n);
      rig.run(CODE, 3);
      assert.notEqual(rig.hart.pc, end, `${what} executed with FS=Off`);
      assertTrap(rig, 2, insn, CODE + 4, `${what} with FS=Off`);
      assert.equal(rig.fget(3), 0x99n, `${what}: f3 unchanged`);
      assert.equal(rig.get(3), 0x99n, `${what}: x3 unchanged`);
    }
    // The reset state has FS = Off.
    const fresh = new Rig();
    fresh.prog(CODE, [A.fadd_d(1, 1, 1, RM.RNE)]);
    fresh.run(CODE, 2);
    assert.equal(fresh.hart.mcause, 2n, 'FP is off after reset');
  });

  test('an FP write sets FS = Dirty and mstatus.SD (bit 63), as read by csrr mstatus and sstatus', () => {
    const rig = new Rig();
    for (const [what, insn, fs0] of [
      ['fadd.d from Initial', A.fadd_d(3, 1, 2, RM.RNE), 1], ['fld from Clean', A.fld(3, 1, 0), 2],
      ['fmv.d.x from Initial', A.fmv_d_x(3, 1), 1], ['csrwi fflags from Clean', A.csrwi(CSR.fflags, 1), 2],
    ] as Array<[string, number, number]>) {
      rig.fpOn();
      rig.hart.mstatus = (rig.hart.mstatus & ~(3 << 13)) | (fs0 << 13);
      rig.set(1, DATA);
      const end = rig.prog(CODE, [A.csrr(10, CSR.mstatus), insn, A.csrr(11, CSR.mstatus), A.csrr(12, 0x100)]);
      rig.run(CODE, 5);
      assert.equal(rig.hart.pc, end, `${what}: trapped`);
      assert.equal((rig.get(10) >> 13n) & 3n, BigInt(fs0), `${what}: FS before`);
      assert.equal(rig.get(10) >> 63n, 0n, `${what}: SD clear before`);
      assert.equal((rig.get(11) >> 13n) & 3n, 3n, `${what}: FS Dirty after`);
      assert.equal(rig.get(11) >> 63n, 1n, `${what}: mstatus.SD`);
      assert.equal(rig.get(12) >> 63n, 1n, `${what}: sstatus.SD`);
      assert.equal((rig.get(12) >> 13n) & 3n, 3n, `${what}: sstatus.FS`);
    }
  });
});

// ---------------------------------------------------------------------------
// C: compressed instructions executed.
// ---------------------------------------------------------------------------

interface CCase {
  name: string;
  code: number[];
  regs?: Array<[number, bigint | number]>;
  fregs?: Array<[number, bigint]>;
  mem?: Array<[number, number, bigint]>; // [pa, bytes, value]
  want?: Array<[number, bigint | number]>;
  wantF?: Array<[number, bigint]>;
  wantMem?: Array<[number, number, bigint]>;
  /** Expected pc relative to the start (default: the byte length of code). */
  pc?: number;
}

const SP = DATA + 0x400;
const C_CASES: CCase[] = [
  { name: 'c.nop', code: [A.c_nop()], want: [] },
  { name: 'c.addi', code: [A.c_addi(10, -32)], regs: [[10, 100]], want: [[10, 68]] },
  { name: 'c.addi carries into the high word', code: [A.c_addi(31, 31)], regs: [[31, 0xffffffffn]], want: [[31, 0x1_0000001en]] },
  { name: 'c.addiw sign-extends', code: [A.c_addiw(11, 31)], regs: [[11, 0x7fffffffn]], want: [[11, 0xffffffff_8000001en]] },
  { name: 'c.addiw 0 (sext.w)', code: [A.c_addiw(5, 0)], regs: [[5, 0x1_80000000n]], want: [[5, 0xffffffff_80000000n]] },
  { name: 'c.li -1', code: [A.c_li(12, -1)], want: [[12, M64]] },
  { name: 'c.li 31', code: [A.c_li(1, 31)], want: [[1, 31]] },
  { name: 'c.lui 0xfffff', code: [A.c_lui(13, -1)], want: [[13, 0xffffffff_fffff000n]] },
  { name: 'c.lui 0xfffe0', code: [A.c_lui(14, -32)], want: [[14, 0xffffffff_fffe0000n]] },
  { name: 'c.lui 31', code: [A.c_lui(3, 31)], want: [[3, 0x1f000]] },
  { name: 'c.addi16sp -512', code: [A.c_addi16sp(-512)], regs: [[2, SP]], want: [[2, SP - 512]] },
  { name: 'c.addi16sp 496', code: [A.c_addi16sp(496)], regs: [[2, SP]], want: [[2, SP + 496]] },
  { name: 'c.addi4spn 1020', code: [A.c_addi4spn(8, 1020)], regs: [[2, SP]], want: [[8, SP + 1020]] },
  { name: 'c.addi4spn 4', code: [A.c_addi4spn(15, 4)], regs: [[2, SP]], want: [[15, SP + 4]] },
  { name: 'c.srli 63', code: [A.c_srli(9, 63)], regs: [[9, MIN64 & M64]], want: [[9, 1]] },
  { name: 'c.srli 32', code: [A.c_srli(9, 32)], regs: [[9, 0x80000000_00000000n]], want: [[9, 0x80000000n]] },
  { name: 'c.srai 63', code: [A.c_srai(10, 63)], regs: [[10, MIN64 & M64]], want: [[10, M64]] },
  { name: 'c.srai 1', code: [A.c_srai(10, 1)], regs: [[10, 0x80000000_00000002n]], want: [[10, 0xc0000000_00000001n]] },
  { name: 'c.andi -16', code: [A.c_andi(11, -16)], regs: [[11, 0x12345678_9abcdefFn]], want: [[11, 0x12345678_9abcdef0n]] },
  { name: 'c.andi 0', code: [A.c_andi(11, 0)], regs: [[11, M64]], want: [[11, 0]] },
  { name: 'c.sub', code: [A.c_sub(8, 9)], regs: [[8, 0], [9, 1]], want: [[8, M64]] },
  { name: 'c.xor', code: [A.c_xor(10, 11)], regs: [[10, 0xff00ff00_ff00ff00n], [11, 0x0ff00ff0_0ff00ff0n]], want: [[10, 0xf0f0f0f0_f0f0f0f0n]] },
  { name: 'c.or', code: [A.c_or(12, 13)], regs: [[12, 0x80000000_00000000n], [13, 1]], want: [[12, 0x80000000_00000001n]] },
  { name: 'c.and', code: [A.c_and(14, 15)], regs: [[14, 0xffffffff_0000ffffn], [15, 0x12345678_9abcdef0n]], want: [[14, 0x12345678_0000def0n]] },
  { name: 'c.subw', code: [A.c_subw(8, 15)], regs: [[8, 0x80000000n], [15, 1]], want: [[8, 0x7fffffff]] },
  { name: 'c.addw', code: [A.c_addw(9, 10)], regs: [[9, 0x7fffffffn], [10, 0x1_00000001n]], want: [[9, 0xffffffff_80000000n]] },
  { name: 'c.slli 63', code: [A.c_slli(5, 63)], regs: [[5, 3]], want: [[5, 0x80000000_00000000n]] },
  { name: 'c.slli 1', code: [A.c_slli(31, 1)], regs: [[31, 0x40000000_00000000n]], want: [[31, 0x80000000_00000000n]] },
  { name: 'c.mv', code: [A.c_mv(5, 6)], regs: [[6, 0xdeadbeef_cafef00dn]], want: [[5, 0xdeadbeef_cafef00dn]] },
  { name: 'c.add', code: [A.c_add(8, 9)], regs: [[8, 0xffffffffn], [9, 1]], want: [[8, 0x1_00000000n]] },
  { name: 'c.lw sign-extends', code: [A.c_lw(8, 9, 4)], regs: [[9, DATA]], mem: [[DATA + 4, 4, 0x87654321n]], want: [[8, 0xffffffff_87654321n]] },
  { name: 'c.lw max offset', code: [A.c_lw(12, 13, 124)], regs: [[13, DATA]], mem: [[DATA + 124, 4, 0x12345678n]], want: [[12, 0x12345678]] },
  { name: 'c.ld', code: [A.c_ld(14, 15, 248)], regs: [[15, DATA]], mem: [[DATA + 248, 8, 0x8877665544332211n]], want: [[14, 0x8877665544332211n]] },
  { name: 'c.sw', code: [A.c_sw(11, 12, 4)], regs: [[11, 0x11223344_55667788n], [12, DATA]], mem: [[DATA, 16, 0n]], wantMem: [[DATA, 16, 0x55667788_00000000n]] },
  { name: 'c.sd', code: [A.c_sd(13, 14, 192)], regs: [[13, 0x0102030405060708n], [14, DATA]], wantMem: [[DATA + 192, 8, 0x0102030405060708n]] },
  { name: 'c.lwsp', code: [A.c_lwsp(5, 252)], regs: [[2, SP]], mem: [[SP + 252, 4, 0xfffffffen]], want: [[5, M64 - 1n]] },
  { name: 'c.ldsp', code: [A.c_ldsp(7, 504)], regs: [[2, SP]], mem: [[SP + 504, 8, 0xa1a2a3a4a5a6a7a8n]], want: [[7, 0xa1a2a3a4a5a6a7a8n]] },
  { name: 'c.swsp', code: [A.c_swsp(6, 252)], regs: [[2, SP], [6, 0xabcdef01_23456789n]], wantMem: [[SP + 252, 4, 0x23456789n]] },
  { name: 'c.sdsp', code: [A.c_sdsp(7, 504)], regs: [[2, SP], [7, 0xabcdef01_23456789n]], wantMem: [[SP + 504, 8, 0xabcdef01_23456789n]] },
  { name: 'c.fld', code: [A.c_fld(8, 9, 8)], regs: [[9, DATA]], mem: [[DATA + 8, 8, dbits(Math.PI)]], wantF: [[8, dbits(Math.PI)]] },
  { name: 'c.fsd', code: [A.c_fsd(9, 8, 16)], regs: [[8, DATA]], fregs: [[9, dbits(-0.5)]], wantMem: [[DATA + 16, 8, dbits(-0.5)]] },
  { name: 'c.fldsp', code: [A.c_fldsp(5, 504)], regs: [[2, SP]], mem: [[SP + 504, 8, dbits(6.5)]], wantF: [[5, dbits(6.5)]] },
  { name: 'c.fsdsp', code: [A.c_fsdsp(6, 24)], regs: [[2, SP]], fregs: [[6, dbits(1e300)]], wantMem: [[SP + 24, 8, dbits(1e300)]] },
  { name: 'c.j forward', code: [A.c_j(6), A.c_li(5, 1), A.c_li(5, 2), A.c_li(6, 3)], want: [[5, 0], [6, 3]], pc: 8 },
  { name: 'c.j backward', code: [A.c_j(8), A.c_li(6, 7), A.jal(0, 0), A.c_j(-6)], want: [[6, 7]], pc: 4 },
  { name: 'c.jr', code: [A.c_jr(5), A.c_li(6, 1), A.c_li(7, 2)], regs: [[5, CODE + 4]], want: [[6, 0], [7, 2]], pc: 6 },
  { name: 'c.jalr links pc + 2', code: [A.c_jalr(5), A.c_li(6, 1), A.c_li(7, 2)], regs: [[5, CODE + 4]], want: [[1, CODE + 2], [6, 0], [7, 2]], pc: 6 },
  { name: 'c.beqz taken', code: [A.c_beqz(8, 4), A.c_li(6, 1), A.c_li(7, 2)], regs: [[8, 0]], want: [[6, 0], [7, 2]], pc: 6 },
  { name: 'c.beqz not taken', code: [A.c_beqz(8, 4), A.c_li(6, 1)], regs: [[8, 0x1_00000000n]], want: [[6, 1]], pc: 4 },
  { name: 'c.bnez taken (high word only)', code: [A.c_bnez(15, 4), A.c_li(6, 1), A.c_li(7, 2)], regs: [[15, 0x1_00000000n]], want: [[6, 0], [7, 2]], pc: 6 },
  { name: 'c.bnez not taken', code: [A.c_bnez(15, 4), A.c_li(6, 1)], regs: [[15, 0]], want: [[6, 1]], pc: 4 },
  { name: 'c.li x0 (hint)', code: [A.c_li(0, 5)], want: [[0, 0]] },
  { name: 'c.mv x0 (hint)', code: [A.c_mv(0, 6)], regs: [[6, 9]], want: [[0, 0]] },
  { name: 'mixed: 32-bit instruction at pc % 4 == 2', code: [A.c_li(8, 3), A.addi(9, 8, 4), A.c_add(9, 9)], want: [[9, 14]] },
];

describe('C: compressed instructions executed', () => {
  test('a few dozen c.* encodings: results and pc + 2', (t) => {
    const rig = new Rig();
    for (const c of C_CASES) {
      rig.fpOn();
      for (let r = 1; r < 32; r++) rig.set(r, 0n);
      for (const [r, v] of c.regs ?? []) rig.set(r, BigInt(v));
      for (const [r, v] of c.fregs ?? []) rig.fset(r, v);
      for (const [pa, nb, v] of c.mem ?? []) rig.poke(pa, nb, v);
      const end = rig.prog(CODE, c.code);
      const len = end - CODE;
      rig.run(CODE, c.code.length + 2);
      assert.equal(rig.hart.pc - CODE, c.pc ?? len, `${c.name}: pc (mcause ${rig.hart.mcause})`);
      for (const [r, v] of c.want ?? []) assert.equal(hex(rig.get(r)), hex(BigInt(v)), `${c.name}: x${r}`);
      for (const [r, v] of c.wantF ?? []) assert.equal(hex(rig.fget(r)), hex(v), `${c.name}: f${r}`);
      for (const [pa, nb, v] of c.wantMem ?? []) assert.equal(hex(rig.peek(pa, nb)), hex(v), `${c.name}: memory`);
    }
    t.diagnostic(`${C_CASES.length} compressed cases`);
  });

  test('each compressed instruction alone advances pc by exactly 2', () => {
    const rig = new Rig();
    for (const c of C_CASES.filter((k) => k.code.length === 1)) {
      for (const [r, v] of c.regs ?? []) rig.set(r, BigInt(v));
      rig.fpOn();
      const end = rig.prog(CODE + 0x102, c.code); // a 2-byte-aligned, not 4-byte-aligned start
      rig.run(CODE + 0x102, 2);
      assert.equal(end - (CODE + 0x102), 2, c.name);
      assert.equal(rig.hart.pc, end, `${c.name}: pc`);
    }
  });

  test('c.ebreak traps with mcause 3 at its own pc', () => {
    const rig = new Rig();
    rig.put(CODE, [A.c_nop(), A.c_ebreak(), A.c_nop()]);
    rig.run(CODE, 2);
    assert.equal(rig.hart.mcause, 3n);
    assert.equal(rig.hart.mepc, BigInt(CODE + 2));
  });

  test('a 32-bit instruction straddling a 4 KiB page boundary executes (and a c.* just before it)', () => {
    const rig = new Rig();
    const at = CODE + 0x1ffc;
    rig.put(at, [A.c_addi(5, 1), A.add(3, 1, 2), A.c_addi(5, 1), A.jal(0, 0)]);
    rig.set(1, 40); rig.set(2, 2); rig.set(5, 0);
    rig.run(at, 5);
    assert.equal(rig.hart.pc, CODE + 0x2004);
    assert.equal(rig.get(3), 42n);
    assert.equal(rig.get(5), 2n);
  });
});

// ---------------------------------------------------------------------------
// Zicntr.
// ---------------------------------------------------------------------------

describe('Zicntr', () => {
  test('rdcycle/rdinstret count instructions retired before them; rdtime = cycle / 100', () => {
    for (const loops of [1, 100, 1000]) {
      const rig = new Rig();
      const end = rig.prog(CODE, [
        A.addi(5, 0, loops), A.addi(5, 5, -1), A.bne(5, 0, -4),
        A.rdcycle(1), A.rdtime(2), A.rdinstret(3), A.nop(), A.nop(), A.rdinstret(4), A.rdcycle(6),
      ]);
      const before = 1 + 2 * loops;
      rig.run(CODE, before + 7);
      assert.equal(rig.hart.pc, end);
      assert.equal(rig.get(1), BigInt(before), `rdcycle after ${before} instructions`);
      assert.equal(rig.get(2), BigInt(Math.floor((before + 1) / 100)), 'rdtime');
      assert.equal(rig.get(3), BigInt(before + 2), 'rdinstret');
      assert.equal(rig.get(4), BigInt(before + 5), 'rdinstret three instructions later');
      assert.equal(rig.get(6), BigInt(before + 6), 'rdcycle = rdinstret + 1 one instruction later');
    }
  });

  test('reads in the middle of a straight-line block see the instructions before them', () => {
    const rig = new Rig();
    const end = rig.prog(CODE, [A.nop(), A.nop(), A.nop(), A.rdinstret(1), A.nop(), A.rdcycle(2)]);
    rig.run(CODE, 7);
    assert.equal(rig.hart.pc, end);
    assert.deepEqual([rig.get(1), rig.get(2)], [3n, 5n]);
  });

  test('instret does not count a trapping instruction', () => {
    const traps: Array<[string, number, (r: Rig) => void]> = [
      ['ecall', A.ecall(), () => {}],
      ['ebreak', A.ebreak(), () => {}],
      ['illegal', 0xffffffff, () => {}],
      ['misaligned lr.w', A.lr_w(7, 8), (r) => r.set(8, DATA + 1)],
      ['load access fault', A.ld(7, 8, 0), (r) => r.set(8, 0x1000)],
      ['store access fault', A.sd(7, 8, 0), (r) => r.set(8, 0x1000)],
    ];
    for (const [what, insn, setup] of traps) {
      const rig = new Rig();
      const handler = RAM + 0xe0000;
      rig.put(handler, [A.rdinstret(2), A.jal(0, 0)]);
      rig.hart.mtvec = BigInt(handler);
      const b = new Uint8Array(12);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, A.rdinstret(1), true); dv.setUint32(4, insn >>> 0, true); dv.setUint32(8, A.jal(0, 0), true);
      rig.putBytes(CODE, b);
      setup(rig);
      rig.run(CODE, 3);
      assert.equal(rig.hart.mepc, BigInt(CODE + 4), `${what}: trapped at the instruction`);
      assert.equal(rig.get(2) - rig.get(1), 1n, `${what}: only the first rdinstret retired in between`);
      assert.equal(rig.hart.pc, handler + 4, what);
    }
  });
});
