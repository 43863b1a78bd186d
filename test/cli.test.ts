// lde bare's contract (DESIGN.md): HTIF exit statuses, console output, and
// one clear line with a shell-like status for every bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { lde, have, ROOT, type Run } from './helpers/cli.js';

const BIN = 'test/bare/bin';
const tmp = mkdtempSync(tmpdir() + '/lde-cli-');

/** One line on stderr, naming lde, and no stack trace. */
function oneLine(r: Run): string {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^lde: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return lines[0];
}

test('a passing program prints through HTIF and the UART and exits 0', () => {
  const r = lde(['bare', `${BIN}/pass.elf`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello from htif\nuart ok\n');
  assert.equal(r.stderr, '');
});

test('a failing program exits with its HTIF code', () => {
  assert.equal(lde(['bare', `${BIN}/fail7.elf`]).status, 7);
});

test('--max-insns stops a spinning program with status 124 and says where', () => {
  const r = lde(['bare', '--max-insns', '100000', `${BIN}/spin.elf`]);
  assert.equal(r.status, 124);
  assert.match(oneLine(r), /stopped after 100000 steps, instructions and traps \(--max-insns\) at pc 0x80000000/);
});

test('wfi with nothing that can wake the hart ends with status 125', () => {
  const r = lde(['bare', `${BIN}/idle.elf`]);
  assert.equal(r.status, 125);
  assert.match(oneLine(r), /waits in wfi/);
});

test('wfi skips virtual time to the armed timer instead of spinning', () => {
  assert.equal(lde(['bare', '--max-insns', '1000', `${BIN}/timer.elf`]).status, 0);
});

test('--trace-insns prints one disassembled line per instruction on stderr', () => {
  const r = lde(['bare', '--trace-insns', `${BIN}/fail7.elf`]);
  assert.equal(r.status, 7);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^\s+0x80000000 +42bd  addi t0,zero,15$/);
  assert.ok(lines.some((l) => /sd t0,0\(t1\)/.test(l)), r.stderr);
});

test('--stats reports instructions and host memory; a 128 MiB guest stays under 400 MiB RSS', () => {
  const r = lde(['bare', '--stats', `${BIN}/memtouch.elf`]);
  assert.equal(r.status, 0, r.stderr);
  // The first line; the JIT's counters follow on a line of their own.
  const m = /^lde: stats: ([\d,]+) instructions, ([\d,]+) cycles .* max RSS (\d+) MiB$/m.exec(r.stderr.trim());
  if (process.env.LDE_JIT !== 'off') assert.match(r.stderr, /^lde: stats: jit: \d+ regions/m);
  assert.ok(m, r.stderr);
  assert.ok(Number(m[1].replace(/,/g, '')) > 4 * 32000, 'touched every page');
  assert.ok(Number(m[3]) >= 128 && Number(m[3]) < 400, `max RSS ${m[3]} MiB`);
});

function badElf(name: string, bytes: Uint8Array): string {
  const p = `${tmp}/${name}`;
  writeFileSync(p, bytes);
  return p;
}

const pass = readFileSync(`${ROOT}${BIN}/pass.elf`);
const cases: [string, () => string[], number, RegExp][] = [
  ['a missing file', () => ['bare', `${tmp}/nope.elf`], 127, /nope\.elf: no such file/],
  ['a directory', () => { mkdirSync(`${tmp}/dir`, { recursive: true }); return ['bare', `${tmp}/dir`]; }, 126, /is a directory/],
  ['an empty file', () => ['bare', badElf('empty', new Uint8Array())], 126, /empty|not an ELF/],
  ['a text file', () => ['bare', badElf('text', new TextEncoder().encode('#!/bin/sh\necho hi\n'))], 126, /not an ELF/],
  ['a truncated ELF', () => ['bare', badElf('trunc', pass.subarray(0, 100))], 126, /truncated/],
  ['an x86-64 ELF', () => ['bare', 'test/elf/x86_64.elf'], 126, /x86-64.*RISC-V/],
  ['a 32-bit ELF', () => ['bare', 'test/elf/rv32.elf'], 126, /32-bit/],
  ['segments outside RAM', () => ['bare', '--mem', '64K', 'bench/bin/sieve.elf'], 126, /outside RAM/],
];
for (const [what, args, status, msg] of cases) {
  test(`bad input: ${what} gives one line and status ${status}`, () => {
    const r = lde(args());
    assert.equal(r.status, status, r.stderr);
    assert.match(oneLine(r), msg);
  });
}

const usage: [string[], RegExp][] = [
  [['bare'], /missing ELF/],
  [['bare', '--mem', '0', `${BIN}/pass.elf`], /--mem: 0 is out of range/],
  [['bare', '--mem', '3G', `${BIN}/pass.elf`], /--mem: 3G is out of range/],
  [['bare', '--mem', 'lots', `${BIN}/pass.elf`], /--mem: 'lots' is not a size/],
  [['bare', '--max-insns', '-5', `${BIN}/pass.elf`], /unknown option -5|not a whole number/],
  [['bare', '--max-insns', '0', `${BIN}/pass.elf`], /out of range/],
  [['bare', '--frobnicate', `${BIN}/pass.elf`], /unknown option --frobnicate/],
  [['launch'], /unknown command 'launch'/],
];
for (const [args, msg] of usage) {
  test(`usage error: lde ${args.join(' ')} → status 2`, () => {
    const r = lde(args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.split('\n')[0], msg);
  });
}

test('the committed test programs match their sources (rebuilt with the cross compiler)', (t) => {
  if (!have('riscv64-unknown-elf-gcc', 'make')) return t.skip('riscv64-unknown-elf-gcc not installed: rebuild check skipped');
  const out = `${tmp}/rebuilt`;
  const mk = spawnSync('make', ['-s', '-C', `${ROOT}test/bare`, `OUT=${out}`], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  for (const f of readdirSync(out)) {
    const expect = f === 'fail7.elf' ? 7 : f === 'spin.elf' ? 124 : f === 'idle.elf' ? 125 : 0;
    assert.equal(lde(['bare', '--max-insns', '1M', `${out}/${f}`]).status, expect, f);
  }
});
