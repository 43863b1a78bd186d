// clone and clone3 (fork, vfork and threads), the thread-directed signals
// (tkill, tgkill), membarrier and CPU affinity. What a clone flag shares is
// described in src/kernel/sched/README.md "Threads".

import { NORETURN, type SyscallDef } from '../abi/call.js';
import { I, SIG, UL, a, cloneArgs, fl, out } from '../abi/strace-args.js';
import { cloneArgsStruct } from '../abi/strace-structs.js';
import { struct, type Ctx } from '../abi/strace-mem.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import { credOf, type Process, type ThreadGroup } from '../sched/proc.js';
import { forkSpace } from '../mm/vm.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { SI_TKILL } from '../signal/signal.js';
import { rseqFork } from '../signal/rseq.js';
import { WaitQueue } from '../sched/wait.js';
import { EAGAIN, E2BIG, EFAULT, EINVAL, ENOMEM, ENOSYS, EPERM, ESRCH } from '../errno.js';

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_CHILD_SETTID = 0x1000000,
  CLONE_NEWNS = 0x20000, CLONE_NEWUSER = 0x10000000;
/** The flags lde implements; the namespace, ptrace, io and cgroup flags are not (ENOSYS: unfinished, not refused). */
const KNOWN = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM |
  CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID;

interface CloneArgs { flags: number; stack: number; parentTid: number; tls: number; childTid: number; exitSignal: number; }

/** copy_process's checks of the flag combinations (clone(2) ERRORS); 0 when they are fine. */
function invalid(f: number): number {
  if ((f & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return -EINVAL;
  if ((f & (CLONE_NEWUSER | CLONE_FS)) === (CLONE_NEWUSER | CLONE_FS)) return -EINVAL;
  if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) return -EINVAL;
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) return -EINVAL;
  return 0;
}

/** The common part of clone and clone3: a process, or a thread in the caller's group, sharing what the flags say. */
function cloneWith(k: Kernel, p: Process, c: CloneArgs): number {
  const f = c.flags, thread = (f & CLONE_THREAD) !== 0;
  const bad = invalid(f);
  if (bad) return bad;
  if ((f & ~KNOWN) >>> 0 !== 0) return -ENOSYS;
  if ((f & CLONE_PARENT) && p.group.leader.parent === undefined) return -EINVAL; // init's siblings: Linux refuses
  // RLIMIT_NPROC and threads-max count every task until it is reaped, zombies and threads too (kernel/fork.c copy_process).
  const nproc = p.rlimits.get(6)![0];
  if (BigInt(k.procs.size) >= nproc || k.procs.size >= k.maxTasks) return -EAGAIN;
  // Everything that can fail comes before the child exists: after it, clone succeeds.
  let as = p.as;
  if (!(f & CLONE_VM)) {
    as = k.newAddressSpace();
    if (!forkSpace(p.as, as)) { as.destroy(); return -ENOMEM; }
  }
  const leader = p.group.leader, parent = f & CLONE_PARENT ? leader.parent! : leader;
  const n = thread ? k.newThread(p) : k.newProcess(parent, as);
  if (f & CLONE_VM) { n.as = p.as; n.asRefs = p.asRefs; p.asRefs.refs++; }
  n.x.set(p.x); n.f.set(p.f); n.fcsr = p.fcsr;
  n.pc = p.pc + 4; // the child returns from the ecall with 0
  n.setReg(10, 0);
  if (c.stack !== 0) n.setReg(2, c.stack);
  if (f & CLONE_SETTLS) n.setReg(4, c.tls);
  if (f & CLONE_FILES) { n.files = p.files; n.cloexec = p.cloexec; n.filesRefs = p.filesRefs; p.filesRefs.refs++; }
  else {
    n.files = p.files.slice();
    for (const file of n.files) if (file) file.refs++;
    n.cloexec = new Set(p.cloexec);
  }
  if (f & CLONE_FS) n.fsCtx = p.fsCtx;
  else n.fsCtx = { ...p.fsCtx };
  n.sigMask = p.sigMask;
  if (!(f & CLONE_VM)) rseqFork(p, n); // a new thread or a vfork child starts with no rseq registration
  n.cred = { ...credOf(p, k.user) }; // each task its own copy (the group list is replaced, never changed, so it may be shared)
  n.sigActions = f & CLONE_SIGHAND ? p.sigActions : p.sigActions.map((s) => ({ ...s }));
  // Limits are the process's: a thread shares them, a process gets a copy.
  n.rlimits = thread ? p.rlimits : new Map([...p.rlimits].map(([r, v]) => [r, [v[0], v[1]]]));
  // A thread gives no signal when it ends (its group does); a process gives the one asked (SIGCHLD for fork).
  n.exitSignal = thread ? 0 : c.exitSignal;
  if ((f & CLONE_VM) && !(f & CLONE_VFORK)) n.altStack = { sp: 0, size: 0, flags: 2 }; // Linux clears sigaltstack for a new stack
  else n.altStack = { ...p.altStack };
  if (f & CLONE_CHILD_CLEARTID) n.clearChildTid = c.childTid;
  // The tid for CLONE_CHILD_SETTID (in the child's memory) and CLONE_PARENT_SETTID (in the parent's).
  // Linux ignores a bad pointer here (kernel/fork.c, kernel_clone and schedule_tail): the child exists and runs.
  const tid = new Uint8Array(4);
  new DataView(tid.buffer).setInt32(0, n.pid, true);
  if (f & CLONE_CHILD_SETTID) copyOut(n.as, c.childTid, tid);
  if (f & CLONE_PARENT_SETTID) copyOut(p.as, c.parentTid, tid);
  k.enqueue(n);
  if (f & CLONE_VFORK) {
    // The parent sleeps until the child execs or exits; its clone then returns the pid.
    n.vforkDone = new WaitQueue();
    p.setReg(10, n.pid);
    p.pc += 4;
    k.sleepOn(p, n.vforkDone);
    return NORETURN;
  }
  return n.pid;
}

/** clone(flags, newsp, parent_tid, tls, child_tid): the asm-generic argument order riscv64 uses. */
function clone(k: Kernel, p: Process, a: readonly number[]): number {
  const flags = a[0] >>> 0;
  if (flags & CLONE_PIDFD) return -ENOSYS; // pidfds are not implemented
  return cloneWith(k, p, { flags: flags & ~0xff, stack: a[1], parentTid: a[2], tls: a[3], childTid: a[4], exitSignal: flags & 0xff });
}

/** clone3(struct clone_args *, size): version 0 (64 bytes) and later ones whose extra fields are zero. */
function clone3(k: Kernel, p: Process, a: readonly number[]): number {
  const size = a[1];
  if (size < 64) return -EINVAL;
  if (size > 4096) return -E2BIG;
  const b = copyIn(p.as, a[0], size);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), u = (o: number) => dv.getBigUint64(o, true);
  const set = (o: number) => o + 8 <= size && u(o) !== 0n;
  // set_tid (72, 80) and cgroup (80) are not implemented; unknown trailing bytes must be zero (E2BIG).
  for (let o = 88; o < size; o++) if (b[o] !== 0) return -E2BIG;
  if (set(64) || set(72) || set(80)) return -ENOSYS;
  const flags = u(0), exitSignal = u(32);
  if (flags >> 32n !== 0n || exitSignal > 64n) return -EINVAL;
  const f = Number(flags);
  if ((f & 0xff) !== 0 || (f & CLONE_DETACHED)) return -EINVAL; // CSIGNAL goes in exit_signal
  if ((f & (CLONE_THREAD | CLONE_PARENT)) && exitSignal !== 0n) return -EINVAL;
  if (f & CLONE_PIDFD) return -ENOSYS;
  const stack = Number(u(40)), stackSize = Number(u(48));
  if ((stack === 0) !== (stackSize === 0)) return -EINVAL;
  return cloneWith(k, p, { flags: f, stack: stack + stackSize, parentTid: Number(u(24)), tls: Number(u(56)), childTid: Number(u(16)), exitSignal: Number(exitSignal) });
}

/** tkill and tgkill: a signal for one thread (tgid -1: any group). */
function tgkill(k: Kernel, p: Process, tgid: number, tid: number, sig: number): number {
  if (tid <= 0 || (tgid !== -1 && tgid <= 0) || sig < 0 || sig > 64) return -EINVAL;
  const t = k.procs.get(tid);
  if (t === undefined || t.state === 'zombie' || (tgid !== -1 && t.tgid !== tgid)) return -ESRCH;
  if (sig !== 0) k.signal(t, sig, { code: SI_TKILL, pid: p.tgid });
  return 0;
}

// membarrier(2): with one hart every other thread is off the CPU whenever the caller runs, so each barrier
// is already satisfied when the call is made; what remains is the registration rule of the private commands.
const MB_QUERY = 0, MB_GLOBAL = 1, MB_GLOBAL_EXPEDITED = 2, MB_REGISTER_GLOBAL_EXPEDITED = 4,
  MB_PRIVATE_EXPEDITED = 8, MB_REGISTER_PRIVATE_EXPEDITED = 16;
const MB_SUPPORTED = MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED | MB_PRIVATE_EXPEDITED | MB_REGISTER_PRIVATE_EXPEDITED;
const registered = new WeakMap<ThreadGroup, number>();

function membarrier(p: Process, cmd: number, flags: number): number {
  if (flags !== 0) return -EINVAL;
  const reg = registered.get(p.group) ?? 0;
  switch (cmd) {
    case MB_QUERY: return MB_SUPPORTED;
    case MB_GLOBAL: case MB_GLOBAL_EXPEDITED: return 0;
    case MB_REGISTER_GLOBAL_EXPEDITED: case MB_REGISTER_PRIVATE_EXPEDITED: registered.set(p.group, reg | cmd); return 0;
    case MB_PRIVATE_EXPEDITED: return reg & MB_REGISTER_PRIVATE_EXPEDITED ? 0 : -EPERM;
    default: return -EINVAL; // the SYNC_CORE and RSEQ commands: not offered by CMD_QUERY
  }
}

/** The CPU mask of the machine's harts (one bit each), 8 bytes as Linux's cpumask_size() on riscv64 with few CPUs. */
const MASK_BYTES = 8;
const online = (k: Kernel) => (1n << BigInt(k.cpus.length)) - 1n;

function target(k: Kernel, p: Process, pid: number): Process | undefined {
  const t = pid === 0 ? p : k.procs.get(pid);
  return t === undefined || t.state === 'zombie' ? undefined : t;
}

const mask = (c: Ctx, va: number) => struct(c, va, MASK_BYTES, (d) => {
  const m = d.getBigUint64(0, true), cpus: number[] = [];
  for (let i = 0; i < 64; i++) if (m & (1n << BigInt(i))) cpus.push(i);
  return `[${cpus.join(' ')}]`;
});

export const THREAD_CALLS: SyscallDef[] = [
  // implements clone(2): fork, vfork and threads
  { name: 'clone', status: 'partial', restart: 'ERESTARTSYS',
    limits: 'no namespaces, CLONE_PIDFD, CLONE_PTRACE, CLONE_IO or CLONE_NEWCGROUP (ENOSYS)',
    args: cloneArgs,
    handler: (k, p, a) => clone(k, p, a) },
  // implements clone3(2)
  { name: 'clone3', status: 'partial', restart: 'ERESTARTSYS',
    limits: 'as clone; set_tid and cgroup give ENOSYS',
    args: [a(cloneArgsStruct), UL],
    handler: (k, p, a) => clone3(k, p, a) },
  // implements tkill(2) and tgkill(2): a signal for one thread
  { name: 'tkill', status: 'full', restart: 'none', args: [I, SIG],
    handler: (k, p, a) => tgkill(k, p, -1, a[0] | 0, a[1]) },
  { name: 'tgkill', status: 'full', restart: 'none', args: [I, I, SIG],
    handler: (k, p, a) => ((a[0] | 0) <= 0 ? -EINVAL : tgkill(k, p, a[0] | 0, a[1] | 0, a[2])) },
  // implements membarrier(2): one hart, so every barrier is satisfied at once
  { name: 'membarrier', status: 'partial', restart: 'none',
    limits: 'GLOBAL, GLOBAL_EXPEDITED, PRIVATE_EXPEDITED and their registrations; the SYNC_CORE and RSEQ commands give EINVAL',
    args: [fl(x({ MEMBARRIER_CMD_QUERY: 0, MEMBARRIER_CMD_GLOBAL: 1, MEMBARRIER_CMD_GLOBAL_EXPEDITED: 2,
      MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED: 4, MEMBARRIER_CMD_PRIVATE_EXPEDITED: 8, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: 16 })), UL, I],
    handler: (_k, p, a) => membarrier(p, a[0] | 0, a[1] >>> 0) },
  // implements sched_getaffinity(2) and sched_setaffinity(2): the harts of the machine
  { name: 'sched_getaffinity', status: 'full', restart: 'none', args: [I, UL, out(mask)],
    handler: (k, p, a) => {
    const t = target(k, p, a[0] | 0);
    if (t === undefined) return -ESRCH;
    if (a[1] < MASK_BYTES || a[1] % 8 !== 0) return -EINVAL;
    const b = new Uint8Array(MASK_BYTES);
    new DataView(b.buffer).setBigUint64(0, t.affinity ?? online(k), true);
    return copyOut(p.as, a[2], b) ? MASK_BYTES : -EFAULT;
  } },
  { name: 'sched_setaffinity', status: 'full', restart: 'none', args: [I, UL, a(mask)],
    handler: (k, p, a) => {
    const t = target(k, p, a[0] | 0);
    if (t === undefined) return -ESRCH;
    const b = copyIn(p.as, a[2], Math.min(Math.max(a[1], 0), MASK_BYTES));
    if (b === undefined) return -EFAULT;
    let m = 0n;
    b.forEach((byte, i) => { m |= BigInt(byte) << BigInt(8 * i); });
    if ((m & online(k)) === 0n) return -EINVAL;
    k.setAffinity(t, m & online(k));
    return 0;
  } },
];
