// `lde experiment preempt`: kernel preemption. An interactive process naps
// 1 ms at a time while another process makes long system calls (longcalls:
// mprotect over 32 MiB and fork of that address space). Under each model
// (--preempt none, voluntary, full) at HZ=1000: the interactive process's
// scheduling latency p50, p99 and max, the long-call process's throughput,
// and the preemptions in the kernel. A second workload forks a small process
// over and over: fork's fixed cost is straight-line work, which only full
// preemption can cut.

import type { Experiment, ExperimentContext, ExperimentResult, Row, RunSpec } from './types.js';
import { barChart, latencies, latencyMs, lifetime, round, timerSleepers } from './measure.js';
import { PREEMPT_MODES } from '../kernel/sched/preempt.js';

const HZ = 1000;
const WORKLOADS = [
  { name: 'mprotect+fork', title: 'beside mprotect over 32 MiB and fork of it (loops with cond_resched points)', args: ['20', '40', '32'] },
  { name: 'fork', title: "beside fork of a small process (fork's fixed, straight-line cost)", args: ['200', '40', '0'] },
];
const COLUMNS = [
  { key: 'model', title: '--preempt' },
  { key: 'p50', title: 'latency p50', unit: 'ms', digits: 3 },
  { key: 'p99', title: 'p99', unit: 'ms', digits: 3 },
  { key: 'max', title: 'max', unit: 'ms', digits: 3 },
  { key: 'callsPerSec', title: 'long calls/s', digits: 1 },
  { key: 'preemptions', title: 'kernel preemptions' },
];

export const preempt: Experiment = {
  name: 'preempt',
  summary: 'kernel preemption none, voluntary and full: an interactive process beside long system calls',
  question: 'How long does a process wait while another is in the kernel, and what do preemption points change?',
  runs: PREEMPT_MODES.length * WORKLOADS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const tables = [], commands: Record<string, string> = {}, plotRows: Row[] = [];
    for (const w of WORKLOADS) {
      const rows: Row[] = [];
      for (const model of PREEMPT_MODES) {
        const spec: RunSpec = { label: `--preempt ${model}, ${w.name}`, program: 'longcalls', args: w.args, kernel: { hz: HZ, preempt: model }, keepEvents: true };
        const r = await ctx.run(spec);
        commands[spec.label] = `lde run --hz ${HZ} --preempt ${model} --stats longcalls ${w.args.join(' ')}`;
        const caller = [...r.stats.processes].sort((a, b) => b.systemCycles - a.systemCycles)[0];
        const life = lifetime(r.events, caller.pid), calls = Number(w.args[0]);
        const row: Row = {
          workload: w.name, model, ...latencyMs(latencies(r.events, timerSleepers(r.events))),
          callsPerSec: round(life > 0 ? calls / (life / 1e9) : 0, 1), preemptions: r.stats.preempt.inKernel,
        };
        rows.push(row);
        plotRows.push(row);
      }
      tables.push({ title: w.title, columns: COLUMNS, rows });
    }
    return {
      name: 'preempt', question: preempt.question, tables, commands,
      conclusion: conclude(tables[0].rows, tables[1].rows),
      plot: barChart('Interactive latency, max (ms)', plotRows, 'model', 'max', 'max latency (ms)', 'model', 'workload'),
    };
  },
};

function conclude(loops: Row[], straight: Row[]): string {
  const by = (rows: Row[], m: string) => rows.find((r) => r.model === m)!;
  const n = by(loops, 'none'), v = by(loops, 'voluntary'), sv = by(straight, 'voluntary'), sf = by(straight, 'full');
  return `Beside long page-table walks the interactive process waits up to ${n.max} ms without kernel preemption and ${v.max} ms with cond_resched points (voluntary), ` +
    `at ${n.callsPerSec} against ${v.callsPerSec} long calls a second. ` +
    `Fork's straight-line work has no such points: there voluntary still waits up to ${sv.max} ms, and only full preemption brings it to ${sf.max} ms.`;
}
