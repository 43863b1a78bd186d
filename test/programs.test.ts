// Real programs nobody here wrote (issue 11, acceptance): Debian's riscv64
// builds of busybox (static), sqlite3, lua5.4, gzip, xz and coreutils
// (dynamic, with --sysroot), fetched by scripts/riscv64-debs.sh into the
// directory LDE_RVROOT names (docs/programs.md). Each runs a realistic
// script under `lde run` and under qemu-riscv64 -L, and the outputs must
// be the same, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { have, lde, HANG_GUARD_MS, LDE } from './helpers/cli.js';

const DIR = fileURLToPath(new URL('../../test/programs/', import.meta.url));
const ROOT = process.env.LDE_RVROOT;

interface Out { status: number; stdout: Buffer }

function qemu(args: string[], input: Buffer | string): Out {
  const r = spawnSync('qemu-riscv64', ['-L', ROOT!, ...args], { input, timeout: HANG_GUARD_MS, cwd: '/' });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout };
}

function run(args: string[], input: Buffer | string, extra: string[] = []): Out & { stderr: string } {
  const r = spawnSync(process.execPath, [LDE, 'run', '--max-time', '300', '--sysroot', ROOT!, ...extra, ...args],
    { input, timeout: HANG_GUARD_MS, cwd: '/' });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

test('Debian riscv64 programs under lde match qemu-riscv64', async (t) => {
  if (!ROOT) return t.skip('LDE_RVROOT is not set (scripts/riscv64-debs.sh makes one; CI does): public programs not tested');
  if (!have('qemu-riscv64')) return t.skip('qemu-riscv64 not on PATH: public programs not tested');
  const bin = (p: string) => `${ROOT}/usr/bin/${p}`;
  const work = mkdtempSync(tmpdir() + '/lde-programs-');
  const text = (n: string) => readFileSync(DIR + n);
  // A compressible input: a few hundred kilobytes of structured text.
  const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => `${i} ${(i * 7919) % 10007} line ${'xyz'.repeat(i % 11)}\n`).join(''));
  const cases: [string, string[], Buffer | string, string[]][] = [
    ['busybox sh: pipelines, here-docs, text tools', [bin('busybox'), 'sh', '-s'], text('shell.sh'), []],
    ['sqlite3: schema, joins, windows, JSON, a transaction', [bin('sqlite3'), `${work}/db.sqlite`], text('db.sql'), ['--rw', work]],
    ['lua5.4: closures, coroutines, patterns, files', [bin('lua5.4'), '-'], text('script.lua'), []],
    ['gzip -9n', [bin('gzip'), '-9nc'], data, []],
    ['xz -2', [bin('xz'), '-2c'], data, []],
    ['coreutils sort | sha256sum', [bin('sort'), '-k2,2n', '-k1,1nr'], data, []],
  ];
  try {
    for (const [name, args, input, extra] of cases) {
      await t.test(name, (tt) => {
        if (!existsSync(args[0])) return tt.skip(`${args[0]} is not in LDE_RVROOT`);
        rmSync(`${work}/db.sqlite`, { force: true });
        const want = qemu(args, input);
        rmSync(`${work}/db.sqlite`, { force: true });
        const got = run(args, input, extra);
        assert.equal(got.status, want.status, got.stderr);
        assert.ok(got.stdout.equals(want.stdout), `output differs:\n--- lde\n${got.stdout.toString().slice(0, 2000)}\n--- qemu\n${want.stdout.toString().slice(0, 2000)}\n${got.stderr}`);
      });
    }
    await t.test('gzip with a regular file on stdin: fstat(0) gives its size, so gzip sees no change while zipping', (tt) => {
      if (!existsSync(bin('gzip'))) return tt.skip('gzip is not in LDE_RVROOT');
      writeFileSync(`${work}/in.txt`, data);
      const withFile = (argv: string[]) => {
        const fd = openSync(`${work}/in.txt`, 'r');
        try { return spawnSync(argv[0], argv.slice(1), { stdio: [fd, 'pipe', 'pipe'], timeout: HANG_GUARD_MS, cwd: '/' }); } finally { closeSync(fd); }
      };
      const want = withFile(['qemu-riscv64', '-L', ROOT, bin('gzip'), '-9nv']);
      const got = withFile([process.execPath, LDE, 'run', '--sysroot', ROOT, bin('gzip'), '-9nv']);
      assert.equal(got.status, want.status, got.stderr.toString());
      assert.equal(got.stderr.toString(), want.stderr.toString(), 'gzip -v reports the same ratio, and no warning');
      assert.ok(got.stdout.equals(want.stdout));
    });
    await t.test("gzip's output decompresses with the host's gunzip", (tt) => {
      if (!have('gunzip')) return tt.skip('no gunzip on the host');
      const gz = run([bin('gzip'), '-c'], data).stdout;
      assert.ok(spawnSync('gunzip', ['-c'], { input: gz }).stdout.equals(data));
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
