// The measurement behind docs/jit.md's choice: one hot RV64I loop (a
// 12-instruction hash over a 2 KiB window of one page, every value 64-bit)
// run four ways, from the same state, for the same number of instructions,
// and required to end in the same registers and RAM:
//
//   interp  lde's interpreter (Hart.run, execBlock)
//   js      lde's JIT (src/machine/jit: the region compiled by new Function)
//   wasm    a prototype: the same block hand-emitted as a WebAssembly module,
//           registers in i64 locals, guest RAM in a WebAssembly.Memory, an
//           inline TLB hit check per access (tag compare in a table in that
//           memory), the budget counted per block, state copied in and out
//           once per call (outside the timing; the real design keeps it there)
//
// It also times compiling the block each way. A benchmark: nothing asserted
// about time. Usage: node dist/bench/jit-proto.js [million-instructions]

import { Bus } from '../src/machine/bus.js';
import { Hart } from '../src/machine/hart.js';
import { REC, decodeInto } from '../src/isa/decode.js';
import { Op } from '../src/isa/table.js';
import * as A from '../test/helpers/asm.js';
import { encode } from '../test/helpers/asm.js';

const RAM = 0x80000000, MEM = 1 << 20, DATA = RAM + 0x10000, N_INSNS = 12;

/** x10 = DATA window base, x12 = index, x13 = DATA, x11 = iterations left; x5..x9 the hash. */
const PROGRAM = [
  A.ld(5, 10, 0), A.add(6, 6, 5), A.xor(7, 7, 6), A.slli(8, 7, 13), A.srli(9, 7, 7),
  A.add(6, 8, 9), A.sd(6, 10, 8), A.addi(12, 12, 16), A.andi(12, 12, 0x7f0), A.add(10, 13, 12),
  A.addi(11, 11, -1), A.bne(11, 0, -44),
];

interface Board { bus: Bus; hart: Hart }

/** A bus and one hart (no devices: the loop needs none). */
function board(iterations: number): Board {
  const bus = new Bus(MEM), b = { bus, hart: new Hart(bus) };
  b.bus.load(RAM, encode(PROGRAM));
  for (let i = 0; i < 4096; i++) b.bus.phys.write8(DATA + i, (i * 37) & 0xff);
  const h = b.hart, set = (r: number, v: number) => { h.x[2 * r] = v | 0; h.x[2 * r + 1] = Math.floor(v / 2 ** 32) | 0; };
  set(10, DATA); set(13, DATA); set(11, iterations); set(12, 0); set(6, 0x1234567); set(7, 99);
  h.pc = RAM;
  return b;
}

function state(b: Board): string {
  return Array.from(b.hart.x.subarray(0, 64)).join(',') + ' ' + Buffer.from(b.bus.ram8.subarray(DATA - RAM, DATA - RAM + 4096)).toString('base64');
}

function timeRun(b: Board, steps: number): number {
  const t0 = process.hrtime.bigint();
  while (b.hart.instret < steps) b.hart.run(steps - b.hart.instret);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// ---- the WebAssembly prototype -------------------------------------------

const uleb = (v: number): number[] => { const o: number[] = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; o.push(b); } while (v); return o; };
function sleb(v: bigint): number[] {
  const o: number[] = [];
  for (;;) { const b = Number(v & 0x7fn); v >>= 7n; if ((v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); }
}
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const str = (s: string) => [...uleb(s.length), ...Buffer.from(s)];

const I64 = 0x7e, I32 = 0x7f;
const W = { get: 0x20, set: 0x21, tee: 0x22, i64c: 0x42, i32c: 0x41, add: 0x7c, sub: 0x7d, and: 0x83, or: 0x84, xor: 0x85, shl: 0x86, shrU: 0x88, ne: 0x52, eq: 0x51,
  wrap: 0xa7, ld64: 0x29, st64: 0x37, block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, ret: 0x0f, i32sub: 0x6b, i32gt: 0x4a, i32le: 0x4c, extU: 0xad };
/** Memory layout of the prototype: guest RAM at 0, then the registers (32 x i64), then a 64-entry TLB (tag i64, offset i64). */
const REGS = MEM, TLB = MEM + 256;

/**
 * Emits the block as `run(budget: i32) -> i32 (instructions retired)`: locals
 * r0..r31 (i64) loaded from REGS; loop { body; left -= n; if left <= 0 or the
 * branch falls through: store the registers, return }. A load or store
 * checks the TLB entry for its page and its alignment; on a miss it returns
 * -1 (an exit; the prototype's TLB is filled, so it never misses).
 */
function wasmModule(recs: Int32Array, n: number): Uint8Array {
  const c: number[] = [];
  const reg = (i: number) => i / 2; // record fields are pair indices
  const get = (r: number) => (r === 0 ? [W.i64c, 0] : [W.get, 1 + r]), set = (r: number) => (r === 0 || r === 32 ? [0x1a] : [W.set, 1 + r]);
  // locals: 0 = budget (param), 1..32 = x0..x31 (x0 unused), 33 = retired (i32), 34 = the TLB entry (i32), 35 = the address (i64)
  const ENTRY = 34, ADDR = 35;
  for (let r = 1; r < 32; r++) c.push(W.i32c, ...sleb(BigInt(REGS + 8 * r)), W.ld64, 3, 0, W.set, 1 + r);
  const addr = (b: number, imm: number, align: number) => [
    ...get(b), W.i64c, ...sleb(BigInt(imm)), W.add, W.tee, ADDR,
    // hit: tag[(addr >> 12) & 63] == addr >> 12 and aligned; else exit -1
    W.i64c, 12, W.shrU, W.i64c, 63, W.and, W.i64c, 4, W.shl, W.wrap, W.i32c, ...sleb(BigInt(TLB)), 0x6a, 0x21, ENTRY,
    W.get, ENTRY, W.ld64, 3, 0, W.get, ADDR, W.i64c, 12, W.shrU, W.ne, W.get, ADDR, W.i64c, align, W.and, 0x50, 0x45, 0x72, W.if, 0x40, W.i32c, ...sleb(-1n), W.ret, W.end,
    W.get, ENTRY, W.ld64, 3, 8, W.get, ADDR, W.i64c, ...sleb(0xfffn), W.and, W.add, W.wrap,
  ];
  c.push(W.loop, 0x40);
  for (let i = 0; i < n; i++) {
    const b = i * REC, op = recs[b], d = reg(recs[b + 1]), s1 = reg(recs[b + 2]), s2 = reg(recs[b + 3]), imm = recs[b + 4];
    const bin = (o: number) => c.push(...get(s1), ...get(s2), o, ...set(d));
    switch (op) {
      case Op.ADD: bin(W.add); break;
      case Op.XOR: bin(W.xor); break;
      case Op.ADDI: c.push(...get(s1), W.i64c, ...sleb(BigInt(imm)), W.add, ...set(d)); break;
      case Op.ANDI: c.push(...get(s1), W.i64c, ...sleb(BigInt(imm)), W.and, ...set(d)); break;
      case Op.SLLI: c.push(...get(s1), W.i64c, ...sleb(BigInt(imm)), W.shl, ...set(d)); break;
      case Op.SRLI: c.push(...get(s1), W.i64c, ...sleb(BigInt(imm)), W.shrU, ...set(d)); break;
      case Op.LD: c.push(...addr(s1, imm, 7), W.ld64, 3, 0, ...set(d)); break;
      case Op.SD: c.push(...addr(s1, imm, 7), ...get(s2), W.st64, 3, 0); break;
      case Op.BNE: // retire the block, stop when the budget is used up, loop while taken
        c.push(W.get, 33, W.i32c, n, 0x6a, W.set, 33, W.get, 0, W.i32c, n, W.i32sub, W.tee, 0, W.i32c, 0, W.i32gt,
          ...get(s1), ...get(s2), W.ne, 0x71, W.brIf, 0);
        break;
      default: throw new Error(`prototype: op ${op} not translated`);
    }
  }
  c.push(W.end);
  for (let r = 1; r < 32; r++) c.push(W.i32c, ...sleb(BigInt(REGS + 8 * r)), W.get, 1 + r, W.st64, 3, 0);
  c.push(W.get, 33, W.end);
  const locals = [...uleb(3), ...uleb(32), I64, ...uleb(2), I32, ...uleb(1), I64];
  const body = [...locals, ...c];
  return Uint8Array.from([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, 1, I32, 1, I32]])),
    ...section(2, vec([[...str('e'), ...str('m'), 2, 0, ...uleb(MEM / 65536 + 1)]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str('run'), 0, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

function runWasm(iterations: number, steps: number): { secs: number; compileMs: number; out: string } {
  const mem = new WebAssembly.Memory({ initial: MEM / 65536 + 1, maximum: MEM / 65536 + 1 });
  const b = board(iterations);
  new Uint8Array(mem.buffer).set(b.bus.ram8); // the prototype's own memory: RAM copied in and out, outside the timing
  const recs = new Int32Array(N_INSNS * REC);
  for (let i = 0; i < N_INSNS; i++) decodeInto(PROGRAM[i], recs, i * REC);
  const t0 = process.hrtime.bigint();
  const mod = new WebAssembly.Module(wasmModule(recs, N_INSNS) as Uint8Array<ArrayBuffer>);
  const inst = new WebAssembly.Instance(mod, { e: { m: mem } });
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const run = inst.exports.run as (budget: number) => number;
  const dv = new DataView(mem.buffer);
  for (let r = 0; r < 32; r++) { dv.setInt32(REGS + 8 * r, b.hart.x[2 * r], true); dv.setInt32(REGS + 8 * r + 4, b.hart.x[2 * r + 1], true); }
  const page = BigInt(DATA) >> 12n;
  dv.setBigUint64(TLB + Number(page & 63n) * 16, page, true); dv.setBigUint64(TLB + Number(page & 63n) * 16 + 8, BigInt((DATA - RAM) & ~0xfff), true);
  const t1 = process.hrtime.bigint();
  let done = 0;
  while (done < steps) { const k = run(Math.min(1 << 22, steps - done)); if (k < 0) throw new Error('prototype: TLB miss'); done += k; }
  const secs = Number(process.hrtime.bigint() - t1) / 1e9;
  for (let r = 0; r < 32; r++) { b.hart.x[2 * r] = dv.getInt32(REGS + 8 * r, true); b.hart.x[2 * r + 1] = dv.getInt32(REGS + 8 * r + 4, true); }
  b.bus.ram8.set(new Uint8Array(mem.buffer, 0, MEM));
  return { secs, compileMs, out: state(b) };
}

function main(): void {
  const millions = Number(process.argv[2] ?? 60), steps = Math.floor(millions * 1e6 / N_INSNS) * N_INSNS, iterations = steps / N_INSNS + 1;
  const rows: [string, number, string, string][] = [];
  const interp = board(iterations);
  rows.push(['interp', timeRun(interp, steps), state(interp), '']);
  const js = board(iterations);
  const t0 = process.hrtime.bigint();
  js.hart.setJit({ threshold: 0 });
  js.hart.run(N_INSNS); // compiles the region and runs it once
  const jsCompile = Number(process.hrtime.bigint() - t0) / 1e6;
  rows.push(['js', timeRun(js, steps), state(js), `${jsCompile.toFixed(2)} ms (new Function, first call; V8 optimises later, off the main thread)`]);
  const w = runWasm(iterations, steps);
  rows.push(['wasm', w.secs, w.out, `${w.compileMs.toFixed(2)} ms (new WebAssembly.Module + Instance)`]);
  console.log(`lde jit prototype: ${(steps / 1e6).toFixed(0)} M instructions of a ${N_INSNS}-instruction loop; node ${process.version}`);
  for (const [name, secs, out, note] of rows) {
    const same = out === rows[0][2] ? 'same state' : 'DIFFERENT STATE';
    console.log(`${name.padEnd(8)} ${(steps / secs / 1e6).toFixed(1).padStart(8)} MIPS  ${same}  ${note}`);
  }
}

main();
