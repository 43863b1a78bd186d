/**
 * RVC ("C" standard extension) expansion for RV64GC.
 *
 * Every compressed instruction is expanded to the 32-bit instruction it is
 * defined to be equivalent to, so the rest of the decoder only ever sees
 * 32-bit encodings. References below are to the RISC-V unprivileged spec,
 * chapter '"C" Extension for Compressed Instructions': the compressed
 * instruction formats table (CR/CI/CSS/CIW/CL/CS/CA/CB/CJ) and the "RVC
 * Instruction Set Listings" (opcode map per quadrant).
 */

// 32-bit major opcodes.
const OPC_LOAD = 0x03;
const OPC_LOAD_FP = 0x07;
const OPC_OP_IMM = 0x13;
const OPC_OP_IMM_32 = 0x1b;
const OPC_STORE = 0x23;
const OPC_STORE_FP = 0x27;
const OPC_OP = 0x33;
const OPC_LUI = 0x37;
const OPC_OP_32 = 0x3b;
const OPC_BRANCH = 0x63;
const OPC_JALR = 0x67;
const OPC_JAL = 0x6f;

const EBREAK = 0x00100073;

const X0 = 0;
const RA = 1;
const SP = 2;

/** Bits hi..lo (inclusive) of x, shifted down to bit 0. */
function bits(x: number, hi: number, lo: number): number {
  return (x >>> lo) & ((1 << (hi - lo + 1)) - 1);
}

/** Single bit n of x. */
function bit(x: number, n: number): number {
  return (x >>> n) & 1;
}

/** Sign-extends the low `width` bits of x. */
function sext(x: number, width: number): number {
  const s = 32 - width;
  return (x << s) >> s;
}

/** The 3-bit register fields rd'/rs1'/rs2' name x8..x15 (or f8..f15). */
function creg(field3: number): number {
  return field3 + 8;
}

// --- 32-bit encoders (base formats R/I/S/B/U/J) -----------------------------

function encR(opcode: number, rd: number, funct3: number, rs1: number, rs2: number, funct7: number): number {
  return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

function encI(opcode: number, rd: number, funct3: number, rs1: number, imm: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

function encS(opcode: number, funct3: number, rs1: number, rs2: number, imm: number): number {
  return (
    ((bits(imm, 11, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (bits(imm, 4, 0) << 7) | opcode) >>> 0
  );
}

function encB(funct3: number, rs1: number, rs2: number, imm: number): number {
  return (
    ((bit(imm, 12) << 31) |
      (bits(imm, 10, 5) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (funct3 << 12) |
      (bits(imm, 4, 1) << 8) |
      (bit(imm, 11) << 7) |
      OPC_BRANCH) >>>
    0
  );
}

/** U-type; `imm` is the full (sign-extended) value whose bits 31:12 are encoded. */
function encU(opcode: number, rd: number, imm: number): number {
  return ((imm & 0xfffff000) | (rd << 7) | opcode) >>> 0;
}

function encJ(rd: number, imm: number): number {
  return (
    ((bit(imm, 20) << 31) |
      (bits(imm, 10, 1) << 21) |
      (bit(imm, 11) << 20) |
      (bits(imm, 19, 12) << 12) |
      (rd << 7) |
      OPC_JAL) >>>
    0
  );
}

// --- immediate scramblings of the compressed formats ------------------------

/** CI-format 6-bit signed immediate: imm[5] = inst[12], imm[4:0] = inst[6:2]. */
function ciImm(h: number): number {
  return sext((bit(h, 12) << 5) | bits(h, 6, 2), 6);
}

/** CI shift amount (unsigned): shamt[5] = inst[12], shamt[4:0] = inst[6:2]. */
function ciShamt(h: number): number {
  return (bit(h, 12) << 5) | bits(h, 6, 2);
}

/** c.addi4spn: nzuimm[5:4|9:6|2|3] = inst[12:5]. */
function addi4spnImm(h: number): number {
  return (bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bit(h, 6) << 2) | (bit(h, 5) << 3);
}

/** c.lw/c.sw: uimm[5:3] = inst[12:10], uimm[2|6] = inst[6:5]. */
function clwImm(h: number): number {
  return (bits(h, 12, 10) << 3) | (bit(h, 6) << 2) | (bit(h, 5) << 6);
}

/** c.ld/c.sd/c.fld/c.fsd: uimm[5:3] = inst[12:10], uimm[7:6] = inst[6:5]. */
function cldImm(h: number): number {
  return (bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6);
}

/** c.addi16sp: nzimm[9] = inst[12], nzimm[4|6|8:7|5] = inst[6:2]. */
function addi16spImm(h: number): number {
  return sext(
    (bit(h, 12) << 9) | (bit(h, 6) << 4) | (bit(h, 5) << 6) | (bits(h, 4, 3) << 7) | (bit(h, 2) << 5),
    10,
  );
}

/** c.lui: nzimm[17] = inst[12], nzimm[16:12] = inst[6:2]. */
function luiImm(h: number): number {
  return sext((bit(h, 12) << 17) | (bits(h, 6, 2) << 12), 18);
}

/** CJ (c.j): offset[11|4|9:8|10|6|7|3:1|5] = inst[12:2]. */
function cjImm(h: number): number {
  return sext(
    (bit(h, 12) << 11) |
      (bit(h, 11) << 4) |
      (bits(h, 10, 9) << 8) |
      (bit(h, 8) << 10) |
      (bit(h, 7) << 6) |
      (bit(h, 6) << 7) |
      (bits(h, 5, 3) << 1) |
      (bit(h, 2) << 5),
    12,
  );
}

/** CB branches: offset[8|4:3] = inst[12:10], offset[7:6|2:1|5] = inst[6:2]. */
function cbImm(h: number): number {
  return sext(
    (bit(h, 12) << 8) | (bits(h, 11, 10) << 3) | (bits(h, 6, 5) << 6) | (bits(h, 4, 3) << 1) | (bit(h, 2) << 5),
    9,
  );
}

/** c.lwsp: uimm[5] = inst[12], uimm[4:2|7:6] = inst[6:2]. */
function lwspImm(h: number): number {
  return (bit(h, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6);
}

/** c.ldsp/c.fldsp: uimm[5] = inst[12], uimm[4:3|8:6] = inst[6:2]. */
function ldspImm(h: number): number {
  return (bit(h, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6);
}

/** c.swsp: uimm[5:2|7:6] = inst[12:7]. */
function swspImm(h: number): number {
  return (bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6);
}

/** c.sdsp/c.fsdsp: uimm[5:3|8:6] = inst[12:7]. */
function sdspImm(h: number): number {
  return (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6);
}

// --- quadrants ---------------------------------------------------------------

function quadrant0(h: number): number {
  const rdp = creg(bits(h, 4, 2)); // rd' / rs2'
  const rs1p = creg(bits(h, 9, 7));
  switch (bits(h, 15, 13)) {
    case 0: {
      // c.addi4spn -> addi rd', x2, nzuimm. nzuimm = 0 is reserved; this
      // includes the all-zero halfword, which is defined to be illegal.
      const imm = addi4spnImm(h);
      return imm === 0 ? 0 : encI(OPC_OP_IMM, rdp, 0, SP, imm);
    }
    case 1: // c.fld -> fld rd', uimm(rs1')
      return encI(OPC_LOAD_FP, rdp, 3, rs1p, cldImm(h));
    case 2: // c.lw -> lw rd', uimm(rs1')
      return encI(OPC_LOAD, rdp, 2, rs1p, clwImm(h));
    case 3: // c.ld (RV64; c.flw on RV32) -> ld rd', uimm(rs1')
      return encI(OPC_LOAD, rdp, 3, rs1p, cldImm(h));
    case 4: // reserved
      return 0;
    case 5: // c.fsd -> fsd rs2', uimm(rs1')
      return encS(OPC_STORE_FP, 3, rs1p, rdp, cldImm(h));
    case 6: // c.sw -> sw rs2', uimm(rs1')
      return encS(OPC_STORE, 2, rs1p, rdp, clwImm(h));
    default: // 7: c.sd (RV64; c.fsw on RV32) -> sd rs2', uimm(rs1')
      return encS(OPC_STORE, 3, rs1p, rdp, cldImm(h));
  }
}

function quadrant1(h: number): number {
  const rd = bits(h, 11, 7);
  switch (bits(h, 15, 13)) {
    case 0:
      // c.addi -> addi rd, rd, nzimm. rd = 0 is c.nop (imm != 0: HINT);
      // rd != 0 with imm = 0 is a HINT. All expand literally.
      return encI(OPC_OP_IMM, rd, 0, rd, ciImm(h));
    case 1:
      // c.addiw (RV64; c.jal on RV32) -> addiw rd, rd, imm; rd = 0 reserved.
      return rd === 0 ? 0 : encI(OPC_OP_IMM_32, rd, 0, rd, ciImm(h));
    case 2:
      // c.li -> addi rd, x0, imm; rd = 0 is a HINT.
      return encI(OPC_OP_IMM, rd, 0, X0, ciImm(h));
    case 3: {
      if (rd === SP) {
        // c.addi16sp -> addi x2, x2, nzimm; nzimm = 0 reserved.
        const imm = addi16spImm(h);
        return imm === 0 ? 0 : encI(OPC_OP_IMM, SP, 0, SP, imm);
      }
      // c.lui -> lui rd, nzimm; nzimm = 0 reserved, rd = 0 a HINT.
      const imm = luiImm(h);
      return imm === 0 ? 0 : encU(OPC_LUI, rd, imm);
    }
    case 4:
      return miscAlu(h);
    case 5: // c.j -> jal x0, offset
      return encJ(X0, cjImm(h));
    case 6: // c.beqz -> beq rs1', x0, offset
      return encB(0, creg(bits(h, 9, 7)), X0, cbImm(h));
    default: // 7: c.bnez -> bne rs1', x0, offset
      return encB(1, creg(bits(h, 9, 7)), X0, cbImm(h));
  }
}

/** Quadrant 1, funct3 = 100: shifts, c.andi and the CA-format arithmetic. */
function miscAlu(h: number): number {
  const rdp = creg(bits(h, 9, 7));
  switch (bits(h, 11, 10)) {
    case 0:
      // c.srli -> srli rd', rd', shamt. On RV64 shamt[5] may be 1; shamt = 0
      // is a HINT (RV128 would read it as 64) and expands to a shift by 0.
      return encI(OPC_OP_IMM, rdp, 5, rdp, ciShamt(h));
    case 1:
      // c.srai -> srai rd', rd', shamt (same shamt rules as c.srli).
      return encI(OPC_OP_IMM, rdp, 5, rdp, 0x400 | ciShamt(h));
    case 2: // c.andi -> andi rd', rd', imm
      return encI(OPC_OP_IMM, rdp, 7, rdp, ciImm(h));
    default: {
      const rs2p = creg(bits(h, 4, 2));
      const funct2 = bits(h, 6, 5);
      if (bit(h, 12) === 0) {
        switch (funct2) {
          case 0: // c.sub
            return encR(OPC_OP, rdp, 0, rdp, rs2p, 0x20);
          case 1: // c.xor
            return encR(OPC_OP, rdp, 4, rdp, rs2p, 0);
          case 2: // c.or
            return encR(OPC_OP, rdp, 6, rdp, rs2p, 0);
          default: // c.and
            return encR(OPC_OP, rdp, 7, rdp, rs2p, 0);
        }
      }
      switch (funct2) {
        case 0: // c.subw (RV64)
          return encR(OPC_OP_32, rdp, 0, rdp, rs2p, 0x20);
        case 1: // c.addw (RV64)
          return encR(OPC_OP_32, rdp, 0, rdp, rs2p, 0);
        default: // reserved on RV64GC
          return 0;
      }
    }
  }
}

function quadrant2(h: number): number {
  const rd = bits(h, 11, 7); // also rs1
  const rs2 = bits(h, 6, 2);
  switch (bits(h, 15, 13)) {
    case 0:
      // c.slli -> slli rd, rd, shamt. rd = 0 and shamt = 0 are HINTs.
      return encI(OPC_OP_IMM, rd, 1, rd, ciShamt(h));
    case 1: // c.fldsp -> fld rd, uimm(x2); any f register
      return encI(OPC_LOAD_FP, rd, 3, SP, ldspImm(h));
    case 2: // c.lwsp -> lw rd, uimm(x2); rd = 0 reserved
      return rd === 0 ? 0 : encI(OPC_LOAD, rd, 2, SP, lwspImm(h));
    case 3: // c.ldsp (RV64; c.flwsp on RV32) -> ld rd, uimm(x2); rd = 0 reserved
      return rd === 0 ? 0 : encI(OPC_LOAD, rd, 3, SP, ldspImm(h));
    case 4:
      if (bit(h, 12) === 0) {
        if (rs2 === 0) {
          // c.jr -> jalr x0, 0(rs1); rs1 = 0 reserved.
          return rd === 0 ? 0 : encI(OPC_JALR, X0, 0, rd, 0);
        }
        // c.mv -> add rd, x0, rs2; rd = 0 is a HINT.
        return encR(OPC_OP, rd, 0, X0, rs2, 0);
      }
      if (rs2 === 0) {
        // c.ebreak (rs1 = 0), else c.jalr -> jalr x1, 0(rs1).
        return rd === 0 ? EBREAK : encI(OPC_JALR, RA, 0, rd, 0);
      }
      // c.add -> add rd, rd, rs2; rd = 0 is a HINT.
      return encR(OPC_OP, rd, 0, rd, rs2, 0);
    case 5: // c.fsdsp -> fsd rs2, uimm(x2)
      return encS(OPC_STORE_FP, 3, SP, rs2, sdspImm(h));
    case 6: // c.swsp -> sw rs2, uimm(x2)
      return encS(OPC_STORE, 2, SP, rs2, swspImm(h));
    default: // 7: c.sdsp (RV64; c.fswsp on RV32) -> sd rs2, uimm(x2)
      return encS(OPC_STORE, 3, SP, rs2, sdspImm(h));
  }
}

/**
 * Expands a 16-bit RVC instruction (low 2 bits != 0b11) for RV64 into its
 * 32-bit equivalent encoding, or returns 0 when the encoding is illegal or
 * reserved on RV64GC. HINT encodings are legal and expand to the equivalent
 * instruction (whose write to x0, if any, has no effect).
 */
export function expandRvc(half: number): number {
  const h = half & 0xffff;
  switch (h & 3) {
    case 0:
      return quadrant0(h);
    case 1:
      return quadrant1(h);
    case 2:
      return quadrant2(h);
    default:
      return 0; // not a compressed instruction
  }
}
