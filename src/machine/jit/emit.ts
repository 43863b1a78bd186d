// The per-instruction templates: each decoded record becomes a JavaScript
// statement that does exactly what the interpreter's case for it does
// (exec.ts), with the record's fields (registers, immediate, length) and the
// instruction's page offset folded in as constants.
//
// Contract of an emitted statement (region.ts assembles them):
// - names in scope: h (the Hart), x, f, st (Int32Array state), t (Float64Array
//   counters), B (the page's virtual base as a number), BL/BH (its pair), off
//   (the next page offset, set by control transfers), E (exit counters), and
//   the library L's functions (load*, store*, mem, alu ops, takeTrap, ...);
// - an instruction that retires falls through; a control transfer retires the
//   block (done) and sets `off`; anything that traps or leaves compiled code
//   writes pc, retires what the interpreter would have retired, takes the trap
//   exactly as exec.ts does, counts its exit reason in E and returns.
// The interpreter stays the reference: tests compare the two on every op.

import { Op } from '../../isa/table.js';
import { S, T } from '../layout.js';
import { Cause, Mode } from '../trap.js';
import { Csr, St } from '../csr.js';
import { TLB_SIZE } from '../mmu.js';
import { HOOK_SHIFT } from '../phys.js';

/** Exit reasons (E[reason]): why compiled code handed control back to Hart.run. */
export const enum Exit {
  /** The next pc is outside the region (or is no block of it). */
  LEAVE = 0,
  /** The run's budget is used up at a block boundary. */
  BUDGET = 1,
  /** An interrupt may be pending or the timer is due: Hart.run checks, as between interpreted blocks. */
  IRQ = 2,
  /** An instruction trapped (load/store fault, ecall, ebreak, illegal). */
  TRAP = 3,
  /** A system instruction ended the block (csr*, mret, sret, wfi, sfence.vma). */
  SYSTEM = 4,
  /** The region's code was written (or translation changed, or a device stopped the run). */
  STALE = 5,
  /** A load or store that was no TLB hit: the interpreter finished its block (the WebAssembly backend). */
  SLOW = 6,
}
export const EXIT_NAMES = ['leave', 'budget', 'irq', 'trap', 'system', 'stale', 'slow'];

/** One decoded instruction, the fields of its record (isa/decode.ts) by name. */
export interface Insn { op: Op; d: number; s1: number; s2: number; imm: number; s3: number; rm: number; len: number; raw: number }

/** Retires k instructions (exec.ts done()). */
export const done = (k: number | string): string => `t[${T.CYCLE}] += ${k}; t[${T.INSTRET}] += ${k};`;
/**
 * Retires what earlier blocks of the region retired: compiled code keeps
 * that count in `pend` and stores it before anything that may read the
 * counters (a slow memory path, a helper, a trap, an exit), so every reader
 * sees what it sees under the interpreter, which stores them at block ends.
 */
export const FLUSH = `${done('pend')} pend = 0;`;
/** pc := the pc at page offset o (the pair, exactly as exec.ts's setPc gives it). */
const pcAt = (o: number): string => `st[${S.PC}] = BL | ${o}; st[${S.PC + 1}] = BH;`;
/** pc := a number (exec.ts's end-of-block store). */
export const pcNum = (v: string): string => `setPcNum(st, ${v});`;
/**
 * Before a call that may observe the hart (a slow memory path, an AMO): the
 * counters and pc as the interpreter has them inside the block at page
 * offset `start` (pc = the block's start), and a full check at the next boundary.
 */
const slow = (start: number): string => `${FLUSH} ${pcAt(start)} chk = 1;`;

/** Takes the exception a memory helper recorded, at instruction i (page offset o). */
const trapAt = (i: number, o: number): string => `{ ${pcAt(o)} ${FLUSH} ${done(i)} h.raise(); E[${Exit.TRAP}]++; return; }`;
const raiseAt = (i: number, o: number): string => `if (st[${S.EXC}] !== 0) ${trapAt(i, o)}`;
const illegalAt = (i: number, o: number, raw: number): string => `{ ${FLUSH} ${done(i)} illegal(h, B + ${o}, ${raw}); E[${Exit.TRAP}]++; return; }`;

/** The effective address (lo, hi) = x[s1] + imm, as exec.ts computes it, and its TLB slot (mmu.ts Tlb.key). */
const ea = (s1: number, imm: number): string =>
  `const al = x[${s1}], lo = (al + ${imm}) | 0, hi = addHi(al, x[${s1 + 1}], ${imm}, lo), key = (lo >>> 12) | ((hi & 127) << 20), e = key & ${TLB_SIZE - 1};`;

/** Loads: [alignment mask, the TLB-hit read at RAM offset o, the helper's read] into (v, vh). */
const LOADS: Partial<Record<Op, [number, string, string]>> = {
  [Op.LB]: [0, 'v = (ram8[o] << 24) >> 24; vh = v >> 31;', `v = loadOp(h, ${Op.LB}, lo, hi); vh = mem.hi;`],
  [Op.LBU]: [0, 'v = ram8[o]; vh = 0;', `v = loadOp(h, ${Op.LBU}, lo, hi); vh = mem.hi;`],
  [Op.LH]: [1, 'v = (ram16[o >> 1] << 16) >> 16; vh = v >> 31;', `v = loadOp(h, ${Op.LH}, lo, hi); vh = mem.hi;`],
  [Op.LHU]: [1, 'v = ram16[o >> 1]; vh = 0;', `v = loadOp(h, ${Op.LHU}, lo, hi); vh = mem.hi;`],
  [Op.LW]: [3, 'v = ram32[o >> 2]; vh = v >> 31;', `v = loadOp(h, ${Op.LW}, lo, hi); vh = mem.hi;`],
  [Op.LWU]: [3, 'v = ram32[o >> 2]; vh = 0;', `v = loadOp(h, ${Op.LWU}, lo, hi); vh = mem.hi;`],
  [Op.LD]: [7, 'v = ram32[o >> 2]; vh = ram32[(o >> 2) + 1];', `v = loadOp(h, ${Op.LD}, lo, hi); vh = mem.hi;`],
  [Op.FLW]: [3, 'v = ram32[o >> 2]; vh = -1;', 'v = load32(h, lo, hi); vh = -1;'],
  [Op.FLD]: [7, 'v = ram32[o >> 2]; vh = ram32[(o >> 2) + 1];', 'v = load64(h, lo, hi); vh = mem.hi;'],
};
/** Stores of (a, b), the register pair: [alignment mask, the TLB-hit write at RAM offset o, the helper's write]. */
const STORES: Partial<Record<Op, [number, string, string]>> = {
  [Op.SB]: [0, 'ram8[o] = a;', 'store8(h, lo, hi, a);'],
  [Op.SH]: [1, 'ram16[o >> 1] = a;', 'store16(h, lo, hi, a);'],
  [Op.SW]: [3, 'ram32[o >> 2] = a;', 'store32(h, lo, hi, a);'],
  [Op.SD]: [7, 'ram32[o >> 2] = a; ram32[(o >> 2) + 1] = b;', 'store64(h, lo, hi, a, b);'],
  [Op.FSW]: [3, 'ram32[o >> 2] = a;', 'store32(h, lo, hi, a);'],
  [Op.FSD]: [7, 'ram32[o >> 2] = a; ram32[(o >> 2) + 1] = b;', 'store64(h, lo, hi, a, b);'],
};

/**
 * A load or store with the inline TLB hit path (mem.ts's fast path: an
 * aligned access to a RAM page the TLB holds; a store also needs no hook on
 * its granule). Everything else calls mem.ts, which may trap.
 */
function memory(n: Insn, i: number, o: number, start: number): string | undefined {
  const fp = n.op === Op.FLW || n.op === Op.FLD || n.op === Op.FSW || n.op === Op.FSD;
  const file = fp ? 'f' : 'x';
  const hit = (tlb: string, align: number) => `${tlb}tag[e] === key && ${tlb}hi[e] === hi${align ? ` && (lo & ${align}) === 0` : ''}`;
  const guard = fp ? `if ((st[${S.MSTATUS}] & ${St.FS}) === 0) ${illegalAt(i, o, n.raw)} ` : '';
  const ld = LOADS[n.op];
  if (ld !== undefined) {
    const dirty = fp ? ` st[${S.MSTATUS}] |= ${St.FS};` : '';
    return `${guard}{ ${ea(n.s1, n.imm)} let v, vh; if (${hit('r', ld[0])}) { const o = roff[e] | (lo & 4095); ${ld[1]} } ` +
      `else { ${slow(start)} ${ld[2]} ${raiseAt(i, o)} } ${file}[${n.d}] = v; ${file}[${n.d + 1}] = vh;${dirty} }`;
  }
  const stv = STORES[n.op];
  if (stv === undefined) return undefined;
  return `${guard}{ ${ea(n.s1, n.imm)} const a = ${file}[${n.s2}], b = ${file}[${n.s2 + 1}]; let o = -1; ` +
    `if (${hit('w', stv[0])}) { o = woff[e] | (lo & 4095); if (hooks[o >>> ${HOOK_SHIFT}] !== 0) o = -1; } ` +
    `if (o >= 0) { ${stv[1]} } else { ${slow(start)} ${stv[2]} ${raiseAt(i, o)} } }`;
}

/** Register-register and register-immediate ALU ops: the statement, or undefined for other ops. */
function alu(n: Insn): string | undefined {
  const { d, s1, s2, imm } = n, a = `x[${s1}]`, ah = `x[${s1 + 1}]`, b = `x[${s2}]`, bh = `x[${s2 + 1}]`;
  const pair = (call: string) => `{ const lo = ${call}; x[${d}] = lo; x[${d + 1}] = aluOut.hi; }`;
  const w = (v: string) => `{ const v = ${v}; x[${d}] = v; x[${d + 1}] = v >> 31; }`;
  const bool = (v: string) => `{ const v = ${v} ? 1 : 0; x[${d}] = v; x[${d + 1}] = 0; }`;
  switch (n.op) {
    case Op.LUI: return `x[${d}] = ${imm}; x[${d + 1}] = ${imm >> 31};`;
    case Op.ADDI: return `{ const al = ${a}, lo = (al + ${imm}) | 0; x[${d + 1}] = addHi(al, ${ah}, ${imm}, lo); x[${d}] = lo; }`;
    case Op.SLTI: return bool(`lt64(${a}, ${ah}, ${imm}, ${imm >> 31})`);
    case Op.SLTIU: return bool(`ltu64(${a}, ${ah}, ${imm}, ${imm >> 31})`);
    case Op.XORI: return `x[${d + 1}] = ${ah} ^ ${imm >> 31}; x[${d}] = ${a} ^ ${imm};`;
    case Op.ORI: return `x[${d + 1}] = ${ah} | ${imm >> 31}; x[${d}] = ${a} | ${imm};`;
    case Op.ANDI: return `x[${d + 1}] = ${ah} & ${imm >> 31}; x[${d}] = ${a} & ${imm};`;
    case Op.SLLI: return pair(`sll64(${a}, ${ah}, ${imm})`);
    case Op.SRLI: return pair(`srl64(${a}, ${ah}, ${imm})`);
    case Op.SRAI: return pair(`sra64(${a}, ${ah}, ${imm})`);
    case Op.ADDIW: return w(`(${a} + ${imm}) | 0`);
    case Op.SLLIW: return w(`${a} << ${imm}`);
    case Op.SRLIW: return w(`(${a} >>> ${imm}) | 0`);
    case Op.SRAIW: return w(`${a} >> ${imm}`);
    case Op.ADD: return `{ const al = ${a}, lo = (al + ${b}) | 0; x[${d + 1}] = (${ah} + ${bh} + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; x[${d}] = lo; }`;
    case Op.SUB: return `{ const al = ${a}, bl = ${b}; x[${d + 1}] = (${ah} - ${bh} - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; x[${d}] = (al - bl) | 0; }`;
    case Op.SLL: return pair(`sll64(${a}, ${ah}, ${b} & 63)`);
    case Op.SRL: return pair(`srl64(${a}, ${ah}, ${b} & 63)`);
    case Op.SRA: return pair(`sra64(${a}, ${ah}, ${b} & 63)`);
    case Op.SLT: return bool(`lt64(${a}, ${ah}, ${b}, ${bh})`);
    case Op.SLTU: return bool(`ltu64(${a}, ${ah}, ${b}, ${bh})`);
    case Op.XOR: return `x[${d + 1}] = ${ah} ^ ${bh}; x[${d}] = ${a} ^ ${b};`;
    case Op.OR: return `x[${d + 1}] = ${ah} | ${bh}; x[${d}] = ${a} | ${b};`;
    case Op.AND: return `x[${d + 1}] = ${ah} & ${bh}; x[${d}] = ${a} & ${b};`;
    case Op.ADDW: return w(`(${a} + ${b}) | 0`);
    case Op.SUBW: return w(`(${a} - ${b}) | 0`);
    case Op.SLLW: return w(`${a} << (${b} & 31)`);
    case Op.SRLW: return w(`(${a} >>> (${b} & 31)) | 0`);
    case Op.SRAW: return w(`${a} >> (${b} & 31)`);
    case Op.MUL: return pair(`mul64(${a}, ${ah}, ${b}, ${bh})`);
    case Op.MULH: return pair(`mulh(${a}, ${ah}, ${b}, ${bh})`);
    case Op.MULHSU: return pair(`mulhsu(${a}, ${ah}, ${b}, ${bh})`);
    case Op.MULHU: return pair(`mulhu(${a}, ${ah}, ${b}, ${bh})`);
    case Op.DIV: case Op.REM: return pair(`div64(${a}, ${ah}, ${b}, ${bh}, ${n.op === Op.REM})`);
    case Op.DIVU: case Op.REMU: return pair(`divu64(${a}, ${ah}, ${b}, ${bh}, ${n.op === Op.REMU})`);
    case Op.MULW: return w(`Math.imul(${a}, ${b})`);
    case Op.DIVW: case Op.REMW: return w(`div32(${a}, ${b}, ${n.op === Op.REMW})`);
    case Op.DIVUW: case Op.REMUW: return w(`divu32(${a}, ${b}, ${n.op === Op.REMUW})`);
    case Op.FENCE: return '';
    default: return undefined;
  }
}

/** System instructions (block enders that never continue in compiled code): exec.ts's cases. */
function system(n: Insn, i: number, o: number): string | undefined {
  const next = o + n.len, ill = illegalAt(i, o, n.raw), priv = `st[${S.PRIV}]`, ms = `st[${S.MSTATUS}]`;
  const below = (bit: number) => `(${priv} === ${Mode.U} || (${priv} === ${Mode.S} && (${ms} & ${bit})))`;
  const leave = (what: string) => `${FLUSH} ${what} E[${Exit.SYSTEM}]++; return;`;
  switch (n.op) {
    case Op.ECALL: {
      // In the WebAssembly helper (TI), a native handler runs now (native.ts trapInline); back at the next instruction,
      // in the same mode and translation, compiled code goes on there (return 1; wasm.ts blockCode).
      // takeTrap keeps the U-mode TLBs when trapInline follows (it chooses the mode's own before it returns).
      const on = next < 4096 ? `if (TI && trapInline(h) && st[${S.PC}] === (BL | ${next}) && st[${S.PC + 1}] === BH && ${priv} === p0 && J.resume(R)) return 1;` : '';
      return `${pcAt(o)} ${FLUSH} ${done(i)} const p0 = ${priv}; takeTrap(h, ${Cause.ECALL_U} + p0, false, 0, 0, ${on === '' ? 'false' : 'TI'}); ${on} E[${Exit.TRAP}]++; return;`;
    }
    case Op.EBREAK: return `${FLUSH} ${done(i)} ${pcAt(o)} takeTrap(h, ${Cause.BREAKPOINT}, false, st[${S.PC}], st[${S.PC + 1}]); E[${Exit.TRAP}]++; return;`;
    case Op.MRET: return `if (${priv} !== ${Mode.M}) ${ill} ${leave(`h.mret(); ${done(i + 1)}`)}`;
    case Op.SRET: return `if (${priv} === ${Mode.U} || (${priv} === ${Mode.S} && (${ms} & ${St.TSR}))) ${ill} ${leave(`h.sret(); ${done(i + 1)}`)}`;
    case Op.WFI: return `if (${below(St.TW)}) ${ill} ${leave(`h.wfi = true; ${pcNum(`B + ${next}`)} ${done(i + 1)}`)}`;
    case Op.SFENCE_VMA: return `if (${below(St.TVM)}) ${ill} ${leave(`h.sfence(${n.s1}); ${pcNum(`B + ${next}`)} ${done(i + 1)}`)}`;
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
      // In the WebAssembly helper (TI), the unprivileged CSRs (the FP ones and the counters: a vDSO's clock read)
      // change neither translation nor interrupts: compiled code goes on at the next instruction (wasm.ts blockCode).
      return `${FLUSH} ${done(i)} if (!execCsr(h, ${n.op}, ${n.d}, ${n.s1}, ${n.imm})) { illegal(h, B + ${o}, ${n.raw}); E[${Exit.TRAP}]++; return; } ` +
        `${pcNum(`B + ${next}`)} ${done(1)} ${plainCsr(n.imm) ? 'if (TI) return 1;' : ''} E[${Exit.SYSTEM}]++; return;`;
    case Op.ILLEGAL: return ill;
    default: return undefined;
  }
}

/** fflags, frm, fcsr, cycle, time and instret (unpriv 7.1, 12.1): no side effect beyond their own value and FS. */
export const plainCsr = (csr: number): boolean => (csr >= Csr.FFLAGS && csr <= Csr.FCSR) || (csr >= Csr.CYCLE && csr <= Csr.INSTRET);

/** AMOs and FP arithmetic: through the interpreter's own helpers. */
function viaHelpers(n: Insn, i: number, o: number, start: number): string {
  const { op, d, s1, s2 } = n;
  if (op >= Op.LR_W && op <= Op.AMOMAXU_D) return `${slow(start)} if (!execAmo(h, ${op}, ${d}, ${s1}, ${s2})) ${trapAt(i, o)}`;
  return `if (!execFp(h, ${op}, ${d}, ${s1}, ${s2}, ${n.s3}, ${n.rm})) ${illegalAt(i, o, n.raw)}`;
}

/**
 * The statement for instruction i of the block that starts at page offset
 * `start`, the instruction being at page offset o. Control transfers (jal,
 * jalr, branches, fence.i) are not handled here: region.ts emits them, since
 * they decide where compiled code goes next.
 */
export function emitInsn(n: Insn, i: number, o: number, start: number): string {
  const a = alu(n);
  if (a !== undefined) return a;
  const sys = system(n, i, o);
  if (sys !== undefined) return sys;
  const m = memory(n, i, o, start);
  if (m !== undefined) return m;
  if (n.op === Op.AUIPC) return `setNum(x, ${n.d}, B + ${o + n.imm});`;
  return viaHelpers(n, i, o, start);
}
