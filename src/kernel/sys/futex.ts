// futex(2) and the robust futex list (set_robust_list, get_robust_list), and
// what a dying thread leaves in its memory: the robust list's owner-died
// marks and the CLONE_CHILD_CLEARTID word (futex(2), set_robust_list(2),
// clone(2); Linux's kernel/futex/ and Documentation/locking/robust-futexes.rst
// describe the same behaviour).
//
// A waiter is keyed by its word: a private futex (FUTEX_PRIVATE_FLAG) by
// (address space, virtual address), a shared one by the physical address of
// the word, so two mappings of one page meet. (A page that moves while a
// waiter sleeps, to swap or by copy-on-write, loses its shared waiters: lde's
// limitation, noted in docs/syscalls.md.) Each waiter sleeps on a queue of
// its own, with a bitset; a wake takes waiters off the word's list in order.
// A timed wait sleeps on the scheduler's timer as well (sched.ts
// sleepOnUntil), so it really ends with ETIMEDOUT.

import type { SyscallDef } from '../abi/call.js';
import { I, P, UL, futexArgs, out } from '../abi/strace-args.js';
import { struct, type Ctx } from '../abi/strace-mem.js';
import { xv } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, WaiterLists, keyOf, readWord, writeWord } from './futex-word.js';
import { WaitQueue } from '../sched/wait.js';
import { KTIME_MAX, deadline as after } from '../sched/timer.js';
import { copyIn, copyOut, readU64, writeU64 } from '../mm/uaccess.js';
import { lockPi, piOwnerDied, piThreadExit, piWaiting, requeueToPi, unlockPi } from './futex-pi.js';
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ESRCH, ETIMEDOUT } from '../errno.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
  FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
  FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13, FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
/** Linux's ROBUST_LIST_LIMIT: a dying thread walks at most this many robust list entries. */
const ROBUST_LIST_LIMIT = 2048;
const ROBUST_HEAD_SIZE = 24;

/** A sleeper in FUTEX_WAIT(_BITSET), or in FUTEX_WAIT_REQUEUE_PI (`pi`: the PI lock it is to be requeued to). */
interface Waiter { p: Process; key: string; bitset: number; q: WaitQueue; woken: boolean; deadline: number; pi?: { uaddr: number; key: string }; }

/** Every futex word with waiters, by key, per kernel; and each sleeper's wait. */
const words = new WaiterLists<Waiter>();
const waits = new WeakMap<Process, Waiter>();

/** Still asleep in the wait w (not woken by a signal or its timer, not dead since). */
const live = (w: Waiter) => waits.get(w.p) === w && w.p.waitingOn === w.q;

const unlink = (k: Kernel, w: Waiter) => words.unlink(k, w);

/** Wakes up to n waiters on key whose bitset meets `bitset`; returns how many. Stale entries (woken otherwise) are dropped. */
function wakeKey(k: Kernel, key: string, n: number, bitset = 0xffffffff): number {
  let woken = 0;
  for (const w of words.on(k, key)) {
    if (woken >= n) break;
    k.work.items++;
    if (!live(w)) { unlink(k, w); continue; }
    if (w.pi !== undefined) return -EINVAL; // a FUTEX_WAIT_REQUEUE_PI sleeper leaves only by FUTEX_CMP_REQUEUE_PI (Linux's futex_wake)
    if ((w.bitset & bitset) === 0) continue;
    unlink(k, w);
    w.woken = true;
    k.wake(w.q);
    woken++;
  }
  return woken;
}

/** Moves up to n waiters from key to key2 (FUTEX_REQUEUE); returns how many. */
function requeue(k: Kernel, key: string, key2: string, n: number): number {
  let moved = 0;
  for (const w of words.on(k, key)) {
    if (moved >= n) break;
    k.work.items++;
    if (!live(w)) { unlink(k, w); continue; }
    words.move(k, w, key2);
    moved++;
  }
  return moved;
}

/**
 * FUTEX_CMP_REQUEUE_PI: the first FUTEX_WAIT_REQUEUE_PI sleeper on key is
 * given the PI lock at uaddr2 if it is free (and woken), then up to n2
 * sleepers (the first too, if it did not get the lock) join the lock's
 * waiters (futex-pi.ts requeueToPi). Returns how many were woken or moved;
 * EINVAL for a sleeper that waits for another lock, or none of this kind.
 */
function requeuePi(k: Kernel, key: string, uaddr2: number, key2: string, n2: number): number {
  let woken = 0, moved = 0, first = true;
  for (const w of words.on(k, key)) {
    k.work.items++;
    if (!live(w)) { unlink(k, w); continue; }
    if (w.pi === undefined || w.pi.key !== key2) return -EINVAL;
    if (!first && moved >= n2) break;
    const r = requeueToPi(k, w.p, uaddr2, key2, w.q, w.deadline, first);
    first = false;
    if (r < 0) return woken + moved > 0 ? woken + moved : r;
    unlink(k, w);
    if (r === 1) { w.woken = true; k.wake(w.q); woken++; } else { waits.delete(w.p); moved++; }
  }
  return woken + moved;
}

/** A timeout: relative (FUTEX_WAIT) or absolute on CLOCK_MONOTONIC or CLOCK_REALTIME (FUTEX_WAIT_BITSET), as the virtual cycle it ends at. */
function timeoutAt(k: Kernel, p: Process, ptr: number, absolute: boolean, realtime: boolean): number {
  if (ptr === 0) return Infinity;
  const b = copyIn(p.as, ptr, 16);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), s = Number(dv.getBigInt64(0, true)), ns = Number(dv.getBigInt64(8, true));
  if (s < 0 || ns < 0 || ns >= 1e9) return -EINVAL;
  const t = s * 1e9 + ns;
  return absolute ? Math.max(0, Math.min(t - (realtime ? k.epochNs : 0), KTIME_MAX)) : after(k.hart.cycle, t);
}

/** FUTEX_WAIT and FUTEX_WAIT_BITSET. A woken call runs again: 0 after a FUTEX_WAKE, ETIMEDOUT after its timer. */
function wait(k: Kernel, p: Process, uaddr: number, val: number, key: string, until: number, bitset: number, pi?: Waiter['pi']): number {
  const w = waits.get(p);
  if (w !== undefined && p.inBlockedCall) {
    if (w.woken) { waits.delete(p); return 0; }
    if (k.hart.cycle >= w.deadline) { unlink(k, w); waits.delete(p); return -ETIMEDOUT; }
    return sleep(k, w); // woken by a signal it did not take (blocked meanwhile): waits on
  }
  if (w !== undefined) { unlink(k, w); waits.delete(p); } // an interrupted wait, restarted after a handler
  const cur = readWord(p.as, uaddr);
  if (cur === undefined) return -EFAULT;
  if ((cur | 0) !== (val | 0)) return -EAGAIN;
  if (until <= k.hart.cycle) return -ETIMEDOUT;
  const nw: Waiter = { p, key, bitset, q: new WaitQueue(), woken: false, deadline: until, pi };
  waits.set(p, nw);
  words.add(k, nw);
  return sleep(k, nw);
}

function sleep(k: Kernel, w: Waiter): number {
  return w.deadline === Infinity ? k.sleepOn(w.p, w.q) : k.sleepOnUntil(w.p, w.q, w.deadline);
}

/** FUTEX_WAKE_OP's operation on the old value of *uaddr2, and its comparison (futex(2)); undefined for an unknown one. */
function wakeOp(encoded: number, old: number): { value: number; wake2: boolean } | undefined {
  const op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15, shift = (encoded >>> 28) & 8;
  let oparg = (encoded << 8) >> 20;
  const cmparg = (encoded << 20) >> 20;
  if (shift) oparg = 1 << (oparg & 31);
  const value = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg][op];
  const o = old | 0;
  const wake2 = [o === cmparg, o !== cmparg, o < cmparg, o <= cmparg, o > cmparg, o >= cmparg][cmp];
  return value === undefined || wake2 === undefined ? undefined : { value, wake2 };
}

/** futex(uaddr, op, val, timeout or val2, uaddr2, val3). */
function futex(k: Kernel, p: Process, a: readonly number[]): number {
  const [uaddr, op, val, uaddr2, val3] = [a[0], a[1], a[2] | 0, a[4], a[5] >>> 0];
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME), priv = (op & FUTEX_PRIVATE_FLAG) !== 0;
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  if (realtime && cmd !== FUTEX_WAIT && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_LOCK_PI2 && cmd !== FUTEX_WAIT_REQUEUE_PI) return -ENOSYS;
  if (uaddr % 4 !== 0) return -EINVAL;
  const key = keyOf(p.as, uaddr, priv);
  const waiting = waits.get(p);
  switch (cmd) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      const bitset = cmd === FUTEX_WAIT ? 0xffffffff : val3;
      if (bitset === 0) return -EINVAL;
      // A wait that slept keeps its deadline (and its key: a requeue may have moved it) across its runs.
      const again = waiting !== undefined && p.inBlockedCall;
      const until = again ? waiting.deadline : timeoutAt(k, p, a[3], cmd === FUTEX_WAIT_BITSET, realtime);
      if (until < 0) return until;
      if (readWord(p.as, uaddr) === undefined) return -EFAULT;
      return wait(k, p, uaddr, val, again ? waiting.key : keyOf(p.as, uaddr, priv)!, until, bitset);
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: {
      const bitset = cmd === FUTEX_WAKE ? 0xffffffff : val3;
      if (bitset === 0) return -EINVAL;
      if (readWord(p.as, uaddr) === undefined) return -EFAULT;
      return wakeKey(k, key ?? keyOf(p.as, uaddr, priv)!, Math.max(1, val), bitset); // nr_wake 0 still wakes one, as Linux's loop does
    }
    case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: {
      const n2 = a[3] | 0;
      if (val < 0 || n2 < 0 || uaddr2 % 4 !== 0) return -EINVAL;
      const cur = readWord(p.as, uaddr), cur2 = readWord(p.as, uaddr2);
      if (cur === undefined || cur2 === undefined) return -EFAULT;
      if (cmd === FUTEX_CMP_REQUEUE && cur !== val3) return -EAGAIN;
      const k1 = keyOf(p.as, uaddr, priv)!, k2 = keyOf(p.as, uaddr2, priv)!;
      const woken = wakeKey(k, k1, Math.max(1, val));
      return woken + requeue(k, k1, k2, n2);
    }
    case FUTEX_WAKE_OP: {
      if (uaddr2 % 4 !== 0) return -EINVAL;
      const old = readWord(p.as, uaddr2);
      if (old === undefined || readWord(p.as, uaddr) === undefined) return -EFAULT;
      const r = wakeOp(val3, old);
      if (r === undefined) return -ENOSYS;
      if (!writeWord(p.as, uaddr2, r.value)) return -EFAULT;
      let n = wakeKey(k, keyOf(p.as, uaddr, priv)!, Math.max(1, val));
      if (r.wake2) n += wakeKey(k, keyOf(p.as, uaddr2, priv)!, Math.max(1, a[3] | 0));
      return n;
    }
    case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2: case FUTEX_TRYLOCK_PI: {
      // LOCK_PI's deadline is absolute on CLOCK_REALTIME; LOCK_PI2's on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
      const until = cmd === FUTEX_TRYLOCK_PI ? Infinity : timeoutAt(k, p, a[3], true, cmd === FUTEX_LOCK_PI || realtime);
      if (until < 0) return until;
      if (readWord(p.as, uaddr) === undefined) return -EFAULT;
      return lockPi(k, p, uaddr, keyOf(p.as, uaddr, priv)!, until, cmd === FUTEX_TRYLOCK_PI);
    }
    case FUTEX_WAIT_REQUEUE_PI: {
      if (uaddr2 % 4 !== 0 || uaddr === uaddr2) return -EINVAL;
      const key2 = keyOf(p.as, uaddr2, priv);
      // Requeued onto the PI lock: the rest of the wait is FUTEX_LOCK_PI's.
      if (piWaiting(p) && key2 !== undefined) return lockPi(k, p, uaddr2, key2, Infinity, false);
      const again = waiting !== undefined && p.inBlockedCall;
      const until = again ? waiting.deadline : timeoutAt(k, p, a[3], true, realtime);
      if (until < 0) return until;
      if (readWord(p.as, uaddr) === undefined || readWord(p.as, uaddr2) === undefined) return -EFAULT;
      return wait(k, p, uaddr, val, again ? waiting.key : keyOf(p.as, uaddr, priv)!, until, 0xffffffff, { uaddr: uaddr2, key: keyOf(p.as, uaddr2, priv)! });
    }
    case FUTEX_CMP_REQUEUE_PI: {
      const n2 = a[3] | 0;
      if (val !== 1 || n2 < 0 || uaddr2 % 4 !== 0 || uaddr === uaddr2) return -EINVAL;
      const cur = readWord(p.as, uaddr);
      if (cur === undefined || readWord(p.as, uaddr2) === undefined) return -EFAULT;
      if (cur !== val3) return -EAGAIN;
      return requeuePi(k, keyOf(p.as, uaddr, priv)!, uaddr2, keyOf(p.as, uaddr2, priv)!, n2);
    }
    case FUTEX_UNLOCK_PI:
      if (readWord(p.as, uaddr) === undefined) return -EFAULT;
      return unlockPi(k, p, uaddr, keyOf(p.as, uaddr, priv)!);
    default: return -ENOSYS; // FUTEX_FD (gone since Linux 2.6.26), futex2's commands
  }
}

/**
 * One robust futex word of a dying thread: if the thread owns it, mark
 * FUTEX_OWNER_DIED and wake one waiter; a PI lock (bit 0 of the entry)
 * passes to its first waiter instead (futex-pi.ts).
 */
function ownerDied(k: Kernel, p: Process, uaddr: number, pi: boolean): void {
  if (uaddr % 4 !== 0) return;
  const v = readWord(p.as, uaddr);
  if (v === undefined || (v & FUTEX_TID_MASK) !== p.pid) return;
  if (pi && piOwnerDied(k, p, uaddr)) return;
  if (!writeWord(p.as, uaddr, (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED)) return;
  if (v & FUTEX_WAITERS) { const key = keyOf(p.as, uaddr, false); if (key) wakeKey(k, key, 1); }
}

/**
 * A thread dies with its memory still mapped (exit.ts, through
 * Kernel.threadExit): its robust list is walked (each held lock gets
 * FUTEX_OWNER_DIED and one waiter woken), then, when others share the
 * memory, its CLONE_CHILD_CLEARTID word is zeroed and one waiter woken
 * (what pthread_join sleeps on). Bad pointers end the walk silently, as on Linux.
 */
export function threadExitFutexes(k: Kernel, p: Process): void {
  const w = waits.get(p);
  if (w !== undefined) { unlink(k, w); waits.delete(p); }
  if (p.robustList !== 0) {
    const b = copyIn(p.as, p.robustList, ROBUST_HEAD_SIZE); // next, futex_offset (a signed long), list_op_pending
    if (b !== undefined) {
      const dv = new DataView(b.buffer), head = p.robustList, off = Number(dv.getBigInt64(8, true));
      const pendRaw = dv.getBigUint64(16, true), pend = Number(pendRaw & ~1n);
      let entry: number | undefined = Number(dv.getBigUint64(0, true));
      for (let i = 0; entry !== undefined && entry !== head && i < ROBUST_LIST_LIMIT; i++) {
        k.work.items++;
        const e: number = Math.floor(entry / 2) * 2, pi = e !== entry; // bit 0: a PI futex
        const next = readU64(p.as, e);
        if (e !== pend) ownerDied(k, p, e + off, pi);
        entry = next;
      }
      if (pend !== 0) ownerDied(k, p, pend + off, (pendRaw & 1n) !== 0n);
    }
  }
  piThreadExit(k, p);
  if (p.clearChildTid !== 0 && p.asRefs.refs > 1) {
    const va = p.clearChildTid;
    if (va % 4 === 0 && writeWord(p.as, va, 0)) { const key = keyOf(p.as, va, false); if (key) wakeKey(k, key, 1); }
  }
}

const u64At = (c: Ctx, va: number) => struct(c, va, 8, (d) => `[${xv(Number(d.getBigUint64(0, true)))}]`);

export const FUTEX_CALLS: SyscallDef[] = [
  // implements futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, the PI locks and the requeue to them; private or shared; timed
  { name: 'futex', status: 'partial', restart: 'ERESTARTSYS',
    limits: 'LOCK_PI, LOCK_PI2, TRYLOCK_PI and UNLOCK_PI hand the lock over but boost no priority (the scheduler has none); a FUTEX_WAIT_REQUEUE_PI interrupted by a handler after its requeue takes the lock itself when it runs again; a shared waiter is keyed by the physical page, so one whose page moves (swap, copy-on-write) while it sleeps is not found',
    args: futexArgs,
    handler: (k, p, a) => futex(k, p, a) },
  // implements set_robust_list(2)
  { name: 'set_robust_list', status: 'full', restart: 'none', args: [P, UL],
    handler: (_k, p, a) => {
    if (a[1] !== ROBUST_HEAD_SIZE) return -EINVAL;
    p.robustList = a[0];
    return 0;
  } },
  // implements get_robust_list(2): any thread's (root may read every one)
  { name: 'get_robust_list', status: 'full', restart: 'none', args: [I, out(u64At), out(u64At)],
    handler: (k, p, a) => {
    const t = a[0] === 0 ? p : k.procs.get(a[0]);
    if (t === undefined || t.state === 'zombie') return -ESRCH;
    if (!writeU64(p.as, a[1], t.robustList)) return -EFAULT;
    return writeU64(p.as, a[2], ROBUST_HEAD_SIZE) ? 0 : -EFAULT;
  } },
];
