// The kernel: boots on the machine, installs its trap vector once, and runs
// processes in U-mode. It regains control only when hart.run() returns an
// Exit — a system call, an exception, or the timer interrupt (DESIGN.md).

import { Board, Csr, ENVCFG_STCE, Irq, St, Mode, CAUSE_NAMES, type Exit, type HartPort } from '../machine/index.js';
import type { Tracer, SwitchReason, FaultResolution } from '../trace/events.js';
import { DEFAULT_COSTS, type CostTable } from './cost.js';
import { formatExit } from './sys/strace.js';
import { generate, forceSignal, deliver, delivered, notifyParent, reportIgnored } from './signal/sigpolicy.js';
import { Frames, PAGE_SIZE } from './mm/frames.js';
import { AddressSpace, PTE_A, PTE_R, PTE_U, PTE_X, USER_TOP } from './mm/vm.js';
import { Process } from './sched/proc.js';
import { basename } from './fs/vfs.js';
import { Swap } from './mm/swap.js';
import { ConsoleFile } from './fs/file.js';
import type { HostIO } from './host.js';
import { checkImage, load, ExecError } from './fs/loader.js';
import { Access, pageFault } from './mm/fault.js';
import { dispatch, BLOCK, NORETURN } from './sys/syscall.js';
import type { WaitQueue } from './sched/wait.js';
import { SIGNAL_NAMES, Sig, SIG_DFL, SIG_IGN, STOP_SIGNALS, stopsByDefault, SA_RESTART,
  bit, ignoredByDefault, pushFrame, popFrame, type SigInfo } from './signal/signal.js';
import { VIRTUAL_EPOCH_S } from './sys/proc.js';
import { EINTR } from './errno.js';

/** The kernel's trampoline: the top page of Sv39, kernel-only, native (DESIGN.md). */
export const TRAMPOLINE_VA = -PAGE_SIZE;
const TRAMPOLINE_INDEX_VA = 2 ** 39 - PAGE_SIZE; // the same page as the page-table walk sees it
const TICKS_PER_SEC = 10_000_000;
/** A user page holding `li a7, 139; ecall`: where signal handlers return (rt_sigreturn). */
export const SIGTRAMP_VA = USER_TOP - PAGE_SIZE;
const SIGTRAMP_CODE = [0x08b00893, 0x00000073];
const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, ILL_ILLOPC = 1, TRAP_BRKPT = 1, SI_KERNEL = 0x80;

export interface KernelOptions {
  host: HostIO;
  memBytes?: number;
  hz?: number; // 100, 250, 300 or 1000; 0 = no timer
  /** Stop after this many cycles of virtual time (the run cannot make progress otherwise). */
  maxCycles?: number;
  seed?: number;
  /** Host directories the guest may write under (--rw); everything else on the host is read-only. */
  rw?: string[];
  /** Bytes of swap (--swap); 0 = none, so running out of RAM means the OOM killer. */
  swapBytes?: number;
  /** --realtime: virtual time never lags the host clock, idle time is really waited, randomness is not seeded. */
  realtime?: boolean;
  /** What kernel work costs in virtual cycles (cost.ts); DEFAULT_COSTS unless given. */
  costs?: CostTable;
}

export interface RunResult {
  status: number; // the init process's exit status, or 128 + signal
  message?: string; // one line when a signal killed it
}

export class Kernel {
  readonly board: Board;
  /** The one hart, through the kernel port (machine/port.ts). */
  readonly hart: HartPort;
  readonly frames: Frames;
  readonly swap: Swap | undefined;
  readonly host: HostIO;
  readonly procs = new Map<number, Process>();
  readonly hz: number;
  current: Process | undefined;
  private runq: Process[] = [];
  /** Processes in a timed sleep, woken by wakeTimers(); processes with an armed ITIMER_REAL. */
  private timed: Process[] = [];
  private alarms: Process[] = [];
  /** The address space whose root is in satp now. */
  private loaded: AddressSpace | undefined;
  idleCycles = 0;
  private nextPid = 1;
  private readonly trampoline: number;
  private readonly sigtramp: number;
  private readonly tickInterval: number;
  ticks = 0;
  readonly syscallCounts = new Map<string, number>();
  /** Where the kernel's events go: the machine's tracer, so machine and kernel events share one stream. */
  readonly trace: Tracer;
  readonly costs: CostTable;
  /** The process that last ran, and why it left the CPU (for the next switch event). */
  private lastPid = 0;
  /** When the current process last got the CPU (cycle). */
  private cpuSince = 0;
  /** The hart idled since the last switch (the next switch's cost is nobody's). */
  private idled = false;
  private offReason: SwitchReason = 'start';
  /** Totals over every process that has exited (the kernel's own counters; --stats counts from the events). */
  readonly totals = { processes: 0, minflt: 0, majflt: 0, nvcsw: 0, nivcsw: 0, killedBySignal: 0 };
  readonly unknownSyscalls = new Map<number, number>();
  private result: RunResult | undefined;
  random: () => number;
  /** CLOCK_REALTIME at cycle 0, in ns: a fixed epoch (deterministic), or the host's wall clock with --realtime. */
  readonly epochNs: number;
  private readonly hostStart: number;
  /** Absolute host directories the guest may write under (--rw). */
  readonly rwDirs: readonly string[];

  constructor(private readonly opts: KernelOptions) {
    this.host = opts.host;
    this.rwDirs = opts.rw ?? [];
    this.epochNs = opts.realtime ? opts.host.epochNs() : VIRTUAL_EPOCH_S * 1e9;
    this.hostStart = opts.realtime ? opts.host.nowNs() : 0;
    this.hz = opts.hz ?? 250;
    this.board = new Board({ memBytes: opts.memBytes ?? 256 << 20 });
    this.hart = this.board.port;
    this.trace = this.board.trace;
    this.costs = opts.costs ?? DEFAULT_COSTS;
    this.frames = new Frames(this.board.bus);
    if ((opts.swapBytes ?? 0) > 0) {
      const live = () => [...this.procs.values()].filter((q) => q.state !== 'zombie').map((q) => q.as);
      this.swap = new Swap(opts.swapBytes!, live, () => this.hart.sfenceVma());
      this.frames.reclaim = () => this.swap!.evictOne();
    }
    this.tickInterval = this.hz > 0 ? Math.round(TICKS_PER_SEC / this.hz) : 0;
    let s = (opts.seed ?? 1) >>> 0 || 1;
    this.random = opts.realtime ? Math.random : () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
    this.trampoline = this.frames.alloc();
    this.hart.registerNative(this.trampoline, PAGE_SIZE);
    this.sigtramp = this.frames.alloc();
    SIGTRAMP_CODE.forEach((w, i) => { this.board.bus.ram32[(this.frames.off(this.sigtramp) >> 2) + i] = w; });
    this.boot();
  }

  /** What firmware and early boot do: delegate, enable Sstc, enter S-mode, write stvec once. */
  private boot(): void {
    const h = this.hart, w = (c: number, v: bigint) => h.csrWrite(c, v);
    const user = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((m, c) => m | (1 << c), 0);
    w(Csr.MEDELEG, BigInt(user));
    w(Csr.MIDELEG, BigInt((1 << Irq.STI) | (1 << Irq.SSI) | (1 << Irq.SEI)));
    w(Csr.MENVCFG, ENVCFG_STCE);
    w(Csr.MCOUNTEREN, 7n);
    h.setPriv(Mode.S);
    w(Csr.SCOUNTEREN, 7n);
    w(Csr.STVEC, BigInt.asUintN(64, BigInt(TRAMPOLINE_VA)));
    w(Csr.SIE, BigInt(1 << Irq.STI));
    w(Csr.SSTATUS, h.csrRead(Csr.SSTATUS)! | (1n << 13n)); // FS = Initial: user programs may use the FPU
    this.armTimer();
  }

  private armTimer(): void {
    if (this.tickInterval > 0) this.hart.csrWrite(Csr.STIMECMP, BigInt(this.hart.mtime() + this.tickInterval));
  }

  /** A fresh address space with the trampoline mapped (kernel-only). */
  newAddressSpace(): AddressSpace {
    const as = new AddressSpace(this.board.bus, this.frames);
    as.swap = this.swap;
    as.onChange = () => { if (this.current?.as === as) this.hart.sfenceVma(); };
    this.frames.ref(this.trampoline);
    as.map(TRAMPOLINE_INDEX_VA, this.trampoline, PTE_R | PTE_X | PTE_A);
    this.frames.ref(this.sigtramp);
    as.map(SIGTRAMP_VA, this.sigtramp, PTE_R | PTE_X | PTE_U | PTE_A);
    return as;
  }

  /**
   * execve's new image in a fresh address space: checks the ELF, loads it and
   * builds the initial stack (with AT_RANDOM from the seeded generator).
   * Throws ExecError with a one-line reason; nothing is leaked on failure.
   */
  buildImage(bytes: Uint8Array, path: string, argv: string[], envp: string[]): { as: AddressSpace; entry: number; sp: number } {
    const image = checkImage(bytes);
    const as = this.newAddressSpace();
    const random = Uint8Array.from({ length: 16 }, () => Math.floor(this.random() * 256));
    try {
      const l = load(as, image, { path, argv, envp, random });
      return { as, entry: l.entry, sp: l.sp };
    } catch (e) {
      as.destroy();
      throw e;
    }
  }

  /** Creates the first process from a program image. Throws ExecError with a one-line reason. */
  spawn(path: string, bytes: Uint8Array, argv: string[], envp: string[]): Process {
    const l = this.buildImage(bytes, path, argv, envp);
    const p = new Process(this.nextPid++, undefined, l.as, path, this.host.cwd);
    p.argv = argv;
    p.pc = l.entry;
    p.setReg(2, l.sp);
    p.files[0] = new ConsoleFile(this.host, 0, 0);
    p.files[1] = new ConsoleFile(this.host, 1, 1);
    p.files[2] = new ConsoleFile(this.host, 2, 1);
    this.procs.set(p.pid, p);
    this.runq.push(p);
    return p;
  }

  /** A new pid and process sharing nothing yet; the caller fills it (fork). */
  newProcess(parent: Process, as: AddressSpace): Process {
    const c = new Process(this.nextPid++, parent, as, parent.exe, parent.cwd);
    c.argv = parent.argv;
    this.procs.set(c.pid, c);
    parent.children.push(c);
    this.charge(this.costs.fork);
    if (this.trace.on) this.trace.emit({ kind: 'proc', ...this.at(), phase: 'create', pid: c.pid, ppid: parent.pid, name: basename(c.exe) });
    return c;
  }

  /** Queues a process to run. */
  enqueue(p: Process): void { p.state = 'runnable'; this.runq.push(p); }

  /** Runs until the first process exits (or cannot go on). */
  run(): RunResult {
    const h = this.hart;
    // The first processes' creation, as the first events (sinks may be attached after spawn).
    if (this.trace.on) for (const p of this.runq) if (p.parent === undefined) this.trace.emit({ kind: 'proc', ...this.at(), phase: 'create', pid: p.pid, ppid: 0, name: basename(p.exe) });
    while (this.result === undefined) {
      this.wakeTimers();
      if (this.current === undefined) {
        if (!this.switchToNext()) {
          if (!this.idle()) break;
          continue;
        }
        if (this.current === undefined) continue; // a fatal signal ended it on its way back to U-mode
      }
      this.syncClock();
      const exit = h.run(1 << 20);
      this.handle(exit);
      if (this.opts.maxCycles !== undefined && h.cycle >= this.opts.maxCycles && this.result === undefined) this.result = this.timeLimit();
    }
    const result = this.result ?? { status: 125, message: 'every process is blocked: deadlock' };
    if (this.trace.on) this.trace.emit({ kind: 'end', ...this.at(), instret: h.instret, status: result.status, hz: this.hz });
    return result;
  }

  /** --max-time ran out: one line saying who had the CPU, since when, and whether anything could have taken it back. */
  private timeLimit(): RunResult {
    const h = this.hart, p = this.current, secs = (c: number) => `${(c / 1e9).toFixed(3)} s`;
    const holder = p ? `; pid ${p.pid} (${basename(p.exe)}) had held the CPU since ${secs(this.cpuSince)}` : '';
    const waiting = this.runq.length;
    const why = this.hz === 0 && p && waiting > 0 ? ` with ${waiting} other process${waiting > 1 ? 'es' : ''} waiting to run: there is no timer interrupt to take it back` : '';
    return { status: 124, message: `no progress: stopped at ${secs(h.cycle)} of virtual time (--max-time)${holder}${why}` };
  }

  private handle(exit: Exit): void {
    const p = this.current!;
    switch (exit.kind) {
      case 'trap': {
        const h = this.hart;
        h.saveRegs(p); p.pc = Number(BigInt.asIntN(64, exit.pc));
        this.chargeUser(p);
        if (exit.interrupt) this.tick(p);
        else this.exception(p, exit.cause, exit.tval);
        if (this.current === p && p.state === 'running') this.resume(p);
        return;
      }
      case 'budget': this.chargeUser(p); return;
      case 'wfi': case 'halt':
        this.result = { status: 125, message: `the machine stopped unexpectedly (${exit.kind})` };
        return;
      default: { const never: never = exit; return never; }
    }
  }

  // ---- sleeping and waking (wait.ts) ---------------------------------------

  /** Puts p to sleep on q; returns BLOCK for the system call to return. */
  sleepOn(p: Process, q: WaitQueue): number {
    p.state = 'sleeping';
    p.waitingOn = q;
    q.add(p);
    if (this.current === p) { this.current = undefined; p.nvcsw++; this.offReason = 'block'; }
    return BLOCK;
  }

  /** Puts p to sleep until virtual cycle `until`. */
  sleepUntil(p: Process, until: number): number {
    p.state = 'sleeping';
    p.wakeAt = until;
    this.timed.push(p);
    if (this.current === p) { this.current = undefined; p.nvcsw++; this.offReason = 'block'; }
    return BLOCK;
  }

  /** Undoes sleepOn for a call that changed its mind (a partial transfer already happened). */
  unsleep(p: Process): void {
    p.waitingOn?.remove(p);
    p.waitingOn = undefined;
    p.state = 'running';
    this.current = p;
    p.nvcsw--;
  }

  /** sched_yield: the caller goes to the back of the run queue when someone else can run. */
  yieldCpu(p: Process): void {
    if (this.runq.length === 0 || this.current !== p) return;
    p.state = 'runnable';
    p.nvcsw++;
    this.runq.push(p);
    this.current = undefined;
    this.offReason = 'yield';
  }

  /** Makes every sleeper on q runnable; their system calls run again. */
  wake(q: WaitQueue, by = this.current?.pid ?? 0): void {
    for (const p of q.drain()) this.makeRunnable(p, 'event', by);
  }

  /** A sleeper becomes runnable: woken by a process's action ('event'), a timer or a signal; `by` is that process (0: the kernel). */
  makeRunnable(p: Process, why: 'event' | 'timer' | 'signal' = 'event', by = this.current?.pid ?? 0): void {
    p.waitingOn?.remove(p);
    p.waitingOn = undefined;
    if (p.state !== 'sleeping') return;
    if (this.trace.on) this.trace.emit({ kind: 'wake', ...this.at(), pid: p.pid, by: why === 'timer' ? 0 : by, why });
    p.state = 'runnable';
    p.wakeAt = Infinity;
    this.timed = this.timed.filter((q) => q !== p);
    this.runq.push(p);
  }

  /** --realtime: virtual time (1 cycle = 1 ns) catches up with the host clock; otherwise it is instructions plus the cost table's charges. */
  private syncClock(): void {
    if (!this.opts.realtime) return;
    const h = this.hart, now = this.host.nowNs() - this.hostStart;
    if (now > h.cycle) h.idleUntil(now);
  }

  /** Adds the cycles since p last entered U-mode to its user time. */
  private chargeUser(p: Process): void {
    const now = this.hart.cycle;
    p.utime += now - p.userSince;
    p.userSince = now;
  }

  /** Kernel work on behalf of the current process: virtual time passes (cost.ts) and counts as its system time. */
  charge(cycles: number, owner: Process | undefined = this.current): void {
    this.hart.advance(cycles);
    if (owner !== undefined) owner.stime += cycles;
  }

  /** Arms p's ITIMER_REAL (setitimer/alarm). */
  setAlarm(p: Process, at: number, interval: number): void {
    p.alarmAt = at;
    p.alarmInterval = interval;
    if (at !== Infinity && !this.alarms.includes(p)) this.alarms.push(p);
  }

  private wakeTimers(): void {
    const now = this.hart.cycle;
    for (const p of this.alarms.filter((q) => q.alarmAt <= now)) {
      p.alarmAt = p.alarmInterval > 0 ? now + p.alarmInterval : Infinity;
      this.signal(p, Sig.ALRM, { code: SI_KERNEL });
    }
    this.alarms = this.alarms.filter((q) => q.alarmAt !== Infinity && q.state !== 'zombie');
    if (this.timed.length === 0) return;
    for (const p of this.timed.filter((q) => q.wakeAt <= now)) this.makeRunnable(p, 'timer');
  }

  /**
   * Nothing can run: skip virtual time to the earliest timed wake-up (the
   * idle hart would sleep in wfi until its timer fires). False = deadlock.
   */
  private idle(): boolean {
    if (this.timed.length === 0 && this.alarms.length === 0) return false;
    const h = this.hart;
    const until = Math.min(...this.timed.map((p) => p.wakeAt), ...this.alarms.map((p) => p.alarmAt));
    if (this.trace.on) this.trace.emit({ kind: 'idle', ...this.at(), until: Math.max(until, h.cycle) });
    if (this.opts.realtime) { this.syncClock(); this.host.sleepNs(until - h.cycle); this.syncClock(); }
    if (until > h.cycle) { this.idleCycles += until - h.cycle; h.idleUntil(until); }
    this.idled = true;
    this.armTimer();
    return true;
  }

  /** The timer interrupt: count it, re-arm, and give another process the CPU if one is waiting. */
  private tick(p: Process): void {
    this.ticks++;
    this.charge(this.costs.interrupt);
    this.armTimer();
    this.wakeTimers();
    // RLIMIT_CPU: SIGXCPU at the soft limit (each second past it), SIGKILL at the hard one.
    const cpu = (p.utime + p.stime) / 1e9, [soft, hard] = p.rlimits.get(0)!;
    if (cpu >= Number(hard)) {
      if (this.trace.on) this.trace.emit({ kind: 'tick', ...this.at(), pid: p.pid, preempted: false });
      return this.kill(p, Sig.KILL, p.pc, 'RLIMIT_CPU');
    }
    if (cpu >= Number(soft) && Math.floor(cpu) > p.cpuWarned) { p.cpuWarned = Math.floor(cpu); this.signal(p, 24 /* SIGXCPU */); }
    const preempt = this.runq.length > 0 && this.current === p;
    if (preempt) {
      p.nivcsw++;
      p.state = 'runnable';
      this.runq.push(p);
      this.current = undefined;
      this.offReason = 'tick';
    }
    if (this.trace.on) this.trace.emit({ kind: 'tick', ...this.at(), pid: p.pid, preempted: preempt });
  }

  private exception(p: Process, cause: number, tval: bigint): void {
    if (cause === 8) return this.syscall(p);
    const addr = Number(tval);
    if (cause === 12 || cause === 13 || cause === 15) {
      const access = cause === 12 ? Access.EXEC : cause === 13 ? Access.READ : Access.WRITE;
      const r = pageFault(p.as, addr, access, p.limit(3));
      this.charge(r === 'copy-on-write' ? this.costs.cowFault : this.costs.fault);
      const signal = r === 'maperr' || r === 'accerr';
      if (this.trace.on) this.faultEvent(p, cause, addr, signal ? 'signal' : r);
      if (signal) return forceSignal(this, p, Sig.SEGV, r === 'maperr' ? SEGV_MAPERR : SEGV_ACCERR, addr);
      if (r === 'oom') return this.outOfMemory(); // the faulting access runs again if its process survives
      if (r === 'swap-in') p.majflt++; else p.minflt++;
      return;
    }
    this.charge(this.costs.syscall); // an exception's crossing, like a system call's
    if (this.trace.on) this.faultEvent(p, cause, addr, 'signal');
    if (cause === 2) return forceSignal(this, p, Sig.ILL, ILL_ILLOPC, p.pc);
    if (cause === 3) return forceSignal(this, p, Sig.TRAP, TRAP_BRKPT, p.pc);
    if (cause === 4 || cause === 6) return forceSignal(this, p, Sig.BUS, BUS_ADRALN, addr);
    return forceSignal(this, p, Sig.SEGV, SI_KERNEL, addr);
  }

  private faultEvent(p: Process, cause: number, addr: number, resolution: FaultResolution): void {
    this.trace.emit({ kind: 'fault', ...this.at(), pid: p.pid, cause, name: CAUSE_NAMES[cause] ?? `cause ${cause}`, addr, pc: p.pc, resolution });
  }

  /** Generates signal sig for p (kill, a fault, SIGPIPE, SIGALRM). Delivery happens on the way back to U-mode (sigpolicy.ts). */
  signal(p: Process, sig: number, info: SigInfo = { code: SI_KERNEL }): void { generate(this, p, sig, info); }

  /** Takes p off the CPU if it is on it, recording why (for the next switch event). */
  leaveCpu(p: Process, reason: SwitchReason): void {
    if (this.current === p) { this.current = undefined; this.offReason = reason; }
  }

  /** Takes a runnable process out of the run queue (it stopped). */
  dequeue(p: Process): void { this.runq = this.runq.filter((q) => q !== p); }

  /** The virtual time and hart of an event the kernel emits now. */
  at(): { cycle: number; hart: number } { return { cycle: this.hart.cycle, hart: this.hart.hartId }; }

  /** rt_sigreturn: restores the context saved in the frame at sp; a bad frame is SIGSEGV. */
  sigreturn(p: Process): boolean {
    if (popFrame(p)) return true;
    this.kill(p, Sig.SEGV, p.reg(2), 'bad signal frame');
    return false;
  }

  private syscall(p: Process): void {
    const r = dispatch(this, p);
    p.inBlockedCall = r === BLOCK;
    if (r === BLOCK || r === NORETURN) return; // sleeps (the call runs again when it wakes), or execve/sigreturn set the registers
    if (p.state === 'zombie') return;
    p.setReg(10, r);
    p.pc += 4;
  }

  /**
   * RAM is exhausted: kill the process holding the most pages (Linux's OOM
   * killer in miniature), with one line on stderr. The kernel itself never fails.
   */
  outOfMemory(): void {
    let victim: Process | undefined, most = -1;
    for (const q of this.procs.values()) {
      if (q.state === 'zombie') continue;
      let pages = 0;
      for (const _ of q.as.leaves()) pages++;
      if (pages > most) { most = pages; victim = q; }
    }
    if (victim === undefined) return;
    this.host.write(2, new TextEncoder().encode(`lde: out of memory: killed pid ${victim.pid} (${basename(victim.exe)}), which held ${(most * PAGE_SIZE / 1048576).toFixed(1)} MiB\n`));
    this.kill(victim, Sig.KILL, victim.pc, 'out of memory');
  }

  /** Ends p as a fatal signal's default action does, with the one-line message of DESIGN.md. */
  kill(p: Process, sig: number, addr: number, why?: string, info: SigInfo = { code: SI_KERNEL }): void {
    delivered(this, p, sig, sig === Sig.KILL ? undefined : info, 'kill'); // no siginfo for SIGKILL: strace never sees it, the process just dies
    if (this.current === p) this.offReason = 'signal';
    const name = SIGNAL_NAMES[sig] ?? `signal ${sig}`;
    const where = `at 0x${BigInt.asUintN(64, BigInt(addr)).toString(16)} (pc 0x${BigInt.asUintN(64, BigInt(p.pc)).toString(16)})`;
    this.exit(p, sig, `pid ${p.pid} killed by ${name}${why ? ` (${why})` : ''} ${where}`);
  }

  /** Ends a process: status is a wait status (code << 8, or the signal number). */
  exit(p: Process, waitStatus: number, message?: string): void {
    if (this.trace.on) {
      this.trace.emit({ kind: 'proc', ...this.at(), phase: 'exit', pid: p.pid, ppid: p.parent?.pid ?? 0,
        name: basename(p.exe), status: waitStatus, text: formatExit(waitStatus) });
    }
    if (this.current === p && (waitStatus & 0x7f) === 0) this.offReason = 'exit';
    p.state = 'zombie';
    this.totals.processes++;
    this.totals.minflt += p.minflt; this.totals.majflt += p.majflt; this.totals.nvcsw += p.nvcsw; this.totals.nivcsw += p.nivcsw;
    if (waitStatus & 0x7f) this.totals.killedBySignal++;
    p.exitStatus = waitStatus;
    for (const f of p.files) if (f && --f.refs === 0) f.close();
    p.files = [];
    p.as.destroy();
    if (this.loaded === p.as) this.loaded = undefined;
    if (this.current === p) this.current = undefined;
    this.runq = this.runq.filter((q) => q !== p);
    this.timed = this.timed.filter((q) => q !== p);
    p.waitingOn?.remove(p);
    if (p.vforkDone) { this.wake(p.vforkDone, p.pid); p.vforkDone = undefined; }
    // Orphans go to pid 1 (or simply lose their parent when pid 1 is the one exiting).
    const init = this.procs.get(1);
    for (const c of p.children) { c.parent = init !== p ? init : undefined; if (c.parent) c.parent.children.push(c); }
    p.children = [];
    const parent = p.parent;
    if (parent && parent.sigActions[Sig.CHLD].handler === SIG_IGN) {
      // POSIX: with SIGCHLD ignored, children are reaped at once and never become zombies.
      parent.children = parent.children.filter((q) => q !== p);
      this.procs.delete(p.pid);
      this.wake(parent.childWait, p.pid);
    } else if (parent) {
      this.wake(parent.childWait, p.pid);
      notifyParent(this, p, waitStatus & 0x7f ? 2 : 1, waitStatus & 0x7f ? waitStatus & 0x7f : (waitStatus >> 8) & 0xff);
    } else if (p.pid !== 1) this.procs.delete(p.pid); // nobody will reap it
    if (p.pid === 1) {
      const sig = waitStatus & 0x7f;
      this.result = sig ? { status: 128 + sig, message } : { status: (waitStatus >> 8) & 0xff };
    }
  }

  private switchToNext(): boolean {
    const next = this.runq.shift();
    if (next === undefined) return false;
    // The switch is work done for the process leaving the CPU; after an exit, or an idle hart, for no one.
    const last = this.idled ? undefined : this.procs.get(this.lastPid);
    if (next.pid !== this.lastPid) this.charge(this.costs.contextSwitch, last?.state !== 'zombie' ? last : undefined);
    this.idled = false;
    if (this.trace.on) this.trace.emit({ kind: 'switch', ...this.at(), from: this.lastPid, to: next.pid, reason: this.offReason, toName: basename(next.exe) });
    this.cpuSince = this.hart.cycle;
    this.lastPid = next.pid;
    this.current = next;
    next.state = 'running';
    this.loadSpace(next.as);
    this.resume(next);
    return true;
  }

  /** Points satp at an address space (the hart flushes its TLB on the write). */
  loadSpace(as: AddressSpace): void {
    if (this.loaded === as) return;
    this.loaded = as;
    this.hart.csrWrite(Csr.SATP, (8n << 60n) | BigInt(as.root / PAGE_SIZE));
  }

  /** Returns to the current process in U-mode with sret, delivering a pending signal first. */
  private resume(p: Process): void {
    // (Not while a woken call is about to run again: Linux finishes the call first, then reports the signal.)
    if (p.ignoredForTrace.length > 0 && !p.inBlockedCall) reportIgnored(this, p);
    // Like Linux's exit-to-user loop: every deliverable signal gets a frame, each on top of the last.
    while ((p.sigPending & ~p.sigMask) !== 0n) if (!deliver(this, p)) return;
    const h = this.hart;
    h.loadRegs(p);
    h.setSepc(p.pc);
    p.userSince = h.cycle;
    h.csrWrite(Csr.SSTATUS, (h.csrRead(Csr.SSTATUS)! & ~BigInt(St.SPP)) | BigInt(St.SPIE)); // SPP = U
    h.sret();
  }
}

