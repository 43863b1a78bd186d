// `lde experiment io_uring`: crossing less with io_uring. user/bin/uring
// makes 100,000 small file operations (64-byte pwrite and pread, half each)
// through plain system calls, through io_uring with 1, 8 and 64 SQEs per
// io_uring_enter, and through IORING_SETUP_SQPOLL (the kernel's poller takes
// the SQ; on lde's one hart the program gives it the CPU with sched_yield
// when the ring is full). For each: system calls, mode switches and cycles
// per operation, counted by the run's own Stats.

import type { Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import { commandLine } from './runner.js';
import { barChart } from './plot.js';
import { round } from './measure.js';
import { DEFAULT_COSTS } from '../kernel/cost.js';

const OPS = 100_000;
const SETTINGS = [
  { label: 'system calls', args: ['sys', String(OPS)] },
  { label: 'io_uring, batch 1', args: ['uring', String(OPS), '1'] },
  { label: 'io_uring, batch 8', args: ['uring', String(OPS), '8'] },
  { label: 'io_uring, batch 64', args: ['uring', String(OPS), '64'] },
  { label: 'io_uring, SQPOLL', args: ['sqpoll', String(OPS)] },
];
const COLUMNS = [
  { key: 'how', title: 'how' },
  { key: 'syscalls', title: 'system calls/op', digits: 3 },
  { key: 'modeSwitches', title: 'mode switches/op', digits: 3 },
  { key: 'cycles', title: 'cycles/op', digits: 0 },
  { key: 'kernel', title: 'kernel cycles/op', digits: 0 },
  { key: 'ok', title: 'all 64 bytes' },
];

export const ioUring: Experiment = {
  name: 'io_uring',
  summary: 'small writes and reads through system calls, io_uring batches of 1, 8 and 64, and SQPOLL',
  question: 'Each crossing costs cycles: how many does io_uring save on small I/O, and at what batch size?',
  runs: SETTINGS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const rows: Row[] = [], commands: Record<string, string> = {};
    for (const s of SETTINGS) {
      const spec = { label: s.label, program: 'uring', args: s.args };
      const r = await ctx.run(spec);
      commands[s.label] = commandLine(spec);
      const st = r.stats, calls = st.syscalls.reduce((n, c) => n + c.count, 0);
      rows.push({
        how: s.label, syscalls: round(calls / OPS, 3), modeSwitches: round(st.modeSwitches / OPS, 3),
        cycles: round((st.userCycles + st.kernelCycles) / OPS, 0), kernel: round(st.kernelCycles / OPS, 0),
        ok: r.status === 0 && r.stdout.includes('moved 64 bytes: yes') ? 'yes' : 'no',
      });
    }
    return {
      name: 'io_uring', question: ioUring.question, commands, conclusion: conclude(rows),
      tables: [{ title: `${OPS.toLocaleString('en-US')} operations (64-byte pwrite and pread on /tmp)`, columns: COLUMNS, rows }],
      plot: barChart({ title: 'Cycles per 64-byte operation', data: rows, x: { field: 'how', title: 'how' }, y: { field: 'cycles', title: 'cycles per operation' } }),
    };
  },
};

function conclude(rows: Row[]): string {
  const by = (label: string) => rows.find((r) => r.how === label)!;
  const sys = by('system calls'), b1 = by('io_uring, batch 1'), b64 = by('io_uring, batch 64'), sq = by('io_uring, SQPOLL');
  const vs = (r: Row) => {
    const d = round(100 * (Number(r.cycles) / Number(sys.cycles) - 1), 0);
    return d === 0 ? 'the same' : d > 0 ? `${d}% more` : `${-d}% less`;
  };
  return `One system call per operation cost ${sys.cycles} cycles an operation (${sys.kernel} in the kernel). io_uring with one SQE per ` +
    `enter cost ${b1.cycles} (${vs(b1)}); with 64 per enter ${b64.cycles} (${vs(b64)}), of which ${b64.kernel} in the kernel, ` +
    `at ${b64.syscalls} system calls an operation. SQPOLL made ${sq.syscalls} system calls an operation and cost ${sq.cycles} cycles ` +
    `(${vs(sq)}). Batching is what pays: the program's own ring work (storing SQEs, reaping CQEs) costs ` +
    `${Number(b64.cycles) - Number(b64.kernel)} cycles an operation at batch 64, against ${DEFAULT_COSTS.syscall} for one crossing in lde's cost table.`;
}
