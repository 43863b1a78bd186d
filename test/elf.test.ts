// ELF parser. Oracles: `readelf -lhsW` output for the fixtures in test/elf/
// (rebuilt by test/elf/gen.sh; values below were read off readelf), a live
// comparison with riscv64-linux-gnu-readelf when it is installed, and
// hand-built headers for each rejection, whose layout follows the System V
// gABI (Elf64_Ehdr 64 bytes, Elf64_Phdr 56, Elf64_Shdr 64).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  parseElf, ElfError, type ElfImage, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS,
  PT_GNU_EH_FRAME, PT_GNU_STACK, PT_GNU_RELRO, PT_RISCV_ATTRIBUTES, PF_R, PF_W, PF_X,
  EF_RISCV_RVC, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE,
} from '../src/elf/elf.js';

const FIXTURES = ['rv64-static.elf', 'rv64-static-pie.elf', 'rv64-dynamic.elf', 'x86_64.elf', 'rv32.elf'];
const RV64 = FIXTURES.slice(0, 3);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(process.cwd(), 'test', 'elf', name)));

function throwsElf(bytes: Uint8Array, message: string | RegExp): void {
  assert.throws(() => parseElf(bytes), (e: unknown) => {
    assert.ok(e instanceof ElfError, `expected ElfError, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

type Row = [type: number, flags: number, offset: number, vaddr: number, paddr: number, filesz: number, memsz: number, align: number];
const rows = (img: ElfImage): Row[] => img.segments.map((s) =>
  [s.type, s.flags, s.offset, Number(s.vaddr), Number(s.paddr), s.filesz, s.memsz, s.align]);
const R = PF_R, RW = PF_R | PF_W, RX = PF_R | PF_X;

test('rv64-static.elf: ET_EXEC, segments and symbols as readelf shows them', () => {
  const bytes = fixture('rv64-static.elf');
  const img = parseElf(bytes);
  assert.equal(img.type, 'exec');
  assert.equal(img.entry, 0x80000000n);
  assert.deepEqual([img.phoff, img.phentsize, img.phnum], [64, 56, 3]);
  assert.equal(img.flags, 0x5);
  assert.equal(img.flags & EF_RISCV_RVC, EF_RISCV_RVC);
  assert.equal(img.flags & EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE);
  assert.deepEqual(rows(img), [
    [PT_RISCV_ATTRIBUTES, R, 0x203e, 0, 0, 0x53, 0, 1],
    [PT_LOAD, RX, 0x1000, 0x80000000, 0x80000000, 0x32, 0x32, 0x1000],
    [PT_LOAD, RW, 0x2000, 0x80001000, 0x80001000, 0x18, 0x218, 0x1000],
  ]);
  assert.deepEqual(img.loads, img.segments.slice(1));
  assert.equal(img.interp, undefined);
  for (const s of img.segments) {
    assert.equal(s.data.buffer, bytes.buffer, 'data is a view, not a copy');
    assert.deepEqual(s.data, bytes.subarray(s.offset, s.offset + s.filesz));
  }
  assert.equal(img.symbol('tohost'), 0x80001000n);
  assert.equal(img.symbol('fromhost'), 0x80001008n);
  assert.equal(img.symbol('_start'), 0x80000000n);
  assert.equal(img.symbol('scratch'), 0x80001018n);
  assert.equal(img.symbol('counter'), 0x80001010n, 'local symbols are found too');
  assert.equal(img.symbol('no_such_symbol'), undefined);
  assert.equal(img.symbol(''), undefined);
});

test('rv64-static-pie.elf: ET_DYN without PT_INTERP', () => {
  const img = parseElf(fixture('rv64-static-pie.elf'));
  assert.equal(img.type, 'dyn');
  assert.equal(img.entry, 0x1e2n);
  assert.deepEqual([img.phoff, img.phentsize, img.phnum, img.flags], [64, 56, 6, 0x5]);
  assert.deepEqual(rows(img), [
    [PT_RISCV_ATTRIBUTES, R, 0x103f, 0, 0, 0x53, 0, 1],
    [PT_LOAD, RX, 0, 0, 0, 0x214, 0x214, 0x1000],
    [PT_LOAD, RW, 0xf00, 0x1f00, 0x1f00, 0x120, 0x320, 0x1000],
    [PT_DYNAMIC, RW, 0xf00, 0x1f00, 0x1f00, 0x100, 0x100, 8],
    [PT_GNU_STACK, RW, 0, 0, 0, 0, 0, 0x10],
    [PT_GNU_RELRO, R, 0xf00, 0x1f00, 0x1f00, 0x100, 0x100, 1],
  ]);
  assert.equal(img.loads.length, 2);
  assert.equal(img.interp, undefined);
  assert.equal(img.symbol('tohost'), 0x2008n);
  assert.equal(img.symbol('_start'), 0x1e2n);
  assert.equal(img.symbol('__global_pointer$'), 0x2800n);
  assert.equal(img.symbol('_DYNAMIC'), 0x1f00n);
});

test('rv64-dynamic.elf: PT_INTERP, PT_PHDR, PT_TLS', () => {
  const img = parseElf(fixture('rv64-dynamic.elf'));
  assert.equal(img.type, 'dyn');
  assert.equal(img.entry, 0x60cn);
  assert.deepEqual([img.phoff, img.phentsize, img.phnum, img.flags], [64, 56, 11, 0x5]);
  assert.deepEqual(rows(img), [
    [PT_PHDR, R, 0x40, 0x40, 0x40, 0x268, 0x268, 8],
    [PT_INTERP, R, 0x2a8, 0x2a8, 0x2a8, 0x21, 0x21, 1],
    [PT_RISCV_ATTRIBUTES, R, 0x106f, 0, 0, 0x53, 0, 1],
    [PT_LOAD, RX, 0, 0, 0, 0x714, 0x714, 0x1000],
    [PT_LOAD, RW, 0xde4, 0x1de4, 0x1de4, 0x26c, 0x274, 0x1000],
    [PT_DYNAMIC, RW, 0xe00, 0x1e00, 0x1e00, 0x200, 0x200, 8],
    [PT_NOTE, R, 0x2cc, 0x2cc, 0x2cc, 0x20, 0x20, 4],
    [PT_TLS, R, 0xde4, 0x1de4, 0x1de4, 4, 4, 4],
    [PT_GNU_EH_FRAME, R, 0x6d4, 0x6d4, 0x6d4, 0x14, 0x14, 4],
    [PT_GNU_STACK, RW, 0, 0, 0, 0, 0, 0x10],
    [PT_GNU_RELRO, R, 0xde4, 0x1de4, 0x1de4, 0x21c, 0x21c, 1],
  ]);
  assert.deepEqual(img.loads.map((s) => s.offset), [0, 0xde4]);
  assert.equal(img.interp, '/lib/ld-linux-riscv64-lp64d.so.1');
  assert.equal(img.symbol('main'), 0x5e0n);
  assert.equal(img.symbol('_start'), 0x60cn);
  assert.equal(img.symbol('calls'), 0n, 'TLS symbol: offset in the TLS block');
  assert.equal(img.symbol('write'), undefined, 'undefined (UND) symbols have no value');
});

test('foreign fixtures are rejected with one-line reasons', () => {
  throwsElf(fixture('x86_64.elf'), 'ELF for x86-64, expected RISC-V (EM_RISCV)');
  throwsElf(fixture('rv32.elf'), '32-bit ELF (ELFCLASS32), expected 64-bit');
});

test('a view at a nonzero byteOffset parses the same as the file', () => {
  const file = fixture('rv64-static.elf');
  const big = new Uint8Array(file.length + 11);
  big.set(file, 5);
  const img = parseElf(big.subarray(5, 5 + file.length));
  assert.equal(img.entry, 0x80000000n);
  assert.deepEqual(rows(img), rows(parseElf(file)));
  assert.equal(img.loads[1]!.data[0], file[0x2000]);
  assert.equal(img.symbol('tohost'), 0x80001000n);
});

// ---- hand-built headers ----------------------------------------------------

interface Ph { type?: number; flags?: number; offset?: bigint; vaddr?: bigint; filesz?: bigint; memsz?: bigint; align?: bigint }
interface Spec { cls?: number; data?: number; type?: number; machine?: number; version?: number; phentsize?: number; phnum?: number; shoff?: bigint; phdrs?: Ph[]; size?: number }

/** ELF header at 0, program headers at 64, file zero-filled to `size` (default 0x200). */
function craft(spec: Spec = {}): { bytes: Uint8Array; dv: DataView } {
  const phdrs = spec.phdrs ?? [{}];
  const bytes = new Uint8Array(spec.size ?? 0x200);
  const dv = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 2, spec.data ?? 1, 1]);
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 243, true);
  dv.setUint32(20, spec.version ?? 1, true);
  dv.setBigUint64(24, 0x80000000n, true);
  dv.setBigUint64(32, 64n, true);
  dv.setBigUint64(40, spec.shoff ?? 0n, true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, spec.phentsize ?? 56, true);
  dv.setUint16(56, spec.phnum ?? phdrs.length, true);
  phdrs.forEach((p, i) => {
    const o = 64 + 56 * i;
    if (o + 56 > bytes.length) return;
    dv.setUint32(o, p.type ?? PT_LOAD, true);
    dv.setUint32(o + 4, p.flags ?? RX, true);
    const va = p.vaddr ?? 0x80000000n;        // p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
    [p.offset ?? 0x100n, va, va, p.filesz ?? 0x10n, p.memsz ?? 0x20n, p.align ?? 0x1000n]
      .forEach((v, k) => dv.setBigUint64(o + 8 + 8 * k, v, true));
  });
  return { bytes, dv };
}

test('the crafted baseline parses', () => {
  const img = parseElf(craft().bytes);
  assert.deepEqual(rows(img), [[PT_LOAD, RX, 0x100, 0x80000000, 0x80000000, 0x10, 0x20, 0x1000]]);
  assert.equal(img.symbol('x'), undefined, 'no section table');
});

test('identification and header rejections', () => {
  throwsElf(new Uint8Array(0), 'empty file, not an ELF');
  throwsElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'not an ELF file (bad magic)');
  throwsElf(Uint8Array.of(0x7f, 0x45, 0x4c, 0x47), 'not an ELF file (bad magic)');
  throwsElf(Uint8Array.of(0x7f, 0x45), /^truncated: ELF header extends past end of file \(0x40 > 0x2\)$/);
  throwsElf(craft().bytes.subarray(0, 63), 'truncated: ELF header extends past end of file (0x40 > 0x3f)');
  throwsElf(craft({ cls: 1 }).bytes, '32-bit ELF (ELFCLASS32), expected 64-bit');
  throwsElf(craft({ cls: 1 }).bytes.subarray(0, 5), '32-bit ELF (ELFCLASS32), expected 64-bit');
  throwsElf(craft({ cls: 3 }).bytes, 'invalid ELF class 3 (EI_CLASS), expected ELFCLASS64');
  throwsElf(craft({ data: 2 }).bytes, 'big-endian ELF, expected little-endian');
  throwsElf(craft({ data: 0 }).bytes, 'invalid ELF data encoding 0 (EI_DATA), expected little-endian');
  const v0 = craft().bytes; v0[6] = 0;
  throwsElf(v0, 'unsupported ELF version 0 (EI_VERSION), expected EV_CURRENT (1)');
  throwsElf(craft({ version: 2 }).bytes, 'unsupported ELF version 2 (e_version), expected EV_CURRENT (1)');
  const machines: [number, string][] = [[62, 'x86-64'], [183, 'AArch64'], [3, 'x86'], [40, 'ARM'],
    [21, 'PowerPC64'], [22, 's390'], [8, 'MIPS'], [0x1234, 'machine 0x1234'], [0, 'machine 0x0']];
  for (const [m, name] of machines) throwsElf(craft({ machine: m }).bytes, `ELF for ${name}, expected RISC-V (EM_RISCV)`);
  throwsElf(craft({ type: 1 }).bytes, 'relocatable object, not an executable');
  throwsElf(craft({ type: 4 }).bytes, 'core dump, not an executable');
  throwsElf(craft({ type: 0 }).bytes, 'ELF type ET_NONE, not an executable');
  throwsElf(craft({ type: 0xfe00 }).bytes, 'unknown ELF type 0xfe00, not an executable');
  assert.equal(parseElf(craft({ type: 3 }).bytes).type, 'dyn');
});

test('program header rejections', () => {
  throwsElf(craft({ phdrs: [] }).bytes, 'no loadable segments (no program headers)');
  throwsElf(craft({ phdrs: [{ type: PT_GNU_STACK }] }).bytes, 'no loadable segments');
  throwsElf(craft({ phentsize: 32 }).bytes, 'program header entry size 32 (e_phentsize), expected 56');
  throwsElf(craft({ phdrs: Array<Ph>(4).fill({ offset: 0n, filesz: 0x40n, memsz: 0x40n }), size: 0x100 }).bytes,
    'truncated: program header 3 extends past end of file (offset 0xe8 + 0x38 > 0x100)');
  throwsElf(craft({ phnum: 9, size: 0x100 }).bytes, /^truncated: program header 3 extends/);
  const far = craft(); far.dv.setBigUint64(32, 0xffffffffffffffc0n, true);
  throwsElf(far.bytes, 'truncated: program header 0 extends past end of file (offset 0xffffffffffffffc0 + 0x38 > 0x200)');
  throwsElf(craft({ phdrs: [{}, {}, { offset: 0x1f0n, filesz: 0x20n, memsz: 0x20n }] }).bytes,
    'truncated: segment 2 extends past end of file (offset 0x1f0 + 0x20 > 0x200)');
  throwsElf(craft({ phdrs: [{ offset: 0xffffffffffffff00n, filesz: 0x200n }] }).bytes,
    'truncated: segment 0 extends past end of file (offset 0xffffffffffffff00 + 0x200 > 0x200)');
  throwsElf(craft({ phdrs: [{ type: PT_NOTE, offset: 0x300n, filesz: 1n }, {}] }).bytes,
    /^truncated: segment 0 extends past end of file/);
  throwsElf(craft({ phdrs: [{}, {}, { offset: 0x100n, filesz: 0x80n, memsz: 0x10n }] }).bytes,
    'segment 2 file size 0x80 larger than memory size 0x10');
  throwsElf(craft({ phdrs: [{}, { type: PT_TLS, filesz: 8n, memsz: 4n }] }).bytes,
    'segment 1 file size 0x8 larger than memory size 0x4');
  throwsElf(craft({ phdrs: [{ memsz: 1n << 40n }] }).bytes, 'segment 0 memory size 0x10000000000 too large (limit 0x10000000000)');
  throwsElf(craft({ phdrs: [{ memsz: 0xffffffffffffffffn }] }).bytes, /^segment 0 memory size 0xffffffffffffffff too large/);
  throwsElf(craft({ phdrs: [{ vaddr: 0xfffffffffffff000n, memsz: 0x1001n }] }).bytes,
    'segment 0 wraps past the end of the 64-bit address space (vaddr 0xfffffffffffff000 + memory size 0x1001)');
  const top = parseElf(craft({ phdrs: [{ vaddr: 0xfffffffffffff000n, memsz: 0x1000n }] }).bytes);
  assert.equal(top.loads[0]!.vaddr, 0xfffffffffffff000n, 'ending exactly at 2^64 is allowed');
  // Non-memory segments may have filesz > memsz (PT_RISCV_ATTRIBUTES has memsz 0).
  assert.equal(parseElf(craft({ phdrs: [{ type: PT_NOTE, filesz: 8n, memsz: 0n }, {}] }).bytes).segments.length, 2);
});

test('PT_INTERP: NUL-terminated, non-empty, at most one', () => {
  const mk = (path: number[], n = 1) => {
    const c = craft({ phdrs: [...Array<Ph>(n).fill({ type: PT_INTERP, offset: 0x180n, filesz: BigInt(path.length), memsz: BigInt(path.length) }), {}] });
    c.bytes.set(path, 0x180);
    return c.bytes;
  };
  const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));
  assert.equal(parseElf(mk([...ascii('/lib/ld.so'), 0])).interp, '/lib/ld.so');
  assert.equal(parseElf(mk([...ascii('/a'), 0, ...ascii('b'), 0])).interp, '/a', 'up to the first NUL');
  assert.equal(parseElf(mk([0x2f, 0xc3, 0xa9, 0])).interp, '/\u00e9', 'UTF-8 path');
  throwsElf(mk(ascii('/lib/ld.so')), 'segment 0 (PT_INTERP) is not a NUL-terminated path');
  throwsElf(mk([]), 'segment 0 (PT_INTERP) is not a NUL-terminated path');
  throwsElf(mk([0]), 'segment 0 (PT_INTERP) names an empty path');
  throwsElf(mk([...ascii('/x'), 0], 2), 'segment 1 is a second PT_INTERP');
});

test('PN_XNUM: the program header count comes from section 0 sh_info', () => {
  const c = craft({ phnum: 0xffff, shoff: 0x1c0n });
  c.dv.setUint32(0x1c0 + 44, 1, true);
  const img = parseElf(c.bytes);
  assert.equal(img.phnum, 1);
  assert.equal(img.loads.length, 1);
  throwsElf(craft({ phnum: 0xffff }).bytes, 'e_phnum is PN_XNUM but there is no section header table');
  throwsElf(craft({ phnum: 0xffff, shoff: 0x1f0n }).bytes, /^truncated: section header 0 \(holding the program header count\)/);
});

test('a malformed section table makes symbol() return undefined', () => {
  const file = fixture('rv64-static.elf');           // e_shoff 8872 (0x22a8), 10 headers, 9512 bytes
  const patched = (f: (dv: DataView) => void): Uint8Array => {
    const b = file.slice();
    f(new DataView(b.buffer));
    return b;
  };
  const symtabAt = (): number => {                   // the SHT_SYMTAB section header
    const dv = new DataView(file.buffer, file.byteOffset);
    for (let i = 0; i < 10; i++) if (dv.getUint32(8872 + 64 * i + 4, true) === 2) return 8872 + 64 * i;
    throw new Error('fixture has no .symtab');
  };
  const sym = symtabAt();
  const cases: [string, Uint8Array][] = [
    ['shoff past end', patched((dv) => dv.setBigUint64(40, 0x100000n, true))],
    ['shoff near 2^64', patched((dv) => dv.setBigUint64(40, 0xfffffffffffffff0n, true))],
    ['shentsize 32', patched((dv) => dv.setUint16(58, 32, true))],
    ['shnum too large', patched((dv) => dv.setUint16(60, 0xfff0, true))],
    ['section headers cut off', file.subarray(0, 9000)],
    ['sh_link out of range', patched((dv) => dv.setUint32(sym + 40, 99, true))],
    ['sh_entsize 16', patched((dv) => dv.setBigUint64(sym + 56, 16n, true))],
    ['symtab past end', patched((dv) => dv.setBigUint64(sym + 24, 0xffffffffffffff00n, true))],
    ['no symtab', patched((dv) => dv.setUint32(sym + 4, 0, true))],
    ['shoff 0', patched((dv) => dv.setBigUint64(40, 0n, true))],
  ];
  for (const [what, bytes] of cases) {
    const img = parseElf(bytes);
    assert.equal(img.loads.length, 2, what);
    assert.equal(img.symbol('tohost'), undefined, what);
  }
});

// ---- live comparison with readelf ------------------------------------------

const READELF = 'riscv64-linux-gnu-readelf';
function readelfOutput(path: string): string | undefined {
  try {
    return execFileSync(READELF, ['-lhsW', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}
const haveReadelf = readelfOutput(join(process.cwd(), 'test', 'elf', 'rv64-static.elf')) !== undefined;

const TYPE_NAMES = new Map<string, number>([
  ['LOAD', PT_LOAD], ['DYNAMIC', PT_DYNAMIC], ['INTERP', PT_INTERP], ['NOTE', PT_NOTE], ['PHDR', PT_PHDR],
  ['TLS', PT_TLS], ['GNU_EH_FRAME', PT_GNU_EH_FRAME], ['GNU_STACK', PT_GNU_STACK], ['GNU_RELRO', PT_GNU_RELRO],
  ['RISCV_ATTRIBUT', PT_RISCV_ATTRIBUTES], ['RISCV_ATTRIBUTES', PT_RISCV_ATTRIBUTES],
]);

test('entry, segments and .symtab agree with riscv64-linux-gnu-readelf', {
  skip: haveReadelf ? false : `${READELF} not on PATH; the constants above were taken from it`,
}, () => {
  for (const name of RV64) {
    const path = join(process.cwd(), 'test', 'elf', name);
    const out = readelfOutput(path)!;
    const img = parseElf(fixture(name));
    const entry = /Entry point address:\s+(0x[0-9a-f]+)/.exec(out);
    assert.ok(entry, `${name}: no entry in readelf output`);
    assert.equal(img.entry, BigInt(entry[1]!), name);

    const phText = out.slice(out.indexOf('Program Headers:'), out.indexOf('Section to Segment mapping'));
    const ph = [...phText.matchAll(/^ {2}(\S+)\s+(0x\S+) (0x\S+) (0x\S+) (0x\S+) (0x\S+) (.{3}) (0x[0-9a-f]+)$/gm)];
    assert.equal(ph.length, img.segments.length, `${name}: segment count`);
    ph.forEach((m, i) => {
      const type = TYPE_NAMES.get(m[1]!);
      assert.ok(type !== undefined, `${name}: unknown readelf type ${m[1]}`);
      const fl = m[7]!;
      const flags = (fl[0] === 'R' ? PF_R : 0) | (fl[1] === 'W' ? PF_W : 0) | (fl[2] === 'E' ? PF_X : 0);
      const s = img.segments[i]!;
      assert.deepEqual(
        [s.type, s.offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags, s.align],
        [type, Number(m[2]), BigInt(m[3]!), BigInt(m[4]!), Number(m[5]), Number(m[6]), flags, Number(m[8])],
        `${name}: segment ${i}`);
    });
    const interp = /\[Requesting program interpreter: (.*)\]/.exec(out);
    assert.equal(img.interp, interp?.[1], `${name}: interp`);

    // Expected symbol() result: the first global/weak definition, else the first local one.
    const symText = out.slice(out.indexOf("Symbol table '.symtab'"));
    const global = new Map<string, bigint>(), local = new Map<string, bigint>();
    let seen = 0;
    for (const m of symText.matchAll(/^\s+\d+: ([0-9a-f]+)\s+\S+ +(\S+) +(\S+) +\S+ +(\S+) ?(.*)$/gm)) {
      seen++;
      const [, value, type, bind, ndx, sym] = m;
      // readelf prints the section's name for STT_SECTION symbols, whose st_name is 0.
      if (ndx === 'UND' || type === 'SECTION' || !sym) continue;
      const map = bind === 'LOCAL' ? local : global;
      if (!map.has(sym)) map.set(sym, BigInt('0x' + value));
    }
    assert.ok(seen > 10, `${name}: parsed ${seen} readelf symbol lines`);
    for (const [sym, value] of [...local, ...global]) {
      assert.equal(img.symbol(sym), global.get(sym) ?? value, `${name}: symbol ${sym}`);
    }
  }
});

// ---- robustness -------------------------------------------------------------

/** mulberry32: a small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** parseElf returns or throws a one-line ElfError; symbol() on a result never throws. */
function probe(bytes: Uint8Array, what: string): boolean {
  let img: ElfImage;
  try {
    img = parseElf(bytes);
  } catch (e) {
    if (!(e instanceof ElfError)) assert.fail(`${what}: threw ${e instanceof Error ? e.stack : String(e)}`);
    assert.ok(e.message.length > 0 && !e.message.includes('\n'), `${what}: message ${JSON.stringify(e.message)}`);
    return false;
  }
  for (const s of img.segments) assert.equal(s.data.length, s.filesz, what);
  for (const name of ['tohost', '_start', 'main', '', '\u00e9']) {
    const v = img.symbol(name);
    assert.ok(v === undefined || typeof v === 'bigint', what);
  }
  return true;
}

interface Layout { phoff: number; phend: number; shoff: number; shend: number }
function layout(b: Uint8Array): Layout {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const is64 = b[4] === 2;
  const phoff = is64 ? Number(dv.getBigUint64(32, true)) : dv.getUint32(28, true);
  const shoff = is64 ? Number(dv.getBigUint64(40, true)) : dv.getUint32(32, true);
  const phend = phoff + dv.getUint16(is64 ? 54 : 42, true) * dv.getUint16(is64 ? 56 : 44, true);
  const shend = shoff + dv.getUint16(is64 ? 58 : 46, true) * dv.getUint16(is64 ? 60 : 48, true);
  return { phoff, phend, shoff, shend };
}

/** The fixtures plus the x86-64 one relabelled as RISC-V, which then parses. */
function robustnessInputs(): [string, Uint8Array][] {
  const list: [string, Uint8Array][] = FIXTURES.map((n) => [n, fixture(n)]);
  const x86 = fixture('x86_64.elf').slice();
  x86[18] = 243; x86[19] = 0;
  list.push(['x86_64.elf relabelled', x86]);
  return list;
}

test('every truncation of every fixture: a result or a one-line ElfError', () => {
  let accepted = 0, total = 0;
  for (const [name, file] of robustnessInputs()) {
    const { phoff, phend, shoff, shend } = layout(file);
    const lengths = new Set<number>([file.length]);
    for (let n = 0; n <= file.length; n += 13) lengths.add(n);
    for (let n = 0; n <= 256; n++) lengths.add(n);
    for (let n = phoff; n <= phend; n++) lengths.add(n);
    for (let n = shoff; n <= shend; n++) lengths.add(n);
    for (const n of lengths) {
      if (n > file.length) continue;
      total++;
      if (probe(file.subarray(0, n), `${name} cut to ${n}`)) accepted++;
    }
  }
  assert.ok(total > 3000, `${total} truncations`);
  assert.ok(accepted > 0, 'some truncations (of the section table) still parse');
});

test('seeded random mutations: a result or a one-line ElfError', () => {
  const next = rng(0x5eed);
  const pick = (n: number) => Math.floor(next() * n);
  const interesting = [0n, 1n, 8n, 0x38n, 0x40n, 0xffffn, 0xffffffffn, 1n << 40n, (1n << 40n) - 1n, 1n << 53n,
    1n << 63n, 0xffffffffffffffffn, 0xfffffffffffff000n];
  let accepted = 0, total = 0;
  for (const [name, file] of robustnessInputs()) {
    const { phoff, phend, shoff, shend } = layout(file);
    for (let iter = 0; iter < 800; iter++) {
      const b = file.slice();
      const dv = new DataView(b.buffer);
      const edits = 1 + pick(4);
      for (let k = 0; k < edits; k++) {
        const r = next();
        const region: [number, number] = r < 0.35 ? [0, 64] : r < 0.7 ? [phoff, phend] : r < 0.9 ? [shoff, shend] : [0, b.length];
        const lo = Math.max(0, Math.min(region[0], b.length)), hi = Math.max(lo + 1, Math.min(region[1], b.length));
        const at = lo + pick(hi - lo);
        if (next() < 0.3 && at + 8 <= b.length) {
          const v = next() < 0.8 ? interesting[pick(interesting.length)]! : BigInt(b.length - pick(64));
          dv.setBigUint64(at & ~7, v < 0n ? 0n : v, true);
        } else if (at < b.length) {
          b[at] = next() < 0.5 ? pick(256) : b[at]! ^ (1 << pick(8));
        }
      }
      total++;
      if (probe(b, `${name} mutation #${iter}`)) accepted++;
    }
  }
  assert.equal(total, 4800);
  assert.ok(accepted > 500, `${accepted} mutated files still parse, so the accept path is exercised`);
});
