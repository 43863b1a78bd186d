// Priority-inheritance futexes (futex(2) "Priority-inheritance futexes"):
// FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI and the
// lock side of FUTEX_CMP_REQUEUE_PI (futex.ts requeuePi), on
// the word protocol user space shares with the kernel: 0 is unlocked, the
// owner's TID is locked, FUTEX_WAITERS says the owner must unlock through
// the kernel, FUTEX_OWNER_DIED that the owner died holding it (robust
// mutexes). glibc uses them for PTHREAD_PRIO_INHERIT mutexes.
//
// The kernel hands the lock over: UNLOCK_PI writes the first waiter's TID
// (with FUTEX_WAITERS) into the word and wakes it, so the waiter returns
// owning the lock; a thread that dies owning a PI lock hands it over the
// same way (with FUTEX_OWNER_DIED when it was on its robust list). Waiters
// queue in arrival order. lde's scheduler has no priorities (round robin),
// so there is nothing to boost: the inheritance itself has no effect.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { WaitQueue } from '../sched/wait.js';
import { restartsAlways } from '../signal/pending.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, WaiterLists, keyOf, readWord, writeWord } from './futex-word.js';
import { EAGAIN, EDEADLK, EFAULT, EPERM, ESRCH, ETIMEDOUT } from '../errno.js';

interface PiWaiter { p: Process; key: string; uaddr: number; q: WaitQueue; got: boolean; deadline: number; }

/** The waiters of each PI word, and each sleeper's wait. */
const lists = new WaiterLists<PiWaiter>();
const waits = new WeakMap<Process, PiWaiter>();

/** Still asleep in the wait w (not woken by a signal or its timer, not dead since). */
const live = (w: PiWaiter) => waits.get(w.p) === w && w.p.waitingOn === w.q;

const unlink = (k: Kernel, w: PiWaiter) => lists.unlink(k, w);

/** The first waiter still asleep on key (stale ones are dropped). */
function firstLive(k: Kernel, key: string | undefined): PiWaiter | undefined {
  for (const w of lists.on(k, key)) {
    k.work.items++;
    if (live(w)) return w;
    unlink(k, w);
  }
  return undefined;
}

/** The lock passes to waiter w: its TID goes into the word (with FUTEX_WAITERS, and `extra`), and it wakes owning it. */
function handOver(k: Kernel, w: PiWaiter, extra: number): boolean {
  unlink(k, w);
  if (!writeWord(w.p.as, w.uaddr, (FUTEX_WAITERS | extra | w.p.pid) >>> 0)) return false;
  w.got = true;
  k.wake(w.q);
  return true;
}

function sleep(k: Kernel, w: PiWaiter): number {
  restartsAlways(w.p, true); // a handler does not end the wait with EINTR: Linux's ERESTARTNOINTR
  return w.deadline === Infinity ? k.sleepOn(w.p, w.q) : k.sleepOnUntil(w.p, w.q, w.deadline);
}

/** A live thread with this TID (a lock's owner), or undefined. */
function owner(k: Kernel, tid: number): Process | undefined {
  const t = k.procs.get(tid);
  return t === undefined || t.state === 'zombie' ? undefined : t;
}

/**
 * FUTEX_LOCK_PI, FUTEX_LOCK_PI2 and FUTEX_TRYLOCK_PI: takes the lock when
 * the word has no owner (keeping FUTEX_OWNER_DIED); EDEADLK when the caller
 * owns it, ESRCH when its owner does not exist, EAGAIN for a trylock;
 * otherwise sets FUTEX_WAITERS and sleeps until the lock is handed over (0)
 * or the absolute deadline `until` passes (ETIMEDOUT).
 */
export function lockPi(k: Kernel, p: Process, uaddr: number, key: string, until: number, trylock: boolean): number {
  const w = waits.get(p);
  if (w !== undefined) {
    if (w.got) { waits.delete(p); return 0; } // handed over (perhaps before a handler ran, and the call restarted)
    if (p.inBlockedCall) {
      if (k.hart.cycle >= w.deadline) { unlink(k, w); waits.delete(p); return -ETIMEDOUT; }
      return sleep(k, w);
    }
    unlink(k, w); waits.delete(p); // restarted after a handler: queue again
  }
  const v = readWord(p.as, uaddr);
  if (v === undefined) return -EFAULT;
  const tid = v & FUTEX_TID_MASK;
  if (tid === 0) {
    const others = firstLive(k, key) !== undefined;
    return writeWord(p.as, uaddr, ((v & FUTEX_OWNER_DIED) | p.pid | (others ? FUTEX_WAITERS : 0)) >>> 0) ? 0 : -EFAULT;
  }
  if (tid === p.pid) return -EDEADLK;
  if (owner(k, tid) === undefined) return -ESRCH;
  if (trylock) return -EAGAIN;
  if (until <= k.hart.cycle) return -ETIMEDOUT;
  if (!(v & FUTEX_WAITERS) && !writeWord(p.as, uaddr, (v | FUTEX_WAITERS) >>> 0)) return -EFAULT;
  const nw: PiWaiter = { p, key, uaddr, q: new WaitQueue(), got: false, deadline: until };
  waits.set(p, nw);
  lists.add(k, nw);
  return sleep(k, nw);
}

/** Whether p waits for a PI lock (FUTEX_LOCK_PI, or requeued there by FUTEX_CMP_REQUEUE_PI). */
export const piWaiting = (p: Process): boolean => waits.has(p);

/**
 * FUTEX_CMP_REQUEUE_PI for one waiter p of FUTEX_WAIT_REQUEUE_PI, asleep on
 * q: the top waiter (`mayTake`) is given the lock at uaddr when it has no
 * owner (1: the caller wakes it, and its call returns 0 owning the lock);
 * otherwise p joins the lock's waiters, still asleep on q, and the word gets
 * FUTEX_WAITERS (0). EDEADLK when p owns the lock, ESRCH when its owner does
 * not exist, EFAULT for an unwritable word.
 */
export function requeueToPi(k: Kernel, p: Process, uaddr: number, key: string, q: WaitQueue, deadline: number, mayTake: boolean): number {
  const v = readWord(p.as, uaddr);
  if (v === undefined) return -EFAULT;
  const tid = v & FUTEX_TID_MASK;
  if (tid === p.pid) return -EDEADLK;
  if (tid === 0 && mayTake) {
    const others = firstLive(k, key) !== undefined;
    return writeWord(p.as, uaddr, ((v & FUTEX_OWNER_DIED) | p.pid | (others ? FUTEX_WAITERS : 0)) >>> 0) ? 1 : -EFAULT;
  }
  if (tid !== 0 && owner(k, tid) === undefined) return -ESRCH;
  if (!(v & FUTEX_WAITERS) && !writeWord(p.as, uaddr, (v | FUTEX_WAITERS) >>> 0)) return -EFAULT;
  const w: PiWaiter = { p, key, uaddr, q, got: false, deadline };
  waits.set(p, w);
  lists.add(k, w);
  restartsAlways(p, true);
  return 0;
}

/** FUTEX_UNLOCK_PI: only the owner may unlock (EPERM); the first waiter gets the lock, or the word becomes 0. */
export function unlockPi(k: Kernel, p: Process, uaddr: number, key: string): number {
  const v = readWord(p.as, uaddr);
  if (v === undefined) return -EFAULT;
  if ((v & FUTEX_TID_MASK) !== p.pid) return -EPERM;
  const w = firstLive(k, key);
  if (w !== undefined) return handOver(k, w, 0) ? 0 : -EFAULT;
  return writeWord(p.as, uaddr, 0) ? 0 : -EFAULT;
}

/**
 * A robust PI lock p held when it died (futex.ts robust-list walk): its
 * first waiter gets it with FUTEX_OWNER_DIED (pthread_mutex_lock returns
 * EOWNERDEAD there). False when nobody waits: the caller marks the word.
 */
export function piOwnerDied(k: Kernel, p: Process, uaddr: number): boolean {
  const w = firstLive(k, keyOf(p.as, uaddr, false)) ?? firstLive(k, keyOf(p.as, uaddr, true));
  return w !== undefined && handOver(k, w, FUTEX_OWNER_DIED);
}

/** Thread p dies (futex.ts threadExitFutexes): each PI lock it still owns passes to its first waiter (Linux's exit_pi_state_list). */
export function piThreadExit(k: Kernel, p: Process): void {
  const w = waits.get(p);
  if (w !== undefined) { unlink(k, w); waits.delete(p); }
  for (const key of [...lists.of(k).keys()]) {
    const first = firstLive(k, key);
    if (first === undefined) continue;
    const v = readWord(first.p.as, first.uaddr);
    if (v !== undefined && (v & FUTEX_TID_MASK) === p.pid) handOver(k, first, v & FUTEX_OWNER_DIED);
  }
}
