// A flattened devicetree (DTB) writer, after the Devicetree Specification
// v0.4, chapter 5 "Flattened Devicetree (DTB) Format":
//   - 5.2 the header: ten big-endian 32-bit words, magic 0xd00dfeed,
//     version 17, last compatible version 16;
//   - 5.3 the memory reservation block: (address, size) pairs of 64-bit
//     words, 8-byte aligned, ended by a pair of zeros;
//   - 5.4 the structure block: FDT_BEGIN_NODE (name, NUL, padded to 4),
//     FDT_PROP (length, offset of the name in the strings block, value
//     padded to 4), FDT_END_NODE, and one FDT_END;
//   - 5.5 the strings block: property names, NUL-terminated, each once.
// Node and property order is the order they were added, as dtc keeps it.
// A guest kernel reads the blob; lde's tests read it back with `dtc -I dtb`.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_END = 9;
const HEADER_BYTES = 40;

/** A property value: a string (or a string list), cells (32-bit words), 64-bit cells, raw bytes, or nothing (a flag). */
export type FdtValue = string | string[] | { cells: number[] } | { cells64: bigint[] } | Uint8Array | true;

export class FdtNode {
  readonly props: [string, FdtValue][] = [];
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {}

  /** Adds a property and returns this node, so properties chain. */
  prop(name: string, value: FdtValue): this {
    this.props.push([name, value]);
    return this;
  }

  /** Adds a child node and returns it. */
  child(name: string): FdtNode {
    const n = new FdtNode(name);
    this.children.push(n);
    return n;
  }
}

/** 32-bit cells. */
export const cells = (...c: number[]): FdtValue => ({ cells: c });
/** A (base, size) reg with #address-cells = #size-cells = 2. */
export const reg64 = (...pairs: number[]): FdtValue => ({ cells64: pairs.map((v) => BigInt(v)) });

const enc = new TextEncoder();

function valueBytes(v: FdtValue): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return enc.encode(v + '\0');
  if (Array.isArray(v)) return enc.encode(v.map((s) => s + '\0').join(''));
  if ('cells' in v) {
    const out = new Uint8Array(v.cells.length * 4), dv = new DataView(out.buffer);
    v.cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    return out;
  }
  const out = new Uint8Array(v.cells64.length * 8), dv = new DataView(out.buffer);
  v.cells64.forEach((c, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, c)));
  return out;
}

/** A growable big-endian byte buffer. */
class Writer {
  private buf = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  u32(v: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0);
    this.length += 4;
  }

  u64(v: bigint): void {
    this.room(8);
    new DataView(this.buf.buffer).setBigUint64(this.length, BigInt.asUintN(64, v));
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.room(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** The DTB of the tree under `root` (whose name must be ''), with the given memory reservations and boot hart. */
export function writeFdt(root: FdtNode, reserved: [bigint, bigint][] = [], bootCpu = 0): Uint8Array {
  if (root.name !== '') throw new Error('the root node has an empty name');
  const strings = new Writer(), names = new Map<string, number>();
  const nameOff = (s: string): number => {
    let off = names.get(s);
    if (off === undefined) {
      off = strings.length;
      names.set(s, off);
      strings.bytes(enc.encode(s + '\0'));
    }
    return off;
  };
  const struct = new Writer();
  const emit = (n: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(enc.encode(n.name + '\0'));
    struct.align(4);
    for (const [name, v] of n.props) {
      const b = valueBytes(v);
      struct.u32(FDT_PROP);
      struct.u32(b.length);
      struct.u32(nameOff(name));
      struct.bytes(b);
      struct.align(4);
    }
    for (const c of n.children) emit(c);
    struct.u32(FDT_END_NODE);
  };
  emit(root);
  struct.u32(FDT_END);

  const rsv = new Writer();
  for (const [addr, size] of reserved) { rsv.u64(addr); rsv.u64(size); }
  rsv.u64(0n); rsv.u64(0n);

  const offRsv = HEADER_BYTES; // 40 is a multiple of 8
  const offStruct = offRsv + rsv.length;
  const offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;
  const out = new Writer();
  for (const w of [FDT_MAGIC, total, offStruct, offStrings, offRsv, 17, 16, bootCpu, strings.length, struct.length]) out.u32(w);
  out.bytes(rsv.done());
  out.bytes(struct.done());
  out.bytes(strings.done());
  return out.done();
}
