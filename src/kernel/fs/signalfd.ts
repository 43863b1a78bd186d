// signalfd(2): the caller's pending signals in a mask, read as 128-byte
// signalfd_siginfo records instead of delivered (the program blocks them
// with sigprocmask, as on Linux, or they are delivered first). Like Linux's
// fs/signalfd.c it reads the signals of whoever reads or polls it.
//
// lde's signal code has no hook for "a blocked signal became pending", so a
// waiter on a signalfd with nothing pending looks again every
// SIGNALFD_RECHECK ns of virtual time (its pollDeadline) instead of being
// woken at once: a signal is seen up to that late. With no other live
// process and no alarm armed nothing can send one, and it waits for ever.

import type { SyscallDef } from '../abi/call.js';
import { FD, SIGSET, UL, fl } from '../abi/strace-args.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { File, O_NONBLOCK, wouldBlock, type StatInfo } from './file.js';
import { READABLE } from './poll.js';
import { ANON_STAT } from './eventfd.js';
import { UNBLOCKABLE, bit, type SigInfo } from '../signal/signal.js';
import { dequeueSignal, pendingOf } from '../signal/pending.js';
import { copyIn } from '../mm/uaccess.js';
import { EBADF, EFAULT, EINVAL } from '../errno.js';

const O_CLOEXEC = 0o2000000;
const SIGINFO_SIZE = 128;
/** How often a waiter on a signalfd looks for a new signal (virtual ns): Linux's 4 ms tick. */
export const SIGNALFD_RECHECK = 4_000_000;

/** struct signalfd_siginfo: ssi_signo, ssi_errno, ssi_code, ssi_pid, ssi_uid, ..., ssi_status at 40, ssi_ptr at 48, ssi_addr at 72. */
function siginfoRecord(sig: number, info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE), dv = new DataView(b.buffer);
  dv.setUint32(0, sig, true);
  dv.setInt32(8, info.code, true);
  dv.setUint32(12, info.pid ?? 0, true);
  if (info.status !== undefined) dv.setInt32(40, info.status, true);
  if (info.value !== undefined) { dv.setBigUint64(48, info.value, true); dv.setInt32(44, Number(BigInt.asIntN(32, info.value)), true); }
  if (info.addr !== undefined) dv.setBigUint64(72, BigInt.asUintN(64, BigInt(info.addr)), true);
  return b;
}

export class SignalFd extends File {
  constructor(private readonly k: Kernel, public mask: bigint, flags: number) { super(flags | 2); }

  /** As many records as fit in len (at least one: EINVAL below 128 bytes); waits for the first. */
  override read(len: number): Uint8Array | number {
    const p = this.k.current;
    if (len < SIGINFO_SIZE) return -EINVAL;
    const got: Uint8Array[] = [];
    for (let s; p !== undefined && got.length < Math.floor(len / SIGINFO_SIZE) && (s = dequeueSignal(p, this.mask)) !== undefined;) {
      got.push(siginfoRecord(...s));
    }
    if (got.length === 0) return wouldBlock(this.k, this);
    const out = new Uint8Array(got.length * SIGINFO_SIZE);
    got.forEach((r, i) => out.set(r, i * SIGINFO_SIZE));
    return out;
  }
  override unread(_bytes: Uint8Array, copied: number): number { return copied; }
  override poll(): number { const p = this.k.current; return p !== undefined && (pendingOf(p) & this.mask) !== 0n ? READABLE : 0; }
  /**
   * When to look again for a signal: in SIGNALFD_RECHECK while anything could
   * still send one (another live process, the caller's armed ITIMER_REAL);
   * never otherwise, so a lone waiter is a deadlock the kernel reports.
   */
  override pollDeadline(now: number): number {
    const p = this.k.current;
    if (p === undefined) return Infinity;
    this.k.work.items += this.k.procs.size;
    const others = [...this.k.procs.values()].some((q) => q !== p && q.state !== 'zombie');
    return others || p.alarmAt !== Infinity ? now + SIGNALFD_RECHECK : Infinity;
  }
  override stat(): StatInfo { return ANON_STAT; }
}

const SFD_FLAGS = x({ SFD_CLOEXEC: O_CLOEXEC, SFD_NONBLOCK: O_NONBLOCK });

function signalfd(k: Kernel, p: Process, fd: number, maskPtr: number, size: number, flags: number): number {
  if (size !== 8) return -EINVAL;
  const b = copyIn(p.as, maskPtr, 8);
  if (b === undefined) return -EFAULT;
  if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) return -EINVAL;
  const mask = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE;
  if (fd !== -1) {
    const f = fd >= 0 ? p.files[fd] : undefined;
    if (f === undefined) return -EBADF;
    if (!(f instanceof SignalFd)) return -EINVAL;
    f.mask = mask;
    return fd;
  }
  const nfd = p.allocFd(new SignalFd(k, mask, flags & O_NONBLOCK));
  if (nfd >= 0 && (flags & O_CLOEXEC)) p.cloexec.add(nfd);
  return nfd;
}

export const SIGNALFD_CALLS: SyscallDef[] = [
  // implements signalfd4(2): a new signalfd (fd -1) or a new mask for one
  { name: 'signalfd4', status: 'partial', restart: 'none',
    limits: `a waiter with nothing pending looks again every ${SIGNALFD_RECHECK / 1e6} ms of virtual time rather than being woken when a signal arrives; ` +
      'a signal whose default action is to ignore it (SIGCHLD, SIGURG, SIGWINCH) is discarded when generated even if blocked, so it never reaches a signalfd',
    args: [FD, SIGSET(2), UL, fl(SFD_FLAGS)],
    handler: (k, p, a) => signalfd(k, p, a[0] | 0, a[1], a[2], a[3]) },
];
