// `lde experiment no-timer`: the seed's question about the timer, measured.
// The bundled `hogs` (user/src/hogs.c) forks CPU hogs that spin far longer
// than the run may last, and an interactive child that naps 5 ms at a time.
// It runs twice under the same bound of virtual time: with the timer at
// 250 Hz, and with no timer at all (hz 0, `lde run --no-timer`), where the
// kernel runs only when the process on the CPU traps. For each process the
// table gives its CPU time, its longest wait for the CPU while runnable, and
// how it ended; the conclusion is written from those numbers.

import type { TraceEvent } from '../trace/events.js';
import type { ProcessStats } from '../trace/stats.js';
import { barChart } from './plot.js';
import { commandLine } from './runner.js';
import type { Experiment, ExperimentContext, ExperimentResult, RunOutcome, Row, Table } from './types.js';

const HOGS = 2;
/** Rounds of work per hog: about 11 s of virtual time, so no hog finishes within the bound. */
const WORK = 1_000_000_000;
const NAPS = 5;
/** The bound on each run, in seconds of virtual time (`--max-time`). */
const MAX_TIME = 0.1;
const ARGS = [String(HOGS), String(WORK), String(NAPS)];

/** The settings compared: the label in tables and charts, how a sentence opens about it, and the tick rate (0: no timer). */
const SETTINGS = [
  { label: 'timer at 250 Hz', opening: 'With the timer at 250 Hz', hz: 250 },
  { label: 'no timer', opening: 'Without the timer', hz: 0 },
] as const;

/** One setting's run: hogs under the bound, with the timer at hz (0: none). */
const spec = (hz: number) => ({ program: 'hogs', args: [...ARGS], kernel: { hz, maxCycles: Math.round(MAX_TIME * 1e9) } });

const ms = (cycles: number) => cycles / 1e6;

/** What one process did in one run. */
interface Proc { pid: number; role: string; cpuMs: number; waitMs: number; ran: boolean; finished: boolean; ending: string; }

/** What one run showed. */
interface Setting { label: string; opening: string; hz: number; status: number; message: string; totalMs: number; ticks: number; switches: number; procs: Proc[]; }

/** Who each pid is: hogs forks its hogs first, then the interactive child (hogs.c main). */
function role(p: ProcessStats): string {
  if (p.ppid === 0) return 'parent';
  const child = p.pid - 1; // pids are handed out in fork order, after the parent's 1
  return child <= HOGS ? `hog ${child}` : 'interactive child';
}

/** Where a process was when the run stopped. */
export type EndState = 'running' | 'runnable' | 'asleep' | 'exited';

/**
 * Each pid's longest wait for the CPU while runnable, in cycles, and where it
 * was at the end. A wait starts at its creation, a wake-up, or losing the CPU
 * while still runnable (a tick, a yield), and lasts to the next switch to it,
 * or to the end of the run when none came.
 */
export function waitsAndStates(events: readonly TraceEvent[]): { waits: Map<number, number>; states: Map<number, EndState> } {
  const since = new Map<number, number>(), waits = new Map<number, number>(), states = new Map<number, EndState>();
  const waited = (pid: number, until: number) => {
    const from = since.get(pid);
    if (from === undefined) return;
    since.delete(pid);
    waits.set(pid, Math.max(waits.get(pid) ?? 0, until - from));
  };
  const runnable = (pid: number, at: number) => { since.set(pid, at); states.set(pid, 'runnable'); };
  for (const e of events) {
    if (e.kind === 'proc' && e.phase === 'create') { runnable(e.pid, e.cycle); waits.set(e.pid, 0); }
    else if (e.kind === 'proc' && e.phase === 'exit') { since.delete(e.pid); states.set(e.pid, 'exited'); }
    else if (e.kind === 'wake') runnable(e.pid, e.cycle);
    else if (e.kind === 'switch') {
      if (e.from !== 0 && states.get(e.from) === 'running') {
        if (e.reason === 'tick' || e.reason === 'yield') runnable(e.from, e.cycle);
        else states.set(e.from, 'asleep');
      }
      waited(e.to, e.cycle);
      if (e.to !== 0) states.set(e.to, 'running');
    } else if (e.kind === 'end') for (const pid of [...since.keys()]) waited(pid, e.cycle);
  }
  return { waits, states };
}

const STATE_TEXT: Record<EndState, string> = {
  running: 'on the CPU at the end', runnable: 'waiting for the CPU at the end', asleep: 'asleep at the end', exited: 'exited',
};

/** How a process ended: its wait status in words, or where it was when the run stopped. */
function ending(p: ProcessStats, state: EndState | undefined): string {
  if (p.status !== undefined) return p.status & 0x7f ? `killed by signal ${p.status & 0x7f}` : `exited with ${p.status >> 8}`;
  if (p.instructions === 0) return 'never ran';
  return STATE_TEXT[state ?? 'runnable'];
}

function setting(label: string, opening: string, hz: number, r: RunOutcome): Setting {
  const { waits, states } = waitsAndStates(r.events);
  const procs = [...r.stats.processes].sort((a, b) => a.pid - b.pid).map((p) => {
    const ran = p.instructions > 0;
    return { pid: p.pid, role: role(p), cpuMs: ms(p.userCycles + p.systemCycles), waitMs: ms(waits.get(p.pid) ?? 0), ran, finished: p.status !== undefined, ending: ending(p, states.get(p.pid)) };
  });
  const c = r.stats.contextSwitches;
  return { label, opening, hz, status: r.status, message: r.message ?? '', totalMs: ms(r.stats.cycles), ticks: r.stats.ticks.total, switches: c.voluntary + c.involuntary + c.other, procs };
}

const PROCESS_TABLE: Table['columns'] = [
  { key: 'setting', title: 'setting' },
  { key: 'pid', title: 'pid' },
  { key: 'role', title: 'process' },
  { key: 'cpu', title: 'CPU time', unit: 'ms', digits: 3 },
  { key: 'share', title: 'share', unit: '%', digits: 1 },
  { key: 'longestWait', title: 'longest wait', unit: 'ms', digits: 3 },
  { key: 'finished', title: 'finished' },
  { key: 'ending', title: 'ending' },
];

const RUN_TABLE: Table['columns'] = [
  { key: 'setting', title: 'setting' },
  { key: 'status', title: 'status' },
  { key: 'time', title: 'virtual time', unit: 'ms', digits: 3 },
  { key: 'ticks', title: 'ticks' },
  { key: 'switches', title: 'context switches' },
  { key: 'message', title: 'how it ended' },
];

function processRows(s: Setting): Row[] {
  return s.procs.map((p) => ({
    setting: s.label, pid: p.pid, role: p.role, cpu: p.cpuMs, share: s.totalMs > 0 ? (100 * p.cpuMs) / s.totalMs : 0,
    longestWait: p.waitMs, finished: p.finished ? 'yes' : 'no', ending: p.ending,
  }));
}

/** How a run ended, in words: the kernel's line when it stopped the run, else the first process's status. */
function runEnding(s: Setting): string {
  return s.message || `exited with status ${s.status}`;
}

const fix = (n: number) => n.toFixed(1);
/** A process in a sentence: hog 2 (pid 3), the interactive child (pid 4). */
const who = (p: Proc) => `${p.role.startsWith('hog') ? '' : 'the '}${p.role} (pid ${p.pid})`;
const list = (words: string[]) => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`);

/** One sentence per setting, from its numbers only: who ran, who held the CPU, who waited longest, who finished, how it ended. */
function sentence(s: Setting): string {
  const neverRan = s.procs.filter((p) => !p.ran);
  const holder = s.procs.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
  const waiter = s.procs.reduce((a, b) => (b.waitMs > a.waitMs ? b : a));
  const finished = s.procs.filter((p) => p.finished).map(who);
  const ran = neverRan.length === 0 ? 'every process ran' : `${neverRan.length} of ${s.procs.length} processes never ran (${list(neverRan.map(who))})`;
  return `${s.opening}, ${ran}: ${who(holder)} had the CPU for ${fix(holder.cpuMs)} ms of ${fix(s.totalMs)} ms`
    + ` and the longest wait for it was ${fix(waiter.waitMs)} ms (${who(waiter)}); ${finished.length ? `${list(finished)} finished` : 'no process finished'}`
    + ` and the run ended with status ${s.status}${s.status === 124 ? ', stopped at the time limit' : ''}.`;
}

async function run(ctx: ExperimentContext): Promise<ExperimentResult> {
  const settings: Setting[] = [];
  for (const { label, opening, hz } of SETTINGS) {
    const r = await ctx.run({ ...spec(hz), label, keepEvents: true });
    settings.push(setting(label, opening, hz, r));
  }
  const rows = settings.flatMap(processRows);
  return {
    name: noTimer.name,
    question: noTimer.question,
    tables: [
      { title: 'Each process', columns: PROCESS_TABLE, rows },
      {
        title: 'Each run', columns: RUN_TABLE,
        rows: settings.map((s) => ({ setting: s.label, status: s.status, time: s.totalMs, ticks: s.ticks, switches: s.switches, message: runEnding(s) })),
      },
    ],
    conclusion: settings.map(sentence).join(' '),
    plot: barChart({
      title: `CPU time per process in ${MAX_TIME * 1000} ms of virtual time, with and without the timer`,
      data: rows.map((r) => ({ process: `${r.role} (pid ${r.pid})`, cpu: r.cpu, setting: r.setting })),
      x: { field: 'process', title: 'process' }, y: { field: 'cpu', title: 'CPU time (ms)' }, group: { field: 'setting', title: 'setting' },
    }),
    commands: Object.fromEntries(settings.map((s) => [s.label, commandLine(spec(s.hz))])),
  };
}

export const noTimer: Experiment = {
  name: 'no-timer',
  summary: 'with and without the timer: who runs, who starves, and how the run ends',
  question: 'What happens without the timer interrupt: who runs, who starves, and how does the run end?',
  runs: SETTINGS.length,
  run,
};
