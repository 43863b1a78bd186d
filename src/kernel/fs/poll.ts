// Waiting for many files (poll, select, epoll): readiness and the poll-wait
// lists. A file reports its readiness now (File.poll, POLL* bits) and, when
// that can change, a PollHead: the list of callbacks it runs on every change
// (bytes queued or taken, an end closed, a counter moved). A call that waits
// on many files registers one callback with each file's head and sleeps; the
// first change on any of them wakes it, and the call runs again from the
// start (sched/wait.ts), scanning every file afresh. So a wake-up is only a
// hint: the scan decides, and a spurious wake-up costs one more scan.
//
// A timeout is a deadline in virtual cycles kept across the runs of the call
// in p.sleepDeadline (as nanosleep keeps it; a handler's EINTR clears it).
// A file whose readiness changes by itself at a known time (a timerfd's next
// expiry) says when (File.pollDeadline), and the sleep ends there too.
//
// Linux: fs/select.c (poll_wait, the poll_table queued on each file's wait
// queue head); lde's heads hold callbacks instead of wait-queue entries.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { File } from './file.js';
import { BLOCK } from '../abi/call.js';
import { WaitQueue } from '../sched/wait.js';
import { TIME_END, deadline } from '../sched/timer.js';
import { UNBLOCKABLE } from '../signal/signal.js';
import { mayDeliver } from '../signal/pending.js';
import { copyIn } from '../mm/uaccess.js';
import { EFAULT, EINVAL } from '../errno.js';

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;
/** Readable, with its _RDNORM twin (what every file that reports POLLIN also reports). */
export const READABLE = POLLIN | POLLRDNORM;
export const WRITABLE = POLLOUT | POLLWRNORM;

/** The callbacks a file runs when its readiness may have changed. */
export class PollHead {
  private readonly watchers = new Set<() => void>();
  add(w: () => void): void { this.watchers.add(w); }
  remove(w: () => void): void { this.watchers.delete(w); }
  /** Runs every callback registered now (a callback may remove itself or others). */
  notify(): void { for (const w of [...this.watchers]) w(); }
  get size(): number { return this.watchers.size; }
}

/** p's registration while it sleeps in a waiting call: the heads it is on and its callback. */
interface Registration { heads: PollHead[]; wake: () => void; }
const registered = new WeakMap<Process, Registration>();

/** Takes p's callback off every head it was on (each run of a waiting call starts here). */
export function unwatch(p: Process): void {
  const r = registered.get(p);
  if (r === undefined) return;
  for (const h of r.heads) h.remove(r.wake);
  registered.delete(p);
}

/**
 * Puts p to sleep until a change on one of `heads`, or virtual cycle `until`
 * (at or past TIME_END: no limit). Returns BLOCK. A change wakes p only if it
 * still sleeps in this call (a stale callback, left by an EINTR, is dropped).
 */
export function sleepOnHeads(k: Kernel, p: Process, heads: PollHead[], until: number): number {
  unwatch(p);
  const timed = until < TIME_END, queue = new WaitQueue();
  const wake = (): void => {
    unwatch(p);
    if (!timed) k.wake(queue);
    else if (p.state === 'sleeping' && p.waitingOn === undefined && p.wakeAt === until) k.makeRunnable(p, 'event');
  };
  for (const h of heads) h.add(wake);
  registered.set(p, { heads, wake });
  const r = timed ? k.sleepUntil(p, until) : k.sleepOn(p, queue);
  // A signal the temporary mask of ppoll/pselect6/epoll_pwait lets through was pending already: no sleep (EINTR on the way out).
  if (mayDeliver(p)) k.makeRunnable(p, 'signal', 0);
  return r;
}

/** What one scan of a waiting call found: a result to return, or nothing ready yet (undefined). */
export type Scan = () => number | undefined;

/**
 * One run of a waiting call over `files`: scan; return what it found, or 0
 * when the timeout (ns; undefined: none, 0: do not wait) has passed; else
 * sleep until a change, the timeout, or the earliest file deadline. On a
 * return (not BLOCK) with a timeout, `left` hears the nanoseconds left of it.
 */
export function waitReady(k: Kernel, p: Process, files: readonly File[], timeoutNs: number | undefined, scan: Scan,
  left?: (ns: number) => void): number {
  unwatch(p);
  const now = k.hart.cycle;
  if (timeoutNs !== undefined && p.sleepDeadline < 0) p.sleepDeadline = deadline(now, timeoutNs);
  const r = scan() ?? (p.sleepDeadline >= 0 && now >= p.sleepDeadline ? 0 : undefined);
  if (r !== undefined) {
    if (p.sleepDeadline >= 0) left?.(Math.max(0, p.sleepDeadline - now));
    p.sleepDeadline = -1;
    return r;
  }
  let until = p.sleepDeadline >= 0 ? p.sleepDeadline : Infinity;
  const heads = new Set<PollHead>();
  k.work.items += files.length;
  for (const f of files) {
    until = Math.min(until, f.pollDeadline(now));
    const h = f.pollHead();
    if (h !== undefined) heads.add(h);
  }
  return sleepOnHeads(k, p, [...heads], until);
}

/** Reads a struct timespec timeout as nanoseconds: undefined for NULL (none), or -EFAULT / -EINVAL (poll_select_set_timeout). */
export function readTimeout(p: Process, ptr: number): number | undefined {
  if (ptr === 0) return undefined;
  const b = copyIn(p.as, ptr, 16);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), s = dv.getBigInt64(0, true), ns = dv.getBigInt64(8, true);
  return s < 0n || ns < 0n || ns >= 1_000_000_000n ? -EINVAL : Math.min(Number(s) * 1e9 + Number(ns), 2 ** 63);
}

/**
 * The temporary signal mask of ppoll, pselect6 and epoll_pwait (like
 * sigsuspend): reads it (size must be 8: EINVAL; EFAULT) and installs it,
 * keeping the old one in p.restoreMask across the runs of the call. A
 * handler's frame restores it (signal.ts); restoreMaskAfter restores it on
 * every other return. Returns 0 or -errno.
 */
export function swapMask(p: Process, ptr: number, size: number): number {
  if (ptr === 0) return 0;
  if (size !== 8) return -EINVAL;
  const b = copyIn(p.as, ptr, 8);
  if (b === undefined) return -EFAULT;
  if (p.restoreMask === undefined) p.restoreMask = p.sigMask;
  p.sigMask = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE;
  return 0;
}

/** Puts back the mask swapMask replaced, unless the call is still asleep (BLOCK: a handler's frame will, if EINTR ends it). Returns r. */
export function restoreMaskAfter(p: Process, r: number): number {
  if (r !== BLOCK && p.restoreMask !== undefined) { p.sigMask = p.restoreMask; p.restoreMask = undefined; }
  return r;
}
