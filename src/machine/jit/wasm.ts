// The WebAssembly backend: a region (region.ts's blocks of one page) becomes
// one WebAssembly function over the bus's memory, where guest RAM (at byte 0),
// the store hooks, and this hart's registers, state, counters and TLBs live
// (bus.ts, layout.ts): nothing is copied in or out.
//
//   run(rtlb, wtlb, end) -> exit reason (or -1: a helper already left)
//     B := pc's page (i64); off := pc & 0xfff
//     loop:
//       dispatch on off / 2 (one br_table over the page) to its block's code, or leave
//       block code: its instructions; left -= n; off := where it goes (the pending
//         retired count is base - left; flushing it to the counters sets base := left)
//       if left <= 0: the full boundary check of region.ts (budget, irq, stale); a
//         helper sets left = base = 0 so that the next boundary checks everything
//
// What is compiled inline: the integer ALU and M instructions
// (64-bit registers are i64), lui/auipc/fence, integer loads and stores with
// the TLB hit path (an aligned access to a RAM page the TLB holds; a store
// also needs no hook on its granule), and every control transfer. A load or
// store that is no hit (a TLB miss, MMIO, a hook) leaves, and the
// interpreter finishes its block (exit reason MID + the place: jit.ts).
// Anything else — FP beyond the fast paths, AMOs, system instructions,
// traps — calls the region's one imported helper with the instruction's number: a JavaScript
// function built from emit.ts's templates for exactly those instructions,
// so the slow paths are the JavaScript backend's, statement for statement.
// The helper returns 0 when it left compiled code (a trap or a system
// instruction: it has stored pc and the counters and counted the exit), 2
// when the region went stale (its page was written, translation changed, a
// device stopped the run), else 1.


import { Op } from '../../isa/table.js';
import type { Block } from '../blocks.js';
import { S, T } from '../layout.js';
import { Csr } from '../csr.js';
import { W, Ty, module } from './wasm-code.js';
import { emitInsn, plainCsr, Exit, type Insn } from './emit.js';
import { loopTree, type LoopItem, type LoopNode } from './loops.js';
import { offsets } from './region.js';
import { CHAIN_AT, CHAINS_AT, CHAIN_SIZE, PAGE_BITS, RUNNING_AT } from './chain.js';
import { emitFp, fpFast } from './wasm-fp.js';
import {
  Emitter, type WasmLayout, RT, WT, END, XT, EPG, OFF, BASE, LEFT, STALE, B, EA, VER, REASON, FP, IDX, PARAMS, LOCALS,
  isBranch, insnAt, LOADS, STORES, FLOADS, FSTORES, CMP, DIVS, inline,
} from './wasm-insn.js';

export type { WasmLayout } from './wasm-insn.js';

export interface WasmRegion {
  bytes: Uint8Array;
  /** The slow helper's JavaScript source (a body taking the library's names, then H and J: jit.ts). */
  slowSource: string;
  /** Where the region may leave mid-block (wasm-insn.ts Emitter.mids): block and instruction index pairs. */
  mids: Int32Array;
}

const isCsr = (op: Op) => op >= Op.CSRRW && op <= Op.CSRRCI;
/** `csrr rd, time`: a csrrs or csrrc of time with x0 (or uimm 0), which writes nothing. */
const readsTime = (n: Insn) => n.imm === Csr.TIME && n.s1 === 0 && (n.op === Op.CSRRS || n.op === Op.CSRRC || n.op === Op.CSRRSI || n.op === Op.CSRRCI);

/** Block k's code (k from 1), at page offset o: its instructions, retiring them, then where it goes. */
function blockCode(m: Emitter, blk: Block, o: number, jump: (to: number) => void, span: number): void {
  const c = m.c, n = blk.n;
  m.startBlock();
  const offs = offsets(blk, o);
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
  const retire = () => c.get(LEFT).i32(n).op(W.I32_SUB).set(LEFT);
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
    m.writeBack();
    c.i32(0).get(EA).mem(W.I64_STORE, 3, m.sb + 4 * S.PC);
    c.br('chain');
    c.end();
  } else if (last.op === Op.FENCE_I) {
    retire(); go(next);
  } else if (readsTime(last)) {
    m.readTime(last, n - 1, at, o, n); // no call out
    go(next);
  } else {
    body(last, n - 1); // a system instruction leaves through the helper; anything else falls through
    // An ecall whose handler ran inside the helper comes back here (it retired nothing: a trap), and so does an
    // unprivileged CSR access (emit.ts plainCsr); the helper counted the block's instructions. left := n, so that
    // retiring leaves nothing pending and the next boundary checks everything.
    if (last.op === Op.ECALL || (isCsr(last.op) && plainCsr(last.imm))) c.i32(n).set(LEFT);
    retire(); go(next);
  }
}

/**
 * The module of the region over the chosen blocks (window offsets offs, the
 * entry first; pages: the window's RAM pages, -1 for none: region.ts), for one hart.
 */
export function wasmRegion(offs: number[], blocks: Block[], lay: WasmLayout, pages: number[] = [0], index = -1): WasmRegion {
  const m = new Emitter(lay), c = m.c, span = pages.length * 4096;
  const steps = () => c.i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.INSTRET).i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.TRAPS).op(W.F64_ADD);
  const cycle = () => c.i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.CYCLE);
  const nextTimer = () => c.i32(0).mem(W.F64_LOAD, 3, m.tb + 8 * T.NEXT_TIMER);
  // Entry by window page EPG: B := pc's page - EPG pages (the window's base), off := pc - B,
  // ver := that page alone (its translation is the fetch's), base = left = 0 (the first boundary checks everything).
  c.i32(0).mem(W.I64_LOAD, 3, m.sb + 4 * S.PC).i64(-4096).op(W.I64_AND).get(EPG).i32(12).op(W.I32_SHL, W.I64_EXTEND_I32_U, W.I64_SUB).set(B);
  c.i32(0).mem(W.I32_LOAD, 2, m.sb + 4 * S.PC).i32(4095).op(W.I32_AND).get(EPG).i32(12).op(W.I32_SHL, W.I32_ADD).set(OFF);
  c.i32(1).get(EPG).op(W.I32_SHL).set(VER);
  if (index >= 0) c.i32(0).i32(index).mem(W.I32_STORE, 2, lay.state + RUNNING_AT); // the running region (chain.ts)
  c.block('exit').block('chain').loop('top').block('check').block('leave');
  const tree = loopTree(offs, (k) => {
    const b = blocks[k], last = insnAt(b, b.n - 1);
    return last.op === Op.JAL || isBranch(last.op) ? offsets(b, offs[k])[b.n - 1] + last.imm : undefined;
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
      m.block = x;
      blockCode(m, blocks[x], offs[x], (to) => jump(x, to), span);
      m.writeBack();
      c.br('check');
      return;
    }
    // An innermost loop keeps its registers in locals (wasm-insn.ts enterLoop); every way in passes here.
    // Not a loop that leaves through a jalr or calls a helper on its way round: those would store and load all
    // its registers every time (a switch's dispatch through a jump table is such a loop).
    const insns = x.kids.every((y) => typeof y === 'number')
      ? (x.kids as number[]).flatMap((k) => Array.from({ length: blocks[k].n }, (_, i) => insnAt(blocks[k], i))) : [];
    const inner = insns.length > 0 && insns.every((n) => n.op !== Op.JALR && (inline(n) || fpFast(n) || FLOADS[n.op] !== undefined || FSTORES[n.op] !== undefined));
    if (inner) m.enterLoop(insns);
    c.loop(`L${x.id}`);
    level(x.kids, () => {
      // Its header falls through; any other block (a run entering mid-loop) through a table over the loop's range.
      c.get(OFF).i32(x.header).op(W.I32_NE).if();
      const table = new Array<string>(((x.end - x.start) >> 1) + 1).fill('leave');
      for (const k of x.kids.flatMap(function all(y): number[] { return typeof y === 'number' ? [y] : y.kids.flatMap(all); })) {
        table[(offs[k] - x.start) >> 1] = label(member(k, x));
      }
      c.get(OFF).i32(x.start).op(W.I32_SUB).i32(1).op(W.I32_SHR_U).set(IDX).dispatch(IDX, table, 'leave');
      c.end();
    });
    c.end();
    if (inner) m.exitLoop();
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
    // Leaving an innermost loop whose registers are in locals: they go back to the state first.
    const toCheck = () => { if (m.inLoop) { c.ifCold(); m.writeBack(); c.br('check').end(); } else c.brIf('check'); };
    if (pg !== offs[k] >> 12) { c.get(VER).i32(1 << pg).op(W.I32_AND, W.I32_EQZ); toCheck(); }
    c.get(LEFT).i32(0).op(W.I32_LE_S); toCheck();
    const inside = target === `L${tree.path[k].at(-1)?.id}` || (target.startsWith('b') && tree.path[t].at(-1) === tree.path[k].at(-1));
    if (!inside) m.writeBack();
    c.br(target);
  };
  const present = pages.map((p, i) => [p, i]).filter(([p]) => p >= 0).map(([, i]) => i);
  level(tree.top, () => {
    if (pages.length > 1) {
      // A page not yet reached in this run: its translation must still be the one the region was compiled from
      // (the fetch TLB's). Off past the window reads a bit that does not matter: the table below leaves.
      c.block('seen');
      c.get(VER).get(OFF).i32(12).op(W.I32_SHR_U, W.I32_SHR_U).i32(1).op(W.I32_AND).brIf('seen');
      for (let k = present.length - 1; k >= 0; k--) c.block(`p${present[k]}`);
      const byPage = new Array<string>(pages.length).fill('leave');
      for (const i of present) byPage[i] = `p${i}`;
      c.get(OFF).i32(12).op(W.I32_SHR_U).brTable(byPage, 'leave');
      for (const i of present) {
        c.end(); // page i
        c.get(B).i64(i * 4096).op(W.I64_ADD).set(EA);
        m.tlbHit(XT, 0);
        c.op(W.I32_EQZ).brIf('leave');
        c.get(EA); m.addend(); c.op(W.I64_ADD, W.I32_WRAP_I64).i32((pages[i] * 4096) | 0).op(W.I32_NE).brIf('leave');
        c.get(VER).i32(1 << i).op(W.I32_OR).set(VER).br('seen');
      }
      c.end(); // seen
    }
    // One br_table over the halfwords from the first block to the last: the member holding the block there, leave elsewhere.
    const lo = Math.min(...offs), hi = Math.max(...offs);
    const table = new Array<string>(((hi - lo) >> 1) + 1).fill('leave');
    offs.forEach((o, k) => { table[(o - lo) >> 1] = label(member(k)); });
    c.get(OFF).i32(lo).op(W.I32_SUB).i32(1).op(W.I32_SHR_U).set(IDX).dispatch(IDX, table, 'leave');
  });
  c.end(); // leave: the next pc is no block of this region
  m.flush();
  c.i32(0).get(B).get(OFF).op(W.I64_EXTEND_I32_S, W.I64_ADD).mem(W.I64_STORE, 3, m.sb + 4 * S.PC);
  c.br('chain');
  c.end(); // check
  c.get(LEFT).i32(0).op(W.I32_LE_S).ifCold();
  m.flush();
  steps(); c.get(END).op(W.F64_GE).ifCold(); m.exitAtOff(Exit.BUDGET); c.end();
  c.i32(0).mem(W.I32_LOAD, 2, m.sb + 4 * S.IRQ_DIRTY); cycle(); nextTimer(); c.op(W.F64_GE, W.I32_OR).ifCold(); m.exitAtOff(Exit.IRQ); c.end();
  c.get(STALE).ifCold(); m.exitAtOff(Exit.STALE); c.end();
  // left := min(end - steps, next timer - cycle), saturated to int32 (the timer may be Infinity)
  c.get(END); steps(); c.op(W.F64_SUB); nextTimer(); cycle(); c.op(W.F64_SUB, W.F64_MIN, 0xfc, 0x02).tee(LEFT).set(BASE);
  c.end();
  c.br('top').end(); // loop
  c.end(); // chain: pc is stored, and so are the counters and registers
  if (index >= 0) chain(m, lay, steps, cycle, nextTimer);
  c.i32(Exit.LEAVE).set(REASON);
  c.end(); // exit: return the reason
  c.get(REASON);
  const bytes = module({
    pages: lay.pages,
    imports: [
      { params: [Ty.I32, Ty.I32, Ty.I32], results: [Ty.I32] }, // the region's helper (slowSource)
    ],
    params: PARAMS, results: [Ty.I32], locals: LOCALS, body: c, table: index >= 0,
  });
  return { bytes, slowSource: slowSource(m.slow), mids: Int32Array.from(m.mids) };
}

/**
 * Into the region compiled for pc, if the chain cache has one and nothing
 * must happen between the two first (chain.ts): Hart.run's checks between
 * blocks, then the entry's tag and the fetch TLB's RAM page. Falls through
 * when it cannot.
 */
function chain(m: Emitter, lay: WasmLayout, steps: () => void, cycle: () => void, nextTimer: () => void): void {
  const c = m.c, at = lay.state + CHAIN_AT, counter = lay.state + CHAINS_AT;
  c.block('out');
  steps(); c.get(END).op(W.F64_GE).brIf('out');
  c.i32(0).mem(W.I32_LOAD, 2, m.sb + 4 * S.IRQ_DIRTY); cycle(); nextTimer(); c.op(W.F64_GE, W.I32_OR).brIf('out');
  c.get(STALE).brIf('out');
  c.i32(0).mem(W.I64_LOAD, 3, m.sb + 4 * S.PC).set(EA);
  c.get(EA).op(W.I32_WRAP_I64).i32(1).op(W.I32_SHR_U).i32(CHAIN_SIZE - 1).op(W.I32_AND).i32(4).op(W.I32_SHL).set(IDX);
  c.get(IDX).mem(W.I64_LOAD, 3, at).get(EA).i64(1).op(W.I64_OR, W.I64_NE).brIf('out');
  m.tlbHit(XT, 0);
  c.op(W.I32_EQZ).brIf('out');
  c.get(EA); m.addend(); c.op(W.I64_ADD, W.I32_WRAP_I64).i32(12).op(W.I32_SHR_U);
  c.get(IDX).mem(W.I32_LOAD, 2, at + 12).i32((1 << PAGE_BITS) - 1).op(W.I32_AND, W.I32_NE).brIf('out');
  c.i32(0).i32(0).mem(W.F64_LOAD, 3, counter).f64(1).op(W.F64_ADD).mem(W.F64_STORE, 3, counter);
  c.get(RT).get(WT).get(END).get(XT);
  c.get(IDX).mem(W.I32_LOAD, 2, at + 12).i32(PAGE_BITS).op(W.I32_SHR_U);
  c.get(IDX).mem(W.I32_LOAD, 2, at + 8);
  c.returnCallIndirect(1); // the region function's type: after the helper's
  c.end(); // out
}

/**
 * The helper's source: one case per instruction handed to it, each emit.ts's
 * template (exactly what the JavaScript backend runs for it). Parameters:
 * the library's names (jit.ts), then H (the hart), J (the Jit: fresh(R)
 * says whether the running region is still good) and R (the region).
 */
function slowSource(slow: [Insn, number, number, number][]): string {
  const cases = slow.map(([ins, i, o, start], k) => `case ${k}: { ${emitInsn(ins, i, o, start)} break; }`).join('\n');
  return [
    `'use strict';`,
    'const h = H;',
    'return function slow(n, BL, BH) {',
    // Only the views the cases use: an ecall's case needs four of the fifteen, and it runs at every system call.
    neededViews(cases),
    'const B = BH * 4294967296 + (BL >>> 0);',
    'let pend = 0, chk = 0;',
    'const TI = true;', // an ecall's native handler may run inside (emit.ts)
    'switch (n) {',
    cases,
    '}',
    'return J.fresh(R) ? 1 : 2;',
    '};',
  ].join('\n');
}

/** The helper's views of the hart, each with what it is read from (in order: a later one may use an earlier one). */
const VIEWS: [string, string][] = [
  ['x', 'h.x'], ['f', 'h.f'], ['st', 'h.s'], ['t', 'h.t'], ['bus', 'h.bus'], ['ram8', 'bus.ram8'], ['ram16', 'bus.ram16'],
  ['ram32', 'bus.ram32'], ['hooks', 'bus.hooks'], ['rtag', 'h.rTlb.tag'], ['rhi', 'h.rTlb.hi'], ['roff', 'h.rTlb.off'],
  ['wtag', 'h.wTlb.tag'], ['whi', 'h.wTlb.hi'], ['woff', 'h.wTlb.off'],
];

/** The declarations of the views that code names (and those they are read from). */
function neededViews(code: string): string {
  const uses = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  const kept: [string, string][] = [];
  for (let i = VIEWS.length - 1; i >= 0; i--) {
    const [name, from] = VIEWS[i];
    if (uses(code, name) || kept.some(([, f]) => uses(f, name))) kept.unshift([name, from]);
  }
  return kept.length === 0 ? '' : `const ${kept.map(([name, from]) => `${name} = ${from}`).join(', ')};`;
}
