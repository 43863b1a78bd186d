// The memory-management modules stand alone (issue 8): each loads first, in
// a fresh process; none sits in a runtime import cycle (vm.ts and swap.ts
// imported each other); and the PTE bits and Access are defined once, by
// the machine (src/machine/pte.ts, mmu.ts), not again by the kernel or the
// demo supervisor. The import graph is read from the compiled JavaScript,
// where type-only imports are gone: it is the graph Node really loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers/cli.js';

const DIST = `${ROOT}dist/src`;
const ALONE = ['kernel/mm/frames', 'kernel/mm/vm', 'kernel/mm/swap', 'kernel/mm/fault', 'kernel/mm/uaccess',
  'kernel/fs/loader', 'machine/phys', 'machine/pte', 'machine/bus', 'machine/board'];

function* files(dir: string, ext: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p, ext);
    else if (p.endsWith(ext)) yield p;
  }
}

for (const m of ALONE) {
  test(`dist/src/${m}.js loads first, alone, in a fresh process`, () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(`${DIST}/${m}.js`)});`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
}

/** Runtime imports of each compiled module (relative ones: the project's own). */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files(DIST, '.js')) {
    const code = readFileSync(f, 'utf8');
    const deps = [...code.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|^\s*import\s*['"](\.[^'"]+)['"]/gm)]
      .map((m) => resolve(dirname(f), m[1] ?? m[2]));
    g.set(f, deps);
  }
  return g;
}

/** The import cycle through `start`, as module names, or undefined. */
function cycleThrough(g: Map<string, string[]>, start: string): string[] | undefined {
  const path: string[] = [];
  const seen = new Set<string>();
  const dfs = (v: string): boolean => {
    path.push(v);
    for (const w of g.get(v) ?? []) {
      if (w === start) return true;
      if (!seen.has(w)) { seen.add(w); if (dfs(w)) return true; }
    }
    path.pop();
    return false;
  };
  return dfs(start) ? [...path, start].map((p) => relative(DIST, p)) : undefined;
}

test('no module of src/kernel/mm or src/machine is in a runtime import cycle', () => {
  const g = importGraph();
  const mine = [...g.keys()].filter((f) => /\/(kernel\/mm|machine)\//.test(f));
  assert.ok(mine.length >= 20, `found only ${mine.length} modules under dist/src/kernel/mm and dist/src/machine: build first`);
  for (const f of mine) assert.equal(cycleThrough(g, f)?.join(' → '), undefined);
});

test('the PTE bits and Access are defined by the machine only, not again in src/kernel or src/demo', () => {
  const redefined = /\bPTE_(V|R|W|X|U|G|A|D)\s*=|\benum\s+Access\b/;
  const found: string[] = [];
  for (const dir of ['kernel', 'demo']) {
    for (const f of files(`${ROOT}src/${dir}`, '.ts')) {
      const m = redefined.exec(readFileSync(f, 'utf8').replace(/\/\/.*$/gm, ''));
      if (m) found.push(`${relative(ROOT, f)}: ${m[0]}`);
    }
  }
  assert.deepEqual(found, []);
  assert.match(readFileSync(`${ROOT}src/machine/pte.ts`, 'utf8'), /export const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;/);
});
