// `lde experiment preempt`: kernel preemption. An interactive process naps
// 1 ms at a time while another process makes long system calls (longcalls:
// mprotect over 32 MiB and fork of that address space). Under each model
// (--preempt none, voluntary, full) at HZ=1000: how long the kernel kept a
// waiting process waiting (from the tick that set need-resched to the
// switch: p50, p99, max), the interactive process's whole scheduling latency
// (which also holds the wait for the tick), the long-call process's
// throughput, and the context switches. A second workload forks a small
// process over and over: fork's fixed cost is straight-line work, which only
// full preemption can cut.

import type { Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import { latencies, latencyMs, lifetime, round, sweep, timerSleepers, type Workload } from './measure.js';
import { barChart } from './plot.js';
import { PREEMPT_MODES } from '../kernel/sched/preempt.js';

const HZ = 1000;
const SETTINGS = PREEMPT_MODES.map((model) => ({ label: `--preempt ${model}`, model, kernel: { hz: HZ, preempt: model } }));
const WORKLOADS: Workload[] = [
  { name: 'mprotect+fork', title: 'beside mprotect over 32 MiB and fork of it (loops with cond_resched points)', program: 'longcalls', args: ['20', '40', '32'] },
  { name: 'fork', title: "beside fork of a small process (fork's fixed, straight-line cost)", program: 'longcalls', args: ['200', '40', '0'] },
];
const COLUMNS = [
  { key: 'model', title: '--preempt' },
  { key: 'kp50', title: 'kernel wait p50', unit: 'µs', digits: 1 },
  { key: 'kp99', title: 'p99', unit: 'µs', digits: 1 },
  { key: 'kmax', title: 'max', unit: 'µs', digits: 1 },
  { key: 'p99', title: 'interactive latency p99', unit: 'ms', digits: 3 },
  { key: 'max', title: 'max', unit: 'ms', digits: 3 },
  { key: 'callsPerSec', title: 'long calls/s', digits: 1 },
  { key: 'preemptions', title: 'kernel preemptions' },
  { key: 'switches', title: 'context switches' },
];

export const preempt: Experiment = {
  name: 'preempt',
  summary: 'kernel preemption none, voluntary and full: an interactive process beside long system calls',
  question: 'How long does a process wait while another is in the kernel, and what do preemption points change?',
  runs: SETTINGS.length * WORKLOADS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const { tables, rows, commands } = await sweep(ctx, WORKLOADS, SETTINGS, COLUMNS, (r, s, w) => {
      const caller = [...r.stats.processes].sort((a, b) => b.systemCycles - a.systemCycles)[0];
      const life = lifetime(r.events, caller.pid), calls = Number(w.args[0]);
      const k = r.stats.preempt.latency, cs = r.stats.contextSwitches;
      return {
        model: s.model, kp50: round(k.p50 / 1e3, 1), kp99: round(k.p99 / 1e3, 1), kmax: round(k.max / 1e3, 1),
        ...latencyMs(latencies(r.events, timerSleepers(r.events))),
        callsPerSec: round(life > 0 ? calls / (life / 1e9) : 0, 1), preemptions: r.stats.preempt.inKernel,
        switches: cs.voluntary + cs.involuntary + cs.other,
      };
    }, true);
    return {
      name: 'preempt', question: preempt.question, tables, commands,
      conclusion: conclude(tables[0].rows, tables[1].rows),
      plot: barChart({ title: 'Kernel preemption latency, max (µs)', data: rows, x: { field: 'workload', title: 'workload' }, y: { field: 'kmax', title: 'need-resched to switch, max (µs)' }, group: { field: 'model', title: '--preempt' } }),
    };
  },
};

function conclude(loops: Row[], straight: Row[]): string {
  const by = (rows: Row[], m: string) => rows.find((r) => r.model === m)!;
  const n = by(loops, 'none'), v = by(loops, 'voluntary'), sv = by(straight, 'voluntary'), sf = by(straight, 'full');
  const same = n.callsPerSec === v.callsPerSec ? `the long calls ran at the same ${n.callsPerSec} a second` : `the long calls ran at ${n.callsPerSec} against ${v.callsPerSec} a second`;
  return `Beside long page-table walks the kernel kept a waiting process waiting up to ${n.kmax} µs without kernel preemption and ${v.kmax} µs with cond_resched points (voluntary); ${same}. ` +
    `Fork's straight-line work has no such points: there voluntary still made it wait up to ${sv.kmax} µs, and full preemption ${sf.kmax} µs.`;
}
