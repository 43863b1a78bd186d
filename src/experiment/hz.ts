// `lde experiment hz`: "Why does HZ=1000 cost more power than HZ=100?", and
// what a higher tick rate buys. Three workloads, each at HZ 100, 250 and
// 1000 with the tick always running (--tick periodic), and at 250 with the
// tick stopped while idle (--tick idle, tickless idle):
//   idle         waker: one process waking every 100 ms (an idle system);
//   interactive  hogs: two CPU hogs and one process that naps 5 ms and works;
//   hog          spin: one CPU hog.
// For each: scheduling latency (wake-up to running) p50, p99 and max, timer
// interrupts per second, kernel overhead, energy and mean power.

import type { Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import { ENERGY_COLUMNS, IDLE_SYSTEM, latencies, latencyMs, sweep, timeColumns, type Workload } from './measure.js';
import { barChart } from './plot.js';
import type { TickMode } from '../kernel/sched/cpu.js';

const setting = (label: string, hz: number, tick: TickMode) => ({ label, kernel: { hz, tick } });
const SETTINGS = [setting('HZ=100', 100, 'periodic'), setting('HZ=250', 250, 'periodic'), setting('HZ=1000', 1000, 'periodic'), setting('tickless idle', 250, 'idle')];
const WORKLOADS: Workload[] = [
  IDLE_SYSTEM,
  { name: 'interactive', title: 'an interactive process among two CPU hogs', program: 'hogs', args: ['2', '3000000', '10'] },
  { name: 'hog', title: 'one CPU hog', program: 'spin', args: ['5000000'] },
];

const COLUMNS = [
  { key: 'setting', title: 'setting' },
  { key: 'p50', title: 'latency p50', unit: 'ms', digits: 3 },
  { key: 'p99', title: 'p99', unit: 'ms', digits: 3 },
  { key: 'max', title: 'max', unit: 'ms', digits: 3 },
  { key: 'interruptsPerSec', title: 'timer irqs/s', digits: 1 },
  { key: 'kernelPct', title: 'kernel', unit: '%', digits: 3 },
  ...ENERGY_COLUMNS,
];

export const hz: Experiment = {
  name: 'hz',
  summary: 'HZ 100, 250, 1000 and tickless idle: latency, timer interrupts, kernel overhead and power',
  question: 'Why does HZ=1000 cost more power than HZ=100, and what does it buy?',
  runs: SETTINGS.length * WORKLOADS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const { tables, rows, commands } = await sweep(ctx, WORKLOADS, SETTINGS, COLUMNS,
      (r, s) => ({ setting: s.label, ...latencyMs(latencies(r.events)), ...timeColumns(r) }), true);
    return {
      name: 'hz', question: hz.question, tables, commands,
      conclusion: conclude(tables.map((t) => t.rows)),
      plot: barChart({ title: 'Mean power by tick rate and workload', data: rows, x: { field: 'workload', title: 'workload' }, y: { field: 'watts', title: 'mean power (W)' }, group: { field: 'setting', title: 'setting' } }),
    };
  },
};

/** The conclusion, from the numbers: power on the idle system, latency among hogs. */
function conclude([idle, interactive]: Row[][]): string {
  const at = (rows: Row[], label: string) => rows.find((r) => r.setting === label)!;
  const w = (r: Row) => Number(r.watts), fmt = (x: number) => x.toFixed(4);
  const i100 = at(idle, 'HZ=100'), i1000 = at(idle, 'HZ=1000'), nohz = at(idle, 'tickless idle');
  const l100 = at(interactive, 'HZ=100'), l1000 = at(interactive, 'HZ=1000');
  const ratio = w(i100) > 0 ? (w(i1000) / w(i100)).toFixed(1) : '∞';
  return `On an idle system HZ=1000 draws ${fmt(w(i1000))} W against ${fmt(w(i100))} W at HZ=100 (${ratio}×), ` +
    `because ${Number(i1000.interruptsPerSec).toFixed(0)} timer interrupts a second each wake the hart and keep it out of its deep idle state; ` +
    `with the tick stopped while idle it draws ${fmt(w(nohz))} W, though each wake-up then waits ${nohz.p99} ms to leave the deep state (${i1000.p99} ms at HZ=1000). ` +
    `What HZ=1000 buys: among CPU hogs the interactive process's p99 scheduling latency is ${l1000.p99} ms instead of ${l100.p99} ms, ` +
    `for ${l1000.kernelPct}% of the time in the kernel instead of ${l100.kernelPct}%.`;
}
