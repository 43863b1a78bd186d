// Process lifecycle system calls: wait4, waitid, execve, kill, and the
// accounting calls. clone is in thread.ts, futex in futex.ts. The children a
// process waits for are its group leader's: any thread may reap them.

import { NORETURN, type SyscallDef } from '../abi/call.js';
import { I, PATH, SIG, WSTATUS, WRUSAGE, a, argv, envCount, fl, out, unsignedResult, xl } from '../abi/strace-args.js';
import { rusage as rusageText, tms } from '../abi/strace-structs.js';
import { siginfoAt } from '../abi/strace-signal.js';
import { IDTYPE, RUSAGE, WAIT } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import { Shared, type Process } from '../sched/proc.js';
import { basename } from '../fs/vfs.js';
import { ExecError } from '../fs/loader.js';
import { copyIn, copyInString, copyOut, readU64 } from '../mm/uaccess.js';
import { SI_USER } from '../signal/signal.js';
import { readExecutable } from './fs.js';
import { dropFile } from './lock.js';
import { groupMembers, pgidOf } from '../fs/tty-session.js';
import { ECHILD, EFAULT, EINVAL, EPERM, ESRCH, E2BIG } from '../errno.js';

const WNOHANG = 1, WEXITED = 4, WNOWAIT = 0x1000000;

/** The children wait4's pid names: any (-1), those of the caller's process group (0) or of group -pid, or one. */
function reapable(p: Process, pid: number): Process[] {
  const pgid = pid === 0 ? pgidOf(p) : -pid;
  return p.children.filter((c) => pid === -1 || (pid <= 0 ? pgidOf(c) === pgid : c.pid === pid));
}

/** Removes a reaped zombie from the process table, adding its times to the parent's child accounting. */
function reap(k: Kernel, p: Process, c: Process): void {
  p.cutime += c.utime + c.cutime;
  p.cstime += c.stime + c.cstime;
  p.children = p.children.filter((q) => q !== c);
  k.procs.delete(c.pid);
}

function wait4(k: Kernel, t: Process, a: readonly number[]): number {
  const [pid, statusPtr, options] = [a[0] | 0, a[1], a[2]];
  const p = t.group.leader; // the children are the group's; the status goes to the caller's memory (shared with the leader)
  if ((options & ~(WNOHANG | 0x2 | 0x8 | 0x40000000 | 0x80000000 | 0x20000000)) !== 0) return -EINVAL;
  const kids = reapable(p, pid);
  if (kids.length === 0) return -ECHILD;
  // WUNTRACED (2) and WCONTINUED (8): report a stop as (sig << 8) | 0x7f and a continue as 0xffff, once each.
  const changed = kids.find((c) => c.group.threads.length > 0 && ((options & 2 && c.unreportedChange > 0) || (options & 8 && c.unreportedChange === -1)));
  if (changed !== undefined) {
    const st = changed.unreportedChange > 0 ? (changed.unreportedChange << 8) | 0x7f : 0xffff;
    changed.unreportedChange = 0;
    if (statusPtr !== 0) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, st, true);
      if (!copyOut(t.as, statusPtr, b)) return -EFAULT;
    }
    return changed.pid;
  }
  const z = kids.find((c) => c.state === 'zombie');
  if (z === undefined) return options & WNOHANG ? 0 : k.sleepOn(t, p.childWait);
  // Linux reaps the child first (do_wait), then copies the status and rusage out: a bad pointer is EFAULT, the child gone all the same.
  reap(k, p, z);
  if (statusPtr !== 0) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, z.exitStatus, true);
    if (!copyOut(t.as, statusPtr, b)) return -EFAULT;
  }
  if (a[3] !== 0 && !copyOut(t.as, a[3], rusage(z.utime, z.stime, z))) return -EFAULT;
  return z.pid;
}

/** waitid(idtype, id, infop, options): siginfo_t with si_signo SIGCHLD, si_code CLD_EXITED or CLD_KILLED. */
function waitid(k: Kernel, t: Process, a: readonly number[]): number {
  const [idtype, id, infop, options] = [a[0], a[1] | 0, a[2], a[3]];
  const p = t.group.leader;
  if ((options & WEXITED) === 0 || idtype < 0 || idtype > 3) return -EINVAL;
  const kids = p.children.filter((c) => idtype === 0 || (idtype === 1 && c.pid === id) || idtype === 2 || idtype === 3);
  if (kids.length === 0) return -ECHILD;
  const z = kids.find((c) => c.state === 'zombie');
  if (z === undefined) {
    if (options & WNOHANG) return infop === 0 || copyOut(t.as, infop, new Uint8Array(128)) ? 0 : -EFAULT;
    return k.sleepOn(t, p.childWait);
  }
  if ((options & WNOWAIT) === 0) reap(k, p, z); // reaped before infop is written, as wait4's status
  if (infop !== 0) {
    const b = new Uint8Array(128), dv = new DataView(b.buffer);
    const sig = z.exitStatus & 0x7f;
    dv.setInt32(0, 17, true); // SIGCHLD
    dv.setInt32(8, sig ? 2 : 1, true); // CLD_KILLED or CLD_EXITED
    dv.setInt32(16, z.pid, true);
    dv.setInt32(24, sig ? sig : (z.exitStatus >> 8) & 0xff, true);
    if (!copyOut(t.as, infop, b)) return -EFAULT;
  }
  return 0;
}

/** struct rusage (144 bytes): times as timevals, then the counters Linux fills. */
export function rusage(utime: number, stime: number, p: Process): Uint8Array {
  const b = new Uint8Array(144), dv = new DataView(b.buffer);
  const tv = (off: number, ns: number) => { dv.setBigInt64(off, BigInt(Math.floor(ns / 1e9)), true); dv.setBigInt64(off + 8, BigInt(Math.floor((ns % 1e9) / 1000)), true); };
  tv(0, utime); tv(16, stime);
  dv.setBigInt64(64, BigInt(p.minflt), true); dv.setBigInt64(72, BigInt(p.majflt), true);
  dv.setBigInt64(128, BigInt(p.nvcsw), true); dv.setBigInt64(136, BigInt(p.nivcsw), true);
  return b;
}

/** Reads a NULL-terminated array of string pointers (argv, envp). */
function stringArray(p: Process, ptr: number): string[] | number {
  const out: string[] = [];
  if (ptr === 0) return out;
  let total = 0;
  for (let i = 0; ; i++) {
    const s = readU64(p.as, ptr + 8 * i);
    if (s === undefined) return -EFAULT;
    if (s === 0) return out;
    const str = copyInString(p.as, s, 131072);
    if (str === undefined) return -EFAULT;
    total += str.length + 1;
    if (total > 2 << 20 || i > 65536) return -E2BIG;
    out.push(str);
  }
}

function execve(k: Kernel, p: Process, a: readonly number[]): number {
  const path = copyInString(p.as, a[0]);
  if (path === undefined) return -EFAULT;
  const argv = stringArray(p, a[1]);
  const envp = stringArray(p, a[2]);
  if (typeof argv === 'number') return argv;
  if (typeof envp === 'number') return envp;
  const found = readExecutable(k, p, path); // through the VFS: /tmp, symlinks, /proc/self/exe
  if (typeof found === 'number') return found;
  const { bytes, path: abs } = found;
  let loaded;
  try { loaded = k.buildImage(bytes, path, argv, envp, (q) => k.readAs(p, q)); } catch (e) {
    if (e instanceof ExecError) return -e.errno;
    throw e;
  }
  const as = loaded.as;
  // Past the point of no return: the other threads end (a thread takes the leader's pid), and the image is replaced.
  k.deThread(p);
  const old = p.as;
  p.as = as;
  k.loadSpace(as);
  if (--p.asRefs.refs === 0) old.destroy(); // a vfork parent may still use it
  p.asRefs = new Shared();
  if (p.filesRefs.refs > 1) { // the descriptor table is no longer shared (Linux's unshare_files)
    p.filesRefs.refs--;
    p.filesRefs = new Shared();
    p.files = p.files.slice();
    for (const f of p.files) if (f) f.refs++;
    p.cloexec = new Set(p.cloexec);
  }
  p.sigActions = p.sigActions.map((s) => ({ ...s })); // nor are the handlers (unshare_sighand)
  p.exe = abs;
  p.argv = argv;
  if (k.trace.on) k.trace.emit({ kind: 'proc', ...k.at(), phase: 'exec', pid: p.pid, ppid: p.parent?.pid ?? 0, name: basename(abs) });
  p.x.fill(0); p.f.fill(0); p.fcsr = 0; p.fpOn = undefined;
  p.pc = loaded.entry;
  p.setReg(2, loaded.sp);
  for (const fd of p.cloexec) { const f = p.files[fd]; p.files[fd] = undefined; if (f) dropFile(k, p, f); }
  p.cloexec.clear();
  p.resetSignalsForExec();
  if (p.vforkDone !== undefined) { k.wake(p.vforkDone); p.vforkDone = undefined; }
  return NORETURN;
}

function kill(k: Kernel, p: Process, pid: number, sig: number, code = SI_USER): number {
  if (sig < 0 || sig > 64) return -EINVAL;
  // A process-directed signal: for each thread group named (a tid names its group), one thread takes it.
  // pid 0: the caller's process group (fs/tty-session.ts); below -1: process group -pid; -1: every process but init.
  const named = pid > 0 ? [k.procs.get(pid)?.group.leader].filter((q) => q !== undefined) as Process[]
    : pid === -1 ? [...k.procs.values()].filter((q) => q === q.group.leader && (q.pid !== 1 || q === p.group.leader))
      : groupMembers(k, pid === 0 ? pgidOf(p) : -pid);
  const live = named.filter((q) => q.group.threads.length > 0);
  if (live.length === 0) return named.length ? 0 : -ESRCH;
  if (sig !== 0) for (const q of live) k.signalGroup(q, sig, { code, pid: p.tgid });
  return 0;
}

export const TASK_CALLS: SyscallDef[] = [
  // implements sched_yield(2): the caller goes to the back of the run queue
  { name: 'sched_yield', status: 'full', restart: 'none', args: [],
    handler: (k, p) => { k.yieldCpu(p); return 0; } },
  // implements getrusage(2) for RUSAGE_SELF and RUSAGE_CHILDREN
  { name: 'getrusage', status: 'partial', restart: 'none',
    limits: 'RUSAGE_SELF and RUSAGE_CHILDREN only',
    args: [xl(RUSAGE, 'RUSAGE_???'), out(rusageText)],
    handler: (_k, p, a) => {
    const who = a[0] | 0;
    if (who !== 0 && who !== -1) return -EINVAL;
    const b = who === 0 ? rusage(p.utime, p.stime, p) : rusage(p.cutime, p.cstime, p);
    return copyOut(p.as, a[1], b) ? 0 : -EFAULT;
  } },
  // implements times(2): clock ticks at 100 Hz (AT_CLKTCK)
  { name: 'times', status: 'full', restart: 'none', result: unsignedResult, args: [out(tms)],
    handler: (k, p, a) => {
    const t = (ns: number) => BigInt(Math.floor(ns / 1e7));
    if (a[0] !== 0) {
      const b = new Uint8Array(32), dv = new DataView(b.buffer);
      [p.utime, p.stime, p.cutime, p.cstime].forEach((v, i) => dv.setBigInt64(i * 8, t(v), true));
      if (!copyOut(p.as, a[0], b)) return -EFAULT;
    }
    return Number(t(k.hart.cycle));
  } },
  // implements wait4(2)
  { name: 'wait4', status: 'full', restart: 'ERESTARTSYS', args: [I, WSTATUS, fl(WAIT, 'W???'), WRUSAGE],
    handler: (k, p, a) => wait4(k, p, a) },
  // implements waitid(2) for exited children
  { name: 'waitid', status: 'partial', restart: 'ERESTARTSYS',
    limits: 'exited and killed children only (WEXITED)',
    args: [xl(IDTYPE, 'P_???'), I, out(siginfoAt), fl(WAIT, 'W???'), out(rusageText)],
    handler: (k, p, a) => waitid(k, p, a) },
  // implements execve(2)
  { name: 'execve', status: 'full', restart: 'none', args: [PATH, a(argv), a(envCount)],
    handler: (k, p, a) => execve(k, p, a) },
  // implements kill(2)
  { name: 'kill', status: 'full', restart: 'none', args: [I, SIG],
    handler: (k, p, a) => kill(k, p, a[0] | 0, a[1]) },
  // implements rt_sigqueueinfo(2): a signal with a value (sigqueue(3)); real-time signals are not queued yet
  { name: 'rt_sigqueueinfo', status: 'partial', restart: 'none',
    limits: 'real-time signals are not queued: one pending instance per signal',
    args: [I, SIG, a(siginfoAt)],
    handler: (k, p, a) => {
    const b = copyIn(p.as, a[2], 128);
    if (b === undefined) return -EFAULT;
    const dv = new DataView(b.buffer);
    const code = dv.getInt32(8, true);
    if (code >= 0 && a[0] !== p.tgid) return -EPERM; // only negative codes may be forged for other processes
    const target = k.procs.get(a[0])?.group.leader;
    if (target === undefined || target.group.threads.length === 0) return -ESRCH;
    if (a[1] < 1 || a[1] > 64) return -EINVAL;
    k.signalGroup(target, a[1], { code, pid: dv.getInt32(16, true), value: dv.getBigUint64(24, true) });
    return 0;
  } },
];

