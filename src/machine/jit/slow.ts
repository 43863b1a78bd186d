// The WebAssembly backend's slow paths for loads and stores: one function
// each per hart, called with the instruction's fields, instead of a
// template per instruction in the region's helper (most of a region's
// instructions are loads and stores, and their templates were most of its
// compile time). Each does exactly what emit.ts's template for the
// instruction does once its TLB hit path has failed: the FS guard of an FP
// access, pc := the block's start, the access through mem.ts (which may
// walk, reach MMIO, invalidate code or fault), and on a fault pc := the
// instruction, its block's earlier instructions retired, and the trap.
// Returns 0 when it took a trap (the exit is counted), 2 when the region
// went stale (region.ts), else 1.

import type { Hart } from '../hart.js';
import { Op } from '../../isa/table.js';
import { mem, loadOp, load32, load64, store8, store16, store32, store64 } from '../mem.js';
import { illegal } from '../exec.js';
import { S, T } from '../layout.js';
import { St } from '../csr.js';
import { Exit } from './emit.js';

/** What the slow paths need of the Jit: whether the running region is still good, and the exit counters. */
export interface SlowCtx { fresh(): boolean; readonly exits: Float64Array }

const TWO32 = 4294967296;
const isFp = (op: Op) => op === Op.FLW || op === Op.FLD || op === Op.FSW || op === Op.FSD;

/** FS off: the illegal-instruction trap, as emit.ts's guard takes it. */
function fsOff(h: Hart, j: SlowCtx, i: number, pc: number, raw: number): number {
  const t = h.t;
  t[T.CYCLE] += i; t[T.INSTRET] += i;
  illegal(h, pc, raw);
  j.exits[Exit.TRAP]++;
  return 0;
}

/** After the access: the trap it recorded (pc := the instruction at page offset o), or 1/2. */
function after(h: Hart, j: SlowCtx, i: number, o: number, bl: number, bh: number): number {
  const st = h.s;
  if (st[S.EXC] !== 0) {
    st[S.PC] = bl | o; st[S.PC + 1] = bh;
    h.t[T.CYCLE] += i; h.t[T.INSTRET] += i;
    h.raise();
    j.exits[Exit.TRAP]++;
    return 0;
  }
  return j.fresh() ? 1 : 2;
}

/** The two imports: load(op, d, lo, hi, i, start, o, bl, bh, raw) and store(op, s2, ...). */
export function slowAccess(h: Hart, j: SlowCtx): { load: (...a: number[]) => number; store: (...a: number[]) => number } {
  const st = h.s;
  const load = (op: Op, d: number, lo: number, hi: number, i: number, start: number, o: number, bl: number, bh: number, raw: number): number => {
    const fp = isFp(op);
    if (fp && (st[S.MSTATUS] & St.FS) === 0) return fsOff(h, j, i, bh * TWO32 + (bl >>> 0) + o, raw);
    st[S.PC] = bl | start; st[S.PC + 1] = bh;
    let v: number, vh: number;
    if (op === Op.FLW) { v = load32(h, lo, hi); vh = -1; } else if (op === Op.FLD) { v = load64(h, lo, hi); vh = mem.hi; } else { v = loadOp(h, op, lo, hi); vh = mem.hi; }
    const r = after(h, j, i, o, bl, bh);
    if (r === 0) return 0;
    const file = fp ? h.f : h.x;
    file[d] = v; file[d + 1] = vh;
    if (fp) st[S.MSTATUS] |= St.FS;
    return r;
  };
  const store = (op: Op, s2: number, lo: number, hi: number, i: number, start: number, o: number, bl: number, bh: number, raw: number): number => {
    const fp = isFp(op);
    if (fp && (st[S.MSTATUS] & St.FS) === 0) return fsOff(h, j, i, bh * TWO32 + (bl >>> 0) + o, raw);
    const file = fp ? h.f : h.x, a = file[s2], b = file[s2 + 1];
    st[S.PC] = bl | start; st[S.PC + 1] = bh;
    switch (op) {
      case Op.SB: store8(h, lo, hi, a); break;
      case Op.SH: store16(h, lo, hi, a); break;
      case Op.SW: case Op.FSW: store32(h, lo, hi, a); break;
      default: store64(h, lo, hi, a, b); break; // SD, FSD
    }
    return after(h, j, i, o, bl, bh);
  };
  return { load, store };
}
