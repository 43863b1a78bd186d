// io_uring's three system calls (io_uring(7)): io_uring_setup makes the
// rings (fs/io-uring.ts) and reports where they are in io_uring_params;
// io_uring_enter takes up to to_submit SQEs, runs them (io-uring-ops.ts) and,
// with IORING_ENTER_GETEVENTS, sleeps until min_complete CQEs wait;
// io_uring_register registers buffers for READ_FIXED and WRITE_FIXED, and
// answers IORING_REGISTER_PROBE. The SQPOLL thread is io-uring-sqpoll.ts.

import type { SyscallDef } from '../abi/call.js';
import { FD, P, U, fl, out, xl } from '../abi/strace-args.js';
import {
  CQOFF, ENTER_FLAGS, IORING_ENTER_EXT_ARG, IORING_ENTER_GETEVENTS, IORING_ENTER_SQ_WAIT, IORING_ENTER_SQ_WAKEUP,
  IORING_FEAT_NODROP, IORING_FEAT_POLL_32BITS, IORING_FEAT_RW_CUR_POS, IORING_FEAT_SINGLE_MMAP, IORING_FEAT_SQPOLL_NONFIXED,
  IORING_FEAT_SUBMIT_STABLE, IORING_MAX_BUF_SIZE, IORING_MAX_CQ_ENTRIES, IORING_MAX_ENTRIES, IORING_MAX_REG_BUFFERS,
  IORING_MAX_FIXED_FILES, IORING_OP_LAST, IORING_REGISTER_BUFFERS, IORING_REGISTER_FILES, IORING_REGISTER_PROBE, IORING_SETUP_CLAMP, IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQSIZE, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_SQPOLL, IORING_SETUP_SQ_AFF,
  IORING_SETUP_SUBMIT_ALL, IORING_SETUP_TASKRUN_FLAG, IORING_UNREGISTER_BUFFERS, IORING_UNREGISTER_FILES, PARAMS,
  REGISTER_OPS, SQOFF, paramsText,
} from '../abi/io-uring.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { IoUring, RING } from '../fs/io-uring.js';
import { readTimeout, restoreMaskAfter, swapMask } from '../fs/poll.js';
import { TIME_END, deadline } from '../sched/timer.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { EBADF, EBUSY, EFAULT, EINTR, EINVAL, EMFILE, ENOMEM, ENXIO, EOPNOTSUPP, ETIME } from '../errno.js';
import type { File } from '../fs/file.js';
import { reap, submit, supported } from './io-uring-ops.js';
import { startSqpoll } from './io-uring-sqpoll.js';
import { accessOk } from './access.js';

const O_CLOEXEC = 0o2000000;
const SETUP_OK = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF | IORING_SETUP_SUBMIT_ALL |
  IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
const ENTER_OK = IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP | IORING_ENTER_SQ_WAIT | IORING_ENTER_EXT_ARG;
const FEATURES = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_SUBMIT_STABLE | IORING_FEAT_RW_CUR_POS |
  IORING_FEAT_POLL_32BITS | IORING_FEAT_SQPOLL_NONFIXED;

const pow2 = (n: number) => 2 ** Math.ceil(Math.log2(n));

function setup(k: Kernel, p: Process, entries: number, ptr: number): number {
  const b = accessOk(ptr, PARAMS.size) ? copyIn(p.as, ptr, PARAMS.size) : undefined;
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), flags = dv.getUint32(PARAMS.flags, true);
  for (let o = PARAMS.resv; o < PARAMS.sqOff; o += 4) if (dv.getUint32(o, true) !== 0) return -EINVAL;
  if ((flags & ~SETUP_OK) !== 0) return -EINVAL;
  if ((flags & IORING_SETUP_SQ_AFF) && !(flags & IORING_SETUP_SQPOLL)) return -EINVAL;
  const cpu = dv.getUint32(PARAMS.sqThreadCpu, true);
  if ((flags & IORING_SETUP_SQ_AFF) && cpu >= k.cpus.length) return -EINVAL; // a hart that does not exist (io_sq_offload_create)
  if ((flags & IORING_SETUP_DEFER_TASKRUN) && (!(flags & IORING_SETUP_SINGLE_ISSUER) || (flags & IORING_SETUP_SQPOLL))) return -EINVAL;
  entries >>>= 0;
  if (entries === 0) return -EINVAL;
  if (entries > IORING_MAX_ENTRIES) { if (!(flags & IORING_SETUP_CLAMP)) return -EINVAL; entries = IORING_MAX_ENTRIES; }
  const sq = pow2(entries);
  let cq = 2 * sq;
  if (flags & IORING_SETUP_CQSIZE) {
    cq = dv.getUint32(PARAMS.cqEntries, true);
    if (cq === 0) return -EINVAL;
    if (cq > IORING_MAX_CQ_ENTRIES) { if (!(flags & IORING_SETUP_CLAMP)) return -EINVAL; cq = IORING_MAX_CQ_ENTRIES; }
    cq = pow2(cq);
    if (cq < sq) return -EINVAL;
  }
  const ring = IoUring.create(p.as.frames, sq, cq, flags);
  if (ring === undefined) return -ENOMEM;
  const u32 = (o: number, v: number) => dv.setUint32(o, v, true);
  u32(PARAMS.sqEntries, sq); u32(PARAMS.cqEntries, cq); u32(PARAMS.features, FEATURES);
  const so = PARAMS.sqOff, co = PARAMS.cqOff;
  u32(so + SQOFF.head, RING.sqHead); u32(so + SQOFF.tail, RING.sqTail); u32(so + SQOFF.ringMask, RING.sqMask);
  u32(so + SQOFF.ringEntries, RING.sqEntries); u32(so + SQOFF.flags, RING.sqFlags); u32(so + SQOFF.dropped, RING.sqDropped);
  u32(so + SQOFF.array, ring.sqArray);
  u32(co + CQOFF.head, RING.cqHead); u32(co + CQOFF.tail, RING.cqTail); u32(co + CQOFF.ringMask, RING.cqMask);
  u32(co + CQOFF.ringEntries, RING.cqEntries); u32(co + CQOFF.overflow, RING.cqOverflow); u32(co + CQOFF.cqes, RING.cqes);
  u32(co + CQOFF.flags, RING.cqFlags);
  if (!copyOut(p.as, ptr, b)) { ring.close(); return -EFAULT; }
  const fd = p.allocFd(ring);
  if (fd < 0) { ring.close(); return fd; }
  p.cloexec.add(fd); // io_uring fds are always O_CLOEXEC
  if (flags & IORING_SETUP_SQPOLL) startSqpoll(k, p, ring, dv.getUint32(PARAMS.sqThreadIdle, true), flags & IORING_SETUP_SQ_AFF ? cpu : undefined);
  return fd;
}

/** What a waiting io_uring_enter keeps across its runs: what it submitted, its EXT_ARG deadline, and whether a handler interrupted it. */
const waits = new WeakMap<Process, { ring: IoUring; submitted: number; until: number; interrupted: boolean }>();

/** The wait's signal mask and timeout: IORING_ENTER_EXT_ARG's struct io_uring_getevents_arg, or the plain sigmask argument. */
function waitArgs(k: Kernel, p: Process, flags: number, argp: number, argsz: number): { mask: number; maskSize: number; until: number } | number {
  if (!(flags & IORING_ENTER_EXT_ARG)) return { mask: argp, maskSize: argsz, until: TIME_END };
  // struct io_uring_getevents_arg: sigmask (u64), sigmask_sz (u32), pad (u32), ts (u64).
  if (argsz !== 24) return -EINVAL;
  const b = copyIn(p.as, argp, 24);
  if (b === undefined) return -EFAULT;
  const v = new DataView(b.buffer), ns = readTimeout(p, Number(v.getBigUint64(16, true)));
  if (ns !== undefined && ns < 0) return ns;
  return { mask: Number(v.getBigUint64(0, true)), maskSize: v.getUint32(8, true), until: ns === undefined ? TIME_END : deadline(k.hart.cycle, ns) };
}

function enter(k: Kernel, p: Process, a: readonly number[]): number {
  const [fd, toSubmit, minComplete, flags, argp, argsz] = a;
  const ring = fd >= 0 ? p.files[fd] : undefined;
  if (ring === undefined) return -EBADF;
  if (!(ring instanceof IoUring)) return -EOPNOTSUPP;
  if ((flags & ~ENTER_OK) !== 0) return -EINVAL;
  const w = waits.get(p), rerun = p.sleepDeadline >= 0 && w !== undefined && w.ring === ring;
  p.sleepDeadline = -1;
  waits.delete(p);
  // A handler interrupted the wait (enterInterrupted): what was submitted, else 0 with CQEs waiting, else EINTR (io_cqring_wait).
  if (rerun && w.interrupted) return restoreMaskAfter(p, w.submitted > 0 ? w.submitted : ring.completions > 0 ? 0 : -EINTR);
  let submitted = 0, until = TIME_END;
  if (rerun) ({ submitted, until } = w);
  else {
    const args = waitArgs(k, p, flags, argp, argsz);
    if (typeof args === 'number') return args;
    until = args.until;
    if (ring.sqpoll !== undefined) {
      // The SQ belongs to the poller thread: to_submit is taken as submitted; SQ_WAKEUP wakes it (it runs when the scheduler runs it).
      if (flags & IORING_ENTER_SQ_WAKEUP) ring.sqpoll.wake();
      submitted = toSubmit >>> 0;
    } else {
      submitted = submit(k, p, ring, toSubmit >>> 0);
      if (submitted !== toSubmit >>> 0 && toSubmit >>> 0 !== 0) { reap(k, ring); return submitted; } // io_uring_enter: no wait after a short submission
    }
    const before = ring.posted;
    reap(k, ring);
    if (ring.posted !== before) k.wake(ring.cqWait);
    const want = Math.min(minComplete >>> 0, ring.cqEntries);
    if (!(flags & IORING_ENTER_GETEVENTS) || ring.completions >= want) return submitted;
    // It will wait: the signal mask for the wait goes in now (io_cqring_wait), and out when the call returns.
    const m = swapMask(p, args.mask, args.maskSize);
    if (m < 0) return submitted > 0 ? submitted : m;
  }
  if (rerun) {
    const before = ring.posted;
    reap(k, ring);
    if (ring.posted !== before) k.wake(ring.cqWait);
  }
  const want = Math.min(minComplete >>> 0, ring.cqEntries);
  if (ring.completions >= want) return restoreMaskAfter(p, submitted);
  if (k.hart.cycle >= until) return restoreMaskAfter(p, submitted > 0 ? submitted : -ETIME);
  let wake = until;
  for (const c of ring.inFlight) wake = Math.min(wake, c.until);
  waits.set(p, { ring, submitted, until, interrupted: false });
  p.sleepDeadline = wake; // marks a wait in progress: a handler's EINTR clears it
  return wake < TIME_END ? k.sleepOnUntil(p, ring.cqWait, wake) : k.sleepOn(p, ring.cqWait);
}

/**
 * A handler interrupts a waiting io_uring_enter: Linux returns what the call
 * submitted, not EINTR. The call runs once more after the handler (the
 * handler's frame has put the caller's own signal mask back) and returns that.
 */
function enterInterrupted(_k: Kernel, p: Process): boolean {
  const w = waits.get(p);
  if (w === undefined || p.sleepDeadline < 0) return false;
  w.interrupted = true;
  return true;
}

function registerBuffers(p: Process, ring: IoUring, arg: number, n: number): number {
  if (ring.buffers.length > 0) return -EBUSY;
  if (n === 0 || n > IORING_MAX_REG_BUFFERS) return -EINVAL;
  const b = accessOk(arg, n * 16) ? copyIn(p.as, arg, n * 16) : undefined;
  if (b === undefined) return -EFAULT;
  const v = new DataView(b.buffer), bufs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const base = Number(v.getBigUint64(i * 16, true)), len = Number(v.getBigUint64(i * 16 + 8, true));
    if (len === 0 || len > IORING_MAX_BUF_SIZE) return -EINVAL;
    p.as.frames.work.items++;
    if (!accessOk(base, len) || !p.as.list.covers(Math.floor(base / 4096) * 4096, Math.ceil((base + len) / 4096) * 4096)) return -EFAULT;
    bufs.push([base, len]);
  }
  ring.buffers = bufs;
  return 0;
}

/**
 * IORING_REGISTER_FILES: an array of n descriptors (-1: an empty slot); the
 * ring holds a reference to each file, for IOSQE_FIXED_FILE to name by index.
 * EBUSY when some are registered; EINVAL for none; EMFILE past
 * RLIMIT_NOFILE; EBADF for a bad descriptor or an io_uring (then nothing is
 * registered).
 */
function registerFiles(p: Process, ring: IoUring, arg: number, n: number): number {
  if (ring.files !== undefined) return -EBUSY;
  if (n === 0) return -EINVAL;
  if (n > IORING_MAX_FIXED_FILES || n > p.limit(7 /* RLIMIT_NOFILE */)) return -EMFILE;
  const b = accessOk(arg, n * 4) ? copyIn(p.as, arg, n * 4) : undefined;
  if (b === undefined) return -EFAULT;
  const v = new DataView(b.buffer), files: (File | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    p.as.frames.work.items++;
    const fd = v.getInt32(i * 4, true), f = fd >= 0 ? p.files[fd] : undefined;
    if (fd === -1) { files.push(undefined); continue; }
    if (f === undefined || f instanceof IoUring) return -EBADF;
    files.push(f);
  }
  for (const f of files) if (f !== undefined) f.refs++;
  ring.files = files;
  return 0;
}

/** IORING_REGISTER_PROBE: struct io_uring_probe (16 bytes) and n io_uring_probe_op (8 bytes each), zeroed by the caller. */
function probe(p: Process, arg: number, n: number): number {
  n = Math.min(n, 256);
  const size = 16 + n * 8, b = accessOk(arg, size) ? copyIn(p.as, arg, size) : undefined;
  if (b === undefined) return -EFAULT;
  if (b.some((x) => x !== 0)) return -EINVAL;
  b[0] = IORING_OP_LAST - 1; b[1] = Math.min(n, IORING_OP_LAST);
  for (let op = 0; op < b[1]; op++) { b[16 + op * 8] = op; if (supported(op)) b[16 + op * 8 + 2] = 1; }
  return copyOut(p.as, arg, b) ? 0 : -EFAULT;
}

function register(_k: Kernel, p: Process, fd: number, opcode: number, arg: number, n: number): number {
  const ring = fd >= 0 ? p.files[fd] : undefined;
  if (ring === undefined) return -EBADF;
  if (!(ring instanceof IoUring)) return -EOPNOTSUPP;
  n >>>= 0;
  switch (opcode) {
    case IORING_REGISTER_BUFFERS: return registerBuffers(p, ring, arg, n);
    case IORING_UNREGISTER_BUFFERS:
      if (arg !== 0 || n !== 0) return -EINVAL;
      if (ring.buffers.length === 0) return -ENXIO;
      ring.buffers = [];
      return 0;
    case IORING_REGISTER_FILES: return registerFiles(p, ring, arg, n);
    case IORING_UNREGISTER_FILES:
      if (arg !== 0 || n !== 0) return -EINVAL;
      if (ring.files === undefined) return -ENXIO;
      for (const f of ring.files) f?.drop();
      ring.files = undefined;
      return 0;
    case IORING_REGISTER_PROBE: return probe(p, arg, n);
    default: return -EINVAL; // eventfds, file updates and the rest: not in lde (docs/io-uring.md)
  }
}

export const IO_URING_CALLS: SyscallDef[] = [
  // implements io_uring_setup(2)
  { name: 'io_uring_setup', status: 'partial', restart: 'none', limits: 'no IOPOLL, SQE128/CQE32, NO_MMAP, R_DISABLED or ATTACH_WQ (EINVAL)',
    args: [U, out(paramsText)], handler: (k, p, a) => setup(k, p, a[0], a[1]) },
  // implements io_uring_enter(2)
  { name: 'io_uring_enter', status: 'partial', restart: 'ERESTARTNOHAND', limits: 'no registered ring fd (EINVAL)',
    args: [FD, U, U, fl(ENTER_FLAGS), P, U], handler: (k, p, a) => enter(k, p, a), interrupted: enterInterrupted },
  // implements io_uring_register(2)
  { name: 'io_uring_register', status: 'partial', restart: 'none', limits: 'buffers, files and probe only: the other opcodes give EINVAL',
    args: [FD, xl(REGISTER_OPS, 'IORING_REGISTER_???'), P, U], handler: (k, p, a) => register(k, p, a[0], a[1], a[2], a[3]) },
];
