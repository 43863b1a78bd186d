// Waiting for many descriptors: ppoll and pselect6 (riscv64 has neither
// poll nor select: glibc's poll, select and pselect call these). The sleep
// itself, the deadline and the signal-mask swap are fs/poll.ts's; this file
// reads the arguments in Linux's order (fs/select.c do_ppoll,
// core_sys_select) and turns readiness into revents or fd_set bits.

import type { SyscallDef } from '../abi/call.js';
import { BLOCK } from '../abi/call.js';
import { SIGSET, TS, U, UL, I, a, fdset, pollfds, ppollResult, pselectResult } from '../abi/strace-args.js';
import { struct, u64at } from '../abi/strace-mem.js';
import { sigset } from '../abi/strace-signal.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { File } from '../fs/file.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDBAND, POLLRDNORM, POLLWRBAND, POLLWRNORM,
  readTimeout, restoreMaskAfter, swapMask, waitReady } from '../fs/poll.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { EBADF, EFAULT, EINVAL } from '../errno.js';

/** Writes the time left back into the caller's timespec, as Linux's poll_select_finish does (a fault there is ignored). */
function writeLeft(p: Process, ptr: number, left: number): void {
  const b = new Uint8Array(16), dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(left / 1e9)), true);
  dv.setBigInt64(8, BigInt(left % 1e9), true);
  copyOut(p.as, ptr, b);
}

/** The run of one waiting call: its files, its scan, and where the time left goes. */
type Run = (timeoutNs: number | undefined, left: (ns: number) => void) => number;

/** A waiting call's common frame: the timeout, the mask swap, the run, then the mask and the timespec after. */
function waiting(p: Process, tsp: number, mask: number, maskSize: number, run: Run): number {
  const t = readTimeout(p, tsp);
  if (t !== undefined && t < 0) return t;
  const m = swapMask(p, mask, maskSize);
  if (m < 0) return m;
  const r = run(t, (ns) => { if (t !== undefined && t > 0) writeLeft(p, tsp, ns); });
  return restoreMaskAfter(p, r);
}

/** ppoll's body after the timeout and mask: the pollfd array, scanned until an entry is ready. */
function ppoll(k: Kernel, p: Process, fds: number, nfds: number, t: number | undefined, left: (ns: number) => void): number {
  if (nfds > p.limit(7)) return -EINVAL; // RLIMIT_NOFILE
  const b = nfds === 0 ? new Uint8Array(0) : copyIn(p.as, fds, nfds * 8);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer);
  const files: File[] = [];
  for (let i = 0; i < nfds; i++) { const f = p.files[dv.getInt32(i * 8, true)]; if (f !== undefined) files.push(f); }
  const scan = (): number | undefined => {
    let n = 0;
    k.work.items += nfds;
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(i * 8, true), events = dv.getUint16(i * 8 + 4, true);
      const f = fd < 0 ? undefined : p.files[fd];
      const re = fd < 0 ? 0 : f === undefined ? POLLNVAL : f.poll() & (events | POLLERR | POLLHUP);
      dv.setUint16(i * 8 + 6, re, true);
      if (re !== 0) n++;
    }
    return n > 0 ? n : undefined;
  };
  const r = waitReady(k, p, files, t, scan, left);
  if (r === BLOCK) return r;
  return nfds === 0 || copyOut(p.as, fds, b) ? r : -EFAULT;
}

const IN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const OUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const EX_SET = POLLPRI;

/** pselect6's body: the three fd_sets of n bits, EBADF for a closed fd in any, scanned until one bit is set. */
function pselect(k: Kernel, p: Process, n: number, sets: number[], t: number | undefined, left: (ns: number) => void): number {
  if (n < 0) return -EINVAL;
  n = Math.min(n, Math.max(64, Math.ceil(p.files.length / 64) * 64)); // core_sys_select clamps n to the fd table
  const bytes = Math.ceil(n / 64) * 8;
  const ins: (Uint8Array | undefined)[] = [];
  for (const ptr of sets) {
    const b = ptr === 0 ? undefined : copyIn(p.as, ptr, bytes);
    if (ptr !== 0 && b === undefined) return -EFAULT;
    ins.push(b);
  }
  const bit = (s: Uint8Array | undefined, fd: number) => s !== undefined && ((s[fd >> 3] >> (fd & 7)) & 1) === 1;
  const files: File[] = [];
  for (let fd = 0; fd < n; fd++) {
    if (!ins.some((s) => bit(s, fd))) continue;
    const f = p.files[fd];
    if (f === undefined) return -EBADF;
    files.push(f);
  }
  const outs = ins.map((s) => (s === undefined ? undefined : new Uint8Array(s.length)));
  const scan = (): number | undefined => {
    let count = 0;
    k.work.items += n;
    for (const o of outs) o?.fill(0);
    for (let fd = 0; fd < n; fd++) {
      if (!ins.some((s) => bit(s, fd))) continue;
      const m = p.files[fd]?.poll() ?? 0;
      [IN_SET, OUT_SET, EX_SET].forEach((want, i) => {
        if (bit(ins[i], fd) && (m & want) !== 0) { outs[i]![fd >> 3] |= 1 << (fd & 7); count++; }
      });
    }
    return count > 0 ? count : undefined;
  };
  const r = waitReady(k, p, files, t, scan, left);
  if (r === BLOCK) return r;
  const ok = sets.every((ptr, i) => ptr === 0 || copyOut(p.as, ptr, outs[i]!));
  return ok ? r : -EFAULT;
}

/** pselect6's sixth argument: { const sigset_t *ss; size_t ss_len } (NULL: no mask). */
function pselectMask(p: Process, ptr: number): [number, number] | number {
  if (ptr === 0) return [0, 8];
  const b = copyIn(p.as, ptr, 16);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer);
  return [Number(dv.getBigUint64(0, true)), Number(dv.getBigUint64(8, true))];
}

const pselectSigmask = a((c, n) => struct(c, n, 16, (d) => `{sigmask=${sigset(c, Number(u64at(d, 0)), Number(u64at(d, 8)))}, sigsetsize=${u64at(d, 8)}}`));

/** What lde leaves out of poll_select_finish. */
const NO_LEFT_ON_EINTR = 'the time left is written back on a normal return, not with EINTR (the signal code returns it)';

export const POLL_CALLS: SyscallDef[] = [
  // implements ppoll(2) (glibc's poll and pause call it): readiness of each pollfd, a timeout, a temporary signal mask
  { name: 'ppoll', status: 'partial', restart: 'ERESTARTNOHAND', result: ppollResult, limits: NO_LEFT_ON_EINTR,
    args: [a(pollfds), U, TS, SIGSET(4), UL],
    handler: (k, p, a) => waiting(p, a[2], a[3], a[4], (t, left) => ppoll(k, p, a[0], a[1] >>> 0, t, left)) },
  // implements pselect6(2) (glibc's select and pselect call it): fd_sets, a timeout written back, a temporary signal mask
  { name: 'pselect6', status: 'partial', restart: 'ERESTARTNOHAND', result: pselectResult, limits: NO_LEFT_ON_EINTR,
    args: [I, a(fdset), a(fdset), a(fdset), TS, pselectSigmask],
    handler: (k, p, a) => {
    const t = readTimeout(p, a[4]);
    if (t !== undefined && t < 0) return t;
    const m = pselectMask(p, a[5]);
    if (typeof m === 'number') return m;
    return waiting(p, a[4], m[0], m[1], (t, left) => pselect(k, p, a[0] | 0, [a[1], a[2], a[3]], t, left));
  } },
];
