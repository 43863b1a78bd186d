// `lde experiment swap`: "How does the kernel know which page to swap in on
// a page fault?" The PTE of a swapped-out page keeps the slot (V = 0, so the
// hardware ignores the rest, priv 4.3.1 and 4.4.1); the fault on it reads the slot
// back. Then which page to swap *out*: clock, FIFO and random as the kernel
// runs them (--swap-policy), against Bélády's optimum computed offline from
// the reference string the hart recorded (machine/pagerefs.ts, belady.ts).

import { PageTrace } from '../machine/index.js';
import type { SwapOut } from '../kernel/mm/swap.js';
import { SWAP_POLICIES, type SwapPolicy } from '../kernel/mm/replace.js';
import type { FaultEvent, TraceEvent } from '../trace/events.js';
import { distinctPages, simulate } from './belady.js';
import type { Experiment, ExperimentContext, ExperimentResult, Row, Table } from './types.js';

const MEM = 2 << 20, SWAP = 16 << 20, SEED = 1;
const PAGE = 4096;

/** The three access patterns of user/src/pagewalk.c, sized against 2 MiB of RAM (about 500 frames for user pages). */
const PATTERNS = [
  { name: 'loop', args: ['loop', '640', '8'], what: '8 passes over 640 pages' },
  { name: 'hotcold', args: ['hotcold', '2048', '8'], what: '16,384 touches, 7 in 8 to 256 hot pages, the rest to 1,792 cold ones' },
  { name: 'random', args: ['random', '640', '8'], what: '5,120 touches of 640 pages, uniformly at random' },
] as const;

const QUESTION = 'How does the kernel know which page to swap in on a page fault?';

/** What one policy's run on one pattern left. */
interface PolicyRun { policy: SwapPolicy; pageIns: number; pageOuts: number; outs: SwapOut[]; events: TraceEvent[]; refs?: number[] }

function command(policy: SwapPolicy, args: readonly string[]): string {
  return `lde run --mem ${MEM >> 20}M --swap ${SWAP >> 20}M --swap-policy ${policy} --seed ${SEED} pagewalk ${args.join(' ')}`;
}

/** One run; the clock run of each pattern also records the reference string, and the first keeps its events for the PTE. */
async function runPolicy(ctx: ExperimentContext, pattern: (typeof PATTERNS)[number], policy: SwapPolicy, keepEvents: boolean): Promise<PolicyRun> {
  const outs: SwapOut[] = [];
  const trace = policy === 'clock' ? new PageTrace() : undefined;
  const r = await ctx.run({
    label: `${pattern.name}, ${policy}`, program: 'pagewalk', args: [...pattern.args], keepEvents,
    kernel: { memBytes: MEM, swapBytes: SWAP, swapPolicy: policy, seed: SEED, onSwapOut: (e) => outs.push(e), pageTrace: trace },
  });
  if (r.status !== 0) throw new Error(`swap: pagewalk ${pattern.args.join(' ')} under ${policy} ended with status ${r.status}${r.message ? `: ${r.message}` : ''}`);
  return { policy, pageIns: r.stats.pageFaults.major, pageOuts: outs.length, outs, events: r.events, refs: trace?.pages };
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The swapped-out 64-bit PTE as hex, from its two words. */
function pteHex(o: SwapOut): string {
  return `0x${(o.hi >>> 0).toString(16).padStart(8, '0')}${(o.lo >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The first page that went out and came back: its PTE while out, and the
 * first swap-in fault at its page. That fault reads this very slot: the page
 * cannot have gone out again before it came back (its first page-out, so
 * its first page-in).
 */
function pteTable(run: PolicyRun): Table {
  const ins = run.events.filter((e): e is FaultEvent => e.kind === 'fault' && e.resolution === 'swap-in');
  const first = new Map<number, SwapOut>(); // each page's first page-out
  for (const o of run.outs) if (!first.has(o.va)) first.set(o.va, o);
  // A slot above 0 shows the number in the PPN field; any will do when none came back.
  const outs = [...first.values()];
  for (const o of [...outs.filter((x) => x.slot > 0), ...outs]) {
    const f = ins.find((e) => Math.floor(e.addr / PAGE) * PAGE === o.va);
    if (f === undefined) continue;
    const row: Row = {
      va: hex(o.va), pte: pteHex(o), v: o.lo & 1, swapped: (o.lo >>> 9) & 1, slot: o.slot,
      fault: f.name, addr: hex(f.addr), pc: hex(f.pc), us: f.cycle / 1000, resolution: f.resolution,
    };
    return {
      title: `A swapped-out PTE (loop, clock) and the fault that reads it back: slot = PTE >> 10`,
      columns: [
        { key: 'va', title: 'page VA' }, { key: 'pte', title: 'PTE while out' }, { key: 'v', title: 'V' },
        { key: 'swapped', title: 'bit 9 (swapped)' }, { key: 'slot', title: 'slot' }, { key: 'fault', title: 'then: fault' },
        { key: 'addr', title: 'at' }, { key: 'pc', title: 'pc' }, { key: 'us', title: 'time', unit: 'µs', digits: 3 },
        { key: 'resolution', title: 'resolved as' },
      ],
      rows: [row],
    };
  }
  throw new Error('swap: no page went out and came back in the loop run');
}

/** One pattern's table: each policy's page-ins and page-outs as run, the same simulated on the reference string, and OPT. */
function patternTable(pattern: (typeof PATTERNS)[number], runs: PolicyRun[]): { table: Table; rows: Row[] } {
  const refs = runs.find((r) => r.refs !== undefined)!.refs!;
  const frames = runs[0].outs[0]?.resident;
  if (frames === undefined) throw new Error(`swap: ${pattern.name} never filled RAM: nothing to compare`);
  const compulsory = distinctPages(refs);
  const best = simulate('opt', refs, frames);
  const optIns = best.faults - compulsory;
  const rows: Row[] = runs.map((r) => {
    const sim = simulate(r.policy, refs, frames, SEED);
    return { policy: r.policy, pageIns: r.pageIns, pageOuts: r.pageOuts, simIns: sim.faults - compulsory, vsOpt: ratio(r.pageIns, optIns) };
  });
  const lru = simulate('lru', refs, frames);
  rows.push({ policy: 'LRU (simulated only)', pageIns: '', pageOuts: '', simIns: lru.faults - compulsory, vsOpt: ratio(lru.faults - compulsory, optIns) });
  rows.push({ policy: 'OPT (Bélády, offline)', pageIns: optIns, pageOuts: best.evictions, simIns: optIns, vsOpt: 1 });
  return {
    rows,
    table: {
      title: `${pattern.name}: ${pattern.what}; ${frames} frames for user pages, ${refs.length.toLocaleString('en-US')} references to ${compulsory.toLocaleString('en-US')} pages`,
      columns: [
        { key: 'policy', title: 'policy' },
        { key: 'pageIns', title: 'page-ins (major faults)' },
        { key: 'pageOuts', title: 'page-outs' },
        { key: 'simIns', title: 'page-ins simulated on the string' },
        { key: 'vsOpt', title: 'page-ins / OPT', digits: 2 },
      ],
      rows,
    },
  };
}

/** a / b; '' when b is 0 and a is not (OPT needed no page-in at all). */
function ratio(a: number, b: number): Cell { return b === 0 ? (a === 0 ? 1 : '') : a / b; }

/** The PTE row in words, then per pattern the kernel policy closest to OPT and the farthest. */
function conclude(pte: Row, byPattern: { name: string; rows: Row[] }[]): string {
  const parts = byPattern.map(({ name, rows }) => {
    const kernel = rows.filter((r) => (SWAP_POLICIES as readonly Cell[]).includes(r.policy)).sort((a, b) => (a.pageIns as number) - (b.pageIns as number));
    const opt = rows[rows.length - 1].pageIns as number;
    const best = kernel[0], worst = kernel[kernel.length - 1];
    return `${name}: ${best.policy} comes closest to OPT (${num(best.pageIns as number)} page-ins against ${num(opt)}, ${times(best.vsOpt)}), ${worst.policy} is farthest (${num(worst.pageIns as number)}, ${times(worst.vsOpt)})`;
  });
  return `The swapped-out PTE ${pte.pte} has V = ${pte.v} and slot ${pte.slot} in its PPN field; the ${pte.fault} at ${pte.addr} found it there and the page came back (${pte.resolution}). ${parts.join('; ')}.`;
}

type Cell = Row[string];
const num = (n: number) => n.toLocaleString('en-US');
const times = (x: Cell) => (typeof x === 'number' ? `${x.toFixed(2)}× OPT` : 'where OPT needs none');

function plot(byPattern: { name: string; rows: Row[] }[]): Record<string, unknown> {
  const values = byPattern.flatMap(({ name, rows }) => rows.filter((r) => r.pageIns !== '').map((r) => ({ pattern: name, policy: String(r.policy).split(' ')[0], pageIns: r.pageIns })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Page-ins (major faults) by replacement policy, 2 MiB of RAM',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'pattern', type: 'nominal', title: 'access pattern' },
      xOffset: { field: 'policy', type: 'nominal' },
      y: { field: 'pageIns', type: 'quantitative', title: 'page-ins' },
      color: { field: 'policy', type: 'nominal', title: 'policy' },
    },
  };
}

export const swap: Experiment = {
  name: 'swap',
  summary: 'the swapped-out PTE, and clock, FIFO and random page replacement against Bélády\'s optimum',
  question: QUESTION,
  runs: PATTERNS.length * SWAP_POLICIES.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const tables: Table[] = [], byPattern: { name: string; rows: Row[] }[] = [], commands: Record<string, string> = {};
    let pte: Table | undefined;
    for (const pattern of PATTERNS) {
      const runs: PolicyRun[] = [];
      for (const policy of SWAP_POLICIES) {
        const keep = pte === undefined && policy === 'clock';
        const run = await runPolicy(ctx, pattern, policy, keep);
        if (keep) pte = pteTable(run);
        runs.push(run);
        commands[`${pattern.name}, ${policy}`] = command(policy, pattern.args);
      }
      const { table, rows } = patternTable(pattern, runs);
      tables.push(table);
      byPattern.push({ name: pattern.name, rows });
    }
    return { name: 'swap', question: QUESTION, tables: [pte!, ...tables], conclusion: conclude(pte!.rows[0], byPattern), plot: plot(byPattern), commands };
  },
};
