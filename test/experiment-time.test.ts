// The time experiments (hz, tickless, preempt): each one's JSON against its
// schema, determinism (a second run gives the same bytes), conclusions that
// quote their own tables, and each table row against an independent oracle:
// the experiment's own `lde run` line, run through the CLI with --stats=json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lde, ROOT } from './helpers/cli.js';
import { nodeHost } from '../src/cli/host.js';
import { commandLine, runOnce } from '../src/experiment/runner.js';
import { experimentJson } from '../src/experiment/format.js';
import { hz } from '../src/experiment/hz.js';
import { tickless } from '../src/experiment/tickless.js';
import { preempt } from '../src/experiment/preempt.js';
import type { ExperimentContext, ExperimentEnv, ExperimentResult, RunOutcome } from '../src/experiment/types.js';
import type { Stats } from '../src/trace/stats.js';
import { check, type Schema } from './helpers/schema.js';

const env = (): ExperimentEnv => ({ host: () => ({ ...nodeHost(), cwd: '/' }), program: (name) => readFileSync(`${ROOT}user/bin/${name}`) });

/**
 * The experiments here share runs: hz and tickless both run the idle system
 * and the spinner at 250 Hz, with the tick periodic and stopped while idle.
 * A run is determined by its `lde run` line (the experiments check that a
 * second run gives the same bytes), so this context makes each line's run
 * once, keeping its events for whichever experiment wants them, and hands
 * the same outcome to every experiment that asks for it.
 */
const outcomes = new Map<string, RunOutcome>();
const shared: ExperimentContext = {
  run: async (spec) => {
    const line = commandLine(spec);
    let r = outcomes.get(line);
    if (!r) outcomes.set(line, (r = runOnce({ ...spec, keepEvents: true }, env())));
    return r;
  },
};

const TIME_ROW = { seconds: 'number', ticks: 'integer', notTaken: 'integer', interruptsPerSec: 'number', wakeupsPerSec: 'number', kernelPct: 'number', kernelCycles: 'integer', joules: 'number', watts: 'number' } as const;
const LATENCY = { p50: 'number', p99: 'number', max: 'number' } as const;
const ROWS: Record<string, Schema> = {
  hz: { workload: 'string', setting: 'string', ...LATENCY, ...TIME_ROW },
  tickless: { workload: 'string', mode: 'string', ...TIME_ROW, removed: 'number' },
  preempt: { workload: 'string', model: 'string', kp50: 'number', kp99: 'number', kmax: 'number', ...LATENCY, callsPerSec: 'number', preemptions: 'integer', switches: 'integer' },
};
const schema = (name: string): Schema => ({
  name: 'string', question: 'string', conclusion: 'string', plot: { $schema: 'string', title: 'string', data: { values: [ROWS[name]] }, mark: 'object', encoding: 'object' },
  commands: 'object', tables: [{ title: 'string', columns: [{ key: 'string', title: 'string', unit: 'string', digits: 'integer' }], rows: [ROWS[name]] }],
});

/** Column objects may leave out unit and digits: fill them so the schema sees every key. */
function normalised(r: ExperimentResult): unknown {
  const j = JSON.parse(experimentJson(r));
  for (const t of j.tables) for (const c of t.columns) { c.unit ??= ''; c.digits ??= 0; }
  return j;
}

/** The stats of one of the experiment's own command lines, run by the CLI. */
function viaCli(r: ExperimentResult, label: string): Stats {
  const line = r.commands[label];
  assert.ok(line?.startsWith('lde run --sandbox '), `${label}: ${line}`);
  const args = line.slice('lde '.length).split(' ');
  args.splice(1, 0, '--stats=json');
  const out = lde(args);
  return JSON.parse(out.stderr.slice(out.stderr.indexOf('{')));
}

test('lde experiment tickless: its schema, and its rows are what lde run counts', async () => {
  const r = await tickless.run(shared);
  check(normalised(r), schema('tickless'), 'tickless');
  assert.equal(Object.keys(r.commands).length, tickless.runs);
  const [idle, cpu] = r.tables;
  for (const row of [idle.rows[0], cpu.rows[2]]) {
    const s = viaCli(r, `--tick ${row.mode}, ${row.workload}`);
    assert.equal(row.ticks, s.tick.taken);
    assert.equal(row.notTaken, s.tick.notTaken.idle + s.tick.notTaken.single);
    assert.equal(row.kernelCycles, s.kernelCycles);
  }
  const m = (rows: typeof idle.rows, mode: string) => rows.find((x) => x.mode === mode)!;
  assert.equal(m(idle.rows, 'idle').ticks, 0, 'a tickless idle system takes no tick while idle');
  assert.ok(Number(m(idle.rows, 'idle').watts) < Number(m(idle.rows, 'periodic').watts));
  assert.equal(m(cpu.rows, 'idle').ticks, m(cpu.rows, 'periodic').ticks, 'NO_HZ_IDLE changes nothing for a busy hart');
  assert.ok(Number(m(cpu.rows, 'full').ticks) < Number(m(cpu.rows, 'idle').ticks));
  for (const n of [m(idle.rows, 'periodic').watts, m(idle.rows, 'idle').watts, m(cpu.rows, 'full').removed]) assert.ok(r.conclusion.includes(String(n)), `the conclusion quotes ${n}`);
});

test('lde experiment preempt: its schema, and kernel wait ordered none >= voluntary >= full', async () => {
  const r = await preempt.run(shared);
  check(normalised(r), schema('preempt'), 'preempt');
  for (const t of r.tables) {
    const [n, v, f] = ['none', 'voluntary', 'full'].map((m) => t.rows.find((x) => x.model === m)!);
    assert.ok(Number(n.kmax) >= Number(v.kmax) && Number(v.kmax) >= Number(f.kmax), `${t.title}: ${n.kmax} ${v.kmax} ${f.kmax}`);
    assert.ok(Number(f.kmax) <= 10 + 0.2, 'full preemption comes within a 10 µs chunk (plus the interrupt)');
  }
  const one = r.tables[1].rows.find((x) => x.model === 'voluntary')!;
  const s = viaCli(r, '--preempt voluntary, fork');
  assert.equal(one.preemptions, s.preempt.inKernel);
  assert.equal(one.kmax, Math.round(s.preempt.latency.max / 100) / 10);
});

test('lde experiment hz: its schema, and power and latency as the tick rate says', async () => {
  const r = await hz.run(shared);
  check(normalised(r), schema('hz'), 'hz');
  const [idle, interactive] = r.tables;
  const at = (rows: typeof idle.rows, s: string) => rows.find((x) => x.setting === s)!;
  const w = (s: string) => Number(at(idle.rows, s).watts);
  assert.ok(w('HZ=1000') > w('HZ=250') && w('HZ=250') > w('HZ=100') && w('HZ=100') > w('tickless idle'), 'more ticks, more power on an idle system');
  assert.ok(Number(at(interactive.rows, 'HZ=1000').p99) < Number(at(interactive.rows, 'HZ=100').p99), 'more ticks, shorter waits among hogs');
  assert.ok(r.conclusion.includes(String(at(idle.rows, 'HZ=1000').watts)));
});
