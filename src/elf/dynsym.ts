// The dynamic symbol table of a shared object, read as a dynamic linker
// reads it: through PT_DYNAMIC (gABI "Dynamic Section": DT_HASH for the
// symbol count, DT_SYMTAB, DT_STRTAB) and the GNU symbol versioning tables
// (DT_VERSYM, DT_VERDEF: the LSB's "Symbol Versioning"). Addresses in the
// dynamic section are virtual; they are turned into file offsets through the
// PT_LOAD that holds them. The kernel uses it to find the vDSO's entry
// points; tests use it to check what the vDSO exports.

import { ElfError, PT_DYNAMIC, type ElfImage } from './elf.js';

export interface DynSymbol {
  name: string;
  value: number;
  /** The version the symbol is defined with (DT_VERDEF), or '' when unversioned. */
  version: string;
  /** STT_FUNC (2), STT_OBJECT (1), ... */
  type: number;
  /** True when the symbol is defined in this object (st_shndx != SHN_UNDEF). */
  defined: boolean;
}

const DT_NULL = 0, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_VERSYM = 0x6ffffff0, DT_VERDEF = 0x6ffffffc, DT_VERDEFNUM = 0x6ffffffd;
const SYM = 24;

/** The global symbols of `image` (the bytes `bytes`), from its dynamic section. Throws ElfError when the tables are missing or out of range. */
export function dynamicSymbols(image: ElfImage, bytes: Uint8Array): DynSymbol[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const off = (va: number, len: number): number => {
    for (const s of image.loads) {
      const start = Number(s.vaddr);
      if (va >= start && va + len <= start + s.filesz) return s.offset + (va - start);
    }
    throw new ElfError(`dynamic table at 0x${va.toString(16)} is outside the file`);
  };
  const dyn = image.segments.find((s) => s.type === PT_DYNAMIC);
  if (dyn === undefined) throw new ElfError('no PT_DYNAMIC');
  const tags = new Map<number, number>();
  for (let i = 0; i + 16 <= dyn.filesz; i += 16) {
    const tag = Number(dv.getBigInt64(dyn.offset + i, true));
    if (tag === DT_NULL) break;
    tags.set(tag, Number(dv.getBigUint64(dyn.offset + i + 8, true)));
  }
  const need = (t: number, what: string): number => {
    const v = tags.get(t);
    if (v === undefined) throw new ElfError(`no ${what} in the dynamic section`);
    return v;
  };
  const nsyms = dv.getUint32(off(need(DT_HASH, 'DT_HASH'), 8) + 4, true); // nchain: one entry per symbol
  const symtab = off(need(DT_SYMTAB, 'DT_SYMTAB'), nsyms * SYM), strtab = need(DT_STRTAB, 'DT_STRTAB');
  const str = (i: number): string => {
    const start = off(strtab + i, 1);
    let end = start;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(start, end));
  };
  // Version definitions: index -> name (the first aux entry of each verdef).
  const versions = new Map<number, string>();
  const verdef = tags.get(DT_VERDEF);
  if (verdef !== undefined) {
    let va = verdef;
    for (let n = tags.get(DT_VERDEFNUM) ?? 0; n > 0; n--) {
      const at = off(va, 20), index = dv.getUint16(at + 4, true), aux = dv.getUint32(at + 12, true), next = dv.getUint32(at + 16, true);
      versions.set(index, str(dv.getUint32(off(va + aux, 8), true)));
      if (next === 0) break;
      va += next;
    }
  }
  const versym = tags.get(DT_VERSYM);
  const out: DynSymbol[] = [];
  for (let i = 1; i < nsyms; i++) {
    const e = symtab + i * SYM, info = bytes[e + 4];
    if (info >> 4 === 0) continue; // STB_LOCAL
    const ver = versym === undefined ? 0 : dv.getUint16(off(versym + 2 * i, 2), true) & 0x7fff;
    out.push({ name: str(dv.getUint32(e, true)), value: Number(dv.getBigUint64(e + 8, true)), version: versions.get(ver) ?? '',
      type: info & 0xf, defined: dv.getUint16(e + 6, true) !== 0 });
  }
  return out;
}
