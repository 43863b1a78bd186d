// `lde experiment swap` (src/experiment/swap.ts), driven by an in-process
// context (test/helpers/swap-run.ts): the result has the shape types.ts
// gives it, its numbers follow from each other, and two runs are identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { swap } from '../src/experiment/swap.js';
import type { ExperimentResult } from '../src/experiment/types.js';
import { localContext } from './helpers/swap-run.js';

let first: ExperimentResult | undefined;
const labels: string[] = [];
async function result(): Promise<ExperimentResult> {
  first ??= await swap.run(localContext(labels));
  return first;
}

test('the result has the experiment shape: tables with their columns, a conclusion, a vega-lite spec, a command per run', async () => {
  const r = await result();
  assert.equal(r.name, 'swap');
  assert.equal(r.question, swap.question);
  assert.equal(labels.length, swap.runs, 'runs says how many runs it makes');
  assert.deepEqual(Object.keys(r.commands).sort(), [...labels].sort());
  for (const [label, cmd] of Object.entries(r.commands)) {
    const [pattern, policy] = label.split(', ');
    assert.match(cmd, new RegExp(`^lde run --mem 2M --swap 16M --swap-policy ${policy} --seed 1 pagewalk ${pattern} \\d+ \\d+$`));
  }
  assert.equal(r.tables.length, 4);
  for (const t of r.tables) {
    assert.ok(t.title.length > 0 && t.rows.length > 0);
    const keys = t.columns.map((c) => c.key).sort();
    for (const row of t.rows) assert.deepEqual(Object.keys(row).sort(), keys);
  }
  assert.equal(r.plot.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
  const values = (r.plot.data as { values: { pattern: string; policy: string; pageIns: number }[] }).values;
  assert.equal(values.length, 3 * 4);
  assert.ok(r.conclusion.length > 0);
});

test('the PTE row: V = 0, the slot in bits 10 and up, then a swap-in fault in that page', async () => {
  const [pte] = (await result()).tables;
  const row = pte.rows[0];
  const bits = BigInt(row.pte as string);
  assert.equal(bits & 1n, 0n);
  assert.equal((bits >> 9n) & 1n, 1n);
  assert.equal(Number(bits >> 10n), row.slot);
  assert.equal(row.resolution, 'swap-in');
  assert.equal(Math.floor(Number(row.addr) / 4096) * 4096, Number(row.va));
});

test('per pattern: OPT is the floor, FIFO as run equals FIFO simulated, and the conclusion names the closest policy', async () => {
  const r = await result();
  for (const t of r.tables.slice(1)) {
    const by = new Map(t.rows.map((row) => [String(row.policy).split(' ')[0], row]));
    const opt = by.get('OPT')!.pageIns as number;
    const kernel = ['clock', 'fifo', 'random'].map((p) => by.get(p)!);
    for (const row of kernel) {
      assert.ok((row.pageIns as number) >= opt, `${t.title}: ${row.policy} below OPT`);
      assert.ok((row.pageOuts as number) >= (row.pageIns as number), 'a page comes in only after it went out');
      if (opt > 0) assert.ok(Math.abs((row.vsOpt as number) - (row.pageIns as number) / opt) < 1e-9);
    }
    assert.equal(by.get('fifo')!.pageIns, by.get('fifo')!.simIns);
    const best = kernel.reduce((a, b) => ((b.pageIns as number) < (a.pageIns as number) ? b : a));
    const pattern = t.title.split(':')[0];
    assert.match(r.conclusion, new RegExp(`${pattern}: ${best.policy} comes closest to OPT \\(${(best.pageIns as number).toLocaleString('en-US')} page-ins`));
  }
});

test('the experiment is deterministic: a second run gives the same result', async () => {
  const again = await swap.run(localContext());
  assert.deepEqual(again, await result());
});
