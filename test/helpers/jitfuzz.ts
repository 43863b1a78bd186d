// The JIT's differential fuzzer: random valid RV64IMC instruction sequences
// (ALU, M with edge operands, integer and FP loads and stores of every width and alignment, double-precision
// arithmetic, conversions, compares and moves over edge values in every rounding mode, forward branches
// and jumps, a counted loop around the body, rare faulting loads and
// ecalls), run on the interpreter and on the JIT (src/machine/jit) from the
// same state, in the same budget slices; the architectural state after each
// slice must agree. The oracle is the interpreter. Used by test/jit.test.ts
// (fixed seeds, a few hundred programs) and fuzz/jit.ts (many more).

import * as A from './asm.js';
import { Rig, CODE, DATA, prng } from './rig.js';
import type { JitBackend } from '../../src/machine/jit/jit.js';

/** x31 holds DATA, x30 counts the loop down, x29 holds 0 (a faulting base); the body writes only x1..x28. */
const BASE = 31, COUNT = 30, ZERO_BASE = 29;

type Item = { insn: number } | { branch: (off: number) => number; to: number; len: 2 | 4 };

const R_OPS = [A.add, A.sub, A.sll, A.slt, A.sltu, A.xor, A.srl, A.sra, A.or, A.and, A.addw, A.subw, A.sllw, A.srlw, A.sraw,
  A.mul, A.mulh, A.mulhsu, A.mulhu, A.div, A.divu, A.rem, A.remu, A.mulw, A.divw, A.divuw, A.remw, A.remuw];
const I_OPS = [A.addi, A.slti, A.sltiu, A.xori, A.ori, A.andi, A.addiw];
const SH_OPS: [(rd: number, rs1: number, sh: number) => number, number][] = [[A.slli, 63], [A.srli, 63], [A.srai, 63], [A.slliw, 31], [A.srliw, 31], [A.sraiw, 31]];
const LOADS = [A.lb, A.lh, A.lw, A.ld, A.lbu, A.lhu, A.lwu, A.flw, A.fld];
const STORES = [A.sb, A.sh, A.sw, A.sd, A.fsw, A.fsd];
const BRANCHES = [A.beq, A.bne, A.blt, A.bge, A.bltu, A.bgeu];
/** Double-precision instructions, by shape: f := f op f (rounded), f := f op f (exact), x := f ? f, x := f, f := x, and the fused forms. */
const FP_RR = [A.fadd_d, A.fsub_d, A.fmul_d, A.fdiv_d];
const FP_EXACT = [A.fsgnj_d, A.fsgnjn_d, A.fsgnjx_d, A.fmin_d, A.fmax_d];
const FP_CMP = [A.feq_d, A.flt_d, A.fle_d];
const FP_TO_X = [A.fcvt_w_d, A.fcvt_wu_d, A.fcvt_l_d, A.fcvt_lu_d];
const FP_FROM_X = [A.fcvt_d_w, A.fcvt_d_wu, A.fcvt_d_l, A.fcvt_d_lu];
const FP_FMA = [A.fmadd_d, A.fmsub_d, A.fnmsub_d, A.fnmadd_d];
/** Doubles at the edges of the JIT's fast paths (jit/wasm-fp.ts) and of the FPU's cases. */
const F_EDGES = [0, -0, 1, -1, 0.5, 0.1, 1 / 3, -2.75, 3, 10, Math.PI, Infinity, -Infinity, NaN, 2 ** -1022, 1.5 * 2 ** -1022, 5e-324,
  2 ** -1050, 2 ** -300, 2 ** -301, 2 ** 300, 2 ** 301, 2 ** 1000, Number.MAX_VALUE, 2 ** 53, 2 ** 53 + 2, 2 ** 31, 2 ** 31 - 0.5,
  -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 32 - 1, 2 ** 63, -(2 ** 63), 2 ** 64, -0.5, 2.5, -3.5];
const f64bits = (v: number) => new BigUint64Array(new Float64Array([v]).buffer)[0];
/** A signaling NaN (quiet bit clear), which no host operation produces. */
const SNAN = 0x7ff4000000000000n;

/** One program: the items of its body, the loop count, the initial registers and the data bytes. */
export interface FuzzCase {
  code: number[]; regs: bigint[]; fregs: bigint[]; fflags: number; frm: number; data: Uint8Array; threshold: number; slices: number[]; fpu: boolean;
}

export function makeCase(seed: number, bodyLen = 40): FuzzCase {
  const rnd = prng(seed), pick = <T>(a: readonly T[]) => a[rnd() % a.length];
  const reg = () => 1 + (rnd() % 28), src = () => rnd() % 32;
  const imm12 = () => (rnd() % 4096) - 2048;
  const body: Item[] = [], traps = rnd() % 4 === 0; // one program in four may fault or ecall
  const fp = rnd() % 3 === 0; // one in three has double-precision arithmetic
  const f = () => rnd() % 32, rm = () => (rnd() % 10 < 6 ? 7 : rnd() % 10 === 0 ? 5 : rnd() % 5); // rm 5 is reserved

  for (let k = 0; k < bodyLen; k++) {
    const r = rnd() % 100;
    if (fp && r < 30) body.push({ insn: fpInsn(rnd, reg, src, f, rm) });
    else if (r < 25) body.push({ insn: pick(R_OPS)(reg(), src(), src()) });
    else if (r < 40) body.push({ insn: pick(I_OPS)(reg(), src(), imm12()) });
    else if (r < 48) { const [op, max] = pick(SH_OPS); body.push({ insn: op(reg(), src(), rnd() % (max + 1)) }); }
    else if (r < 52) body.push({ insn: rnd() % 2 ? A.lui(reg(), rnd() % (1 << 20)) : A.auipc(reg(), rnd() % (1 << 20)) });
    else if (r < 64) body.push({ insn: pick(LOADS)(reg(), BASE, rnd() % 248) });
    else if (r < 74) body.push({ insn: pick(STORES)(src(), BASE, rnd() % 248) });
    else if (r < 84) { const op = pick(BRANCHES), a = src(), b = src(); body.push({ branch: (off) => op(a, b, off), to: k + 1 + (rnd() % 4), len: 4 }); }
    else if (r < 87) body.push({ branch: (off) => A.jal(rnd() % 2 ? 0 : reg(), off), to: k + 1 + (rnd() % 3), len: 4 });
    else if (r < 95) body.push({ insn: compressed(rnd, reg) });
    else if (r < 96 && traps) body.push({ insn: pick(LOADS)(reg(), ZERO_BASE, rnd() % 64) }); // access fault: to the handler
    else if (r < 97 && traps) body.push({ insn: A.ecall() });
    else body.push({ insn: A.fence() });
  }
  const items: Item[] = [{ insn: A.addi(COUNT, 0, 2 + (rnd() % 12)) }, ...body.map((it) => ('to' in it ? { ...it, to: it.to + 1 } : it)),
    { insn: A.addi(COUNT, COUNT, -1) }, { branch: (off) => A.bne(COUNT, 0, off), to: 1, len: 4 }];
  const regs = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : randomValue(rnd)));
  regs[BASE] = BigInt(DATA); regs[ZERO_BASE] = 0n;
  const fregs = Array.from({ length: 32 }, () => {
    const k = rnd() % 8;
    return k === 0 ? (BigInt(rnd()) << 32n) | BigInt(rnd()) : k === 1 ? SNAN : f64bits(k === 2 ? (rnd() % 2000 - 1000) / 7 : F_EDGES[rnd() % F_EDGES.length]);
  });
  // Mostly NX already set (the fast paths' case) and round-to-nearest; sometimes other modes, or frm invalid.
  const fflags = rnd() % 4 === 0 ? rnd() % 32 : 1 | (rnd() % 2 === 0 ? 0 : rnd() % 32), frm = rnd() % 3 === 0 ? 1 + (rnd() % 5) : 0;
  const data = new Uint8Array(256).map(() => rnd() & 0xff);
  const slices = Array.from({ length: 6 }, () => 1 + (rnd() % 300));
  // The FPU is on in most programs; off, every FP load and store is an illegal instruction.
  return { code: layout(items), regs, fregs, fflags, frm, data, threshold: [0, 0, 1, 2][rnd() % 4], slices, fpu: rnd() % 8 !== 0 };
}

function fpInsn(rnd: () => number, reg: () => number, src: () => number, f: () => number, rm: () => number): number {
  const pick = <T>(a: readonly T[]) => a[rnd() % a.length];
  switch (rnd() % 9) {
    case 0: case 1: return pick(FP_RR)(f(), f(), f(), rm());
    case 2: return A.fsqrt_d(f(), f(), rm());
    case 3: case 4: return pick(FP_FMA)(f(), f(), f(), f(), rm());
    case 5: return pick(FP_EXACT)(f(), f(), f());
    case 6: return rnd() % 2 ? pick(FP_CMP)(reg(), f(), f()) : rnd() % 2 ? A.fmv_x_d(reg(), f()) : A.fmv_d_x(f(), src());
    case 7: return pick(FP_TO_X)(reg(), f(), rm());
    default: return pick(FP_FROM_X)(f(), src(), rm());
  }
}

function compressed(rnd: () => number, reg: () => number): number {
  const c = () => 8 + (rnd() % 8), nz = () => { const v = (rnd() % 63) - 31; return v === 0 ? 1 : v; };
  switch (rnd() % 8) {
    case 0: return A.c_addi(reg(), nz());
    case 1: return A.c_addiw(reg(), nz());
    case 2: return A.c_li(reg(), nz());
    case 3: return A.c_mv(reg(), reg());
    case 4: return A.c_add(reg(), reg());
    case 5: return A.c_sub(c(), c());
    case 6: return A.c_slli(reg(), 1 + (rnd() % 63));
    default: return A.c_xor(c(), c());
  }
}

/** Edge values: 0, -1, the most negative 64-bit and 32-bit numbers (division by zero, and overflow). */
const EDGES = [0n, 0xffffffffffffffffn, 0x8000000000000000n, 0xffffffff80000000n];

function randomValue(rnd: () => number): bigint {
  const v = (BigInt(rnd()) << 32n) | BigInt(rnd());
  switch (rnd() % 6) {
    case 0: return BigInt.asUintN(64, BigInt.asIntN(32, v)); // sign-extended 32-bit
    case 1: return v & 0xffn;
    case 2: return EDGES[rnd() % EDGES.length];
    default: return v;
  }
}

/** Lays the items out (2 or 4 bytes each), resolving branch targets to byte offsets; ends with `j .`. */
function layout(items: Item[]): number[] {
  const len = (it: Item) => ('insn' in it ? ((it.insn & 3) === 3 ? 4 : 2) : it.len);
  const at: number[] = [];
  let pos = 0;
  for (const it of items) { at.push(pos); pos += len(it); }
  at.push(pos);
  return [...items.map((it, k) => ('insn' in it ? it.insn : it.branch(at[Math.min(it.to, items.length)] - at[k]))), A.jal(0, 0)];
}

/** Runs a case on a fresh rig, JIT on (at the case's threshold) or off; returns the state after each slice. */
export function runCase(c: FuzzCase, jit: boolean, backend: JitBackend = 'wasm'): string[] {
  const rig = new Rig();
  if (c.fpu) rig.fpOn();
  rig.hart.setJit(jit ? { threshold: c.threshold, backend } : undefined);
  rig.put(CODE, c.code);
  rig.board.bus.load(DATA, c.data);
  c.regs.forEach((v, i) => { if (i > 0) rig.set(i, v); });
  c.fregs.forEach((v, i) => rig.fset(i, v));
  rig.hart.fpu.fflags = c.fflags; rig.hart.fpu.frm = c.frm;
  rig.hart.pc = CODE;
  const out = c.slices.map((n) => { rig.hart.run(n); return snapshot(rig); });
  // A region that failed to compile would be interpreted: nothing compared.
  const failures = rig.hart.jit?.stats().failures ?? 0;
  if (failures > 0) throw new Error(`${failures} regions failed to compile`);
  return out;
}

function snapshot(rig: Rig): string {
  const h = rig.hart, regs = Array.from({ length: 32 }, (_, i) => rig.get(i).toString(16));
  const data = Buffer.from(rig.board.bus.ram8.subarray(DATA - CODE, DATA - CODE + 256)).toString('hex');
  return `pc=${rig.pc().toString(16)} instret=${h.instret} cycle=${h.cycle} traps=${h.traps} mepc=${h.mepc.toString(16)} ` +
    `mcause=${h.mcause} mtval=${h.mtval.toString(16)} mstatus=${h.mstatus} fflags=${h.fpu.fflags} frm=${h.fpu.frm} x=${regs.join(',')} f=${Array.from(h.f).join(',')} data=${data}`;
}

/** The first difference between the interpreter and the JIT on seed `seed`, or undefined when they agree. */
export function differ(seed: number, backend: JitBackend = 'wasm'): string | undefined {
  const c = makeCase(seed), a = runCase(c, false), b = runCase(c, true, backend);
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return `seed ${seed}, slice ${k}:\n interpreter ${a[k]}\n jit         ${b[k]}`;
  return undefined;
}
