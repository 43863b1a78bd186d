// epoll(7): an interest list of (fd, file) pairs and a ready list, kept as
// Linux's fs/eventpoll.c keeps them. Each item registers a callback on its
// file's PollHead (poll.ts); a change puts the item at the tail of the ready
// list. epoll_wait takes the list in order, polls each item again, reports
// the ready ones (at most maxevents), drops the ones no longer ready, and
// puts a level-triggered item back at the tail (so the next wait sees it
// again while it stays ready). An EPOLLET item comes back only with the
// next change; an EPOLLONESHOT item is disabled after one report until
// EPOLL_CTL_MOD. The epoll file is itself pollable (readable while an item
// on its ready list is ready), so epolls nest.

import type { SyscallDef } from '../abi/call.js';
import { BLOCK } from '../abi/call.js';
import { FD, I, SIGSET, TS, UL, a, fl, out, xl } from '../abi/strace-args.js';
import { struct, u64at } from '../abi/strace-mem.js';
import { flags, x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { ConsoleFile, File, type StatInfo } from './file.js';
import { ANON_STAT } from './eventfd.js';
import { POLLERR, POLLHUP, PollHead, READABLE, readTimeout, restoreMaskAfter, swapMask, waitReady } from './poll.js';
import { copyIn, copyOut, userRange } from '../mm/uaccess.js';
import { EBADF, EEXIST, EFAULT, EINVAL, ELOOP, ENOENT, EPERM } from '../errno.js';

const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
const EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 2 ** 31;
/** The bits that are not events (Linux's EP_PRIVATE_BITS): a disabled ONESHOT item keeps only these. */
const PRIVATE = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
const EP_MAX_EVENTS = Math.floor(0x7fffffff / 16);
/** How deep epolls may nest (Linux's EP_MAX_NESTS). */
const EP_MAX_NESTS = 4;
const O_CLOEXEC = 0o2000000;
/** struct epoll_event on riscv64 (not packed, unlike x86-64): u32 events, 4 bytes of padding, u64 data. */
const EVENT_SIZE = 16;

interface Item { fd: number; file: File; events: number; data: bigint; ready: boolean; wake: () => void; }

export class EpollFile extends File {
  private readonly items: Item[] = [];
  private rdlist: Item[] = [];
  readonly head = new PollHead();

  constructor(private readonly k: Kernel, flags: number) { super(flags | 2); }

  private find(fd: number, f: File): Item | undefined { return this.items.find((it) => it.fd === fd && it.file === f); }

  /** Puts it at the tail of the ready list (once) and tells this epoll's own waiters. */
  private queue(it: Item): void {
    if (!it.ready) { it.ready = true; this.rdlist.push(it); }
    this.head.notify();
  }

  /** epoll_ctl: the interest list's three operations, with Linux's EEXIST and ENOENT. */
  ctl(op: number, fd: number, f: File, events: number, data: bigint): number {
    const it = this.find(fd, f);
    this.k.work.items += this.items.length;
    if (op === EPOLL_CTL_ADD) {
      if (it !== undefined) return -EEXIST;
      const item: Item = { fd, file: f, events: events | POLLERR | POLLHUP, data, ready: false, wake: () => this.queue(item) };
      this.items.push(item);
      f.pollHead()?.add(item.wake);
      if (this.pollItem(item) !== 0) this.queue(item);
      return 0;
    }
    if (it === undefined) return -ENOENT;
    if (op === EPOLL_CTL_DEL) { this.remove(it); return 0; }
    if ((events | it.events) & EPOLLEXCLUSIVE) return -EINVAL;
    it.events = events | POLLERR | POLLHUP;
    it.data = data;
    if (this.pollItem(it) !== 0) this.queue(it);
    return 0;
  }

  private remove(it: Item): void {
    it.file.pollHead()?.remove(it.wake);
    this.items.splice(this.items.indexOf(it), 1);
    this.rdlist = this.rdlist.filter((r) => r !== it);
    it.ready = false;
  }

  /** The events of it that are ready now (0 for a disabled ONESHOT item). */
  private pollItem(it: Item): number { return it.file.poll() & it.events & ~PRIVATE; }

  /** Items whose file closed (its last reference went) leave the interest list, as eventpoll_release does. */
  private prune(): void { for (const it of this.items.filter((i) => i.file.refs <= 0)) this.remove(it); }

  /** A file whose readiness changes with time (a timerfd) and is due: poll it, so its expiry reaches the ready list. */
  private settleTimed(now: number): void {
    this.k.work.items += this.items.length;
    for (const it of this.items) if (it.file.pollDeadline(now) <= now) it.file.poll();
  }

  /** ep_send_events: up to max ready items as [events, data], the ready list rebuilt as Linux rebuilds it. */
  sendEvents(max: number): [number, bigint][] {
    this.prune();
    this.settleTimed(this.k.hart.cycle);
    const tx = this.rdlist, again: Item[] = [], out: [number, bigint][] = [];
    this.rdlist = [];
    let i = 0;
    for (; i < tx.length && out.length < max; i++) {
      const it = tx[i];
      this.k.work.items++;
      it.ready = false;
      const re = this.pollItem(it);
      if (re === 0) continue;
      out.push([re, it.data]);
      if (it.events & EPOLLONESHOT) it.events &= PRIVATE;
      else if (!(it.events & EPOLLET)) { it.ready = true; again.push(it); }
    }
    const rest = tx.slice(i);
    this.rdlist = [...rest, ...again, ...this.rdlist.filter((it) => !rest.includes(it) && !again.includes(it))];
    return out;
  }

  /** Readable while an item on the ready list is ready (ep_eventpoll_poll); nothing is consumed. */
  override poll(): number {
    this.prune();
    this.settleTimed(this.k.hart.cycle);
    this.k.work.items += this.rdlist.length;
    return this.rdlist.some((it) => this.pollItem(it) !== 0) ? READABLE : 0;
  }
  override pollHead(): PollHead { return this.head; }
  override pollDeadline(now: number): number { return Math.min(Infinity, ...this.items.map((it) => it.file.pollDeadline(now))); }
  /** The files an epoll_wait sleeps on: every item's (their changes reach the ready list through the callbacks). */
  get files(): File[] { this.k.work.items += this.items.length; return [this, ...this.items.map((it) => it.file)]; }

  /**
   * Whether adding `ep` here would close a loop, or nest epolls more than
   * EP_MAX_NESTS deep below this one (Linux's ep_loop_check: ELOOP).
   */
  wouldLoop(ep: EpollFile, depth = 0): boolean {
    if (ep === this || depth >= EP_MAX_NESTS) return true;
    this.k.work.items += ep.items.length;
    return ep.items.some((it) => it.file instanceof EpollFile && this.wouldLoop(it.file, depth + 1));
  }
  override stat(): StatInfo { return ANON_STAT; }
  override close(): void { for (const it of [...this.items]) this.remove(it); }
}

/** Whether f can be watched: Linux refuses a file with no poll method (a regular file, a directory, /dev/null) with EPERM; a terminal has one. */
function canPoll(f: File): boolean { return f.pollHead() !== undefined || f instanceof ConsoleFile || f.isTty(); }

function epollCtl(k: Kernel, p: Process, epfd: number, op: number, fd: number, ev: number): number {
  let events = 0, data = 0n;
  if (op === EPOLL_CTL_ADD || op === EPOLL_CTL_MOD) {
    const b = copyIn(p.as, ev, EVENT_SIZE);
    if (b === undefined) return -EFAULT;
    const dv = new DataView(b.buffer);
    events = dv.getUint32(0, true);
    data = dv.getBigUint64(8, true);
  }
  const ep = epfd >= 0 ? p.files[epfd] : undefined, f = fd >= 0 ? p.files[fd] : undefined;
  if (ep === undefined || f === undefined) return -EBADF;
  if (!canPoll(f)) return -EPERM;
  if (!(ep instanceof EpollFile) || ep === f) return -EINVAL;
  if (op !== EPOLL_CTL_ADD && op !== EPOLL_CTL_DEL && op !== EPOLL_CTL_MOD) return -EINVAL;
  if ((events & EPOLLEXCLUSIVE) && (op === EPOLL_CTL_MOD || (events & EPOLLONESHOT) || f instanceof EpollFile)) return -EINVAL;
  if (op === EPOLL_CTL_ADD && f instanceof EpollFile && ep.wouldLoop(f)) return -ELOOP;
  return ep.ctl(op, fd, f, events, data);
}

/** epoll_pwait and epoll_pwait2 after their timeout: the mask, the checks of do_epoll_wait, then the wait. */
function epollWait(k: Kernel, p: Process, a: readonly number[], t: number | undefined): number {
  const m = swapMask(p, a[4], a[5]);
  if (m < 0) return m;
  return restoreMaskAfter(p, epollWaitBody(k, p, a[0], a[1], a[2] | 0, t));
}

function epollWaitBody(k: Kernel, p: Process, epfd: number, events: number, max: number, t: number | undefined): number {
  if (max <= 0 || max > EP_MAX_EVENTS) return -EINVAL;
  if (!userRange(events, max * EVENT_SIZE)) return -EFAULT;
  const ep = epfd >= 0 ? p.files[epfd] : undefined;
  if (ep === undefined) return -EBADF;
  if (!(ep instanceof EpollFile)) return -EINVAL;
  let got: [number, bigint][] = [];
  const r = waitReady(k, p, ep.files, t, () => { got = ep.sendEvents(max); return got.length > 0 ? got.length : undefined; });
  if (r === BLOCK || got.length === 0) return r;
  const b = new Uint8Array(got.length * EVENT_SIZE), dv = new DataView(b.buffer);
  got.forEach(([e, d], i) => { dv.setUint32(i * EVENT_SIZE, e, true); dv.setBigUint64(i * EVENT_SIZE + 8, d, true); });
  return copyOut(p.as, events, b) ? got.length : -EFAULT;
}

const EPOLL_EVENTS = x({ EPOLLIN: 1, EPOLLPRI: 2, EPOLLOUT: 4, EPOLLERR: 8, EPOLLHUP: 0x10, EPOLLRDNORM: 0x40, EPOLLRDBAND: 0x80,
  EPOLLWRNORM: 0x100, EPOLLWRBAND: 0x200, EPOLLRDHUP: 0x2000, EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET });
const epollEvent = a((c, n) => struct(c, n, EVENT_SIZE, (d) => `{events=${flags(d.getUint32(0, true), EPOLL_EVENTS)}, data=${u64at(d, 8)}}`));
const epollEvents = out((c, n) => (c.ret > 0 ? struct(c, n, EVENT_SIZE * Math.min(c.ret, 32), (d) => `[${Array.from({ length: Math.min(c.ret, 32) },
  (_, i) => `{events=${flags(d.getUint32(i * EVENT_SIZE, true), EPOLL_EVENTS)}, data=${u64at(d, i * EVENT_SIZE + 8)}}`).join(', ')}]`) : '[]'));

export const EPOLL_CALLS: SyscallDef[] = [
  // implements epoll_create1(2)
  { name: 'epoll_create1', status: 'full', restart: 'none', args: [fl(x({ EPOLL_CLOEXEC: O_CLOEXEC }))],
    handler: (k, p, a) => {
    if ((a[0] & ~O_CLOEXEC) !== 0) return -EINVAL;
    const fd = p.allocFd(new EpollFile(k, 0));
    if (fd >= 0 && (a[0] & O_CLOEXEC)) p.cloexec.add(fd);
    return fd;
  } },
  // implements epoll_ctl(2): EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL
  { name: 'epoll_ctl', status: 'partial', restart: 'none',
    limits: 'EPOLLEXCLUSIVE and EPOLLWAKEUP are accepted and have no effect; the nesting check counts depth below the epoll added to only',
    args: [FD, xl(x({ EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD })), FD, epollEvent],
    handler: (k, p, a) => epollCtl(k, p, a[0] | 0, a[1] | 0, a[2] | 0, a[3]) },
  // implements epoll_pwait(2): a timeout in ms (negative: none) and a temporary signal mask
  { name: 'epoll_pwait', status: 'full', restart: 'ERESTARTNOHAND', args: [FD, epollEvents, I, I, SIGSET(5), UL],
    handler: (k, p, a) => epollWait(k, p, a, (a[3] | 0) < 0 ? undefined : (a[3] | 0) * 1e6) },
  // implements epoll_pwait2(2): a timespec timeout (NULL: none)
  { name: 'epoll_pwait2', status: 'full', restart: 'ERESTARTNOHAND', args: [FD, epollEvents, I, TS, SIGSET(5), UL],
    handler: (k, p, a) => {
    const t = readTimeout(p, a[3]);
    return t !== undefined && t < 0 ? t : epollWait(k, p, a, t);
  } },
];
