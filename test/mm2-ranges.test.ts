// Memory calls over huge ranges (issue 9), differential: test/mm/ranges.c
// runs under lde and must print what it prints on Linux, recorded in
// test/mm/ranges.expected from a native build on Linux 6.x (x86-64, which
// has the same range rules and errno values as riscv64) and re-checked
// against the host kernel here whenever it is Linux with a C compiler.
// Before issue 9 the program hung lde (munmap(0x2000, 0x7fffffffffffffff)
// walked page by page) and crashed it (a 100 GiB MAP_SHARED|MAP_ANONYMOUS
// mapping allocated its whole length at mmap time). It also grows a
// two-page mapping to 100 GiB with mremap and back.
//
// Why not qemu-riscv64 as the oracle: qemu-user checks ranges its own way
// (mprotect with length 0 is ENOMEM, madvise accepts unknown advice and
// holes), so only the host kernel is.
//
// The second oracle is the work meter (src/kernel/mm/work.ts): each call's
// virtual time is charged in proportion to what it did. A 100 GiB range is
// 26,214,400 pages, so a call whose work followed the range's length would
// cost at least that many pageOp charges (89 ns each, cost.ts): seconds of
// virtual time. Work proportional to the few present pages costs
// microseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT } from './helpers/cli.js';

const SRC = `${ROOT}test/mm/ranges.c`;
const expected = () => readFileSync(`${ROOT}test/mm/ranges.expected`, 'utf8');

function build(cc: string, out: string, flags: string[]): void {
  const r = spawnSync(cc, ['-O1', '-Wall', ...flags, '-o', out, SRC], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cc} ${SRC} failed:\n${r.stderr}`);
}

interface Stats { cycles: number; syscalls: { name: string; count: number; meanCycles: number }[] }

test('ranges.c under lde prints what it prints on Linux, within 1 s of virtual time, each memory call costing microseconds', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
  const tmp = mkdtempSync(`${tmpdir()}/lde-mm2-`);
  try {
    build('riscv64-linux-gnu-gcc', `${tmp}/ranges`, ['-static']);
    const r = lde(['run', '--max-time', '1', '--stats=json', `${tmp}/ranges`]);
    assert.equal(r.status, 0, `lde run ranges: status ${r.status}\n${r.stderr.slice(0, 2000)}`);
    assert.equal(r.stdout, expected());
    const stats = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))) as Stats;
    for (const name of ['mmap', 'munmap', 'mprotect', 'madvise']) {
      const s = stats.syscalls.find((c) => c.name === name);
      assert.ok(s !== undefined, `${name} not in the stats`);
      // 24,576 one-page maps and 100-200 GiB ranges: a mean above 50 µs would mean work that grows with n or with the range
      assert.ok(s.meanCycles < 50_000, `${name}: ${s.meanCycles} cycles per call on average`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('ranges.expected is what the host\'s Linux kernel prints', (t) => {
  if (process.platform !== 'linux' || !have('cc')) { t.skip('not on Linux with cc: the recorded output is not re-checked'); return; }
  const tmp = mkdtempSync(`${tmpdir()}/lde-mm2-`);
  try {
    build('cc', `${tmp}/ranges`, []);
    const r = spawnSync(`${tmp}/ranges`, [], { input: '', encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `native ranges: status ${r.status}`);
    assert.equal(r.stdout, expected());
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
