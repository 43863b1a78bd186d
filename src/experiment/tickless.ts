// `lde experiment tickless`: what stopping the tick saves. The three tick
// modes (--tick periodic, idle, full) at 250 Hz, on an idle system (waker:
// one process waking every 100 ms) and on a single CPU-bound task (spin).
// For each: ticks taken and not taken, wake-ups from idle, energy and power,
// and the kernel time removed against the periodic tick.

import type { Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import { ENERGY_COLUMNS, IDLE_SYSTEM, round, sweep, timeColumns, type Workload } from './measure.js';
import { barChart } from './plot.js';
import { TICK_MODES } from '../kernel/sched/cpu.js';

const HZ = 250;
const SETTINGS = TICK_MODES.map((mode) => ({ label: `--tick ${mode}`, mode, kernel: { hz: HZ, tick: mode } }));
const WORKLOADS: Workload[] = [
  IDLE_SYSTEM,
  { name: 'cpu-bound', title: 'a single CPU-bound task', program: 'spin', args: ['5000000'] },
];
const COLUMNS = [
  { key: 'mode', title: '--tick' },
  { key: 'ticks', title: 'ticks' },
  { key: 'notTaken', title: 'not taken' },
  { key: 'wakeupsPerSec', title: 'wake-ups/s', digits: 1 },
  ...ENERGY_COLUMNS,
  { key: 'kernelCycles', title: 'kernel cycles' },
  { key: 'removed', title: 'kernel time removed', unit: '%', digits: 1 },
];

export const tickless: Experiment = {
  name: 'tickless',
  summary: 'the tick periodic, stopped while idle, or stopped with one task: ticks, wake-ups, power, overhead removed',
  question: 'What does a tickless kernel save, and where?',
  runs: SETTINGS.length * WORKLOADS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const { tables, rows, commands } = await sweep(ctx, WORKLOADS, SETTINGS, COLUMNS, (r, s) => ({ mode: s.mode, ...timeColumns(r) }));
    for (const t of tables) {
      const base = Number(t.rows[0].kernelCycles); // periodic's
      for (const row of t.rows) row.removed = round(base > 0 ? (100 * (base - Number(row.kernelCycles))) / base : 0, 1);
    }
    return {
      name: 'tickless', question: tickless.question, tables, commands,
      conclusion: conclude(tables[0].rows, tables[1].rows),
      plot: barChart({ title: 'Ticks taken by tick mode', data: rows, x: { field: 'workload', title: 'workload' }, y: { field: 'ticks', title: 'ticks taken' }, group: { field: 'mode', title: '--tick' } }),
    };
  },
};

function conclude(idle: Row[], cpu: Row[]): string {
  const by = (rows: Row[], m: string) => rows.find((r) => r.mode === m)!;
  const ip = by(idle, 'periodic'), ii = by(idle, 'idle'), cp = by(cpu, 'periodic'), ci = by(cpu, 'idle'), cf = by(cpu, 'full');
  const times = Number(ii.watts) > 0 ? `${(Number(ip.watts) / Number(ii.watts)).toFixed(1)}× less` : 'nearly all of the';
  return `On the idle system, stopping the tick while idle leaves ${ii.ticks} of ${ip.ticks} ticks and cuts mean power from ${ip.watts} W to ${ii.watts} W (${times} power). ` +
    `On one CPU-bound task it changes nothing (${ci.ticks} ticks, as periodic's ${cp.ticks}); only --tick full stops the tick there too: ${cf.ticks} ticks, ` +
    `${cf.notTaken} not taken, ${cf.removed}% of the kernel's time removed.`;
}
