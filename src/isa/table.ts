// The instruction table: the one source of truth for RV64GC encodings and
// for each instruction's properties (ends a block, may trap, FP, which
// registers it reads and writes, uses a rounding mode). It feeds the decoder
// (decode.ts), the disassembler (disasm.ts), the block builder
// (machine/blocks.ts), the interpreter's FP group (machine/exec-sys.ts) and
// the tests. Op numbers are a const enum so the interpreter's switch
// compiles to a jump table; a test checks that TABLE lists every Op exactly
// once, in order (test/isa.test.ts).

/** Operand shapes; the decoder and disassembler read fields by format. */
export const enum Fmt {
  R, I, S, B, U, J, // base formats (unpriv 2.3)
  SH, // I-type with a 6-bit shamt (RV64 slli/srli/srai)
  SHW, // I-type with a 5-bit shamt (W shifts)
  CSR, CSRI, // Zicsr: imm = CSR number; CSRI: rs1 field is a 5-bit uimm
  AMO, LR, // A: rs2 (none for LR), aq/rl ignored (we are sequentially consistent)
  NONE, // ecall, ebreak, mret, sret, wfi, fence.i
  FENCE, SFENCE,
  FL, FS, // FP load/store: I/S-type with rd/rs2 in the FP file
  FR, // FP R-type: rd, rs1, rs2 all FP, rm field
  FR1, // FP unary (fsqrt, fcvt between FP formats): rd, rs1 FP, rm
  FR4, // fused multiply-add: rd, rs1, rs2, rs3 FP, rm
  FCMP, // rd integer, rs1/rs2 FP
  F2X, // rd integer, rs1 FP (fcvt.*.s/d to integer, fmv.x, fclass), rm
  X2F, // rd FP, rs1 integer, rm
}

export const enum Op {
  ILLEGAL,
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LD, LBU, LHU, LWU,
  SB, SH, SW, SD,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADDIW, SLLIW, SRLIW, SRAIW,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  ADDW, SUBW, SLLW, SRLW, SRAW,
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  MULW, DIVW, DIVUW, REMW, REMUW,
  FENCE, FENCE_I,
  ECALL, EBREAK, SRET, MRET, WFI, SFENCE_VMA,
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
  LR_D, SC_D, AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D,
  FLW, FSW, FLD, FSD,
  FMADD_S, FMSUB_S, FNMSUB_S, FNMADD_S,
  FADD_S, FSUB_S, FMUL_S, FDIV_S, FSQRT_S, FSGNJ_S, FSGNJN_S, FSGNJX_S, FMIN_S, FMAX_S,
  FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S, FMV_X_W, FEQ_S, FLT_S, FLE_S, FCLASS_S,
  FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU, FMV_W_X,
  FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D,
  FADD_D, FSUB_D, FMUL_D, FDIV_D, FSQRT_D, FSGNJ_D, FSGNJN_D, FSGNJX_D, FMIN_D, FMAX_D,
  FCVT_S_D, FCVT_D_S,
  FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D, FMV_X_D, FEQ_D, FLT_D, FLE_D, FCLASS_D,
  FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU, FMV_D_X,
  COUNT,
}

/** Instruction properties, as bits of InsnDef.props. */
export const enum Prop {
  /** Ends a decoded block: a control transfer, or anything that may change mode, translation or interrupts. */
  ENDS = 1,
  /** May raise a synchronous exception when executed (fetch faults belong to the fetch, not the instruction). */
  TRAPS = 2,
  /** F or D: illegal while mstatus.FS is Off (priv 3.1.6.6). */
  FP = 4,
  /** Has an rm field that selects a rounding mode (unpriv 13.2: rm 5, 6 and a bad DYN are illegal). */
  RM = 8,
}

/** Which register file an operand field names. */
export const enum Reg { NONE = 0, X = 1, F = 2 }

export interface InsnDef {
  op: Op;
  name: string; // assembler mnemonic
  match: number; // inst & mask === match
  mask: number;
  fmt: Fmt;
  /** Prop bits. */
  props: number;
  /** The register file each field names (Reg): rd is written, rs1..rs3 are read. */
  rd: Reg; rs1: Reg; rs2: Reg; rs3: Reg;
}

// Masks for the common shapes (unpriv chapter 34, "RV32/64G Instruction Set Listings").
const OPC = 0x7f; // opcode only (U, J)
const F3 = 0x707f; // funct3 + opcode (I, S, B)
const F7 = 0xfe00707f; // funct7 + funct3 + opcode (R)
const SH6 = 0xfc00707f; // funct6 + funct3 + opcode (RV64 shifts)
const ALL = 0xffffffff;
const AMOM = 0xf800707f; // funct5 + funct3 + opcode
const LRM = 0xf9f0707f; // LR: also rs2 = 0
const FRM = 0xfe00007f; // funct7 + opcode, rm free
const FR1M = 0xfff0007f; // funct7 + rs2 + opcode, rm free
const FRF3 = 0xfff0707f; // funct7 + rs2 + funct3 + opcode
const R4M = 0x0600007f; // fmt + opcode

const r = (f7: number, f3: number, opc: number) => ((f7 << 25) | (f3 << 12) | opc) >>> 0;
const i = (f3: number, opc: number) => ((f3 << 12) | opc) >>> 0;
const amo = (f5: number, f3: number) => ((f5 << 27) | (f3 << 12) | 0x2f) >>> 0;
const fr1 = (f7: number, rs2: number) => ((f7 << 25) | (rs2 << 20) | 0x53) >>> 0;

const X = Reg.X, F = Reg.F, N = Reg.NONE;

/** [rd, rs1, rs2, rs3] for each format (the operand shapes of unpriv 2.3, 13 and 14). */
const FMT_REGS: Record<Fmt, [Reg, Reg, Reg, Reg]> = {
  [Fmt.R]: [X, X, X, N], [Fmt.I]: [X, X, N, N], [Fmt.S]: [N, X, X, N], [Fmt.B]: [N, X, X, N],
  [Fmt.U]: [X, N, N, N], [Fmt.J]: [X, N, N, N], [Fmt.SH]: [X, X, N, N], [Fmt.SHW]: [X, X, N, N],
  [Fmt.CSR]: [X, X, N, N], [Fmt.CSRI]: [X, N, N, N], [Fmt.AMO]: [X, X, X, N], [Fmt.LR]: [X, X, N, N],
  [Fmt.NONE]: [N, N, N, N], [Fmt.FENCE]: [N, N, N, N], [Fmt.SFENCE]: [N, X, X, N],
  [Fmt.FL]: [F, X, N, N], [Fmt.FS]: [N, X, F, N], [Fmt.FR]: [F, F, F, N], [Fmt.FR1]: [F, F, N, N],
  [Fmt.FR4]: [F, F, F, F], [Fmt.FCMP]: [X, F, F, N], [Fmt.F2X]: [X, F, N, N], [Fmt.X2F]: [F, X, N, N],
};

const FP_FMTS = new Set([Fmt.FL, Fmt.FS, Fmt.FR, Fmt.FR1, Fmt.FR4, Fmt.FCMP, Fmt.F2X, Fmt.X2F]);

/**
 * A table entry. Properties that follow from the format are derived here:
 * the register files, FP, and RM (an FP computation whose mask leaves
 * funct3 free). `props` adds the rest (ENDS, TRAPS); loads, stores, AMOs and
 * FP instructions may always trap.
 */
function d(op: Op, name: string, match: number, mask: number, fmt: Fmt, props = 0): InsnDef {
  const [rd, rs1, rs2, rs3] = FMT_REGS[fmt];
  let p = props;
  if (FP_FMTS.has(fmt)) p |= Prop.FP | Prop.TRAPS;
  if (FP_FMTS.has(fmt) && fmt !== Fmt.FL && fmt !== Fmt.FS && (mask & 0x7000) === 0) p |= Prop.RM;
  if (fmt === Fmt.S || fmt === Fmt.AMO || fmt === Fmt.LR || ((match & 0x7f) === 0x03 && fmt === Fmt.I)) p |= Prop.TRAPS;
  return { op, name, match: match >>> 0, mask: mask >>> 0, fmt, props: p, rd, rs1, rs2, rs3 };
}

/** A control transfer: ends the block, never traps itself (IALIGN = 16 with C: no misaligned target). */
const JUMP = Prop.ENDS;
/** A system instruction: ends the block (mode, translation or interrupts may change) and may trap. */
const SYS = Prop.ENDS | Prop.TRAPS;

function amoDefs(first: Op, f3: number, sfx: string): InsnDef[] {
  const f5 = [0x02, 0x03, 0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c];
  const names = ['lr', 'sc', 'amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'];
  return f5.map((f, k) =>
    d(first + k, `${names[k]}.${sfx}`, amo(f, f3), k === 0 ? LRM : AMOM, k === 0 ? Fmt.LR : Fmt.AMO));
}

/** The FP arithmetic group for one precision; fmt = 0 (S) or 1 (D). */
function fpDefs(fmt: number, s: string, ops: Op[]): InsnDef[] {
  const [madd, msub, nmsub, nmadd, add, sub, mul, div, sqrt, sgnj, sgnjn, sgnjx, min, max] = ops;
  return [
    d(madd, `fmadd.${s}`, 0x43 | (fmt << 25), R4M, Fmt.FR4),
    d(msub, `fmsub.${s}`, 0x47 | (fmt << 25), R4M, Fmt.FR4),
    d(nmsub, `fnmsub.${s}`, 0x4b | (fmt << 25), R4M, Fmt.FR4),
    d(nmadd, `fnmadd.${s}`, 0x4f | (fmt << 25), R4M, Fmt.FR4),
    d(add, `fadd.${s}`, r(0x00 | fmt, 0, 0x53), FRM, Fmt.FR),
    d(sub, `fsub.${s}`, r(0x04 | fmt, 0, 0x53), FRM, Fmt.FR),
    d(mul, `fmul.${s}`, r(0x08 | fmt, 0, 0x53), FRM, Fmt.FR),
    d(div, `fdiv.${s}`, r(0x0c | fmt, 0, 0x53), FRM, Fmt.FR),
    d(sqrt, `fsqrt.${s}`, fr1(0x2c | fmt, 0), FR1M, Fmt.FR1),
    d(sgnj, `fsgnj.${s}`, r(0x10 | fmt, 0, 0x53), F7, Fmt.FR),
    d(sgnjn, `fsgnjn.${s}`, r(0x10 | fmt, 1, 0x53), F7, Fmt.FR),
    d(sgnjx, `fsgnjx.${s}`, r(0x10 | fmt, 2, 0x53), F7, Fmt.FR),
    d(min, `fmin.${s}`, r(0x14 | fmt, 0, 0x53), F7, Fmt.FR),
    d(max, `fmax.${s}`, r(0x14 | fmt, 1, 0x53), F7, Fmt.FR),
  ];
}

/** Conversions and moves between the integer and FP files for one precision. */
function fpIntDefs(fmt: number, s: string, x: string, ops: Op[]): InsnDef[] {
  const [w, wu, l, lu, mvx, eq, lt, le, cls, fw, fwu, fl, flu, mvf] = ops;
  return [
    d(w, `fcvt.w.${s}`, fr1(0x60 | fmt, 0), FR1M, Fmt.F2X),
    d(wu, `fcvt.wu.${s}`, fr1(0x60 | fmt, 1), FR1M, Fmt.F2X),
    d(l, `fcvt.l.${s}`, fr1(0x60 | fmt, 2), FR1M, Fmt.F2X),
    d(lu, `fcvt.lu.${s}`, fr1(0x60 | fmt, 3), FR1M, Fmt.F2X),
    d(mvx, `fmv.x.${x}`, fr1(0x70 | fmt, 0), FRF3, Fmt.F2X),
    d(eq, `feq.${s}`, r(0x50 | fmt, 2, 0x53), F7, Fmt.FCMP),
    d(lt, `flt.${s}`, r(0x50 | fmt, 1, 0x53), F7, Fmt.FCMP),
    d(le, `fle.${s}`, r(0x50 | fmt, 0, 0x53), F7, Fmt.FCMP),
    d(cls, `fclass.${s}`, fr1(0x70 | fmt, 0) | (1 << 12), FRF3, Fmt.F2X),
    d(fw, `fcvt.${s}.w`, fr1(0x68 | fmt, 0), FR1M, Fmt.X2F),
    d(fwu, `fcvt.${s}.wu`, fr1(0x68 | fmt, 1), FR1M, Fmt.X2F),
    d(fl, `fcvt.${s}.l`, fr1(0x68 | fmt, 2), FR1M, Fmt.X2F),
    d(flu, `fcvt.${s}.lu`, fr1(0x68 | fmt, 3), FR1M, Fmt.X2F),
    d(mvf, `fmv.${x}.x`, fr1(0x78 | fmt, 0), FRF3, Fmt.X2F),
  ];
}

export const TABLE: readonly InsnDef[] = [
  d(Op.ILLEGAL, 'illegal', 0, 0xffffffff, Fmt.NONE, SYS),
  d(Op.LUI, 'lui', 0x37, OPC, Fmt.U),
  d(Op.AUIPC, 'auipc', 0x17, OPC, Fmt.U),
  d(Op.JAL, 'jal', 0x6f, OPC, Fmt.J, JUMP),
  d(Op.JALR, 'jalr', i(0, 0x67), F3, Fmt.I, JUMP),
  ...['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'].map((n, k) => d(Op.BEQ + k, n, i([0, 1, 4, 5, 6, 7][k], 0x63), F3, Fmt.B, JUMP)),
  ...['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'].map((n, k) => d(Op.LB + k, n, i(k, 0x03), F3, Fmt.I)),
  ...['sb', 'sh', 'sw', 'sd'].map((n, k) => d(Op.SB + k, n, i(k, 0x23), F3, Fmt.S)),
  d(Op.ADDI, 'addi', i(0, 0x13), F3, Fmt.I),
  d(Op.SLTI, 'slti', i(2, 0x13), F3, Fmt.I),
  d(Op.SLTIU, 'sltiu', i(3, 0x13), F3, Fmt.I),
  d(Op.XORI, 'xori', i(4, 0x13), F3, Fmt.I),
  d(Op.ORI, 'ori', i(6, 0x13), F3, Fmt.I),
  d(Op.ANDI, 'andi', i(7, 0x13), F3, Fmt.I),
  d(Op.SLLI, 'slli', i(1, 0x13), SH6, Fmt.SH),
  d(Op.SRLI, 'srli', i(5, 0x13), SH6, Fmt.SH),
  d(Op.SRAI, 'srai', i(5, 0x13) | (0x10 << 26), SH6, Fmt.SH),
  d(Op.ADDIW, 'addiw', i(0, 0x1b), F3, Fmt.I),
  d(Op.SLLIW, 'slliw', r(0, 1, 0x1b), F7, Fmt.SHW),
  d(Op.SRLIW, 'srliw', r(0, 5, 0x1b), F7, Fmt.SHW),
  d(Op.SRAIW, 'sraiw', r(0x20, 5, 0x1b), F7, Fmt.SHW),
  d(Op.ADD, 'add', r(0, 0, 0x33), F7, Fmt.R),
  d(Op.SUB, 'sub', r(0x20, 0, 0x33), F7, Fmt.R),
  d(Op.SLL, 'sll', r(0, 1, 0x33), F7, Fmt.R),
  d(Op.SLT, 'slt', r(0, 2, 0x33), F7, Fmt.R),
  d(Op.SLTU, 'sltu', r(0, 3, 0x33), F7, Fmt.R),
  d(Op.XOR, 'xor', r(0, 4, 0x33), F7, Fmt.R),
  d(Op.SRL, 'srl', r(0, 5, 0x33), F7, Fmt.R),
  d(Op.SRA, 'sra', r(0x20, 5, 0x33), F7, Fmt.R),
  d(Op.OR, 'or', r(0, 6, 0x33), F7, Fmt.R),
  d(Op.AND, 'and', r(0, 7, 0x33), F7, Fmt.R),
  d(Op.ADDW, 'addw', r(0, 0, 0x3b), F7, Fmt.R),
  d(Op.SUBW, 'subw', r(0x20, 0, 0x3b), F7, Fmt.R),
  d(Op.SLLW, 'sllw', r(0, 1, 0x3b), F7, Fmt.R),
  d(Op.SRLW, 'srlw', r(0, 5, 0x3b), F7, Fmt.R),
  d(Op.SRAW, 'sraw', r(0x20, 5, 0x3b), F7, Fmt.R),
  ...['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'].map((n, k) => d(Op.MUL + k, n, r(1, k, 0x33), F7, Fmt.R)),
  d(Op.MULW, 'mulw', r(1, 0, 0x3b), F7, Fmt.R),
  d(Op.DIVW, 'divw', r(1, 4, 0x3b), F7, Fmt.R),
  d(Op.DIVUW, 'divuw', r(1, 5, 0x3b), F7, Fmt.R),
  d(Op.REMW, 'remw', r(1, 6, 0x3b), F7, Fmt.R),
  d(Op.REMUW, 'remuw', r(1, 7, 0x3b), F7, Fmt.R),
  d(Op.FENCE, 'fence', i(0, 0x0f), F3, Fmt.FENCE),
  d(Op.FENCE_I, 'fence.i', i(1, 0x0f), F3, Fmt.NONE, Prop.ENDS), // the next fetch must see earlier stores
  d(Op.ECALL, 'ecall', 0x00000073, ALL, Fmt.NONE, SYS),
  d(Op.EBREAK, 'ebreak', 0x00100073, ALL, Fmt.NONE, SYS),
  d(Op.SRET, 'sret', 0x10200073, ALL, Fmt.NONE, SYS),
  d(Op.MRET, 'mret', 0x30200073, ALL, Fmt.NONE, SYS),
  d(Op.WFI, 'wfi', 0x10500073, ALL, Fmt.NONE, SYS),
  d(Op.SFENCE_VMA, 'sfence.vma', 0x12000073, 0xfe007fff, Fmt.SFENCE, SYS),
  ...['csrrw', 'csrrs', 'csrrc'].map((n, k) => d(Op.CSRRW + k, n, i(k + 1, 0x73), F3, Fmt.CSR, SYS)),
  ...['csrrwi', 'csrrsi', 'csrrci'].map((n, k) => d(Op.CSRRWI + k, n, i(k + 5, 0x73), F3, Fmt.CSRI, SYS)),
  ...amoDefs(Op.LR_W, 2, 'w'),
  ...amoDefs(Op.LR_D, 3, 'd'),
  d(Op.FLW, 'flw', i(2, 0x07), F3, Fmt.FL),
  d(Op.FSW, 'fsw', i(2, 0x27), F3, Fmt.FS),
  d(Op.FLD, 'fld', i(3, 0x07), F3, Fmt.FL),
  d(Op.FSD, 'fsd', i(3, 0x27), F3, Fmt.FS),
  ...fpDefs(0, 's', [Op.FMADD_S, Op.FMSUB_S, Op.FNMSUB_S, Op.FNMADD_S, Op.FADD_S, Op.FSUB_S, Op.FMUL_S, Op.FDIV_S,
    Op.FSQRT_S, Op.FSGNJ_S, Op.FSGNJN_S, Op.FSGNJX_S, Op.FMIN_S, Op.FMAX_S]),
  ...fpIntDefs(0, 's', 'w', [Op.FCVT_W_S, Op.FCVT_WU_S, Op.FCVT_L_S, Op.FCVT_LU_S, Op.FMV_X_W, Op.FEQ_S, Op.FLT_S,
    Op.FLE_S, Op.FCLASS_S, Op.FCVT_S_W, Op.FCVT_S_WU, Op.FCVT_S_L, Op.FCVT_S_LU, Op.FMV_W_X]),
  ...fpDefs(1, 'd', [Op.FMADD_D, Op.FMSUB_D, Op.FNMSUB_D, Op.FNMADD_D, Op.FADD_D, Op.FSUB_D, Op.FMUL_D, Op.FDIV_D,
    Op.FSQRT_D, Op.FSGNJ_D, Op.FSGNJN_D, Op.FSGNJX_D, Op.FMIN_D, Op.FMAX_D]),
  d(Op.FCVT_S_D, 'fcvt.s.d', fr1(0x20, 1), FR1M, Fmt.FR1),
  d(Op.FCVT_D_S, 'fcvt.d.s', fr1(0x21, 0), FR1M, Fmt.FR1),
  ...fpIntDefs(1, 'd', 'd', [Op.FCVT_W_D, Op.FCVT_WU_D, Op.FCVT_L_D, Op.FCVT_LU_D, Op.FMV_X_D, Op.FEQ_D, Op.FLT_D,
    Op.FLE_D, Op.FCLASS_D, Op.FCVT_D_W, Op.FCVT_D_WU, Op.FCVT_D_L, Op.FCVT_D_LU, Op.FMV_D_X]),
];

/** Formats whose rd names an integer register (writes to x0 are discarded). */
export function writesIntRd(fmt: Fmt): boolean {
  switch (fmt) {
    case Fmt.R: case Fmt.I: case Fmt.U: case Fmt.J: case Fmt.SH: case Fmt.SHW:
    case Fmt.CSR: case Fmt.CSRI: case Fmt.AMO: case Fmt.LR: case Fmt.FCMP: case Fmt.F2X:
      return true;
    default:
      return false;
  }
}

/** Prop bits by op (TABLE[op].props), for lookups on hot paths. */
export const PROPS: Uint8Array = Uint8Array.from(TABLE, (def) => def.props);
