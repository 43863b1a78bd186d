// The project's fuzzers, each for a fixed, small amount of work with fixed
// seeds (docs/fuzzing.md, "What CI runs"): the oracle is the fuzzers' own
// verdict, that lde neither crashed (status 70, a stack trace, stray stderr)
// nor hung, and for the instruction fuzzer that lde's registers equal
// qemu-riscv64's. `npm run fuzz -- --seconds N` runs them for longer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { newTally, summarise, type Tally } from '../fuzz/finding.js';
import { fuzzSyscallSeed } from '../fuzz/syscall.js';
import { fuzzElfSeed } from '../fuzz/elf.js';
import { fuzzInsnSeed, insnPrerequisites } from '../fuzz/insn.js';
import { progress } from '../fuzz/syscall.js';
import { runLde, guardFor } from '../fuzz/lde.js';
import { SYSFUZZ } from '../fuzz/syscall.js';

function scratch<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(`${tmpdir()}/lde-fuzz-test-`);
  try { return f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

function clean(t: Tally, what: string): void {
  assert.equal(t.findings.length, 0, `${what} found:\n${summarise(t.findings)}`);
}

const CI = {
  syscall: { seeds: [1, 1000], calls: 600, tame: false },
  elf: { seed: 1, files: 6 }, // two of them run, four are rejected
  insn: { seed: 1, streams: 3, length: 48 },
} as const;

test('syscall fuzzer: seeds 1 and 1000 (which found the pteAddr crash), 600 calls each, in full mode, neither crash nor hang lde', () => scratch((cwd) => {
  const t = newTally();
  for (const seed of CI.syscall.seeds) fuzzSyscallSeed(seed, { calls: CI.syscall.calls, maxTime: 2, tame: CI.syscall.tame, batch: 100, cwd }, t);
  clean(t, 'the syscall fuzzer');
  assert.ok(t.items >= CI.syscall.calls, `only ${t.items} calls made`);
}));

test('sysfuzz is deterministic: a seed makes the same calls and batches end the same way', () => scratch((cwd) => {
  const args = ['run', '--max-time', '2', SYSFUZZ, '-t', '-v', '-b', '50', '7', '100'];
  const a = runLde(args, { guardMs: guardFor(2), cwd }), b = runLde(args, { guardMs: guardFor(2), cwd });
  const calls = (s: string) => [...s.matchAll(/sysfuzz: calls? [^\n]*/g)].map((m) => m[0]);
  assert.equal(a.verdict, 'ok', a.why);
  assert.ok(calls(a.stdout).length > 50);
  assert.deepEqual(calls(a.stdout), calls(b.stdout));
  assert.equal(progress(a.stdout, 0).made, 100);
}));

test('ELF mutator: 6 mutants of seed 1 are each rejected in one line (126) or run; none crash or hang lde', () => scratch((cwd) => {
  const t = newTally();
  fuzzElfSeed(CI.elf.seed, { files: CI.elf.files, maxTime: 0.2, cwd }, t);
  clean(t, 'the ELF mutator');
  assert.equal(t.items, CI.elf.files);
}));

test('instruction fuzzer: 3 streams of seed 1 give the same registers on lde and qemu-riscv64', (t) => {
  const why = insnPrerequisites();
  if (why) { t.skip(`${why}: the differential instruction fuzzer is not run`); return; }
  scratch((cwd) => {
    const tally = newTally();
    fuzzInsnSeed(CI.insn.seed, { streams: CI.insn.streams, length: CI.insn.length, cwd }, tally);
    clean(tally, 'the instruction fuzzer');
    assert.equal(tally.items, CI.insn.streams);
  });
});
