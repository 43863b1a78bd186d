// `lde experiment vdso` (issue 12): the shape of its numbers. Oracles: the
// vDSO's whole point (with it, a clock read makes no system call and no
// kernel entry and spends no kernel cycle; without it, exactly one each),
// user/bin/vdsoclock's own report of which path served it, and the
// experiment's `lde run` lines, run separately with --stats=json, counting
// the same system calls. The wall column is a measurement of the host and is
// never asserted, only present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lde, ROOT } from './helpers/cli.js';
import { nodeHost } from '../src/cli/host.js';
import { findExperiment } from '../src/experiment/index.js';
import { runExperiment } from '../src/experiment/runner.js';
import { experimentJson, formatExperiment } from '../src/experiment/format.js';
import type { ExperimentEnv, ExperimentResult } from '../src/experiment/types.js';

const env: ExperimentEnv = {
  host: () => ({ ...nodeHost(), cwd: '/' }),
  program: (name) => readFileSync(`${ROOT}user/bin/${name}`),
};

let once: Promise<ExperimentResult> | undefined;
const result = () => (once ??= runExperiment(findExperiment('vdso')!, env));

test('vdso: with the vDSO a clock read makes no system call and no kernel entry; without it, one each', async () => {
  const r = await result(), rows = r.tables[0].rows;
  assert.deepEqual(rows.map((x) => `${x.call} ${x.vdso} ${x.via}`),
    ['clock_gettime on vdso', 'clock_gettime off ecall', 'gettimeofday on vdso', 'gettimeofday off ecall']);
  for (const row of rows) {
    const on = row.vdso === 'on';
    assert.equal(row.syscalls, on ? 0 : 1, `${row.call} ${row.vdso}: system calls per call`);
    assert.equal(row.entries, on ? 0 : 1, `${row.call} ${row.vdso}: kernel entries per call`);
    if (on) assert.equal(row.kernel, 0, `${row.call}: no kernel cycles with the vDSO`);
    else assert.ok(Number(row.kernel) > 0);
    assert.equal(Number(row.cycles), Number(row.user) + Number(row.kernel));
    assert.equal(typeof row.wallNs, 'number'); // measured, printed, never compared
  }
  for (const call of ['clock_gettime', 'gettimeofday']) {
    const on = rows.find((x) => x.call === call && x.vdso === 'on')!, off = rows.find((x) => x.call === call && x.vdso === 'off')!;
    assert.ok(Number(on.cycles) < Number(off.cycles), `${call}: the vDSO costs fewer virtual cycles (${on.cycles} against ${off.cycles})`);
  }
  assert.match(r.conclusion, /^clock_gettime made 0 system calls a call with the vDSO and 1 without/);
  const text = formatExperiment(r);
  assert.match(text, /wall\/call \(ns\)/);
  const json = JSON.parse(experimentJson(r)) as ExperimentResult;
  assert.equal(json.tables[0].rows.length, 4);
  assert.equal((r.plot.data as { values: unknown[] }).values.length, 4);
  assert.deepEqual(Object.keys(r.commands).sort(), ['clock_gettime, --vdso off', 'clock_gettime, vDSO', 'gettimeofday, --vdso off', 'gettimeofday, vDSO']);
});

test("vdso: the experiment's lde run line for --vdso off counts one system call per call, as its table says", async () => {
  const r = await result();
  const line = r.commands['gettimeofday, --vdso off'].replace(/^lde run /, '').replace(/ 50000$/, ' 2000').split(' ');
  assert.deepEqual(line.slice(0, 3), ['--sandbox', '--vdso', 'off']);
  const run = lde(['run', '--stats=json', ...line.slice(0, 3), `${ROOT}user/bin/vdsoclock`, ...line.slice(4)]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /2000 gettimeofday calls through the ecall, 0 failed, 0 went back/);
  const stats = JSON.parse(run.stderr.slice(run.stderr.indexOf('{'))) as { syscalls: { name: string; count: number }[] };
  assert.equal(stats.syscalls.find((c) => c.name === 'gettimeofday')?.count, 2001); // the first read, then 2000
});
