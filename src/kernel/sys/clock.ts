// The clocks: clock_gettime, clock_getres and gettimeofday, and the base
// values the vDSO's data page holds (mm/vdso.ts, docs/vdso.md).
//
// One clocksource serves both ways in: the machine's time CSR (mtime, 10 MHz),
// as on riscv64 Linux. CLOCK_MONOTONIC is time * 100 ns, read here through
// the hart's port and in the vDSO with rdtime, so a program that mixes the
// ecall and the vDSO never sees its clock go back. CLOCK_REALTIME adds the
// epoch, kept as (seconds, nanoseconds) so it stays exact past 2^53 ns.
// The CPU-time clocks count cycles (1 ns each) and are the kernel's only.

import type { SyscallDef } from '../abi/call.js';
import { out, xl } from '../abi/strace-args.js';
import { timespec as timespecText, timeval, timezone } from '../abi/strace-structs.js';
import { CLOCKS } from '../abi/abi-names.js';
import { copyOut } from '../mm/uaccess.js';
import type { ClockBase } from '../mm/vdso.js';
import { EFAULT, EINVAL } from '../errno.js';
import type { Kernel } from '../kernel.js';
import { CYCLES_PER_TICK } from '../../machine/index.js';

/** Nanoseconds per tick of the time CSR (1 cycle is 1 ns). */
export const NS_PER_TIME = CYCLES_PER_TICK;

/**
 * Two 64-bit little-endian integers (a timespec or timeval), in one buffer
 * reused by every call: copyOut copies it at once. Written as 32-bit halves,
 * with no BigInt: BigInt and DataView.setBigInt64 took 1.7 µs of host time
 * per call, more than the rest of the system call (docs/vdso.md, "--realtime").
 */
const pairBuf = new Int32Array(4), pairBytes = new Uint8Array(pairBuf.buffer);
const pair = (a: number, b: number): Uint8Array => {
  pairBuf[0] = a % 4294967296; pairBuf[1] = Math.floor(a / 4294967296);
  pairBuf[2] = b % 4294967296; pairBuf[3] = Math.floor(b / 4294967296);
  return pairBytes;
};

/** The epoch (CLOCK_REALTIME - CLOCK_MONOTONIC) as whole seconds and nanoseconds. */
export function epochParts(k: Kernel): [number, number] {
  const sec = Math.floor(k.epochNs / 1e9);
  return [sec, Math.min(999_999_999, Math.round(k.epochNs - sec * 1e9))];
}

/** CLOCK_MONOTONIC now on the current hart, in ns: the clocksource's reading. */
export function monoNs(k: Kernel): number { return k.hart.mtime() * NS_PER_TIME; }

/** CLOCK_REALTIME now as (seconds, nanoseconds). */
function realtime(k: Kernel): [number, number] {
  const mono = monoNs(k), [es, ens] = epochParts(k);
  let sec = Math.floor(mono / 1e9) + es, nsec = mono % 1e9 + ens;
  if (nsec >= 1e9) { nsec -= 1e9; sec++; }
  return [sec, nsec];
}

/** The values the vDSO's data page holds: the clock at the current time CSR reading. */
export function clockBase(k: Kernel): ClockBase {
  const [realSec, realNsec] = epochParts(k), now = k.hart.mtime();
  return { cycleLast: now, mult: NS_PER_TIME, shift: 0, monoNs: now * NS_PER_TIME, realSec, realNsec };
}

export const CLOCK_CALLS: SyscallDef[] = [
  // implements clock_gettime(2): the clocksource for the wall and monotonic clocks, cycles for CPU time
  { name: 'clock_gettime', status: 'full', restart: 'none', args: [xl(CLOCKS), out(timespecText)],
    handler: (k, p, a) => {
    if (a[0] < 0 || a[0] > 11) return -EINVAL;
    let ts: [number, number];
    if (a[0] === 2 || a[0] === 3) {
      // CLOCK_PROCESS_CPUTIME_ID (2): the CPU time of the group's live threads; CLOCK_THREAD_CPUTIME_ID (3): the caller's.
      const others = a[0] === 2 ? p.group.threads.reduce((n, t) => (t === p ? n : n + t.utime + t.stime), 0) : 0;
      const ns = others + p.utime + p.stime + (k.hart.cycle - p.userSince);
      ts = [Math.floor(ns / 1e9), ns % 1e9];
    } else if (a[0] === 0 || a[0] === 5) ts = realtime(k);
    else { const ns = monoNs(k); ts = [Math.floor(ns / 1e9), ns % 1e9]; }
    return copyOut(p.as, a[1], pair(ts[0], ts[1])) ? 0 : -EFAULT;
  } },
  // implements clock_getres(2)
  { name: 'clock_getres', status: 'full', restart: 'none', args: [xl(CLOCKS), out(timespecText)],
    handler: (_k, p, a) => {
    if (a[0] < 0 || a[0] > 11) return -EINVAL;
    return a[1] === 0 || copyOut(p.as, a[1], pair(0, 1)) ? 0 : -EFAULT;
  } },
  // implements gettimeofday(2): the time zone, when asked, is UTC's (sys_tz is never set)
  { name: 'gettimeofday', status: 'full', restart: 'none', args: [out(timeval), out(timezone)],
    handler: (k, p, a) => {
    const [sec, nsec] = realtime(k);
    if (a[0] !== 0 && !copyOut(p.as, a[0], pair(sec, Math.floor(nsec / 1000)))) return -EFAULT;
    return a[1] === 0 || copyOut(p.as, a[1], new Uint8Array(8)) ? 0 : -EFAULT;
  } },
];
