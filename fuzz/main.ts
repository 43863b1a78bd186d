// npm run fuzz -- [--seconds N] [--seed S] [--only syscall|elf|insn] [--tame]
// Runs the fuzzers in turn, one lde process at a time, each for its share of
// N seconds of wall time (default 60), from seed S (default 1) upward, and
// prints every finding with its reproducer. Exit status 1 when any fuzzer
// found something. docs/fuzzing.md says what each covers.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Tally, describe, newTally, summarise } from './finding.js';
import { fuzzSyscallSeed } from './syscall.js';
import { fuzzElfSeed } from './elf.js';
import { fuzzInsnSeed, insnPrerequisites } from './insn.js';

type Fuzzer = 'syscall' | 'elf' | 'insn';
const FUZZERS: Fuzzer[] = ['syscall', 'elf', 'insn'];

interface Args { seconds: number; seed: number; only: Fuzzer[]; tame: boolean; }

function parse(argv: string[]): Args {
  const a: Args = { seconds: 60, seed: 1, only: FUZZERS, tame: false };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!, v = argv[i + 1];
    if (w === '--seconds' && v) { a.seconds = Number(v); i++; }
    else if (w === '--seed' && v) { a.seed = Number(v); i++; }
    else if (w === '--only' && v && (FUZZERS as string[]).includes(v)) { a.only = [v as Fuzzer]; i++; }
    else if (w === '--tame') a.tame = true;
    else throw new Error(`fuzz: unknown option ${w} (usage: npm run fuzz -- [--seconds N] [--seed S] [--only syscall|elf|insn] [--tame])`);
    if (!Number.isFinite(a.seconds) || !Number.isInteger(a.seed)) throw new Error(`fuzz: ${w} needs a number`);
  }
  return a;
}

/** One unit of work of `f` for `seed`, added to `t`. */
function step(f: Fuzzer, seed: number, t: Tally, a: Args, cwd: string): void {
  if (f === 'syscall') fuzzSyscallSeed(seed, { calls: 5000, maxTime: 2, tame: a.tame, batch: 100, cwd }, t);
  else if (f === 'elf') fuzzElfSeed(seed, { files: 20, maxTime: 0.2, cwd }, t);
  else fuzzInsnSeed(seed, { streams: 20, length: 64, cwd }, t);
}

const UNITS: Record<Fuzzer, string> = { syscall: 'system calls', elf: 'mutated ELF files', insn: 'instruction streams' };

function main(): number {
  const a = parse(process.argv.slice(2));
  const cwd = mkdtempSync(tmpdir() + '/lde-fuzz-');
  let found = 0;
  try {
    for (const f of a.only) {
      if (f === 'insn' && insnPrerequisites()) { console.log(`fuzz insn: skipped: ${insnPrerequisites()}`); continue; }
      const t = newTally(), end = Date.now() + (a.seconds * 1000) / a.only.length;
      let seed = a.seed;
      do {
        const before = t.findings.length;
        step(f, seed, t, a, cwd);
        console.log(`fuzz ${f}: seed ${seed}: ${t.items} ${UNITS[f]} so far, ${t.findings.length} findings`);
        for (const x of t.findings.slice(before)) console.log(describe(x));
        seed++;
      } while (Date.now() < end);
      console.log(`fuzz ${f}: ${t.items} ${UNITS[f]} in ${t.runs} runs (seeds ${a.seed}..${seed - 1}), ${t.findings.length} findings`);
      if (t.findings.length) console.log(summarise(t.findings));
      found += t.findings.length;
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return found ? 1 : 0;
}

process.exitCode = main();
