// `lde experiment hz`: "Why does HZ=1000 cost more power than HZ=100?", and
// what a higher tick rate buys. Three workloads, each at HZ 100, 250 and
// 1000 with the tick always running (--tick periodic), and at 250 with the
// tick stopped while idle (--tick idle, tickless idle):
//   idle         waker: one process waking every 100 ms (an idle system);
//   interactive  hogs: two CPU hogs and one process that naps 5 ms and works;
//   hog          spin: one CPU hog.
// For each: scheduling latency (wake-up to running) p50, p99 and max, timer
// interrupts per second, kernel overhead, energy and mean power.

import type { Experiment, ExperimentContext, ExperimentResult, Row, RunSpec } from './types.js';
import { barChart, latencies, latencyMs, timeColumns } from './measure.js';
import type { TickMode } from '../kernel/sched/cpu.js';

interface Setting { label: string; hz: number; tick: TickMode; }
const SETTINGS: Setting[] = [
  { label: 'HZ=100', hz: 100, tick: 'periodic' },
  { label: 'HZ=250', hz: 250, tick: 'periodic' },
  { label: 'HZ=1000', hz: 1000, tick: 'periodic' },
  { label: 'tickless idle', hz: 250, tick: 'idle' },
];
const WORKLOADS = [
  { name: 'idle', title: 'an idle system: one process waking every 100 ms', program: 'waker', args: ['10', '100'] },
  { name: 'interactive', title: 'an interactive process among two CPU hogs', program: 'hogs', args: ['2', '3000000', '10'] },
  { name: 'hog', title: 'one CPU hog', program: 'spin', args: ['10000000'] },
];

const COLUMNS = [
  { key: 'setting', title: 'setting' },
  { key: 'p50', title: 'latency p50', unit: 'ms', digits: 3 },
  { key: 'p99', title: 'p99', unit: 'ms', digits: 3 },
  { key: 'max', title: 'max', unit: 'ms', digits: 3 },
  { key: 'interruptsPerSec', title: 'timer irqs/s', digits: 1 },
  { key: 'kernelPct', title: 'kernel', unit: '%', digits: 3 },
  { key: 'joules', title: 'energy', unit: 'J', digits: 4 },
  { key: 'watts', title: 'mean power', unit: 'W', digits: 4 },
];

export const hz: Experiment = {
  name: 'hz',
  summary: 'HZ 100, 250, 1000 and tickless idle: latency, timer interrupts, kernel overhead and power',
  question: 'Why does HZ=1000 cost more power than HZ=100, and what does it buy?',
  runs: SETTINGS.length * WORKLOADS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const tables = [], commands: Record<string, string> = {}, plotRows: Row[] = [];
    for (const w of WORKLOADS) {
      const rows: Row[] = [];
      for (const s of SETTINGS) {
        const spec: RunSpec = { label: `${s.label}, ${w.name}`, program: w.program, args: w.args, kernel: { hz: s.hz, tick: s.tick }, keepEvents: true };
        const r = await ctx.run(spec);
        commands[spec.label] = `lde run --hz ${s.hz} --tick ${s.tick} --stats ${w.program} ${w.args.join(' ')}`;
        const row: Row = { workload: w.name, setting: s.label, ...latencyMs(latencies(r.events)), ...timeColumns(r) };
        rows.push(row);
        plotRows.push(row);
      }
      tables.push({ title: w.title, columns: COLUMNS, rows });
    }
    return {
      name: 'hz', question: hz.question, tables, commands,
      conclusion: conclude(tables.map((t) => t.rows)),
      plot: barChart('Mean power by tick rate (W)', plotRows, 'setting', 'watts', 'mean power (W)', 'setting', 'workload'),
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
    `with the tick stopped while idle it draws ${fmt(w(nohz))} W. ` +
    `What HZ=1000 buys: among CPU hogs the interactive process's p99 scheduling latency is ${l1000.p99} ms instead of ${l100.p99} ms, ` +
    `for ${l1000.kernelPct}% of the time in the kernel instead of ${l100.kernelPct}%.`;
}
