// The system-call table (src/kernel/sys/table.ts): one entry per number of
// Linux's riscv64 table, each with everything about its call; unimplemented
// calls are ENOSYS under their own names in --strace and --stats;
// docs/syscalls.md is generated from the table and kept fresh. (That the
// modules of src/kernel/sys load alone, whatever is imported first, is
// test/infra-imports.test.ts's check for every module in an import cycle.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT } from './helpers/cli.js';
import { SYSNO } from '../src/kernel/abi/sysno.js';
import { SYSCALLS, syscallOf, restartsAfterHandler } from '../src/kernel/sys/table.js';
import { callName } from '../src/kernel/abi/call.js';
import type { Kernel } from '../src/kernel/kernel.js';
import type { Process } from '../src/kernel/sched/proc.js';

test('the table has exactly one entry for each number of sysno.ts, and each entry is complete', () => {
  assert.deepEqual(SYSCALLS.map((c) => [c.name, c.nr]), Object.entries(SYSNO).sort((a, b) => a[1] - b[1]));
  for (const c of SYSCALLS) {
    assert.equal(syscallOf(c.nr), c);
    assert.equal(callName(c.nr), c.name);
    assert.ok(['full', 'partial', 'unimplemented'].includes(c.status), `${c.name}: status ${c.status}`);
    assert.equal(c.status === 'partial', typeof c.limits === 'string' && c.limits.length > 0, `${c.name}: limits go with status partial`);
    assert.ok(Array.isArray(c.args) || typeof c.args === 'function', `${c.name}: no strace decoder`);
    assert.ok(['ERESTARTSYS', 'ERESTARTNOHAND', 'ERESTART_RESTARTBLOCK', 'none'].includes(c.restart), `${c.name}: restart ${c.restart}`);
    // strace's nargs: riscv64 passes at most six arguments.
    if (Array.isArray(c.args)) assert.ok(c.args.length <= 6, `${c.name}: ${c.args.length} arguments`);
  }
  assert.equal(callName(500), 'syscall_0x1f4', 'a number outside the table keeps strace\'s syscall_0x form');
});

test('an unimplemented entry returns ENOSYS and never sleeps', () => {
  const stubs = SYSCALLS.filter((c) => c.status === 'unimplemented');
  assert.ok(stubs.length > 0, "the table still has stubs to check");
  for (const c of stubs) {
    assert.equal(c.handler(undefined as unknown as Kernel, undefined as unknown as Process, [0, 0, 0, 0, 0, 0]), -38, c.name);
    assert.equal(c.restart, 'none', c.name);
  }
});

test('restart after a handler follows signal(7): SA_RESTART restarts read and wait4, never the sleeps, ppoll or rt_sigsuspend', () => {
  for (const name of ['read', 'write', 'readv', 'writev', 'wait4', 'waitid', 'futex'] as const) {
    assert.equal(restartsAfterHandler(SYSNO[name], true), true, `${name} with SA_RESTART`);
    assert.equal(restartsAfterHandler(SYSNO[name], false), false, `${name} without SA_RESTART`);
  }
  for (const name of ['nanosleep', 'clock_nanosleep', 'ppoll', 'rt_sigsuspend'] as const) {
    assert.equal(restartsAfterHandler(SYSNO[name], true), false, `${name} is never restarted after a handler`);
  }
});

test('--strace names an unimplemented call and --stats counts it under its name; a number outside the table stays syscall_0x', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
  const tmp = mkdtempSync(`${tmpdir()}/lde-sys-`);
  try {
    const b = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-static', '-o', `${tmp}/enosys`, `${ROOT}test/sys/enosys.c`], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    const r = lde(['run', `--strace=${tmp}/log`, '--stats=json', `${tmp}/enosys`]);
    assert.equal(r.status, 0, r.stderr);
    const want = ['io_setup(32, NULL)', 'io_setup(1, NULL)', 'mseal (462)', 'syscall 500'].map((w) => `${w} = -1 ENOSYS`).join('\n');
    assert.equal(r.stdout.replace(/ \n/g, '\n').split('\n').filter((l) => l.includes('ENOSYS')).join('\n'), want);
    const log = readFileSync(`${tmp}/log`, 'utf8').split('\n');
    assert.ok(log.includes('[pid 1] io_setup(0x20, 0) = -1 ENOSYS (Function not implemented)'), log.join('\n'));
    assert.ok(log.includes('[pid 1] mseal(0x1000, 0x1000, 0) = -1 ENOSYS (Function not implemented)'), log.join('\n'));
    assert.ok(log.includes('[pid 1] syscall_0x1f4(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)'), log.join('\n'));
    const stats = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))) as { syscalls: { name: string; count: number; errors: number }[] };
    const row = (n: string) => stats.syscalls.find((s) => s.name === n);
    assert.deepEqual([row('io_setup')?.count, row('io_setup')?.errors], [2, 2]);
    assert.equal(row('mseal')?.count, 1);
    assert.equal(row('syscall_0x1f4')?.count, 1);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('docs/syscalls.md is what scripts/gen-syscalls-doc.mjs generates from the table now', () => {
  const r = spawnSync(process.execPath, [`${ROOT}scripts/gen-syscalls-doc.mjs`, '--stdout'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readFileSync(`${ROOT}docs/syscalls.md`, 'utf8') === r.stdout,
    'docs/syscalls.md is stale: run `npx tsc -p tsconfig.json && node scripts/gen-syscalls-doc.mjs` and commit the result');
  assert.equal(r.stdout.split('\n').filter((l) => /^\| \d+ \|/.test(l)).length, Object.keys(SYSNO).length, 'one row per call');
});
