// The dependency rule of DESIGN.md is enforced by scripts/lint-imports.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers/cli.js';

function lint(root?: string) {
  return spawnSync(process.execPath, [`${ROOT}scripts/lint-imports.mjs`, ...(root ? [root] : [])], { encoding: 'utf8' });
}

test('the project obeys its own dependency rule', () => {
  const r = lint();
  assert.equal(r.status, 0, r.stderr);
});

test('the lint catches Node in the machine, the kernel in the machine, and the DOM', () => {
  const root = mkdtempSync(tmpdir() + '/lde-lint-');
  mkdirSync(`${root}/src/machine`, { recursive: true });
  mkdirSync(`${root}/src/kernel`, { recursive: true });
  writeFileSync(`${root}/src/machine/a.ts`, "import { readFileSync } from 'node:fs';\nimport { x } from '../kernel/k.js';\n");
  writeFileSync(`${root}/src/kernel/k.ts`, "export const x = document.title;\n");
  const r = lint(root);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/machine\/a\.ts: imports 'node:fs'/);
  assert.match(r.stderr, /src\/machine\/a\.ts: imports src\/kernel/);
  assert.match(r.stderr, /src\/kernel\/k\.ts: uses the DOM/);
});

test('the lint keeps the kernel layered: a run-time import may only go down (sys → net → fs → sched → signal → abi → mm)', () => {
  const root = mkdtempSync(tmpdir() + '/lde-lint-');
  for (const d of ['sys', 'sched', 'mm']) mkdirSync(`${root}/src/kernel/${d}`, { recursive: true });
  writeFileSync(`${root}/src/kernel/sys/table.ts`, "import { q } from '../sched/wait.js';\nexport const t = q;\n");
  writeFileSync(`${root}/src/kernel/sched/wait.ts`, "import type { t } from '../sys/table.js';\nexport const q = 1;\n");
  writeFileSync(`${root}/src/kernel/mm/vm.ts`, "import { t } from '../sys/table.js';\nexport const v = t;\n");
  const r = lint(root);
  assert.equal(r.status, 1);
  // Going up at run time is refused; a type import upwards and a run-time import downwards are fine.
  assert.match(r.stderr, /src\/kernel\/mm\/vm\.ts: imports kernel\/sys\/table\.js at run time/);
  assert.doesNotMatch(r.stderr, /sched\/wait\.ts/);
  assert.doesNotMatch(r.stderr, /sys\/table\.ts/);
});
