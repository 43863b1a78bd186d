// The process control block: everything the kernel keeps about one process.

import type { AddressSpace } from '../mm/vm.js';
import type { File } from '../fs/file.js';
import { WaitQueue } from './wait.js';
import type { KernelDebt } from './preempt.js';
import { KMEM } from '../mm/kmem.js';

const EMFILE = 24, ENFILE = 23;
import { SIG_DFL, SIG_IGN, type SigAction, type SigInfo } from '../signal/signal.js';
import { emptyPending } from '../signal/pending.js';
import type { Cpu } from './cpu.js';
import { canMove, KernelBug, type ProcState } from './runstate.js';

export type { ProcState } from './runstate.js';


const RLIM_INFINITY = (1n << 64n) - 1n;
/** prlimit64 defaults, as a fresh Linux login shell has them (ulimit -a); each process gets its own copy. */
export const DEFAULT_RLIMITS: Readonly<Record<number, readonly [bigint, bigint]>> = {
  0: [RLIM_INFINITY, RLIM_INFINITY], 1: [RLIM_INFINITY, RLIM_INFINITY], 2: [RLIM_INFINITY, RLIM_INFINITY],
  3: [8n << 20n, RLIM_INFINITY], 4: [0n, RLIM_INFINITY], 5: [RLIM_INFINITY, RLIM_INFINITY], 6: [4096n, 4096n],
  7: [1024n, 4096n], 8: [8n << 20n, 8n << 20n], 9: [RLIM_INFINITY, RLIM_INFINITY],
};


// What a zombie has instead of registers (it never runs again), pending
// signals (none are generated for it) and limits (it makes no more calls):
// shared by every zombie, and never written.
const NO_REGS = new Int32Array(0);
const NO_INFO = new Map<number, SigInfo>();
const NO_QUEUE = new Map<number, SigInfo[]>();
const NO_RLIMITS = new Map<number, [bigint, bigint]>();
const NO_ACTIONS: SigAction[] = [];

/** A zombie's signal actions as /proc shows them: the handled and ignored ones, the holes being SIG_DFL (forEach skips them). */
function handledOnly(actions: SigAction[]): SigAction[] {
  if (actions.every((a) => a.handler === SIG_DFL)) return NO_ACTIONS;
  const kept: SigAction[] = [];
  actions.forEach((a, sig) => { if (a.handler !== SIG_DFL) kept[sig] = a; });
  return kept;
}

/** The last part of a path: a process's command name (Linux's comm) for events and messages. */
export function basename(path: string): string { return path.slice(path.lastIndexOf('/') + 1); }

/** A reference count on what clone shares: the address space (CLONE_VM), the descriptor table (CLONE_FILES). */
export class Shared { refs = 1; }

/**
 * A thread group (CLONE_THREAD): the leader, whose pid is the group's tgid
 * (getpid), and its live threads. The group ends when its last thread does;
 * the leader is the zombie wait4 reaps then (README.md "Threads").
 */
export class ThreadGroup {
  readonly threads: Process[];
  /** exit_group or a fatal signal is ending every thread: the wait status the group ends with. */
  exiting: number | undefined;
  /** A group stop is in force (signal(7)): the parent has been told once; SIGCONT ends it. */
  stopped = false;
  /** Process-directed signals pending for the group (signal/pending.ts), taken by any thread that does not block them. */
  readonly shared = emptyPending();
  constructor(public leader: Process) { this.threads = [leader]; }
}

/**
 * A task's credentials (credentials(7)): real, effective, saved and
 * filesystem user and group ids, and the supplementary groups (sorted, as
 * Linux keeps them). Each thread has its own, as on Linux; glibc's setuid
 * makes them agree across a process (its SIGSETXID broadcast).
 */
export interface Cred {
  uid: number; euid: number; suid: number; fsuid: number;
  gid: number; egid: number; sgid: number; fsgid: number;
  groups: number[];
}

/** p's credentials; a process that has none yet (the first one) starts with the kernel's ids: `user` (--sandbox), or root. */
export function credOf(p: Process, user: { readonly uid: number; readonly gid: number } | undefined): Cred {
  if (p.cred === undefined) {
    const u = user?.uid ?? 0, g = user?.gid ?? 0;
    p.cred = { uid: u, euid: u, suid: u, fsuid: u, gid: g, egid: g, sgid: g, fsgid: g, groups: [] };
  }
  return p.cred;
}

/**
 * A kernel thread's body (io_uring's SQPOLL poller, sys/io-uring-sqpoll.ts):
 * the scheduler runs the task like any other, but a context switch to it
 * stays in S-mode, and the run loop calls `run` where a process would go
 * to U-mode. `run` works on cpu until it leaves the hart (sleeps, yields)
 * or its clock reaches `until`, charging its time to the task.
 */
export interface KernelThread { run(cpu: Cpu, until: number): void; }

export class Process {
  private runState: ProcState = 'runnable';
  /**
   * The user context: x pairs, f pairs, pc, fcsr (empty once a zombie:
   * release). x is the hart's own register file while the task holds a hart
   * (xOn), so that a trap and the return to U-mode copy nothing
   * (trap.ts usertrapret); else its save area.
   */
  x: Int32Array<ArrayBufferLike> = new Int32Array(64);
  f = new Int32Array(64);
  pc = 0;
  fcsr = 0;
  /** The Cpu whose hart's register file x is, if any (Cpu.xOwner says the same from the other side). */
  xOn: Cpu | undefined;
  /** Where x points while the task holds no hart. */
  private xSave = this.x;
  /** The hart (its Cpu) that holds this task's FP registers as f and fcsr have them; undefined once the kernel writes those (fpChanged). */
  fpOn: Cpu | undefined;
  files: (File | undefined)[] = [];
  /** Who else holds this descriptor table (CLONE_FILES) and address space (CLONE_VM): the last to go frees them. */
  filesRefs = new Shared();
  asRefs = new Shared();
  /** The thread group: shared by every CLONE_THREAD thread. */
  group: ThreadGroup = new ThreadGroup(this);
  /** cwd and umask: one object shared under CLONE_FS. */
  fsCtx = { cwd: '/', umask: 0o022 };
  /** The robust futex list head (set_robust_list), walked when the thread dies. */
  robustList = 0;
  exitStatus = 0; // wait status encoding (exit code << 8, or the signal number)
  children: Process[] = [];
  clearChildTid = 0;
  sigMask = 0n;
  /** Accounting (DESIGN.md): cycles in user and kernel, context switches, faults. */
  utime = 0; stime = 0; nvcsw = 0; nivcsw = 0; minflt = 0; majflt = 0;
  /** The arguments of the last execve (for /proc/PID/cmdline). */
  argv: string[] = [];
  /** Credentials (credOf); undefined until first asked for. */
  cred: Cred | undefined;
  /** The registered rseq area (0: none). */
  rseq = 0;
  /** The last whole second of CPU time for which SIGXCPU was sent. */
  cpuWarned = -1;
  /** Times of reaped children (for times(2) and RUSAGE_CHILDREN). */
  cutime = 0; cstime = 0;
  /** The cycle at which the process last entered U-mode (user time is charged from here). */
  userSince = 0;
  /** sched_setaffinity's mask of harts (bit i: hart i), or undefined for every hart; inherited by fork and clone. */
  affinity: bigint | undefined;
  /** The hart it last ran on (-1: never ran): a switch on another hart is a migration. */
  lastCpu = -1;
  /** With several harts: the cycle on the waker's hart at which it became runnable (a lagging idle hart does not run it earlier). */
  readyAt = 0;
  /** While a system call sleeps under a tracer: its arguments as first decoded (strace shows those when it finishes). */
  pendingCall: (string | null)[] | undefined;
  /** Under a tracer: signals discarded because they are ignored, to report on the way back to U-mode as strace -f shows them. */
  ignoredForTrace: [number, SigInfo][] = [];
  /** The queue the process sleeps on, if any; and when a timed sleep ends (virtual cycle). */
  waitingOn: WaitQueue | undefined;
  wakeAt = Infinity;
  /** A timed sleep in progress (nanosleep): its deadline, kept across the restart of the call. */
  sleepDeadline = -1;
  /** Where a parent blocked in wait4 sleeps until a child changes state. */
  readonly childWait = new WaitQueue();
  /** Signal state: actions by number (1..64), pending set and what each pending signal carries. */
  sigActions: SigAction[] = Array.from({ length: 65 }, () => ({ handler: SIG_DFL, flags: 0, mask: 0n }));
  sigPending = 0n;
  /** sigPending is not empty (signal/pending.ts own() keeps it: a boolean is cheaper to test than a BigInt). */
  sigAny = false;
  sigInfo = new Map<number, SigInfo>();
  /** Real-time signals (32..64) queue every instance (signal(7)); standard ones coalesce into sigInfo. */
  sigQueue = new Map<number, SigInfo[]>();
  /** The mask to restore after rt_sigsuspend's temporary one, saved into the signal frame. */
  restoreMask: bigint | undefined;
  altStack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  /** True while the current system call is asleep (it will run again, or return EINTR for a signal). */
  inBlockedCall = false;
  /** Kernel work cut by a preemption (preempt.ts), paid before the next return to user mode. */
  kernelDebt: KernelDebt | undefined;
  /** ITIMER_REAL: the next expiry (virtual cycle; Infinity when disarmed) and the reload interval. */
  alarmAt = Infinity;
  alarmInterval = 0;
  /** Descriptors with FD_CLOEXEC. */
  cloexec = new Set<number>();
  /** A stop or continue the parent has not yet collected with wait4(WUNTRACED/WCONTINUED): the stop signal, or -1 for continued. */
  unreportedChange = 0;
  /** The signal that tells the parent about this child's death (clone's CSIGNAL; SIGCHLD for fork). */
  exitSignal = 17;
  /** A vfork child's parent sleeps here until the child execs or exits. */
  vforkDone: WaitQueue | undefined;
  exe: string;
  /** Set for a kernel thread (net/ksoftirqd.ts, sys/io-uring-sqpoll.ts): the run loop calls its run() in S-mode instead of returning to U-mode. */
  kthread: KernelThread | undefined;
  /** Resource limits by RLIMIT_* number: [soft, hard]. */
  rlimits = new Map<number, [bigint, bigint]>(Object.entries(DEFAULT_RLIMITS).map(([k, v]) => [Number(k), [v[0], v[1]]]));

  /** The thread group's id (getpid): the leader's pid. */
  get tgid(): number { return this.group.leader.pid; }
  get cwd(): string { return this.fsCtx.cwd; }
  set cwd(v: string) { this.fsCtx.cwd = v; }
  get umask(): number { return this.fsCtx.umask; }
  set umask(v: number) { this.fsCtx.umask = v; }

  /** The thread id; a thread that execs while not the leader takes the leader's (exit.ts deThread). */
  constructor(public pid: number, public parent: Process | undefined, public as: AddressSpace, exe: string, cwd: string) {
    this.exe = exe;
    this.cwd = cwd;
  }

  /** Where the process is in its run state machine (runstate.ts). */
  get state(): ProcState { return this.runState; }

  /** Changes the run state; only the scheduler, exit and the signal code call it. Throws KernelBug on a transition runstate.ts does not allow. */
  moveTo(to: ProcState): void {
    if (!canMove(this.runState, to)) throw new KernelBug(`pid ${this.pid}: ${this.runState} → ${to} is not a run-state transition`);
    this.runState = to;
  }

  /** Reads user register i (0..31) as a signed 64-bit value in a JS number (exact below 2^53). */
  reg(i: number): number { return this.x[2 * i + 1] * 4294967296 + (this.x[2 * i] >>> 0); }

  setReg(i: number, v: number): void {
    this.x[2 * i] = v | 0;
    this.x[2 * i + 1] = Math.floor(v / 4294967296) | 0;
  }

  /** The task's registers move into the register file `regs` of cpu's hart (copied there by the caller): x is that file from now on. */
  bindRegs(cpu: Cpu, regs: Int32Array): void {
    this.xOn = cpu;
    cpu.xOwner = this;
    if (this.x !== NO_REGS) this.x = regs;
  }

  /** The task leaves the hart whose register file x is: the registers go back to its save area. */
  unbindRegs(): void {
    const cpu = this.xOn;
    if (cpu === undefined) return;
    if (this.x !== NO_REGS) { this.xSave.set(this.x); this.x = this.xSave; }
    cpu.xOwner = undefined;
    this.xOn = undefined;
  }

  /** True when sp is inside the enabled alternate signal stack. */
  onAltStack(): boolean {
    const sp = this.reg(2);
    return this.altStack.flags !== 2 && sp > this.altStack.sp && sp <= this.altStack.sp + this.altStack.size;
  }

  /** execve keeps ignored signals ignored and resets handled ones to the default (signal(7)). */
  resetSignalsForExec(): void {
    for (const a of this.sigActions) if (a.handler !== SIG_IGN) { a.handler = SIG_DFL; a.flags = 0; a.mask = 0n; }
    this.altStack = { sp: 0, size: 0, flags: 2 };
  }

  /**
   * exit, once p is a zombie: it keeps only what wait4, waitid and /proc
   * report of it (pid, parent, status, times and counters, name, the signals
   * it handled); its registers, files, signal queues and limits go, so an
   * unreaped zombie costs the host a few hundred bytes. Its address space is
   * the caller's to destroy.
   */
  release(): void {
    this.x = this.f = NO_REGS;
    this.files = [];
    this.cloexec = new Set(); // the set itself may be shared (CLONE_FILES)
    this.argv = [];
    this.sigInfo = NO_INFO;
    this.sigQueue = NO_QUEUE;
    this.ignoredForTrace = [];
    this.pendingCall = undefined;
    this.rlimits = NO_RLIMITS;
    this.sigActions = handledOnly(this.sigActions);
  }

  /** A soft resource limit as a JS number (RLIM_INFINITY becomes Infinity). */
  limit(resource: number): number {
    const soft = this.rlimits.get(resource)![0];
    return soft >= 1n << 53n ? Infinity : Number(soft);
  }

  /**
   * The lowest free descriptor at or above min and below RLIMIT_NOFILE, now
   * holding file; -EMFILE when there is none, -ENFILE when a new open file
   * description does not fit the kernel-memory budget (Linux's file-max).
   */
  allocFd(file: File, min = 0, limit = Math.min(this.limit(7), 65536)): number {
    for (let fd = min; fd < limit; fd++) {
      if (this.files[fd] !== undefined) continue;
      if (file.kmem === undefined) {
        const kmem = this.as.frames.kmem;
        if (!kmem.charge(KMEM.file)) return -ENFILE;
        file.kmem = kmem;
      }
      this.files[fd] = file;
      return fd;
    }
    return -EMFILE;
  }
}
