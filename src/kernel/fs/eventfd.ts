// eventfd(2): a 64-bit counter behind a file descriptor. write adds to it
// (waiting while the sum would pass 0xfffffffffffffffe), read takes all of
// it, or 1 with EFD_SEMAPHORE (waiting while it is 0). Linux: fs/eventfd.c.

import type { SyscallDef } from '../abi/call.js';
import { U, fl } from '../abi/strace-args.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import { File, O_NONBLOCK, wouldBlock, type StatInfo } from './file.js';
import { PollHead, READABLE, WRITABLE } from './poll.js';
import { EINVAL } from '../errno.js';

const EFD_SEMAPHORE = 1, O_CLOEXEC = 0o2000000;
const MAX = 0xfffffffffffffffen;

export class EventFd extends File {
  readonly head = new PollHead();
  constructor(private readonly k: Kernel, private count: bigint, private readonly semaphore: boolean, flags: number) { super(flags | 2); }

  /** 8 bytes: the counter (then 0), or 1 (then one less) in semaphore mode; EINVAL for a smaller buffer. */
  override read(len: number): Uint8Array | number {
    if (len < 8) return -EINVAL;
    if (this.count === 0n) return wouldBlock(this.k, this);
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    this.head.notify();
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return b;
  }
  /** A value read and consumed stays consumed even when the user's buffer faults (eventfd_read copies after). */
  override unread(_bytes: Uint8Array, copied: number): number { return copied; }

  /** Adds an 8-byte value; EINVAL for a shorter write or 2^64 - 1. */
  override write(bytes: Uint8Array): number {
    if (bytes.length < 8) return -EINVAL;
    const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffffffffffffffffn) return -EINVAL;
    if (this.count + v > MAX) return wouldBlock(this.k, this);
    this.count += v;
    if (v !== 0n) this.head.notify();
    return 8;
  }

  override poll(): number { return (this.count > 0n ? READABLE : 0) | (this.count < MAX ? WRITABLE : 0); }
  override pollHead(): PollHead { return this.head; }
  override stat(): StatInfo { return ANON_STAT; }
}

/** The anonymous inode every eventfd, timerfd, signalfd and epoll reports (mode 0600, no type bits, as Linux's anon_inode). */
export const ANON_STAT: StatInfo = { mode: 0o600, size: 0, ino: 1, rdev: 0, mtimeMs: 0 };

export const EVENTFD_CALLS: SyscallDef[] = [
  // implements eventfd2(2): EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC
  { name: 'eventfd2', status: 'full', restart: 'none',
    args: [U, fl(x({ EFD_SEMAPHORE, EFD_NONBLOCK: O_NONBLOCK, EFD_CLOEXEC: O_CLOEXEC }))],
    handler: (k, p, a) => {
    if ((a[1] & ~(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC)) !== 0) return -EINVAL;
    const fd = p.allocFd(new EventFd(k, BigInt(a[0] >>> 0), (a[1] & EFD_SEMAPHORE) !== 0, a[1] & O_NONBLOCK));
    if (fd >= 0 && (a[1] & O_CLOEXEC)) p.cloexec.add(fd);
    return fd;
  } },
];
