// Validates the test/linux corpus and its expected files (the oracle for
// `lde run`): builds every program with riscv64-linux-gnu-gcc (once, shared
// with run.test.ts: builtCorpus),
// runs each under qemu-riscv64 with the manifest's arguments, environment and
// stdin, and compares the shell-style status and exact stdout with
// test/linux/expected/<name>.txt.  Programs whose oracle is 'linux' (qemu
// gets them wrong) are checked against a native host build instead.
//
// To re-record the expected files: LDE_RECORD_LINUX=1 node --test dist/test/linux-qemu.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, HANG_GUARD_MS } from './helpers/cli.js';
import {
  LINUX_DIR, LINUX_PROGRAMS, GUEST_ENV, type Expected, type LinuxProgram,
  builtCorpus, expectedPath, formatExpected, readExpected, shellStatus,
} from './linux/programs.js';

const RECORD = process.env.LDE_RECORD_LINUX === '1';

test('every test/linux program has a manifest entry, a source and an expected file', () => {
  const sources = readdirSync(LINUX_DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
  assert.deepEqual(LINUX_PROGRAMS.map((p) => p.name).sort(), sources);
  for (const p of LINUX_PROGRAMS) {
    if (RECORD) continue;
    assert.ok(existsSync(expectedPath(p.name)), `missing ${expectedPath(p.name)}`);
    const e = readExpected(p.name);
    assert.ok(e.status >= 0 && e.status <= 255, `${p.name}: status ${e.status}`);
  }
  assert.match(readFileSync(LINUX_DIR + '.gitignore', 'utf8'), /^bin\/$/m, 'test/linux/bin/ must stay uncommitted');
});

/** Runs a built program (under `runner` when given) the way the lde test will. */
function run(p: LinuxProgram, bin: string, runner?: string): Expected {
  const [cmd, args] = runner ? [runner, [bin, ...p.args]] : [bin, p.args];
  const r = spawnSync(cmd, args, {
    env: { ...GUEST_ENV }, input: p.stdin, cwd: tmpdir(), timeout: HANG_GUARD_MS, maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { status: shellStatus(r.status, r.signal), stdout: r.stdout.toString('utf8') };
}

function check(p: LinuxProgram, got: Expected): void {
  if (RECORD) {
    writeFileSync(expectedPath(p.name), formatExpected(got));
    return;
  }
  const want = readExpected(p.name);
  assert.equal(formatExpected(got), formatExpected(want), `${p.name}: output differs from ${expectedPath(p.name)}`);
}

/** Builds the corpus (or just `only`) into out; a native build links dynamically. */
function make(out: string, native = false, only: LinuxProgram[] = []): void {
  const args = ['-s', '-C', LINUX_DIR, `OUT=${out}`, '-j2', ...only.map((p) => `${out}/${p.name}`)];
  if (native) args.push('CC=cc', 'LDFLAGS=');
  const r = spawnSync('make', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `make failed:\n${r.stderr}`);
}

test('the test/linux corpus under qemu-riscv64 matches its expected files', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64', 'make')) {
    return t.skip('riscv64-linux-gnu-gcc, qemu-riscv64 or make not on PATH: test/linux corpus not validated');
  }
  const out = builtCorpus(); // the same binaries the lde test runs (run.test.ts)
  for (const p of LINUX_PROGRAMS) {
    await t.test(p.name, (t) => {
      if (p.oracle !== 'qemu') return t.skip(`oracle is Linux, not qemu (see test/linux/README.md)`);
      check(p, run(p, `${out}/${p.name}`, 'qemu-riscv64'));
    });
  }
});

test('programs qemu-riscv64 gets wrong match a native build on the host Linux kernel', async (t) => {
  const native = LINUX_PROGRAMS.filter((p) => p.oracle === 'linux');
  if (process.platform !== 'linux' || !have('cc', 'make')) {
    return t.skip('needs a Linux host with cc and make: Linux-oracle programs not validated');
  }
  const out = mkdtempSync(tmpdir() + '/lde-linux-native-');
  try {
    make(out, true, native);
    for (const p of native) await t.test(p.name, () => check(p, run(p, `${out}/${p.name}`)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
