// The differential instruction fuzzer's driver: runs each stream's ELF on lde
// and under qemu-riscv64 and compares the registers they dump. On a
// difference it finds the shortest prefix of the stream that still differs,
// and names its last instruction and the registers that differ.

import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { disassemble } from '../src/isa/disasm.js';
import { Finding, Tally, crashSite, keep } from './finding.js';
import { guardFor, runLde } from './lde.js';
import { Item, initialState, randomStream } from './insn-gen.js';
import { DUMP_BYTES, layout, streamElf } from './insn-elf.js';

export interface InsnOptions { streams: number; length: number; cwd: string; }

/** Why the insn fuzzer cannot run here, or undefined when it can. */
export function insnPrerequisites(): string | undefined {
  const path = (process.env.PATH ?? '').split(':');
  const has = path.some((d) => spawnSync('test', ['-x', `${d}/qemu-riscv64`]).status === 0);
  return has ? undefined : 'qemu-riscv64 is not on PATH (Debian: qemu-user)';
}

interface Result { lde: string; qemu: string; finding?: Omit<Finding, 'repro' | 'signature'> & { signature?: string }; }

function runBoth(file: string, cwd: string): Result {
  const l = runLde(['run', '--max-time', '0.1', file], { guardMs: guardFor(0.1), cwd });
  const q = spawnSync('qemu-riscv64', [file], { encoding: 'latin1', timeout: 60_000 });
  const res = { lde: l.stdout, qemu: q.stdout ?? '' };
  if (l.verdict !== 'ok') return { ...res, finding: { fuzzer: 'insn', verdict: l.verdict, why: l.why, frames: l.frames, signature: `insn ${l.verdict} at ${crashSite(l.frames)}` } };
  if (q.status !== 0 || res.qemu.length !== DUMP_BYTES) // the stream must run cleanly on the reference
    return { ...res, finding: { fuzzer: 'insn', verdict: 'differs', why: `generator bug: qemu-riscv64 gave status ${q.status ?? q.signal} and ${res.qemu.length} bytes`, frames: [], signature: 'insn generator: stream not clean under qemu' } };
  if (l.status !== q.status || res.lde !== res.qemu)
    return { ...res, finding: { fuzzer: 'insn', verdict: 'differs', why: `lde status ${l.status}, qemu ${q.status}; ${diff(res.lde, res.qemu)}`, frames: [] } };
  return res;
}

const NAMES = [...Array.from({ length: 32 }, (_, i) => `x${i}`), ...Array.from({ length: 32 }, (_, i) => `f${i}`), 'fcsr'];

/** The registers that differ between two dumps, as `reg lde/qemu`. */
export function diff(a: string, b: string): string {
  if (a.length !== DUMP_BYTES || b.length !== DUMP_BYTES) return `dumps of ${a.length} and ${b.length} bytes`;
  const A = Buffer.from(a, 'latin1'), B = Buffer.from(b, 'latin1'), out: string[] = [];
  for (let i = 0; i < 65; i++) {
    const x = A.readBigUInt64LE(8 * i), y = B.readBigUInt64LE(8 * i);
    if (x !== y) out.push(`${NAMES[i]} lde 0x${x.toString(16)} qemu 0x${y.toString(16)}`);
  }
  return out.join(', ');
}

function write(file: string, items: Item[], seed: number, index: number): void {
  writeFileSync(file, streamElf(items, initialState(seed, index)));
  chmodSync(file, 0o755);
}

/** The shortest prefix of `items` whose run still differs (binary search; assumes a prefix differs if a shorter one does). */
function shortest(items: Item[], seed: number, index: number, file: string, cwd: string): number {
  let lo = 0, hi = items.length; // prefix lo agrees (0 items: the init alone), prefix hi differs
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    write(file, items.slice(0, mid), seed, index);
    if (runBoth(file, cwd).finding) hi = mid; else lo = mid;
  }
  return hi;
}

/** Runs `o.streams` streams of `seed`; adds them and any finding to `tally`. */
export function fuzzInsnSeed(seed: number, o: InsnOptions, tally: Tally): void {
  for (let i = 0; i < o.streams; i++) {
    const items = randomStream(seed, i, o.length), file = `${o.cwd}/insn-${seed}-${i}`;
    write(file, items, seed, i);
    const r = runBoth(file, o.cwd);
    tally.items++; tally.runs++;
    if (!r.finding) continue;
    const n = shortest(items, seed, i, file, o.cwd);
    write(file, items.slice(0, n), seed, i);
    const again = runBoth(file, o.cwd).finding ?? r.finding;
    const tail = items[n - 1]!, last = layout(items.slice(0, n)).slice('insns' in tail ? -tail.insns.length : -1);
    const asm = last.map((w) => disassemble(w, 0)).join('; ');
    tally.findings.push({ ...again, why: `${again.why} [after ${n} items, the last: ${asm}]`,
      repro: `npm run fuzz -- --only insn --seed ${seed} (stream ${i}, first ${n} items; ELF kept at ${keep(`insn-${seed}-${i}`, readFileSync(file))})`,
      signature: again.signature ?? `insn differs: ${asm.split(' ')[0]}` });
  }
}
