// The network half of --stats (--nic, docs/nic.md): the NIC's counters
// from the `net` event and the CPU split from the `netrx` slices. Hard
// interrupt and softirq time is inside the kernel's share (stats.ts: trap
// to sret); ksoftirqd's is its own system time, so the split is user,
// kernel (the rest), hard irq, softirq and ksoftirqd, summing to the run.

import type { NetEvent, NetRxEvent } from './events.js';
import { num } from './format.js';

/** The `net` event's counters, and the cycles and frames of each receive context (netrx slices). */
export type NetStats = Omit<NetEvent, 'kind' | 'cycle' | 'hart'> & {
  cycles: { hardirq: number; softirq: number; ksoftirqd: number };
  packets: { hardirq: number; softirq: number; ksoftirqd: number };
};

export class NetFold {
  private readonly open = new Map<string, number>();
  private readonly cycles = { hardirq: 0, softirq: 0, ksoftirqd: 0 };
  private readonly packets = { hardirq: 0, softirq: 0, ksoftirqd: 0 };
  private counts: NetEvent | undefined;

  slice(e: NetRxEvent): void {
    if (e.phase === 'begin') { this.open.set(e.ctx, e.cycle); return; }
    const start = this.open.get(e.ctx);
    if (start !== undefined) this.cycles[e.ctx] += e.cycle - start;
    this.open.delete(e.ctx);
    this.packets[e.ctx] += e.packets ?? 0;
  }

  end(e: NetEvent): void { this.counts = e; }

  summary(): { net?: NetStats } {
    const c = this.counts;
    if (c === undefined) return {};
    const { kind: _k, cycle: _c, hart: _h, ...counts } = c;
    return { net: { ...counts, cycles: { ...this.cycles }, packets: { ...this.packets } } };
  }
}

/** The --stats rows for the NIC: the packets' fate, the interrupt counts, the CPU split. */
export function netRows(n: NetStats, user: number, kernel: number, whole: number): string[][] {
  const pct = (x: number) => (whole > 0 ? `${((100 * x) / whole).toFixed(1)}%` : '-');
  const irq = n.cycles.hardirq + n.cycles.softirq;
  return [
    [num(n.offered), 'packets offered', '', `--net-rx ${n.mode}: ${num(n.received)} received by the program, ${num(n.ringDrops)} dropped in the ring, ${num(n.socketDrops)} at the socket` +
      `${n.purged ? `, ${num(n.purged)} purged` : ''}, ${num(n.inRing + n.inSocket)} in flight`],
    [num(n.hardirqs), 'NIC interrupts', '', `${num(n.softirqPolls)} NAPI polls, ${num(n.ksoftirqdRuns)} ksoftirqd runs`],
    [num(n.cycles.hardirq + n.cycles.softirq + n.cycles.ksoftirqd), 'network cycles', '',
      `CPU: user ${pct(user)}, kernel ${pct(kernel - irq - n.cycles.ksoftirqd)}, hardirq ${pct(n.cycles.hardirq)}, softirq ${pct(n.cycles.softirq)}, ksoftirqd ${pct(n.cycles.ksoftirqd)}`],
  ];
}
