// ELF64 little-endian parser for RISC-V executables.
//
// Pure: takes the file's bytes, does no I/O and imports nothing (no node:*,
// no DOM), so the machine's bare loader, the kernel's execve and the browser
// build can all use it. It validates the ELF header and every program header
// and hands back views into the caller's bytes; placing segments in memory is
// the caller's job.
//
// References (section names rather than page numbers, as editions differ):
//   gABI   System V Application Binary Interface, ch. 4 "Object Files"
//          (ELF Header, Sections, Symbol Table) and ch. 5 "Program Loading and
//          Dynamic Linking" (Program Header, Segment Contents).
//   psABI  RISC-V ELF psABI, "ELF Object Files" (e_machine, e_flags).
//
// Every failure of parseElf is an ElfError with a one-line message; the
// caller prefixes "lde: <path>: ". Numbers that can exceed 2^53 (addresses,
// the entry point, symbol values) stay bigint; sizes and offsets are bounded
// by the file's length or by MAX_MEMSZ and become plain numbers.

export class ElfError extends Error {
  override name = 'ElfError';
}

// Segment types (gABI "Program Header"; GNU extensions in the OS range;
// PT_RISCV_ATTRIBUTES from the psABI).
export const PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_SHLIB = 5,
  PT_PHDR = 6, PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552;
export const PT_RISCV_ATTRIBUTES = 0x70000003;
// Segment permission bits (p_flags).
export const PF_X = 1, PF_W = 2, PF_R = 4;
// e_type values.
export const ET_NONE = 0, ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
export const EM_RISCV = 243;
// RISC-V e_flags (psABI "File Header"): compressed instructions, float ABI
// (a 2-bit field), RV32E/RV64E, TSO memory model.
export const EF_RISCV_RVC = 0x1;
export const EF_RISCV_FLOAT_ABI = 0x6, EF_RISCV_FLOAT_ABI_SOFT = 0x0, EF_RISCV_FLOAT_ABI_SINGLE = 0x2,
  EF_RISCV_FLOAT_ABI_DOUBLE = 0x4, EF_RISCV_FLOAT_ABI_QUAD = 0x6;
export const EF_RISCV_RVE = 0x8, EF_RISCV_TSO = 0x10;
/** Largest accepted p_memsz (exclusive): 1 TiB, far beyond any real segment. */
export const MAX_MEMSZ = 2 ** 40;

export interface ElfSegment {
  type: number;
  flags: number;        // PF_R | PF_W | PF_X
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;        // as stored; 0 and 1 both mean "no constraint" (gABI)
  data: Uint8Array;     // view of the file bytes [offset, offset + filesz)
}

export interface ElfImage {
  type: 'exec' | 'dyn';
  entry: bigint;
  phoff: number;
  phentsize: number;
  phnum: number;        // the real count, also when e_phnum is PN_XNUM
  segments: ElfSegment[];
  loads: ElfSegment[];
  interp: string | undefined;
  flags: number;
  symbol(name: string): bigint | undefined;
}

// Sizes of Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr, Elf64_Sym (gABI).
const EHDR = 64, PHDR = 56, SHDR = 64, SYM = 24;
const EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6;
const ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1, ELFDATA2MSB = 2, EV_CURRENT = 1;
const PN_XNUM = 0xffff;                        // gABI: real e_phnum is in section 0's sh_info
const SHT_SYMTAB = 2, SHN_UNDEF = 0, STB_LOCAL = 0;
const U64_LIMIT = 1n << 64n;

const MACHINES = new Map<number, string>([
  [2, 'SPARC'], [3, 'x86'], [8, 'MIPS'], [20, 'PowerPC'], [21, 'PowerPC64'], [22, 's390'],
  [40, 'ARM'], [43, 'SPARC V9'], [62, 'x86-64'], [183, 'AArch64'], [258, 'LoongArch'],
]);

const hex = (v: number | bigint): string => '0x' + v.toString(16);

/** Names are bytes; decode them as UTF-8, or byte-per-char if they are not valid UTF-8. */
function text(b: Uint8Array): string {
  let ascii = '';
  let plain = true;
  for (const c of b) {
    if (c >= 0x80) { plain = false; break; }
    ascii += String.fromCharCode(c);
  }
  if (plain) return ascii;
  let escaped = '';
  for (const c of b) escaped += (c < 16 ? '%0' : '%') + c.toString(16);
  try {
    return decodeURIComponent(escaped);
  } catch {
    let raw = '';
    for (const c of b) raw += String.fromCharCode(c);
    return raw;
  }
}

function u16(dv: DataView, o: number): number { return dv.getUint16(o, true); }
function u32(dv: DataView, o: number): number { return dv.getUint32(o, true); }
function u64(dv: DataView, o: number): bigint { return dv.getBigUint64(o, true); }

/** Checks e_ident (gABI "ELF Identification") on as many bytes as there are. */
function checkIdent(bytes: Uint8Array): void {
  const len = bytes.length;
  if (len === 0) throw new ElfError('empty file, not an ELF');
  const magic = [0x7f, 0x45, 0x4c, 0x46];     // "\x7fELF"
  for (let i = 0; i < 4 && i < len; i++) {
    if (bytes[i] !== magic[i]) throw new ElfError('not an ELF file (bad magic)');
  }
  if (len > EI_CLASS) {
    const c = bytes[EI_CLASS]!;
    if (c === ELFCLASS32) throw new ElfError('32-bit ELF (ELFCLASS32), expected 64-bit');
    if (c !== ELFCLASS64) throw new ElfError(`invalid ELF class ${c} (EI_CLASS), expected ELFCLASS64`);
  }
  if (len > EI_DATA) {
    const d = bytes[EI_DATA]!;
    if (d === ELFDATA2MSB) throw new ElfError('big-endian ELF, expected little-endian');
    if (d !== ELFDATA2LSB) throw new ElfError(`invalid ELF data encoding ${d} (EI_DATA), expected little-endian`);
  }
  if (len > EI_VERSION && bytes[EI_VERSION] !== EV_CURRENT) {
    throw new ElfError(`unsupported ELF version ${bytes[EI_VERSION]} (EI_VERSION), expected EV_CURRENT (1)`);
  }
  if (len < EHDR) {
    throw new ElfError(`truncated: ELF header extends past end of file (${hex(EHDR)} > ${hex(len)})`);
  }
}

function elfType(t: number): 'exec' | 'dyn' {
  switch (t) {
    case ET_EXEC: return 'exec';
    case ET_DYN: return 'dyn';
    case ET_REL: throw new ElfError('relocatable object, not an executable');
    case ET_CORE: throw new ElfError('core dump, not an executable');
    case ET_NONE: throw new ElfError('ELF type ET_NONE, not an executable');
    default: throw new ElfError(`unknown ELF type ${hex(t)}, not an executable`);
  }
}

export function parseElf(bytes: Uint8Array): ElfImage {
  checkIdent(bytes);
  const len = bytes.length;
  const blen = BigInt(len);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // Elf64_Ehdr field offsets: e_type 16, e_machine 18, e_version 20,
  // e_entry 24, e_phoff 32, e_shoff 40, e_flags 48, e_ehsize 52,
  // e_phentsize 54, e_phnum 56, e_shentsize 58, e_shnum 60, e_shstrndx 62.
  const machine = u16(dv, 18);
  if (machine !== EM_RISCV) {
    const name = MACHINES.get(machine);
    throw new ElfError(`ELF for ${name ?? 'machine ' + hex(machine)}, expected RISC-V (EM_RISCV)`);
  }
  const type = elfType(u16(dv, 16));
  const version = u32(dv, 20);
  if (version !== EV_CURRENT) {
    throw new ElfError(`unsupported ELF version ${version} (e_version), expected EV_CURRENT (1)`);
  }
  const entry = u64(dv, 24);
  const phoffBig = u64(dv, 32);
  const shoff = u64(dv, 40);
  const flags = u32(dv, 48);
  const phentsize = u16(dv, 54);
  let phnum = u16(dv, 56);
  const shentsize = u16(dv, 58);
  const shnum = u16(dv, 60);

  if (phnum === PN_XNUM) {
    // gABI "Program Header": with 0xffff or more entries the count lives in
    // sh_info (offset 44) of section header 0.
    if (shoff === 0n) throw new ElfError('e_phnum is PN_XNUM but there is no section header table');
    if (shoff + BigInt(SHDR) > blen) {
      throw new ElfError(`truncated: section header 0 (holding the program header count) extends past end of file (offset ${hex(shoff)} + ${hex(SHDR)} > ${hex(len)})`);
    }
    phnum = u32(dv, Number(shoff) + 44);
  }
  if (phnum === 0) throw new ElfError('no loadable segments (no program headers)');
  if (phentsize !== PHDR) {
    throw new ElfError(`program header entry size ${phentsize} (e_phentsize), expected ${PHDR}`);
  }

  const segments: ElfSegment[] = [];
  const loads: ElfSegment[] = [];
  let interp: string | undefined;
  // The whole table first, so that a cut-off file is reported as such rather
  // than by whatever the first complete header happens to point at.
  const bphdr = BigInt(PHDR);
  if (phoffBig + BigInt(phnum) * bphdr > blen) {
    const first = phoffBig >= blen ? 0n : (blen - phoffBig) / bphdr;    // first header that does not fit
    const at = phoffBig + first * bphdr;
    throw new ElfError(`truncated: program header ${first} extends past end of file (offset ${hex(at)} + ${hex(PHDR)} > ${hex(len)})`);
  }
  for (let i = 0; i < phnum; i++) {
    const at = phoffBig + BigInt(i * PHDR);
    // Elf64_Phdr: p_type 0, p_flags 4, p_offset 8, p_vaddr 16, p_paddr 24,
    // p_filesz 32, p_memsz 40, p_align 48.
    const o = Number(at);
    const ptype = u32(dv, o);
    const offset = u64(dv, o + 8);
    const vaddr = u64(dv, o + 16);
    const filesz = u64(dv, o + 32);
    const memsz = u64(dv, o + 40);
    if (offset + filesz > blen) {
      throw new ElfError(`truncated: segment ${i} extends past end of file (offset ${hex(offset)} + ${hex(filesz)} > ${hex(len)})`);
    }
    if (memsz >= BigInt(MAX_MEMSZ)) {
      throw new ElfError(`segment ${i} memory size ${hex(memsz)} too large (limit ${hex(MAX_MEMSZ)})`);
    }
    // gABI "Program Header", PT_LOAD: "The file size may not be larger than
    // the memory size." The same holds for the PT_TLS initialization image.
    // (Non-memory segments such as PT_RISCV_ATTRIBUTES have memsz 0.)
    if (ptype === PT_LOAD || ptype === PT_TLS) {
      if (filesz > memsz) {
        throw new ElfError(`segment ${i} file size ${hex(filesz)} larger than memory size ${hex(memsz)}`);
      }
      if (vaddr + memsz > U64_LIMIT) {
        throw new ElfError(`segment ${i} wraps past the end of the 64-bit address space (vaddr ${hex(vaddr)} + memory size ${hex(memsz)})`);
      }
    }
    const start = Number(offset);
    const seg: ElfSegment = {
      type: ptype,
      flags: u32(dv, o + 4),
      offset: start,
      vaddr,
      paddr: u64(dv, o + 24),
      filesz: Number(filesz),
      memsz: Number(memsz),
      align: Number(u64(dv, o + 48)),     // only approximate above 2^53; no real file has that
      data: bytes.subarray(start, start + Number(filesz)),
    };
    segments.push(seg);
    if (ptype === PT_LOAD) loads.push(seg);
    if (ptype === PT_INTERP) interp = readInterp(seg, i, interp);
  }
  if (loads.length === 0) throw new ElfError('no loadable segments');

  let table: SymbolTable | undefined;
  return {
    type, entry, phoff: Number(phoffBig), phentsize, phnum, segments, loads, interp, flags,
    symbol(name: string): bigint | undefined {
      table ??= readSymtab(bytes, dv, shoff, shentsize, shnum);
      return table.global.get(name) ?? table.local.get(name);
    },
  };
}

/** gABI PT_INTERP: "the location and size of a null-terminated path name"; at most one. */
function readInterp(seg: ElfSegment, i: number, previous: string | undefined): string {
  if (previous !== undefined) throw new ElfError(`segment ${i} is a second PT_INTERP`);
  const d = seg.data;
  if (d.length === 0 || d[d.length - 1] !== 0) {
    throw new ElfError(`segment ${i} (PT_INTERP) is not a NUL-terminated path`);
  }
  const path = d.subarray(0, d.indexOf(0));
  if (path.length === 0) throw new ElfError(`segment ${i} (PT_INTERP) names an empty path`);
  return text(path);
}

interface SymbolTable { global: Map<string, bigint>; local: Map<string, bigint>; }

/**
 * Reads the SHT_SYMTAB section (gABI "Sections", "Symbol Table"). Defined
 * symbols only; a global or weak definition wins over a local one of the same
 * name, else the first in the table. Anything out of bounds or inconsistent
 * yields an empty table: the section table is not needed to run a program.
 */
function readSymtab(bytes: Uint8Array, dv: DataView, shoff: bigint, shentsize: number, shnumField: number): SymbolTable {
  const out: SymbolTable = { global: new Map(), local: new Map() };
  const blen = BigInt(bytes.length);
  if (shoff === 0n || shentsize !== SHDR || shoff + BigInt(SHDR) > blen) return out;
  const base = Number(shoff);
  let shnum = shnumField;
  if (shnum === 0) {
    // gABI "Sections": with 0xff00 or more sections e_shnum is 0 and the
    // count is section 0's sh_size.
    const n = u64(dv, base + 32);
    if (n > blen / BigInt(SHDR)) return out;
    shnum = Number(n);
  }
  if (shoff + BigInt(shnum * SHDR) > blen) return out;

  // Elf64_Shdr: sh_name 0, sh_type 4, sh_flags 8, sh_addr 16, sh_offset 24,
  // sh_size 32, sh_link 40, sh_info 44, sh_addralign 48, sh_entsize 56.
  let symtab = -1;
  for (let i = 0; i < shnum; i++) {
    if (u32(dv, base + i * SHDR + 4) === SHT_SYMTAB) { symtab = i; break; }
  }
  if (symtab < 0) return out;
  const sh = base + symtab * SHDR;
  const symOff = u64(dv, sh + 24), symSize = u64(dv, sh + 32), link = u32(dv, sh + 40);
  if (u64(dv, sh + 56) !== BigInt(SYM) || symOff + symSize > blen || link >= shnum) return out;
  const st = base + link * SHDR;
  const strOffBig = u64(dv, st + 24), strSizeBig = u64(dv, st + 32);
  if (strOffBig + strSizeBig > blen) return out;
  const strOff = Number(strOffBig), strEnd = strOff + Number(strSizeBig);

  const first = Number(symOff);
  const count = Number(symSize / BigInt(SYM));
  for (let j = 0; j < count; j++) {
    // Elf64_Sym: st_name 0, st_info 4, st_other 5, st_shndx 6, st_value 8, st_size 16.
    const s = first + j * SYM;
    const nameOff = u32(dv, s);
    if (nameOff === 0 || u16(dv, s + 6) === SHN_UNDEF) continue;
    const from = strOff + nameOff;
    if (from >= strEnd) continue;
    const nul = bytes.subarray(from, strEnd).indexOf(0);
    if (nul < 0) continue;
    const name = text(bytes.subarray(from, from + nul));
    const map = (bytes[s + 4]! >> 4) === STB_LOCAL ? out.local : out.global;
    if (!map.has(name)) map.set(name, u64(dv, s + 8));
  }
  return out;
}
