// Small measurements the time experiments share (hz.ts, tickless.ts,
// preempt.ts): what a run's events and counters say about latency, tick
// rates, overhead and energy, in the units the tables print.

import type { RunOutcome, Row } from './types.js';
import type { TraceEvent } from '../trace/events.js';
import { percentile } from '../trace/format.js';

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
export function latencyMs(sorted: readonly number[]): { p50: number; p99: number; max: number } {
  return { p50: ms(percentile(sorted, 0.5)), p99: ms(percentile(sorted, 0.99)), max: ms(sorted.length ? sorted[sorted.length - 1] : 0) };
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

/** A vega-lite (v5) grouped bar chart of one numeric field, by `x`, coloured by `color`, one panel per `facet`. */
export function barChart(title: string, rows: Row[], x: string, y: string, yTitle: string, color: string, facet?: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: rows },
    ...(facet ? { facet: { field: facet, type: 'nominal', title: null }, spec: barSpec(x, y, yTitle, color), resolve: { scale: { y: 'independent' } } } : barSpec(x, y, yTitle, color)),
  };
}

function barSpec(x: string, y: string, yTitle: string, color: string): Record<string, unknown> {
  return {
    width: 220, height: 160,
    mark: 'bar',
    encoding: {
      x: { field: x, type: 'nominal', title: null, sort: null },
      y: { field: y, type: 'quantitative', title: yTitle },
      color: { field: color, type: 'nominal', legend: null },
      tooltip: [{ field: x }, { field: y }],
    },
  };
}
