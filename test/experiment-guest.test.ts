// `lde experiment guest` (src/experiment/guest.ts): the same programs under
// lde's kernel and under Linux on the hart, counted by the hart itself. The
// oracle for lde's rows is what each program does: syscalls 100000 makes
// 100,000 getppid calls, pfstorm 1024 touches 2,048 fresh pages (each a
// page fault). Linux must see at least as many of each: the same program,
// plus what its shell and kernel add. Linux runs where LDE_LINUX names a
// build (scripts/linux-guest.sh); otherwise its rows say how to get one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';
import { nodeHost } from '../src/cli/host.js';
import { hostRunner } from '../src/cli/experiment.js';
import { guest } from '../src/experiment/guest.js';
import { runExperiment } from '../src/experiment/runner.js';
import { appendArchive, cpioArchive } from '../src/experiment/cpio.js';
import type { ExperimentEnv, Row } from '../src/experiment/types.js';

const external = hostRunner();
const linux = process.env.LDE_LINUX;
const env = (withLinux: boolean): ExperimentEnv => ({
  host: () => ({ ...nodeHost(), cwd: '/' }),
  program: (name) => readFileSync(`${ROOT}user/bin/${name}`),
  external: { ...external, env: (n) => (n === 'LDE_LINUX' && withLinux ? linux : undefined) },
});
const row = (rows: Row[], program: string, way: RegExp): Row => {
  const r = rows.find((x) => String(x.program).startsWith(program) && way.test(String(x.way)));
  assert.ok(r, `no row for ${program} ${way}`);
  return r;
};

test("lde's kernel, as the hart counts it: every getppid is an ecall from U, every first touch a page fault", async () => {
  const r = await runExperiment(guest, env(false));
  const rows = r.tables[0].rows;
  const sys = row(rows, 'syscalls', /lde's kernel/), pf = row(rows, 'pfstorm', /lde's kernel/);
  assert.ok(Number(sys.syscalls) >= 100_000 && Number(sys.syscalls) < 100_100, `syscalls: ${sys.syscalls}`);
  assert.ok(Number(pf.faults) >= 2048 && Number(pf.faults) < 2200, `page faults: ${pf.faults}`);
  assert.ok(Number(row(rows, 'cpu', /lde's kernel/).user) > 90, 'the sieve runs in U-mode');
  assert.match(String(row(rows, 'syscalls', /Linux/).note), /LDE_LINUX/);
  assert.match(r.conclusion, /set LDE_LINUX/);
});

test('cpio: an appended newc archive starts on a 4-byte boundary, with its directories and a trailer', () => {
  const a = cpioArchive([{ name: 'lde/prog', data: Uint8Array.of(1, 2, 3), mode: 0o755 }]);
  const text = new TextDecoder('latin1').decode(a);
  assert.equal(text.slice(0, 6), '070701');
  assert.ok(text.includes('lde\0') && text.includes('lde/prog\0') && text.includes('TRAILER!!!\0'));
  assert.equal(a.length % 4, 0);
  const joined = appendArchive(Uint8Array.of(9, 9, 9, 9, 9), a);
  assert.equal(new TextDecoder().decode(joined.subarray(8, 14)), '070701');
});

test('Linux on the hart does the same programs with at least as many traps, and runs them to the end', { skip: linux === undefined ? 'set LDE_LINUX to a Linux build (scripts/linux-guest.sh) to run the programs under Linux' : false }, async () => {
  const r = await runExperiment(guest, env(true));
  const rows = r.tables[0].rows;
  assert.match(r.tables[0].title, /powered off \(status 0\)/);
  const sys = row(rows, 'syscalls', /Linux/), pf = row(rows, 'pfstorm', /Linux/), cpu = row(rows, 'cpu', /Linux/);
  assert.ok(Number(sys.syscalls) >= 100_000 && Number(sys.syscalls) < 100_500, `syscalls under Linux: ${sys.syscalls}`);
  assert.ok(Number(pf.faults) >= 2048, `page faults under Linux: ${pf.faults}`);
  // With /chosen/rng-seed Linux's RNG is ready at boot: a getppid is hundreds of instructions, not the 37,000 of the slow path.
  assert.ok(Number(sys.insns) / 100_000 < 2000, `instructions per getppid under Linux: ${Number(sys.insns) / 100_000}`);
  assert.ok(Number(cpu.user) > 50, `the sieve runs mostly in U-mode under Linux too: ${cpu.user}%`);
  assert.match(r.conclusion, /^syscalls: Linux took/);
});
