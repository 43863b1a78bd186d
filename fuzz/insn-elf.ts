// Lays an instruction stream out as a tiny static riscv64 ELF: set fcsr, f0..f31
// and x1..x31 from the data page, run the stream, store every register to the
// data page, write(1, dump, 520) and exit_group(0). The dump is x0..x31,
// f0..f31, then fcsr, 8 bytes each, little-endian.

import * as A from '../test/helpers/asm.js';
import { DATA, GP, Item } from './insn-gen.js';

const CODE_VA = 0x10000, CODE_OFF = 0x1000, PAGE = 0x1000;
export const DUMP_BYTES = 65 * 8;

/** Machine code for the items, with each jump resolved to skip its next `skip` items (fewer at the end). */
export function layout(items: Item[]): number[] {
  const size = (it: Item) => ('insns' in it ? it.insns.reduce((n, w) => n + A.lengthOf(w), 0) : 4);
  const out: number[] = [];
  items.forEach((it, k) => {
    if ('insns' in it) { out.push(...it.insns); return; }
    const over = items.slice(k + 1, k + 1 + it.skip).reduce((n, x) => n + size(x), 0);
    out.push(it.jump(4 + over));
  });
  return out;
}

function prologue(): number[] {
  // fcsr goes through x5, which is loaded again below.
  const p = [A.lui(GP, DATA.base >>> 12), A.ld(5, GP, DATA.xInit), A.csrw(A.CSR.fcsr, 5)];
  for (let f = 0; f < 32; f++) p.push(A.fld(f, GP, DATA.fInit + 8 * f));
  for (let r = 1; r < 32; r++) if (r !== GP) p.push(A.ld(r, GP, DATA.xInit + 8 * r));
  return p;
}

function epilogue(): number[] {
  const e: number[] = [];
  for (let r = 0; r < 32; r++) e.push(A.sd(r, GP, DATA.dump + 8 * r));
  for (let f = 0; f < 32; f++) e.push(A.fsd(f, GP, DATA.dump + 256 + 8 * f));
  e.push(A.csrr(5, A.CSR.fcsr), A.sd(5, GP, DATA.dump + 512));
  e.push(A.addi(10, 0, 1), A.addi(11, GP, DATA.dump), A.addi(12, 0, DUMP_BYTES), A.addi(17, 0, 64), A.ecall()); // write
  e.push(A.addi(10, 0, 0), A.addi(17, 0, 94), A.ecall()); // exit_group(0)
  return e;
}

/** The ELF file for `items` starting from `fcsr`, x (x[0] unused, x3 replaced by gp) and f. */
export function streamElf(items: Item[], init: { fcsr: bigint; x: bigint[]; f: bigint[] }): Uint8Array {
  const code = A.encode([...prologue(), ...layout(items), ...epilogue()]);
  if (code.length > PAGE) throw new Error(`insn: stream of ${items.length} items is ${code.length} bytes, over one page`);
  const dataOff = CODE_OFF + PAGE;
  const file = Buffer.alloc(dataOff + PAGE);
  const v = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELFCLASS64, little-endian, version 1, System V ABI
  v.setUint16(16, 2, true); v.setUint16(18, 243, true); v.setUint32(20, 1, true); // ET_EXEC, EM_RISCV
  v.setBigUint64(24, BigInt(CODE_VA), true); v.setBigUint64(32, 64n, true);        // e_entry, e_phoff
  v.setUint32(48, 0x5, true);                                                      // RVC, double-float ABI
  v.setUint16(52, 64, true); v.setUint16(54, 56, true); v.setUint16(56, 2, true);  // ehsize, phentsize, phnum
  const phdr = (i: number, flags: number, off: number, va: number) => {
    const at = 64 + 56 * i;
    v.setUint32(at, 1, true); v.setUint32(at + 4, flags, true);                     // PT_LOAD
    v.setBigUint64(at + 8, BigInt(off), true); v.setBigUint64(at + 16, BigInt(va), true); v.setBigUint64(at + 24, BigInt(va), true);
    v.setBigUint64(at + 32, BigInt(PAGE), true); v.setBigUint64(at + 40, BigInt(PAGE), true); v.setBigUint64(at + 48, BigInt(PAGE), true);
  };
  phdr(0, 5, CODE_OFF, CODE_VA);   // R+X
  phdr(1, 6, dataOff, DATA.base);  // R+W
  file.set(code, CODE_OFF);
  v.setBigUint64(dataOff + DATA.xInit, init.fcsr, true);
  for (let r = 1; r < 32; r++) v.setBigUint64(dataOff + DATA.xInit + 8 * r, init.x[r]!, true);
  for (let f = 0; f < 32; f++) v.setBigUint64(dataOff + DATA.fInit + 8 * f, init.f[f]!, true);
  for (let b = 0; b < 256; b++) file[dataOff + DATA.buffer + b] = (b * 37 + 11) & 0xff;
  return file;
}
