// Signal and timer system calls. Delivery itself is Kernel.deliver (the frame
// layout is described in signal.ts).

import { NORETURN, type SyscallDef } from '../abi/call.js';
import { REM, SIG, SIGRETURN_FRAME, SIGSET, TS, UL, a, fl, out, sigtimedwaitResult, xl } from '../abi/strace-args.js';
import { itimerval, stackT } from '../abi/strace-structs.js';
import { sigaction as sigactionText, sigset } from '../abi/strace-signal.js';
import { CLOCKS, ITIMER, SIGHOW, x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { copyIn, copyOut, writeU64 } from '../mm/uaccess.js';
import { WaitQueue } from '../sched/wait.js';
import { KTIME_MAX, deadline } from '../sched/timer.js';
import { NS_PER_TIME, epochParts } from './clock.js';
import { SIG_DFL, SIG_IGN, UNBLOCKABLE, bit, ignoredByDefault, siginfoBytes } from '../signal/signal.js';
import { dequeueSignal, flushGroup, pendingOf, sigWaiting } from '../signal/pending.js';
import { retarget } from '../signal/sigpolicy.js';
import { siginfoAt } from '../abi/strace-signal.js';
import { EAGAIN, EFAULT, EINVAL, ENOSYS } from '../errno.js';

const SIGSET_SIZE = 8;
const SS_ONSTACK = 1, SS_DISABLE = 2, MINSIGSTKSZ = 2048;

function readSet(p: Process, ptr: number): bigint | undefined {
  const b = copyIn(p.as, ptr, 8);
  return b === undefined ? undefined : new DataView(b.buffer).getBigUint64(0, true);
}

/** Reads a timespec: [seconds, nanoseconds], or -EFAULT / -EINVAL. */
function readTimespec(p: Process, ptr: number): [number, number] | number {
  const b = copyIn(p.as, ptr, 16);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer);
  const s = Number(dv.getBigInt64(0, true)), ns = Number(dv.getBigInt64(8, true));
  if (s < 0 || ns < 0 || ns >= 1e9) return -EINVAL;
  return [s, ns];
}

/** Reads a timespec: nanoseconds, or -EFAULT / -EINVAL. */
function timespecNs(p: Process, ptr: number): number {
  const t = readTimespec(p, ptr);
  return typeof t === 'number' ? t : t[0] * 1e9 + t[1];
}

/**
 * A sleep until virtual cycle `deadline`, kept across the restarts of the
 * call. The deadline is rounded up to the clocksource's tick (sys/clock.ts),
 * so the clock read after the wake-up has reached it.
 */
function sleepTo(k: Kernel, p: Process, deadline: number): number {
  if (p.sleepDeadline < 0) p.sleepDeadline = Math.min(Math.ceil(deadline / NS_PER_TIME) * NS_PER_TIME, KTIME_MAX);
  if (k.hart.cycle >= p.sleepDeadline) { p.sleepDeadline = -1; return 0; }
  return k.sleepUntil(p, p.sleepDeadline);
}

function sigaction(k: Kernel, p: Process, sig: number, act: number, old: number, size: number): number {
  if (size !== SIGSET_SIZE || sig < 1 || sig > 64) return -EINVAL;
  if (act !== 0 && (bit(sig) & UNBLOCKABLE)) return -EINVAL;
  const cur = p.sigActions[sig];
  if (old !== 0) {
    const b = new Uint8Array(24), dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(cur.handler), true);
    dv.setBigUint64(8, BigInt(cur.flags >>> 0), true);
    dv.setBigUint64(16, cur.mask, true);
    if (!copyOut(p.as, old, b)) return -EFAULT;
  }
  if (act !== 0) {
    const b = copyIn(p.as, act, 24);
    if (b === undefined) return -EFAULT;
    const dv = new DataView(b.buffer);
    p.sigActions[sig] = { handler: Number(dv.getBigUint64(0, true)), flags: Number(dv.getBigUint64(8, true) & 0xffffffffn), mask: dv.getBigUint64(16, true) & ~UNBLOCKABLE };
    // An action that ignores sig discards it where it is pending, blocked or not, in every thread (signal(7); Linux's sig_handler_ignored).
    const h = p.sigActions[sig].handler;
    if (h === SIG_IGN || (h === SIG_DFL && ignoredByDefault(sig))) flushGroup(p, bit(sig));
  }
  return 0;
}

function itimer(k: Kernel, p: Process, which: number, value: number, old: number): number {
  if (which !== 0) return which === 1 || which === 2 ? -ENOSYS : -EINVAL; // ITIMER_REAL only
  const now = k.hart.cycle;
  const us = (ns: number) => [Math.floor(ns / 1e9), Math.floor((ns % 1e9) / 1000)];
  if (old !== 0) {
    const left = p.alarmAt === Infinity ? 0 : Math.max(1000, p.alarmAt - now);
    const b = new Uint8Array(32), dv = new DataView(b.buffer);
    [...us(p.alarmInterval), ...us(left)].forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
    if (!copyOut(p.as, old, b)) return -EFAULT;
  }
  if (value !== 0) {
    const b = copyIn(p.as, value, 32);
    if (b === undefined) return -EFAULT;
    const dv = new DataView(b.buffer);
    const f = (i: number) => Number(dv.getBigInt64(i * 8, true));
    if (f(1) < 0 || f(1) >= 1e6 || f(3) < 0 || f(3) >= 1e6 || f(0) < 0 || f(2) < 0) return -EINVAL;
    // Each timeval becomes a ktime_t, clamped to KTIME_MAX (kernel/time/itimer.c do_setitimer, ktime_set),
    // so getitimer after setitimer(LONG_MAX s) reports 9223372036.854775 s, as Linux does.
    const interval = Math.min(f(0) * 1e9 + f(1) * 1000, KTIME_MAX), first = f(2) * 1e9 + f(3) * 1000;
    k.setAlarm(p, first === 0 ? Infinity : deadline(now, first), interval);
  }
  return 0;
}

/**
 * rt_sigtimedwait: a pending signal of set is taken and its number
 * returned; else the thread sleeps (pending.ts sigWaiting: a signal of set
 * wakes it and is not delivered) until one comes (the call runs again and
 * takes it), the timeout passes (EAGAIN), or a handler runs (EINTR).
 */
function sigtimedwait(k: Kernel, p: Process, setPtr: number, infoPtr: number, timeout: number, size: number): number {
  const again = p.inBlockedCall;
  if (size !== SIGSET_SIZE) return -EINVAL;
  const raw = readSet(p, setPtr);
  if (raw === undefined) return -EFAULT;
  const set = raw & ~UNBLOCKABLE;
  if (!again) {
    p.sleepDeadline = -1;
    const ns = timeout === 0 ? Infinity : timespecNs(p, timeout);
    if (ns < 0) return ns;
    p.sleepDeadline = ns === Infinity ? -1 : deadline(k.hart.cycle, ns);
  }
  const got = dequeueSignal(p, set);
  const until = p.sleepDeadline;
  if (got !== undefined || (until >= 0 && k.hart.cycle >= until)) {
    sigWaiting(p, undefined);
    p.sleepDeadline = -1;
    if (got === undefined) return -EAGAIN;
    if (infoPtr !== 0 && !copyOut(p.as, infoPtr, siginfoBytes(got[0], got[1]))) return -EFAULT;
    return got[0];
  }
  sigWaiting(p, set);
  return until < 0 ? k.sleepOn(p, new WaitQueue()) : k.sleepOnUntil(p, new WaitQueue(), until);
}

export const SIGNAL_CALLS: SyscallDef[] = [
  // implements rt_sigaction(2)
  { name: 'rt_sigaction', status: 'full', restart: 'none', args: [SIG, a(sigactionText), out(sigactionText), UL],
    handler: (k, p, a) => sigaction(k, p, a[0], a[1], a[2], a[3]) },
  // implements rt_sigprocmask(2)
  { name: 'rt_sigprocmask', status: 'full', restart: 'none',
    args: [xl(SIGHOW, 'SIG_???'), SIGSET(3), out((c, n) => sigset(c, n, c.a[3])), UL],
    handler: (k, p, a) => {
    if (a[3] !== SIGSET_SIZE) return -EINVAL;
    const old = p.sigMask;
    if (a[1] !== 0) {
      const set = readSet(p, a[1]);
      if (set === undefined) return -EFAULT;
      if (a[0] === 0) p.sigMask |= set; else if (a[0] === 1) p.sigMask &= ~set; else if (a[0] === 2) p.sigMask = set; else return -EINVAL;
      p.sigMask &= ~UNBLOCKABLE;
      retarget(k, p, p.sigMask & ~old);
    }
    if (a[2] !== 0 && !writeU64(p.as, a[2], old)) return -EFAULT;
    return 0;
  } },
  // implements rt_sigpending(2)
  { name: 'rt_sigpending', status: 'full', restart: 'none', args: [out((c, n) => sigset(c, n, c.a[1])), UL],
    handler: (_k, p, a) => (a[1] !== SIGSET_SIZE ? -EINVAL : writeU64(p.as, a[0], pendingOf(p) & p.sigMask) ? 0 : -EFAULT) },
  // implements rt_sigsuspend(2): waits with a temporary mask until a handler runs; always -EINTR
  { name: 'rt_sigsuspend', status: 'full', restart: 'ERESTARTNOHAND', args: [SIGSET(1), UL],
    handler: (k, p, a) => {
    if (a[1] !== SIGSET_SIZE) return -EINVAL;
    const set = readSet(p, a[0]);
    if (set === undefined) return -EFAULT;
    if (p.restoreMask === undefined) p.restoreMask = p.sigMask;
    p.sigMask = set & ~UNBLOCKABLE;
    return k.sleepOn(p, new WaitQueue());
  } },
  // implements rt_sigtimedwait(2) (sigwait, sigwaitinfo, sigtimedwait): takes a pending signal of the set, the thread's own first, then its group's
  { name: 'rt_sigtimedwait', status: 'full', restart: 'none', args: [SIGSET(3), out(siginfoAt), TS, UL], result: sigtimedwaitResult,
    handler: (k, p, a) => sigtimedwait(k, p, a[0], a[1], a[2], a[3]) },
  // implements rt_sigreturn(2): the return path of every handler, through the signal trampoline page
  { name: 'rt_sigreturn', status: 'full', restart: 'none', args: [SIGRETURN_FRAME],
    handler: (k, p) => { k.sigreturn(p); return NORETURN; } },
  // implements sigaltstack(2)
  { name: 'sigaltstack', status: 'full', restart: 'none', args: [a(stackT), out(stackT)],
    handler: (_k, p, a) => {
    if (a[1] !== 0) {
      const cur = p.altStack;
      const b = new Uint8Array(24), dv = new DataView(b.buffer);
      dv.setBigUint64(0, BigInt(cur.sp), true); dv.setInt32(8, p.onAltStack() ? SS_ONSTACK : cur.flags, true); dv.setBigUint64(16, BigInt(cur.size), true);
      if (!copyOut(p.as, a[1], b)) return -EFAULT;
    }
    if (a[0] !== 0) {
      if (p.onAltStack()) return -1; // EPERM: cannot change the stack one is running on
      const b = copyIn(p.as, a[0], 24);
      if (b === undefined) return -EFAULT;
      const dv = new DataView(b.buffer);
      const flags = dv.getInt32(8, true), size = Number(dv.getBigUint64(16, true));
      if ((flags & ~(SS_DISABLE | SS_ONSTACK)) !== 0) return -EINVAL;
      if (!(flags & SS_DISABLE) && size < MINSIGSTKSZ) return -12; // ENOMEM, as Linux
      p.altStack = flags & SS_DISABLE ? { sp: 0, size: 0, flags: SS_DISABLE } : { sp: Number(dv.getBigUint64(0, true)), size, flags: 0 };
    }
    return 0;
  } },
  // implements nanosleep(2)
  { name: 'nanosleep', status: 'full', restart: 'ERESTART_RESTARTBLOCK', args: [TS, REM],
    handler: (k, p, a) => {
    if (p.sleepDeadline >= 0) return sleepTo(k, p, p.sleepDeadline);
    const ns = timespecNs(p, a[0]);
    return ns < 0 ? ns : sleepTo(k, p, deadline(k.hart.cycle, ns));
  } },
  // implements clock_nanosleep(2): relative or TIMER_ABSTIME
  { name: 'clock_nanosleep', status: 'full', restart: 'ERESTART_RESTARTBLOCK',
    args: [xl(CLOCKS), fl(x({ TIMER_ABSTIME: 1 })), TS, REM],
    handler: (k, p, a) => {
    if (a[0] < 0 || a[0] > 11 || (a[1] & ~1) !== 0) return -EINVAL;
    if (p.sleepDeadline >= 0) return sleepTo(k, p, p.sleepDeadline);
    const t = readTimespec(p, a[2]);
    if (typeof t === 'number') return t;
    if (a[1] !== 1) return sleepTo(k, p, deadline(k.hart.cycle, t[0] * 1e9 + t[1]));
    // TIMER_ABSTIME: a CLOCK_REALTIME time less the epoch, seconds and nanoseconds apart (exact past 2^53 ns).
    const [es, ens] = a[0] === 0 || a[0] === 5 ? epochParts(k) : [0, 0];
    return sleepTo(k, p, Math.max(0, Math.min((t[0] - es) * 1e9 + (t[1] - ens), KTIME_MAX)));
  } },
  // implements setitimer(2) and getitimer(2) for ITIMER_REAL (alarm(3) uses it)
  { name: 'setitimer', status: 'partial', restart: 'none',
    limits: 'ITIMER_REAL only; ITIMER_VIRTUAL and ITIMER_PROF give ENOSYS',
    args: [xl(ITIMER, 'ITIMER_???'), a(itimerval), out(itimerval)],
    handler: (k, p, a) => itimer(k, p, a[0], a[1], a[2]) },
  { name: 'getitimer', status: 'partial', restart: 'none',
    limits: 'ITIMER_REAL only; ITIMER_VIRTUAL and ITIMER_PROF give ENOSYS',
    args: [xl(ITIMER, 'ITIMER_???'), out(itimerval)],
    handler: (k, p, a) => itimer(k, p, a[0], 0, a[1]) },
];

