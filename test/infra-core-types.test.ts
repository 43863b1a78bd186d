// tsconfig.core.json type-checks the portable core (src/machine, src/kernel,
// src/isa, src/elf, src/trace, src/demo) without Node's types or the DOM, and
// npm test runs it before the tests. This proves that it bites: in a scratch
// tree with the project's two configs and its globals file, Buffer, process
// and document are compile errors in the core, while the declared
// TextEncoder/TextDecoder are not. The oracle is tsc's own diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { HANG_GUARD_MS, ROOT } from './helpers/cli.js';

const TSC = `${ROOT}node_modules/typescript/bin/tsc`;

/** Writes files (path → text) into a scratch copy of the configs; returns tsc's status and diagnostics. */
function checkCore(files: Record<string, string>): { status: number | null; out: string } {
  const root = mkdtempSync(`${tmpdir()}/lde-core-`);
  try {
    mkdirSync(`${root}/src`);
    for (const f of ['tsconfig.json', 'tsconfig.core.json', 'src/core-globals.d.ts']) copyFileSync(ROOT + f, `${root}/${f}`);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(`${root}/${path.slice(0, path.lastIndexOf('/'))}`, { recursive: true });
      writeFileSync(`${root}/${path}`, text);
    }
    const r = spawnSync(process.execPath, [TSC, '-p', `${root}/tsconfig.core.json`], { encoding: 'utf8', timeout: HANG_GUARD_MS });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('npm test type-checks the core with tsconfig.core.json before the tests', () => {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  const steps = pkg.scripts.test.split('&&').map((s) => s.trim());
  const core = steps.findIndex((s) => /^tsc -p tsconfig\.core\.json\b/.test(s));
  assert.ok(core >= 0, `no "tsc -p tsconfig.core.json" step in: ${pkg.scripts.test}`);
  assert.ok(core < steps.findIndex((s) => s.startsWith('node --test')), 'the core check must run before the tests');
});

test('Buffer, process and document in the core are compile errors; TextEncoder and TextDecoder are not', () => {
  const r = checkCore({
    'src/machine/a.ts': 'export const n = Buffer.byteLength("x");\n',
    'src/kernel/sys/b.ts': 'export const argv = process.argv;\n',
    'src/trace/c.ts': 'export const t = document.title;\n',
    'src/elf/d.ts': 'export const s = new TextDecoder().decode(new TextEncoder().encode("ok"));\n',
  });
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /src\/machine\/a\.ts\(1,18\): error TS\d+: Cannot find name 'Buffer'/);
  assert.match(r.out, /src\/kernel\/sys\/b\.ts\(1,21\): error TS\d+: Cannot find name 'process'/);
  assert.match(r.out, /src\/trace\/c\.ts\(1,18\): error TS\d+: Cannot find name 'document'/);
  assert.doesNotMatch(r.out, /src\/elf\/d\.ts/);
  assert.equal(r.out.match(/error TS/g)?.length, 3, r.out);
});
