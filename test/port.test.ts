// The machine's kernel port (DESIGN.md "How the kernel is entered"): a native
// trampoline as stvec makes hart.run() return an Exit for every trap, and
// hart.sret() returns to U-mode. Driven by the mini supervisor of src/demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runMiniSupervisor } from '../src/demo/minisup.js';
import { ROOT } from './helpers/cli.js';

const tour = readFileSync(`${ROOT}user/demo/bin/tour.elf`);

test('ecall, timer and page fault all reach the supervisor as Exits', () => {
  const out: string[] = [];
  const r = runMiniSupervisor(tour, { hz: 250, console: (b) => out.push(Buffer.from(b).toString()) });
  assert.equal(out.join(''), 'tour: hello from U-mode via ecall\ntour: spun, made 1000 getpid calls; now touching unmapped memory\n');
  assert.deepEqual(r.syscalls, { write: 2, getpid: 1000 });
  assert.equal(r.reason, 'fault');
  assert.equal(r.status, 139);
  assert.match(r.detail, /load page fault at 0x40000000 \(pc 0x10050\)/);
  // One instruction is one cycle at 1 GHz; at 250 Hz a tick comes every 4,000,000 cycles.
  assert.equal(r.ticks, Math.floor(r.userInsns / 4_000_000));
  assert.equal(r.kernelEntries, r.ticks + 1002 + 1);
  assert.ok(r.longestUserRun <= 4_000_000, `user ran ${r.longestUserRun} instructions without a tick`);
});

test('the tick rate sets how often the kernel gets the CPU back', () => {
  const r = runMiniSupervisor(tour, { hz: 1000 });
  assert.equal(r.ticks, Math.floor(r.userInsns / 1_000_000));
  assert.ok(r.longestUserRun <= 1_000_000);
});

test('without the timer, the spin loop keeps the CPU until it gives it back', () => {
  const r = runMiniSupervisor(tour, { hz: 0 });
  assert.equal(r.ticks, 0);
  assert.ok(r.longestUserRun >= 40_000_000, `longest run ${r.longestUserRun}`);
});

test('the instruction budget bounds a run', () => {
  const r = runMiniSupervisor(tour, { hz: 250, maxInsns: 1_000_000 });
  assert.equal(r.reason, 'max-insns');
  assert.ok(r.userInsns >= 1_000_000 && r.userInsns < 1_000_100);
});
