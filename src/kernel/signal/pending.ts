// Pending signals (signal(7) "Signal mask and pending signals"): each thread
// has its own set (thread-directed signals: tgkill, faults, SIGPIPE), and
// the thread group has a shared one (process-directed signals: kill(2),
// SIGCHLD, SIGALRM), as Linux keeps task->pending and
// signal->shared_pending. A thread takes its own signals first, then the
// group's, the lowest number first in each (kernel/signal.c
// dequeue_signal). sigpending(2) and /proc show the union.
//
// The threads asleep in rt_sigtimedwait wait for a set of signals they
// normally block: `sigWaiting` records that set, so a new signal in it wakes
// the thread, and the way back to U-mode leaves it pending for the call to
// take (Linux's real_blocked).

import type { Process } from '../sched/proc.js';
import { bit, type SigInfo } from './signal.js';

const SI_KERNEL = 0x80;

/**
 * A set of pending signals with what each carries: one siginfo per standard
 * signal, a queue per real-time one. `any` is whether the set is not empty,
 * kept as a boolean beside it because a BigInt comparison is a call in V8,
 * and every return to U-mode asks (mayDeliver).
 */
export interface PendingSet { set: bigint; readonly any: boolean; info: Map<number, SigInfo>; queue: Map<number, SigInfo[]>; }

/** A thread group's shared set. */
class SharedPending implements PendingSet {
  private bits = 0n;
  any = false;
  readonly info = new Map<number, SigInfo>();
  readonly queue = new Map<number, SigInfo[]>();
  get set(): bigint { return this.bits; }
  set set(v: bigint) { this.bits = v; this.any = v !== 0n; }
}

export function emptyPending(): PendingSet { return new SharedPending(); }

/** The signals each rt_sigtimedwait sleeper waits for. */
const waiting = new WeakMap<Process, bigint>();

/** rt_sigtimedwait: p sleeps for the signals in set (undefined: it no longer does). */
export function sigWaiting(p: Process, set: bigint | undefined): void {
  if (set === undefined) waiting.delete(p); else waiting.set(p, set);
}

/** The set p sleeps in rt_sigtimedwait for (0 when it does not). */
export function waitSet(p: Process): bigint { return p.inBlockedCall ? waiting.get(p) ?? 0n : 0n; }

/** The threads asleep in a call that a handler must not end with EINTR (FUTEX_LOCK_PI: Linux's ERESTARTNOINTR). */
const noIntr = new WeakSet<Process>();

/** Marks p's sleeping call as one that restarts after any handler (on), or clears the mark. */
export function restartsAlways(p: Process, on: boolean): void { if (on) noIntr.add(p); else noIntr.delete(p); }

/** Whether p's interrupted call restarts after a handler whatever SA_RESTART says; clears the mark (the restarted call sets it again). */
export function takeNoIntr(p: Process): boolean { const r = noIntr.has(p); noIntr.delete(p); return r; }

/** Every signal pending for p: its own and its group's. */
export function pendingOf(p: Process): bigint { return p.sigPending | p.group.shared.set; }

/** The pending signals p takes on its way back to U-mode: not blocked, and not left for an rt_sigtimedwait it sleeps in. */
export function deliverable(p: Process): bigint {
  if (!p.sigAny && !p.group.shared.any) return 0n; // the common case, on every return to U-mode: no bigint made
  return pendingOf(p) & ~p.sigMask & ~waitSet(p);
}

/** Whether p has a signal to take on its way back to U-mode (deliverable is not empty), with no BigInt work when nothing is pending. */
export const mayDeliver = (p: Process): boolean => (p.sigAny || p.group.shared.any) && deliverable(p) !== 0n;

/** Whether thread t would take sig now (Linux's wants_signal): alive, and not blocking it or waiting for it. */
export function wants(t: Process, sig: number): boolean {
  return t.state !== 'zombie' && ((t.sigMask & bit(sig)) === 0n || (waitSet(t) & bit(sig)) !== 0n);
}

/** Adds sig with info to a set: a real-time signal queues every instance, a standard one keeps its first. */
export function addPending(ps: PendingSet, sig: number, info: SigInfo): void {
  if (sig >= 32) { const q = ps.queue.get(sig) ?? []; q.push(info); ps.queue.set(sig, q); }
  else if ((ps.set & bit(sig)) === 0n) ps.info.set(sig, info);
  ps.set |= bit(sig);
}

/** Takes one instance of the lowest signal of ps in mask; undefined when none. */
function takeFrom(ps: PendingSet, mask: bigint): [number, SigInfo] | undefined {
  const ready = ps.set & mask;
  if (ready === 0n) return undefined;
  let sig = 1;
  while ((ready & bit(sig)) === 0n) sig++;
  const q = ps.queue.get(sig);
  if (q !== undefined && q.length > 0) {
    const info = q.shift()!;
    if (q.length === 0) { ps.set &= ~bit(sig); ps.queue.delete(sig); }
    return [sig, info];
  }
  ps.set &= ~bit(sig);
  const info = ps.info.get(sig) ?? { code: SI_KERNEL };
  ps.info.delete(sig);
  return [sig, info];
}

/** p's own pending set, as a PendingSet view (its fields live on Process). */
function own(p: Process): PendingSet {
  return { get set() { return p.sigPending; }, set set(v: bigint) { p.sigPending = v; p.sigAny = v !== 0n; }, get any() { return p.sigAny; }, info: p.sigInfo, queue: p.sigQueue };
}

/** Takes the signal p handles next among mask: its own first, then its group's (dequeue_signal). */
export function dequeueSignal(p: Process, mask: bigint): [number, SigInfo] | undefined {
  return takeFrom(own(p), mask) ?? takeFrom(p.group.shared, mask);
}

/** Adds sig for thread p itself. */
export function addOwn(p: Process, sig: number, info: SigInfo): void { addPending(own(p), sig, info); }

/** Discards every pending instance of the signals in mask, in p's group and each of its threads (SIG_IGN, SIGCONT, a stop signal). */
export function flushGroup(p: Process, mask: bigint): void {
  const drop = (ps: PendingSet) => {
    ps.set &= ~mask;
    for (const m of [ps.info, ps.queue] as Map<number, unknown>[]) for (const sig of [...m.keys()]) if (mask & bit(sig)) m.delete(sig);
  };
  drop(p.group.shared);
  for (const t of p.group.threads) drop(own(t));
}
