// `lde experiment tickless`: what stopping the tick saves. The three tick
// modes (--tick periodic, idle, full) at 250 Hz, on an idle system (waker:
// one process waking every 100 ms) and on a single CPU-bound task (spin).
// For each: ticks taken and not taken, wake-ups from idle, energy and power,
// and the kernel time removed against the periodic tick.

import type { Experiment, ExperimentContext, ExperimentResult, Row, RunSpec } from './types.js';
import { barChart, round, timeColumns } from './measure.js';
import { TICK_MODES } from '../kernel/sched/cpu.js';

const HZ = 250;
const WORKLOADS = [
  { name: 'idle', title: 'an idle system: one process waking every 100 ms', program: 'waker', args: ['10', '100'] },
  { name: 'cpu-bound', title: 'a single CPU-bound task', program: 'spin', args: ['10000000'] },
];
const COLUMNS = [
  { key: 'mode', title: '--tick' },
  { key: 'ticks', title: 'ticks' },
  { key: 'notTaken', title: 'not taken' },
  { key: 'wakeupsPerSec', title: 'wake-ups/s', digits: 1 },
  { key: 'joules', title: 'energy', unit: 'J', digits: 4 },
  { key: 'watts', title: 'mean power', unit: 'W', digits: 4 },
  { key: 'kernelCycles', title: 'kernel cycles' },
  { key: 'removed', title: 'kernel time removed', unit: '%', digits: 1 },
];

export const tickless: Experiment = {
  name: 'tickless',
  summary: 'the tick periodic, stopped while idle, or stopped with one task: ticks, wake-ups, power, overhead removed',
  question: 'What does a tickless kernel save, and where?',
  runs: TICK_MODES.length * WORKLOADS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const tables = [], commands: Record<string, string> = {}, plotRows: Row[] = [];
    for (const w of WORKLOADS) {
      const rows: Row[] = [];
      for (const mode of TICK_MODES) {
        const spec: RunSpec = { label: `--tick ${mode}, ${w.name}`, program: w.program, args: w.args, kernel: { hz: HZ, tick: mode } };
        const r = await ctx.run(spec);
        commands[spec.label] = `lde run --hz ${HZ} --tick ${mode} --stats ${w.program} ${w.args.join(' ')}`;
        rows.push({ workload: w.name, mode, ...timeColumns(r) });
      }
      const base = Number(rows[0].kernelCycles);
      for (const row of rows) row.removed = round(base > 0 ? (100 * (base - Number(row.kernelCycles))) / base : 0, 1);
      plotRows.push(...rows);
      tables.push({ title: w.title, columns: COLUMNS, rows });
    }
    return {
      name: 'tickless', question: tickless.question, tables, commands,
      conclusion: conclude(tables[0].rows, tables[1].rows),
      plot: barChart('Ticks taken by tick mode', plotRows, 'mode', 'ticks', 'ticks taken', 'mode', 'workload'),
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
