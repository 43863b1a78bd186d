// `lde experiment [NAME]`: runs one experiment of src/experiment in Node and
// prints its table and conclusion (or --json), and with --plot FILE renders
// its vega-lite chart to SVG with vega. No NAME (or --list): the experiments
// and what each asks. A progress bar on stderr, only when stderr is a
// terminal; the text on stdout is the same either way.
//
//   lde experiment [--list] [--json] [--plot FILE] [NAME]   (EXPERIMENT in commands.ts)
//
// The guest sees nothing of the host: no binds, cwd "/", no environment, so
// a run gives the same numbers from any directory on any machine.

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { constants, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { EXPERIMENTS, findExperiment } from '../experiment/index.js';
import { runExperiment } from '../experiment/runner.js';
import { experimentJson, formatExperiment } from '../experiment/format.js';
import type { ExperimentEnv, HostRun, HostRunner } from '../experiment/types.js';
import { UsageError } from './args.js';
import { EXPERIMENT } from './commands.js';
import { nodeHost } from './host.js';
import { parseOptions } from './options.js';

const BUNDLED = fileURLToPath(new URL('../../../user/bin/', import.meta.url));
const SOURCES = fileURLToPath(new URL('../../../user/src/', import.meta.url));

/** The experiments, one a line: the name, then what it compares. */
export function experimentList(): string {
  const width = Math.max(...EXPERIMENTS.map((e) => e.name.length));
  return ['experiments (lde experiment NAME):', ...EXPERIMENTS.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`)].join('\n') + '\n';
}

/** Runs a host program with empty stdin to its end: status, stdout, and the wall ns from spawn to exit. */
function runHost(argv: string[]): Promise<HostRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint(), out: Buffer[] = [];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({
      status: code ?? 128 + (signal ? constants.signals[signal] : 0),
      stdout: Buffer.concat(out).toString('utf8'), wallNs: Number(process.hrtime.bigint() - t0),
    }));
  });
}

/**
 * Node's runner of programs beside lde (`lde experiment jit`): qemu-riscv64
 * and native builds of user/src/NAME.c with the host's `cc -O2`, made once
 * per process in a temporary directory removed at exit.
 */
export function hostRunner(): HostRunner {
  const builds = new Map<string, Promise<{ path: string } | { error: string }>>();
  let dir: string | undefined;
  const build = async (name: string) => {
    if (!dir) {
      const made = mkdtempSync(`${tmpdir()}/lde-native-`);
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
      dir = made;
    }
    const out = `${dir}/${name}`;
    const r = spawnSync('cc', ['-O2', '-o', out, `${SOURCES}${name}.c`], { encoding: 'utf8' });
    if (r.error) return { error: r.error.message };
    return r.status === 0 ? { path: out } : { error: `cc -O2 ${name}.c: ${(r.stderr || `status ${r.status}`).trim().split('\n')[0]}` };
  };
  return {
    run: runHost,
    has: (cmd) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0,
    bundledPath: (name) => BUNDLED + name,
    buildNative: (name) => {
      if (!builds.has(name)) builds.set(name, build(name));
      return builds.get(name)!;
    },
    env: (name) => process.env[name] || undefined,
    readFile: (path) => { try { return readFileSync(path); } catch { return undefined; } },
  };
}

/** Node's host for experiment runs: the bundled programs, a guest that sees none of the host's files, and programs beside lde. */
function nodeEnv(): ExperimentEnv {
  return {
    host: () => ({ ...nodeHost(), cwd: '/' }),
    program: (name) => readFileSync(BUNDLED + name),
    pause: () => new Promise((done) => setImmediate(done)),
    external: hostRunner(),
  };
}

/** A progress bar on stderr, when stderr is a terminal (cli-progress, loaded only then). */
async function withProgress(env: ExperimentEnv, name: string, total: number): Promise<() => void> {
  if (!process.stderr.isTTY) return () => {};
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ stream: process.stderr, format: `${name} [{bar}] {value}/{total} runs {label}`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  bar.start(total, 0, { label: '' });
  env.progress = (done, all, label) => { if (all !== bar.getTotal()) bar.setTotal(all); bar.update(done, { label }); };
  return () => bar.stop();
}

/** Opens the --plot file before the runs, so a path that cannot be written fails at once. */
function openPlot(path: string): number {
  try { return openSync(path, 'w'); } catch (e) {
    throw new UsageError(`--plot: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** A vega-lite spec as an SVG document, rendered headless (no canvas, no DOM). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try { return await view.toSVG(); } finally { view.finalize(); }
}

/**
 * Options may come before or after NAME (`lde experiment no-timer --json`):
 * the parser stops at the first operand, so NAME is moved after the options
 * that follow it and the line is read again.
 */
function parseLine(argv: string[]): ReturnType<typeof parseOptions> {
  const first = parseOptions({ ...EXPERIMENT, operands: { ...EXPERIMENT.operands, max: Infinity } }, argv);
  const at = argv.length - first.operands.length;
  if (first.operands.length < 2 || argv[at - 1] === '--') return parseOptions(EXPERIMENT, argv);
  return parseOptions(EXPERIMENT, [...argv.slice(0, at), ...argv.slice(at + 1), argv[at]]);
}

export async function experimentCommand(argv: string[]): Promise<number> {
  const { options: opts, operands } = parseLine(argv);
  const [name] = operands;
  if (name === undefined || opts.has('--list')) {
    if (name !== undefined) throw new UsageError(`--list takes no NAME (got '${name}')`);
    for (const o of ['--json', '--plot']) if (opts.has(o)) throw new UsageError(`${o} needs an experiment NAME (usage: lde experiment [options] NAME)`);
    process.stdout.write(experimentList());
    return 0;
  }
  const exp = findExperiment(name);
  if (!exp) throw new UsageError(`unknown experiment '${name}' (${EXPERIMENTS.map((e) => e.name).join(', ')}; try: lde experiment --list)`);
  const plotFile = opts.string('--plot');
  const plotFd = plotFile === undefined ? undefined : openPlot(plotFile);
  const env = nodeEnv();
  const done = await withProgress(env, exp.name, exp.runs);
  const result = await runExperiment(exp, env).finally(done);
  process.stdout.write(opts.has('--json') ? experimentJson(result) : formatExperiment(result));
  if (plotFd !== undefined) {
    try { writeSync(plotFd, await renderSvg(result.plot)); } finally { closeSync(plotFd); }
  }
  return 0;
}
