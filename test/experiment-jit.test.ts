// `lde experiment jit` (issue 13), at its tiny sizes (one round of each
// user/bin/cpu workload): the shape of its result, and its oracle — every
// way prints the interpreter's checksums: the JIT, the native build of the
// same C source (host cc), and qemu-riscv64 running the same riscv64 binary,
// each where the host has it (skipped with a message where not). Host wall
// time is measured and printed, never compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';
import { nodeHost } from '../src/cli/host.js';
import { hostRunner } from '../src/cli/experiment.js';
import { jitExperiment, TINY, WAYS, wayRow } from '../src/experiment/jit.js';
import { coremarkCrcs } from '../src/experiment/coremark.js';
import { runExperiment } from '../src/experiment/runner.js';
import { experimentJson, formatExperiment } from '../src/experiment/format.js';
import type { ExperimentEnv, ExperimentResult } from '../src/experiment/types.js';
import { JIT_THRESHOLD } from '../src/machine/jit/jit.js';

const external = hostRunner();
const env: ExperimentEnv = {
  host: () => ({ ...nodeHost(), cwd: '/' }),
  program: (name) => readFileSync(`${ROOT}user/bin/${name}`),
  // CoreMark stays out of this test (it is slow in lde): as if LDE_COREMARK were unset.
  external: { ...external, env: () => undefined },
};
const PROGRAMS = ['sieve', 'sha256', 'matmul', 'nqueens', 'qsort', 'stackvm'];

let once: Promise<ExperimentResult> | undefined;
const result = () => (once ??= runExperiment(jitExperiment(TINY), env));

test('jit: every program runs four ways, and the JIT prints what the interpreter printed', async () => {
  const r = await result(), rows = r.tables[0].rows;
  assert.equal(r.name, 'jit');
  assert.deepEqual(r.tables[0].columns.map((c) => c.key), ['program', 'way', 'wallMs', 'mips', 'slowdown', 'vsQemu', 'output']);
  assert.deepEqual(rows.map((x) => `${x.program} ${x.way}`), PROGRAMS.flatMap((p) => WAYS.map((w) => `${p} ${w}`)));
  for (const p of PROGRAMS) {
    const row = (way: string) => rows.find((x) => x.program === p && x.way === way)!;
    assert.match(String(row('lde --jit off').output), /^reference(; too short to time)?$/, p);
    // The checksums must agree; whether the run was long enough to time depends on the host's speed.
    assert.match(String(row('lde --jit on').output), /^same(; too short to time)?$/, `${p}: the JIT's output`);
    // MIPS, unless this host ran the tiny size too fast to time it (then the row says so instead).
    for (const way of ['lde --jit off', 'lde --jit on']) {
      const w = row(way);
      assert.equal(typeof w.mips, String(w.output).endsWith('too short to time') ? 'string' : 'number', `${p} ${way}: MIPS measured`);
    }
  }
  assert.doesNotMatch(r.conclusion, /retired|differed/, 'the JIT retires the same instructions and prints the same');
  assert.match(r.conclusion, /CoreMark: not run; set LDE_COREMARK/);
  assert.equal(Object.keys(r.commands).filter((k) => k.includes('--jit') && PROGRAMS.includes(k.split(',')[0])).length, 2 * PROGRAMS.length);
  assert.equal(r.commands['syscalls, --jit on'], `lde run --sandbox --jit on --jit-threshold ${JIT_THRESHOLD} syscalls 1000`);
  if (external.has('qemu-riscv64')) assert.equal(r.commands['sieve, qemu-riscv64'], 'qemu-riscv64 user/bin/cpu sieve 1');
  assert.equal(r.commands['sieve, --jit on'], `lde run --sandbox --jit on --jit-threshold ${JIT_THRESHOLD} cpu sieve 1`);
  assert.equal(r.commands['sieve, --jit off'], 'lde run --sandbox --jit off cpu sieve 1');
});

test('jit: the native build (host cc -O2) and qemu-riscv64 print the same checksums', async (t) => {
  const rows = (await result()).tables[0].rows;
  for (const [way, cmd] of [['native x86-64', 'cc'], ['qemu-riscv64', 'qemu-riscv64']]) {
    if (!external.has(cmd)) { t.diagnostic(`${cmd} not installed: the ${way} rows are not checked`); continue; }
    // At these sizes a native run may be too short to time (then the row says so); its output is still compared.
    for (const p of PROGRAMS) assert.match(String(rows.find((x) => x.program === p && x.way === way)!.output), /^same\b/, `${p} ${way}`);
  }
});

test('jit: the JIT table counts exits by reason; the JSON is well-formed with every column', async () => {
  const r = await result();
  const jitTable = r.tables.find((t) => t.title.startsWith('The JIT'))!;
  assert.ok(jitTable, 'a JIT table');
  const reasonCols = jitTable.columns.filter((c) => c.key.startsWith('exit_'));
  assert.deepEqual(jitTable.rows.map((x) => x.program), PROGRAMS);
  for (const k of ['regions', 'compileMs', 'exits', 'perSec', 'perM']) assert.ok(jitTable.columns.some((c) => c.key === k), k);
  for (const row of jitTable.rows) {
    const reasons = reasonCols.reduce((n, c) => n + Number(row[c.key]), 0);
    assert.equal(reasons, row.exits, `${row.program}: the exits by reason add up`);
  }
  const short = r.tables.find((t) => t.title.startsWith('Short programs'))!;
  assert.deepEqual(short.rows.map((x) => `${x.program} ${x.output}`), ['hello same', 'syscalls 1000 same']);
  const json = JSON.parse(experimentJson(r)) as ExperimentResult;
  assert.equal(json.tables[0].rows.length, PROGRAMS.length * WAYS.length);
  assert.deepEqual(json.tables[1].rows.map((x) => x.way), [...WAYS]);
  for (const row of json.tables[0].rows) for (const c of json.tables[0].columns) assert.ok(c.key in row, `${row.program} ${row.way}: ${c.key}`);
  assert.equal((r.plot as { $schema: string }).$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
  assert.match(formatExperiment(r), /Geometric means over the programs/);
});

test('jit: a way the host cannot run says so instead of numbers (the browser: no host runner)', () => {
  const row = wayRow('sieve', 'qemu-riscv64', { missing: 'not available here (no host runner)' }, 1, 1e6);
  assert.deepEqual(row, { program: 'sieve', way: 'qemu-riscv64', wallMs: '—', mips: '—', slowdown: '—', vsQemu: '—', output: 'not available here (no host runner)' });
  assert.equal(coremarkCrcs('CoreMark Size    : 666\nseedcrc          : 0xe9f5\n[0]crclist       : 0xe714\nIterations/Sec   : 10\n[0]crcfinal      : 0x72be\n'),
    'seedcrc : 0xe9f5; [0]crclist : 0xe714; [0]crcfinal : 0x72be');
});
