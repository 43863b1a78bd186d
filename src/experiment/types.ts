// The shape of an experiment (`lde experiment NAME`, DESIGN.md "Decisions for
// the next layers"): it runs bundled programs under the settings it compares,
// one kernel per run, and turns what the runs counted into a table, a
// conclusion computed from the table, and one vega-lite chart spec that the
// CLI renders to SVG and the browser lab renders too. Experiments are pure:
// no node:*, no DOM; the host (files, the bundled programs) comes in through
// ExperimentEnv, from src/cli or, later, the browser.

import type { HostIO } from '../kernel/host.js';
import type { KernelOptions } from '../kernel/kernel.js';
import type { Stats } from '../trace/stats.js';
import type { TraceEvent } from '../trace/events.js';
import type { HartSnapshot, JitOptions, JitStats } from '../machine/index.js';

/** One column of an experiment's table. */
export interface Column {
  /** The key of the value in each row (also its name in --json). */
  key: string;
  /** The column heading, for people. */
  title: string;
  /** The unit, printed after the heading: 'ms', 'W', '%'. */
  unit?: string;
  /** Digits after the decimal point when printed (default 0). */
  digits?: number;
}

export type Cell = string | number;
export type Row = Record<string, Cell>;

/** One table: experiments with several workloads give one per workload. */
export interface Table {
  /** What this table measured (a workload), or '' when the experiment has one table. */
  title: string;
  columns: Column[];
  rows: Row[];
}

/** What an experiment found: the numbers (--json), the text, the chart. */
export interface ExperimentResult {
  name: string;
  /** The question from the seed this answers. */
  question: string;
  tables: Table[];
  /** One or two sentences computed from the tables, never written by hand. */
  conclusion: string;
  /** A vega-lite spec (v5) with its data inline: --plot renders it to SVG, the lab in the page. */
  plot: Record<string, unknown>;
  /** The command line that reproduces each run, by run label (for the README). */
  commands: Record<string, string>;
}

/** One kernel run an experiment asks for. */
export interface RunSpec {
  /** A short name for the progress bar and the table ("HZ=100, idle system"). */
  label: string;
  /** A bundled program (user/bin/NAME). */
  program: string;
  args?: string[];
  /** Kernel options beyond the host: hz, tick, preempt, memBytes, swapBytes, maxCycles... */
  kernel?: Omit<Partial<KernelOptions>, 'host'>;
  /** Keep every trace event (for experiments that need more than the counters). Default false. */
  keepEvents?: boolean;
  /** No sinks at all (tracing off, as in a plain `lde run`), for a host wall-time measurement: the stats and latencies come back empty. Default false. */
  untraced?: boolean;
  /** The JIT on every hart (`--jit on`, `--jit-threshold`), or false for the interpreter (`--jit off`); unset: the machine's default. */
  jit?: JitOptions | false;
  /** A host file to run instead of a bundled program (CoreMark): its bytes, and its host path for the repeat command. */
  file?: { path: string; bytes: Uint8Array };
}

/** What one run left behind. */
export interface RunOutcome {
  status: number;
  /** The kernel's one-line ending, when there was one (a deadlock, --max-time, a killing signal). */
  message?: string;
  /** The guest's stdout and stderr, as text. */
  stdout: string;
  stderr: string;
  stats: Stats;
  /** Wake-up to running, in cycles, for each process name (as events name it). */
  latencies: Map<string, number[]>;
  /** Every event, when RunSpec.keepEvents. */
  events: TraceEvent[];
  /** Host nanoseconds kernel.run() took (HostIO.nowNs): a measurement, so it differs run to run; never asserted. */
  wallNs: number;
  /** Instructions retired by every hart (counted even when untraced; runner.ts always sets it). */
  instret?: number;
  /** The JIT's counters summed over the harts, when RunSpec.jit turned it on. */
  jit?: JitStats;
  /** What the harts counted themselves (machine/counts.ts): traps by cause, time per mode (runner.ts always sets it). */
  hart?: HartSnapshot;
}

/** What a program run on the host beside lde did (HostRunner.run). */
export interface HostRun {
  /** The exit status, or 128 + the signal that killed it. */
  status: number;
  stdout: string;
  /** Host nanoseconds from the start of the process to its end. */
  wallNs: number;
}

/**
 * What the host can run beside lde, to compare with it (`lde experiment jit`):
 * qemu-riscv64, native builds. The Node host provides it; a browser has none,
 * and experiments then say "not available here".
 */
export interface HostRunner {
  /** Runs a host program (argv[0], found on PATH or a path) with empty stdin, to its end. */
  run(argv: string[]): Promise<HostRun>;
  /** Whether a command is on the host's PATH ('qemu-riscv64', 'cc'). */
  has(command: string): boolean;
  /** The host path of a bundled program (user/bin/NAME), for qemu-riscv64. */
  bundledPath(name: string): string;
  /** Builds user/src/NAME.c for the host with `cc -O2` (once, in a temporary directory): its host path, or why it could not. */
  buildNative(name: string): Promise<{ path: string } | { error: string }>;
  /** A variable of the host's environment (LDE_COREMARK), or undefined. */
  env(name: string): string | undefined;
  /** A host file's bytes (a program for lde to run), or undefined when it cannot be read. */
  readFile(path: string): Uint8Array | undefined;
}

/** What the host provides to run experiments: a fresh HostIO per run, and the bundled programs. */
export interface ExperimentEnv {
  /** A host for one run: its fs and cwd; the runner replaces write, readStdin and isatty. */
  host(): HostIO;
  /** The bytes of a bundled program (user/bin/NAME). */
  program(name: string): Uint8Array;
  /** After each run: how many of how many are done, and the label of the last one (the CLI's progress bar). */
  progress?(done: number, total: number, label: string): void;
  /** Awaited after each run, so a terminal or a page can redraw (a macrotask on the host). */
  pause?(): Promise<void>;
  /** Programs run on the host beside lde (qemu-riscv64, native builds): the Node host's; absent in a browser. */
  external?: HostRunner;
}

/** The runner an experiment gets (runner.ts): runs one RunSpec, then reports progress and lets the host breathe. */
export interface ExperimentContext {
  run(spec: RunSpec): Promise<RunOutcome>;
  /** The host's runner of programs beside lde (ExperimentEnv.external), when it has one. */
  readonly external?: HostRunner;
}

export interface Experiment {
  name: string;
  /** One line for `lde experiment --help`. */
  summary: string;
  question: string;
  /** How many runs it makes (the progress bar's total). */
  runs: number;
  /** Makes its runs through ctx and computes the result. Deterministic: the same env gives the same result. */
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}
