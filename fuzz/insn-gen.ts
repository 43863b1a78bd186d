// The differential instruction fuzzer's generator: random valid RV64GC
// instruction streams that cannot loop and touch memory only inside a
// 256-byte buffer. Covers:
//   - RV64I: every register-register and register-immediate ALU op, lui, auipc;
//   - M: all thirteen multiply/divide ops (division by zero and overflow included);
//   - loads and stores of every width, aligned, on the buffer (x3 = gp is its base and never written);
//   - A: lr/sc pairs and every AMO, .w and .d, on the buffer;
//   - F and D: arithmetic, sqrt, fused multiply-add, min/max, sign injection, compares, fclass,
//     conversions (every integer type, s<->d), moves, in every static rounding mode and DYN, on
//     edge values (signed zeros, infinities, quiet and signalling NaNs, subnormals, unboxed singles);
//     fflags and frm are compared too; NaN results are compared bit for bit, as the spec fixes them;
//   - C: the integer ALU forms (c.li, c.lui, c.addi, c.addiw, c.slli/srli/srai, c.andi, c.mv,
//     c.add, c.sub, c.xor, c.or, c.and, c.addw, c.subw, c.nop);
//   - forward branches and jal over the next one to three instructions (never backwards).
// Left out: jalr, backward branches, ecall/ebreak, CSRs other than fflags/frm/fcsr, misaligned and
// out-of-buffer accesses, compressed loads/stores and jumps, rdcycle/rdtime/rdinstret, fence.i.

import * as A from '../test/helpers/asm.js';
import { Rng } from './rng.js';

/** Where the data page sits and what is in it (offsets from gp). */
export const DATA = { base: 0x20000, xInit: 0x000, fInit: 0x100, buffer: 0x200, dump: 0x300 } as const;
export const BUFFER_SIZE = 256;
export const GP = 3;

/** One item of a stream: fixed instructions, or a forward jump over the next `skip` items. */
export type Item = { insns: number[] } | { jump: (offset: number) => number; skip: number };

const rd = (r: Rng) => { let x; do x = r.below(32); while (x === GP); return x; };
const rs = (r: Rng) => r.below(32);
const fr = (r: Rng) => r.below(32);
const rm = (r: Rng) => r.pick([0, 1, 2, 3, 4, 7]);
const imm12 = (r: Rng) => r.pick([0, 1, -1, 2047, -2048, 0x7f, 0x80]) ?? 0;
const creg = (r: Rng) => 8 + r.below(8);

const ALU = [A.add, A.sub, A.sll, A.slt, A.sltu, A.xor, A.srl, A.sra, A.or, A.and,
  A.addw, A.subw, A.sllw, A.srlw, A.sraw,
  A.mul, A.mulh, A.mulhsu, A.mulhu, A.div, A.divu, A.rem, A.remu, A.mulw, A.divw, A.divuw, A.remw, A.remuw];
const ALU_IMM = [A.addi, A.slti, A.sltiu, A.xori, A.ori, A.andi, A.addiw];
const SHIFT_IMM: [(d: number, s: number, sh: number) => number, number][] =
  [[A.slli, 64], [A.srli, 64], [A.srai, 64], [A.slliw, 32], [A.srliw, 32], [A.sraiw, 32]];
const LOADS: [(d: number, s: number, o: number) => number, number][] =
  [[A.lb, 1], [A.lh, 2], [A.lw, 4], [A.ld, 8], [A.lbu, 1], [A.lhu, 2], [A.lwu, 4]];
const STORES: [(v: number, s: number, o: number) => number, number][] = [[A.sb, 1], [A.sh, 2], [A.sw, 4], [A.sd, 8]];
const AMO_W = [A.amoswap_w, A.amoadd_w, A.amoxor_w, A.amoand_w, A.amoor_w, A.amomin_w, A.amomax_w, A.amominu_w, A.amomaxu_w];
const AMO_D = [A.amoswap_d, A.amoadd_d, A.amoxor_d, A.amoand_d, A.amoor_d, A.amomin_d, A.amomax_d, A.amominu_d, A.amomaxu_d];
const FARITH = [A.fadd_s, A.fsub_s, A.fmul_s, A.fdiv_s, A.fadd_d, A.fsub_d, A.fmul_d, A.fdiv_d];
const FMINOR = [A.fsgnj_s, A.fsgnjn_s, A.fsgnjx_s, A.fsgnj_d, A.fsgnjn_d, A.fsgnjx_d, A.fmin_s, A.fmax_s, A.fmin_d, A.fmax_d];
const FCMP = [A.feq_s, A.flt_s, A.fle_s, A.feq_d, A.flt_d, A.fle_d];
const FMA = [A.fmadd_s, A.fmsub_s, A.fnmsub_s, A.fnmadd_s, A.fmadd_d, A.fmsub_d, A.fnmsub_d, A.fnmadd_d];
const BRANCH = [A.beq, A.bne, A.blt, A.bge, A.bltu, A.bgeu];

/** An aligned offset of a `size`-byte access inside the buffer, from gp. */
const bufOff = (r: Rng, size: number) => DATA.buffer + r.below(BUFFER_SIZE / size) * size;

function fpInsn(r: Rng): number {
  switch (r.below(8)) {
    case 0: return r.pick(FARITH)(fr(r), fr(r), fr(r), rm(r));
    case 1: return r.pick([A.fsqrt_s, A.fsqrt_d])(fr(r), fr(r), rm(r));
    case 2: return r.pick(FMINOR)(fr(r), fr(r), fr(r));
    case 3: return r.pick(FCMP)(rd(r), fr(r), fr(r));
    case 4: return r.pick(FMA)(fr(r), fr(r), fr(r), fr(r), rm(r));
    case 5: return r.pick([A.fclass_s, A.fclass_d, A.fmv_x_w, A.fmv_x_d])(rd(r), fr(r));
    case 6: return r.pick([A.fmv_w_x, A.fmv_d_x])(fr(r), rs(r));
    default: {
      // fcvt: OP-FP funct5 0x18 (to integer), 0x1a (from integer), 0x08 (s<->d); rs2 selects the type.
      const k = r.below(3), sel = r.below(4), fmt = r.below(2);
      if (k === 0) return A.opfp(0x18, fmt, rd(r), fr(r), sel, rm(r));
      if (k === 1) return A.opfp(0x1a, fmt, fr(r), rs(r), sel, rm(r));
      return fmt ? A.fcvt_d_s(fr(r), fr(r), rm(r)) : A.fcvt_s_d(fr(r), fr(r), rm(r));
    }
  }
}

function compressed(r: Rng): number {
  let d = rd(r);
  while (d === 0 || d === 2) d = rd(r);
  const nz6 = () => { let v; do v = r.below(64) - 32; while (v === 0); return v; };
  switch (r.below(10)) {
    case 0: return A.c_li(d, r.below(64) - 32);
    case 1: return A.c_lui(d, nz6());
    case 2: return A.c_addi(d, nz6());
    case 3: return A.c_addiw(d, r.below(64) - 32);
    case 4: return A.c_slli(d, 1 + r.below(63));
    case 5: return r.pick([A.c_srli, A.c_srai])(creg(r), 1 + r.below(63));
    case 6: return A.c_andi(creg(r), r.below(64) - 32);
    case 7: { let s; do s = rs(r); while (s === 0); return r.pick([A.c_mv, A.c_add])(d, s); }
    case 8: return r.pick([A.c_sub, A.c_xor, A.c_or, A.c_and, A.c_addw, A.c_subw])(creg(r), creg(r));
    default: return A.c_nop();
  }
}

/** One random item. */
export function randomItem(r: Rng): Item {
  switch (r.below(16)) {
    case 0: case 1: case 2: return { insns: [r.pick(ALU)(rd(r), rs(r), rs(r))] };
    case 3: return { insns: [r.pick(ALU_IMM)(rd(r), rs(r), imm12(r) || r.below(4096) - 2048)] };
    case 4: { const [f, w] = r.pick(SHIFT_IMM); return { insns: [f(rd(r), rs(r), r.below(w))] }; }
    case 5: return { insns: [r.pick([A.lui, A.auipc])(rd(r), r.below(1 << 20))] };
    case 6: { const [f, n] = r.pick(LOADS); return { insns: [f(rd(r), GP, bufOff(r, n))] }; }
    case 7: { const [f, n] = r.pick(STORES); return { insns: [f(rs(r), GP, bufOff(r, n))] }; }
    case 8: {
      const d = r.oneIn(2), t = rd(r) || 4 /* the address: not x0 */, at = bufOff(r, d ? 8 : 4);
      const amo = r.pick(d ? AMO_D : AMO_W)(rd(r), rs(r), t, r.below(2), r.below(2));
      if (r.oneIn(3)) return { insns: [A.addi(t, GP, at), amo] };
      let x; do x = rd(r); while (x === t);  // lr must not overwrite the address sc uses
      return { insns: [A.addi(t, GP, at), (d ? A.lr_d : A.lr_w)(x, t), (d ? A.sc_d : A.sc_w)(rd(r), rs(r), t)] };
    }
    case 9: { const [f, n] = r.pick([[A.flw, 4], [A.fld, 8]] as const); return { insns: [f(fr(r), GP, bufOff(r, n))] }; }
    case 10: { const [f, n] = r.pick([[A.fsw, 4], [A.fsd, 8]] as const); return { insns: [f(fr(r), GP, bufOff(r, n))] }; }
    case 11: case 12: return { insns: [fpInsn(r)] };
    case 13: return { insns: [compressed(r)] };
    case 14: return { insns: [r.pick([A.csrr(rd(r), A.CSR.fflags), A.csrr(rd(r), A.CSR.frm), A.csrwi(A.CSR.frm, r.below(5)), A.csrw(A.CSR.fflags, rs(r))])] };
    default: {
      const skip = 1 + r.below(3);
      if (r.oneIn(4)) { const link = rd(r); return { jump: (o) => A.jal(link, o), skip }; }
      const f = r.pick(BRANCH), a = rs(r), b = rs(r);
      return { jump: (o) => f(a, b, o), skip };
    }
  }
}

/** Stream `index` of `seed`: `length` items. */
export function randomStream(seed: number, index: number, length: number): Item[] {
  const r = new Rng(seed, index);
  return Array.from({ length }, () => randomItem(r));
}

const FP_EDGES = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff8000000000000n, 0x7ff0000000000000n,
  0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff4000000000000n, 0x0000000000000001n, 0x000fffffffffffffn,
  0x7fefffffffffffffn, 0x41dfffffffc00000n, 0x43e0000000000000n, 0xffffffff3f800000n, 0xffffffff7fc00000n,
  0xffffffff7f800001n, 0xffffffff80000000n, 0xffffffff00000001n, 0x000000003f800000n, 0xffffffff4f000000n];
const X_EDGES = [0n, 1n, 2n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0x80000000n,
  0xffffffff80000000n, 0x7fffffffn, 0xffffffffn, 0x100000000n, 31n, 32n, 63n, 64n];

/** The initial registers of stream `index`: fcsr, x1..x31 (x3 is set to the data page), f0..f31. */
export function initialState(seed: number, index: number): { fcsr: bigint; x: bigint[]; f: bigint[] } {
  const r = new Rng(seed ^ 0x5eed, index);
  const x = Array.from({ length: 32 }, () => (r.oneIn(2) ? r.pick(X_EDGES) : r.u64()));
  const f = Array.from({ length: 32 }, () => (r.oneIn(3) ? r.u64() : r.pick(FP_EDGES)));
  return { fcsr: BigInt(r.below(5) << 5), x, f };
}
