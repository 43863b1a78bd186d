// The lint (scripts/lint-imports.mjs) keeps bug 0 of issue 8 fixed by
// construction: src/kernel and src/demo may not touch guest RAM's arrays,
// only board.phys (PhysMem), whose writes keep decoded code coherent. The
// machine itself may.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers/cli.js';

function lint(root: string) {
  return spawnSync(process.execPath, [`${ROOT}scripts/lint-imports.mjs`, root], { encoding: 'utf8' });
}

test('the lint rejects raw RAM access in the kernel and the demo, and allows PhysMem and the machine', () => {
  const root = mkdtempSync(`${tmpdir()}/lde-mm-lint-`);
  try {
    for (const d of ['machine', 'kernel/mm', 'demo']) mkdirSync(`${root}/src/${d}`, { recursive: true });
    writeFileSync(`${root}/src/machine/m.ts`, 'export const f = (bus: any) => { bus.ram32[0] = 1; };\n');
    writeFileSync(`${root}/src/kernel/mm/good.ts`, 'export const g = (board: any) => board.phys.write32(0x80000000, 1);\n');
    writeFileSync(`${root}/src/kernel/mm/bad.ts`, 'export const h = (as: any, off: number) => as.bus.ram8.set([1], off);\n');
    writeFileSync(`${root}/src/demo/d.ts`, 'export const r = (board: any) => board.bus.ram16[3];\n');
    const r = lint(root);
    assert.equal(r.status, 1, r.stdout);
    const lines = r.stderr.trimEnd().split('\n').sort();
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0], /src\/demo\/d\.ts: touches guest RAM directly \(\.ram16\); src\/demo reads and writes physical memory only through board\.phys/);
    assert.match(lines[1], /src\/kernel\/mm\/bad\.ts: touches guest RAM directly \(\.ram8\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
