// The ELF mutator: takes the bundled guest programs (user/bin, and a static
// glibc program when riscv64-linux-gnu-gcc is there), mutates their headers,
// program headers and bytes from a seed, runs each with `lde run --max-time`,
// and requires a normal run or one stderr line with status 126: never an
// internal error (70), a stack trace or a hang.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { ROOT, guardFor, runLde } from './lde.js';
import { Finding, Tally, crashSite, keep } from './finding.js';
import { Rng } from './rng.js';

export interface ElfOptions { files: number; maxTime: number; cwd: string; }

// ELF64 layout (System V gABI, "ELF Header" and "Program Header").
const EHDR: Record<string, [offset: number, size: number]> = {
  ei_class: [4, 1], ei_data: [5, 1], ei_version: [6, 1], ei_osabi: [7, 1],
  e_type: [16, 2], e_machine: [18, 2], e_version: [20, 4], e_entry: [24, 8], e_phoff: [32, 8],
  e_shoff: [40, 8], e_flags: [48, 4], e_ehsize: [52, 2], e_phentsize: [54, 2], e_phnum: [56, 2],
  e_shentsize: [58, 2], e_shnum: [60, 2], e_shstrndx: [62, 2],
};
const PHDR: Record<string, [offset: number, size: number]> = {
  p_type: [0, 4], p_flags: [4, 4], p_offset: [8, 8], p_vaddr: [16, 8], p_paddr: [24, 8],
  p_filesz: [32, 8], p_memsz: [40, 8], p_align: [48, 8],
};
const PT = [0n, 1n, 2n, 3n, 4n, 6n, 7n, 0x6474e550n, 0x6474e551n, 0x6474e552n, 0x70000003n, 0xffffffffn];

/** Edge values for a field of `size` bytes in a file of `len` bytes. */
function edges(size: number, len: number): bigint[] {
  const max = (1n << BigInt(8 * size)) - 1n;
  const all = [0n, 1n, 2n, 7n, 56n, 64n, 0xfffn, 0x1000n, 0x1001n, BigInt(len), BigInt(len + 1), 0x10000n,
               1n << 31n, 1n << 32n, 1n << 53n, 1n << 62n, 1n << 63n, (1n << 63n) - 1n, max, max - 0xfffn,
               0x3fffffff000n, 0x4000000000n, 0xffffffc000000000n];
  return all.filter((v) => v <= max);
}

const readField = (b: Buffer, at: number, size: number) => size === 8 ? b.readBigUInt64LE(at) : BigInt(b.readUIntLE(at, size));
function writeField(b: Buffer, at: number, size: number, v: bigint): void {
  if (at + size > b.length) return;
  if (size === 8) b.writeBigUInt64LE(v & ((1n << 64n) - 1n), at); else b.writeUIntLE(Number(v & ((1n << BigInt(8 * size)) - 1n)), at, size);
}

/** The program headers' offsets in `b`, as its (unmutated) header says. */
function phdrs(b: Buffer): number[] {
  if (b.length < 64) return [];
  const off = Number(b.readBigUInt64LE(32)), n = b.readUInt16LE(56), sz = b.readUInt16LE(54);
  return Array.from({ length: n }, (_, i) => off + i * sz).filter((o) => sz >= 56 && o + 56 <= b.length);
}

/** Applies one random mutation to `b` (which it may replace); returns it and what it did. */
function mutate(b: Buffer, r: Rng): [Buffer, string] {
  const ph = phdrs(b);
  switch (r.below(ph.length ? 7 : 3)) {
    case 0: {
      const [name, [at, size]] = r.pick(Object.entries(EHDR));
      const v = r.pick(edges(size, b.length));
      writeField(b, at, size, v);
      return [b, `${name}=0x${v.toString(16)}`];
    }
    case 1: {
      const flips: number[] = [];
      for (let k = 1 + r.below(8); k > 0; k--) {
        const bit = r.below(Math.min(b.length, r.oneIn(2) ? 512 : b.length) * 8);
        b[bit >> 3]! ^= 1 << (bit & 7);
        flips.push(bit);
      }
      return [b, `flip bits ${flips.join(',')}`];
    }
    case 2: {
      const len = r.oneIn(2) ? r.below(Math.min(b.length, 1024)) : r.below(b.length);
      return [b.subarray(0, len), `truncate to ${len}`];
    }
    case 3: case 4: {
      const i = r.below(ph.length);
      const [name, [at, size]] = r.pick(Object.entries(PHDR));
      const v = name === 'p_type' ? r.pick(PT) : r.pick(edges(size, b.length));
      writeField(b, ph[i]! + at, size, v);
      return [b, `phdr[${i}].${name}=0x${v.toString(16)}`];
    }
    case 5: {
      const i = r.below(ph.length), j = r.below(ph.length);
      const shift = BigInt(r.below(3) * 0x800);
      const v = readField(b, ph[j]! + 16, 8) + shift;
      writeField(b, ph[i]! + 16, 8, v);
      writeField(b, ph[i]! + 0, 4, 1n);
      return [b, `phdr[${i}] LOAD at phdr[${j}].p_vaddr+0x${shift.toString(16)} (overlap)`];
    }
    default: {
      const i = r.below(ph.length), d = r.pick([1n, 0x1000n, 1n << 32n, 1n << 40n, 1n << 62n]);
      const f = r.pick(['p_filesz', 'p_memsz', 'p_offset'] as const), at = ph[i]! + PHDR[f]![0];
      writeField(b, at, 8, readField(b, at, 8) + d);
      return [b, `phdr[${i}].${f}+=0x${d.toString(16)}`];
    }
  }
}

const inputs = new Map<string, string[]>();

/** The programs to mutate: user/bin/*, and a static glibc hello when the cross compiler exists. */
export function elfInputs(cwd: string): string[] {
  const known = inputs.get(cwd);
  if (known) return known;
  const bin = ROOT + 'user/bin/';
  const list = readdirSync(bin).filter((f) => f !== 'sysfuzz').sort().map((f) => bin + f);
  inputs.set(cwd, list);
  const glibc = cwd + '/glibc-hello';
  try {
    if (!existsSync(glibc)) {
      writeFileSync(glibc + '.c', '#include <stdio.h>\nint main(int c, char **v) { printf("hello %d %s\\n", c, v[0]); return 0; }\n');
      execFileSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', glibc, glibc + '.c'], { stdio: 'ignore' });
    }
    list.push(glibc);
  } catch { /* no glibc cross compiler: the bundled programs only */ }
  return list;
}

/** The mutated file `index` of `seed`: its bytes and recipe. Depends only on the inputs, seed and index. */
export function mutant(seed: number, index: number, cwd: string): { bytes: Buffer; recipe: string } {
  const r = new Rng(seed, index), list = elfInputs(cwd), base = r.pick(list);
  let b: Buffer = Buffer.from(readFileSync(base));
  const steps: string[] = [];
  for (let k = 1 + r.below(3); k > 0; k--) { const [nb, what] = mutate(b, r); b = nb; steps.push(what); }
  return { bytes: b, recipe: `${base.replace(ROOT, '').replace(cwd + '/', '')}: ${steps.join('; ')}` };
}

/** Runs `o.files` mutants of `seed`; adds them and any finding to `tally`. */
export function fuzzElfSeed(seed: number, o: ElfOptions, tally: Tally): void {
  for (let i = 0; i < o.files; i++) {
    const { bytes, recipe } = mutant(seed, i, o.cwd);
    const file = `${o.cwd}/m-${seed}-${i}`;
    writeFileSync(file, bytes);
    chmodSync(file, 0o755);
    const out = runLde(['run', '--max-time', String(o.maxTime), file], { guardMs: guardFor(o.maxTime), cwd: o.cwd, guestStderr: true });
    tally.items++; tally.runs++;
    if (out.verdict === 'ok') continue;
    const f: Finding = { fuzzer: 'elf', verdict: out.verdict, why: `${out.why} [status ${out.status}]`, frames: out.frames,
      repro: `npm run fuzz -- --only elf --seed ${seed}: file ${i} = ${recipe}`,
      signature: out.verdict === 'hang' ? `elf hang: ${recipe.split(':')[1]}` : `elf crash at ${crashSite(out.frames) || out.why.slice(0, 60)}` };
    f.repro += ` (file kept at ${keep(`elf-${seed}-${i}`, bytes)})`;
    tally.findings.push(f);
  }
}
