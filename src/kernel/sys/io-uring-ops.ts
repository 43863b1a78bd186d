// What io_uring's SQEs do: one request per SQE, run in IOSQE_IO_LINK chains.
// Each opcode is carried out by the same table entry as its system call
// (read, pread64, preadv2, openat, statx, accept4, recvfrom, ...), called
// directly with the SQE's fields as arguments, so its checks and errnos are
// the call's, and its work goes on the same work meter. No request ever
// sleeps: one on a file that is not ready (an empty pipe, a listener with no
// connection) is parked on the file's PollHead, as Linux arms a poll for
// it, and runs again from the ring once the file changes (the retry is
// deferred to the ring's owner entering io_uring_enter, or to the SQPOLL
// thread: Linux's IORING_SETUP_DEFER_TASKRUN behaviour).

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { SyscallDef } from '../abi/call.js';
import { BLOCK } from '../abi/call.js';
import { IORING_SETUP_SUBMIT_ALL, IOSQE_ASYNC, IOSQE_CQE_SKIP_SUCCESS, IOSQE_FIXED_FILE, IOSQE_IO_DRAIN, IOSQE_IO_HARDLINK, IOSQE_IO_LINK, IORING_FSYNC_DATASYNC,
  IORING_OP_LAST, IORING_TIMEOUT_ABS, OP, SQE } from '../abi/io-uring.js';
import type { IoUring, InFlight } from '../fs/io-uring.js';
import type { File } from '../fs/file.js';
import { O_NONBLOCK } from '../fs/file.js';
import { POLLERR, POLLHUP, READABLE, WRITABLE, unwatch, type PollHead } from '../fs/poll.js';
import { readTimeout } from '../fs/poll.js';
import { deadline } from '../sched/timer.js';
import { EAGAIN, EBADF, ECANCELED, EFAULT, EINVAL, ENOENT, ENOMEM, ETIME } from '../errno.js';
import { FD_CALLS } from './fs.js';
import { IO_CALLS } from './io.js';
import { PATH_CALLS } from './path.js';
import { NET_CALLS } from './net.js';
import { MSG_CALLS } from './netmsg.js';

/** One SQE, read out of the ring at submission (IORING_FEAT_SUBMIT_STABLE). */
export interface Req {
  p: Process; ring: IoUring;
  op: number; flags: number; fd: number; off: number; addr: number; len: number; opFlags: number; userData: bigint; bufIndex: number;
  /** TIMEOUT: the deadline (virtual ns) and the completion count that ends it early (Infinity: none). */
  until?: number; count?: number;
  /** POLL_ADD: the events seen when its file woke it (its result, whatever a request woken with it then consumes). */
  revents?: number;
  /** sqe.addr as the 64-bit user_data ASYNC_CANCEL looks for. */
  key: bigint;
  /** LINK_TIMEOUT: its timespec, read at submission, in ns (absolute with IORING_TIMEOUT_ABS). */
  ns?: number;
}

/** A request that cannot finish now: parked on a file until it changes, or a timeout until its deadline or count. */
type Wait = { head: PollHead } | { until: number; count: number };
type Outcome = number | Wait;

const SQE_FLAGS = IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | IOSQE_IO_HARDLINK | IOSQE_ASYNC | IOSQE_CQE_SKIP_SUCCESS;
/** Opcodes whose fd names no file to read or write (IOSQE_FIXED_FILE with them: EBADF, as their prep says). */
const NO_FIXED: ReadonlySet<number> = new Set([OP.OPENAT, OP.CLOSE, OP.STATX]);
/** What a parked request costs on the host (kmem.ts): its object and its callback. */
const KMEM_REQ = 256;

/** The request in SQE slot `slot` of `ring`, submitted by p. */
export function readReq(p: Process, ring: IoUring, slot: number): Req {
  const v = ring.sqe(slot), u64 = (o: number) => Number(v.getBigUint64(o, true));
  return {
    p, ring, op: v.getUint8(SQE.opcode), flags: v.getUint8(SQE.flags), fd: v.getInt32(SQE.fd, true),
    off: Number(v.getBigInt64(SQE.off, true)), addr: u64(SQE.addr), len: v.getUint32(SQE.len, true),
    opFlags: v.getUint32(SQE.opFlags, true), userData: v.getBigUint64(SQE.userData, true), bufIndex: v.getUint16(SQE.bufIndex, true),
    key: v.getBigUint64(SQE.addr, true),
  };
}

const handlers = new Map<string, SyscallDef['handler']>();
for (const d of [...FD_CALLS, ...IO_CALLS, ...PATH_CALLS, ...NET_CALLS, ...MSG_CALLS]) handlers.set(d.name, d.handler);
/** Runs system call `name`'s handler for the request's process. */
const call = (k: Kernel, r: Req, name: string, a: number[]) => handlers.get(name)!(k, r.p, a);

/** The request's file, if it must wait for `need` (a file with readiness that is not ready, not O_NONBLOCK). */
function notReady(r: Req, need: number): Wait | undefined {
  const f: File | undefined = r.fd >= 0 ? r.p.files[r.fd] : undefined;
  const head = f?.pollHead();
  if (f === undefined || head === undefined || (f.flags & O_NONBLOCK)) return undefined;
  return (f.poll() & (need | POLLERR | POLLHUP)) === 0 ? { head } : undefined;
}

/**
 * Runs a call for a request whose file is ready, with the file made
 * O_NONBLOCK for the call (Linux's IOCB_NOWAIT first try), so no handler
 * puts the submitter to sleep, whoever runs the request (its own enter, or
 * the SQPOLL poller while it runs something else). EAGAIN from a file that
 * blocks parks the request again.
 */
function ready(k: Kernel, r: Req, need: number, name: string, a: number[]): Outcome {
  const w = notReady(r, need);
  if (w !== undefined) return w;
  const f = r.fd >= 0 ? r.p.files[r.fd] : undefined, blocking = f !== undefined && !(f.flags & O_NONBLOCK);
  if (blocking) f.flags |= O_NONBLOCK;
  let res: number;
  try { res = call(k, r, name, a); } finally { if (blocking) f.flags &= ~O_NONBLOCK; }
  if (res === BLOCK) { unwatch(r.p); if (r.p.state === 'sleeping' && k.current === undefined) k.unsleep(r.p); res = -EAGAIN; }
  const head = blocking ? f.pollHead() : undefined;
  return res === -EAGAIN && head !== undefined ? { head } : res;
}

/** READ_FIXED/WRITE_FIXED: [addr, addr + len) must lie inside registered buffer buf_index (EFAULT), as io_import_fixed checks. */
function inFixed(r: Req): boolean {
  const b = r.ring.buffers[r.bufIndex];
  return b !== undefined && r.addr >= b[0] && r.addr + r.len <= b[0] + b[1];
}

/** A read or write of one buffer: at the file's offset for off -1 or a file with none, else at off. */
function rw(k: Kernel, r: Req, write: boolean): Outcome {
  const f = r.fd >= 0 ? r.p.files[r.fd] : undefined;
  const at = f !== undefined && f.positional && r.off !== -1;
  if (r.off < -1) return -EINVAL;
  const a = at ? [r.fd, r.addr, r.len, r.off] : [r.fd, r.addr, r.len];
  return ready(k, r, write ? WRITABLE : READABLE, (write ? (at ? 'pwrite64' : 'write') : (at ? 'pread64' : 'read')), a);
}

/** READV/WRITEV: preadv2/pwritev2's entry, at off (-1: the file's offset), with rw_flags. */
function rwv(k: Kernel, r: Req, write: boolean): Outcome {
  const f = r.fd >= 0 ? r.p.files[r.fd] : undefined;
  const pos = f !== undefined && !f.positional ? -1 : r.off;
  return ready(k, r, write ? WRITABLE : READABLE, write ? 'pwritev2' : 'preadv2', [r.fd, r.addr, r.len, pos, 0, r.opFlags]);
}

/** The events POLL_ADD waits for that its file has now (POLL_32BITS: the whole poll32_events word; POLLERR and POLLHUP always). */
const polled = (r: Req, f: File) => f.poll() & (r.opFlags | POLLERR | POLLHUP);

const OPS: Record<number, (k: Kernel, r: Req) => Outcome> = {
  [OP.NOP]: () => 0,
  [OP.READV]: (k, r) => rwv(k, r, false),
  [OP.WRITEV]: (k, r) => rwv(k, r, true),
  [OP.READ]: (k, r) => rw(k, r, false),
  [OP.WRITE]: (k, r) => rw(k, r, true),
  [OP.READ_FIXED]: (k, r) => (inFixed(r) ? rw(k, r, false) : -EFAULT),
  [OP.WRITE_FIXED]: (k, r) => (inFixed(r) ? rw(k, r, true) : -EFAULT),
  [OP.FSYNC]: (k, r) => ((r.opFlags & ~IORING_FSYNC_DATASYNC) !== 0 ? -EINVAL : call(k, r, r.opFlags ? 'fdatasync' : 'fsync', [r.fd])),
  [OP.POLL_ADD]: (_k, r) => {
    const f = r.fd >= 0 ? r.p.files[r.fd] : undefined;
    if (f === undefined) return -EBADF;
    if (r.revents) return r.revents;
    const got = polled(r, f), head = f.pollHead();
    return got !== 0 || head === undefined ? got : { head };
  },
  [OP.TIMEOUT]: (k, r) => {
    if (r.until !== undefined) return { until: r.until, count: r.count! }; // a held timeout looked at again
    if (r.len !== 1 || (r.opFlags & ~IORING_TIMEOUT_ABS) !== 0) return -EINVAL;
    const ns = readTimeout(r.p, r.addr);
    if (ns === undefined) return -EFAULT;
    if (ns < 0) return ns;
    const now = k.hart.cycle, until = r.opFlags & IORING_TIMEOUT_ABS ? ns : deadline(now, ns);
    return { until, count: r.off > 0 ? r.ring.posted + r.off : Infinity };
  },
  [OP.OPENAT]: (k, r) => call(k, r, 'openat', [r.fd, r.addr, r.opFlags, r.len]),
  [OP.CLOSE]: (k, r) => call(k, r, 'close', [r.fd]),
  [OP.STATX]: (k, r) => call(k, r, 'statx', [r.fd, r.addr, r.opFlags, r.len, r.off]),
  [OP.ACCEPT]: (k, r) => ready(k, r, READABLE, 'accept4', [r.fd, r.addr, r.off, r.opFlags]),
  [OP.RECV]: (k, r) => ready(k, r, READABLE, 'recvfrom', [r.fd, r.addr, r.len, r.opFlags, 0, 0]),
  [OP.SEND]: (k, r) => ready(k, r, WRITABLE, 'sendto', [r.fd, r.addr, r.len, r.opFlags, 0, 0]),
  [OP.ASYNC_CANCEL]: (_k, r) => asyncCancel(r),
  [OP.LINK_TIMEOUT]: () => -EINVAL, // never run alone: the request before it carries it (Chain.linked)
};

const IORING_ASYNC_CANCEL_ALL = 1, IORING_ASYNC_CANCEL_FD = 2, IORING_ASYNC_CANCEL_ANY = 4;

/**
 * ASYNC_CANCEL: the in-flight request (parked on a file, or a TIMEOUT) whose
 * user_data is sqe.addr (with IORING_ASYNC_CANCEL_FD: whose fd is sqe.fd;
 * ANY: any) completes with -ECANCELED. 0, or with ALL or ANY how many;
 * ENOENT when none matched. Other cancel flags (FD_FIXED, OP, ...): EINVAL.
 */
function asyncCancel(r: Req): number {
  if ((r.opFlags & ~(IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ANY)) !== 0 || r.off !== 0) return -EINVAL;
  const all = (r.opFlags & (IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY)) !== 0;
  const match = (q: Req) => q !== r && (r.opFlags & IORING_ASYNC_CANCEL_ANY ? true
    : r.opFlags & IORING_ASYNC_CANCEL_FD ? !(q.flags & IOSQE_FIXED_FILE) && q.fd === r.fd : q.userData === r.key);
  let n = 0;
  for (const c of [...r.ring.inFlight]) {
    n += (c as Chain).cancelIf(match);
    if (n > 0 && !all) break;
  }
  return n === 0 ? -ENOENT : all ? n : 0;
}

/** LINK_TIMEOUT's own checks at submission: it must follow a linked request; len 1, only IORING_TIMEOUT_ABS, a readable timespec. */
function linkTimeoutPrep(r: Req, chain: readonly Req[]): number {
  if (chain.length === 0 || chain[chain.length - 1].op === OP.LINK_TIMEOUT) return -EINVAL;
  if (r.len !== 1 || (r.opFlags & ~IORING_TIMEOUT_ABS) !== 0) return -EINVAL;
  const ns = readTimeout(r.p, r.addr);
  if (ns === undefined) return -EFAULT;
  if (ns < 0) return ns;
  r.ns = ns;
  return 0;
}

/** Whether lde carries out opcode op (IORING_REGISTER_PROBE's answer). */
export const supported = (op: number) => OPS[op] !== undefined;

/**
 * The SQE's own checks at submission (io_init_req): an opcode lde does not
 * carry out, or unknown flags (BUFFER_SELECT), give EINVAL; a fixed file
 * with an opcode that takes none (OPENAT, CLOSE, STATX), EBADF. 0 when it
 * may run.
 */
export function prepError(r: Req): number {
  if (r.op >= IORING_OP_LAST || OPS[r.op] === undefined) return -EINVAL;
  if ((r.flags & ~SQE_FLAGS) !== 0) return -EINVAL; // BUFFER_SELECT: not in lde (docs/io-uring.md)
  return r.flags & IOSQE_FIXED_FILE && NO_FIXED.has(r.op) ? -EBADF : 0; // an index with no file: EBADF when it runs (io_assign_file)
}

/**
 * One try of a request (the first, or again once its file changed or its
 * deadline came). With IOSQE_FIXED_FILE, sqe.fd indexes the registered
 * files: the file is lent a descriptor past the process's last for the
 * try, so the call's own entry finds it.
 */
function issue(k: Kernel, r: Req): Outcome {
  k.work.items++;
  if (r.p.state === 'zombie') return -ECANCELED; // its submitter is gone
  if (!(r.flags & IOSQE_FIXED_FILE) || r.op === OP.NOP || r.op === OP.TIMEOUT) return OPS[r.op](k, r);
  const f = r.ring.files?.[r.fd];
  if (f === undefined) return -EBADF; // no file registered at that index
  const files = r.p.files, fd = files.length, index = r.fd;
  files[fd] = f;
  r.fd = fd;
  try { return OPS[r.op](k, r); } finally { r.fd = index; files.length = fd; }
}

/** A failed link: a negative result, or a short read or write (io_req_complete_failed / req_set_fail). */
function failed(r: Req, res: number): boolean {
  if (res < 0) return true;
  const rw = r.op === OP.READ || r.op === OP.WRITE || r.op === OP.READ_FIXED || r.op === OP.WRITE_FIXED || r.op === OP.RECV || r.op === OP.SEND;
  return rw && res !== r.len;
}

/**
 * A chain of linked requests in flight: each runs when the one before it
 * completes; a failed one (IOSQE_IO_LINK, not HARDLINK) completes the rest
 * with -ECANCELED.
 */
export class Chain implements InFlight {
  private at = 0;
  private parked: { head: PollHead; wake: () => void } | undefined;
  private charged = false;
  /** In run(): an ASYNC_CANCEL that it runs may not cancel its own chain. */
  private running = false;
  readonly drain: boolean;
  constructor(private readonly k: Kernel, private readonly ring: IoUring, private readonly reqs: Req[]) {
    this.drain = reqs.some((r) => r.flags & IOSQE_IO_DRAIN);
  }

  /** Held back by a drain (IOSQE_IO_DRAIN): queued on the ring, charged as a parked chain; ENOMEM for every request when kernel memory is out. */
  defer(): void {
    if (!this.charge()) return this.failAtSubmit(-ENOMEM);
    this.ring.deferred.push(this);
  }

  /** The chain's last request failed at submission: it and everything linked before it complete now (-ECANCELED for those). */
  failAtSubmit(res: number): void {
    const last = this.reqs.pop()!;
    for (const r of this.reqs) this.ring.post(r.userData, -ECANCELED);
    this.ring.post(last.userData, res);
    this.reqs.length = 0;
  }

  /** Runs the chain as far as it can go now; true when it is done. */
  run(): boolean {
    this.unpark();
    this.running = true;
    try { return this.go(); } finally { this.running = false; }
  }

  private go(): boolean {
    while (this.at < this.reqs.length) {
      const r = this.reqs[this.at], lt = this.linked(), now = this.k.hart.cycle;
      if (lt !== undefined && lt.until === undefined) lt.until = lt.opFlags & IORING_TIMEOUT_ABS ? lt.ns! : deadline(now, lt.ns!); // armed as r starts
      if (lt !== undefined && now >= lt.until!) { this.complete(r, -ECANCELED, -ETIME); continue; } // r took too long
      const o = issue(this.k, r);
      if (typeof o !== 'number') {
        if ('head' in o) { if (!this.park(o.head)) continue; return false; }
        if (this.k.hart.cycle < o.until && this.ring.posted < o.count) return this.hold(r, o.until, o.count);
        this.complete(r, this.k.hart.cycle >= o.until ? -ETIME : 0);
        continue;
      }
      this.complete(r, o);
    }
    this.release();
    return true;
  }

  /** The earliest deadline this chain waits for (a TIMEOUT, or the LINK_TIMEOUT of the request it waits on), or Infinity. */
  get until(): number {
    const r = this.reqs[this.at], lt = this.linked()?.until ?? Infinity;
    return Math.min(lt, r?.op === OP.TIMEOUT && r.until !== undefined ? r.until : Infinity);
  }

  /** The LINK_TIMEOUT right after the current request, which bounds it. */
  private linked(): Req | undefined {
    const r = this.reqs[this.at], next = this.reqs[this.at + 1];
    return next?.op === OP.LINK_TIMEOUT && r.flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK) ? next : undefined;
  }

  /** ASYNC_CANCEL: the request this chain waits on completes with -ECANCELED if it matches, and the chain goes on; 1 if it did. */
  cancelIf(match: (r: Req) => boolean): number {
    const r = this.reqs[this.at];
    if (r === undefined || this.running || !match(r)) return 0;
    this.unpark();
    this.complete(r, -ECANCELED);
    this.run();
    return 1;
  }

  private hold(r: Req, until: number, count: number): boolean {
    r.until = until; r.count = count;
    if (!this.charge()) { this.complete(r, -ENOMEM); return this.go(); }
    this.ring.inFlight.add(this);
    return false;
  }

  /** Parks on a file's head; false (with the request failed ENOMEM) when kernel memory is out. */
  private park(head: PollHead): boolean {
    if (!this.charge()) { this.complete(this.reqs[this.at], -ENOMEM); return false; }
    const r = this.reqs[this.at], f = r.op === OP.POLL_ADD ? fileOf(r) : undefined;
    const wake = () => {
      if (f !== undefined) { r.revents = polled(r, f); if (r.revents === 0) return; } // a poll completes with what woke it
      this.unpark();
      this.ring.woken.add(this);
      this.k.wake(this.ring.cqWait);
      this.ring.sqpoll?.wake(); // the poller retries it (Linux queues the retry as the sq thread's task work)
    };
    head.add(wake);
    this.parked = { head, wake };
    this.ring.inFlight.add(this);
    return true;
  }

  private unpark(): void { if (this.parked) { this.parked.head.remove(this.parked.wake); this.parked = undefined; } }

  private charge(): boolean {
    if (this.charged) return true;
    this.charged = this.k.kmem.charge(KMEM_REQ);
    return this.charged;
  }

  private release(): void {
    this.ring.inFlight.delete(this);
    if (this.charged) this.k.kmem.release(KMEM_REQ);
    this.charged = false;
  }

  /**
   * Posts request r's CQE and moves on; its LINK_TIMEOUT, if it has one,
   * completes with `timeout` (-ECANCELED: r finished in time; -ETIME: it did
   * not). A failed link cancels what follows it.
   */
  private complete(r: Req, res: number, timeout = -ECANCELED): void {
    const lt = this.linked();
    this.at += lt !== undefined ? 2 : 1;
    if (!(res >= 0 && r.flags & IOSQE_CQE_SKIP_SUCCESS)) this.ring.post(r.userData, res);
    if (lt !== undefined) this.ring.post(lt.userData, timeout);
    this.k.work.items++;
    if (failed(r, res) && (r.flags & IOSQE_IO_LINK) && !(r.flags & IOSQE_IO_HARDLINK)) {
      for (const rest of this.reqs.splice(this.at)) this.ring.post(rest.userData, -ECANCELED);
    }
  }

  /** The ring closes: nothing more runs or posts. */
  cancel(): void { this.unpark(); this.release(); this.reqs.length = 0; }
}

/** The request's file: a registered one with IOSQE_FIXED_FILE, else the process's descriptor. */
const fileOf = (r: Req): File | undefined => (r.flags & IOSQE_FIXED_FILE ? r.ring.files?.[r.fd] : r.fd >= 0 ? r.p.files[r.fd] : undefined);

/** Whether chain c must wait: behind chains already held back, or (IOSQE_IO_DRAIN) for everything before it, or for a drain in flight. */
function held(ring: IoUring, c: InFlight): boolean {
  return c.drain ? ring.inFlight.size > 0 : ring.draining !== undefined && ring.inFlight.has(ring.draining);
}

/** Runs a chain that may start; a drain chain that does not finish at once holds back those after it. */
function begin(ring: IoUring, c: InFlight): void { if (!c.run() && c.drain) ring.draining = c; }

/** Starts the chains held back by a drain, in order, as far as they may start now. */
function runDeferred(ring: IoUring): void {
  while (ring.deferred.length > 0 && !held(ring, ring.deferred[0])) begin(ring, ring.deferred.shift()!);
}

/** Takes up to n SQEs and runs them, a chain at a time; the number taken (io_submit_sqes). */
export function submit(k: Kernel, p: Process, ring: IoUring, n: number): number {
  n = Math.min(n, ring.sqEntries); // io_sqring_entries: never more than the SQ holds, whatever the tail says
  let taken = 0, chain: Req[] = [];
  const flush = () => {
    if (chain.length > 0) {
      const c = new Chain(k, ring, chain);
      if (ring.deferred.length > 0 || held(ring, c)) c.defer(); else begin(ring, c);
    }
    chain = [];
  };
  while (taken < n && ring.sqReady > 0) {
    const slot = ring.takeSqe();
    k.work.bytes += SQE.size;
    if (slot < 0) break; // dropped (counted in sq dropped): not submitted, and the submission ends, as io_submit_sqes does
    taken++;
    const r = readReq(p, ring, slot), bad = prepError(r) || (r.op === OP.LINK_TIMEOUT ? linkTimeoutPrep(r, chain) : 0);
    chain.push(r);
    if (bad !== 0) {
      new Chain(k, ring, chain).failAtSubmit(bad);
      chain = [];
      if (!(ring.setupFlags & IORING_SETUP_SUBMIT_ALL)) break;
    } else if (!(r.flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK))) flush();
  }
  flush(); // a link left open at the end of a submission is submitted as it is
  runDeferred(ring);
  return taken;
}

/** Runs what became runnable since the last pass: parked chains whose file changed, timeouts due. */
export function reap(k: Kernel, ring: IoUring): void {
  ring.flushOverflow();
  for (const c of [...ring.woken]) { ring.woken.delete(c); c.run(); }
  for (const c of [...ring.inFlight]) if (c.until !== Infinity) c.run();
  runDeferred(ring);
}
