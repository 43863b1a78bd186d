// Runs the small variants of the benchmark programs (bench/bin/*-small.elf,
// a few million instructions each) through the bare-metal machine and checks
// each printed line against bench/expected.txt, whose lines come from the
// same C sources built for the host with gcc.  The full-size programs are
// only timed (npm run bench), never run here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runBare } from '../src/machine/bare.js';
import { BIN, smallPrograms, fullPrograms } from '../bench/programs.js';

test('bench/expected.txt lists a small and a full variant of every program', () => {
  const small = smallPrograms().map((p) => p.name.replace(/-small$/, ''));
  const full = fullPrograms().map((p) => p.name);
  assert.ok(full.length >= 5, `only ${full.length} programs`);
  assert.deepEqual(small.sort(), full.sort());
});

for (const p of smallPrograms()) {
  test(`bench program ${p.name} prints what host gcc printed`, () => {
    const chunks: Uint8Array[] = [];
    const r = runBare(readFileSync(BIN + p.file), {
      maxInsns: 50_000_000,
      console: (b) => chunks.push(b),
    });
    const printed = Buffer.concat(chunks).toString('latin1');
    assert.equal(printed, p.expected + '\n');
    assert.equal(r.outcome, 'pass', `outcome ${r.outcome} status ${r.status}`);
    assert.equal(r.status, 0);
  });
}
