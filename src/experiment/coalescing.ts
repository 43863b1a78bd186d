// `lde experiment coalescing`: receive livelock, and what avoids it (docs/nic.md).
// The traffic source floods user/bin/udprecv's UDP port at 10 k to 2 M
// packets per second of virtual time, under six receive settings: one
// interrupt per packet with the protocol in the hard interrupt (--net-rx
// irq), the same with interrupt coalescing at three settings (--rx-frames,
// --rx-usecs), NAPI, and NAPI with coalescing. For each: the packets per
// second the program received, and where the CPU went (user, kernel,
// hard interrupt, softirq and ksoftirqd). Every run is the same length of
// virtual time: 1 ms before the traffic starts, then WINDOW of traffic.

import type { Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import type { NetOptions } from '../kernel/net/nic.js';
import { commandLine } from './runner.js';
import { lineChart } from './plot.js';
import { round } from './measure.js';
import { DEFAULT_COSTS } from '../kernel/cost.js';

/** Virtual time of traffic per run, and when it starts (machine/net-source.ts SOURCE_START). */
const WINDOW = 10_000_000, START = 1_000_000;
const LOADS = [10_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000];
const SETTINGS: { label: string; nic: Partial<NetOptions> }[] = [
  { label: 'irq, per packet', nic: { rx: 'irq' } },
  { label: 'irq, 8 frames / 50 µs', nic: { rx: 'irq', rxFrames: 8, rxUsecs: 50 } },
  { label: 'irq, 32 frames / 100 µs', nic: { rx: 'irq', rxFrames: 32, rxUsecs: 100 } },
  { label: 'irq, timer only, 1,000 µs', nic: { rx: 'irq', rxFrames: 0, rxUsecs: 1000 } },
  { label: 'napi', nic: { rx: 'napi' } },
  { label: 'napi, 32 frames / 100 µs', nic: { rx: 'napi', rxFrames: 32, rxUsecs: 100 } },
];
const COLUMNS = [
  { key: 'setting', title: 'setting' },
  { key: 'offered', title: 'offered', unit: 'k pkt/s' },
  { key: 'delivered', title: 'delivered', unit: 'k pkt/s', digits: 1 },
  { key: 'user', title: 'user', unit: '%', digits: 1 },
  { key: 'kernel', title: 'kernel', unit: '%', digits: 1 },
  { key: 'hardirq', title: 'hardirq', unit: '%', digits: 1 },
  { key: 'softirq', title: 'softirq+ksoftirqd', unit: '%', digits: 1 },
  { key: 'idle', title: 'idle', unit: '%', digits: 1 },
  { key: 'ringDrops', title: 'ring drops', unit: '%', digits: 1 },
  { key: 'socketDrops', title: 'socket drops', unit: '%', digits: 1 },
  { key: 'irqs', title: 'interrupts' },
];

export const coalescing: Experiment = {
  name: 'coalescing',
  summary: 'UDP floods of 10 k to 2 M packets/s: per-packet interrupts, coalescing and NAPI; delivered throughput and CPU split',
  question: 'At very high event rates, does taking an interrupt per packet still work, and what do coalescing and NAPI change?',
  runs: LOADS.length * SETTINGS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const rows: Row[] = [], commands: Record<string, string> = {};
    for (const s of SETTINGS) for (const rate of LOADS) rows.push(await point(ctx, s.label, { ...s.nic, rate }, commands));
    return {
      name: 'coalescing', question: coalescing.question, commands, conclusion: conclude(rows),
      tables: [{ title: `user/bin/udprecv on port 5000; each run ${(START + WINDOW) / 1e6} ms of virtual time, the traffic in its last ${WINDOW / 1e6} ms; CPU shares of the whole run`, columns: COLUMNS, rows }],
      plot: lineChart({
        title: 'Delivered against offered load', data: rows,
        x: { field: 'offered', title: 'offered (k packets/s)' }, y: { field: 'delivered', title: 'delivered to the program (k packets/s)' },
        series: { field: 'setting', title: 'setting' },
      }),
    };
  },
};

/** One setting at one rate: the run, and its row. */
async function point(ctx: ExperimentContext, setting: string, nic: Partial<NetOptions>, commands: Record<string, string>): Promise<Row> {
  const label = `${setting}, ${nic.rate! / 1000}k pkt/s`;
  const spec = { label, program: 'udprecv', args: ['5000', '1000'], kernel: { nic: { port: 5000, ...nic }, maxCycles: START + WINDOW } };
  commands[label] = commandLine(spec);
  const r = await ctx.run(spec), n = r.stats.net, st = r.stats, whole = st.cycles;
  if (n === undefined) throw new Error(`${label}: the run has no NIC counters (status ${r.status}: ${r.message ?? r.stderr})`);
  const pct = (x: number) => round((100 * x) / whole, 1), irq = n.cycles.hardirq + n.cycles.softirq + n.cycles.ksoftirqd;
  return {
    setting, offered: nic.rate! / 1000, delivered: round(n.received / (WINDOW / 1e9) / 1000, 1),
    user: pct(st.userCycles), kernel: pct(st.kernelCycles - irq), hardirq: pct(n.cycles.hardirq), softirq: pct(n.cycles.softirq + n.cycles.ksoftirqd), idle: pct(st.idleCycles),
    ringDrops: round((100 * n.ringDrops) / Math.max(1, n.offered), 1), socketDrops: round((100 * n.socketDrops) / Math.max(1, n.offered), 1), irqs: n.hardirqs,
  };
}

/** The knee, the collapse and the fractions of the maximum, from the table. */
function conclude(rows: Row[]): string {
  const of = (setting: string) => rows.filter((r) => r.setting === setting);
  const at = (setting: string, k: number) => Number(of(setting).find((r) => r.offered === k)!.delivered);
  const peak = (setting: string) => of(setting).reduce((a, r) => (Number(r.delivered) > Number(a.delivered) ? r : a));
  const max = Math.max(...rows.map((r) => Number(r.delivered)));
  const top = LOADS[LOADS.length - 1] / 1000, frac = (d: number) => `${round((100 * d) / max, 0)}%`;
  const irq = peak('irq, per packet'), irqTop = at('irq, per packet', top);
  const best = SETTINGS.map((s) => s.label).filter((l) => l !== 'irq, per packet').map((l) => `${l} ${at(l, top)}k (${frac(at(l, top))})`);
  return `The most any setting delivered was ${max}k packets/s. With an interrupt per packet and the protocol in the hard interrupt, ` +
    `delivered throughput peaked at ${irq.delivered}k with ${irq.offered}k offered (the knee) and collapsed to ${irqTop}k at ${top}k offered, ` +
    `${round(Number(irq.delivered) > 0 ? (100 * irqTop) / Number(irq.delivered) : 0, 1)}% of its peak: receive livelock, the hard interrupt taking ` +
    `${of('irq, per packet').at(-1)!.hardirq}% of the CPU while the socket overflows. At ${top}k offered the others delivered: ${best.join(', ')}. ` +
    `Coalescing divides the interrupt's fixed cost (${DEFAULT_COSTS.hardirq} cycles) among the frames but leaves the protocol (${DEFAULT_COSTS.netRx} cycles a frame) ` +
    `in the hard interrupt. ${coalescingVerdict(at, top, max)} ` +
    `NAPI bounds the interrupt-context work (64-frame polls, 2 ms, then ksoftirqd, which the scheduler shares with the program) and lets the ring drop the excess for free.`;
}

/** Which coalescing settings held up at the top load, and why: a frame count follows the load, a timer alone bounds the interrupt rate. */
function coalescingVerdict(at: (s: string, k: number) => number, top: number, max: number): string {
  const irqCoalesced = SETTINGS.filter((s) => s.nic.rx === 'irq' && (s.nic.rxFrames !== undefined || s.nic.rxUsecs !== undefined));
  const held = irqCoalesced.filter((s) => at(s.label, top) >= 0.5 * max).map((s) => s.label);
  const fell = irqCoalesced.filter((s) => at(s.label, top) < 0.5 * max).map((s) => s.label);
  const parts: string[] = [];
  if (fell.length > 0) parts.push(`With a frame count (${fell.join('; ')}) interrupts still come as fast as the load brings frames, so it only moves the knee and collapses too.`);
  if (held.length > 0) {
    parts.push(`A timer alone (${held.join('; ')}) bounds the interrupt rate, and the ring bounds each interrupt's work, so it stays above half the maximum; ` +
      `the excess drops in the ring, and the price is latency: a frame may wait the whole timer.`);
  }
  return parts.join(' ');
}
