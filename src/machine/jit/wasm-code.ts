// A small WebAssembly binary writer: the opcodes jit/wasm.ts uses, structured
// control with named labels (a branch names the block it leaves, and the
// writer turns that into the relative depth the binary format wants), and
// the module around one function. Format: the WebAssembly core specification
// 2.0, chapter 5 ("Binary Format"): LEB128 integers (5.2.2), instructions
// (5.4), sections (5.5).

/** Value types (5.3.1). */
export const enum Ty { I32 = 0x7f, I64 = 0x7e, F64 = 0x7c, VOID = 0x40 }

/** The opcodes used (5.4). */
export const enum W {
  BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR = 0x0c, BR_IF = 0x0d,
  BR_TABLE = 0x0e, CALL = 0x10, SELECT = 0x1b,
  LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22,
  I32_LOAD = 0x28, I64_LOAD = 0x29, F64_LOAD = 0x2b, I32_LOAD8_U = 0x2d, I64_LOAD8_S = 0x30, I64_LOAD8_U = 0x31,
  I64_LOAD16_S = 0x32, I64_LOAD16_U = 0x33, I64_LOAD32_S = 0x34, I64_LOAD32_U = 0x35,
  I32_STORE = 0x36, I64_STORE = 0x37, F64_STORE = 0x39, I64_STORE8 = 0x3c, I64_STORE16 = 0x3d, I64_STORE32 = 0x3e,
  I32_CONST = 0x41, I64_CONST = 0x42, F64_CONST = 0x44,
  I32_EQZ = 0x45, I32_EQ = 0x46, I32_NE = 0x47, I32_LT_U = 0x49, I32_LE_S = 0x4c,
  I64_EQZ = 0x50, I64_EQ = 0x51, I64_NE = 0x52, I64_LT_S = 0x53, I64_LT_U = 0x54, I64_GE_S = 0x59, I64_GE_U = 0x5a,
  I64_GT_S = 0x55, I64_GT_U = 0x56, I64_LE_S = 0x57, I64_LE_U = 0x58,
  F64_EQ = 0x61, F64_NE = 0x62, F64_LT = 0x63, F64_GT = 0x64, F64_LE = 0x65, F64_GE = 0x66,
  I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c,
  I32_AND = 0x71, I32_OR = 0x72, I32_XOR = 0x73, I32_SHL = 0x74, I32_SHR_S = 0x75, I32_SHR_U = 0x76,
  I64_ADD = 0x7c, I64_SUB = 0x7d, I64_MUL = 0x7e, I64_DIV_S = 0x7f, I64_DIV_U = 0x80, I64_REM_S = 0x81, I64_REM_U = 0x82,
  I64_AND = 0x83, I64_OR = 0x84, I64_XOR = 0x85, I64_SHL = 0x86, I64_SHR_S = 0x87, I64_SHR_U = 0x88,
  F64_ABS = 0x99, F64_NEG = 0x9a, F64_CEIL = 0x9b, F64_FLOOR = 0x9c, F64_TRUNC = 0x9d, F64_NEAREST = 0x9e, F64_SQRT = 0x9f,
  F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2, F64_DIV = 0xa3, F64_MIN = 0xa4, F64_MAX = 0xa5,
  I32_WRAP_I64 = 0xa7, I32_TRUNC_F64_S = 0xaa, I32_TRUNC_F64_U = 0xab, I64_EXTEND_I32_S = 0xac, I64_EXTEND_I32_U = 0xad,
  I64_TRUNC_F64_S = 0xb0, I64_TRUNC_F64_U = 0xb1, F64_CONVERT_I32_S = 0xb7, F64_CONVERT_I32_U = 0xb8,
  F64_CONVERT_I64_S = 0xb9, F64_CONVERT_I64_U = 0xba, I64_REINTERPRET_F64 = 0xbd, F64_REINTERPRET_I64 = 0xbf,
}

const RETURN_CALL_INDIRECT = 0x13;

/** A growing byte buffer (a region's code is tens of KB: pushing numbers into an array and copying it was most of the compile time). */
export class Bytes {
  private buf = new Uint8Array(4096);
  length = 0;
  push(...bytes: number[]): void { for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]); }
  byte(v: number): void {
    if (this.length === this.buf.length) { const bigger = new Uint8Array(this.buf.length * 2); bigger.set(this.buf); this.buf = bigger; }
    this.buf[this.length++] = v;
  }
  append(more: Bytes): void {
    while (this.length + more.length > this.buf.length) { const bigger = new Uint8Array(this.buf.length * 2); bigger.set(this.buf); this.buf = bigger; }
    this.buf.set(more.bytes(), this.length);
    this.length += more.length;
  }
  bytes(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** unsigned LEB128 (5.2.2). */
export function uleb(out: Bytes, v: number): void {
  do { let b = v & 0x7f; v = Math.floor(v / 128); if (v !== 0) b |= 0x80; out.byte(b); } while (v !== 0);
}

/** signed LEB128 of a 32-bit integer. */
function sleb32(out: Bytes, v: number): void {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.byte(b); return; }
    out.byte(b | 0x80);
  }
}

/** signed LEB128 of a 64-bit integer given as (lo, hi) int32 words. */
function sleb64(out: Bytes, lo: number, hi: number): void {
  for (;;) {
    const b = lo & 0x7f;
    lo = (lo >>> 7) | (hi << 25); hi >>= 7; // arithmetic shift right by 7 of the pair
    const rest0 = lo === 0 && hi === 0, rest1 = lo === -1 && hi === -1;
    if ((rest0 && (b & 0x40) === 0) || (rest1 && (b & 0x40) !== 0)) { out.byte(b); return; }
    out.byte(b | 0x80);
  }
}

/** Labels only slow paths and exits branch to: a `br_if` to one is hinted unlikely. */
const COLD = new Set(['slow', 'fslow', 'check']);

/** One function body under construction, with a stack of named labels. */
export class Code {
  readonly b = new Bytes();
  /** The open labels, innermost last; and where each name is open (a name may be reused once closed). */
  private depthNow = 0;
  private readonly labels: string[] = [];
  private readonly at = new Map<string, number[]>();

  op(...ops: number[]): this { for (let i = 0; i < ops.length; i++) this.b.byte(ops[i]); return this; }
  i32(v: number): this { this.b.push(W.I32_CONST); sleb32(this.b, v); return this; }
  /** i64.const of a value that fits an int32, sign-extended. */
  i64(v: number): this { this.b.push(W.I64_CONST); sleb64(this.b, v | 0, v >> 31); return this; }
  /** i64.const of the 64-bit value (lo, hi). */
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    this.b.push(W.F64_CONST);
    for (const x of b) this.b.byte(x);
    return this;
  }
  i64w(lo: number, hi: number): this { this.b.push(W.I64_CONST); sleb64(this.b, lo | 0, hi | 0); return this; }
  /** i64.const of any JS integer exact in a double (|v| < 2^53). */
  i64n(v: number): this {
    const lo = v % 4294967296;
    this.b.push(W.I64_CONST); sleb64(this.b, lo | 0, Math.floor(v / 4294967296) | 0);
    return this;
  }
  get(l: number): this { this.b.push(W.LOCAL_GET); uleb(this.b, l); return this; }
  set(l: number): this { this.b.push(W.LOCAL_SET); uleb(this.b, l); return this; }
  tee(l: number): this { this.b.push(W.LOCAL_TEE); uleb(this.b, l); return this; }
  /** A load or store with its memory argument (alignment log2, constant offset). */
  mem(o: W, align: number, offset: number): this { this.b.push(o, align); uleb(this.b, offset); return this; }
  call(fn: number): this { this.b.push(W.CALL); uleb(this.b, fn); return this; }
  /** A tail call through table 0 to a function of type `type` (the tail-call proposal, in WebAssembly 3.0: return_call_indirect). */
  returnCallIndirect(type: number): this { this.b.byte(RETURN_CALL_INDIRECT); uleb(this.b, type); this.b.byte(0); return this; }

  private open(kind: W, label: string, type: Ty = Ty.VOID): this {
    this.b.byte(kind); this.b.byte(type);
    this.labels.push(label);
    let list = this.at.get(label);
    if (list === undefined) this.at.set(label, list = []);
    list.push(this.depthNow++);
    return this;
  }
  block(label: string): this { return this.open(W.BLOCK, label); }
  loop(label: string): this { return this.open(W.LOOP, label); }
  if(label = ''): this { return this.open(W.IF, label); }
  else(): this { this.b.byte(W.ELSE); return this; }
  end(): this {
    this.b.byte(W.END);
    this.at.get(this.labels.pop()!)!.pop();
    this.depthNow--;
    return this;
  }
  private depth(label: string): number {
    const list = this.at.get(label);
    if (list === undefined || list.length === 0) throw new Error(`wasm: no label ${label}`);
    return this.depthNow - 1 - list[list.length - 1];
  }
  /** True while a label of that name is open (a branch may name it). */
  isOpen(label: string): boolean { return (this.at.get(label)?.length ?? 0) > 0; }
  br(label: string): this { this.b.byte(W.BR); uleb(this.b, this.depth(label)); return this; }
  brIf(label: string): this {
    if (COLD.has(label)) this.hints.push(this.b.length);
    this.b.byte(W.BR_IF); uleb(this.b, this.depth(label)); return this;
  }
  /** An `if` whose body rarely runs (a slow path, an exit): hinted so (the branch-hinting proposal). */
  ifCold(): this { this.hints.push(this.b.length); return this.if(); }
  /** Offsets in the body of the branches hinted unlikely: a `br_if` to a COLD label, or an ifCold. */
  readonly hints: number[] = [];
  /**
   * Branches to targets[i] for the i32 i in `local` (dflt past the end). A
   * dense table is one br_table; a sparse one (a region's blocks are a few
   * dozen halfword offsets out of a page's two thousand) becomes a binary
   * search of compares: V8's optimising compiler builds a node per br_table
   * entry, and two tables of 800 and 1,300 entries were half of the 40 ms it
   * spent on one region.
   */
  dispatch(local: number, targets: string[], dflt: string): this {
    const entries: [number, string][] = [];
    targets.forEach((t, i) => { if (t !== dflt) entries.push([i, t]); });
    if (targets.length <= 64 || entries.length * 4 > targets.length) return this.get(local).brTable(targets, dflt);
    const search = (es: [number, string][]): void => {
      if (es.length <= 3) {
        for (const [i, t] of es) this.get(local).i32(i).op(W.I32_EQ).brIf(t);
        this.br(dflt);
        return;
      }
      const mid = es.length >> 1;
      this.get(local).i32(es[mid][0]).op(W.I32_LT_U).if();
      search(es.slice(0, mid));
      this.else();
      search(es.slice(mid));
      this.end();
    };
    search(entries);
    return this;
  }

  brTable(targets: string[], dflt: string): this {
    this.b.byte(W.BR_TABLE); uleb(this.b, targets.length);
    for (const t of targets) uleb(this.b, this.depth(t));
    uleb(this.b, this.depth(dflt));
    return this;
  }
}

function section(out: Bytes, id: number, body: Bytes): void { out.byte(id); uleb(out, body.length); out.append(body); }
function name(out: Bytes, n: string): void { uleb(out, n.length); for (let i = 0; i < n.length; i++) out.byte(n.charCodeAt(i)); }
function funcType(out: Bytes, params: Ty[], results: Ty[]): void {
  out.byte(0x60); uleb(out, params.length); out.push(...params); uleb(out, results.length); out.push(...results);
}

export interface ModuleSpec {
  /** The imported memory's size in 64 KiB pages (initial = maximum). */
  pages: number;
  /** Imported functions "e"."f0", "e"."f1", ...: their signatures (they are function indices 0..n-1). */
  imports: { params: Ty[]; results: Ty[] }[];
  /** The one defined function, exported as "run" (its type's index is imports.length). */
  params: Ty[]; results: Ty[];
  /** Imports a function table "e"."t" (table 0), for returnCallIndirect. */
  table?: boolean;
  /** Its locals after the parameters, in order. */
  locals: Ty[];
  body: Code;
}

/** The bytes of a module: imports "e"."m" (the memory) and the functions, defines and exports "run". */
export function module(m: ModuleSpec): Uint8Array {
  const out = new Bytes();
  out.push(0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
  const types = new Bytes();
  uleb(types, m.imports.length + 1);
  for (const f of m.imports) funcType(types, f.params, f.results);
  funcType(types, m.params, m.results);
  section(out, 1, types);
  const imps = new Bytes();
  uleb(imps, m.imports.length + 1 + (m.table ? 1 : 0));
  name(imps, 'e'); name(imps, 'm'); imps.push(0x02, 0x01); uleb(imps, m.pages); uleb(imps, m.pages);
  if (m.table) { name(imps, 'e'); name(imps, 't'); imps.push(0x01, 0x70, 0x00, 0x00); } // funcref, at least 0 entries
  m.imports.forEach((_, i) => { name(imps, 'e'); name(imps, `f${i}`); imps.byte(0x00); uleb(imps, i); });
  section(out, 2, imps);
  const funcs = new Bytes();
  uleb(funcs, 1); uleb(funcs, m.imports.length);
  section(out, 3, funcs);
  const exps = new Bytes();
  uleb(exps, 1); name(exps, 'run'); exps.byte(0x00); uleb(exps, m.imports.length);
  section(out, 7, exps);
  const fn = new Bytes();
  // Locals as runs of one type (5.5.13).
  const runs: [number, Ty][] = [];
  for (const t of m.locals) { const last = runs[runs.length - 1]; if (last !== undefined && last[1] === t) last[0]++; else runs.push([1, t]); }
  uleb(fn, runs.length);
  for (const [n, t] of runs) { uleb(fn, n); fn.byte(t); }
  // Branch hints (custom section "metadata.code.branch_hint", before the code): offsets from the body's start, its locals.
  const hints = new Bytes();
  name(hints, 'metadata.code.branch_hint');
  uleb(hints, 1); uleb(hints, m.imports.length); uleb(hints, m.body.hints.length);
  for (const at of m.body.hints) { uleb(hints, fn.length + at); hints.push(1, 0); }
  section(out, 0, hints);
  fn.append(m.body.b); fn.byte(W.END);
  const code = new Bytes();
  uleb(code, 1); uleb(code, fn.length); code.append(fn);
  section(out, 10, code);
  return out.bytes().slice();
}
