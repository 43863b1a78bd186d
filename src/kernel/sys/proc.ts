// Process, identity, limits, time and signal-state system calls.

import type { SyscallDef } from '../abi/call.js';
import { I, MODE, P, UL, a, fl, octalResult, out, outBuf, v, xl } from '../abi/strace-args.js';
import { rlimit, sysinfo, utsname } from '../abi/strace-structs.js';
import { GRND, RLIMIT, x } from '../abi/abi-names.js';
import { copyIn, copyOut, copyOutSome } from '../mm/uaccess.js';
import { EFAULT, EINVAL, ESRCH } from '../errno.js';
import { accessOk } from './access.js';
import { LOAD_SHIFT, loadavg } from '../fs/procinfo.js';
import type { Process } from '../sched/proc.js';
import { idOf, setpgid, setsid } from '../fs/tty-session.js';

const u64s = (...v: (number | bigint)[]) => {
  const b = new Uint8Array(v.length * 8), dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(x)), true));
  return b;
};

const INT_MAX = 0x7fffffff;
/**
 * The default epoch of the virtual REALTIME clock: 2027-01-01T00:00:00Z, a
 * fixed date just after this version was made, so runs are deterministic
 * and the host's files (all older than it when lde was built) are in the
 * guest's past: `ls -l` shows their times and make sees no clock skew.
 * --epoch now|SECONDS sets another (README, --realtime and --epoch).
 */
export const VIRTUAL_EPOCH_S = 1798761600;

export const PROC_CALLS: SyscallDef[] = [
  // implements exit(2): ends the calling thread (the process with its last thread)
  { name: 'exit', status: 'full', restart: 'none', args: [I],
    handler: (k, p, a) => { k.exit(p, (a[0] & 0xff) << 8); return 0; } },
  // implements exit_group(2)
  { name: 'exit_group', status: 'full', restart: 'none', args: [I],
    handler: (k, p, a) => { k.exitGroup(p, (a[0] & 0xff) << 8); return 0; } },
  // implements getpid(2)
  { name: 'getpid', status: 'full', restart: 'none', args: [],
    handler: (_k, p) => p.tgid },
  // implements getppid(2)
  { name: 'getppid', status: 'full', restart: 'none', args: [],
    handler: (_k, p) => p.group.leader.parent?.pid ?? 0 },
  // implements setpgid(2): the caller or a child not yet exec'd, into a group of its session (fs/tty-session.ts)
  { name: 'setpgid', status: 'full', restart: 'none', args: [I, I],
    handler: (k, p, a) => setpgid(k, p, a[0] | 0, a[1] | 0) },
  // implements getpgid(2) (getpgrp(2) is getpgid(0))
  { name: 'getpgid', status: 'full', restart: 'none', args: [I],
    handler: (k, p, a) => idOf(k, p, a[0] | 0, 'pgid') },
  // implements getsid(2)
  { name: 'getsid', status: 'full', restart: 'none', args: [I],
    handler: (k, p, a) => idOf(k, p, a[0] | 0, 'sid') },
  // implements setsid(2): a new session and process group, with no controlling terminal
  { name: 'setsid', status: 'full', restart: 'none', args: [],
    handler: (k, p) => setsid(k, p) },
  // implements gettid(2)
  { name: 'gettid', status: 'full', restart: 'none', args: [],
    handler: (_k, p) => p.pid },
  // implements set_tid_address(2)
  { name: 'set_tid_address', status: 'full', restart: 'none', args: [P],
    handler: (_k, p, a) => { p.clearChildTid = a[0]; return p.pid; } },
  // implements riscv_flush_icache(2): the machine already keeps fetches coherent with stores
  { name: 'riscv_flush_icache', status: 'full', restart: 'none',
    args: [P, P, fl(x({ SYS_RISCV_FLUSH_ICACHE_LOCAL: 1 }), 'SYS_RISCV_FLUSH_ICACHE_???')],
    handler: () => 0 },
  // implements umask(2)
  { name: 'umask', status: 'full', restart: 'none', result: octalResult, args: [MODE],
    handler: (_k, p, a) => { const old = p.umask; p.umask = a[0] & 0o777; return old; } },
  // implements prlimit64(2) for the calling process (pid 0 or its own pid)
  { name: 'prlimit64', status: 'partial', restart: 'none',
    limits: 'the calling process only (pid 0 or its own)',
    args: [I, xl(RLIMIT, 'RLIMIT_???'), a(rlimit), out(rlimit)],
    handler: (k, p, a) => {
    if (a[0] !== 0 && k.procs.get(a[0])?.group !== p.group) return -ESRCH; // any thread's id names its process
    const lim = p.rlimits.get(a[1]);
    if (lim === undefined) return -EINVAL;
    if (a[3] !== 0 && !copyOut(p.as, a[3], u64s(...lim))) return -EFAULT;
    if (a[2] !== 0) {
      const b = copyIn(p.as, a[2], 16);
      if (b === undefined) return -EFAULT;
      const dv = new DataView(b.buffer);
      const soft = dv.getBigUint64(0, true), hard = dv.getBigUint64(8, true);
      if (soft > hard) return -EINVAL; // raising a hard limit needs CAP_SYS_RESOURCE, which root (everyone here) has
      p.rlimits.set(a[1], [soft, hard]);
    }
    return 0;
  } },
  // implements setrlimit(2)
  { name: 'setrlimit', status: 'full', restart: 'none', args: [xl(RLIMIT, 'RLIMIT_???'), a(rlimit)],
    handler: (_k, p, a) => {
    if (!p.rlimits.has(a[0])) return -EINVAL;
    const b = copyIn(p.as, a[1], 16);
    if (b === undefined) return -EFAULT;
    const dv = new DataView(b.buffer), soft = dv.getBigUint64(0, true), hard = dv.getBigUint64(8, true);
    if (soft > hard) return -EINVAL;
    p.rlimits.set(a[0], [soft, hard]);
    return 0;
  } },
  // implements sysinfo(2)
  { name: 'sysinfo', status: 'full', restart: 'none', args: [out(sysinfo)],
    handler: (k, p, a) => {
    const b = new Uint8Array(112), dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(Math.floor(k.hart.cycle / 1e9)), true); // uptime
    loadavg(k).forEach((l, i) => dv.setBigUint64(8 + 8 * i, BigInt(l) << BigInt(16 - LOAD_SHIFT), true)); // loads, SI_LOAD_SHIFT 16
    dv.setBigUint64(32, BigInt(k.board.bus.ramSize), true); // totalram
    dv.setBigUint64(40, BigInt((k.frames.total - k.frames.inUse) * 4096), true); // freeram
    dv.setBigUint64(64, BigInt(k.swap ? k.swap.size * 4096 : 0), true); // totalswap
    dv.setBigUint64(72, BigInt(k.swap ? (k.swap.size - k.swap.used) * 4096 : 0), true); // freeswap
    dv.setUint16(80, k.procs.size, true); // procs
    dv.setUint32(104, 1, true); // mem_unit
    return copyOut(p.as, a[0], b) ? 0 : -EFAULT;
  } },
  // implements getrlimit(2)
  { name: 'getrlimit', status: 'full', restart: 'none', args: [xl(RLIMIT, 'RLIMIT_???'), out(rlimit)],
    handler: (_k, p, a) => {
    const lim = p.rlimits.get(a[0]);
    if (lim === undefined) return -EINVAL;
    return copyOut(p.as, a[1], u64s(...lim)) ? 0 : -EFAULT;
  } },
  // implements uname(2)
  { name: 'uname', status: 'full', restart: 'none', args: [out(utsname)],
    handler: (_k, p, a) => {
    const fields = ['Linux', 'lde', '6.6.0-lde', '#1 SMP lde', 'riscv64', '(none)'];
    const b = new Uint8Array(6 * 65);
    fields.forEach((f, i) => b.set(new TextEncoder().encode(f), i * 65));
    return copyOut(p.as, a[0], b) ? 0 : -EFAULT;
  } },
  // implements getrandom(2): seeded from --seed, so runs are reproducible
  { name: 'getrandom', status: 'full', restart: 'none', args: [outBuf(true), UL, fl(GRND, 'GRND_???')],
    handler: (k, p, a) => {
    const count = a[1] < 0 ? INT_MAX : Math.min(a[1], INT_MAX); // a size_t, clamped to INT_MAX as Linux does
    if (!accessOk(a[0], count)) return -EFAULT; // before any random bytes are drawn
    const n = Math.min(count, 1 << 20);
    const b = Uint8Array.from({ length: n }, () => Math.floor(k.random() * 256));
    const done = copyOutSome(p.as, a[0], b); // a short copy returns its count, as Linux's getrandom does
    return done > 0 || n === 0 ? done : -EFAULT;
  } },
];
