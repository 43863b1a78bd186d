// Several harts (--smp N, docs/smp.md): the loop that drives them, the IPI
// handler, and TLB shootdown.
//
// The harts run one at a time, in hart order, each for a quantum of virtual
// time (SMP_QUANTUM cycles): round r lets every hart run until its clock
// reaches (r + 1) * SMP_QUANTUM, then the next round begins. Each hart has
// its own clock (cycle count), timer (stimecmp) and software interrupt; a
// hart with nothing to run stays idle with its clock stopped, and when work
// comes (a task queued on it, pulled from another hart, or a timer) it
// leaves idle at the time the work became ready. When every hart is idle,
// the rounds skip to the one holding the next timed wake-up. One host
// thread, no host timing: the same run gives the same events.
//
// One TLB shootdown (munmap by a thread while another thread of the same
// process runs on hart 1):
//   hart 0: munmap → AddressSpace.unmap → onChange → shootdown: sfence.vma
//     here; a flush IPI to hart 1 (mip.SSIP); hart 0 waits (waitAcks) and
//     its turn ends once the call has returned.
//   hart 1, its next turn: the software interrupt traps at the first block
//     boundary → usertrap → interrupt(SSI) → takeIpis: sfence.vma, ack.
//   hart 0, its next turn: all acks in; its clock moves to the last ack
//     (the wait is kernel time of the caller, as smp_call_function's spin).

import { Csr, type EnergyReport } from '../machine/index.js';
import type { Kernel } from './kernel.js';
import type { Cpu } from './sched/cpu.js';
import type { Process } from './sched/proc.js';
import type { AddressSpace } from './mm/vm.js';
import { IPI_KINDS, IPI_RESCHED, IPI_TLB, nextTask, sendIpi } from './sched/smp.js';
import { selectIdleState } from './sched/idle.js';
import { TIME_END } from './sched/timer.js';
import { kthreadTurn, usertrap } from './trap.js';

/** The quantum of the interleaving: 10 µs of virtual time per hart per round (docs/smp.md "Races"). */
export const SMP_QUANTUM = 10_000;

/** Runs the harts in rounds until the run is over (Kernel.finished). */
export function runSmp(k: Kernel): void {
  let end = 0;
  while (!k.finished) {
    end += SMP_QUANTUM;
    let busy = false;
    for (const cpu of k.cpus) {
      k.cpu = cpu;
      if (turn(k, cpu, end)) busy = true;
      if (k.finished) return idleToEnd(k);
    }
    // A hart whose turn came earlier in the round may have been given work since.
    if (!busy && !k.cpus.some((c) => c.runq.length > 0 || c.ipis.length > 0)) end = skipIdle(k, end);
  }
}

/** The run is over: a hart with nothing on it was idle up to the end (the last hart's clock). */
function idleToEnd(k: Kernel): void {
  const last = Math.max(...k.cpus.map((c) => c.hart.cycle)), by = k.cpu;
  for (const cpu of k.cpus) {
    if (cpu.current !== undefined) continue;
    k.cpu = cpu;
    leaveIdle(k, cpu, last, false);
  }
  k.cpu = by;
}

/** One hart's turn in the round that ends at cycle `end`. False when it ends idle with nothing to do. */
function turn(k: Kernel, cpu: Cpu, end: number): boolean {
  const h = cpu.hart;
  if (cpu.current === undefined || cpu.waitAcks > 0) takeIpis(k, cpu, undefined); // not in U-mode: the idle loop takes them
  if (cpu.waitAcks > 0) return true; // its shootdown waits for the other harts' flushes
  if (cpu.ackAt > 0) shootdownDone(k, cpu);
  while (!k.finished && h.cycle < end) {
    const kthread = cpu.current?.kthread;
    if (kthread !== undefined) {
      if (cpu.ipis.length > 0) takeIpis(k, cpu, cpu.current); // a flush IPI for the address space it borrows
      kthreadTurn(k, cpu, kthread, end);
      continue;
    }
    if (cpu.current !== undefined) {
      usertrap(k, cpu, h.run(Math.max(1, end - h.cycle)));
      if (cpu.waitAcks > 0) return true;
      continue;
    }
    const next = nextTask(k, cpu);
    if (next !== undefined) {
      leaveIdle(k, cpu, next.readyAt);
      k.sched.runNext(cpu, next);
      continue;
    }
    const at = k.sched.timers.next()?.at;
    if (at === undefined || at >= end) { enterIdle(k, cpu); return false; }
    leaveIdle(k, cpu, at);
    if (k.stopping()) return true;
    k.sched.timers.expire();
  }
  return true;
}

/** Every hart is idle: the next round is the one that holds the next timed wake-up (or the run ends). */
function skipIdle(k: Kernel, end: number): number {
  const at = k.sched.timers.next()?.at;
  k.cpu = k.cpus[0];
  if (at === undefined || at >= TIME_END) { k.deadlock(); return end; }
  if (at >= k.stopAt) { leaveIdle(k, k.cpu, k.stopAt, false); k.stopping(); return end; }
  return Math.max(end, Math.floor(at / SMP_QUANTUM) * SMP_QUANTUM);
}

/** The hart has nothing to run: idle from now, its clock stopped, the tick stopped (NO_HZ idle). */
function enterIdle(k: Kernel, cpu: Cpu): void {
  if (cpu.idleSince >= 0) return;
  cpu.idleSince = cpu.hart.cycle;
  k.sched.stopTick(cpu, 'idle');
}

/**
 * The hart runs again at cycle `at` (a task became ready, a timer fires):
 * the time since it went idle (or since its clock, if it is behind) is an
 * idle period in the state the governor picks for that length.
 */
function leaveIdle(k: Kernel, cpu: Cpu, at: number, wakes = true): void {
  const h = cpu.hart, now = h.cycle;
  cpu.idleSince = -1;
  if (at <= now) return;
  const model = h.power.model, state = selectIdleState(model, at - now, k.idleGovernor);
  if (k.trace.on) k.trace.emit({ kind: 'idle', ...k.at(), until: at + (wakes ? model.states[state].exitNs : 0), state: model.states[state].name, predicted: at - now });
  h.idleIn(state, at, wakes);
  cpu.idleCycles += h.cycle - now;
  cpu.idled = true;
}

/**
 * A signal was generated: a thread running in U-mode on another hart with
 * a signal it does not block gets a reschedule IPI, so it traps and takes
 * the signal on its way back (Linux's kick_process), not at its next tick.
 */
export function kick(k: Kernel): void {
  for (const c of k.cpus) {
    const p = c.current;
    if (c === k.cpu || p === undefined || (p.sigPending & ~p.sigMask) === 0n || c.ipis.some((i) => i.kind === IPI_RESCHED)) continue;
    sendIpi(k, k.cpu, c, IPI_RESCHED);
  }
}

/** The machine's energy meter at the end: the harts' reports summed (one hart: its own report). */
export function machineEnergy(k: Kernel): EnergyReport {
  const reports = k.cpus.map((c) => c.hart.power.report(c.hart.cycle));
  if (reports.length === 1) return reports[0];
  const sum = (pick: (r: EnergyReport) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const r of reports) for (const [key, v] of Object.entries(pick(r))) out[key] = (out[key] ?? 0) + v;
    return out;
  };
  return { joules: sum((r) => r.joules), ns: sum((r) => r.ns), entries: sum((r) => r.entries),
    early: reports.reduce((n, r) => n + r.early, 0), wastedJoules: reports.reduce((n, r) => n + r.wastedJoules, 0) };
}

/** The supervisor software interrupt on cpu, taken from p in U-mode (trap.ts). */
export function ipiInterrupt(k: Kernel, cpu: Cpu, p: Process): void { takeIpis(k, cpu, p); }

/**
 * Takes cpu's pending IPIs: clears sip.SSIP, flushes the TLB for a
 * shootdown and acknowledges each hart waiting for it; a reschedule IPI
 * only wakes the hart (its turn then finds the task). The interrupt's
 * entry costs `owner` (nobody on an idle hart).
 */
function takeIpis(k: Kernel, cpu: Cpu, owner: Process | undefined): void {
  const h = cpu.hart;
  if (cpu.ipis.length === 0) { if (owner !== undefined) h.csrWritePair(Csr.SIP, 0, 0); return; } // (an interrupt with nothing queued: never, but never again either)
  if (owner === undefined && cpu.current === undefined) leaveIdle(k, cpu, Math.max(...cpu.ipis.map((i) => i.at))); // the IPI wakes the idle hart
  h.csrWritePair(Csr.SIP, 0, 0);
  k.charge(k.costs.interrupt, owner);
  for (const { kind, from } of cpu.ipis) {
    cpu.smp.received[kind]++;
    if (k.trace.on) k.trace.emit({ kind: 'ipi', ...k.at(), phase: 'receive', peer: from.hart.hartId, ipi: IPI_KINDS[kind] });
  }
  cpu.ipis = [];
  if (cpu.flushFor.length === 0) return;
  h.sfenceVma();
  for (const from of cpu.flushFor) {
    from.waitAcks--;
    if (h.cycle >= from.ackAt) { from.ackAt = h.cycle; from.lastAck = h.hartId; }
  }
  cpu.flushFor = [];
}

/** cpu's shootdown is acknowledged by every hart: its clock moves to the last ack, as kernel time of its process (the wait). */
function shootdownDone(k: Kernel, cpu: Cpu): void {
  const wait = Math.max(0, cpu.ackAt - cpu.hart.cycle);
  cpu.ackAt = 0;
  cpu.smp.shootdownWait += wait;
  if (wait > 0) k.charge(wait, cpu.current);
  if (k.trace.on) k.trace.emit({ kind: 'ipi', ...k.at(), phase: 'done', peer: cpu.lastAck, ipi: 'tlb', waited: wait });
}

/**
 * The page table of `as` changed (AddressSpace.onChange), on the hart the
 * kernel runs on: its own TLB is flushed now; every other hart running a
 * thread of `as` gets a flush IPI and this hart waits for all of them
 * before it runs on; a hart that only still has `as` in satp drops it, so
 * its next switch reloads satp (which flushes: Linux's lazy TLB mode).
 */
export function shootdown(k: Kernel, as: AddressSpace): void {
  const self = k.cpu;
  if (self.current?.as === as) self.hart.sfenceVma();
  else self.forgetSpace(as);
  const before = self.waitAcks;
  for (const c of k.cpus) {
    if (c === self) continue;
    if (c.current?.as !== as) { c.forgetSpace(as); continue; }
    if (c.flushFor.includes(self)) continue;
    c.flushFor.push(self);
    sendIpi(k, self, c, IPI_TLB, self.waitAcks++ === before);
  }
  if (before === 0 && self.waitAcks > 0) self.smp.shootdowns++;
}
