// timerfd(2): a timer read through a file descriptor. Its expirations are
// counted lazily from virtual time: whoever looks (read, poll, gettime, a
// waiter's deadline) settles the count first, and a waiter's sleep ends at
// the next expiry through File.pollDeadline (poll.ts), so no kernel timer
// is needed. Linux: fs/timerfd.c.

import type { SyscallDef } from '../abi/call.js';
import { FD, a, fl, out, xl } from '../abi/strace-args.js';
import { struct } from '../abi/strace-mem.js';
import { CLOCKS, x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { File, O_NONBLOCK, wouldBlock, type StatInfo } from './file.js';
import { PollHead, READABLE } from './poll.js';
import { ANON_STAT } from './eventfd.js';
import { KTIME_MAX } from '../sched/timer.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { EBADF, EFAULT, EINVAL } from '../errno.js';

const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2, O_CLOEXEC = 0o2000000;
const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;
const CLOCK_IDS = [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM];

export class TimerFd extends File {
  readonly head = new PollHead();
  /** The virtual cycle of the next expiry (Infinity: disarmed), the period (0: one-shot), the expirations not yet read. */
  private next = Infinity;
  private interval = 0;
  private ticks = 0n;

  constructor(private readonly k: Kernel, readonly clock: number, flags: number) { super(flags); }

  /** Counts the expirations up to now and moves `next` past now; tells the waiters when there were any. */
  private settle(): void {
    const now = this.k.hart.cycle;
    if (this.next > now) return;
    const n = this.interval > 0 ? 1 + Math.floor((now - this.next) / this.interval) : 1;
    this.ticks += BigInt(n);
    this.next = this.interval > 0 ? Math.min(this.next + n * this.interval, KTIME_MAX) : Infinity;
    this.head.notify();
  }

  /** CLOCK_REALTIME's offset from virtual cycles (the fixed or --realtime epoch); 0 for the monotonic clocks. */
  private get base(): number { return this.clock === CLOCK_REALTIME || this.clock === CLOCK_REALTIME_ALARM ? this.k.epochNs : 0; }

  /** [interval, value left] in ns, as timerfd_gettime reports them. */
  get(): [number, number] {
    this.settle();
    return [this.interval, this.next === Infinity ? 0 : this.next - this.k.hart.cycle];
  }

  /** Arms (value > 0) or disarms the timer; the unread expirations are dropped, as timerfd_settime does. */
  set(abs: boolean, interval: number, value: number): void {
    this.ticks = 0n;
    this.interval = interval;
    const now = this.k.hart.cycle;
    this.next = value === 0 ? Infinity : abs ? value - this.base : Math.min(now + value, KTIME_MAX); // a time past counts its missed periods
    this.head.notify();
  }

  /** The expirations since the last read, as 8 bytes; EINVAL for a smaller buffer. */
  override read(len: number): Uint8Array | number {
    if (len < 8) return -EINVAL;
    this.settle();
    if (this.ticks === 0n) return wouldBlock(this.k, this);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, this.ticks, true);
    this.ticks = 0n;
    return b;
  }
  override unread(_bytes: Uint8Array, copied: number): number { return copied; }
  override poll(): number { this.settle(); return this.ticks > 0n ? READABLE : 0; }
  override pollHead(): PollHead { return this.head; }
  override pollDeadline(_now: number): number { return this.next; }
  override stat(): StatInfo { return ANON_STAT; }
}

/** Reads an itimerspec as [interval, value] in ns; -EFAULT, or -EINVAL for a field out of range. */
function readItimerspec(p: Process, ptr: number): [number, number] | number {
  const b = copyIn(p.as, ptr, 32);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), f = (i: number) => dv.getBigInt64(i * 8, true);
  for (const i of [0, 2]) if (f(i) < 0n || f(i + 1) < 0n || f(i + 1) >= 1_000_000_000n) return -EINVAL;
  const ns = (i: number) => Math.min(Number(f(i)) * 1e9 + Number(f(i + 1)), KTIME_MAX);
  return [ns(0), ns(2)];
}

function writeItimerspec(p: Process, ptr: number, [interval, value]: [number, number]): boolean {
  const b = new Uint8Array(32), dv = new DataView(b.buffer);
  [interval, value].forEach((ns, i) => {
    dv.setBigInt64(i * 16, BigInt(Math.floor(ns / 1e9)), true);
    dv.setBigInt64(i * 16 + 8, BigInt(ns % 1e9), true);
  });
  return copyOut(p.as, ptr, b);
}

function timerfdOf(p: Process, fd: number): TimerFd | number {
  const f = fd >= 0 ? p.files[fd] : undefined;
  return f === undefined ? -EBADF : f instanceof TimerFd ? f : -EINVAL;
}

function settime(p: Process, fd: number, flags: number, value: number, old: number): number {
  const v = readItimerspec(p, value);
  if (typeof v === 'number') return v;
  if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) !== 0) return -EINVAL;
  const t = timerfdOf(p, fd);
  if (typeof t === 'number') return t;
  const before = t.get();
  t.set((flags & TFD_TIMER_ABSTIME) !== 0, v[0], v[1]);
  return old === 0 || writeItimerspec(p, old, before) ? 0 : -EFAULT;
}

const ts = (d: DataView, at: number) => `{tv_sec=${d.getBigInt64(at, true)}, tv_nsec=${d.getBigInt64(at + 8, true)}}`;
const itimerspec = (c: Parameters<typeof struct>[0], va: number) => struct(c, va, 32, (d) => `{it_interval=${ts(d, 0)}, it_value=${ts(d, 16)}}`);

const TFD_FLAGS = x({ TFD_CLOEXEC: O_CLOEXEC, TFD_NONBLOCK: O_NONBLOCK });

export const TIMERFD_CALLS: SyscallDef[] = [
  // implements timerfd_create(2): CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME (the _ALARM clocks as their bases)
  { name: 'timerfd_create', status: 'full', restart: 'none', args: [xl(CLOCKS), fl(TFD_FLAGS)],
    handler: (k, p, a) => {
    if ((a[1] & ~(O_CLOEXEC | O_NONBLOCK)) !== 0 || !CLOCK_IDS.includes(a[0] | 0)) return -EINVAL;
    const fd = p.allocFd(new TimerFd(k, a[0] | 0, a[1] & O_NONBLOCK));
    if (fd >= 0 && (a[1] & O_CLOEXEC)) p.cloexec.add(fd);
    return fd;
  } },
  // implements timerfd_settime(2): relative or TFD_TIMER_ABSTIME, with an interval
  { name: 'timerfd_settime', status: 'partial', restart: 'none',
    limits: 'TFD_TIMER_CANCEL_ON_SET is accepted; the clock is never set, so it never cancels',
    args: [FD, fl(x({ TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET })), a(itimerspec), out(itimerspec)],
    handler: (_k, p, a) => settime(p, a[0] | 0, a[1], a[2], a[3]) },
  // implements timerfd_gettime(2)
  { name: 'timerfd_gettime', status: 'full', restart: 'none', args: [FD, out(itimerspec)],
    handler: (_k, p, a) => {
    const t = timerfdOf(p, a[0] | 0);
    return typeof t === 'number' ? t : writeItimerspec(p, a[1], t.get()) ? 0 : -EFAULT;
  } },
];
