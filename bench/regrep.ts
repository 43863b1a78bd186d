// Register representation benchmark: how fast can a JavaScript interpreter
// core run RV64I code with each way of holding 64-bit registers?
//
// One tiny RV64I-subset core (add, addi, sub, slli, srli, and, xor, ld, sd,
// beq, bne, blt, jal) in five variants, all running the same program for the
// same number of instructions and required to finish in the same state:
//
//   (a)  int32 pairs   registers as (lo, hi) pairs in an Int32Array;
//                      64-bit arithmetic done by hand with carries.
//   (b)  BigInt        registers in a BigInt64Array, BigInt arithmetic with
//                      explicit BigInt.asIntN / asUintN wrapping.
//   (b') BigInt, typed-array wrap: as (b) but relying on the BigInt64Array
//                      store to wrap instead of calling BigInt.asIntN.
//   (c)  number        registers as doubles: exact only below 2^53, so NOT a
//                      valid RV64 implementation; a speed ceiling reference.
//   (d)  int32 pairs, no decode cache: (a), but re-decoding every instruction
//                      from its 32-bit encoding on every execution instead of
//                      reading the pre-decoded arrays.
//
// The program (hand-assembled below) keeps every value below 2^53, so that
// the number variant computes the same result as the exact ones; the final
// registers and RAM of every variant are compared (asserted) so that the
// comparison is honest.
//
// Usage: node dist/bench/regrep.js [million-instructions-per-run]

// ---------------------------------------------------------------------------
// Encoding (a tiny assembler) and decoding of the RV64I subset.

const enum Op {
  ADD, SUB, AND, XOR, ADDI, SLLI, SRLI, LD, SD, BEQ, BNE, BLT, JAL,
}

function rType(f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number): number {
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
}
function iType(imm: number, rs1: number, f3: number, rd: number, opc: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
}
function sType(imm: number, rs2: number, rs1: number, f3: number, opc: number): number {
  return ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | opc) >>> 0;
}
function bType(imm: number, rs2: number, rs1: number, f3: number): number {
  return (
    (((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63
  ) >>> 0;
}
function jType(imm: number, rd: number): number {
  return (
    (((imm >> 20) & 1) << 31) |
    (((imm >> 1) & 0x3ff) << 21) |
    (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) |
    (rd << 7) |
    0x6f
  ) >>> 0;
}

const asm = {
  add: (rd: number, a: number, b: number) => rType(0, b, a, 0, rd, 0x33),
  sub: (rd: number, a: number, b: number) => rType(0x20, b, a, 0, rd, 0x33),
  and: (rd: number, a: number, b: number) => rType(0, b, a, 7, rd, 0x33),
  xor: (rd: number, a: number, b: number) => rType(0, b, a, 4, rd, 0x33),
  addi: (rd: number, a: number, imm: number) => iType(imm, a, 0, rd, 0x13),
  slli: (rd: number, a: number, sh: number) => iType(sh, a, 1, rd, 0x13),
  srli: (rd: number, a: number, sh: number) => iType(sh, a, 5, rd, 0x13),
  ld: (rd: number, off: number, base: number) => iType(off, base, 3, rd, 0x03),
  sd: (src: number, off: number, base: number) => sType(off, src, base, 3, 0x23),
  beq: (a: number, b: number, off: number) => bType(off, b, a, 0),
  bne: (a: number, b: number, off: number) => bType(off, b, a, 1),
  blt: (a: number, b: number, off: number) => bType(off, b, a, 4),
  jal: (rd: number, off: number) => jType(off, rd),
};

/** A decoded instruction's fields; imm is a byte offset for branches and jumps. */
interface Decoded {
  op: Op;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
}

function decode(w: number): Decoded {
  const opc = w & 0x7f;
  const rd = (w >>> 7) & 31;
  const f3 = (w >>> 12) & 7;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  const f7 = w >>> 25;
  switch (opc) {
    case 0x33:
      if (f3 === 0 && f7 === 0) return { op: Op.ADD, rd, rs1, rs2, imm: 0 };
      if (f3 === 0 && f7 === 0x20) return { op: Op.SUB, rd, rs1, rs2, imm: 0 };
      if (f3 === 7 && f7 === 0) return { op: Op.AND, rd, rs1, rs2, imm: 0 };
      if (f3 === 4 && f7 === 0) return { op: Op.XOR, rd, rs1, rs2, imm: 0 };
      break;
    case 0x13:
      if (f3 === 0) return { op: Op.ADDI, rd, rs1, rs2: 0, imm: w >> 20 };
      if (f3 === 1 && w >>> 26 === 0) return { op: Op.SLLI, rd, rs1, rs2: 0, imm: (w >>> 20) & 63 };
      if (f3 === 5 && w >>> 26 === 0) return { op: Op.SRLI, rd, rs1, rs2: 0, imm: (w >>> 20) & 63 };
      break;
    case 0x03:
      if (f3 === 3) return { op: Op.LD, rd, rs1, rs2: 0, imm: w >> 20 };
      break;
    case 0x23:
      if (f3 === 3) return { op: Op.SD, rd: 0, rs1, rs2, imm: ((w >> 25) << 5) | ((w >>> 7) & 31) };
      break;
    case 0x63: {
      const imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
      if (f3 === 0) return { op: Op.BEQ, rd: 0, rs1, rs2, imm };
      if (f3 === 1) return { op: Op.BNE, rd: 0, rs1, rs2, imm };
      if (f3 === 4) return { op: Op.BLT, rd: 0, rs1, rs2, imm };
      break;
    }
    case 0x6f: {
      const imm = ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
      return { op: Op.JAL, rd, rs1: 0, rs2: 0, imm };
    }
  }
  throw new Error(`regrep: cannot decode ${w.toString(16).padStart(8, '0')}`);
}

// ---------------------------------------------------------------------------
// The program: a hash chain over a RAM array of WORDS 64-bit words, forever.
//
//   mask = 2^47 - 1 (or -1: see below); h = 1234
//   outer: for (i = 0; i != WORDS; i++) {
//            a = ram[i] + h; h = (h << 5) ^ a; h = h - (h >> 17); h &= mask;
//            ram[i] = h; }
//          rounds++; (a never-taken blt and a taken beq); jal outer
//
// h < 2^47 before the shift, so every value stays below 2^53.  The second
// program, `wide`, has mask = -1 (same instructions, different immediates):
// its values use all 64 bits and wrap, so only the valid variants run it.

const WORDS = 512;
const RAM_BYTES = WORDS * 8;

function assemble(wide: boolean): Uint32Array {
  const p: number[] = [];
  p.push(asm.addi(1, 0, 0)); //          x1 = RAM base
  p.push(asm.addi(2, 0, WORDS)); //      x2 = WORDS
  p.push(asm.addi(3, 0, wide ? -1 : 1));
  p.push(asm.slli(3, 3, wide ? 0 : 47));
  p.push(asm.addi(3, 3, wide ? 0 : -1)); // x3 = mask
  p.push(asm.addi(5, 0, 1234)); //       x5 = h
  p.push(asm.addi(11, 0, 0)); //         x11 = rounds
  const outer = p.length;
  p.push(asm.addi(4, 0, 0)); //          x4 = i
  p.push(asm.add(6, 1, 0)); //           x6 = &ram[i]
  const inner = p.length;
  p.push(asm.ld(7, 0, 6));
  p.push(asm.add(7, 7, 5));
  p.push(asm.slli(8, 5, 5));
  p.push(asm.xor(5, 8, 7));
  p.push(asm.srli(9, 5, 17));
  p.push(asm.sub(5, 5, 9));
  p.push(asm.and(5, 5, 3));
  p.push(asm.sd(5, 0, 6));
  p.push(asm.addi(6, 6, 8));
  p.push(asm.addi(4, 4, 1));
  p.push(asm.bne(4, 2, (inner - p.length) * 4));
  p.push(asm.addi(11, 11, 1));
  p.push(asm.blt(11, 0, 8)); //          never taken
  p.push(asm.beq(0, 0, 8)); //           always taken, skips the next
  p.push(asm.addi(11, 11, 100)); //      never executed
  p.push(asm.jal(0, (outer - p.length) * 4));
  return Uint32Array.from(p);
}

/** The pre-decoded program, struct-of-arrays, indexed by pc / 4. */
interface Program {
  words: Uint32Array;
  op: Uint8Array;
  rd: Uint8Array;
  rs1: Uint8Array;
  rs2: Uint8Array;
  imm: Int32Array;
  /** The same, packed: [op | rd << 8 | rs1 << 16 | rs2 << 24, imm] per instruction. */
  packed: Int32Array;
}

function predecode(words: Uint32Array): Program {
  const n = words.length;
  const prog: Program = {
    words,
    op: new Uint8Array(n),
    rd: new Uint8Array(n),
    rs1: new Uint8Array(n),
    rs2: new Uint8Array(n),
    imm: new Int32Array(n),
    packed: new Int32Array(2 * n),
  };
  for (let i = 0; i < n; i++) {
    const d = decode(words[i]!);
    prog.op[i] = d.op;
    prog.rd[i] = d.rd;
    prog.rs1[i] = d.rs1;
    prog.rs2[i] = d.rs2;
    prog.imm[i] = d.imm;
    prog.packed[2 * i] = d.op | (d.rd << 8) | (d.rs1 << 16) | (d.rs2 << 24);
    prog.packed[2 * i + 1] = d.imm;
  }
  return prog;
}

/** Machine state after a run, in a representation-neutral form. */
interface FinalState {
  regs: bigint[];
  ram: Uint8Array;
  pc: number;
}

function pairsToBigInts(r: Int32Array): bigint[] {
  const regs: bigint[] = [];
  for (let k = 0; k < 32; k++) {
    regs.push(BigInt.asIntN(64, (BigInt(r[2 * k + 1]!) << 32n) | BigInt(r[2 * k]! >>> 0)));
  }
  return regs;
}

// ---------------------------------------------------------------------------
// (a) int32 pairs, pre-decoded into one packed Int32Array (two words per
// instruction).

function runPairsPacked(prog: Program, count: number): FinalState {
  const r = new Int32Array(64); // x[i] = (r[2i] lo, r[2i+1] hi)
  const ram = new ArrayBuffer(RAM_BYTES);
  const m = new Int32Array(ram);
  const dec = prog.packed;
  let pc = 0; // instruction index
  for (let n = 0; n < count; n++) {
    const i = pc;
    const f = dec[2 * i]!;
    const k = dec[2 * i + 1]!; // immediate
    const d = (f >>> 7) & 62; // rd << 1
    const a = (f >>> 15) & 62;
    const b = (f >>> 23) & 62;
    pc = i + 1;
    switch (f & 0xff) {
      case Op.ADD: {
        const alo = r[a]!, blo = r[b]!;
        const lo = (alo + blo) | 0;
        r[d + 1] = (r[a + 1]! + r[b + 1]! + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
        r[d] = lo;
        break;
      }
      case Op.SUB: {
        const alo = r[a]!, blo = r[b]!;
        r[d + 1] = (r[a + 1]! - r[b + 1]! - ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
        r[d] = (alo - blo) | 0;
        break;
      }
      case Op.AND:
        r[d] = r[a]! & r[b]!;
        r[d + 1] = r[a + 1]! & r[b + 1]!;
        break;
      case Op.XOR:
        r[d] = r[a]! ^ r[b]!;
        r[d + 1] = r[a + 1]! ^ r[b + 1]!;
        break;
      case Op.ADDI: {
        const alo = r[a]!;
        const lo = (alo + k) | 0;
        // carry out of the low word, plus the sign extension of k
        r[d + 1] = (r[a + 1]! + ((lo >>> 0) < (alo >>> 0) ? 1 : 0) + (k >> 31)) | 0;
        r[d] = lo;
        break;
      }
      case Op.SLLI: {
        const s = k;
        const lo = r[a]!, hi = r[a + 1]!;
        if (s === 0) {
          r[d] = lo;
          r[d + 1] = hi;
        } else if (s < 32) {
          r[d + 1] = (hi << s) | (lo >>> (32 - s));
          r[d] = lo << s;
        } else {
          r[d + 1] = lo << (s - 32);
          r[d] = 0;
        }
        break;
      }
      case Op.SRLI: {
        const s = k;
        const lo = r[a]!, hi = r[a + 1]!;
        if (s === 0) {
          r[d] = lo;
          r[d + 1] = hi;
        } else if (s < 32) {
          r[d] = (lo >>> s) | (hi << (32 - s));
          r[d + 1] = hi >>> s;
        } else {
          r[d] = hi >>> (s - 32);
          r[d + 1] = 0;
        }
        break;
      }
      case Op.LD: {
        const addr = (r[a]! + k) >>> 0;
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`ld fault at ${addr}`);
        r[d] = m[addr >>> 2]!;
        r[d + 1] = m[(addr >>> 2) + 1]!;
        break;
      }
      case Op.SD: {
        const addr = (r[a]! + k) >>> 0;
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`sd fault at ${addr}`);
        m[addr >>> 2] = r[b]!;
        m[(addr >>> 2) + 1] = r[b + 1]!;
        break;
      }
      case Op.BEQ:
        if (r[a] === r[b] && r[a + 1] === r[b + 1]) pc = i + (k >> 2);
        break;
      case Op.BNE:
        if (r[a] !== r[b] || r[a + 1] !== r[b + 1]) pc = i + (k >> 2);
        break;
      case Op.BLT: {
        const ah = r[a + 1]!, bh = r[b + 1]!;
        if (ah < bh || (ah === bh && r[a]! >>> 0 < r[b]! >>> 0)) pc = i + (k >> 2);
        break;
      }
      case Op.JAL:
        r[d] = (i + 1) * 4;
        r[d + 1] = 0;
        pc = i + (k >> 2);
        break;
    }
    r[0] = 0;
    r[1] = 0;
  }
  return { regs: pairsToBigInts(r), ram: new Uint8Array(ram), pc: pc * 4 };
}

// ---------------------------------------------------------------------------
// (a') int32 pairs, pre-decoded into five struct-of-arrays typed arrays.

function runPairs(prog: Program, count: number): FinalState {
  const r = new Int32Array(64); // x[i] = (r[2i] lo, r[2i+1] hi)
  const ram = new ArrayBuffer(RAM_BYTES);
  const m = new Int32Array(ram);
  const { op, rd, rs1, rs2, imm } = prog;
  let pc = 0; // instruction index
  for (let n = 0; n < count; n++) {
    const i = pc;
    const d = rd[i]! << 1;
    const a = rs1[i]! << 1;
    const b = rs2[i]! << 1;
    pc = i + 1;
    switch (op[i]) {
      case Op.ADD: {
        const alo = r[a]!, blo = r[b]!;
        const lo = (alo + blo) | 0;
        r[d + 1] = (r[a + 1]! + r[b + 1]! + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
        r[d] = lo;
        break;
      }
      case Op.SUB: {
        const alo = r[a]!, blo = r[b]!;
        r[d + 1] = (r[a + 1]! - r[b + 1]! - ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
        r[d] = (alo - blo) | 0;
        break;
      }
      case Op.AND:
        r[d] = r[a]! & r[b]!;
        r[d + 1] = r[a + 1]! & r[b + 1]!;
        break;
      case Op.XOR:
        r[d] = r[a]! ^ r[b]!;
        r[d + 1] = r[a + 1]! ^ r[b + 1]!;
        break;
      case Op.ADDI: {
        const k = imm[i]!;
        const alo = r[a]!;
        const lo = (alo + k) | 0;
        // carry out of the low word, plus the sign extension of k
        r[d + 1] = (r[a + 1]! + ((lo >>> 0) < (alo >>> 0) ? 1 : 0) + (k >> 31)) | 0;
        r[d] = lo;
        break;
      }
      case Op.SLLI: {
        const s = imm[i]!;
        const lo = r[a]!, hi = r[a + 1]!;
        if (s === 0) {
          r[d] = lo;
          r[d + 1] = hi;
        } else if (s < 32) {
          r[d + 1] = (hi << s) | (lo >>> (32 - s));
          r[d] = lo << s;
        } else {
          r[d + 1] = lo << (s - 32);
          r[d] = 0;
        }
        break;
      }
      case Op.SRLI: {
        const s = imm[i]!;
        const lo = r[a]!, hi = r[a + 1]!;
        if (s === 0) {
          r[d] = lo;
          r[d + 1] = hi;
        } else if (s < 32) {
          r[d] = (lo >>> s) | (hi << (32 - s));
          r[d + 1] = hi >>> s;
        } else {
          r[d] = hi >>> (s - 32);
          r[d + 1] = 0;
        }
        break;
      }
      case Op.LD: {
        const addr = (r[a]! + imm[i]!) >>> 0;
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`ld fault at ${addr}`);
        r[d] = m[addr >>> 2]!;
        r[d + 1] = m[(addr >>> 2) + 1]!;
        break;
      }
      case Op.SD: {
        const addr = (r[a]! + imm[i]!) >>> 0;
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`sd fault at ${addr}`);
        m[addr >>> 2] = r[b]!;
        m[(addr >>> 2) + 1] = r[b + 1]!;
        break;
      }
      case Op.BEQ:
        if (r[a] === r[b] && r[a + 1] === r[b + 1]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BNE:
        if (r[a] !== r[b] || r[a + 1] !== r[b + 1]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BLT: {
        const ah = r[a + 1]!, bh = r[b + 1]!;
        if (ah < bh || (ah === bh && r[a]! >>> 0 < r[b]! >>> 0)) pc = i + (imm[i]! >> 2);
        break;
      }
      case Op.JAL:
        r[d] = (i + 1) * 4;
        r[d + 1] = 0;
        pc = i + (imm[i]! >> 2);
        break;
    }
    r[0] = 0;
    r[1] = 0;
  }
  return { regs: pairsToBigInts(r), ram: new Uint8Array(ram), pc: pc * 4 };
}

// ---------------------------------------------------------------------------
// (d) int32 pairs, decoding every instruction from its encoding each time.

function runPairsNoCache(prog: Program, count: number): FinalState {
  const r = new Int32Array(64);
  const ram = new ArrayBuffer(RAM_BYTES);
  const m = new Int32Array(ram);
  const words = prog.words;
  let pc = 0;
  for (let n = 0; n < count; n++) {
    const i = pc;
    const w = words[i]!;
    pc = i + 1;
    const opc = w & 0x7f;
    const d = ((w >>> 7) & 31) << 1;
    const f3 = (w >>> 12) & 7;
    const a = ((w >>> 15) & 31) << 1;
    const b = ((w >>> 20) & 31) << 1;
    switch (opc) {
      case 0x33: {
        const f7 = w >>> 25;
        if (f3 === 0 && f7 === 0) {
          const alo = r[a]!, blo = r[b]!;
          const lo = (alo + blo) | 0;
          r[d + 1] = (r[a + 1]! + r[b + 1]! + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
          r[d] = lo;
        } else if (f3 === 0 && f7 === 0x20) {
          const alo = r[a]!, blo = r[b]!;
          r[d + 1] = (r[a + 1]! - r[b + 1]! - ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
          r[d] = (alo - blo) | 0;
        } else if (f3 === 7 && f7 === 0) {
          r[d] = r[a]! & r[b]!;
          r[d + 1] = r[a + 1]! & r[b + 1]!;
        } else if (f3 === 4 && f7 === 0) {
          r[d] = r[a]! ^ r[b]!;
          r[d + 1] = r[a + 1]! ^ r[b + 1]!;
        } else {
          throw new Error(`illegal ${w.toString(16)}`);
        }
        break;
      }
      case 0x13: {
        if (f3 === 0) {
          const k = w >> 20;
          const alo = r[a]!;
          const lo = (alo + k) | 0;
          r[d + 1] = (r[a + 1]! + ((lo >>> 0) < (alo >>> 0) ? 1 : 0) + (k >> 31)) | 0;
          r[d] = lo;
        } else if (f3 === 1 && w >>> 26 === 0) {
          const s = (w >>> 20) & 63;
          const lo = r[a]!, hi = r[a + 1]!;
          if (s === 0) {
            r[d] = lo;
            r[d + 1] = hi;
          } else if (s < 32) {
            r[d + 1] = (hi << s) | (lo >>> (32 - s));
            r[d] = lo << s;
          } else {
            r[d + 1] = lo << (s - 32);
            r[d] = 0;
          }
        } else if (f3 === 5 && w >>> 26 === 0) {
          const s = (w >>> 20) & 63;
          const lo = r[a]!, hi = r[a + 1]!;
          if (s === 0) {
            r[d] = lo;
            r[d + 1] = hi;
          } else if (s < 32) {
            r[d] = (lo >>> s) | (hi << (32 - s));
            r[d + 1] = hi >>> s;
          } else {
            r[d] = hi >>> (s - 32);
            r[d + 1] = 0;
          }
        } else {
          throw new Error(`illegal ${w.toString(16)}`);
        }
        break;
      }
      case 0x03: {
        if (f3 !== 3) throw new Error(`illegal ${w.toString(16)}`);
        const addr = (r[a]! + (w >> 20)) >>> 0;
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`ld fault at ${addr}`);
        r[d] = m[addr >>> 2]!;
        r[d + 1] = m[(addr >>> 2) + 1]!;
        break;
      }
      case 0x23: {
        if (f3 !== 3) throw new Error(`illegal ${w.toString(16)}`);
        const addr = (r[a]! + (((w >> 25) << 5) | ((w >>> 7) & 31))) >>> 0;
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`sd fault at ${addr}`);
        m[addr >>> 2] = r[b]!;
        m[(addr >>> 2) + 1] = r[b + 1]!;
        break;
      }
      case 0x63: {
        let taken: boolean;
        if (f3 === 0) taken = r[a] === r[b] && r[a + 1] === r[b + 1];
        else if (f3 === 1) taken = r[a] !== r[b] || r[a + 1] !== r[b + 1];
        else if (f3 === 4) {
          const ah = r[a + 1]!, bh = r[b + 1]!;
          taken = ah < bh || (ah === bh && r[a]! >>> 0 < r[b]! >>> 0);
        } else throw new Error(`illegal ${w.toString(16)}`);
        if (taken) {
          const off =
            ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
          pc = i + (off >> 2);
        }
        break;
      }
      case 0x6f: {
        const off =
          ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
        r[d] = (i + 1) * 4;
        r[d + 1] = 0;
        pc = i + (off >> 2);
        break;
      }
      default:
        throw new Error(`illegal ${w.toString(16)}`);
    }
    r[0] = 0;
    r[1] = 0;
  }
  return { regs: pairsToBigInts(r), ram: new Uint8Array(ram), pc: pc * 4 };
}

// ---------------------------------------------------------------------------
// (b) BigInt64Array registers, BigInt arithmetic wrapped with BigInt.asIntN.

function runBigInt(prog: Program, count: number): FinalState {
  const r = new BigInt64Array(32);
  const ram = new ArrayBuffer(RAM_BYTES);
  const m = new BigInt64Array(ram);
  const { op, rd, rs1, rs2, imm } = prog;
  let pc = 0;
  for (let n = 0; n < count; n++) {
    const i = pc;
    const d = rd[i]!;
    const a = rs1[i]!;
    const b = rs2[i]!;
    pc = i + 1;
    switch (op[i]) {
      case Op.ADD:
        r[d] = BigInt.asIntN(64, r[a]! + r[b]!);
        break;
      case Op.SUB:
        r[d] = BigInt.asIntN(64, r[a]! - r[b]!);
        break;
      case Op.AND:
        r[d] = r[a]! & r[b]!;
        break;
      case Op.XOR:
        r[d] = r[a]! ^ r[b]!;
        break;
      case Op.ADDI:
        r[d] = BigInt.asIntN(64, r[a]! + BigInt(imm[i]!));
        break;
      case Op.SLLI:
        r[d] = BigInt.asIntN(64, r[a]! << BigInt(imm[i]!));
        break;
      case Op.SRLI:
        r[d] = BigInt.asIntN(64, BigInt.asUintN(64, r[a]!) >> BigInt(imm[i]!));
        break;
      case Op.LD: {
        const addr = Number(BigInt.asUintN(64, r[a]! + BigInt(imm[i]!)));
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`ld fault at ${addr}`);
        r[d] = m[addr >>> 3]!;
        break;
      }
      case Op.SD: {
        const addr = Number(BigInt.asUintN(64, r[a]! + BigInt(imm[i]!)));
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`sd fault at ${addr}`);
        m[addr >>> 3] = r[b]!;
        break;
      }
      case Op.BEQ:
        if (r[a] === r[b]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BNE:
        if (r[a] !== r[b]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BLT:
        if (r[a]! < r[b]!) pc = i + (imm[i]! >> 2);
        break;
      case Op.JAL:
        r[d] = BigInt((i + 1) * 4);
        pc = i + (imm[i]! >> 2);
        break;
    }
    r[0] = 0n;
  }
  return { regs: Array.from(r), ram: new Uint8Array(ram), pc: pc * 4 };
}

// ---------------------------------------------------------------------------
// (b') BigInt64Array registers, wrapping left to the typed-array store.

function runBigIntStoreWrap(prog: Program, count: number): FinalState {
  const r = new BigInt64Array(32);
  const ram = new ArrayBuffer(RAM_BYTES);
  const m = new BigInt64Array(ram);
  const { op, rd, rs1, rs2, imm } = prog;
  const immBig = Array.from(prog.imm, (k) => BigInt(k)); // part of the pre-decode
  let pc = 0;
  for (let n = 0; n < count; n++) {
    const i = pc;
    const d = rd[i]!;
    const a = rs1[i]!;
    const b = rs2[i]!;
    pc = i + 1;
    switch (op[i]) {
      case Op.ADD:
        r[d] = r[a]! + r[b]!;
        break;
      case Op.SUB:
        r[d] = r[a]! - r[b]!;
        break;
      case Op.AND:
        r[d] = r[a]! & r[b]!;
        break;
      case Op.XOR:
        r[d] = r[a]! ^ r[b]!;
        break;
      case Op.ADDI:
        r[d] = r[a]! + immBig[i]!;
        break;
      case Op.SLLI:
        r[d] = r[a]! << immBig[i]!;
        break;
      case Op.SRLI:
        r[d] = BigInt.asUintN(64, r[a]!) >> immBig[i]!;
        break;
      case Op.LD: {
        const addr = Number(BigInt.asUintN(64, r[a]! + immBig[i]!));
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`ld fault at ${addr}`);
        r[d] = m[addr >>> 3]!;
        break;
      }
      case Op.SD: {
        const addr = Number(BigInt.asUintN(64, r[a]! + immBig[i]!));
        if ((addr & 7) !== 0 || addr >= RAM_BYTES) throw new Error(`sd fault at ${addr}`);
        m[addr >>> 3] = r[b]!;
        break;
      }
      case Op.BEQ:
        if (r[a] === r[b]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BNE:
        if (r[a] !== r[b]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BLT:
        if (r[a]! < r[b]!) pc = i + (imm[i]! >> 2);
        break;
      case Op.JAL:
        r[d] = BigInt((i + 1) * 4);
        pc = i + (imm[i]! >> 2);
        break;
    }
    r[0] = 0n;
  }
  return { regs: Array.from(r), ram: new Uint8Array(ram), pc: pc * 4 };
}

// ---------------------------------------------------------------------------
// (c) JS numbers: exact only for values in [0, 2^53). NOT a valid RV64
// implementation (negative values, wrap-around and bit operations above 2^53
// are wrong); it only shows how fast the simplest representation could be.

const TWO32 = 4294967296;
const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

function runNumber(prog: Program, count: number): FinalState {
  const r = new Float64Array(32);
  const ram = new ArrayBuffer(RAM_BYTES);
  const m = new Uint32Array(ram);
  const { op, rd, rs1, rs2, imm } = prog;
  let pc = 0;
  for (let n = 0; n < count; n++) {
    const i = pc;
    const d = rd[i]!;
    const a = rs1[i]!;
    const b = rs2[i]!;
    pc = i + 1;
    switch (op[i]) {
      case Op.ADD:
        r[d] = r[a]! + r[b]!;
        break;
      case Op.SUB:
        r[d] = r[a]! - r[b]!;
        break;
      case Op.AND: {
        const x = r[a]!, y = r[b]!;
        r[d] = ((((x / TWO32) | 0) & ((y / TWO32) | 0)) * TWO32) + ((x & y) >>> 0);
        break;
      }
      case Op.XOR: {
        const x = r[a]!, y = r[b]!;
        r[d] = (((x / TWO32) | 0) ^ ((y / TWO32) | 0)) * TWO32 + ((x ^ y) >>> 0);
        break;
      }
      case Op.ADDI:
        r[d] = r[a]! + imm[i]!;
        break;
      case Op.SLLI:
        r[d] = r[a]! * POW2[imm[i]!]!;
        break;
      case Op.SRLI:
        r[d] = Math.floor(r[a]! / POW2[imm[i]!]!);
        break;
      case Op.LD: {
        const addr = r[a]! + imm[i]!;
        if (addr % 8 !== 0 || addr >= RAM_BYTES) throw new Error(`ld fault at ${addr}`);
        r[d] = m[(addr >>> 2) + 1]! * TWO32 + m[addr >>> 2]!;
        break;
      }
      case Op.SD: {
        const addr = r[a]! + imm[i]!;
        if (addr % 8 !== 0 || addr >= RAM_BYTES) throw new Error(`sd fault at ${addr}`);
        const v = r[b]!;
        m[addr >>> 2] = v >>> 0; // ToUint32 is v mod 2^32
        m[(addr >>> 2) + 1] = (v / TWO32) | 0;
        break;
      }
      case Op.BEQ:
        if (r[a] === r[b]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BNE:
        if (r[a] !== r[b]) pc = i + (imm[i]! >> 2);
        break;
      case Op.BLT:
        if (r[a]! < r[b]!) pc = i + (imm[i]! >> 2);
        break;
      case Op.JAL:
        r[d] = (i + 1) * 4;
        pc = i + (imm[i]! >> 2);
        break;
    }
    r[0] = 0;
  }
  return { regs: Array.from(r, (v) => BigInt(v)), ram: new Uint8Array(ram), pc: pc * 4 };
}

// ---------------------------------------------------------------------------
// Driver.

interface Variant {
  key: string;
  label: string;
  run: (prog: Program, count: number) => FinalState;
  /** Correct for all 64-bit values (false: only below 2^53). */
  valid: boolean;
}

const VARIANTS: Variant[] = [
  { key: 'a', label: 'int32 pairs, packed decode', run: runPairsPacked, valid: true },
  { key: "a'", label: 'int32 pairs, struct-of-arrays decode', run: runPairs, valid: true },
  { key: 'b', label: 'BigInt64Array + BigInt.asIntN', run: runBigInt, valid: true },
  { key: "b'", label: 'BigInt64Array, store wraps', run: runBigIntStoreWrap, valid: true },
  { key: 'c', label: 'JS number, < 2^53 only [NOT VALID]', run: runNumber, valid: false },
  { key: 'd', label: 'int32 pairs, re-decode every insn', run: runPairsNoCache, valid: true },
];

function digest(s: FinalState): string {
  let h = 0xcbf29ce484222325n;
  const mix = (v: bigint) => {
    h = BigInt.asUintN(64, (h ^ BigInt.asUintN(64, v)) * 0x100000001b3n);
  };
  for (const v of s.regs) mix(v);
  const view = new DataView(s.ram.buffer, s.ram.byteOffset, s.ram.byteLength);
  for (let off = 0; off < s.ram.byteLength; off += 8) mix(view.getBigUint64(off, true));
  mix(BigInt(s.pc));
  return h.toString(16).padStart(16, '0');
}

interface Measured {
  v: Variant;
  mips: number;
  sum: string;
}

function measure(prog: Program, variants: Variant[], count: number, repeats: number): Measured[] {
  // Correctness first, on a short run compared against (a); the timed runs
  // are compared again below.
  const shortCount = 200_000;
  const ref = digest(runPairs(prog, shortCount));
  for (const v of variants) {
    const got = digest(v.run(prog, shortCount));
    if (got !== ref) throw new Error(`regrep: variant (${v.key}) disagrees on the short run: ${got} vs ${ref}`);
  }
  for (const v of variants) v.run(prog, Math.min(count, 2_000_000)); // warm up the JIT
  // Rounds outside, variants inside, best time per variant: a burst of load
  // on the machine then hurts one sample of each variant, not one variant.
  const best = variants.map(() => Infinity);
  const sums = variants.map(() => '');
  for (let k = 0; k < repeats; k++) {
    variants.forEach((v, j) => {
      const t0 = process.hrtime.bigint();
      const s = v.run(prog, count);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      best[j] = Math.min(best[j]!, secs);
      sums[j] = digest(s);
    });
  }
  const results = variants.map((v, j) => ({ v, mips: count / best[j]! / 1e6, sum: sums[j]! }));
  const base = results[0]!;
  for (const r of results) {
    if (r.sum !== base.sum) throw new Error(`regrep: variant (${r.v.key}) final state ${r.sum} != (a) ${base.sum}`);
  }
  return results;
}

function report(title: string, results: Measured[]): void {
  const base = results[0]!;
  console.log('');
  console.log(title);
  console.log(`  ${'variant'.padEnd(42)} ${'MIPS'.padStart(8)} ${'vs (a)'.padStart(8)}`);
  for (const r of results) {
    const ratio = r.mips / base.mips;
    console.log(
      `  ${`(${r.v.key}) ${r.v.label}`.padEnd(42)} ${r.mips.toFixed(1).padStart(8)} ${ratio.toFixed(2).padStart(7)}x`,
    );
  }
  console.log(`  final state digest (all variants agree): ${base.sum}`);
}

function main(): void {
  const millions = Number(process.argv[2] ?? '20');
  if (!Number.isFinite(millions) || millions <= 0) throw new Error('usage: regrep [million-instructions]');
  const count = Math.round(millions * 1e6);
  const repeats = 5;
  const narrow = predecode(assemble(false));
  const wide = predecode(assemble(true));
  console.log(
    `regrep: ${narrow.words.length}-instruction RV64I loop, ${count.toLocaleString('en-US')} instructions per run, best of ${repeats}; node ${process.version} ${process.arch}`,
  );
  report('narrow: values below 2^53 (every variant)', measure(narrow, VARIANTS, count, repeats));
  report(
    'wide: full 64-bit values that wrap (valid variants only)',
    measure(wide, VARIANTS.filter((v) => v.valid), count, repeats),
  );
}

main();
