// The kernel: boots on the machine, installs its trap vector once, creates
// the first processes and runs them in U-mode. It regains control only when
// hart.run() returns an Exit — a system call, an exception, or the timer
// interrupt (DESIGN.md) — and hands that to trap.ts. The scheduler is in
// sched/, the exit path in sched/exit.ts; the methods below that only
// delegate there are the kernel's interface to the system calls (sys/),
// files (fs/), memory (mm/) and signals (signal/).

import { Board, Cause, Csr, ENVCFG_STCE, Irq, Mode, type HartPort, type PageTrace } from '../machine/index.js';
import type { Tracer, SwitchReason } from '../trace/events.js';
import { DEFAULT_COSTS, type CostTable } from './cost.js';
import { generate, generateForGroup } from './signal/sigpolicy.js';
import { Frames, PAGE_SIZE } from './mm/frames.js';
import type { Work } from './mm/work.js';
import type { KernelMemory } from './mm/kmem.js';
import { AddressSpace, PTE_A, PTE_R, PTE_U, PTE_X } from './mm/vm.js';
import { Vdso, VDSO_VA } from './mm/vdso.js';
import { Process } from './sched/proc.js';
import { Cpu, type TickMode } from './sched/cpu.js';
import { kernelWork, type KernelDebt, type PreemptMode } from './sched/preempt.js';
import type { IdleGovernor } from './sched/idle.js';
import { Scheduler } from './sched/sched.js';
import { TIME_END, span } from './sched/timer.js';
import { deThread, exit, exitGroup, kill, outOfMemory } from './sched/exit.js';
import { KernelBug } from './sched/runstate.js';
import { threadExitFutexes } from './sys/futex.js';
import { basename } from './fs/vfs.js';
import { Swap, type SwapOut } from './mm/swap.js';
import type { SwapPolicy } from './mm/replace.js';
import { consoleFiles, ttyOf, type Tty } from './fs/tty.js';
import { forked, hangUpOrphaned, stopDiscarded } from './fs/tty-session.js';
import { FileLocks } from './fs/locks.js';
import type { HostIO } from './host.js';
import type { Bind } from './fs/mounts.js';
import { checkImage, checkInterpreter, ExecError, load } from './fs/loader.js';
import type { ElfImage } from '../elf/elf.js';
import { readExecutable } from './sys/fs.js';
import { ENOENT } from './errno.js';
import { kthreadTurn, runOne, usertrapret } from './trap.js';
import { interrupted, callName, SYSCALL_SLOTS, BLOCK } from './sys/syscall.js';
import type { WaitQueue } from './sched/wait.js';
import { Sig, popFrame, SIGTRAMP_VA, SIGTRAMP_CODE, type SigInfo } from './signal/signal.js';
import { VIRTUAL_EPOCH_S } from './sys/proc.js';
import { clockBase } from './sys/clock.js';
import { hwprobeValues } from './sys/hwprobe.js';
import { affinityChanged } from './sched/smp.js';
import { kick, machineEnergy, runSmp, shootdown } from './smp.js';
import { HostClock, REALTIME_BUDGET } from './realtime.js';
import { Net, type NetOptions } from './net/nic.js';

/** The kernel's trampoline: the top page of Sv39, kernel-only, native (DESIGN.md). */
export const TRAMPOLINE_VA = -PAGE_SIZE;
const TRAMPOLINE_INDEX_VA = 2 ** 39 - PAGE_SIZE; // the same page as the page-table walk sees it
const TICKS_PER_SEC = 10_000_000;
/** The tick rates the kernel takes (--hz), besides 0 for no timer. */
export const HZ_MIN = 10, HZ_MAX = 10_000;
/** Instructions per hart.run(): how often the kernel looks at the clock when no trap comes. */
const RUN_BUDGET = 1 << 20;
const SI_KERNEL = 0x80;
/** The synchronous causes U-mode may raise, all delegated to S-mode (priv 3.1.8). */
const USER_CAUSES = [Cause.INSN_MISALIGNED, Cause.INSN_ACCESS, Cause.ILLEGAL, Cause.BREAKPOINT, Cause.LOAD_MISALIGNED,
  Cause.LOAD_ACCESS, Cause.STORE_MISALIGNED, Cause.STORE_ACCESS, Cause.ECALL_U, Cause.INSN_PAGE, Cause.LOAD_PAGE, Cause.STORE_PAGE];

export interface KernelOptions {
  host: HostIO;
  memBytes?: number;
  hz?: number; // 10 to 10,000; 0 = no timer
  /** Stop after this many cycles of virtual time (the run cannot make progress otherwise). */
  maxCycles?: number;
  seed?: number;
  /** What of the host's filesystem the guest sees, in order (fs/mounts.ts): nothing unless named; `wholeHost()` is lde run's default. */
  binds?: readonly Bind[];
  /** Fixed unprivileged ids (--sandbox): getuid & co. report them and every file is owned by them; default root, files their own. */
  user?: { uid: number; gid: number };
  /** Bytes of swap (--swap); 0 = none, so running out of RAM means the OOM killer. */
  swapBytes?: number;
  /** Which page goes to swap (--swap-policy, mm/replace.ts); default clock. */
  swapPolicy?: SwapPolicy;
  /** Told of each page that goes to swap (the swap experiment shows the PTE). */
  onSwapOut?: (e: SwapOut) => void;
  /** Records the U-mode page reference string here (machine/pagerefs.ts; turns the TLB off, so slower). */
  pageTrace?: PageTrace;
  /** --realtime: virtual time never lags the host clock, idle time is really waited, randomness is not seeded. */
  realtime?: boolean;
  /** --vdso: map the vDSO into every process (default true; mm/vdso.ts, docs/vdso.md). */
  vdso?: boolean;
  /** CLOCK_REALTIME at boot, in seconds since 1970 (--epoch); VIRTUAL_EPOCH_S unless given. Ignored with realtime. */
  epochS?: number;
  /** --smp: how many harts (1 to 8; default 1). Several harts interleave by quanta of virtual time (smp.ts, docs/smp.md). */
  harts?: number;
  /** What kernel work costs in virtual cycles (cost.ts); DEFAULT_COSTS unless given. */
  costs?: CostTable;
  /** --tick: the periodic tick always, stopped while idle (default), or also while one task runs (sched/cpu.ts). */
  tick?: TickMode;
  /** --preempt: where long kernel work may be cut (sched/preempt.ts); voluntary by default. */
  preempt?: PreemptMode;
  /** --idle-governor: how the idle state is chosen (sched/idle.ts); menu by default. */
  idleGovernor?: IdleGovernor;
  /** --nic: a virtio-net NIC, its traffic source and the receive discipline (net/nic.ts, docs/nic.md); none unless given. */
  nic?: Partial<NetOptions>;
}

export interface RunResult {
  status: number; // the init process's exit status, or 128 + signal
  message?: string; // one line when a signal killed it
}

export class Kernel {
  readonly board: Board;
  /** Per-hart scheduler state: one Cpu per hart (--smp). */
  readonly cpus: Cpu[];
  /** The hart the kernel is running on now: the run loop sets it before each hart's turn (smp.ts). */
  cpu: Cpu;
  /** The hart the kernel is running on now, through the kernel port (machine/port.ts). */
  get hart(): HartPort { return this.cpu.hart; }
  readonly sched: Scheduler;
  readonly frames: Frames;
  readonly swap: Swap | undefined;
  readonly host: HostIO;
  readonly procs = new Map<number, Process>();
  readonly hz: number;
  readonly realtime: boolean;
  readonly preempt: PreemptMode;
  readonly idleGovernor: IdleGovernor;
  nextPid = 1;
  private readonly trampoline: number;
  private readonly sigtramp: number;
  /** The vDSO and its data page, mapped into every process (mm/vdso.ts); undefined with --vdso off. */
  readonly vdso: Vdso | undefined;
  /** Calls completed by number, and the numbers in first-call order (sys/syscall.ts); syscallCounts: by name. */
  readonly callCounts = new Float64Array(SYSCALL_SLOTS);
  readonly callOrder: number[] = [];
  get syscallCounts(): Map<string, number> { return new Map(this.callOrder.map((nr) => [callName(nr), this.callCounts[nr]])); }
  /** Where the kernel's events go: the machine's tracer, so machine and kernel events share one stream. */
  readonly trace: Tracer;
  readonly costs: CostTable;
  /** Totals over every process that has exited (the kernel's own counters; --stats counts from the events). */
  readonly totals = { processes: 0, minflt: 0, majflt: 0, nvcsw: 0, nivcsw: 0, killedBySignal: 0 };
  readonly unknownSyscalls = new Map<number, number>();
  private result: RunResult | undefined; // set once, when the run is over
  random: () => number;
  /** CLOCK_REALTIME at cycle 0, in ns: a fixed epoch (deterministic), or the host's wall clock with --realtime. */
  readonly epochNs: number;
  readonly hostClock: HostClock | undefined; // --realtime: the host clock virtual time catches up with (realtime.ts)
  tty: Tty | undefined = undefined; // the terminal, when lde's stdin is a host one (fs/tty.ts ttyOf: looked at on every trap)
  /** The host directories and files the guest sees (fs/mounts.ts builds the namespace from them). */
  readonly binds: readonly Bind[];
  /** The guest's fixed ids, or undefined: root (KernelOptions.user). */
  readonly user: { readonly uid: number; readonly gid: number } | undefined;
  /**
   * threads-max: how many processes, zombies included, may exist at once
   * (fork gives EAGAIN past it). Sized as Linux sizes it (kernel/fork.c
   * set_max_threads): RAM / (8 * THREAD_SIZE), THREAD_SIZE being 16 KiB on
   * riscv64, and at least 20; so 2048 for 256 MiB, and the host memory
   * processes take grows with --mem, not with what the guest asks.
   */
  readonly maxTasks: number;
  readonly locks = new FileLocks((q) => this.wake(q, 0)); // record and flock locks (fs/locks.ts)
  /** The NIC's driver (--nic), or undefined. */
  readonly net: Net | undefined;

  constructor(private readonly opts: KernelOptions) {
    this.host = opts.host;
    this.binds = opts.binds ?? [];
    this.user = opts.user;
    this.realtime = opts.realtime ?? false;
    this.epochNs = opts.realtime ? opts.host.epochNs() : (opts.epochS ?? VIRTUAL_EPOCH_S) * 1e9;
    this.hostClock = opts.realtime ? new HostClock(this) : undefined;
    this.hz = opts.hz ?? 250;
    if (this.hz !== 0 && !(Number.isInteger(this.hz) && this.hz >= HZ_MIN && this.hz <= HZ_MAX)) throw new RangeError(`hz ${this.hz}: a tick rate is 10 to 10,000 per second, or 0 for no timer`);
    if (opts.realtime && (opts.harts ?? 1) > 1) throw new RangeError('--realtime runs one hart: several harts interleave in virtual time (docs/smp.md)');
    this.board = new Board({ memBytes: opts.memBytes ?? 256 << 20, harts: opts.harts ?? 1, nic: opts.nic && { source: { pps: opts.nic.rate ?? 0, port: opts.nic.port ?? 5000 } } });
    this.maxTasks = Math.max(20, Math.floor(this.board.bus.ramSize / (8 * 16384)));
    this.preempt = opts.preempt ?? 'voluntary';
    this.idleGovernor = opts.idleGovernor ?? 'menu';
    this.cpus = this.board.ports.map((h) => new Cpu(h, this.hz > 0 ? Math.round(TICKS_PER_SEC / this.hz) : 0, opts.tick ?? 'idle'));
    this.cpu = this.cpus[0];
    if (opts.pageTrace) for (const c of this.cpus) c.hart.recordPages(opts.pageTrace);
    this.trace = this.board.trace;
    this.costs = opts.costs ?? DEFAULT_COSTS;
    this.frames = new Frames(this.board.bus);
    if ((opts.swapBytes ?? 0) > 0) {
      const live = () => [...this.procs.values()].filter((q) => q.state !== 'zombie').map((q) => q.as);
      this.swap = new Swap(opts.swapBytes!, live, () => { for (const c of this.cpus) c.hart.sfenceVma(); }, { policy: opts.swapPolicy, seed: opts.seed, onSwapOut: opts.onSwapOut });
      this.frames.reclaim = () => this.swap!.evictOne();
    }
    this.sched = new Scheduler(this);
    let s = (opts.seed ?? 1) >>> 0 || 1;
    this.random = opts.realtime ? Math.random : () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
    this.trampoline = this.frames.alloc();
    for (const c of this.cpus) c.hart.registerNative(this.trampoline, PAGE_SIZE);
    this.sigtramp = this.frames.alloc();
    SIGTRAMP_CODE.forEach((w, i) => this.board.phys.write32(this.sigtramp + 4 * i, w));
    this.vdso = opts.vdso === false ? undefined : new Vdso(this.frames);
    this.vdso?.update(clockBase(this), hwprobeValues());
    this.boot();
    this.net = opts.nic && new Net(this, opts.nic);
  }

  /** What firmware and early boot do on each hart: delegate, enable Sstc, enter S-mode, write stvec once. */
  private boot(): void {
    for (const c of this.cpus) this.bootHart(c.hart);
    for (const cpu of this.cpus) this.sched.program(cpu);
  }

  /** One hart's boot; with several harts the supervisor software interrupt (the IPI) is enabled too. */
  private bootHart(h: HartPort): void {
    const w = (c: number, v: bigint) => h.csrWrite(c, v);
    w(Csr.MEDELEG, BigInt(USER_CAUSES.reduce((m, c) => m | (1 << c), 0)));
    w(Csr.MIDELEG, BigInt((1 << Irq.STI) | (1 << Irq.SSI) | (1 << Irq.SEI)));
    w(Csr.MENVCFG, ENVCFG_STCE);
    w(Csr.MCOUNTEREN, 7n);
    h.setPriv(Mode.S);
    w(Csr.SCOUNTEREN, 7n);
    w(Csr.STVEC, BigInt.asUintN(64, BigInt(TRAMPOLINE_VA)));
    w(Csr.SIE, BigInt((1 << Irq.STI) | (this.cpus.length > 1 ? 1 << Irq.SSI : 0)));
    w(Csr.SSTATUS, h.csrRead(Csr.SSTATUS)! | (1n << 13n)); // FS = Initial: user programs may use the FPU
  }

  /** A fresh address space with the trampoline mapped (kernel-only). */
  newAddressSpace(): AddressSpace {
    const as = new AddressSpace(this.board.bus, this.frames);
    as.swap = this.swap;
    as.onChange = this.cpus.length === 1 ? () => { if (this.cpu.current?.as === as) this.cpu.hart.sfenceVma(); } : () => shootdown(this, as);
    this.frames.ref(this.trampoline);
    as.map(TRAMPOLINE_INDEX_VA, this.trampoline, PTE_R | PTE_X | PTE_A);
    if (this.vdso !== undefined) { this.vdso.map(as); as.sigreturn = this.vdso.sigreturn; return as; }
    this.frames.ref(this.sigtramp); // --vdso off: handlers return through the kernel's own page
    as.map(SIGTRAMP_VA, this.sigtramp, PTE_R | PTE_X | PTE_U | PTE_A);
    as.sigreturn = SIGTRAMP_VA;
    return as;
  }

  /**
   * execve's new image in a fresh address space: checks the ELF, loads it and
   * builds the initial stack (with AT_RANDOM from the seeded generator).
   * Throws ExecError with a one-line reason; nothing is leaked on failure.
   */
  buildImage(bytes: Uint8Array, path: string, argv: string[], envp: string[], read: (path: string) => Uint8Array | number): { as: AddressSpace; entry: number; sp: number } {
    const image = checkImage(bytes);
    let interp: ElfImage | undefined;
    if (image.interp !== undefined) { // the dynamic loader, looked up in the guest's namespace (--sysroot binds one there)
      const found = read(image.interp);
      if (typeof found === 'number') throw new ExecError(-found, `its interpreter ${image.interp}: ${found === -ENOENT ? 'no such file (for a dynamically linked program, try --sysroot DIR)' : `error ${-found}`}`);
      interp = checkInterpreter(found, image.interp);
    }
    const as = this.newAddressSpace();
    const random = Uint8Array.from({ length: 16 }, () => Math.floor(this.random() * 256));
    try {
      const l = load(as, image, { path, argv, envp, random, vdso: this.vdso && VDSO_VA }, interp);
      return { as, entry: l.entry, sp: l.sp };
    } catch (e) {
      as.destroy();
      throw e;
    }
  }

  /** A file's bytes through the guest's namespace, as p sees it (the interpreter of a dynamically linked program), or -errno. */
  readAs(p: Process, path: string): Uint8Array | number {
    const r = readExecutable(this, p, path);
    return typeof r === 'number' ? r : r.bytes;
  }

  /** Creates a first process (no parent) from a program image, runnable. Throws ExecError with a one-line reason. */
  spawn(path: string, bytes: Uint8Array, argv: string[], envp: string[]): Process {
    // The interpreter of a dynamically linked program is read through the guest's namespace, by a process that does not run yet.
    const reader = new Process(0, undefined, this.newAddressSpace(), path, this.host.cwd);
    let l;
    try { l = this.buildImage(bytes, path, argv, envp, (q) => this.readAs(reader, q)); } finally { reader.as.destroy(); }
    const p = new Process(this.nextPid++, undefined, l.as, path, this.host.cwd);
    p.argv = argv;
    p.pc = l.entry;
    p.setReg(2, l.sp);
    p.files = consoleFiles(this, p); // the host's stdio, or the guest's terminal (fs/tty.ts)
    this.procs.set(p.pid, p);
    this.sched.enqueue(p);
    return p;
  }

  /** A new pid and process sharing nothing yet; the caller fills it and enqueues it (fork). */
  newProcess(parent: Process, as: AddressSpace): Process {
    const c = new Process(this.nextPid++, parent, as, parent.exe, parent.cwd);
    c.argv = parent.argv;
    c.affinity = parent.affinity;
    forked(c, this.current ?? parent); // the caller's process group and session (CLONE_PARENT changes only the parent)
    this.procs.set(c.pid, c);
    parent.children.push(c);
    this.work.straight += this.costs.fork; // charged after the call, with the PTEs and VMAs it copies (sched/preempt.ts)
    if (this.trace.on) this.trace.emit({ kind: 'proc', ...this.at(), phase: 'create', pid: c.pid, ppid: parent.pid, name: basename(c.exe) });
    return c;
  }

  /** A new thread in p's group (clone with CLONE_THREAD): a tid, p's parent and group, not one of the parent's children; the caller fills it and enqueues it. */
  newThread(p: Process): Process {
    const c = new Process(this.nextPid++, p.parent, p.as, p.exe, p.cwd);
    c.argv = p.argv;
    c.affinity = p.affinity;
    c.group = p.group;
    p.group.threads.push(c);
    this.procs.set(c.pid, c);
    this.work.straight += this.costs.fork;
    if (this.trace.on) this.trace.emit({ kind: 'proc', ...this.at(), phase: 'create', pid: c.pid, ppid: p.pid, name: basename(c.exe) });
    return c;
  }

  /** A kernel thread's task (sched/proc.ts KernelThread) working for owner: a new pid, owner's memory; never in procs. The caller sets its body and queues it. */
  newKernelThread(owner: Process, name: string): Process { return new Process(this.nextPid++, owner, owner.as, name, owner.cwd); }

  /**
   * Runs until the first process exits (or cannot go on): the hart's loop
   * (trap.ts runOne, or smp.ts with several harts).
   */
  run(): RunResult {
    const cpu = this.cpus[0];
    if (this.trace.on) for (const c of this.cpus) this.trace.emit({ kind: 'power', cycle: c.hart.cycle, hart: c.hart.hartId, state: 'run', watts: c.hart.power.model.runWatts });
    // The first processes' creation, as the first events (sinks may be attached after spawn).
    if (this.trace.on) for (const p of cpu.runq) if (p.parent === undefined) this.trace.emit({ kind: 'proc', ...this.at(), phase: 'create', pid: p.pid, ppid: 0, name: basename(p.exe) });
    this.sched.timers.expire();
    if (this.cpus.length > 1) runSmp(this);
    else {
      if (!this.sched.schedule(cpu)) this.deadlock(); // which may wait for a key that wakes a reader
      runOne(this, cpu, this.hostClock ? REALTIME_BUDGET : RUN_BUDGET);
    }
    const result = this.result;
    if (result === undefined) throw new KernelBug('the run loop ended with no result');
    for (const c of this.cpus) { this.cpu = c; this.sched.restartTick(c); } // a tick stopped at the end: its ticks not taken are counted too
    this.cpu = this.cpus.reduce((a, b) => (b.hart.cycle > a.hart.cycle ? b : a));
    this.net?.end();
    if (this.trace.on) {
      const energy = { ...machineEnergy(this), source: this.hart.power.model.source };
      const instret = this.cpus.reduce((n, c) => n + c.hart.instret, 0);
      this.trace.emit({ kind: 'end', ...this.at(), instret, status: result.status, hz: this.hz, tick: this.cpus[0].tickMode, preempt: this.preempt, energy });
    }
    return result;
  }

  /** Ends the run with this result (the first one set wins). */
  finish(result: RunResult): void { this.result ??= result; }

  /** True once the run is over. */
  get finished(): boolean { return this.result !== undefined; }

  /**
   * Every process is blocked and no timer will wake one before the end of
   * virtual time (sched/timer.ts TIME_END). Linux would sleep for ever; lde
   * ends the run with status 125 and one line saying which it is.
   */
  deadlock(): void {
    // With a terminal, a key may still wake a reader or end a group (^C): wait for one, as Linux would sleep.
    for (const tty = ttyOf(this); tty?.awaitHost();) {
      this.syncClock();
      if (this.stopping()) return; // --max-time, in host time for a realtime run
      this.sched.timers.expire();
      if (this.sched.schedule(this.cpus[0])) return;
    }
    const next = this.sched.timers.next();
    if (next === undefined) return this.finish({ status: 125, message: 'every process is blocked: deadlock' });
    const who = `pid ${next.p.pid} (${basename(next.p.exe)})`;
    this.finish({ status: 125, message: `every process is asleep: the first wake-up, ${who} at ${span(next.at)}, is past the end of virtual time (${span(TIME_END)})` });
  }

  /** The cycle --max-time stops the run at (Infinity without it): an idle hart skips no further. */
  get stopAt(): number { return this.opts.maxCycles ?? Infinity; }

  /** Whether the run is over, checking --max-time and the end of virtual time first (usertrap calls it after every return from U-mode). */
  stopping(): boolean {
    if (this.result === undefined && this.hart.cycle >= this.stopAt) this.result = this.timeLimit();
    if (this.result === undefined && this.hart.cycle >= TIME_END) this.result = { status: 124, message: `no progress: virtual time reached its end (${span(TIME_END)}), where a cycle no longer moves the clock` };
    return this.result !== undefined;
  }

  /** --max-time ran out: one line saying who had the CPU, since when, and whether anything could have taken it back. */
  private timeLimit(): RunResult {
    const cpu = this.cpu, p = cpu.current, secs = (c: number) => `${(c / 1e9).toFixed(3)} s`;
    const holder = p ? `; pid ${p.pid} (${basename(p.exe)}) had held the CPU since ${secs(cpu.since)}` : cpu.runq.length === 0 ? '; every process was asleep' : '';
    const waiting = cpu.runq.length;
    const why = this.hz === 0 && p && waiting > 0 ? ` with ${waiting} other process${waiting > 1 ? 'es' : ''} waiting to run: there is no timer interrupt to take it back` : '';
    return { status: 124, message: `no progress: stopped at ${secs(this.hart.cycle)} of virtual time (--max-time)${holder}${why}` };
  }

  /**
   * --realtime: virtual time (1 ns a cycle) catches up with the host clock (realtime.ts: `lazy`, the run loop's call, not
   * every time); otherwise it is instructions plus the cost table's charges. Then what was typed at the terminal comes in (fs/tty.ts).
   */
  syncClock(lazy = false): void {
    if (lazy) this.hostClock?.onExit(); else this.hostClock?.catchUp();
    ttyOf(this)?.poll();
  }

  /** Kernel work on behalf of the current process: virtual time passes (cost.ts) and counts as its system time. */
  charge(cycles: number, owner: Process | undefined = this.current): void {
    this.hart.advance(cycles);
    if (owner !== undefined) owner.stime += cycles;
  }

  /** Cycles charged so far for system calls' metered work (chargeWork), beyond the crossing's fixed charge. */
  syscallWorkCycles = 0;
  /** The budget of kernel objects kept on the host (mm/kmem.ts). */
  get kmem(): KernelMemory { return this.frames.kmem; }
  /** The work meter that kernel loops add to (mm/work.ts). */
  get work(): Work { return this.frames.work; }

  /** The work meter's counts since its last reset (mm/work.ts), as virtual time charged to owner at once (no preemption point); returns the cycles. */
  chargeWork(owner: Process | undefined = this.current): number {
    if (this.frames.work.empty) return 0; // the fault path: no debt object when nothing was metered
    const d = this.takeWork('');
    const cycles = d.straight + d.loop;
    if (cycles > 0) this.charge(cycles, owner);
    return cycles;
  }

  /** The work meter's counts since its last reset as a debt of cycles (straight-line, and loops with preemption points), and resets it. */
  takeWork(where: string): KernelDebt {
    const w = this.frames.work, c = this.costs;
    const loop = Math.ceil(w.bytes / 1024 * c.copyPerKiB + w.pages * c.pageOp + w.items * c.item);
    const debt = { where, straight: w.straight, loop };
    w.reset();
    return debt;
  }

  /** Charges a system call's metered work to p in chunks, with the preemption points --preempt gives (sched/preempt.ts); false if p was preempted. */
  kernelWork(p: Process, debt: KernelDebt): boolean {
    if (debt.straight + debt.loop === 0) return true;
    this.syscallWorkCycles += debt.straight + debt.loop;
    return kernelWork(this, this.cpu, p, debt);
  }

  /** The virtual time and hart of an event the kernel emits now. */
  at(): { cycle: number; hart: number } { return { cycle: this.hart.cycle, hart: this.hart.hartId }; }
  // ---- the scheduler's interface (sched/sched.ts) ------------------------------

  /** The process on the hart the kernel runs on; undefined between leaving it and the next context switch. */
  get current(): Process | undefined { return this.cpu.current; }
  /** Timer interrupts taken and idle cycles, over every hart. */
  get ticks(): number { return this.cpus.reduce((n, c) => n + c.ticks, 0); }
  get idleCycles(): number { return this.cpus.reduce((n, c) => n + c.idleCycles, 0); }

  /** Queues a new or continued process to run. */
  enqueue(p: Process): void { this.sched.enqueue(p); }
  /** Takes a process out of the run queue (it stopped). */
  dequeue(p: Process): void { this.sched.dequeue(p); }
  /** Puts p to sleep on q; returns BLOCK for the system call to return. */
  sleepOn(p: Process, q: WaitQueue): number { this.sched.sleepOn(p, q); return BLOCK; }
  /** Puts p to sleep on q until virtual cycle `until` at the latest; returns BLOCK. */
  sleepOnUntil(p: Process, q: WaitQueue, until: number): number { this.sched.sleepOnUntil(p, q, until); return BLOCK; }
  /** Puts p to sleep until virtual cycle `until`; returns BLOCK. */
  sleepUntil(p: Process, until: number): number { this.sched.sleepUntil(p, until); return BLOCK; }
  /** Undoes sleepOn for a call that changed its mind (a partial transfer already happened). */
  unsleep(p: Process): void { this.sched.unsleep(p); }
  /** sched_yield: the caller goes to the back of the run queue when someone else can run. */
  yieldCpu(p: Process): void { this.sched.yieldCpu(p); }
  /** Makes every sleeper on q runnable; their system calls run again. */
  wake(q: WaitQueue, by = this.current?.pid ?? 0): void { this.sched.wake(q, by); }
  /** A sleeper becomes runnable: woken by a process's action ('event'), a timer or a signal; `by` is that process (0: the kernel). */
  makeRunnable(p: Process, why: 'event' | 'timer' | 'signal' = 'event', by = this.current?.pid ?? 0, due?: number): void { this.sched.makeRunnable(p, why, by, due); }
  /** Takes p off the CPU if it is on it, recording why (for the next switch event). */
  leaveCpu(p: Process, reason: SwitchReason): void { this.sched.leaveCpu(p, reason); }
  /** Arms p's ITIMER_REAL (setitimer/alarm). */
  setAlarm(p: Process, at: number, interval: number): void { this.sched.setAlarm(p, at, interval); }
  /** Points satp at an address space (execve's new one, on the hart the caller runs on). */
  loadSpace(as: AddressSpace): void { this.cpu.loadSpace(as); }
  /** sched_setaffinity: p may run only on the harts in mask; it moves now if it is on another (sched/smp.ts). */
  setAffinity(p: Process, mask: bigint): void { p.affinity = mask; affinityChanged(this, p); }

  // ---- signals and the end of a process (signal/, sched/exit.ts) ----------------

  /** Generates signal sig for p (kill, a fault, SIGPIPE, SIGALRM). Delivery happens on the way back to U-mode (sigpolicy.ts). */
  signal(p: Process, sig: number, info: SigInfo = { code: SI_KERNEL }): void { generate(this, p, sig, info); if (this.cpus.length > 1) kick(this); }
  /** A process-directed signal (kill(2)) for p's thread group: one thread that does not block it takes it (sigpolicy.ts). */
  signalGroup(p: Process, sig: number, info: SigInfo = { code: SI_KERNEL }): void { generateForGroup(this, p, sig, info); if (this.cpus.length > 1) kick(this); }
  /** Returns to p in U-mode on cpu (trap.ts usertrapret): how the scheduler hands the hart over without importing the trap path. */
  returnToUser(cpu: Cpu, p: Process): void { usertrapret(this, cpu, p); }

  /** A handler interrupts p's sleeping system call: true to restart it after the handler, false for EINTR (sys/syscall.ts interrupted). */
  syscallInterrupted(p: Process, saRestart: boolean): boolean { return interrupted(this, p, saRestart); }

  /** rt_sigreturn: restores the context saved in the frame at sp; a bad frame is SIGSEGV. */
  sigreturn(p: Process): boolean {
    if (popFrame(p)) return true;
    this.kill(p, Sig.SEGV, p.reg(2), 'bad signal frame');
    return false;
  }
  /** Ends p as a fatal signal's default action does. */
  kill(p: Process, sig: number, addr: number, why?: string, info: SigInfo = { code: SI_KERNEL }): void { kill(this, p, sig, addr, why, info); }
  /** Ends the thread p (exit(2)); the group ends with its last thread. status is a wait status (code << 8, or the signal number). */
  exit(p: Process, waitStatus: number, message?: string): void { exit(this, p, waitStatus, message); }
  /** Ends every thread of p's group (exit_group(2)). */
  exitGroup(p: Process, waitStatus: number, message?: string): void { exitGroup(this, p, waitStatus, message); }
  /** execve from a thread: the others end, and the caller becomes the leader (sched/exit.ts). */
  deThread(p: Process): void { deThread(this, p); }
  /** A thread is dying, its memory still there: its robust futexes and CLONE_CHILD_CLEARTID word (sys/futex.ts). */
  threadExit(p: Process): void { threadExitFutexes(this, p); }
  /** leader's thread group has ended and its children have a new parent: a process group it orphaned with stopped members is hung up (fs/tty-session.ts). */
  groupEnded(leader: Process, children: readonly Process[]): void { hangUpOrphaned(this, leader, children); }
  /** A terminal stop signal (SIGTSTP, SIGTTIN, SIGTTOU) for p would stop a process in an orphaned group: it is thrown away (fs/tty-session.ts). */
  stopDiscarded(p: Process): boolean { return stopDiscarded(this, p); }
  /** RAM is exhausted: the OOM killer ends the process holding the most pages. */
  outOfMemory(): void { outOfMemory(this); }
}

