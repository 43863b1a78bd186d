// `lde experiment smp`: several harts (--smp, docs/smp.md). Three workloads
// of user/bin/harts, each run with 1, 2 and 4 harts:
//
//   parallel   4 threads computing on their own data: the virtual-time
//              speedup over one hart (the program's life, from the first
//              instruction to its exit: thread creation is serial)
//   contention 4 threads adding to one counter under a futex mutex, against
//              the same count kept in per-thread counters: what the lock
//              costs once the threads really run at the same time
//   shootdown  one thread maps, touches and unmaps a page over and over
//              while 3 threads of the same process compute: munmap's cost
//              when other harts run the address space (flush IPIs, waiting
//              for their acknowledgements) against one hart (a local flush)

import type { Column, Experiment, ExperimentContext, ExperimentResult, Row, RunOutcome, RunSpec, Table } from './types.js';
import { commandLine } from './runner.js';
import { round } from './measure.js';
import { barChart } from './plot.js';

const HARTS = [1, 2, 4];
const THREADS = '4', COUNT = '20000';
const PAR: RunSpec = { label: 'parallel', program: 'harts', args: ['par', THREADS, '100000'] };
const LOCK: RunSpec = { label: 'mutex', program: 'harts', args: ['lock', THREADS, COUNT] };
const COUNTERS: RunSpec = { label: 'per-thread counters', program: 'harts', args: ['percpu', THREADS, COUNT] };
const UNMAP: RunSpec = { label: 'munmap', program: 'harts', args: ['unmap', THREADS, '200'] };

const ms = (cycles: number) => round(cycles / 1e6, 3);

const SPEEDUP: Column[] = [
  { key: 'harts', title: 'harts' },
  { key: 'ms', title: 'virtual time', unit: 'ms', digits: 3 },
  { key: 'speedup', title: 'speedup', digits: 2 },
  { key: 'busyPct', title: 'harts busy', unit: '%', digits: 1 },
  { key: 'ipis', title: 'IPIs' },
  { key: 'migrations', title: 'migrations' },
];
const CONTENTION: Column[] = [
  { key: 'variant', title: 'counting with' },
  { key: 'harts', title: 'harts' },
  { key: 'ms', title: 'virtual time', unit: 'ms', digits: 3 },
  { key: 'futex', title: 'futex calls' },
  { key: 'switches', title: 'context switches' },
  { key: 'idlePct', title: 'harts idle', unit: '%', digits: 1 },
];
const SHOOTDOWN: Column[] = [
  { key: 'harts', title: 'harts' },
  { key: 'munmapUs', title: 'munmap mean', unit: 'µs', digits: 2 },
  { key: 'withWaitUs', title: 'with the wait', unit: 'µs', digits: 2 },
  { key: 'shootdowns', title: 'shootdowns' },
  { key: 'tlbIpis', title: 'flush IPIs' },
  { key: 'waitMs', title: 'waiting for acks', unit: 'ms', digits: 3 },
  { key: 'ms', title: 'virtual time', unit: 'ms', digits: 3 },
];

export const smp: Experiment = {
  name: 'smp',
  summary: 'several harts: parallel speedup, lock contention and TLB shootdowns at 1, 2 and 4 harts',
  question: 'What do more harts buy a parallel program, and what do a contended lock and TLB shootdowns cost it?',
  runs: HARTS.length * 4,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const commands: Record<string, string> = {};
    const go = async (spec: RunSpec, harts: number): Promise<RunOutcome> => {
      const s: RunSpec = { ...spec, label: `${spec.label}, --smp ${harts}`, kernel: { harts } };
      commands[s.label] = commandLine(s);
      const r = await ctx.run(s);
      if (r.status !== 0) throw new Error(`${commandLine(s)}: status ${r.status}${r.message ? `: ${r.message}` : ''}`);
      return r;
    };
    const par: Row[] = [], lock: Row[] = [], unmap: Row[] = [];
    for (const harts of HARTS) par.push({ workload: 'parallel', ...speedupRow(await go(PAR, harts), harts) });
    const one = Number(par[0].cycles);
    for (const r of par) r.speedup = round(one / Number(r.cycles), 2);
    for (const [variant, spec] of [['a futex mutex', LOCK], ['per-thread counters', COUNTERS]] as const) {
      for (const harts of HARTS) lock.push({ workload: 'contention', variant, ...contentionRow(await go(spec, harts), harts) });
    }
    for (const harts of HARTS) unmap.push({ workload: 'shootdown', ...shootdownRow(await go(UNMAP, harts), harts) });
    const tables: Table[] = [
      { title: `${THREADS} threads computing on their own data (harts par ${PAR.args!.slice(1).join(' ')})`, columns: SPEEDUP, rows: par },
      { title: `${THREADS} threads counting to ${Number(THREADS) * Number(COUNT)}: one counter under a futex mutex, or one counter each`, columns: CONTENTION, rows: lock },
      { title: `munmap beside ${Number(THREADS) - 1} computing threads of the same process (harts unmap ${UNMAP.args!.slice(1).join(' ')})`, columns: SHOOTDOWN, rows: unmap },
    ];
    return {
      name: 'smp', question: smp.question, tables, commands, conclusion: conclude(par, lock, unmap),
      plot: barChart({ title: 'Virtual-time speedup over one hart', data: par, x: { field: 'harts', title: 'harts', type: 'ordinal' }, y: { field: 'speedup', title: 'speedup' } }),
    };
  },
};

/** The program's life: the first process's exit (the run ends there). */
const life = (r: RunOutcome) => r.stats.cycles;
const hartSum = (r: RunOutcome, pick: (h: NonNullable<RunOutcome['stats']['harts']>[number]) => number) =>
  (r.stats.harts ?? []).reduce((n, h) => n + pick(h), 0);
const ipiCount = (by: Record<string, number>) => Object.values(by).reduce((n, v) => n + v, 0);

function speedupRow(r: RunOutcome, harts: number): Row {
  const busy = r.stats.userCycles + r.stats.kernelCycles;
  return { harts, cycles: life(r), ms: ms(life(r)), speedup: 1, busyPct: round((100 * busy) / (harts * life(r)), 1),
    ipis: hartSum(r, (h) => ipiCount(h.ipisSent)), migrations: hartSum(r, (h) => h.migrations) };
}

function contentionRow(r: RunOutcome, harts: number): Row {
  const s = r.stats, cs = s.contextSwitches;
  return { harts, ms: ms(life(r)), futex: s.syscalls.find((c) => c.name === 'futex')?.count ?? 0,
    switches: cs.voluntary + cs.involuntary + cs.other, idlePct: round((100 * s.idleCycles) / (harts * life(r)), 1) };
}

function shootdownRow(r: RunOutcome, harts: number): Row {
  const munmap = r.stats.syscalls.find((c) => c.name === 'munmap'), calls = munmap?.count ?? 0, mean = munmap?.meanCycles ?? 0;
  const wait = hartSum(r, (h) => h.shootdownWait);
  return { harts, munmapUs: round(mean / 1e3, 2), withWaitUs: round(calls > 0 ? (mean + wait / calls) / 1e3 : 0, 2), shootdowns: hartSum(r, (h) => h.shootdowns),
    tlbIpis: hartSum(r, (h) => h.ipisSent.tlb ?? 0), waitMs: ms(wait), ms: ms(life(r)) };
}

function conclude(par: Row[], lock: Row[], unmap: Row[]): string {
  const at = (rows: Row[], harts: number, variant?: string) => rows.find((r) => r.harts === harts && (variant === undefined || r.variant === variant))!;
  const mutex4 = at(lock, 4, 'a futex mutex'), count4 = at(lock, 4, 'per-thread counters'), mutex1 = at(lock, 1, 'a futex mutex');
  const u1 = at(unmap, 1), u4 = at(unmap, 4);
  return `The parallel program ran ${at(par, 2).speedup}x as fast on 2 harts and ${at(par, 4).speedup}x on 4 as on one (thread creation stays serial). ` +
    `On 4 harts the mutex made ${mutex4.futex} futex calls where one hart needed ${mutex1.futex}, and took ${mutex4.ms} ms against ${count4.ms} ms for per-thread counters. ` +
    `munmap cost its caller ${u1.withWaitUs} µs on one hart and ${u4.withWaitUs} µs on 4, where each of its ${u4.shootdowns} shootdowns sent flush IPIs and waited for the other harts to flush.`;
}
