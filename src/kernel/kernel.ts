// The kernel: boots on the machine, installs its trap vector once, and runs
// processes in U-mode. It regains control only when hart.run() returns an
// Exit — a system call, an exception, or the timer interrupt (DESIGN.md).

import { Board, Csr, ENVCFG_STCE, Irq, St, csrWrite, Mode, type Exit } from '../machine/index.js';
import { Frames, PAGE_SIZE } from './frames.js';
import { AddressSpace, PTE_A, PTE_R, PTE_X } from './vm.js';
import { Process } from './proc.js';
import { ConsoleFile } from './file.js';
import type { HostIO } from './host.js';
import { checkImage, load, ExecError } from './loader.js';
import { Access, pageFault } from './fault.js';
import { dispatch, BLOCK, NORETURN } from './syscall.js';
import type { WaitQueue } from './wait.js';
import { SIGNAL_NAMES, Sig } from './signal.js';

/** The kernel's trampoline: the top page of Sv39, kernel-only, native (DESIGN.md). */
export const TRAMPOLINE_VA = -PAGE_SIZE;
const TRAMPOLINE_INDEX_VA = 2 ** 39 - PAGE_SIZE; // the same page as the page-table walk sees it
const TICKS_PER_SEC = 10_000_000;

export interface KernelOptions {
  host: HostIO;
  memBytes?: number;
  hz?: number; // 100, 250, 300 or 1000; 0 = no timer
  /** Stop after this many cycles of virtual time (the run cannot make progress otherwise). */
  maxCycles?: number;
  seed?: number;
  /** Host directories the guest may write under (--rw); everything else on the host is read-only. */
  rw?: string[];
}

export interface RunResult {
  status: number; // the init process's exit status, or 128 + signal
  message?: string; // one line when a signal killed it
}

export class Kernel {
  readonly board: Board;
  readonly frames: Frames;
  readonly host: HostIO;
  readonly procs = new Map<number, Process>();
  readonly hz: number;
  current: Process | undefined;
  private runq: Process[] = [];
  /** Processes in a timed sleep, woken by wakeTimers(). */
  private timed: Process[] = [];
  /** The address space whose root is in satp now. */
  private loaded: AddressSpace | undefined;
  idleCycles = 0;
  private nextPid = 1;
  private readonly trampoline: number;
  private readonly tickInterval: number;
  ticks = 0;
  readonly syscallCounts = new Map<string, number>();
  readonly unknownSyscalls = new Map<number, number>();
  private result: RunResult | undefined;
  random: () => number;
  /** Absolute host directories the guest may write under (--rw). */
  readonly rwDirs: readonly string[];

  constructor(private readonly opts: KernelOptions) {
    this.host = opts.host;
    this.rwDirs = opts.rw ?? [];
    this.hz = opts.hz ?? 250;
    this.board = new Board({ memBytes: opts.memBytes ?? 256 << 20 });
    this.frames = new Frames(this.board.bus);
    this.tickInterval = this.hz > 0 ? Math.round(TICKS_PER_SEC / this.hz) : 0;
    let s = (opts.seed ?? 1) >>> 0 || 1;
    this.random = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
    this.trampoline = this.frames.alloc();
    this.board.hart.registerNative(this.trampoline, PAGE_SIZE);
    this.boot();
  }

  /** What firmware and early boot do: delegate, enable Sstc, enter S-mode, write stvec once. */
  private boot(): void {
    const h = this.board.hart, w = (c: number, v: bigint) => csrWrite(h, c, v);
    const user = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((m, c) => m | (1 << c), 0);
    w(Csr.MEDELEG, BigInt(user));
    w(Csr.MIDELEG, BigInt((1 << Irq.STI) | (1 << Irq.SSI) | (1 << Irq.SEI)));
    w(Csr.MENVCFG, ENVCFG_STCE);
    w(Csr.MCOUNTEREN, 7n);
    h.setPriv(Mode.S);
    w(Csr.SCOUNTEREN, 7n);
    w(Csr.STVEC, BigInt.asUintN(64, BigInt(TRAMPOLINE_VA)));
    w(Csr.SIE, BigInt(1 << Irq.STI));
    h.mstatus |= 1 << 13; // FS = Initial: user programs may use the FPU
    this.armTimer();
  }

  private armTimer(): void {
    if (this.tickInterval > 0) csrWrite(this.board.hart, Csr.STIMECMP, BigInt(this.board.hart.mtime() + this.tickInterval));
  }

  /** A fresh address space with the trampoline mapped (kernel-only). */
  newAddressSpace(): AddressSpace {
    const as = new AddressSpace(this.board.bus, this.frames);
    as.onChange = () => { if (this.current?.as === as) this.board.hart.flushTlbs(); };
    this.frames.ref(this.trampoline);
    as.map(TRAMPOLINE_INDEX_VA, this.trampoline, PTE_R | PTE_X | PTE_A);
    return as;
  }

  /** Creates the first process from a program image. Throws ExecError with a one-line reason. */
  spawn(path: string, bytes: Uint8Array, argv: string[], envp: string[]): Process {
    const image = checkImage(bytes);
    const as = this.newAddressSpace();
    const random = Uint8Array.from({ length: 16 }, () => Math.floor(this.random() * 256));
    const l = load(as, image, { path, argv, envp, random });
    const p = new Process(this.nextPid++, undefined, as, path, this.host.cwd);
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
    this.procs.set(c.pid, c);
    parent.children.push(c);
    return c;
  }

  /** Queues a process to run. */
  enqueue(p: Process): void { p.state = 'runnable'; this.runq.push(p); }

  /** Runs until the first process exits (or cannot go on). */
  run(): RunResult {
    const h = this.board.hart;
    while (this.result === undefined) {
      this.wakeTimers();
      if (this.current === undefined && !this.switchToNext()) {
        if (!this.idle()) break;
        continue;
      }
      const exit = h.run(1 << 20);
      this.handle(exit);
      if (this.opts.maxCycles !== undefined && h.cycle >= this.opts.maxCycles && this.result === undefined) {
        const p = this.current;
        this.result = { status: 124, message: `no progress: stopped at ${(h.cycle / 1e9).toFixed(3)} s of virtual time${p ? ` with pid ${p.pid} on the CPU` : ''}` };
      }
    }
    return this.result ?? { status: 125, message: 'every process is blocked: deadlock' };
  }

  private handle(exit: Exit): void {
    const p = this.current!;
    switch (exit.kind) {
      case 'trap': {
        const h = this.board.hart;
        p.x.set(h.x); p.f.set(h.f); p.pc = Number(BigInt.asIntN(64, exit.pc));
        if (exit.interrupt) this.tick(p);
        else this.exception(p, exit.cause, exit.tval);
        if (this.current === p && p.state === 'running') this.resume(p);
        return;
      }
      case 'budget': return;
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
    if (this.current === p) { this.current = undefined; p.nvcsw++; }
    return BLOCK;
  }

  /** Puts p to sleep until virtual cycle `until`. */
  sleepUntil(p: Process, until: number): number {
    p.state = 'sleeping';
    p.wakeAt = until;
    this.timed.push(p);
    if (this.current === p) { this.current = undefined; p.nvcsw++; }
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

  /** Makes every sleeper on q runnable; their system calls run again. */
  wake(q: WaitQueue): void {
    for (const p of q.drain()) this.makeRunnable(p);
  }

  makeRunnable(p: Process): void {
    p.waitingOn?.remove(p);
    p.waitingOn = undefined;
    if (p.state !== 'sleeping') return;
    p.state = 'runnable';
    p.wakeAt = Infinity;
    this.timed = this.timed.filter((q) => q !== p);
    this.runq.push(p);
  }

  private wakeTimers(): void {
    if (this.timed.length === 0) return;
    const now = this.board.hart.cycle;
    for (const p of this.timed.filter((q) => q.wakeAt <= now)) this.makeRunnable(p);
  }

  /**
   * Nothing can run: skip virtual time to the earliest timed wake-up (the
   * idle hart would sleep in wfi until its timer fires). False = deadlock.
   */
  private idle(): boolean {
    if (this.timed.length === 0) return false;
    const h = this.board.hart;
    const until = Math.min(...this.timed.map((p) => p.wakeAt));
    if (until > h.cycle) { this.idleCycles += until - h.cycle; h.cycle = until; h.timersChanged(); }
    this.armTimer();
    return true;
  }

  /** The timer interrupt: count it, re-arm, and give another process the CPU if one is waiting. */
  private tick(p: Process): void {
    this.ticks++;
    this.armTimer();
    this.wakeTimers();
    if (this.runq.length > 0) {
      p.nivcsw++;
      p.state = 'runnable';
      this.runq.push(p);
      this.current = undefined;
    }
  }

  private exception(p: Process, cause: number, tval: bigint): void {
    if (cause === 8) return this.syscall(p);
    const addr = Number(tval);
    if (cause === 12 || cause === 13 || cause === 15) {
      const access = cause === 12 ? Access.EXEC : cause === 13 ? Access.READ : Access.WRITE;
      const r = pageFault(p.as, addr, access);
      if (r === 'maperr' || r === 'accerr') return this.kill(p, Sig.SEGV, addr);
      if (r === 'oom') return this.kill(p, Sig.KILL, addr, 'out of memory');
      p.minflt++;
      return;
    }
    if (cause === 2) return this.kill(p, Sig.ILL, p.pc);
    if (cause === 3) return this.kill(p, Sig.TRAP, p.pc);
    if (cause === 4 || cause === 6) return this.kill(p, Sig.BUS, addr);
    return this.kill(p, Sig.SEGV, addr);
  }

  private syscall(p: Process): void {
    const r = dispatch(this, p);
    if (r === BLOCK || r === NORETURN) return; // sleeps (the call runs again when it wakes), or execve/sigreturn set the registers
    if (p.state === 'zombie') return;
    p.setReg(10, r);
    p.pc += 4;
  }

  /** Default action of a fatal signal (handlers arrive with the signals work). */
  kill(p: Process, sig: number, addr: number, why?: string): void {
    const name = SIGNAL_NAMES[sig] ?? `signal ${sig}`;
    const where = `at 0x${BigInt.asUintN(64, BigInt(addr)).toString(16)} (pc 0x${BigInt.asUintN(64, BigInt(p.pc)).toString(16)})`;
    this.exit(p, sig, `pid ${p.pid} killed by ${name}${why ? ` (${why})` : ''} ${where}`);
  }

  /** Ends a process: status is a wait status (code << 8, or the signal number). */
  exit(p: Process, waitStatus: number, message?: string): void {
    p.state = 'zombie';
    p.exitStatus = waitStatus;
    for (const f of p.files) if (f && --f.refs === 0) f.close();
    p.files = [];
    p.as.destroy();
    if (this.loaded === p.as) this.loaded = undefined;
    if (this.current === p) this.current = undefined;
    this.runq = this.runq.filter((q) => q !== p);
    this.timed = this.timed.filter((q) => q !== p);
    p.waitingOn?.remove(p);
    if (p.vforkDone) { this.wake(p.vforkDone); p.vforkDone = undefined; }
    // Orphans go to pid 1 (or simply lose their parent when pid 1 is the one exiting).
    const init = this.procs.get(1);
    for (const c of p.children) { c.parent = init !== p ? init : undefined; if (c.parent) c.parent.children.push(c); }
    p.children = [];
    if (p.parent) this.wake(p.parent.childWait);
    else if (p.pid !== 1) this.procs.delete(p.pid); // nobody will reap it
    if (p.pid === 1) {
      const sig = waitStatus & 0x7f;
      this.result = sig ? { status: 128 + sig, message } : { status: (waitStatus >> 8) & 0xff };
    }
  }

  private switchToNext(): boolean {
    const next = this.runq.shift();
    if (next === undefined) return false;
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
    csrWrite(this.board.hart, Csr.SATP, (8n << 60n) | BigInt(as.root / PAGE_SIZE));
  }

  /** Returns to the current process in U-mode with sret. */
  private resume(p: Process): void {
    const h = this.board.hart;
    h.x.set(p.x); h.f.set(p.f);
    h.sepc = BigInt.asUintN(64, BigInt(p.pc));
    h.mstatus = (h.mstatus & ~St.SPP) | St.SPIE; // SPP = U
    h.sret();
  }
}
