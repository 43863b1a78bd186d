// A tiny RV64GC encoder for tests, written from the RISC-V unprivileged
// spec's encoding tables (base formats R/I/S/B/U/J, the R4 and AMO layouts,
// the "RV32/64G Instruction Set Listings" and the RVC formats and listings).
// It deliberately does not use src/isa/table.ts, so the two can check each
// other; test/insn.test.ts compares its output with GNU as.
//
// Every function returns the instruction bits as a non-negative number:
// 32-bit instructions have low bits 0b11, compressed ones are < 0x10000 with
// low bits != 0b11 (see `encode`, which lays a list out as bytes).
// Register operands are numbers 0..31 (x or f by context). Operand order
// follows the assembler: `add(rd, rs1, rs2)`, `addi(rd, rs1, imm)`,
// loads `ld(rd, rs1, imm)`, stores `sd(rs2, rs1, imm)` (GNU: sd rs2, imm(rs1)),
// branches `beq(rs1, rs2, offset)`, AMOs `amoadd_w(rd, rs2, rs1, aq, rl)`.

const u32 = (v: number) => v >>> 0;

function reg(r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 31) throw new RangeError(`bad register ${r}`);
  return r;
}

function fitsSigned(v: number, bits: number): boolean {
  return Number.isInteger(v) && v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
}

function checkImm(v: number, bits: number, what: string): void {
  if (!fitsSigned(v, bits)) throw new RangeError(`${what} immediate ${v} does not fit ${bits} signed bits`);
}

/** Bits hi..lo of v, in place at bit `at`. */
function field(v: number, hi: number, lo: number, at: number): number {
  return ((v >>> lo) & ((1 << (hi - lo + 1)) - 1)) << at;
}

// ---- base formats (unpriv 2.3, "Base Instruction Formats") --------------

export function r(opcode: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): number {
  return u32((f7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | opcode);
}

export function i(opcode: number, rd: number, f3: number, rs1: number, imm: number): number {
  checkImm(imm, 12, 'I');
  return u32(((imm & 0xfff) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | opcode);
}

export function s(opcode: number, f3: number, rs1: number, rs2: number, imm: number): number {
  checkImm(imm, 12, 'S');
  return u32(field(imm, 11, 5, 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | field(imm, 4, 0, 7) | opcode);
}

export function b(opcode: number, f3: number, rs1: number, rs2: number, imm: number): number {
  checkImm(imm, 13, 'B');
  if (imm & 1) throw new RangeError(`branch offset ${imm} is odd`);
  return u32(field(imm, 12, 12, 31) | field(imm, 10, 5, 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12)
    | field(imm, 4, 1, 8) | field(imm, 11, 11, 7) | opcode);
}

/** U-type; imm20 is the 20-bit upper immediate (0..0xfffff, or a negative value that fits 20 signed bits). */
export function u(opcode: number, rd: number, imm20: number): number {
  if (!(Number.isInteger(imm20) && imm20 >= -0x80000 && imm20 <= 0xfffff)) throw new RangeError(`U immediate ${imm20}`);
  return u32(((imm20 & 0xfffff) << 12) | (reg(rd) << 7) | opcode);
}

export function j(opcode: number, rd: number, imm: number): number {
  checkImm(imm, 21, 'J');
  if (imm & 1) throw new RangeError(`jump offset ${imm} is odd`);
  return u32(field(imm, 20, 20, 31) | field(imm, 10, 1, 21) | field(imm, 11, 11, 20) | field(imm, 19, 12, 12)
    | (reg(rd) << 7) | opcode);
}

/** R4-type (fused multiply-add): rs3 in bits 31:27, fmt in 26:25. */
export function r4(opcode: number, rd: number, rm: number, rs1: number, rs2: number, fmt: number, rs3: number): number {
  return u32((reg(rs3) << 27) | (fmt << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (rm << 12) | (reg(rd) << 7) | opcode);
}

// Major opcodes (unpriv "RISC-V base opcode map").
export const OPC = {
  LOAD: 0x03, LOAD_FP: 0x07, MISC_MEM: 0x0f, OP_IMM: 0x13, AUIPC: 0x17, OP_IMM_32: 0x1b,
  STORE: 0x23, STORE_FP: 0x27, AMO: 0x2f, OP: 0x33, LUI: 0x37, OP_32: 0x3b,
  MADD: 0x43, MSUB: 0x47, NMSUB: 0x4b, NMADD: 0x4f, OP_FP: 0x53,
  BRANCH: 0x63, JALR: 0x67, JAL: 0x6f, SYSTEM: 0x73,
} as const;

// ---- RV64I ----------------------------------------------------------------

export const lui = (rd: number, imm20: number) => u(OPC.LUI, rd, imm20);
export const auipc = (rd: number, imm20: number) => u(OPC.AUIPC, rd, imm20);
export const jal = (rd: number, off: number) => j(OPC.JAL, rd, off);
export const jalr = (rd: number, rs1: number, imm: number) => i(OPC.JALR, rd, 0, rs1, imm);

export const beq = (rs1: number, rs2: number, off: number) => b(OPC.BRANCH, 0, rs1, rs2, off);
export const bne = (rs1: number, rs2: number, off: number) => b(OPC.BRANCH, 1, rs1, rs2, off);
export const blt = (rs1: number, rs2: number, off: number) => b(OPC.BRANCH, 4, rs1, rs2, off);
export const bge = (rs1: number, rs2: number, off: number) => b(OPC.BRANCH, 5, rs1, rs2, off);
export const bltu = (rs1: number, rs2: number, off: number) => b(OPC.BRANCH, 6, rs1, rs2, off);
export const bgeu = (rs1: number, rs2: number, off: number) => b(OPC.BRANCH, 7, rs1, rs2, off);

export const lb = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 0, rs1, imm);
export const lh = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 1, rs1, imm);
export const lw = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 2, rs1, imm);
export const ld = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 3, rs1, imm);
export const lbu = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 4, rs1, imm);
export const lhu = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 5, rs1, imm);
export const lwu = (rd: number, rs1: number, imm: number) => i(OPC.LOAD, rd, 6, rs1, imm);
export const sb = (rs2: number, rs1: number, imm: number) => s(OPC.STORE, 0, rs1, rs2, imm);
export const sh = (rs2: number, rs1: number, imm: number) => s(OPC.STORE, 1, rs1, rs2, imm);
export const sw = (rs2: number, rs1: number, imm: number) => s(OPC.STORE, 2, rs1, rs2, imm);
export const sd = (rs2: number, rs1: number, imm: number) => s(OPC.STORE, 3, rs1, rs2, imm);

export const addi = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM, rd, 0, rs1, imm);
export const slti = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM, rd, 2, rs1, imm);
export const sltiu = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM, rd, 3, rs1, imm);
export const xori = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM, rd, 4, rs1, imm);
export const ori = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM, rd, 6, rs1, imm);
export const andi = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM, rd, 7, rs1, imm);

function shamt(v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`shift amount ${v} out of 0..${max}`);
  return v;
}
// RV64 shifts: imm[11:6] is funct6 (0 or 0b010000), imm[5:0] the shift amount.
export const slli = (rd: number, rs1: number, sh: number) => i(OPC.OP_IMM, rd, 1, rs1, shamt(sh, 63));
export const srli = (rd: number, rs1: number, sh: number) => i(OPC.OP_IMM, rd, 5, rs1, shamt(sh, 63));
export const srai = (rd: number, rs1: number, sh: number) => u32(i(OPC.OP_IMM, rd, 5, rs1, shamt(sh, 63)) | (0x10 << 26));

export const addiw = (rd: number, rs1: number, imm: number) => i(OPC.OP_IMM_32, rd, 0, rs1, imm);
export const slliw = (rd: number, rs1: number, sh: number) => r(OPC.OP_IMM_32, rd, 1, rs1, shamt(sh, 31), 0);
export const srliw = (rd: number, rs1: number, sh: number) => r(OPC.OP_IMM_32, rd, 5, rs1, shamt(sh, 31), 0);
export const sraiw = (rd: number, rs1: number, sh: number) => r(OPC.OP_IMM_32, rd, 5, rs1, shamt(sh, 31), 0x20);

const op = (f3: number, f7: number) => (rd: number, rs1: number, rs2: number) => r(OPC.OP, rd, f3, rs1, rs2, f7);
const op32 = (f3: number, f7: number) => (rd: number, rs1: number, rs2: number) => r(OPC.OP_32, rd, f3, rs1, rs2, f7);
export const add = op(0, 0), sub = op(0, 0x20), sll = op(1, 0), slt = op(2, 0), sltu = op(3, 0);
export const xor = op(4, 0), srl = op(5, 0), sra = op(5, 0x20), or = op(6, 0), and = op(7, 0);
export const addw = op32(0, 0), subw = op32(0, 0x20), sllw = op32(1, 0), srlw = op32(5, 0), sraw = op32(5, 0x20);

// ---- M --------------------------------------------------------------------
export const mul = op(0, 1), mulh = op(1, 1), mulhsu = op(2, 1), mulhu = op(3, 1);
export const div = op(4, 1), divu = op(5, 1), rem = op(6, 1), remu = op(7, 1);
export const mulw = op32(0, 1), divw = op32(4, 1), divuw = op32(5, 1), remw = op32(6, 1), remuw = op32(7, 1);

// ---- system, fences, Zicsr -----------------------------------------------
export const fence = (pred = 0xf, succ = 0xf) => u32((pred << 24) | (succ << 20) | OPC.MISC_MEM);
export const fence_i = () => u32((1 << 12) | OPC.MISC_MEM);
export const ecall = () => 0x00000073;
export const ebreak = () => 0x00100073;
export const mret = () => 0x30200073;
export const wfi = () => 0x10500073;
export const nop = () => addi(0, 0, 0);

function csrNum(c: number): number {
  if (!Number.isInteger(c) || c < 0 || c > 0xfff) throw new RangeError(`bad CSR ${c}`);
  return c;
}
const csrOp = (f3: number) => (rd: number, csr: number, rs1: number) =>
  u32((csrNum(csr) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | OPC.SYSTEM);
/** rs1 of the immediate forms is the 5-bit zero-extended uimm. */
export const csrrw = csrOp(1), csrrs = csrOp(2), csrrc = csrOp(3), csrrwi = csrOp(5), csrrsi = csrOp(6), csrrci = csrOp(7);
export const csrr = (rd: number, csr: number) => csrrs(rd, csr, 0);
export const csrw = (csr: number, rs1: number) => csrrw(0, csr, rs1);
export const csrs = (csr: number, rs1: number) => csrrs(0, csr, rs1);
export const csrc = (csr: number, rs1: number) => csrrc(0, csr, rs1);
export const csrwi = (csr: number, uimm: number) => csrrwi(0, csr, uimm);

export const CSR = {
  fflags: 0x001, frm: 0x002, fcsr: 0x003, cycle: 0xc00, time: 0xc01, instret: 0xc02,
  mstatus: 0x300, mtvec: 0x305, mepc: 0x341, mcause: 0x342, mtval: 0x343,
} as const;
export const rdcycle = (rd: number) => csrr(rd, CSR.cycle);
export const rdtime = (rd: number) => csrr(rd, CSR.time);
export const rdinstret = (rd: number) => csrr(rd, CSR.instret);

// ---- A (unpriv "A" chapter: funct5 | aq | rl | rs2 | rs1 | funct3 | rd | AMO) ----
function amo(f5: number, f3: number) {
  return (rd: number, rs2: number, rs1: number, aq = 0, rl = 0) =>
    r(OPC.AMO, rd, f3, rs1, rs2, (f5 << 2) | ((aq & 1) << 1) | (rl & 1));
}
export const lr_w = (rd: number, rs1: number, aq = 0, rl = 0) => amo(0x02, 2)(rd, 0, rs1, aq, rl);
export const lr_d = (rd: number, rs1: number, aq = 0, rl = 0) => amo(0x02, 3)(rd, 0, rs1, aq, rl);
export const sc_w = amo(0x03, 2), sc_d = amo(0x03, 3);
export const amoswap_w = amo(0x01, 2), amoadd_w = amo(0x00, 2), amoxor_w = amo(0x04, 2), amoand_w = amo(0x0c, 2);
export const amoor_w = amo(0x08, 2), amomin_w = amo(0x10, 2), amomax_w = amo(0x14, 2), amominu_w = amo(0x18, 2);
export const amomaxu_w = amo(0x1c, 2);
export const amoswap_d = amo(0x01, 3), amoadd_d = amo(0x00, 3), amoxor_d = amo(0x04, 3), amoand_d = amo(0x0c, 3);
export const amoor_d = amo(0x08, 3), amomin_d = amo(0x10, 3), amomax_d = amo(0x14, 3), amominu_d = amo(0x18, 3);
export const amomaxu_d = amo(0x1c, 3);

// ---- F and D ---------------------------------------------------------------
// OP-FP: funct7 = funct5 << 2 | fmt (S = 0, D = 1); funct3 is rm or a minor opcode.
export const RM = { RNE: 0, RTZ: 1, RDN: 2, RUP: 3, RMM: 4, DYN: 7 } as const;
const S = 0, D = 1;
export const opfp = (f5: number, fmt: number, rd: number, rs1: number, rs2: number, f3: number) =>
  r(OPC.OP_FP, rd, f3, rs1, rs2, (f5 << 2) | fmt);

export const flw = (rd: number, rs1: number, imm: number) => i(OPC.LOAD_FP, rd, 2, rs1, imm);
export const fld = (rd: number, rs1: number, imm: number) => i(OPC.LOAD_FP, rd, 3, rs1, imm);
export const fsw = (rs2: number, rs1: number, imm: number) => s(OPC.STORE_FP, 2, rs1, rs2, imm);
export const fsd = (rs2: number, rs1: number, imm: number) => s(OPC.STORE_FP, 3, rs1, rs2, imm);

const arith = (f5: number, fmt: number) => (rd: number, rs1: number, rs2: number, rm: number = RM.DYN) =>
  opfp(f5, fmt, rd, rs1, rs2, rm);
export const fadd_s = arith(0x00, S), fsub_s = arith(0x01, S), fmul_s = arith(0x02, S), fdiv_s = arith(0x03, S);
export const fadd_d = arith(0x00, D), fsub_d = arith(0x01, D), fmul_d = arith(0x02, D), fdiv_d = arith(0x03, D);
export const fsqrt_s = (rd: number, rs1: number, rm: number = RM.DYN) => opfp(0x0b, S, rd, rs1, 0, rm);
export const fsqrt_d = (rd: number, rs1: number, rm: number = RM.DYN) => opfp(0x0b, D, rd, rs1, 0, rm);

const minor = (f5: number, fmt: number, f3: number) => (rd: number, rs1: number, rs2: number) =>
  opfp(f5, fmt, rd, rs1, rs2, f3);
export const fsgnj_s = minor(0x04, S, 0), fsgnjn_s = minor(0x04, S, 1), fsgnjx_s = minor(0x04, S, 2);
export const fsgnj_d = minor(0x04, D, 0), fsgnjn_d = minor(0x04, D, 1), fsgnjx_d = minor(0x04, D, 2);
export const fmin_s = minor(0x05, S, 0), fmax_s = minor(0x05, S, 1), fmin_d = minor(0x05, D, 0), fmax_d = minor(0x05, D, 1);
export const feq_s = minor(0x14, S, 2), flt_s = minor(0x14, S, 1), fle_s = minor(0x14, S, 0);
export const feq_d = minor(0x14, D, 2), flt_d = minor(0x14, D, 1), fle_d = minor(0x14, D, 0);
export const fmv_x_w = (rd: number, rs1: number) => opfp(0x1c, S, rd, rs1, 0, 0);
export const fmv_x_d = (rd: number, rs1: number) => opfp(0x1c, D, rd, rs1, 0, 0);
export const fclass_s = (rd: number, rs1: number) => opfp(0x1c, S, rd, rs1, 0, 1);
export const fclass_d = (rd: number, rs1: number) => opfp(0x1c, D, rd, rs1, 0, 1);
export const fmv_w_x = (rd: number, rs1: number) => opfp(0x1e, S, rd, rs1, 0, 0);
export const fmv_d_x = (rd: number, rs1: number) => opfp(0x1e, D, rd, rs1, 0, 0);
// Conversions: rs2 selects the integer type (W 0, WU 1, L 2, LU 3) or the source format.
const cvt = (f5: number, fmt: number, sel: number) => (rd: number, rs1: number, rm: number = RM.DYN) =>
  opfp(f5, fmt, rd, rs1, sel, rm);
export const fcvt_w_d = cvt(0x18, D, 0), fcvt_wu_d = cvt(0x18, D, 1), fcvt_l_d = cvt(0x18, D, 2), fcvt_lu_d = cvt(0x18, D, 3);
export const fcvt_w_s = cvt(0x18, S, 0), fcvt_l_s = cvt(0x18, S, 2);
export const fcvt_d_wu = cvt(0x1a, D, 1), fcvt_d_lu = cvt(0x1a, D, 3);
export const fcvt_d_w = cvt(0x1a, D, 0), fcvt_d_l = cvt(0x1a, D, 2), fcvt_s_w = cvt(0x1a, S, 0), fcvt_s_l = cvt(0x1a, S, 2);
export const fcvt_s_d = cvt(0x08, S, 1), fcvt_d_s = cvt(0x08, D, 0);
const fma = (opcode: number, fmt: number) => (rd: number, rs1: number, rs2: number, rs3: number, rm: number = RM.DYN) =>
  r4(opcode, rd, rm, rs1, rs2, fmt, rs3);
export const fmadd_s = fma(OPC.MADD, S), fmsub_s = fma(OPC.MSUB, S), fnmsub_s = fma(OPC.NMSUB, S), fnmadd_s = fma(OPC.NMADD, S);
export const fmadd_d = fma(OPC.MADD, D), fmsub_d = fma(OPC.MSUB, D), fnmsub_d = fma(OPC.NMSUB, D), fnmadd_d = fma(OPC.NMADD, D);

// ---- C (unpriv "C" chapter: formats CR CI CSS CIW CL CS CA CB CJ) ----------
// rd'/rs1'/rs2' are x8..x15 (f8..f15), encoded as 0..7.

function creg(rr: number): number {
  if (!Number.isInteger(rr) || rr < 8 || rr > 15) throw new RangeError(`x${rr} is not a compressed register (x8..x15)`);
  return rr - 8;
}
function cimm(v: number, bits: number, scale: number, signed: boolean, what: string): number {
  const ok = Number.isInteger(v) && v % scale === 0 &&
    (signed ? fitsSigned(v, bits) : v >= 0 && v < 2 ** bits);
  if (!ok) throw new RangeError(`${what}: immediate ${v} out of range`);
  return v;
}

/** CI: funct3 | imm[5] | rd/rs1 | imm[4:0] | op. */
const ci = (f3: number, opq: number, rd: number, imm6: number) =>
  (f3 << 13) | field(imm6, 5, 5, 12) | (reg(rd) << 7) | field(imm6, 4, 0, 2) | opq;
/** CR: funct4 | rd/rs1 | rs2 | op. */
const cr = (f4: number, opq: number, rd: number, rs2: number) => (f4 << 12) | (reg(rd) << 7) | (reg(rs2) << 2) | opq;
/** CA: funct6 | rd'/rs1' | funct2 | rs2' | op. */
const ca = (f6: number, f2: number, rd: number, rs2: number) => (f6 << 10) | (creg(rd) << 7) | (f2 << 5) | (creg(rs2) << 2) | 1;
/** CB (shift/andi form): funct3 | imm[5] | funct2 | rd'/rs1' | imm[4:0] | op. */
const cbAlu = (f2: number, rd: number, imm6: number) =>
  (0b100 << 13) | field(imm6, 5, 5, 12) | (f2 << 10) | (creg(rd) << 7) | field(imm6, 4, 0, 2) | 1;

// Quadrant 0.
export function c_addi4spn(rd: number, nzuimm: number): number {
  cimm(nzuimm, 10, 4, false, 'c.addi4spn');
  if (nzuimm === 0) throw new RangeError('c.addi4spn: nzuimm = 0 is reserved');
  return field(nzuimm, 5, 4, 11) | field(nzuimm, 9, 6, 7) | field(nzuimm, 2, 2, 6) | field(nzuimm, 3, 3, 5) | (creg(rd) << 2);
}
/** CL/CS with an 8-byte-scaled offset: uimm[5:3] at 12:10, uimm[7:6] at 6:5. */
const clsD = (f3: number, r1: number, r2: number, off: number, what: string) =>
  (f3 << 13) | field(cimm(off, 8, 8, false, what), 5, 3, 10) | (creg(r1) << 7) | field(off, 7, 6, 5) | (creg(r2) << 2);
/** CL/CS with a 4-byte-scaled offset: uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5. */
const clsW = (f3: number, r1: number, r2: number, off: number, what: string) =>
  (f3 << 13) | field(cimm(off, 7, 4, false, what), 5, 3, 10) | (creg(r1) << 7) | field(off, 2, 2, 6) | field(off, 6, 6, 5)
  | (creg(r2) << 2);
export const c_fld = (rd: number, rs1: number, off: number) => clsD(0b001, rs1, rd, off, 'c.fld');
export const c_lw = (rd: number, rs1: number, off: number) => clsW(0b010, rs1, rd, off, 'c.lw');
export const c_ld = (rd: number, rs1: number, off: number) => clsD(0b011, rs1, rd, off, 'c.ld');
export const c_fsd = (rs2: number, rs1: number, off: number) => clsD(0b101, rs1, rs2, off, 'c.fsd');
export const c_sw = (rs2: number, rs1: number, off: number) => clsW(0b110, rs1, rs2, off, 'c.sw');
export const c_sd = (rs2: number, rs1: number, off: number) => clsD(0b111, rs1, rs2, off, 'c.sd');

// Quadrant 1.
export const c_nop = () => 0x0001;
export const c_addi = (rd: number, imm: number) => ci(0b000, 1, rd, cimm(imm, 6, 1, true, 'c.addi'));
export const c_addiw = (rd: number, imm: number) => ci(0b001, 1, rd, cimm(imm, 6, 1, true, 'c.addiw'));
export const c_li = (rd: number, imm: number) => ci(0b010, 1, rd, cimm(imm, 6, 1, true, 'c.li'));
/** c.lui: nzimm is the 6-bit signed value placed in bits 17:12 of the result. */
export const c_lui = (rd: number, imm6: number) => ci(0b011, 1, rd, cimm(imm6, 6, 1, true, 'c.lui'));
export function c_addi16sp(nzimm: number): number {
  cimm(nzimm, 10, 16, true, 'c.addi16sp');
  return (0b011 << 13) | field(nzimm, 9, 9, 12) | (2 << 7) | field(nzimm, 4, 4, 6) | field(nzimm, 6, 6, 5)
    | field(nzimm, 8, 7, 3) | field(nzimm, 5, 5, 2) | 1;
}
export const c_srli = (rd: number, sh: number) => cbAlu(0b00, rd, shamt(sh, 63));
export const c_srai = (rd: number, sh: number) => cbAlu(0b01, rd, shamt(sh, 63));
export const c_andi = (rd: number, imm: number) => cbAlu(0b10, rd, cimm(imm, 6, 1, true, 'c.andi'));
export const c_sub = (rd: number, rs2: number) => ca(0b100011, 0b00, rd, rs2);
export const c_xor = (rd: number, rs2: number) => ca(0b100011, 0b01, rd, rs2);
export const c_or = (rd: number, rs2: number) => ca(0b100011, 0b10, rd, rs2);
export const c_and = (rd: number, rs2: number) => ca(0b100011, 0b11, rd, rs2);
export const c_subw = (rd: number, rs2: number) => ca(0b100111, 0b00, rd, rs2);
export const c_addw = (rd: number, rs2: number) => ca(0b100111, 0b01, rd, rs2);
export function c_j(off: number): number {
  cimm(off, 12, 2, true, 'c.j');
  return (0b101 << 13) | field(off, 11, 11, 12) | field(off, 4, 4, 11) | field(off, 9, 8, 9) | field(off, 10, 10, 8)
    | field(off, 6, 6, 7) | field(off, 7, 7, 6) | field(off, 3, 1, 3) | field(off, 5, 5, 2) | 1;
}
function cbranch(f3: number, rs1: number, off: number): number {
  cimm(off, 9, 2, true, 'c.beqz/c.bnez');
  return (f3 << 13) | field(off, 8, 8, 12) | field(off, 4, 3, 10) | (creg(rs1) << 7) | field(off, 7, 6, 5)
    | field(off, 2, 1, 3) | field(off, 5, 5, 2) | 1;
}
export const c_beqz = (rs1: number, off: number) => cbranch(0b110, rs1, off);
export const c_bnez = (rs1: number, off: number) => cbranch(0b111, rs1, off);

// Quadrant 2.
export const c_slli = (rd: number, sh: number) => ci(0b000, 2, rd, shamt(sh, 63));
/** CI stack loads: uimm[5] at 12; D: uimm[4:3] at 6:5, uimm[8:6] at 4:2; W: uimm[4:2] at 6:4, uimm[7:6] at 3:2. */
const ciSpD = (f3: number, rd: number, off: number, what: string) =>
  (f3 << 13) | field(cimm(off, 9, 8, false, what), 5, 5, 12) | (reg(rd) << 7) | field(off, 4, 3, 5) | field(off, 8, 6, 2) | 2;
export const c_fldsp = (rd: number, off: number) => ciSpD(0b001, rd, off, 'c.fldsp');
export const c_lwsp = (rd: number, off: number) =>
  (0b010 << 13) | field(cimm(off, 8, 4, false, 'c.lwsp'), 5, 5, 12) | (reg(rd) << 7) | field(off, 4, 2, 4)
  | field(off, 7, 6, 2) | 2;
export const c_ldsp = (rd: number, off: number) => ciSpD(0b011, rd, off, 'c.ldsp');
export const c_jr = (rs1: number) => cr(0b1000, 2, rs1, 0);
export const c_mv = (rd: number, rs2: number) => cr(0b1000, 2, rd, rs2);
export const c_ebreak = () => 0x9002;
export const c_jalr = (rs1: number) => cr(0b1001, 2, rs1, 0);
export const c_add = (rd: number, rs2: number) => cr(0b1001, 2, rd, rs2);
/** CSS stores: D: uimm[5:3] at 12:10, uimm[8:6] at 9:7; W: uimm[5:2] at 12:9, uimm[7:6] at 8:7. */
const cssD = (f3: number, rs2: number, off: number, what: string) =>
  (f3 << 13) | field(cimm(off, 9, 8, false, what), 5, 3, 10) | field(off, 8, 6, 7) | (reg(rs2) << 2) | 2;
export const c_fsdsp = (rs2: number, off: number) => cssD(0b101, rs2, off, 'c.fsdsp');
export const c_swsp = (rs2: number, off: number) =>
  (0b110 << 13) | field(cimm(off, 8, 4, false, 'c.swsp'), 5, 2, 9) | field(off, 7, 6, 7) | (reg(rs2) << 2) | 2;
export const c_sdsp = (rs2: number, off: number) => cssD(0b111, rs2, off, 'c.sdsp');

// ---- layout ------------------------------------------------------------------

/** Byte length of an encoded instruction: 2 for a compressed parcel, else 4. */
export function lengthOf(insn: number): 2 | 4 {
  return (insn & 3) === 3 ? 4 : 2;
}

/** Lays out instructions as little-endian bytes (compressed ones take 2 bytes). */
export function encode(insns: readonly number[]): Uint8Array {
  let n = 0;
  for (const w of insns) n += lengthOf(w);
  const out = new Uint8Array(n);
  let at = 0;
  for (const w of insns) {
    const len = lengthOf(w);
    for (let k = 0; k < len; k++) out[at + k] = (w >>> (8 * k)) & 0xff;
    at += len;
  }
  return out;
}
