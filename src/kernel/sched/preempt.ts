// Long kernel work, and kernel preemption (--preempt; DESIGN.md "Kernel
// execution model"). Kernel code is TypeScript and does its work at once, but
// the virtual time that work costs (cost.ts, the work meter mm/work.ts) is
// not charged in one lump: it passes in chunks of CHUNK_CYCLES, and at each
// chunk boundary the timer may fire (a tick or a timed wake-up). When a tick
// finds another process waiting, need-resched is set, and what happens next
// is the preemption model:
//
//   none       the work runs to its end; the switch happens on the way back
//              to user mode (Linux's PREEMPT_NONE, a server kernel).
//   voluntary  long loops have cond_resched() points at their chunk
//              boundaries (copies, page-table walks, directory walks): the
//              process gives up the CPU there (PREEMPT_VOLUNTARY, the default
//              of most distributions). Straight-line work (fork's fixed part)
//              has none.
//   full       any chunk boundary is a preemption point (PREEMPT / PREEMPT_FULL),
//              straight-line work included.
//
// Critical sections are never cut, in any model: the trap entry and exit
// (cost.ts syscall, interrupt), the context switch itself, and the page-fault
// handler, which runs under the page-table lock. Those are charged whole with
// Kernel.charge, not through here.
//
// A process cut in the middle keeps the rest of its work as a debt, paid in
// the same chunks when it next gets the CPU, before it returns to user mode
// (trap.ts usertrapret). The work's effects happened when the call ran: what
// this models is the time, and who waits for it (docs/preemption.md).

import type { Kernel } from '../kernel.js';
import type { Cpu } from './cpu.js';
import type { Process } from './proc.js';

export type PreemptMode = 'none' | 'voluntary' | 'full';
export const PREEMPT_MODES: readonly PreemptMode[] = ['none', 'voluntary', 'full'];

/** The granularity of long kernel work: 10 µs of virtual time between preemption points. */
export const CHUNK_CYCLES = 10_000;

/** Kernel work still to be charged: straight-line cycles first, then the cycles of loops with cond_resched points. */
export interface KernelDebt {
  /** What the work is for: the system call's name, or the kernel path. */
  where: string;
  straight: number;
  loop: number;
}

/**
 * Charges `debt` to p, on cpu, in chunks. Returns true when it is all paid
 * (or p died on the way: RLIMIT_CPU), false when p was preempted at a chunk
 * boundary: then p is off the CPU, runnable, and owes the rest (p.kernelDebt).
 * Only the process on the CPU is preempted; work for one that already left
 * it (a call that slept) is charged without preemption points.
 */
export function kernelWork(k: Kernel, cpu: Cpu, p: Process, debt: KernelDebt): boolean {
  const preemptible = cpu.current === p && p.state === 'running';
  for (const kind of ['straight', 'loop'] as const) {
    while (debt[kind] > 0) {
      const step = Math.min(CHUNK_CYCLES, debt[kind]);
      k.charge(step, p);
      debt[kind] -= step;
      if (!preemptible) continue;
      if (cpu.hart.cycle >= cpu.programmedAt) k.sched.timerInterrupt(cpu, p, true);
      if (cpu.current !== p || p.state !== 'running') return true; // it died (RLIMIT_CPU): nothing more is owed
      const left = debt.straight + debt.loop;
      if (left > 0 && cpu.needResched && pointHere(k.preempt, kind)) {
        cutHere(k, cpu, p, debt, k.preempt === 'full' ? 'preempt' : 'cond_resched');
        return false;
      }
    }
  }
  return true;
}

/** Whether a chunk boundary of this kind of work is a preemption point under the model. */
function pointHere(mode: PreemptMode, kind: 'straight' | 'loop'): boolean {
  return mode === 'full' || (mode === 'voluntary' && kind === 'loop');
}

/** p gives up its CPU in the middle of kernel work: it keeps the rest as a debt and waits at the back of the run queue. */
function cutHere(k: Kernel, cpu: Cpu, p: Process, debt: KernelDebt, why: 'cond_resched' | 'preempt'): void {
  p.kernelDebt = debt;
  if (k.trace.on) k.trace.emit({ kind: 'preempt', ...k.at(), pid: p.pid, where: debt.where, why, remaining: debt.straight + debt.loop, waited: k.hart.cycle - cpu.needReschedAt });
  k.sched.preemptNow(cpu, p, 'preempt');
}

/**
 * On the way back to user mode: a tick that came during kernel work set
 * need-resched, and p gives way now if someone still waits (every model ends
 * up here; under none it is the only place). True if p keeps the CPU.
 */
export function reschedOnReturn(k: Kernel, cpu: Cpu, p: Process): boolean {
  if (!cpu.needResched) return true;
  cpu.needResched = false;
  if (cpu.runq.length === 0 || cpu.current !== p) return true;
  if (k.trace.on) k.trace.emit({ kind: 'preempt', ...k.at(), pid: p.pid, where: 'return to user', why: 'return', remaining: 0, waited: k.hart.cycle - cpu.needReschedAt });
  k.sched.preemptNow(cpu, p, 'tick');
  return false;
}
