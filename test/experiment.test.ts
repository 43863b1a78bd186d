// `lde experiment` (issue 10): the framework (tables, JSON, the list, usage
// errors) and the no-timer experiment. Oracles: hand-computed layouts; the
// JSON checked field by field against the experiment's schema; the tick
// count that 0.1 s at 250 Hz implies; the experiment's own `lde run` lines,
// run separately with --stats=json, counting the same cycles per process; a
// second run (another process) giving the same bytes; the SVG parsed as XML
// with one mark per row of data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { lde, ROOT } from './helpers/cli.js';
import { nodeHost } from '../src/cli/host.js';
import { EXPERIMENTS, findExperiment } from '../src/experiment/index.js';
import { commandLine, runExperiment, runOnce } from '../src/experiment/runner.js';
import { experimentJson, formatExperiment, formatTable, spread } from '../src/experiment/format.js';
import { barChart } from '../src/experiment/plot.js';
import { noTimer } from '../src/experiment/no-timer.js';
import type { ExperimentEnv, ExperimentResult, Row } from '../src/experiment/types.js';
import { check, type Schema } from './helpers/schema.js';
import { experimentCommand } from '../src/cli/experiment.js';
import { UsageError } from '../src/cli/args.js';

const env = (progress: [number, number, string][] = []): ExperimentEnv => ({
  host: () => ({ ...nodeHost(), cwd: '/' }),
  program: (name) => readFileSync(`${ROOT}user/bin/${name}`),
  progress: (done, total, label) => { progress.push([done, total, label]); },
});

test('a table prints aligned: headings with units, numbers right-aligned with their digits, a long last column wrapped', () => {
  const text = formatTable({
    title: 'T',
    columns: [{ key: 'name', title: 'name' }, { key: 'ms', title: 'time', unit: 'ms', digits: 2 }, { key: 'note', title: 'note' }],
    rows: [{ name: 'a', ms: 1234.5, note: 'short' }, { name: 'bbb', ms: 2, note: `${'word '.repeat(40)}end` }],
  });
  const lines = text.split('\n');
  assert.equal(lines[0], '  T');
  assert.equal(lines[1], '  name  time (ms)  note');
  assert.equal(lines[3], '  a      1,234.50  short');
  assert.ok(lines[4].startsWith('  bbb        2.00  word word'), lines[4]);
  // The note wraps within 120 columns, its later lines under its first.
  const at = lines[1].indexOf('note');
  for (const l of lines.slice(4, -1)) {
    assert.ok(l.length <= 120, l);
    assert.match(l.slice(at), /^(word|end)/);
  }
  assert.ok(lines.length > 6, 'the long note wrapped');
  assert.deepEqual(spread([5, 1, 4, 2, 3]), { p50: 3, p99: 5, max: 5 });
  assert.deepEqual(spread([]), { p50: 0, p99: 0, max: 0 });
});

test('experimentJson sorts keys at every depth, so the same result is the same bytes whatever order it was built in', () => {
  const a = { name: 'x', question: 'q', tables: [{ title: '', columns: [], rows: [{ b: 1, a: 'z' }] }], conclusion: 'c', plot: { z: 1, a: { y: 2, x: [3, { q: 1, p: 2 }] } }, commands: {} };
  const b = { commands: {}, plot: { a: { x: [3, { p: 2, q: 1 }], y: 2 }, z: 1 }, conclusion: 'c', tables: [{ rows: [{ a: 'z', b: 1 }], columns: [], title: '' }], question: 'q', name: 'x' };
  assert.equal(experimentJson(a), experimentJson(b));
  assert.match(experimentJson(a), /"a": \{\n\s+"x": \[/);
  assert.ok(experimentJson(a).endsWith('}\n'));
});

test('a run prints what qemu-riscv64 printed (user/expected), and its latencies are each wake-up to the switch to that pid', () => {
  for (const program of ['hello', 'sleeper']) {
    const [statusLine, ...out] = readFileSync(`${ROOT}user/expected/${program}.txt`, 'utf8').split('\n');
    const r = runOnce({ label: program, program, keepEvents: true }, env());
    assert.equal(`status ${r.status}`, statusLine, program);
    assert.equal(r.stdout, out.join('\n'), program);
    assert.equal(r.stderr, '');
    assert.equal(r.message, undefined);
    // The oracle: the same measure computed here from the raw events, by pid, then named.
    const woken = new Map<number, number>(), want = new Map<string, number[]>();
    for (const e of r.events) {
      if (e.kind === 'wake') woken.set(e.pid, e.cycle);
      if (e.kind === 'switch' && woken.has(e.to)) { want.set(e.toName, [...(want.get(e.toName) ?? []), e.cycle - woken.get(e.to)!].sort((a, b) => a - b)); woken.delete(e.to); }
    }
    assert.deepEqual(r.latencies, want, program);
    assert.equal([...r.latencies.values()].flat().length, r.stats.schedLatency.count, `${program}: as many as --stats counts`);
    if (program === 'sleeper') assert.equal(r.latencies.get('sleeper')?.length, 2, 'two naps, two wake-ups');
  }
  assert.deepEqual(runOnce({ label: 'x', program: 'hello' }, env()).events, [], 'no events kept unless asked');
});

test('commandLine turns a run spec into the lde run line that repeats it, and refuses an option lde run lacks', () => {
  assert.equal(commandLine({ program: 'hogs', args: ['2'], kernel: { hz: 0, maxCycles: 1e8 } }), 'lde run --sandbox --no-timer --max-time 0.1 hogs 2');
  assert.equal(commandLine({ program: 'spin', kernel: { hz: 1000, memBytes: 64 << 20, seed: 7 } }), 'lde run --sandbox --hz 1000 --mem 64M --seed 7 spin');
  assert.throws(() => commandLine({ program: 'x', kernel: { realtime: true } }), /kernel option realtime has no lde run option/);
});

test('lde experiment lists every experiment; an unknown name or --list with a name is one line and status 2', async () => {
  for (const args of [['experiment'], ['experiment', '--list']]) {
    const r = lde(args);
    assert.equal(r.status, 0, r.stderr);
    for (const e of EXPERIMENTS) assert.match(r.stdout, new RegExp(`^  ${e.name} +${e.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
  }
  const bad = lde(['experiment', 'no-such']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr, `lde: unknown experiment 'no-such' (${EXPERIMENTS.map((e) => e.name).join(', ')}; try: lde experiment --list)\n`);
  // The other usage errors are the same path to stderr and status 2: the command itself refuses them, before any run.
  const refuses = (argv: string[], message: string) =>
    assert.rejects(experimentCommand(argv), (e: unknown) => e instanceof UsageError && e.message === message, argv.join(' '));
  await refuses(['--list', 'no-timer'], "--list takes no NAME (got 'no-timer')");
  await refuses(['--json'], '--json needs an experiment NAME (usage: lde experiment [options] NAME)');
  await refuses(['no-timer', '--frob'], 'unknown option --frob (try: lde experiment --help)');
  assert.equal(findExperiment('no-timer'), noTimer);
  assert.equal(new Set(EXPERIMENTS.map((e) => e.name)).size, EXPERIMENTS.length, 'names are unique');
});

const COLUMN: Schema = { key: 'string', title: 'string' };
const PROCESS_ROW: Schema = { setting: 'string', pid: 'integer', role: 'string', cpu: 'number', share: 'number', longestWait: 'number', finished: 'string', ending: 'string' };
const RUN_ROW: Schema = { setting: 'string', status: 'integer', time: 'number', ticks: 'integer', switches: 'integer', message: 'string' };
const NO_TIMER_SCHEMA: Schema = {
  name: 'string', question: 'string', conclusion: 'string', plot: 'object',
  commands: { 'timer at 250 Hz': 'string', 'no timer': 'string' },
  tables: 'array', // checked one by one below: the two tables differ
};

/** The process table's rows of one setting. */
const rowsOf = (r: ExperimentResult, setting: string) => r.tables[0].rows.filter((x) => x.setting === setting);

let inProcess: { json: string; result: ExperimentResult } | undefined;
async function noTimerResult(): Promise<{ json: string; result: ExperimentResult }> {
  if (!inProcess) {
    const progress: [number, number, string][] = [];
    const result = await runExperiment(noTimer, env(progress));
    assert.deepEqual(progress, [[1, 2, 'timer at 250 Hz'], [2, 2, 'no timer']], 'one progress report per run');
    inProcess = { json: experimentJson(result), result };
  }
  return inProcess;
}

test('no-timer: the JSON matches its schema, field by field', async () => {
  const { json } = await noTimerResult();
  const r = JSON.parse(json) as ExperimentResult;
  check(r, NO_TIMER_SCHEMA, 'result');
  assert.equal(r.tables.length, 2);
  for (const [t, row] of [[r.tables[0], PROCESS_ROW], [r.tables[1], RUN_ROW]] as const) {
    check(t, { title: 'string', columns: 'array', rows: [row] }, `table ${t.title}`);
    for (const c of t.columns) {
      assert.ok(typeof c.key === 'string' && typeof c.title === 'string');
      for (const k of Object.keys(c)) assert.ok(['key', 'title', 'unit', 'digits'].includes(k), `column key ${k}`);
    }
    assert.deepEqual(t.columns.map((c) => c.key).sort(), Object.keys(row).sort(), `${t.title}: a column per field`);
    check(Object.fromEntries(t.columns.map((c) => [c.key, c])), Object.fromEntries(t.columns.map((c) => [c.key, c.unit === undefined ? (c.digits === undefined ? COLUMN : { ...COLUMN, digits: 'integer' }) : { ...COLUMN, unit: 'string', digits: 'integer' }])), 'columns');
  }
  assert.equal(r.name, 'no-timer');
  assert.equal((r.plot as { $schema: string }).$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
});

test('no-timer: without the timer one hog keeps the CPU and the rest never run; with it every process runs, 25 ticks in 0.1 s', async () => {
  const { result } = await noTimerResult();
  const runs = result.tables[1].rows;
  const timer = rowsOf(result, 'timer at 250 Hz'), none = rowsOf(result, 'no timer');
  // hogs forks 2 hogs and an interactive child: 4 processes in each run.
  assert.deepEqual(timer.map((x) => x.role), ['parent', 'hog 1', 'hog 2', 'interactive child']);
  assert.deepEqual(none.map((x) => x.role), timer.map((x) => x.role));
  const run = (s: string) => runs.find((x) => x.setting === s)!;
  assert.equal(run('timer at 250 Hz').ticks, 25, '0.1 s at 250 Hz'); // the grid is fixed from time 0: ticks at 4, 8, ..., 100 ms
  assert.equal(run('no timer').ticks, 0);
  for (const s of ['timer at 250 Hz', 'no timer']) assert.equal(run(s).status, 124, `${s}: stopped by the bound`);
  assert.match(String(run('no timer').message), /there is no timer interrupt to take it back/);
  // Without the timer: the first hog has nearly all the time, the other hog and the interactive child none.
  const byRole = (rows: Row[], role: string) => rows.find((x) => x.role === role)!;
  assert.ok(Number(byRole(none, 'hog 1').share) > 95);
  for (const role of ['hog 2', 'interactive child']) {
    assert.equal(byRole(none, role).cpu, 0);
    assert.equal(byRole(none, role).ending, 'never ran');
    assert.ok(Number(byRole(none, role).longestWait) > 95, `${role} waited the whole run`);
  }
  // With the timer: everyone ran, the hogs shared the CPU, the interactive child finished its naps.
  for (const x of timer) assert.ok(Number(x.cpu) > 0, `${x.role} ran`);
  const h1 = Number(byRole(timer, 'hog 1').cpu), h2 = Number(byRole(timer, 'hog 2').cpu);
  assert.ok(Math.abs(h1 - h2) <= 2 * 4 + 0.5, `the hogs' CPU time differs by at most two ticks: ${h1} vs ${h2}`);
  assert.equal(byRole(timer, 'interactive child').ending, 'exited with 0');
  assert.ok(Number(byRole(timer, 'interactive child').longestWait) <= 2 * 4, 'no wait over two tick periods');
  // The conclusion is the table's: its numbers appear in it.
  assert.ok(result.conclusion.includes(`${h1.toFixed(1)} ms`), result.conclusion);
  assert.ok(result.conclusion.includes('2 of 4 processes never ran'), result.conclusion);
  assert.ok(result.conclusion.includes('With the timer at 250 Hz, every process ran'), result.conclusion);
});

test("no-timer: each run's lde run line counts the same cycles per process as the experiment's run", async () => {
  const { result } = await noTimerResult();
  for (const [setting, line] of Object.entries(result.commands)) {
    const words = line.split(' ');
    assert.deepEqual(words.slice(0, 2), ['lde', 'run']);
    const r = lde(['run', '--stats=json', ...words.slice(2)]);
    assert.equal(r.status, 124, `${line}: ${r.stderr}`);
    const stats = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))) as { processes: { pid: number; userCycles: number; systemCycles: number }[] };
    const rows = rowsOf(result, setting);
    assert.deepEqual(stats.processes.map((p) => [p.pid, (p.userCycles + p.systemCycles) / 1e6]), rows.map((x) => [x.pid, x.cpu]), line);
  }
});

/** Whether text is well-formed XML as far as tags go: every element closed in order, one root, attributes quoted. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  let roots = 0;
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<[^>]*>/g)) {
    if (m[2] === undefined) return false; // a tag that is not a well-formed start or end tag
    if (m[1]) { if (stack.pop() !== m[2]) return false; } else if (!m[4]) { if (stack.length === 0) roots++; stack.push(m[2]); } else if (stack.length === 0) roots++;
  }
  return stack.length === 0 && roots === 1 && xml.trimStart().startsWith('<svg');
}

test('lde experiment no-timer --json --plot: the same bytes as the run in this process, and an SVG with a bar per row', async () => {
  const { json, result } = await noTimerResult();
  const dir = mkdtempSync(`${tmpdir()}/lde-experiment-`);
  try {
    const r = lde(['experiment', 'no-timer', '--json', '--plot', `${dir}/c.svg`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
    assert.equal(r.stdout, json, 'deterministic: another process, the same JSON');
    const svg = readFileSync(`${dir}/c.svg`, 'utf8');
    assert.ok(wellFormed(svg), 'well-formed SVG');
    assert.ok(!wellFormed(svg.replace('</g>', '')), 'the checker catches an unclosed element');
    const bars = [...svg.matchAll(/aria-label="process: ([^;"]+); CPU time \(ms\): ([\d.]+); setting: ([^"]+)"/g)];
    const rows = result.tables[0].rows;
    assert.equal(bars.length, rows.length, 'one bar per process and setting');
    for (const x of rows) assert.ok(bars.some((b) => b[1] === `${x.role} (pid ${x.pid})` && b[3] === x.setting && Math.abs(Number(b[2]) - Number(x.cpu)) < 1e-3), `a bar for ${x.role} (${x.setting})`);
    const text = formatExperiment(result);
    assert.ok(text.replace(/\s+/g, ' ').includes(result.conclusion), 'the text shows the conclusion');
    for (const c of Object.values(result.commands)) assert.ok(text.includes(c), 'and the commands');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('barChart builds a grouped vega-lite bar chart with its data inline', () => {
  const spec = barChart({ title: 't', data: [{ a: 'x', b: 1, g: 'p' }], x: { field: 'a', title: 'A' }, y: { field: 'b', title: 'B' }, group: { field: 'g', title: 'G' } });
  assert.deepEqual(spec.data, { values: [{ a: 'x', b: 1, g: 'p' }] });
  assert.deepEqual(spec.encoding, {
    x: { field: 'a', type: 'nominal', title: 'A', sort: null, axis: { labelAngle: -30, labelLimit: 0 } }, y: { field: 'b', type: 'quantitative', title: 'B' },
    xOffset: { field: 'g', type: 'nominal' }, color: { field: 'g', type: 'nominal', title: 'G', sort: null },
  });
});
