// `lde experiment io_uring`: crossing less with io_uring. user/bin/uring
// makes 100,000 small file operations (64-byte pwrite and pread, half each)
// through plain system calls, through io_uring with 1, 8 and 64 SQEs per
// io_uring_enter, and through IORING_SETUP_SQPOLL twice: with the kernel's
// poller thread sharing the program's one hart (the program gives it the
// hart with sched_yield when the ring is full), and with the poller pinned
// to a second hart (--smp 2, IORING_SETUP_SQ_AFF) while the program spins
// on the CQ. For each: system calls, mode switches (traps in and srets out)
// and cycles per operation, counted by the run's own Stats. Cycles are every
// hart's CPU time, user and kernel, idle excluded: the poller's passes and
// its spinning are its own kernel time (sys/io-uring-sqpoll.ts), so they
// count, and are shown apart.

import type { Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import { commandLine } from './runner.js';
import { barChart } from './plot.js';
import { round } from './measure.js';
import { DEFAULT_COSTS } from '../kernel/cost.js';
import type { ProcessStats } from '../trace/stats.js';
import { SMP_QUANTUM } from '../kernel/smp.js';

const OPS = 100_000;
/** user/bin/uring's ring: 64 SQ entries, and at most 64 operations in flight. */
const RING = 64;
const SETTINGS: { label: string; args: string[]; harts?: number }[] = [
  { label: 'system calls', args: ['sys', String(OPS)] },
  { label: 'io_uring, batch 1', args: ['uring', String(OPS), '1'] },
  { label: 'io_uring, batch 8', args: ['uring', String(OPS), '8'] },
  { label: 'io_uring, batch 64', args: ['uring', String(OPS), '64'] },
  { label: 'SQPOLL, one hart', args: ['sqpoll', String(OPS)] },
  { label: 'SQPOLL, own hart', args: ['sqpoll', String(OPS), '1'], harts: 2 },
];
const COLUMNS = [
  { key: 'how', title: 'how' },
  { key: 'syscalls', title: 'system calls/op', digits: 3 },
  { key: 'modeSwitches', title: 'mode switches/op', digits: 3 },
  { key: 'cycles', title: 'cycles/op', digits: 0 },
  { key: 'kernel', title: 'kernel cycles/op', digits: 0 },
  { key: 'program', title: 'program cycles/op', digits: 0 },
  { key: 'poller', title: 'poller cycles/op', digits: 0 },
  { key: 'wall', title: 'ns/op', digits: 0 },
  { key: 'ok', title: 'all 64 bytes' },
];

export const ioUring: Experiment = {
  name: 'io_uring',
  summary: 'small writes and reads through system calls, io_uring batches of 1, 8 and 64, and SQPOLL on one hart or two',
  question: 'Each crossing costs cycles: how many does io_uring save on small I/O, and at what batch size?',
  runs: SETTINGS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const rows: Row[] = [], commands: Record<string, string> = {};
    for (const s of SETTINGS) {
      const spec = { label: s.label, program: 'uring', args: s.args, ...(s.harts ? { kernel: { harts: s.harts } } : {}) };
      const r = await ctx.run(spec);
      commands[s.label] = commandLine(spec);
      const st = r.stats, calls = st.syscalls.reduce((n, c) => n + c.count, 0);
      const cpu = (p: ProcessStats) => p.userCycles + p.systemCycles;
      const poller = st.processes.filter((p) => p.name.startsWith('iou-sqp-')).reduce((n, p) => n + cpu(p), 0);
      const program = st.processes.filter((p) => p.name === 'uring').reduce((n, p) => n + cpu(p), 0);
      rows.push({
        how: s.label, syscalls: round(calls / OPS, 3), modeSwitches: round(st.modeSwitches / OPS, 3),
        cycles: round((st.userCycles + st.kernelCycles) / OPS, 0), kernel: round(st.kernelCycles / OPS, 0), program: round(program / OPS, 0), poller: round(poller / OPS, 0),
        wall: round(st.cycles / OPS, 0),
        ok: r.status === 0 && r.stdout.includes('moved 64 bytes: yes') ? 'yes' : 'no',
      });
    }
    return {
      name: 'io_uring', question: ioUring.question, commands, conclusion: conclude(rows),
      tables: [{ title: `${OPS.toLocaleString('en-US')} operations (64-byte pwrite and pread on /tmp)`, columns: COLUMNS, rows }],
      plot: barChart({ title: 'CPU cycles per 64-byte operation (every hart, the SQPOLL thread included)', data: rows, x: { field: 'how', title: 'how' }, y: { field: 'cycles', title: 'cycles per operation' } }),
    };
  },
};

function conclude(rows: Row[]): string {
  const by = (label: string) => rows.find((r) => r.how === label)!;
  const sys = by('system calls'), b1 = by('io_uring, batch 1'), b64 = by('io_uring, batch 64');
  const one = by('SQPOLL, one hart'), own = by('SQPOLL, own hart');
  const n = (r: Row, k: string) => Number(r[k]);
  const vs = (r: Row) => {
    const d = round(100 * (n(r, 'cycles') / n(sys, 'cycles') - 1), 0);
    return d === 0 ? 'the same' : d > 0 ? `${d}% more` : `${-d}% less`;
  };
  return `One system call per operation cost ${sys.cycles} cycles an operation. io_uring with one SQE per enter cost ${b1.cycles} ` +
    `(${vs(b1)}: the same crossing plus the ring); with 64 per enter ${b64.cycles} (${vs(b64)}) at ${b64.syscalls} system calls ` +
    `and ${b64.modeSwitches} mode switches an operation: batching is what pays, the program's own ring work (storing SQEs, reaping ` +
    `CQEs) costing ${n(b64, 'cycles') - n(b64, 'kernel')} cycles an operation against ${DEFAULT_COSTS.syscall} for one crossing. ` +
    `SQPOLL removes the crossings, not the work, and the poller's CPU is counted here: sharing the one hart, the poller thread used ` +
    `${one.poller} cycles an operation, and each sched_yield the program made when the ring was full cost a context switch each ` +
    `way: ${one.cycles} in all (${vs(one)}). On a hart of its own (--smp 2) the program made ${own.syscalls} system calls and ` +
    `${own.modeSwitches} mode switches an operation, but used ${own.program} cycles an operation (spinning on the CQ) while the ` +
    `poller spun its hart for ${own.poller} more, ${own.cycles} in all (${vs(own)}): a whole hart for no crossings. Its ` +
    `${own.wall} ns an operation is lde's bound, not Linux's: the harts take turns of ${SMP_QUANTUM / 1000} µs, so the ` +
    `${RING}-entry ring turns over once a turn (${SMP_QUANTUM.toLocaleString('en-US')} / ${RING} = ${round(SMP_QUANTUM / RING, 0)} ns).`;
}
