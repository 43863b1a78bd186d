// execve's image: loads an ELF into a fresh address space and builds the
// initial stack the Linux riscv64 ABI promises (argc, argv, envp, auxv; sp
// 16-byte aligned). A static executable (ET_EXEC, or ET_DYN without
// PT_INTERP: static-pie) starts at its own entry. A dynamically linked one
// names its interpreter (PT_INTERP, the dynamic loader ld.so): as Linux's
// load_elf_binary does, the kernel maps the program and the interpreter,
// tells the interpreter where the program is through the auxiliary vector
// (AT_PHDR, AT_ENTRY, and AT_BASE, the interpreter's own load address), and
// starts at the interpreter's entry; ld.so maps the libraries itself.

import { parseElf, ElfError, PT_GNU_STACK, PT_PHDR, type ElfImage } from '../../elf/elf.js';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE, USER_TOP } from '../mm/vm.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { copyOut, loadBytes } from '../mm/uaccess.js';

export const STACK_TOP = USER_TOP - PAGE_SIZE; // 0x3ffffff000
/** Where a static-pie is loaded (Linux: ELF_ET_DYN_BASE, 2/3 of the address space). */
export const PIE_BASE = 0x2aaaaab000;

/** A one-line reason the image cannot be executed (errno ENOEXEC or E2BIG). */
export class ExecError extends Error {
  constructor(readonly errno: number, message: string) { super(message); }
}

export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13, EGID: 14,
  PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31, SYSINFO_EHDR: 33,
} as const;

/** AT_HWCAP: one bit per single-letter extension, 'a' = bit 0 (Linux arch/riscv/kernel/cpufeature.c). */
const HWCAP = [...'imafdc'].reduce((m, c) => m | (1 << (c.charCodeAt(0) - 97)), 0);

export interface Loaded {
  entry: number;
  sp: number;
  brk: number;
  image: ElfImage;
}

export interface ExecArgs {
  path: string; // AT_EXECFN
  argv: string[];
  envp: string[];
  random: Uint8Array; // 16 bytes for AT_RANDOM
  vdso?: number; // AT_SYSINFO_EHDR: where the vDSO's ELF header is mapped (none with --vdso off)
}

/** Parses and checks an executable; throws ExecError (ENOEXEC) with a one-line reason. */
export function checkImage(bytes: Uint8Array): ElfImage {
  try { return parseElf(bytes); } catch (e) {
    if (e instanceof ElfError) throw new ExecError(8, e.message);
    throw e;
  }
}

/** Checks a program's interpreter (ld.so): a shared object with no interpreter of its own, as binfmt_elf requires. */
export function checkInterpreter(bytes: Uint8Array, name: string): ElfImage {
  let image: ElfImage;
  try { image = checkImage(bytes); } catch (e) {
    if (e instanceof ExecError) throw new ExecError(80 /* ELIBBAD */, `its interpreter ${name}: ${e.message}`);
    throw e;
  }
  if (image.type !== 'dyn' || image.interp !== undefined) throw new ExecError(80, `its interpreter ${name} is not a shared object`);
  return image;
}

/**
 * Loads the image (and its interpreter, for a dynamically linked program)
 * into `as`, builds the stack. Throws ExecError on a layout lde cannot honour.
 */
export function load(as: AddressSpace, image: ElfImage, args: ExecArgs, interp?: ElfImage): Loaded {
  const bias = image.type === 'dyn' ? PIE_BASE : 0;
  const { end, phdr } = mapSegments(as, image, bias);
  const stackSeg = image.segments.find((s) => s.type === PT_GNU_STACK);
  const stackProt = PROT_READ | PROT_WRITE | (stackSeg && stackSeg.flags & 1 ? PROT_EXEC : 0);
  as.addVma({ start: STACK_TOP - 32 * PAGE_SIZE, end: STACK_TOP, prot: stackProt, kind: 'stack' });
  as.brkStart = as.brk = end;
  const entry = Number(image.entry) + bias;
  // The interpreter goes where Linux's mmap would put it: the top of the mmap area, below which ld.so then maps the libraries.
  let base = 0;
  if (interp !== undefined) {
    const low = lowPage(interp), at = as.list.findFree(imageSpan(interp, low), as.mmapBase, PAGE_SIZE);
    if (at < 0) throw new ExecError(12, 'no room for the interpreter');
    base = at - low;
    mapSegments(as, interp, base);
  }
  // As Linux's ARCH_DLINFO, the vDSO's address comes first.
  const sp = buildStack(as, args, [
    ...(args.vdso !== undefined ? [[AT.SYSINFO_EHDR, args.vdso] as [number, number]] : []),
    [AT.PHDR, phdr], [AT.PHENT, image.phentsize], [AT.PHNUM, image.phnum], [AT.PAGESZ, PAGE_SIZE], [AT.BASE, base],
    [AT.FLAGS, 0], [AT.ENTRY, entry], [AT.UID, 0], [AT.EUID, 0], [AT.GID, 0], [AT.EGID, 0], [AT.HWCAP, HWCAP],
    [AT.CLKTCK, 100], [AT.SECURE, 0],
  ]);
  return { entry: interp !== undefined ? Number(interp.entry) + base : entry, sp, brk: end, image };
}

/** The lowest page an image's PT_LOAD segments use. */
function lowPage(image: ElfImage): number {
  return Math.min(...image.loads.filter((s) => s.memsz > 0).map((s) => Math.floor(Number(s.vaddr) / PAGE_SIZE) * PAGE_SIZE));
}

/** The bytes from an image's lowest page (low) to the end of its highest segment, in whole pages. */
function imageSpan(image: ElfImage, low: number): number {
  const top = Math.max(...image.loads.filter((s) => s.memsz > 0).map((s) => Number(s.vaddr) + s.memsz));
  return Math.ceil((top - low) / PAGE_SIZE) * PAGE_SIZE;
}

/** Maps an image's PT_LOAD segments at `bias` with their permissions and copies their bytes in; returns the end of the last page and where the program headers are. */
function mapSegments(as: AddressSpace, image: ElfImage, bias: number): { end: number; phdr: number } {
  let end = 0, phdr = 0;
  for (const seg of image.loads) {
    if (seg.memsz === 0) continue;
    const va = Number(seg.vaddr) + bias;
    if (va < PAGE_SIZE || va + seg.memsz > STACK_TOP - (8 << 20)) throw new ExecError(8, `segment at 0x${va.toString(16)} is outside the user address space`);
    const prot = (seg.flags & 4 ? PROT_READ : 0) | (seg.flags & 2 ? PROT_WRITE : 0) | (seg.flags & 1 ? PROT_EXEC : 0);
    const start = Math.floor(va / PAGE_SIZE) * PAGE_SIZE, stop = Math.ceil((va + seg.memsz) / PAGE_SIZE) * PAGE_SIZE;
    as.addVma({ start, end: stop, prot, kind: prot & PROT_EXEC ? 'text' : 'data' });
    if (!loadBytes(as, va, seg.data)) throw new ExecError(12, 'out of memory loading the image');
    as.frames.work.bytes += seg.data.length; // the image is the guest's: its copy is metered work
    if (image.phoff >= seg.offset && image.phoff < seg.offset + seg.data.length) phdr = va + (image.phoff - seg.offset);
    end = Math.max(end, stop);
  }
  const ph = image.segments.find((s) => s.type === PT_PHDR);
  if (ph) phdr = Number(ph.vaddr) + bias;
  return { end, phdr };
}

/**
 * The initial stack, from the top down: 16 random bytes, the strings, then
 * (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
 */
function buildStack(as: AddressSpace, args: ExecArgs, aux: [number, number][]): number {
  const enc = new TextEncoder();
  let top = STACK_TOP;
  const push = (bytes: Uint8Array): number => { top -= bytes.length; if (!copyOut(as, top, bytes)) throw new ExecError(7, 'argument list too long'); return top; };
  const str = (s: string) => push(enc.encode(s + '\0'));
  const random = push(args.random);
  const platform = str('riscv64');
  const execfn = str(args.path);
  const envp = args.envp.map(str);
  const argv = args.argv.map(str);
  const words = [args.argv.length, ...argv, 0, ...envp, 0];
  for (const [k, v] of [...aux, [AT.PLATFORM, platform], [AT.RANDOM, random], [AT.EXECFN, execfn], [AT.NULL, 0]]) words.push(k, v);
  top = Math.floor((top - words.length * 8) / 16) * 16;
  if (STACK_TOP - top > 2 << 20) throw new ExecError(7, 'argument list too long');
  const table = new Uint8Array(words.length * 8);
  const dv = new DataView(table.buffer);
  words.forEach((w, i) => dv.setBigUint64(i * 8, BigInt(w), true));
  if (!copyOut(as, top, table)) throw new ExecError(12, 'out of memory building the stack');
  return top;
}

