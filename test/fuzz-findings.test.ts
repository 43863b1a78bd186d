// Regression test for what the fuzzers found beyond issue 9's list
// (test/fuzz/findings.c says what and why). The expected lines are Linux
// riscv64's behaviour; qemu-riscv64 is no oracle here: it refuses the clone
// itself, and its host's user range is not Sv39's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { have, lde, ROOT } from './helpers/cli.js';

const EXPECTED = `clone(exit signal 100) = 1
wait4(__WALL) = 0
child status 7
munmap(0x7ffffffff000, 0x400) = -1 EINVAL
munmap(0xfffffffffffff000, 0x1000) = -1 EINVAL
munmap(0x4000000000, 0x1000) = -1 EINVAL
still alive
`;

test('fuzz findings: an exit signal past 64, munmap above the user range', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) { t.skip('needs riscv64-linux-gnu-gcc (Debian: gcc-riscv64-linux-gnu)'); return; }
  mkdirSync(`${ROOT}dist`, { recursive: true });
  const out = `${mkdtempSync(`${ROOT}dist/findings-`)}/findings`;
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-Wall', '-static', '-o', out, `${ROOT}test/fuzz/findings.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const r = lde(['run', '--max-time', '2', out]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, EXPECTED);
  assert.equal(r.status, 0);
  // pid 1 and its whole process group die of SIGKILL; lde reports init's death and nothing else.
  const g = lde(['run', '--max-time', '5', out, 'groupkill']);
  assert.equal(g.status, 128 + 9, g.stderr);
  assert.match(g.stderr, /^lde: pid 1 killed by SIGKILL[^\n]*\n$/);
});
