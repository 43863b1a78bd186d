// Several harts (--smp N): where a runnable task goes, what an idle hart
// pulls, and the inter-processor interrupts that tell another hart so. The
// run loop that drives the harts in turn is ../smp.ts; docs/smp.md has the
// model.
//
//   placement   a waking task goes to its last hart if that hart is idle,
//               else to the first idle hart it may run on (its affinity),
//               else to the allowed hart with the fewest tasks (ties: its
//               last hart, then the lowest number): Linux's
//               select_idle_sibling in spirit, without cache domains.
//   pulling     a hart with nothing to run takes the task that has waited
//               longest at the back of the longest queue it may take from
//               (idle balance, as newidle_balance does it).
//   IPIs        a task placed on another, idle hart sends it a reschedule
//               IPI; a TLB shootdown sends a flush IPI (../smp.ts). The IPI
//               is the board's software interrupt (mip.SSIP, machine
//               board.ts sendIpi); the receiver clears sip.SSIP.

import type { Kernel } from '../kernel.js';
import type { Cpu } from './cpu.js';
import type { Process } from './proc.js';

/** The kinds of IPI, by index in Cpu.ipiPending and the counters. */
export const IPI_KINDS = ['resched', 'tlb'] as const;
export type IpiKind = typeof IPI_KINDS[number];
export const IPI_RESCHED = 0, IPI_TLB = 1;

/** Whether p may run on cpu (sched_setaffinity). */
export function allowed(p: Process, cpu: Cpu): boolean {
  return p.affinity === undefined || (p.affinity & (1n << BigInt(cpu.hart.hartId))) !== 0n;
}

/** Nothing runs on cpu and nothing waits for it. */
export function idleCpu(cpu: Cpu): boolean { return cpu.current === undefined && cpu.runq.length === 0; }

/** The hart a runnable p should wait on (several harts). */
export function placeFor(k: Kernel, p: Process): Cpu {
  const ok = k.cpus.filter((c) => allowed(p, c));
  const pool = ok.length > 0 ? ok : k.cpus;
  const last = p.lastCpu >= 0 ? k.cpus[p.lastCpu] : undefined;
  if (last !== undefined && pool.includes(last) && idleCpu(last)) return last;
  const idle = pool.find(idleCpu);
  if (idle !== undefined) return idle;
  const load = (c: Cpu) => c.runq.length + (c.current !== undefined ? 1 : 0);
  let best = pool[0];
  for (const c of pool) if (load(c) < load(best) || (load(c) === load(best) && c === last)) best = c;
  return best;
}

/** Queues p (runnable) on its hart, and tells that hart if it is another, idle one. */
export function placeRunnable(k: Kernel, p: Process): void {
  const to = placeFor(k, p);
  const wasIdle = idleCpu(to);
  p.readyAt = k.hart.cycle;
  to.runq.push(p);
  if (to !== k.cpu && wasIdle) sendIpi(k, k.cpu, to, IPI_RESCHED);
}

/** A task for the free hart cpu: the head of its own queue, or one pulled from the longest queue it may take from. */
export function nextTask(k: Kernel, cpu: Cpu): Process | undefined {
  const own = cpu.runq.findIndex((p) => allowed(p, cpu));
  if (own >= 0) return cpu.runq.splice(own, 1)[0];
  let from: Cpu | undefined;
  for (const c of k.cpus) {
    if (c === cpu || !c.runq.some((p) => allowed(p, cpu))) continue;
    if (from === undefined || c.runq.length > from.runq.length) from = c;
  }
  if (from === undefined) return undefined;
  const i = from.runq.findIndex((p) => allowed(p, cpu));
  return from.runq.splice(i, 1)[0];
}

/** An IPI of `kind` from hart `from` to hart `to`: counted, traced, and raised as to's software interrupt. */
export function sendIpi(k: Kernel, from: Cpu, to: Cpu, kind: number, shootdown = false): void {
  from.smp.sent[kind]++;
  to.ipis.push({ kind, from, at: from.hart.cycle });
  if (k.trace.on) k.trace.emit({ kind: 'ipi', cycle: from.hart.cycle, hart: from.hart.hartId, phase: 'send', peer: to.hart.hartId, ipi: IPI_KINDS[kind], ...(shootdown ? { shootdown } : {}) });
  k.board.sendIpi(to.hart.hartId);
}

/**
 * p's affinity changed: if it is queued or running on a hart it may no
 * longer use, it moves (a running p leaves its hart now, as Linux's
 * migration stopper moves it, and waits on an allowed one).
 */
export function affinityChanged(k: Kernel, p: Process): void {
  if (k.cpus.length === 1) return;
  const on = k.cpus.find((c) => c.current === p);
  if (on !== undefined && !allowed(p, on)) {
    on.leave(p, 'yield');
    p.moveTo('runnable');
    placeRunnable(k, p);
    return;
  }
  const q = k.cpus.find((c) => c.runq.includes(p));
  if (q !== undefined && !allowed(p, q)) {
    q.dequeue(p);
    placeRunnable(k, p);
  }
}
