// The WebAssembly backend's instructions (wasm.ts lays a region out): the
// function's locals, which instructions compile inline, and the emitter that
// writes each one: the integer ALU and M, loads and stores with the TLB hit
// path, and the call to the region's helper for everything else. Registers
// live in the state between blocks and are cached in locals inside one.

import { X0_SINK } from '../../isa/decode.js';
import { Op } from '../../isa/table.js';
import { S, T, F_OFFSET, S_OFFSET, T_OFFSET } from '../layout.js';
import { St } from '../csr.js';
import { Mode } from '../trap.js';
import { CYCLES_PER_TICK } from '../timer.js';
import { TLB_SIZE, TLB_VA_AT, TLB_OFF8_AT } from '../mmu.js';
import { HOOK_SHIFT } from '../phys.js';
import { Code, Ty, W } from './wasm-code.js';
import { Exit, type Insn } from './emit.js';
import { writesX, type FpLocals } from './wasm-fp.js';

/** Where this hart's things are in the memory: byte offsets, and the memory's size in pages. */
export interface WasmLayout {
  state: number; hooks: number; pages: number;
  /** The host's relaxed multiply-add rounds once (wasm-fp.ts fusedMaddAvailable). */
  fusedMadd: boolean;
}


// Locals: the parameters (the load, store and fetch TLBs, the budget's end,
// the window page the run enters by), then the function's own.
export const RT = 0, WT = 1, END = 2, XT = 3, EPG = 4;
export const OFF = 5, BASE = 6, LEFT = 7, STALE = 8, B = 9, EA = 10, E = 11, O = 12, R = 13, DV = 14, VER = 15;
/**
 * x1..x31 live in the state between blocks; inside a block, i64 locals X1..
 * cache them (loaded on first read, every write also stored), so no register
 * value flows from block to block through a local: TurboFan's code for the
 * dispatch loop then merges nothing but the loop's own few locals (with all
 * 31 live across it, its code was slower than V8's baseline compiler's).
 */
export const X1 = 16;
/** The exit reason, for the one exit path at the function's end. */
export const REASON = X1 + 31;
/** The FP fast paths' locals (wasm-fp.ts): six f64, one i64. */
export const FP: FpLocals = { f: [REASON + 1, REASON + 2, REASON + 3, REASON + 4, REASON + 5, REASON + 6], i: REASON + 7 };
/** The dispatch's index (Code.dispatch). */
export const IDX = REASON + 8;
/** Exit reasons from MID on: a block left to the interpreter mid-way (Emitter.mids). */
export const MID = 16;
/** Two i64 scratch locals (mulh's partial products). */
const P1 = REASON + 9, P2 = REASON + 10;
export const PARAMS = [Ty.I32, Ty.I32, Ty.F64, Ty.I32, Ty.I32];
export const LOCALS = [Ty.I32, Ty.I32, Ty.I32, Ty.I32, Ty.I64, Ty.I64, Ty.I32, Ty.I32, Ty.I32, Ty.I64, Ty.I32, ...new Array<Ty>(31).fill(Ty.I64), Ty.I32, ...new Array<Ty>(6).fill(Ty.F64), Ty.I64, Ty.I32, Ty.I64, Ty.I64];
/** The local of register pair index d (2..62). */
const local = (d: number) => X1 + (d >> 1) - 1;

export { isBranch, insnAt } from './region.js';

/** Integer loads: [log2 size, the i64 load op]. */
export const LOADS: Partial<Record<Op, [number, W]>> = {
  [Op.LB]: [0, W.I64_LOAD8_S], [Op.LBU]: [0, W.I64_LOAD8_U], [Op.LH]: [1, W.I64_LOAD16_S], [Op.LHU]: [1, W.I64_LOAD16_U],
  [Op.LW]: [2, W.I64_LOAD32_S], [Op.LWU]: [2, W.I64_LOAD32_U], [Op.LD]: [3, W.I64_LOAD],
};
export const STORES: Partial<Record<Op, [number, W]>> = {
  [Op.SB]: [0, W.I64_STORE8], [Op.SH]: [1, W.I64_STORE16], [Op.SW]: [2, W.I64_STORE32], [Op.SD]: [3, W.I64_STORE],
};
/** FP loads and stores (the f registers stay in the state: only the integer ones have locals). */
export const FLOADS: Partial<Record<Op, [number, W]>> = { [Op.FLW]: [2, W.I64_LOAD32_U], [Op.FLD]: [3, W.I64_LOAD] };
export const FSTORES: Partial<Record<Op, [number, W]>> = { [Op.FSW]: [2, W.I64_STORE32], [Op.FSD]: [3, W.I64_STORE] };
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
export const CMP: Partial<Record<Op, W>> = {
  [Op.BEQ]: W.I64_EQ, [Op.BNE]: W.I64_NE, [Op.BLT]: W.I64_LT_S, [Op.BGE]: W.I64_GE_S, [Op.BLTU]: W.I64_LT_U, [Op.BGEU]: W.I64_GE_U,
  [Op.SLT]: W.I64_LT_S, [Op.SLTU]: W.I64_LT_U, [Op.SLTI]: W.I64_LT_S, [Op.SLTIU]: W.I64_LT_U,
};
export const DIVS = new Set([Op.DIV, Op.DIVU, Op.REM, Op.REMU, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW]);
const MULHS = new Set([Op.MULH, Op.MULHSU, Op.MULHU]);

/** True when instruction n is compiled inline (else it goes to the helper). */
export function inline(n: Insn): boolean {
  const op = n.op;
  return BIN[op] !== undefined || BINI[op] !== undefined || BINW[op] !== undefined || BINIW[op] !== undefined ||
    CMP[op] !== undefined || DIVS.has(op) || MULHS.has(op) || op === Op.LUI || op === Op.AUIPC || op === Op.FENCE ||
    LOADS[op] !== undefined || STORES[op] !== undefined;
}

export class Emitter {
  readonly c = new Code();
  /** Instructions handed to the helper, by helper number: [instruction, index in its block, page offset, block start]. */
  readonly slow: [Insn, number, number, number][] = [];
  readonly xb: number; readonly fb: number; readonly sb: number; readonly tb: number;
  readonly fusedMadd: boolean;

  /** The registers (pair indices) whose local holds the value in the state, in the block being emitted. */
  private readonly cached = new Set<number>();
  /** Inside code that only some paths of the block run: a read there loads without caching. */
  cond = 0;

  constructor(private readonly lay: WasmLayout) {
    this.xb = lay.state; this.fb = lay.state + F_OFFSET; this.sb = lay.state + S_OFFSET; this.tb = lay.state + T_OFFSET;
    this.fusedMadd = lay.fusedMadd;
  }

  /**
   * Inside an innermost loop (wasm.ts): every register its instructions name
   * lives in its local for the whole loop — loaded before the loop starts,
   * stored back (`writeBack`, what the loop writes) before anything that
   * leaves the loop or reads the state (a helper, an exit, the boundary
   * check) — so an iteration neither loads nor stores registers.
   */
  private loopRegs: Set<number> | undefined;
  private loopWritten: number[] = [];

  /** Starts an innermost loop over these instructions: loads its registers into their locals. */
  enterLoop(insns: Insn[]): void {
    const regs = new Set<number>(), written = new Set<number>();
    const ok = (r: number) => r > 0 && r < X0_SINK;
    for (const n of insns) {
      for (const r of [n.s1, n.s2, n.d]) if (ok(r)) regs.add(r);
      if (ok(n.d)) written.add(n.d);
    }
    for (const d of regs) this.c.i32(0).mem(W.I64_LOAD, 3, this.xb + 4 * d).set(local(d));
    this.loopRegs = regs;
    this.loopWritten = [...written];
  }
  /** The loop's code is done. */
  exitLoop(): void { this.loopRegs = undefined; this.loopWritten = []; }
  /** True while a loop's registers live in locals. */
  get inLoop(): boolean { return this.loopRegs !== undefined; }
  /** Stores what the loop writes from the locals to the state (nothing outside a loop). */
  writeBack(): void {
    for (const d of this.loopWritten) this.c.i32(0).get(local(d)).mem(W.I64_STORE, 3, this.xb + 4 * d);
  }

  /** A new block: no register is cached. */
  startBlock(): void { this.cached.clear(); }
  /** Pushes register d (a pair index) as i64. */
  reg(d: number): void {
    const c = this.c;
    if (d === 0) c.i64(0);
    else if (this.cached.has(d) || this.loopRegs?.has(d)) c.get(local(d));
    else {
      c.i32(0).mem(W.I64_LOAD, 3, this.xb + 4 * d);
      if (this.cond === 0) { c.tee(local(d)); this.cached.add(d); }
    }
  }
  /** Sets register d to the i64 that `value` pushes, in the state and its local (nothing for the sink: the value is not computed). */
  setReg(d: number, value: () => void): void {
    if (d === X0_SINK) return;
    if (this.loopRegs?.has(d)) { value(); this.c.set(local(d)); return; }
    this.c.i32(0); value(); this.c.tee(local(d)).mem(W.I64_STORE, 3, this.xb + 4 * d);
    this.cached.add(d);
  }
  /** Loads register d from the state into its local (a helper may have written it). */
  reload(c: Code, d: number): void {
    c.i32(0).mem(W.I64_LOAD, 3, this.xb + 4 * d).set(local(d));
    this.cached.add(d);
  }
  private tAddr(slot: T): number { return this.tb + 8 * slot; }
  /** t[slot] += the pending count, base - left (as f64). */
  private addPend(slot: T): void {
    this.c.i32(0).i32(0).mem(W.F64_LOAD, 3, this.tAddr(slot)).get(BASE).get(LEFT).op(W.I32_SUB, W.F64_CONVERT_I32_S, W.F64_ADD).mem(W.F64_STORE, 3, this.tAddr(slot));
  }
  /** emit.ts's FLUSH: the pending retired count into the counters. */
  flush(): void { this.addPend(T.CYCLE); this.addPend(T.INSTRET); this.c.get(LEFT).set(BASE); }
  /** pc := the i64 on top of a value pushed by `value`. */
  private setPc(value: () => void): void { this.c.i32(0); value(); this.c.mem(W.I64_STORE, 3, this.sb + 4 * S.PC); }
  /** Leaves through the exit path with a reason (the counters and pc stored). */
  leave(reason: Exit | number): void { this.c.i32(reason).set(REASON).br('exit'); }
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
  helper(n: Insn, i: number, o: number, start: number): void {
    const c = this.c, d = n.d > 0 && n.d < X0_SINK ? n.d : -1;
    this.flush();
    this.writeBack();
    // The helper takes the block's page (its base and page offsets: a block never crosses a page).
    const pg = start >> 12, po = o & 4095, ps = start & 4095;
    const base = () => { c.get(B); if (pg !== 0) c.i64(pg * 4096).op(W.I64_ADD); };
    c.i32(this.slow.length); base(); c.op(W.I32_WRAP_I64); base(); c.i64(32).op(W.I64_SHR_U, W.I32_WRAP_I64); c.call(0).set(R);
    this.slow.push([n, i, po, ps]);
    // An integer rd is current in the state (and its local then); an FP instruction's rd may name an f register.
    if (d >= 0 && FLOADS[n.op] === undefined && writesX(n.op)) this.reload(c, d);
    c.get(R).op(W.I32_EQZ).ifCold(); this.leave(-1); c.end();
    c.get(R).i32(2).op(W.I32_EQ).ifCold().i32(1).set(STALE).end();
    c.i32(0).set(LEFT).i32(0).set(BASE); // the next boundary does the full check
  }

  /**
   * `csrr rd, time` (the vDSO's clock read), the i-th and last of a block of
   * n: where the mode may read time (priv 3.1.11, mcounteren.TM, and
   * scounteren.TM from U), rd := mtime as csr.ts reads it (timer.ts: the
   * cycle, counting the block's instructions before this one, over
   * CYCLES_PER_TICK, floored, plus the offset), and the block retires;
   * otherwise the helper, as before (which raises the illegal instruction).
   */
  readTime(n: Insn, i: number, o: number, start: number, count: number): void {
    const c = this.c, sb = this.sb, priv = () => c.i32(0).mem(W.I32_LOAD, 2, sb + 4 * S.PRIV);
    this.cond++;
    c.block('tdone').block('tslow');
    priv(); c.i32(Mode.M).op(W.I32_NE);
    c.i32(0).mem(W.I32_LOAD, 2, sb + 4 * S.MCOUNTEREN).i32(2).op(W.I32_AND, W.I32_EQZ);
    priv(); c.i32(Mode.S).op(W.I32_NE);
    c.i32(0).mem(W.I32_LOAD, 2, sb + 4 * S.SCOUNTEREN).i32(2).op(W.I32_AND, W.I32_EQZ, W.I32_AND, W.I32_OR, W.I32_AND);
    c.brIf('tslow');
    this.setReg(n.d, () => {
      c.i32(0).mem(W.F64_LOAD, 3, this.tb + 8 * T.CYCLE).get(BASE).get(LEFT).op(W.I32_SUB, W.F64_CONVERT_I32_S, W.F64_ADD);
      c.f64(i).op(W.F64_ADD).f64(CYCLES_PER_TICK).op(W.F64_DIV, W.F64_FLOOR);
      c.i32(0).mem(W.F64_LOAD, 3, this.tb + 8 * T.MTIME_OFFSET).op(W.F64_ADD, W.I64_TRUNC_F64_S);
    });
    c.get(LEFT).i32(count).op(W.I32_SUB).set(LEFT).br('tdone');
    c.end();
    this.helper(n, i, o, start); // it counted the block's instructions (emit.ts) and zeroed left and base
    c.end();
    this.cond--;
  }

  /** The block being emitted: its index in the region (wasm.ts sets it). */
  block = 0;
  /** Where a run left to the interpreter in the middle of a block: [block index, instruction index] per exit reason past MID. */
  readonly mids: number[] = [];

  /**
   * Leaves so that the interpreter finishes the block from its i-th
   * instruction (jit.ts): a load or store that is no TLB hit (a miss, a
   * misaligned address, MMIO, a hooked granule, FS off). pc is the block's
   * start and its instructions are not counted yet, as during an interpreted
   * block; the exit reason names the place (MID + its number). No call: a
   * call site makes every value live across it costly for V8's optimising
   * compiler, and the loads and stores were most of a region's calls.
   */
  private finishInterpreted(i: number, start: number): void {
    this.flush();
    this.writeBack();
    this.setPc(() => this.c.get(B).i64(start).op(W.I64_ADD));
    this.leave(MID + this.mids.length / 2);
    this.mids.push(this.block, i);
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
  /** The entry at E's RAM offset minus virtual address (i64, mmu.ts Tlb.off8). */
  addend(): void { this.c.get(E).mem(W.I64_LOAD, 3, TLB_OFF8_AT); }
  /** O := the RAM offset of EA through the entry at E. */
  private ramAddr(): void {
    this.c.get(EA); this.addend(); this.c.op(W.I64_ADD, W.I32_WRAP_I64).set(O);
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
    // Only the hit path goes on (the other leaves): a load's rd is cached after it; reads inside it load without caching.
    this.cond++;
    hit();
    c.br('done').end();
    this.finishInterpreted(i, start);
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

  /**
   * MULH, MULHSU, MULHU: the high 64 bits of the 128-bit product (unpriv
   * 13.1), from four 32x32-bit products, each exact in an i64: the middle
   * column's carry is (lo*lo >>> 32) + the low halves of the cross products,
   * at most 34 bits. A signed operand that is negative stands for itself
   * plus 2^64, so the signed high part is the unsigned one less the other
   * operand for each such (MULH both, MULHSU rs1 only).
   */
  private mulh(n: Insn): void {
    const c = this.c, A = EA, B = DV;
    const lo = (x: number) => c.get(x).i64w(-1, 0).op(W.I64_AND), hi = (x: number) => c.get(x).i64(32).op(W.I64_SHR_U);
    this.reg(n.s1); c.set(A); this.reg(n.s2); c.set(B);
    lo(A); hi(B); c.op(W.I64_MUL).set(P1);
    hi(A); lo(B); c.op(W.I64_MUL).set(P2);
    this.setReg(n.d, () => {
      hi(A); hi(B); c.op(W.I64_MUL);
      c.get(P1).i64(32).op(W.I64_SHR_U, W.I64_ADD).get(P2).i64(32).op(W.I64_SHR_U, W.I64_ADD);
      lo(A); lo(B); c.op(W.I64_MUL).i64(32).op(W.I64_SHR_U);
      c.get(P1).i64w(-1, 0).op(W.I64_AND, W.I64_ADD).get(P2).i64w(-1, 0).op(W.I64_AND, W.I64_ADD);
      c.i64(32).op(W.I64_SHR_U, W.I64_ADD);
      if (n.op !== Op.MULHU) c.get(B).i64(0).get(A).i64(0).op(W.I64_LT_S, W.SELECT, W.I64_SUB);
      if (n.op === Op.MULH) c.get(A).i64(0).get(B).i64(0).op(W.I64_LT_S, W.SELECT, W.I64_SUB);
    });
  }

  /** The statement for an ALU instruction compiled inline. */
  alu(n: Insn, o: number): void {
    const c = this.c, { op, d, s1, s2, imm } = n;
    if (MULHS.has(op)) return this.mulh(n);
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

