// Tests for src/machine/fpu*.ts, against three oracles:
//  1. hand-written vectors whose answers follow from IEEE 754-2008 and the
//     RISC-V unprivileged spec (the F and D chapters);
//  2. test/fpu/golden.txt: the real instructions, run under qemu-riscv64 by
//     test/fpu/fpgen.c, for every op x every rounding mode;
//  3. fpu-exact.ts (BigInt, one rounding) for the double-based fast paths.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fpu } from '../src/machine/fpu.js';
import { exactFma, exactDiv, exactSqrt, FMT_S, FMT_D } from '../src/machine/fpu-exact.js';

const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const FPU_DIR = fileURLToPath(new URL('../../test/fpu/', import.meta.url));
const GOLDEN = join(FPU_DIR, 'golden.txt');

// ---- a tiny machine ---------------------------------------------------------

class Rig {
  readonly f = new Int32Array(64);
  readonly x = new Int32Array(64);
  readonly fpu = new Fpu(this.f, this.x);
  setF(i: number, v: bigint): void {
    this.f[2 * i] = Number(BigInt.asIntN(32, v));
    this.f[2 * i + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  getF(i: number): bigint {
    return (BigInt(this.f[2 * i + 1] >>> 0) << 32n) | BigInt(this.f[2 * i] >>> 0);
  }
  setX(i: number, v: bigint): void {
    this.x[2 * i] = Number(BigInt.asIntN(32, v));
    this.x[2 * i + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  getX(i: number): bigint {
    return (BigInt(this.x[2 * i + 1] >>> 0) << 32n) | BigInt(this.x[2 * i] >>> 0);
  }
  call(name: string, ...args: number[]): void {
    const m = (this.fpu as unknown as Record<string, (...a: number[]) => void>)[name];
    assert.equal(typeof m, 'function', `Fpu has no method ${name}`);
    m.apply(this.fpu, args);
  }
}

const BOX = 0xffffffff00000000n;
const hex = (v: bigint): string => v.toString(16).padStart(16, '0');
const f64bits = (v: number): bigint => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0);
};
const f32bits = (v: number): bigint => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v);
  return BigInt(b.getUint32(0));
};
const S = (v: number): bigint => BOX | f32bits(v); // boxed single
const D = f64bits;

/** Runs an f <- f op f [op f] instruction; returns [result bits, flags]. */
function ff(op: string, rm: number | null, ...ops: bigint[]): [bigint, number] {
  const r = new Rig();
  ops.forEach((v, i) => r.setF(i + 1, v));
  const args = [4, ...ops.map((_, i) => i + 1)];
  if (rm !== null) args.push(rm);
  r.call(op, ...args);
  return [r.getF(4), r.fpu.fflags];
}
/** Runs an x <- f instruction. */
function xf(op: string, rm: number | null, ...ops: bigint[]): [bigint, number] {
  const r = new Rig();
  ops.forEach((v, i) => r.setF(i + 1, v));
  const args = [5, ...ops.map((_, i) => i + 1)];
  if (rm !== null) args.push(rm);
  r.call(op, ...args);
  return [r.getX(5), r.fpu.fflags];
}
/** Runs an f <- x instruction. */
function fx(op: string, rm: number | null, v: bigint): [bigint, number] {
  const r = new Rig();
  r.setX(1, v);
  const args = [4, 1];
  if (rm !== null) args.push(rm);
  r.call(op, ...args);
  return [r.getF(4), r.fpu.fflags];
}
function check(got: [bigint, number], want: bigint, flags: number, what: string): void {
  assert.equal(hex(got[0]), hex(want), `${what}: result`);
  assert.equal(got[1], flags, `${what}: flags`);
}

const MODES = ['RNE', 'RTZ', 'RDN', 'RUP', 'RMM'];
const QNAN_S = BOX | 0x7fc00000n, SNAN_S = BOX | 0x7f800001n;
const QNAN_D = 0x7ff8000000000000n, SNAN_D = 0x7ff0000000000001n;
const MAX_D = 0x7fefffffffffffffn, INF_D = 0x7ff0000000000000n;

// ---- 1. hand-written vectors ------------------------------------------------

test('1/3 and -1/3 in every rounding mode (single and double)', () => {
  // 1/3 = 1.0101...b x 2^-2: the bits after binary32's 23 are 1010... (above
  // half), after binary64's 52 they are 0101... (below half).
  const s = [0x3eaaaaabn, 0x3eaaaaaan, 0x3eaaaaaan, 0x3eaaaaabn, 0x3eaaaaabn];
  const d = [0x3fd5555555555555n, 0x3fd5555555555555n, 0x3fd5555555555555n, 0x3fd5555555555556n, 0x3fd5555555555555n];
  const sn = [0xbeaaaaabn, 0xbeaaaaaan, 0xbeaaaaabn, 0xbeaaaaaan, 0xbeaaaaabn];
  const dn = [0xbfd5555555555555n, 0xbfd5555555555555n, 0xbfd5555555555556n, 0xbfd5555555555555n, 0xbfd5555555555555n];
  for (let rm = 0; rm < 5; rm++) {
    check(ff('fdiv_s', rm, S(1), S(3)), BOX | s[rm], NX, `fdiv.s 1/3 ${MODES[rm]}`);
    check(ff('fdiv_d', rm, D(1), D(3)), d[rm], NX, `fdiv.d 1/3 ${MODES[rm]}`);
    check(ff('fdiv_s', rm, S(-1), S(3)), BOX | sn[rm], NX, `fdiv.s -1/3 ${MODES[rm]}`);
    check(ff('fdiv_d', rm, D(1), D(-3)), dn[rm], NX, `fdiv.d 1/-3 ${MODES[rm]}`);
  }
});

test('ties: RNE to even, RMM away from zero; directed modes', () => {
  // 1 + 2^-24 is half-way between 1 and 1 + 2^-23 (even: 1).
  const one = 0x3f800000n, next = 0x3f800001n;
  const want = [one, one, one, next, next];
  for (let rm = 0; rm < 5; rm++) {
    check(ff('fadd_s', rm, S(1), S(2 ** -24)), BOX | want[rm], NX, `1 + 2^-24 ${MODES[rm]}`);
    check(ff('fadd_d', rm, D(1), D(2 ** -53)), want[rm] === one ? D(1) : D(1 + 2 ** -52), NX, `1 + 2^-53 ${MODES[rm]}`);
  }
  // (1 + 2^-52) * 1.5 = (1.5 + 2^-52) + 2^-53: the last kept bit is odd and
  // the dropped part is exactly half an ulp, so RNE rounds up to even.
  const lo = D(1.5 + 2 ** -52), hi = D(1.5 + 2 ** -51);
  const w = [hi, lo, lo, hi, hi];
  for (let rm = 0; rm < 5; rm++) check(ff('fmul_d', rm, D(1 + 2 ** -52), D(1.5)), w[rm], NX, `tie mul ${MODES[rm]}`);
});

test('overflow: infinity or the largest finite number, per rounding mode', () => {
  const pos = [INF_D, MAX_D, MAX_D, INF_D, INF_D];
  const neg = [INF_D, MAX_D, INF_D, MAX_D, INF_D].map((v) => v | (1n << 63n));
  const posS = [0x7f800000n, 0x7f7fffffn, 0x7f7fffffn, 0x7f800000n, 0x7f800000n];
  for (let rm = 0; rm < 5; rm++) {
    check(ff('fmul_d', rm, MAX_D, D(2)), pos[rm], OF | NX, `max*2 ${MODES[rm]}`);
    check(ff('fmul_d', rm, MAX_D, D(-2)), neg[rm], OF | NX, `max*-2 ${MODES[rm]}`);
    check(ff('fadd_s', rm, BOX | 0x7f7fffffn, BOX | 0x7f7fffffn), BOX | posS[rm], OF | NX, `FLT_MAX*2 ${MODES[rm]}`);
    check(ff('fcvt_s_d', rm, D(1e300)), BOX | posS[rm], OF | NX, `fcvt.s.d 1e300 ${MODES[rm]}`);
  }
  // DBL_MAX + half an ulp is a tie: RNE/RMM carry out (overflow); RTZ/RDN
  // stay at DBL_MAX with only NX, since rounding never reached 2^1024.
  const half = D(2 ** 970);
  check(ff('fadd_d', 0, MAX_D, half), INF_D, OF | NX, 'max + ulp/2 RNE');
  check(ff('fadd_d', 1, MAX_D, half), MAX_D, NX, 'max + ulp/2 RTZ');
  check(ff('fadd_d', 3, MAX_D, half), INF_D, OF | NX, 'max + ulp/2 RUP');
});

test('underflow: subnormal results, UF only when inexact, tininess after rounding', () => {
  // exact subnormal: no flags at all
  check(ff('fmul_s', 0, S(2 ** -126), S(0.5)), S(2 ** -127), 0, 'exact subnormal');
  check(ff('fmul_d', 0, D(2 ** -1022), D(2 ** -10)), D(2 ** -1032), 0, 'exact subnormal d');
  // half the smallest subnormal: a tie between 0 (even) and 2^-149
  const minS = BOX | 1n;
  const w = [BOX, BOX, BOX, minS, minS];
  for (let rm = 0; rm < 5; rm++) check(ff('fmul_s', rm, minS, S(0.5)), w[rm], UF | NX, `minsub/2 ${MODES[rm]}`);
  // unpriv F, "Subnormal Arithmetic": "tininess is detected after rounding".
  // v = 2^-126(1 - 2^-25) rounds (unbounded exponent, 24 bits, RNE) to
  // 2^-126: not tiny, so only NX; under RTZ it stays below 2^-126: tiny and
  // inexact, so UF too.
  const v = 0x380ffffff0000000n;
  check(ff('fcvt_s_d', 0, v), BOX | 0x00800000n, NX, 'after-rounding RNE');
  check(ff('fcvt_s_d', 1, v), BOX | 0x007fffffn, UF | NX, 'after-rounding RTZ');
  check(ff('fcvt_s_d', 3, v), BOX | 0x00800000n, NX, 'after-rounding RUP');
  // Same in double: (1 - 2^-27)(1 + 2^-27) 2^-1022 = 2^-1022 (1 - 2^-54) is
  // a 53-bit tie that RNE carries up to 2^-1022.
  const a = D(1 - 2 ** -27), b = D((1 + 2 ** -27) * 2 ** -1022);
  check(ff('fmul_d', 0, a, b), D(2 ** -1022), NX, 'after-rounding d RNE');
  check(ff('fmul_d', 1, a, b), D(2 ** -1022 - 2 ** -1074), UF | NX, 'after-rounding d RTZ');
  // ... whereas 2^-1022 (1 - 2^-53) has 53 bits: tiny even after rounding
  check(ff('fmul_d', 0, D(1 - 2 ** -53), D(2 ** -1022)), D(2 ** -1022), UF | NX, 'tiny d RNE');
});

test('NaNs: canonical results, NV only for sNaN or invalid operations', () => {
  check(ff('fadd_s', 0, QNAN_S, S(1)), QNAN_S, 0, 'qNaN + 1');
  check(ff('fadd_s', 0, SNAN_S, S(1)), QNAN_S, NV, 'sNaN + 1');
  check(ff('fadd_s', 0, BOX | 0xffc12345n, S(1)), QNAN_S, 0, 'payload not propagated');
  check(ff('fadd_d', 0, S(1), SNAN_D), QNAN_D, NV, 'sNaN + x (d)');
  check(ff('fmul_d', 0, D(0), INF_D), QNAN_D, NV, '0 * inf');
  check(ff('fsub_d', 0, INF_D, INF_D), QNAN_D, NV, 'inf - inf');
  check(ff('fdiv_d', 0, D(0), D(-0)), QNAN_D, NV, '0 / 0');
  check(ff('fdiv_s', 0, S(-1), S(0)), S(-Infinity), DZ, '-1 / +0');
  check(ff('fdiv_s', 0, S(Infinity), S(0)), S(Infinity), 0, 'inf / 0 (exact)');
  check(ff('fsqrt_d', 0, D(-1)), QNAN_D, NV, 'sqrt(-1)');
  check(ff('fsqrt_d', 0, D(-0)), D(-0), 0, 'sqrt(-0)');
  // unpriv F: NV for inf * 0 "even when the addend is a quiet NaN"
  check(ff('fmadd_d', 0, INF_D, D(0), QNAN_D), QNAN_D, NV, 'fma inf*0 + qNaN');
  check(ff('fmadd_s', 0, S(2), S(3), QNAN_S), QNAN_S, 0, 'fma 2*3 + qNaN');
  check(ff('fcvt_d_s', 0, SNAN_S), QNAN_D, NV, 'fcvt.d.s sNaN');
  check(ff('fcvt_s_d', 0, QNAN_D | 5n), QNAN_S, 0, 'fcvt.s.d qNaN');
});

test('NaN-boxing of single-precision operands and results', () => {
  const unboxed = 0x000000003f800000n; // 1.0f with the upper half zero
  check(ff('fadd_s', 0, unboxed, S(1)), QNAN_S, 0, 'badly boxed operand is canonical qNaN');
  check(ff('fsgnj_s', null, unboxed, S(-1)), BOX | 0xffc00000n, 0, 'fsgnj.s sees canonical NaN');
  check(ff('fsgnjx_s', null, S(-2), unboxed), S(-2), 0, 'fsgnjx.s sign of canonical NaN is +');
  check(xf('fclass_s', null, unboxed), 512n, 0, 'fclass.s of badly boxed: quiet NaN');
  check(xf('fmv_x_w', null, 0x12345678bf800000n), 0xffffffffbf800000n, 0, 'fmv.x.w ignores upper bits');
  check(fx('fmv_w_x', null, 0x123456783f800000n), S(1), 0, 'fmv.w.x boxes');
  check(ff('fcvt_d_s', 0, unboxed), QNAN_D, 0, 'fcvt.d.s of badly boxed');
  check(ff('fmul_s', 0, S(1.5), S(2)), S(3), 0, 'results are boxed');
});

test('fmin/fmax: -0 < +0, one NaN returns the other, sNaN sets NV', () => {
  for (const [a, b] of [[D(-0), D(0)], [D(0), D(-0)]]) {
    check(ff('fmin_d', null, a, b), D(-0), 0, 'fmin(+-0)');
    check(ff('fmax_d', null, a, b), D(0), 0, 'fmax(+-0)');
    check(ff('fmin_s', null, a === D(0) ? S(0) : S(-0), b === D(0) ? S(0) : S(-0)), S(-0), 0, 'fmin.s(+-0)');
  }
  check(ff('fmin_d', null, QNAN_D, D(1)), D(1), 0, 'fmin(qNaN, 1)');
  check(ff('fmax_s', null, S(-5), SNAN_S), S(-5), NV, 'fmax(-5, sNaN)');
  check(ff('fmin_s', null, QNAN_S, SNAN_S), QNAN_S, NV, 'fmin(qNaN, sNaN)');
  check(ff('fmax_d', null, D(-1), D(-2)), D(-1), 0, 'fmax(-1,-2)');
});

test('comparisons: feq quiet, flt/fle signaling', () => {
  check(xf('feq_d', null, QNAN_D, D(1)), 0n, 0, 'feq qNaN');
  check(xf('feq_d', null, SNAN_D, D(1)), 0n, NV, 'feq sNaN');
  check(xf('flt_d', null, QNAN_D, D(1)), 0n, NV, 'flt qNaN');
  check(xf('fle_s', null, S(1), QNAN_S), 0n, NV, 'fle qNaN');
  check(xf('feq_s', null, S(-0), S(0)), 1n, 0, 'feq -0 +0');
  check(xf('flt_s', null, S(-0), S(0)), 0n, 0, 'flt -0 +0');
  check(xf('fle_d', null, D(-0), D(0)), 1n, 0, 'fle -0 +0');
  check(xf('flt_d', null, D(-Infinity), MAX_D | (1n << 63n)), 1n, 0, 'flt -inf < -max');
});

test('fclass: the ten classes', () => {
  const cases: [bigint, number][] = [
    [0xfff0000000000000n, 1], [D(-1), 2], [0x800000000000000fn, 4], [D(-0), 8], [D(0), 16],
    [1n, 32], [D(1), 64], [INF_D, 128], [SNAN_D, 256], [QNAN_D, 512],
  ];
  for (const [v, m] of cases) check(xf('fclass_d', null, v), BigInt(m), 0, `fclass.d ${hex(v)}`);
  check(xf('fclass_s', null, SNAN_S), 256n, 0, 'fclass.s sNaN');
  check(xf('fclass_s', null, BOX | 0x807fffffn), 4n, 0, 'fclass.s -subnormal');
});

test('float-to-integer: the saturation table and rounding to integer', () => {
  // unpriv F, table "Domains of float-to-integer conversions and behavior for
  // invalid inputs": NaN and +overflow give the maximum, -overflow the minimum.
  const T: [string, bigint, bigint, number][] = [
    ['fcvt_w_d', QNAN_D, 0x7fffffffn, NV], ['fcvt_w_d', D(Infinity), 0x7fffffffn, NV],
    ['fcvt_w_d', D(-Infinity), 0xffffffff80000000n, NV], ['fcvt_w_d', D(2 ** 31), 0x7fffffffn, NV],
    ['fcvt_w_d', D(-(2 ** 31)), 0xffffffff80000000n, 0], ['fcvt_w_d', D(-(2 ** 31) - 1), 0xffffffff80000000n, NV],
    ['fcvt_wu_d', QNAN_D, 0xffffffffffffffffn, NV], ['fcvt_wu_d', D(-1), 0n, NV],
    ['fcvt_wu_d', D(-0.9), 0n, NX], ['fcvt_wu_d', D(3e9), 0xffffffffb2d05e00n, 0],
    ['fcvt_wu_d', D(2 ** 32), 0xffffffffffffffffn, NV],
    ['fcvt_l_d', QNAN_D, 0x7fffffffffffffffn, NV], ['fcvt_l_d', D(2 ** 63), 0x7fffffffffffffffn, NV],
    ['fcvt_l_d', D(-(2 ** 63)), 0x8000000000000000n, 0], ['fcvt_l_d', D(-Infinity), 0x8000000000000000n, NV],
    ['fcvt_lu_d', QNAN_D, 0xffffffffffffffffn, NV], ['fcvt_lu_d', D(-Infinity), 0n, NV],
    ['fcvt_lu_d', D(2 ** 64), 0xffffffffffffffffn, NV], ['fcvt_lu_d', D(2 ** 64 - 2048), 0xfffffffffffff800n, 0],
    ['fcvt_w_s', SNAN_S, 0x7fffffffn, NV], ['fcvt_l_s', S(-1.5), 0xffffffffffffffffn, NX],
  ];
  for (const [op, v, want, fl] of T) check(xf(op, 1, v), want, fl, `${op} ${hex(v)}`);
  // 2.5 and -2.5 in each mode
  const p = [2n, 2n, 2n, 3n, 3n], n = [-2n, -2n, -3n, -2n, -3n];
  for (let rm = 0; rm < 5; rm++) {
    check(xf('fcvt_w_d', rm, D(2.5)), p[rm], NX, `2.5 ${MODES[rm]}`);
    check(xf('fcvt_l_s', rm, S(-2.5)), BigInt.asUintN(64, n[rm]), NX, `-2.5 ${MODES[rm]}`);
  }
  // x0 stays zero, the flags still accrue
  const r = new Rig();
  r.setF(1, D(1.5));
  r.fpu.fcvt_w_d(0, 1, 0);
  assert.equal(r.getX(0), 0n);
  assert.equal(r.fpu.fflags, NX);
});

test('integer-to-float: rounding per rm', () => {
  // 2^24 + 1 and 2^53 + 1 are ties
  const s = [16777216, 16777216, 16777216, 16777218, 16777218];
  for (let rm = 0; rm < 5; rm++) {
    check(fx('fcvt_s_w', rm, 16777217n), S(s[rm]), NX, `fcvt.s.w 2^24+1 ${MODES[rm]}`);
    check(fx('fcvt_d_l', rm, 2n ** 53n + 1n), D(s[rm] === 16777216 ? 2 ** 53 : 2 ** 53 + 2), NX, `fcvt.d.l 2^53+1 ${MODES[rm]}`);
  }
  check(fx('fcvt_s_wu', 1, 0xffffffffn), S(4294967040), NX, 'fcvt.s.wu max RTZ');
  check(fx('fcvt_s_w', 0, 0x1234567800000005n), S(5), 0, 'fcvt.s.w ignores the upper half');
  check(fx('fcvt_d_lu', 0, 0xffffffffffffffffn), D(2 ** 64), NX, 'fcvt.d.lu max');
  check(fx('fcvt_d_l', 2, 0x8000000000000001n), D(-(2 ** 63)), NX, 'fcvt.d.l min+1 RDN');
  check(fx('fcvt_d_l', 3, 0x8000000000000001n), D(-(2 ** 63) + 1024), NX, 'fcvt.d.l min+1 RUP');
});

test('fused multiply-add rounds once; signs of exact zeros', () => {
  // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; unfused it would be 0.
  check(ff('fmadd_d', 0, D(1 + 2 ** -52), D(1 - 2 ** -52), D(-1)), D(-(2 ** -104)), 0, 'fmadd exact');
  check(ff('fmsub_s', 0, S(1 + 2 ** -23), S(1 - 2 ** -23), S(1)), S(-(2 ** -46)), 0, 'fmsub.s exact');
  check(ff('fnmadd_d', 0, D(2), D(3), D(4)), D(-10), 0, 'fnmadd = -(a*b) - c');
  check(ff('fnmsub_d', 0, D(2), D(3), D(4)), D(-2), 0, 'fnmsub = -(a*b) + c');
  check(ff('fsub_d', 0, D(1.25), D(1.25)), D(0), 0, 'x - x RNE');
  check(ff('fsub_d', 2, D(1.25), D(1.25)), D(-0), 0, 'x - x RDN');
  check(ff('fadd_s', 0, S(-0), S(-0)), S(-0), 0, '-0 + -0');
  check(ff('fadd_s', 2, S(0), S(-0)), S(-0), 0, '+0 + -0 RDN');
  check(ff('fmadd_d', 2, D(1), D(1), D(-1)), D(-0), 0, '1*1 - 1 RDN');
  check(ff('fmadd_d', 3, D(1), D(1), D(-1)), D(0), 0, '1*1 - 1 RUP');
});

test('aliased registers: rd may equal a source', () => {
  const r = new Rig();
  r.setF(1, D(3));
  r.setF(2, D(-2));
  r.fpu.fsgnj_d(2, 1, 2);
  assert.equal(hex(r.getF(2)), hex(D(-3)));
  r.fpu.fmadd_d(1, 1, 1, 1, 0);
  assert.equal(hex(r.getF(1)), hex(D(12)));
});

// ---- 2. golden vectors from the real instructions ------------------------------

const X_DEST = /^(feq|flt|fle|fclass|fmv\.x\.|fcvt\.(w|wu|l|lu)\.)/;
const X_SRC = /^(fmv\.[wd]\.x|fcvt\.[sd]\.(w|wu|l|lu))$/;

/** Checks every line of a golden file; returns the mismatches (at most 30). */
function runGolden(text: string): { count: number; bad: string[] } {
  const rig = new Rig();
  const bad: string[] = [];
  let count = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const t = line.split(' ');
    const arrow = t.indexOf('->');
    const op = t[0], rm = t[1];
    const srcs = t.slice(2, arrow).map((h) => BigInt('0x' + h));
    const want = t[arrow + 1], wantFl = parseInt(t[arrow + 2], 16);
    const xd = X_DEST.test(op), xs = X_SRC.test(op);
    // junk in the destination, to see that it is fully written
    rig.setF(9, 0x5555aaaa5555aaaan);
    rig.setX(9, 0x5555aaaa5555aaaan);
    srcs.forEach((v, i) => (xs ? rig.setX(i + 1, v) : rig.setF(i + 1, v)));
    const args = [9, ...srcs.map((_, i) => i + 1)];
    if (rm !== '-') args.push(Number(rm));
    rig.fpu.fflags = 0;
    rig.call(op.replace(/\./g, '_'), ...args);
    const got = hex(xd ? rig.getX(9) : rig.getF(9));
    count++;
    if (got !== want || rig.fpu.fflags !== wantFl) {
      if (bad.length < 30) bad.push(`${line}   got ${got} ${rig.fpu.fflags.toString(16).padStart(2, '0')}`);
    }
  }
  return { count, bad };
}

test('golden vectors (test/fpu/golden.txt, from qemu-riscv64)', () => {
  const { count, bad } = runGolden(readFileSync(GOLDEN, 'utf8'));
  assert.ok(count > 20000, `only ${count} golden vectors`);
  assert.deepEqual(bad, [], `${bad.length}+ of ${count} golden vectors differ`);
});

test('golden file is what fpgen.c produces now', (t) => {
  const have = (cmd: string): boolean => !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error;
  if (!have('riscv64-linux-gnu-gcc') || !have('qemu-riscv64')) {
    t.skip('riscv64-linux-gnu-gcc and qemu-riscv64 are not both on PATH');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fpgen-'));
  try {
    const exe = join(dir, 'fpgen');
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', exe, join(FPU_DIR, 'fpgen.c')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const run = spawnSync('qemu-riscv64', [exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, run.stderr);
    writeFileSync(join(dir, 'golden.txt'), run.stdout);
    assert.ok(run.stdout === readFileSync(GOLDEN, 'utf8'), 'regenerated golden output differs from test/fpu/golden.txt');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- 3. fast paths against the exact BigInt reference ------------------------

/** xorshift64*-style generator over 32-bit halves, deterministic. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return s >>> 0;
  };
}

/** A random finite double, biased toward edge cases for the fast paths. */
function randD(r: () => number): number {
  const dv = new DataView(new ArrayBuffer(8));
  const k = r() % 8;
  let e: number;
  if (k < 4) e = 1023 + (r() % 80) - 40;
  else if (k < 5) e = r() % 2047; // anywhere finite
  else if (k < 6) e = 2046 - (r() % 30); // near overflow
  else if (k < 7) e = r() % 60; // near underflow / subnormal
  else e = 1023 + (r() % 8);
  let hi = (e << 20) | (r() & 0xfffff), lo = r();
  if (r() % 3 === 0) lo &= ~((1 << (r() % 32)) - 1); // trailing zeros: exact cases, ties
  if (r() % 2) hi |= 0x80000000;
  dv.setUint32(0, hi >>> 0);
  dv.setUint32(4, lo >>> 0);
  return dv.getFloat64(0);
}

test('double fast paths agree with the exact reference (random, every rm)', () => {
  const r = rng(12345);
  const rig = new Rig();
  const ref = { fflags: 0 };
  let n = 0;
  const cmp = (what: string, a: number[], want: number): void => {
    const got = rig.getF(4);
    if (hex(got) !== hex(D(want)) || rig.fpu.fflags !== ref.fflags) {
      assert.fail(`${what}(${a.join(', ')}): got ${hex(got)}/${rig.fpu.fflags} want ${hex(D(want))}/${ref.fflags}`);
    }
    n++;
  };
  for (let i = 0; i < 6000; i++) {
    let a = randD(r), b = randD(r), c = randD(r);
    if (i % 4 === 1) c = -(a * b) * (1 + (r() % 5 - 2) * 2 ** -52); // cancellation
    if (i % 4 === 2) b = -a * (1 + (r() % 9 - 4) * 2 ** -52);
    if (!Number.isFinite(c)) c = 1;
    rig.setF(1, D(a)); rig.setF(2, D(b)); rig.setF(3, D(c));
    for (let rm = 0; rm < 5; rm++) {
      const run = (op: string, want: () => number, ...args: number[]): void => {
        rig.fpu.fflags = 0; ref.fflags = 0;
        rig.call(op, 4, ...args, rm);
        cmp(`${op} ${MODES[rm]}`, [a, b, c], want());
      };
      run('fadd_d', () => exactFma(ref, 1, a, b, FMT_D, rm), 1, 2);
      run('fmul_d', () => (a === 0 || b === 0 ? a * b : exactFma(ref, a, b, 0, FMT_D, rm)), 1, 2);
      run('fmadd_d', () => exactFma(ref, a, b, c, FMT_D, rm), 1, 2, 3);
      if (b !== 0 && a !== 0) run('fdiv_d', () => exactDiv(ref, a, b, FMT_D, rm), 1, 2);
      if (a > 0) run('fsqrt_d', () => exactSqrt(ref, a, FMT_D, rm), 1);
    }
  }
  assert.ok(n > 100000);
});

test('single fast paths agree with the exact reference (random, every rm)', () => {
  const r = rng(777);
  const rig = new Rig();
  const ref = { fflags: 0 };
  const rs = (): number => {
    const v = Math.fround(randD(r) * 2 ** -(r() % 200 - 100));
    return Number.isFinite(v) ? v : 1.5;
  };
  for (let i = 0; i < 6000; i++) {
    const a = rs(), b = i % 3 === 1 ? Math.fround(-a * (1 + (r() % 5 - 2) * 2 ** -23)) : rs();
    let c = i % 3 === 2 ? Math.fround(-a * b) : rs();
    if (!Number.isFinite(c)) c = rs();
    rig.setF(1, S(a)); rig.setF(2, S(b)); rig.setF(3, S(c));
    for (let rm = 0; rm < 5; rm++) {
      const run = (op: string, want: number, ...args: number[]): void => {
        const wantFl = ref.fflags;
        rig.fpu.fflags = 0;
        rig.call(op, 4, ...args, rm);
        const got = rig.getF(4);
        if (hex(got) !== hex(S(want)) || rig.fpu.fflags !== wantFl) {
          assert.fail(`${op} ${MODES[rm]} (${a}, ${b}, ${c}): got ${hex(got)}/${rig.fpu.fflags} want ${hex(S(want))}/${wantFl}`);
        }
      };
      ref.fflags = 0; run('fadd_s', exactFma(ref, 1, a, b, FMT_S, rm), 1, 2);
      ref.fflags = 0; run('fmadd_s', exactFma(ref, a, b, c, FMT_S, rm), 1, 2, 3);
      if (a !== 0 && b !== 0) { ref.fflags = 0; run('fmul_s', exactFma(ref, a, b, 0, FMT_S, rm), 1, 2); }
      if (a !== 0 && b !== 0) { ref.fflags = 0; run('fdiv_s', exactDiv(ref, a, b, FMT_S, rm), 1, 2); }
      if (a > 0) { ref.fflags = 0; run('fsqrt_s', exactSqrt(ref, a, FMT_S, rm), 1); }
    }
  }
});
