// The WebAssembly backend: a region (region.ts's blocks of one page) becomes
// one WebAssembly function over the bus's memory, where guest RAM (at byte 0),
// the store hooks, and this hart's registers, state, counters and TLBs live
// (bus.ts, layout.ts): nothing is copied in or out.
//
//   run(rtlb, wtlb, end) -> exit reason (or -1: a helper already left)
//     B := pc's page (i64); off := pc & 0xfff
//     loop:
//       dispatch on off / 2 (one br_table over the page) to its block's code, or leave
//       block code: its instructions; pend += n; left -= n; off := where it goes
//       if left <= 0 or chk: the full boundary check of region.ts (budget, irq, stale)
//
// What is compiled inline: the integer ALU and M instructions but mulh*
// (64-bit registers are i64), lui/auipc/fence, integer loads and stores with
// the TLB hit path (an aligned access to a RAM page the TLB holds; a store
// also needs no hook on its granule), and every control transfer. Anything
// else — a TLB miss, MMIO, FP, AMOs, system instructions, traps — calls the
// region's one imported helper with the instruction's number: a JavaScript
// function built from emit.ts's templates for exactly those instructions,
// so the slow paths are the JavaScript backend's, statement for statement.
// The helper returns 0 when it left compiled code (a trap or a system
// instruction: it has stored pc and the counters and counted the exit), 2
// when the region went stale (its page was written, translation changed, a
// device stopped the run), else 1.

import { REC, X0_SINK } from '../../isa/decode.js';
import { Op } from '../../isa/table.js';
import type { Block } from '../blocks.js';
import { S, T, F_OFFSET, S_OFFSET, T_OFFSET } from '../layout.js';
import { St } from '../csr.js';
import { TLB_SIZE, TLB_VA_AT, TLB_OFF8_AT } from '../mmu.js';
import { HOOK_SHIFT } from '../phys.js';
import { Code, Ty, W, module } from './wasm-code.js';
import { emitInsn, Exit, type Insn } from './emit.js';
import { loopTree, type LoopItem, type LoopNode } from './loops.js';
import { emitFp, fpFast, writesX, type FpLocals } from './wasm-fp.js';

/** Where this hart's things are in the memory: byte offsets, and the memory's size in pages. */
export interface WasmLayout { state: number; hooks: number; pages: number }

export interface WasmRegion {
  bytes: Uint8Array;
  /** The slow helper's JavaScript source (a body taking the library's names, then H and J: jit.ts). */
  slowSource: string;
}

// Locals: the parameters (the load, store and fetch TLBs, the budget's end,
// the window page the run enters by), then the function's own.
const RT = 0, WT = 1, END = 2, XT = 3, EPG = 4;
const OFF = 5, PEND = 6, LEFT = 7, CHK = 8, STALE = 9, B = 10, EA = 11, E = 12, O = 13, R = 14, DV = 15, VER = 16;
/**
 * x1..x31 live in the state between blocks; inside a block, i64 locals X1..
 * cache them (loaded on first read, every write also stored), so no register
 * value flows from block to block through a local: TurboFan's code for the
 * dispatch loop then merges nothing but the loop's own few locals (with all
 * 31 live across it, its code was slower than V8's baseline compiler's).
 */
const X1 = 17;
/** The exit reason, for the one exit path at the function's end. */
const REASON = X1 + 31;
/** The FP fast paths' locals (wasm-fp.ts): six f64, one i64. */
const FP: FpLocals = { f: [REASON + 1, REASON + 2, REASON + 3, REASON + 4, REASON + 5, REASON + 6], i: REASON + 7 };
const PARAMS = [Ty.I32, Ty.I32, Ty.F64, Ty.I32, Ty.I32];
const LOCALS = [Ty.I32, Ty.I32, Ty.I32, Ty.I32, Ty.I32, Ty.I64, Ty.I64, Ty.I32, Ty.I32, Ty.I32, Ty.I64, Ty.I32, ...new Array<Ty>(31).fill(Ty.I64), Ty.I32, ...new Array<Ty>(6).fill(Ty.F64), Ty.I64];
/** The local of register pair index d (2..62). */
const local = (d: number) => X1 + (d >> 1) - 1;

const isBranch = (op: Op) => op >= Op.BEQ && op <= Op.BGEU;

function insnAt(blk: Block, i: number): Insn {
  const r = blk.recs, b = i * REC;
  return { op: r[b], d: r[b + 1], s1: r[b + 2], s2: r[b + 3], imm: r[b + 4], s3: r[b + 5], rm: r[b + 6], len: r[b + 7], raw: blk.raw[i] };
}

/** Integer loads: [log2 size, the i64 load op]. */
const LOADS: Partial<Record<Op, [number, W]>> = {
  [Op.LB]: [0, W.I64_LOAD8_S], [Op.LBU]: [0, W.I64_LOAD8_U], [Op.LH]: [1, W.I64_LOAD16_S], [Op.LHU]: [1, W.I64_LOAD16_U],
  [Op.LW]: [2, W.I64_LOAD32_S], [Op.LWU]: [2, W.I64_LOAD32_U], [Op.LD]: [3, W.I64_LOAD],
};
const STORES: Partial<Record<Op, [number, W]>> = {
  [Op.SB]: [0, W.I64_STORE8], [Op.SH]: [1, W.I64_STORE16], [Op.SW]: [2, W.I64_STORE32], [Op.SD]: [3, W.I64_STORE],
};
/** FP loads and stores (the f registers stay in the state: only the integer ones have locals). */
const FLOADS: Partial<Record<Op, [number, W]>> = { [Op.FLW]: [2, W.I64_LOAD32_U], [Op.FLD]: [3, W.I64_LOAD] };
const FSTORES: Partial<Record<Op, [number, W]>> = { [Op.FSW]: [2, W.I64_STORE32], [Op.FSD]: [3, W.I64_STORE] };
/** Register-register ops that are one i64 instruction. */
const BIN: Partial<Record<Op, W>> = {
  [Op.ADD]: W.I64_ADD, [Op.SUB]: W.I64_SUB, [Op.XOR]: W.I64_XOR, [Op.OR]: W.I64_OR, [Op.AND]: W.I64_AND,
  [Op.SLL]: W.I64_SHL, [Op.SRL]: W.I64_SHR_U, [Op.SRA]: W.I64_SHR_S, [Op.MUL]: W.I64_MUL,
};
const BINI: Partial<Record<Op, W>> = {
  [Op.ADDI]: W.I64_ADD, [Op.XORI]: W.I64_XOR, [Op.ORI]: W.I64_OR, [Op.ANDI]: W.I64_AND,
  [Op.SLLI]: W.I64_SHL, [Op.SRLI]: W.I64_SHR_U, [Op.SRAI]: W.I64_SHR_S,
};
/** The W forms: the i32 op on the low words, sign-extended. */
const BINW: Partial<Record<Op, W>> = {
  [Op.ADDW]: W.I32_ADD, [Op.SUBW]: W.I32_SUB, [Op.SLLW]: W.I32_SHL, [Op.SRLW]: W.I32_SHR_U, [Op.SRAW]: W.I32_SHR_S, [Op.MULW]: W.I32_MUL,
};
const BINIW: Partial<Record<Op, W>> = { [Op.ADDIW]: W.I32_ADD, [Op.SLLIW]: W.I32_SHL, [Op.SRLIW]: W.I32_SHR_U, [Op.SRAIW]: W.I32_SHR_S };
const CMP: Partial<Record<Op, W>> = {
  [Op.BEQ]: W.I64_EQ, [Op.BNE]: W.I64_NE, [Op.BLT]: W.I64_LT_S, [Op.BGE]: W.I64_GE_S, [Op.BLTU]: W.I64_LT_U, [Op.BGEU]: W.I64_GE_U,
  [Op.SLT]: W.I64_LT_S, [Op.SLTU]: W.I64_LT_U, [Op.SLTI]: W.I64_LT_S, [Op.SLTIU]: W.I64_LT_U,
};
const DIVS = new Set([Op.DIV, Op.DIVU, Op.REM, Op.REMU, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW]);

/** True when instruction n is compiled inline (else it goes to the helper). */
function inline(n: Insn): boolean {
  const op = n.op;
  return BIN[op] !== undefined || BINI[op] !== undefined || BINW[op] !== undefined || BINIW[op] !== undefined ||
    CMP[op] !== undefined || DIVS.has(op) || op === Op.LUI || op === Op.AUIPC || op === Op.FENCE ||
    LOADS[op] !== undefined || STORES[op] !== undefined;
}

class Emitter {
  readonly c = new Code();
  /** Instructions handed to the helper, by helper number: [instruction, index in its block, page offset, block start]. */
  readonly slow: [Insn, number, number, number][] = [];
  readonly xb: number; readonly fb: number; readonly sb: number; readonly tb: number;

  /** The registers (pair indices) whose local holds the value in the state, in the block being emitted. */
  private readonly cached = new Set<number>();
  /** Inside code that only some paths of the block run: a read there loads without caching. */
  cond = 0;

  constructor(private readonly lay: WasmLayout) {
    this.xb = lay.state; this.fb = lay.state + F_OFFSET; this.sb = lay.state + S_OFFSET; this.tb = lay.state + T_OFFSET;
  }

  /** A new block: no register is cached. */
  startBlock(): void { this.cached.clear(); }
  /** Pushes register d (a pair index) as i64. */
  reg(d: number): void {
    const c = this.c;
    if (d === 0) c.i64(0);
    else if (this.cached.has(d)) c.get(local(d));
    else {
      c.i32(0).mem(W.I64_LOAD, 3, this.xb + 4 * d);
      if (this.cond === 0) { c.tee(local(d)); this.cached.add(d); }
    }
  }
  /** Sets register d to the i64 that `value` pushes, in the state and its local (nothing for the sink: the value is not computed). */
  setReg(d: number, value: () => void): void {
    if (d === X0_SINK) return;
    this.c.i32(0); value(); this.c.tee(local(d)).mem(W.I64_STORE, 3, this.xb + 4 * d);
    this.cached.add(d);
  }
  /** Loads register d from the state into its local (a helper may have written it). */
  reload(c: Code, d: number): void {
    c.i32(0).mem(W.I64_LOAD, 3, this.xb + 4 * d).set(local(d));
    this.cached.add(d);
  }
  private tAddr(slot: T): number { return this.tb + 8 * slot; }
  /** t[slot] += pend (as f64). */
  private addPend(slot: T): void {
    this.c.i32(0).i32(0).mem(W.F64_LOAD, 3, this.tAddr(slot)).get(PEND).op(W.F64_CONVERT_I32_S, W.F64_ADD).mem(W.F64_STORE, 3, this.tAddr(slot));
  }
  /** emit.ts's FLUSH: the pending retired count into the counters. */
  flush(): void { this.addPend(T.CYCLE); this.addPend(T.INSTRET); this.c.i32(0).set(PEND); }
  /** pc := the i64 on top of a value pushed by `value`. */
  private setPc(value: () => void): void { this.c.i32(0); value(); this.c.mem(W.I64_STORE, 3, this.sb + 4 * S.PC); }
  /** Leaves through the exit path with a reason (the counters and pc stored). */
  leave(reason: Exit | -1): void { this.c.i32(reason).set(REASON).br('exit'); }
  /** Leaves at pc = B + off. */
  exitAtOff(reason: Exit): void {
    this.flush();
    this.setPc(() => this.c.get(B).get(OFF).op(W.I64_EXTEND_I32_S, W.I64_ADD));
    this.leave(reason);
  }

  /**
   * Calls the helper for instruction n (i-th of the block at page offset
   * start, at page offset o). Before: the counters, and the registers the
   * instruction reads or writes (rs1, rs2, rd: a helper reads no other, and
   * rd must be current in the state in case the helper leaves without
   * writing it). After: rd from the state (the helper may have written it; for an FP
   * instruction the field names an f register, and reloading the x register
   * of that number is harmless); if the helper left, the exit path.
   */
  helper(n: Insn, i: number, o: number, start: number, access?: 'load' | 'store'): void {
    const c = this.c, d = n.d > 0 && n.d < X0_SINK ? n.d : -1;
    this.flush();
    // Helpers take the block's page (its base and page offsets: a block never crosses a page).
    const pg = start >> 12, po = o & 4095, ps = start & 4095;
    const base = () => { c.get(B); if (pg !== 0) c.i64(pg * 4096).op(W.I64_ADD); };
    const bl = () => { base(); c.op(W.I32_WRAP_I64); }, bh = () => { base(); c.i64(32).op(W.I64_SHR_U, W.I32_WRAP_I64); };
    if (access === undefined) {
      c.i32(this.slow.length); bl(); bh(); c.call(0).set(R);
      this.slow.push([n, i, po, ps]);
    } else {
      // slow.ts: (op, rd or rs2, lo, hi, i, start, o, bl, bh, raw); EA holds the address
      c.i32(n.op).i32(access === 'load' ? n.d : n.s2).get(EA).op(W.I32_WRAP_I64).get(EA).i64(32).op(W.I64_SHR_U, W.I32_WRAP_I64);
      c.i32(i).i32(ps).i32(po); bl(); bh(); c.i32(n.raw).call(access === 'load' ? 1 : 2).set(R);
    }
    // An integer rd is current in the state (and its local then); an FP instruction's rd may name an f register.
    if (d >= 0 && access !== 'store' && FLOADS[n.op] === undefined && writesX(n.op)) this.reload(c, d);
    c.get(R).op(W.I32_EQZ).if(); this.leave(-1); c.end();
    c.get(R).i32(2).op(W.I32_EQ).if().i32(1).set(STALE).end();
    c.i32(1).set(CHK);
  }

  /**
   * E := the TLB entry of the address EA in table `tlb` (its index, times the
   * 8 bytes of a va entry); leaves the hit condition (i32) on the stack: the
   * entry's page is EA's and EA is aligned (one i64 compare: mmu.ts Tlb.va).
   */
  tlbHit(tlb: number, align: number): void {
    const c = this.c;
    c.get(EA).op(W.I32_WRAP_I64).i32(9).op(W.I32_SHR_U).i32((TLB_SIZE - 1) << 3).op(W.I32_AND).get(tlb).op(W.I32_ADD).set(E);
    c.get(E).mem(W.I64_LOAD, 3, TLB_VA_AT).get(EA).i64(-4096 | align).op(W.I64_AND, W.I64_EQ);
  }
  /** The RAM page offset of the entry at E. */
  ramPage(): void { this.c.get(E).mem(W.I32_LOAD, 2, TLB_OFF8_AT); }
  /** O := the RAM offset of EA through the entry at E. */
  private ramAddr(): void {
    this.ramPage(); this.c.get(EA).op(W.I32_WRAP_I64).i32(4095).op(W.I32_AND, W.I32_OR).set(O);
  }

  /** mstatus.FS is Off: the helper takes the illegal-instruction trap (emit.ts's guard). */
  private fsOff(): void {
    this.c.i32(0).mem(W.I32_LOAD, 2, this.sb + 4 * S.MSTATUS).i32(St.FS).op(W.I32_AND, W.I32_EQZ).brIf('slow');
  }

  /**
   * A load or store: the hit path (FS on for an FP one, the TLB holds the
   * page, aligned), then `hit` with O = the RAM offset; the helper otherwise.
   */
  private access(n: Insn, i: number, o: number, start: number, size: number, fp: boolean, tlb: number, hit: () => void): void {
    const c = this.c;
    c.block('done').block('slow');
    // The address first: the slow path passes it (FS is checked again there, first, as emit.ts's guard does).
    this.reg(n.s1); c.i64(n.imm).op(W.I64_ADD).set(EA);
    if (fp) this.fsOff();
    this.tlbHit(tlb, (1 << size) - 1);
    c.op(W.I32_EQZ).brIf('slow');
    this.ramAddr();
    // Either path: a read caches nothing; a load's rd is cached after it (the hit path sets it, the helper's is reloaded).
    this.cond++;
    hit();
    c.br('done').end();
    this.helper(n, i, o, start, tlb === RT ? 'load' : 'store');
    this.cond--;
    c.end();
  }

  load(n: Insn, i: number, o: number, start: number, [size, ld]: [number, W], fp = false): void {
    const c = this.c;
    this.access(n, i, o, start, size, fp, RT, () => {
      if (!fp) { this.setReg(n.d, () => c.get(O).mem(ld, size, 0)); return; }
      // f[d] := the value, a single NaN-boxed (upper 32 bits all ones); mstatus.FS := Dirty
      c.i32(0).get(O).mem(ld, size, 0);
      if (size === 2) c.i64w(0, -1).op(W.I64_OR);
      c.mem(W.I64_STORE, 3, this.fb + 4 * n.d);
      c.i32(0).i32(0).mem(W.I32_LOAD, 2, this.sb + 4 * S.MSTATUS).i32(St.FS).op(W.I32_OR).mem(W.I32_STORE, 2, this.sb + 4 * S.MSTATUS);
    });
  }

  /** A store also leaves the hit path when its granule has a hook (decoded code, a watch, a reservation). */
  store(n: Insn, i: number, o: number, start: number, [size, st]: [number, W], fp = false): void {
    const c = this.c;
    this.access(n, i, o, start, size, fp, WT, () => {
      c.get(O).i32(HOOK_SHIFT).op(W.I32_SHR_U).mem(W.I32_LOAD8_U, 0, this.lay.hooks).brIf('slow');
      c.get(O);
      if (fp) c.i32(0).mem(W.I64_LOAD, 3, this.fb + 4 * n.s2); else this.reg(n.s2);
      c.mem(st, size, 0);
    });
  }

  /**
   * DIV, DIVU, REM, REMU and the W forms, with the results the spec gives for
   * division by zero and overflow instead of a trap (unpriv 13.2). The W
   * forms divide the sign- or zero-extended words as i64 (no overflow there:
   * -2^31 / -1 = 2^31 wraps back to -2^31 when the result is sign-extended).
   */
  div(n: Insn): void {
    const c = this.c, op = n.op, w = op === Op.DIVW || op === Op.DIVUW || op === Op.REMW || op === Op.REMUW;
    const rem = op === Op.REM || op === Op.REMU || op === Op.REMW || op === Op.REMUW;
    const signed = op === Op.DIV || op === Op.REM || op === Op.DIVW || op === Op.REMW;
    const operand = (s: number, into: number) => { this.reg(s); if (w) c.op(W.I32_WRAP_I64, signed ? W.I64_EXTEND_I32_S : W.I64_EXTEND_I32_U); c.set(into); };
    operand(n.s1, EA); operand(n.s2, DV);
    const divide = () => c.get(EA).get(DV).op(signed ? (rem ? W.I64_REM_S : W.I64_DIV_S) : (rem ? W.I64_REM_U : W.I64_DIV_U)).set(EA);
    c.get(DV).op(W.I64_EQZ).if();
    if (!rem) c.i64(-1).set(EA); // x / 0 = all ones; x % 0 = x
    c.else();
    if (signed && !w) {
      // -2^63 / -1 = -2^63, -2^63 % -1 = 0 (i64.div_s would trap)
      c.get(EA).i64w(0, -2147483648).op(W.I64_EQ).get(DV).i64(-1).op(W.I64_EQ, W.I32_AND).if();
      if (rem) c.i64(0).set(EA);
      c.else(); divide(); c.end();
    } else divide();
    c.end();
    this.setReg(n.d, () => { c.get(EA); if (w) c.op(W.I32_WRAP_I64, W.I64_EXTEND_I32_S); });
  }

  /** The statement for an ALU instruction compiled inline. */
  alu(n: Insn, o: number): void {
    const c = this.c, { op, d, s1, s2, imm } = n;
    const bin = BIN[op], bini = BINI[op], binw = BINW[op], biniw = BINIW[op], cmp = CMP[op];
    if (bin !== undefined) this.setReg(d, () => { this.reg(s1); this.reg(s2); c.op(bin); });
    else if (bini !== undefined) this.setReg(d, () => { this.reg(s1); c.i64(imm).op(bini); });
    else if (binw !== undefined) this.setReg(d, () => { this.reg(s1); c.op(W.I32_WRAP_I64); this.reg(s2); c.op(W.I32_WRAP_I64, binw, W.I64_EXTEND_I32_S); });
    else if (biniw !== undefined) this.setReg(d, () => { this.reg(s1); c.op(W.I32_WRAP_I64).i32(imm).op(biniw, W.I64_EXTEND_I32_S); });
    else if (cmp !== undefined) {
      this.setReg(d, () => { this.reg(s1); if (op === Op.SLTI || op === Op.SLTIU) c.i64(imm); else this.reg(s2); c.op(cmp, W.I64_EXTEND_I32_U); });
    } else if (op === Op.LUI) this.setReg(d, () => c.i64(imm));
    else if (op === Op.AUIPC) this.setReg(d, () => c.get(B).i64n(o + imm).op(W.I64_ADD));
    else if (op !== Op.FENCE) throw new Error(`wasm: op ${op} is not inline`);
  }
}

/** Block k's code (k from 1), at page offset o: its instructions, retiring them, then where it goes. */
function blockCode(m: Emitter, blk: Block, o: number, jump: (to: number) => void, span: number): void {
  const c = m.c, n = blk.n;
  m.startBlock();
  const offs: number[] = [];
  for (let i = 0, a = o; i < n; a += blk.recs[i * REC + 7], i++) offs.push(a);
  const body = (ins: Insn, i: number) => {
    const ld = LOADS[ins.op], st = STORES[ins.op], fld = FLOADS[ins.op], fst = FSTORES[ins.op];
    if (ld !== undefined) m.load(ins, i, offs[i], o, ld);
    else if (st !== undefined) m.store(ins, i, offs[i], o, st);
    else if (fld !== undefined) m.load(ins, i, offs[i], o, fld, true);
    else if (fst !== undefined) m.store(ins, i, offs[i], o, fst, true);
    else if (DIVS.has(ins.op)) m.div(ins);
    else if (fpFast(ins)) {
      // The fast path, else the helper (exactly the FPU's result and flags: wasm-fp.ts).
      c.block('fdone').block('fslow');
      m.cond++;
      emitFp(m, ins, FP);
      c.br('fdone').end();
      m.helper(ins, i, offs[i], o);
      m.cond--;
      c.end();
    }
    else if (inline(ins)) m.alu(ins, offs[i]);
    else m.helper(ins, i, offs[i], o);
  };
  for (let i = 0; i < n - 1; i++) body(insnAt(blk, i), i);
  const last = insnAt(blk, n - 1), at = offs[n - 1], next = at + last.len;
  const retire = () => c.get(PEND).i32(n).op(W.I32_ADD).set(PEND).get(LEFT).i32(n).op(W.I32_SUB).set(LEFT);
  // off := the target; straight there when the structure allows (jump), else through the dispatch (the caller's br check).
  const go = (to: number) => { c.i32(to).set(OFF); jump(to); };
  const link = () => m.setReg(last.d, () => c.get(B).i64(next).op(W.I64_ADD));
  if (last.op === Op.JAL) {
    link(); retire(); go(at + last.imm);
  } else if (isBranch(last.op)) {
    retire();
    m.reg(last.s1); m.reg(last.s2); c.op(CMP[last.op]!).if(); go(at + last.imm); c.else(); go(next); c.end();
  } else if (last.op === Op.JALR) {
    // The target first (rd may be rs1), then the link.
    m.reg(last.s1); c.i64(last.imm).op(W.I64_ADD).i64(-2).op(W.I64_AND).set(EA);
    link(); retire();
    // In the window: the dispatch finds its block, if the region has it.
    c.get(EA).get(B).op(W.I64_SUB).i64(span).op(W.I64_LT_U).if();
    c.get(EA).get(B).op(W.I64_SUB, W.I32_WRAP_I64).set(OFF);
    c.else();
    m.flush();
    c.i32(0).get(EA).mem(W.I64_STORE, 3, m.sb + 4 * S.PC);
    m.leave(Exit.LEAVE);
    c.end();
  } else if (last.op === Op.FENCE_I) {
    retire(); go(next);
  } else {
    body(last, n - 1); // a system instruction leaves through the helper; anything else falls through
    retire(); go(next);
  }
}

/**
 * The module of the region over the chosen blocks (window offsets offs, the
 * entry first; pages: the window's RAM pages, -1 for none: region.ts), for one hart.
 */
export function wasmRegion(offs: number[], blocks: Block[], lay: WasmLayout, pages: number[] = [0]): WasmRegion {
  const m = new Emitter(lay), c = m.c, span = pages.length * 4096;
  const steps = () => c.i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.INSTRET).i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.TRAPS).op(W.F64_ADD);
  const cycle = () => c.i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.CYCLE);
  const nextTimer = () => c.i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.NEXT_TIMER);
  // Entry by window page EPG: B := pc's page - EPG pages (the window's base), off := pc - B,
  // ver := that page alone (its translation is the fetch's), pend = left = 0, chk = 1 (the first boundary checks everything).
  c.i32(0).mem(W.I64_LOAD, 3, m.sb + 4 * S.PC).i64(-4096).op(W.I64_AND).get(EPG).i32(12).op(W.I32_SHL, W.I64_EXTEND_I32_U, W.I64_SUB).set(B);
  c.i32(0).mem(W.I32_LOAD, 2, m.sb + 4 * S.PC).i32(4095).op(W.I32_AND).get(EPG).i32(12).op(W.I32_SHL, W.I32_ADD).set(OFF);
  c.i32(1).get(EPG).op(W.I32_SHL).set(VER);
  c.i32(1).set(CHK);
  c.block('exit').loop('top').block('check').block('leave');
  const tree = loopTree(offs, (k) => {
    const b = blocks[k], last = b.recs[(b.n - 1) * REC];
    if (last !== Op.JAL && !isBranch(last)) return undefined;
    let at = offs[k];
    for (let i = 0; i < b.n - 1; i++) at += b.recs[i * REC + 7];
    return at + b.recs[(b.n - 1) * REC + 4];
  });
  const label = (x: LoopItem) => typeof x === 'number' ? `b${x}` : `l${x.id}`;
  /** The member of a level that holds block k: the outermost loop of its path below `inside`, or the block. */
  const member = (k: number, inside?: LoopNode) => {
    const p = tree.path[k], i = inside === undefined ? 0 : p.indexOf(inside) + 1;
    return i < p.length ? p[i] : k;
  };
  /** A level: a label per member (the first ends right after the dispatch), then each member's code. */
  const level = (items: LoopItem[], dispatch: () => void) => {
    for (let k = items.length - 1; k >= 0; k--) c.block(label(items[k]));
    dispatch();
    for (const x of items) { c.end(); item(x); }
  };
  const item = (x: LoopItem): void => {
    if (typeof x === 'number') {
      blockCode(m, blocks[x], offs[x], (to) => jump(x, to), span);
      c.br('check');
      return;
    }
    c.loop(`L${x.id}`);
    level(x.kids, () => {
      // Its header falls through; any other block (a run entering mid-loop) through a table over the loop's range.
      c.get(OFF).i32(x.header).op(W.I32_NE).if();
      const table = new Array<string>(((x.end - x.start) >> 1) + 1).fill('leave');
      for (const k of x.kids.flatMap(function all(y): number[] { return typeof y === 'number' ? [y] : y.kids.flatMap(all); })) {
        table[(offs[k] - x.start) >> 1] = label(member(k, x));
      }
      c.get(OFF).i32(x.start).op(W.I32_SUB).i32(1).op(W.I32_SHR_U).brTable(table, 'leave');
      c.end();
    });
    c.end();
  };
  /**
   * A direct jump from block k to offset `to`, straight there unless the
   * boundary check is due or its page is not yet checked in this run: back
   * to the header of a loop it is in, or forward to a member whose label is
   * still open (the outermost loop holding the target, else its block).
   */
  const jump = (k: number, to: number) => {
    const t = tree.at.get(to);
    if (t === undefined) return;
    let target: string | undefined;
    const back = tree.path[t].find((l) => l.header === to && c.isOpen(`L${l.id}`));
    if (back !== undefined) target = `L${back.id}`;
    else target = [...tree.path[t].map((l) => `l${l.id}`), `b${t}`].find((l) => c.isOpen(l));
    if (target === undefined) return;
    const pg = to >> 12;
    if (pg !== offs[k] >> 12) c.get(VER).i32(1 << pg).op(W.I32_AND, W.I32_EQZ).brIf('check');
    c.get(LEFT).i32(0).op(W.I32_LE_S).get(CHK).op(W.I32_OR).brIf('check').br(target);
  };
  const present = pages.map((p, i) => [p, i]).filter(([p]) => p >= 0).map(([, i]) => i);
  level(tree.top, () => {
    // One br_table over the window's pages, then one per page over its halfwords: the member holding the block there, leave elsewhere.
    for (let k = present.length - 1; k >= 0; k--) c.block(`p${present[k]}`);
    const byPage = new Array<string>(pages.length).fill('leave');
    for (const i of present) byPage[i] = `p${i}`;
    c.get(OFF).i32(12).op(W.I32_SHR_U).brTable(byPage, 'leave');
    for (const i of present) {
      c.end(); // page i
      if (pages.length > 1) {
        // Not yet seen in this run: its translation must still be the one the region was compiled from (the fetch TLB's).
        c.get(VER).i32(1 << i).op(W.I32_AND, W.I32_EQZ).if();
        c.get(B).i64(i * 4096).op(W.I64_ADD).set(EA);
        m.tlbHit(XT, 0);
        c.op(W.I32_EQZ).brIf('leave');
        m.ramPage(); c.i32((pages[i] * 4096) | 0).op(W.I32_NE).brIf('leave');
        c.get(VER).i32(1 << i).op(W.I32_OR).set(VER);
        c.end();
      }
      const table = new Array<string>(2048).fill('leave');
      offs.forEach((o, k) => { if (o >> 12 === i) table[(o & 4095) >> 1] = label(member(k)); });
      c.get(OFF).i32(4095).op(W.I32_AND).i32(1).op(W.I32_SHR_U).brTable(table, 'leave');
    }
  });
  c.end(); // leave: the next pc is no block of this region
  m.exitAtOff(Exit.LEAVE);
  c.end(); // check
  c.get(LEFT).i32(0).op(W.I32_LE_S).get(CHK).op(W.I32_OR).if();
  m.flush();
  steps(); c.get(END).op(W.F64_GE).if(); m.exitAtOff(Exit.BUDGET); c.end();
  c.i32(0).mem(W.I32_LOAD, 2, m.sb + 4 * S.IRQ_DIRTY); cycle(); nextTimer(); c.op(W.F64_GE, W.I32_OR).if(); m.exitAtOff(Exit.IRQ); c.end();
  c.get(STALE).if(); m.exitAtOff(Exit.STALE); c.end();
  // left := min(end - steps, next timer - cycle), saturated to int32 (the timer may be Infinity)
  c.i32(0).set(CHK);
  c.get(END); steps(); c.op(W.F64_SUB); nextTimer(); cycle(); c.op(W.F64_SUB, W.F64_MIN, 0xfc, 0x02).set(LEFT);
  c.end();
  c.br('top').end(); // loop
  c.end(); // exit: return the reason
  c.get(REASON);
  const bytes = module({
    pages: lay.pages,
    imports: [
      { params: [Ty.I32, Ty.I32, Ty.I32], results: [Ty.I32] }, // the region's helper (slowSource)
      { params: new Array<Ty>(10).fill(Ty.I32), results: [Ty.I32] }, // slow.ts load
      { params: new Array<Ty>(10).fill(Ty.I32), results: [Ty.I32] }, // slow.ts store
    ],
    params: PARAMS, results: [Ty.I32], locals: LOCALS, body: c,
  });
  return { bytes, slowSource: slowSource(m.slow) };
}

/**
 * The helper's source: one case per instruction handed to it, each emit.ts's
 * template (exactly what the JavaScript backend runs for it). Parameters:
 * the library's names (jit.ts), then H (the hart) and J (the Jit: fresh()
 * says whether the running region is still good).
 */
function slowSource(slow: [Insn, number, number, number][]): string {
  return [
    `'use strict';`,
    'const h = H;',
    'return function slow(n, BL, BH) {',
    'const x = h.x, f = h.f, st = h.s, t = h.t, bus = h.bus, ram8 = bus.ram8, ram16 = bus.ram16, ram32 = bus.ram32, hooks = bus.hooks;',
    'const rtag = h.rTlb.tag, rhi = h.rTlb.hi, roff = h.rTlb.off, wtag = h.wTlb.tag, whi = h.wTlb.hi, woff = h.wTlb.off;',
    'const B = BH * 4294967296 + (BL >>> 0);',
    'let pend = 0, chk = 0;',
    'switch (n) {',
    ...slow.map(([ins, i, o, start], k) => `case ${k}: { ${emitInsn(ins, i, o, start)} break; }`),
    '}',
    'return J.fresh() ? 1 : 2;',
    '};',
  ].join('\n');
}
