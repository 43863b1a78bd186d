// Small measurements the time experiments share (hz.ts, tickless.ts,
// preempt.ts): what a run's events and counters say about latency, tick
// rates, overhead and energy, in the units the tables print.

import type { Column, ExperimentContext, RunOutcome, RunSpec, Row, Table } from './types.js';
import { commandLine } from './runner.js';
import type { TraceEvent } from '../trace/events.js';
import { spread } from './format.js';

/** Wake-up to running, in cycles, for the processes in `pids` (all of them when undefined), from a run's events. */
export function latencies(events: readonly TraceEvent[], pids?: ReadonlySet<number>): number[] {
  const woken = new Map<number, number>(), out: number[] = [];
  for (const e of events) {
    if (e.kind === 'wake' && (pids === undefined || pids.has(e.pid))) woken.set(e.pid, e.due ?? e.cycle);
    else if (e.kind === 'switch' && woken.has(e.to)) { out.push(e.cycle - woken.get(e.to)!); woken.delete(e.to); }
  }
  return out.sort((a, b) => a - b);
}

/** The pids that slept on a timer (nanosleep): the "interactive" processes of a workload. */
export function timerSleepers(events: readonly TraceEvent[]): Set<number> {
  return new Set(events.filter((e) => e.kind === 'wake' && e.why === 'timer').map((e) => (e as { pid: number }).pid));
}

/** Cycles from a process's creation to its exit, from the events (0 if either is missing). */
export function lifetime(events: readonly TraceEvent[], pid: number): number {
  let from: number | undefined, to: number | undefined;
  for (const e of events) if (e.kind === 'proc' && e.pid === pid) { if (e.phase === 'create') from = e.cycle; if (e.phase === 'exit') to = e.cycle; }
  return from !== undefined && to !== undefined ? to - from : 0;
}

/** p50, p99 and max of sorted cycles, in milliseconds. */
export function latencyMs(samples: readonly number[]): { p50: number; p99: number; max: number } {
  const s = spread(samples);
  return { p50: ms(s.p50), p99: ms(s.p99), max: ms(s.max) };
}

export const ms = (cycles: number) => round(cycles / 1e6, 3);
export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The time and energy columns every time experiment reports for a run. */
export function timeColumns(r: RunOutcome): Row {
  const s = r.stats, secs = s.cycles / 1e9;
  const interrupts = s.interrupts.reduce((n, x) => n + x.count, 0) + s.tick.takenIdle;
  return {
    seconds: round(secs, 4),
    ticks: s.tick.taken,
    notTaken: s.tick.notTaken.idle + s.tick.notTaken.single,
    interruptsPerSec: round(secs > 0 ? interrupts / secs : 0, 1),
    wakeupsPerSec: round(s.idle.wakeupsPerSecond, 1),
    kernelPct: round(s.cycles > 0 ? (100 * s.kernelCycles) / s.cycles : 0, 3),
    kernelCycles: s.kernelCycles,
    joules: round(s.energy.joules, 6),
    watts: round(s.energy.meanWatts, 4),
  };
}

/** One workload of a sweep: a bundled program and its arguments. */
export interface Workload { name: string; title: string; program: string; args: string[]; }

/** The almost idle system the tick experiments share: one process waking every 100 ms, ten times. */
export const IDLE_SYSTEM: Workload = { name: 'idle', title: 'an idle system: one process waking every 100 ms', program: 'waker', args: ['10', '100'] };

/** The table columns of timeColumns' energy and mean power. */
export const ENERGY_COLUMNS: Column[] = [
  { key: 'joules', title: 'energy', unit: 'J', digits: 4 },
  { key: 'watts', title: 'mean power', unit: 'W', digits: 4 },
];

/**
 * Runs every workload under every setting (a label and kernel options), one
 * table per workload with a row per setting; `row` turns a run into the
 * row's numbers. Returns the tables, every row (for the chart), and the
 * `lde run` line of each run.
 */
export async function sweep<S extends { label: string; kernel: RunSpec['kernel'] }>(
  ctx: ExperimentContext, workloads: readonly Workload[], settings: readonly S[], columns: Column[],
  row: (r: RunOutcome, s: S, w: Workload) => Row, keepEvents = false,
): Promise<{ tables: Table[]; rows: Row[]; commands: Record<string, string> }> {
  const tables: Table[] = [], rows: Row[] = [], commands: Record<string, string> = {};
  for (const w of workloads) {
    const table: Table = { title: w.title, columns, rows: [] };
    for (const s of settings) {
      const spec: RunSpec = { label: `${s.label}, ${w.name}`, program: w.program, args: w.args, kernel: s.kernel, keepEvents };
      commands[spec.label] = commandLine(spec);
      table.rows.push({ workload: w.name, ...row(await ctx.run(spec), s, w) });
    }
    tables.push(table);
    rows.push(...table.rows);
  }
  return { tables, rows, commands };
}
