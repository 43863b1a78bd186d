// A region: the decoded blocks of one physical page that its hot block
// reaches by direct control transfers inside the page, compiled into one
// JavaScript function. The blocks are the interpreter's own (BlockCache),
// cut where the interpreter cuts them, so the boundaries at which the run
// checks its budget, interrupts and the timer are the same ones.
//
// Shape of the emitted function (pseudocode):
//
//   region(h, blk):
//     BL, BH = pc's page (pair); B = the same as a number; off = pc & 0xfff
//     loop:
//       switch off:
//         case <block start>: pc := BL|start; <instructions>; retire n; off := next
//         ...
//         default: pc := B + off; exit LEAVE          (not a block of this region)
//       if steps >= h.runEnd: pc := B + off; exit BUDGET
//       if irq dirty or cycle >= next timer: exit IRQ  (Hart.run checks them)
//       if the page was written, translation changed or a device stopped: exit STALE
//
// Everything the interpreter would do between two blocks that compiled code
// cannot do itself (checkInterrupts, fetch, wfi, a device's stop) is an exit.

import { REC, X0_SINK } from '../../isa/decode.js';
import { Op } from '../../isa/table.js';
import type { Block, BlockCache } from '../blocks.js';
import { S, T } from '../layout.js';
import { emitInsn, FLUSH, pcNum, Exit, type Insn } from './emit.js';

/** How many blocks one region may hold (a page of dense code has a few dozen). */
export const MAX_REGION_BLOCKS = 64;
/**
 * How many instructions: V8 optimises no function whose bytecode passes
 * 60 KB (--max-optimized-bytecode-size), and an unoptimised region runs
 * slower than the interpreter; and TurboFan takes longer (seconds, on a loaded
 * machine) the larger the region. 32 was best of 16..256 in bench:jit (docs/jit.md).
 */
export const MAX_REGION_INSNS = 32;

export interface RegionCode {
  /** Page offsets of the region's blocks, the entry first. */
  offs: number[];
  blocks: Block[];
  /** The function body (the library's names are its parameters: see jit.ts). */
  source: string;
}

/** Instruction i of a block, its decoded record's fields by name. */
export function insnAt(blk: Block, i: number): Insn {
  const r = blk.recs, b = i * REC;
  return { op: r[b], d: r[b + 1], s1: r[b + 2], s2: r[b + 3], imm: r[b + 4], s3: r[b + 5], rm: r[b + 6], len: r[b + 7], raw: blk.raw[i] };
}

/** Page offsets of each instruction of a block starting at page offset o. */
export function offsets(blk: Block, o: number): number[] {
  const out: number[] = [];
  for (let i = 0, a = o; i < blk.n; a += blk.recs[i * REC + 7], i++) out.push(a);
  return out;
}

export const isBranch = (op: Op) => op >= Op.BEQ && op <= Op.BGEU;

/** Where control may go after the block, as page offsets (in the page or not); none for jalr and system instructions. */
function successors(blk: Block, o: number): number[] {
  const os = offsets(blk, o), last = insnAt(blk, blk.n - 1), at = os[blk.n - 1], next = at + last.len;
  if (last.op === Op.JAL) return [at + last.imm];
  if (isBranch(last.op)) return [at + last.imm, next];
  if (last.op === Op.JALR || last.op === Op.ILLEGAL || (last.op >= Op.ECALL && last.op <= Op.CSRRCI)) return [];
  return [next]; // fence.i, or a block cut at 64 instructions or at the page end
}

/**
 * A region's bounds: instructions and blocks; `wholePage` also takes every
 * other block decoded in the page that has run at least `warm` times (not
 * code that ran once, such as start-up); `near` also takes the warm blocks
 * of up to that many virtual pages on either side of the entry's (a loop or
 * a call that crosses a page boundary then stays in compiled code).
 */
export interface RegionCaps { insns: number; blocks: number; wholePage: boolean; warm: number; near: number }
/** The JavaScript backend's (see MAX_REGION_INSNS). */
export const JS_CAPS: RegionCaps = { insns: MAX_REGION_INSNS, blocks: MAX_REGION_BLOCKS, wholePage: false, warm: 0, near: 0 };

/**
 * The blocks of a region. Its pages are consecutive virtual pages (a window),
 * `pages[i]` the RAM page (number) of the window's i-th page, -1 where it
 * takes none; `offs` are offsets in the window (page index * 4096 + page
 * offset), the entry first. A page other than the one a run enters by is
 * only run while its translation is still the one it was compiled from
 * (wasm.ts checks the fetch TLB).
 */
export interface Chosen { offs: number[]; blocks: Block[]; pages: number[] }

/**
 * Chooses the blocks of the region rooted at `entry` (RAM offset `ramOff`),
 * breadth first over successors inside the page; then, with
 * `caps.wholePage`, the page's other decoded blocks (the targets of its
 * indirect jumps: a switch's cases, a return into a caller); then, with
 * `caps.near`, the warm blocks of the pages `ramPage(d)` gives for the
 * virtual pages d = ±1..±near from the entry's (undefined: not mapped for
 * fetch now). Successors are decoded through the cache (so a store to them
 * invalidates the region like any other decoded code). A successor at 0xffe
 * may straddle the page: never included.
 */
export function selectBlocks(cache: BlockCache, entry: Block, ramOff: number, caps: RegionCaps = JS_CAPS,
  ramPage?: (d: number) => number | undefined): Chosen {
  const page = ramOff & ~0xfff;
  const offs = [ramOff & 0xfff], blocks = [entry];
  let insns = entry.n;
  const add = (s: number, b: Block) => {
    if (b.n === 0 || !b.live || insns + b.n > caps.insns) return;
    insns += b.n;
    offs.push(s); blocks.push(b);
  };
  for (let k = 0; k < blocks.length && blocks.length < caps.blocks; k++) {
    for (const s of successors(blocks[k], offs[k])) {
      if (s < 0 || s > 0xffc || offs.includes(s) || blocks.length >= caps.blocks) continue;
      add(s, cache.get(page | s) ?? cache.build(page | s));
    }
  }
  if (caps.wholePage) {
    const have = new Set(offs);
    for (const s of cache.decodedIn(page >>> 12)) {
      if (blocks.length >= caps.blocks) break;
      const b = cache.get(page | s)!;
      if (!have.has(s) && b.hot >= caps.warm && b.fn === undefined) add(s, b); // not code another region already runs
    }
  }
  // The window: d = 0 is the entry's page; near pages in order of distance, each RAM page once.
  const byD = new Map<number, number>([[0, page >>> 12]]);
  if (ramPage !== undefined) {
    for (let k = 1; k <= caps.near; k++) {
      for (const d of [k, -k]) {
        const rp = ramPage(d);
        if (rp === undefined || [...byD.values()].includes(rp)) continue;
        const before = blocks.length;
        for (const s of cache.decodedIn(rp)) {
          if (blocks.length >= caps.blocks) break;
          const b = cache.get((rp << 12) | s)!;
          if (b.hot >= caps.warm) add(d * 4096 + s, b); // code another region runs too: this one may come here by a branch
        }
        if (blocks.length > before) byD.set(d, rp);
      }
    }
  }
  const lo = Math.min(...byD.keys()), hi = Math.max(...byD.keys());
  const pages = new Array<number>(hi - lo + 1).fill(-1);
  for (const [d, rp] of byD) pages[d - lo] = rp;
  return { offs: offs.map((o) => o - lo * 4096), blocks, pages };
}

/** The code of one block: its instructions, then where it goes. */
function blockCode(blk: Block, o: number, index: Map<number, number>): string {
  const os = offsets(blk, o), n = blk.n, out = [`case ${index.get(o)}: {`];
  const go = (to: number) => `off = ${to}; k = ${index.get(to) ?? 0};`;
  for (let i = 0; i < n - 1; i++) out.push(emitInsn(insnAt(blk, i), i, os[i], o));
  const last = insnAt(blk, n - 1), at = os[n - 1], next = at + last.len, retire = `pend += ${n}; left -= ${n};`;
  if (last.op === Op.JAL) {
    out.push(`${link(last.d, next)} ${retire} ${go(at + last.imm)}`);
  } else if (isBranch(last.op)) {
    out.push(`${retire} if (${condOf(last)}) { ${go(at + last.imm)} } else { ${go(next)} }`);
  } else if (last.op === Op.JALR) {
    out.push(`{ const al = x[${last.s1}], lo = ((al + ${last.imm}) | 0) & ~1, hi = addHi(al, x[${last.s1 + 1}], ${last.imm}, (al + ${last.imm}) | 0);`,
      `${link(last.d, next)} ${retire}`,
      `if (hi === BH && (lo & -4096) === BL) { off = lo & 4095; k = IDX[off >> 1]; } else { st[${S.PC}] = lo; st[${S.PC + 1}] = hi; ${FLUSH} E[${Exit.LEAVE}]++; return; } }`);
  } else if (last.op === Op.FENCE_I) {
    out.push(`${retire} ${go(next)}`);
  } else {
    out.push(emitInsn(last, n - 1, at, o)); // a system instruction returns; anything else falls through
    out.push(`${retire} ${go(next)}`);
  }
  out.push('break; }');
  return out.join('\n');
}

/** jal/jalr's link: pc + length into rd (nothing for x0, whose writes go to the sink). */
function link(d: number, next: number): string {
  return d === X0_SINK ? '' : `setNum(x, ${d}, B + ${next});`;
}

function condOf(n: Insn): string {
  const a = `x[${n.s1}], x[${n.s1 + 1}], x[${n.s2}], x[${n.s2 + 1}]`;
  switch (n.op) {
    case Op.BEQ: return `(x[${n.s1}] === x[${n.s2}] && x[${n.s1 + 1}] === x[${n.s2 + 1}])`;
    case Op.BNE: return `(x[${n.s1}] !== x[${n.s2}] || x[${n.s1 + 1}] !== x[${n.s2 + 1}])`;
    case Op.BLT: return `lt64(${a})`;
    case Op.BGE: return `!lt64(${a})`;
    case Op.BLTU: return `ltu64(${a})`;
    default: return `!ltu64(${a})`;
  }
}

/** The source of the region function over the chosen blocks (see the pseudocode above). */
export function regionSource(offs: number[], blocks: Block[]): { source: string; index: Uint8Array } {
  // Blocks are numbered 1..n so the switch is dense (a jump table); IDX maps a page offset / 2 to its number, 0 for none.
  const index = new Map(offs.map((o, k) => [o, k + 1]));
  const idx = new Uint8Array(2048);
  offs.forEach((o, k) => { idx[o >> 1] = k + 1; });
  const exit = (reason: Exit) => `{ ${FLUSH} ${pcNum('B + off')} E[${reason}]++; return; }`;
  const steps = `t[${T.INSTRET}] + t[${T.TRAPS}]`, room = `Math.min(end - (${steps}), t[${T.NEXT_TIMER}] - t[${T.CYCLE}])`;
  const source = [
    `'use strict';`,
    'return function region(h, blk) {',
    `const x = h.x, f = h.f, st = h.s, t = h.t, end = h.runEnd, ep = h.epoch, bus = h.bus;`,
    'const ram8 = bus.ram8, ram16 = bus.ram16, ram32 = bus.ram32, hooks = bus.hooks, TI = false, J = undefined, R = undefined;',
    'const rtag = h.rTlb.tag, rhi = h.rTlb.hi, roff = h.rTlb.off, wtag = h.wTlb.tag, whi = h.wTlb.hi, woff = h.wTlb.off;',
    `const BL = st[${S.PC}] & -4096, BH = st[${S.PC + 1}], B = BH * 4294967296 + (BL >>> 0);`,
    // pend: retired but not yet added to the counters; left: steps before the budget ends or the timer
    // is due; chk: a slow path ran (it may have raised an interrupt, written code or stopped the run).
    `let off = st[${S.PC}] & 4095, k = IDX[off >> 1], pend = 0, left = 0, chk = 1;`,
    'for (;;) {',
    'switch (k) {',
    ...blocks.map((b, k) => blockCode(b, offs[k], index)),
    `default: ${exit(Exit.LEAVE)}`,
    '}',
    `if (left <= 0 || chk !== 0) {`,
    FLUSH,
    `if (${steps} >= end) ${exit(Exit.BUDGET)}`,
    `if (st[${S.IRQ_DIRTY}] !== 0 || t[${T.CYCLE}] >= t[${T.NEXT_TIMER}]) ${exit(Exit.IRQ)}`,
    `if (!blk.live || h.epoch !== ep || h.stop !== undefined) ${exit(Exit.STALE)}`,
    `chk = 0; left = ${room};`,
    '}',
    '}',
    '};',
  ].join('\n');
  return { source, index: idx };
}
