// Events: every mode switch and every kernel decision, as plain values that
// sinks (--strace, --stats, --trace, the diagram) consume. This folder
// imports nothing from the rest of lde (DESIGN.md "Dependency rule"): the
// machine and the kernel describe what happened in these terms, and the
// sinks never look back at them.
//
// Emitting is guarded by one field read: `if (tracer.on) tracer.emit({...})`.
// With no sink attached `on` is false and no event object is ever built.

/** Privilege modes as the hart numbers them (priv 1.2): U = 0, S = 1, M = 3. */
export type ModeNumber = 0 | 1 | 3;

interface At {
  /** Virtual time in cycles (1 GHz: a cycle is a nanosecond). */
  cycle: number;
  hart: number;
}

// ---- the machine ------------------------------------------------------------

/** A trap was taken (priv 3.1.6): an exception, or an interrupt being taken. */
export interface TrapEvent extends At {
  kind: 'trap';
  cause: number;
  interrupt: boolean;
  /** The spec's name for the cause: "environment call from U-mode", "supervisor timer interrupt"... */
  name: string;
  from: ModeNumber;
  to: ModeNumber;
  /** xEPC: the faulting instruction, or the next one for an interrupt. */
  pc: bigint;
  tval: bigint;
  /** Instructions retired so far on this hart. */
  instret: number;
}

/** sret or mret (priv 3.3.2): back to a lower mode. */
export interface XretEvent extends At {
  kind: 'xret';
  insn: 'sret' | 'mret';
  to: ModeNumber;
  pc: bigint;
  instret: number;
}

/** An interrupt-pending bit became set (it is taken later, when enabled: a TrapEvent). */
export interface IrqEvent extends At {
  kind: 'irq';
  irq: number;
  name: string;
}

/** wfi: the hart sleeps until an interrupt is pending, then wakes. */
export interface WfiEvent extends At {
  kind: 'wfi';
  phase: 'sleep' | 'wake';
}

/**
 * satp was written with a different value (priv 4.1.11): the hart now
 * translates through another root page table, or none. For a guest kernel,
 * the hart's view of its context switches between address spaces.
 */
export interface SatpEvent extends At {
  kind: 'satp';
  /** 'bare' (no translation) or 'sv39'. */
  mode: 'bare' | 'sv39';
  asid: number;
  /** The root page table's physical address. */
  root: number;
}

/** One retired instruction (only on request: --trace-insns). */
export interface InsnEvent extends At {
  kind: 'insn';
  pc: number;
  bits: number;
}

// ---- the kernel -------------------------------------------------------------

/** A system call starts (or runs again after it slept). */
export interface SyscallEnterEvent extends At {
  kind: 'syscall-enter';
  pid: number;
  nr: number;
  /** The call's name, or `syscall_0x…` for a number the kernel does not know. */
  name: string;
  /** Arguments decoded as strace shows them (output arguments are decoded at exit). */
  args: string;
  /** True when the call is running again after sleeping. */
  again: boolean;
}

/** A system call finished, or went to sleep (`blocked`: it will run again when woken). */
export interface SyscallExitEvent extends At {
  kind: 'syscall-exit';
  pid: number;
  nr: number;
  name: string;
  /** The raw result: a value, or -errno. */
  ret: number;
  blocked: boolean;
  /**
   * The whole strace line, without the pid: `openat(AT_FDCWD, "/x", O_RDONLY) = -1 ENOENT (No such file or directory)`
   * for a finished call; '' for one that went to sleep; `… = ? ERESTARTSYS (…)` for one a signal handler interrupts and that will restart.
   */
  text: string;
}

export type FaultResolution = 'demand-zero' | 'copy-on-write' | 'swap-in' | 'stack-growth' | 'present' | 'signal' | 'oom';

/** An exception other than a system call, and what the kernel did about it. */
export interface FaultEvent extends At {
  kind: 'fault';
  pid: number;
  cause: number;
  /** The spec's name for the cause. */
  name: string;
  addr: number;
  pc: number;
  resolution: FaultResolution;
}

/** Why a process left its CPU: 'preempt' is kernel preemption, in the middle of long kernel work (--preempt). */
export type SwitchReason = 'start' | 'tick' | 'preempt' | 'yield' | 'block' | 'exit' | 'signal' | 'stop';

/** The CPU goes from one process to another (pid 0: nobody, the hart was idle or this is boot). */
export interface SwitchEvent extends At {
  kind: 'switch';
  from: number;
  to: number;
  /** Why `from` left the CPU. */
  reason: SwitchReason;
  toName: string;
  /** `to` is a kernel thread (io_uring's SQPOLL poller): it runs in S-mode, with no xret to U-mode. */
  kthread?: boolean;
}

/** A sleeping process becomes runnable. */
export interface WakeEvent extends At {
  kind: 'wake';
  pid: number;
  /** The process whose action woke it, or 0 for the kernel itself (a timer, a signal from nowhere). */
  by: number;
  why: 'event' | 'timer' | 'signal' | 'continue';
  /** A timed wake-up's deadline, when the kernel saw it late (the hart was leaving an idle state, or busy): the experiments' wake-up latency counts from here. */
  due?: number;
}

/** A signal is generated for a process, or acted on when it is delivered. */
export interface SignalEvent extends At {
  kind: 'signal';
  phase: 'generate' | 'deliver';
  pid: number;
  sig: number;
  name: string;
  /** At delivery: what happened. */
  action?: 'handler' | 'kill' | 'stop' | 'ignore';
  /** At delivery, strace's siginfo: `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}`. */
  info?: string;
}

/** A process is created (fork), replaces its image (execve), or ends. */
export interface ProcEvent extends At {
  kind: 'proc';
  phase: 'create' | 'exec' | 'exit';
  pid: number;
  ppid: number;
  /** The program's name (its basename). */
  name: string;
  /** At exit: the wait status (code << 8, or the signal number). */
  status?: number;
  /** At exit, strace's summary: `exited with 0`, `killed by SIGSEGV`. */
  text?: string;
}

/** The periodic timer interrupt reached the scheduler. */
export interface TickEvent extends At {
  kind: 'tick';
  /** The process it interrupted (0: the hart was idle, or in the kernel between processes). */
  pid: number;
  /** True when the tick made the running process give up the CPU (at once, or at the next preemption point). */
  preempted: boolean;
}

/** Nothing can run: the hart idles until `until` (the wake-up event), in an idle state of the machine's power model. */
export interface IdleEvent extends At {
  kind: 'idle';
  until: number;
  /** The idle state the governor chose (machine/power.ts), and the idle length it predicted, in cycles. */
  state?: string;
  predicted?: number;
}

/**
 * The periodic tick stopped (tickless: the hart went idle, or has one task
 * under --tick full) or restarted. A restart says how many ticks the grid
 * had in between that were not taken.
 */
export interface NohzEvent extends At {
  kind: 'nohz';
  phase: 'stop' | 'restart';
  why: 'idle' | 'single';
  /** At restart (or at the end of the run, with the tick still stopped): ticks not taken since the stop. */
  skipped?: number;
}

/** The power the hart draws changes (machine/power.ts): running, in transition, or resident in an idle state. */
export interface PowerEvent extends At {
  kind: 'power';
  state: string;
  watts: number;
}

/**
 * Kernel preemption (--preempt): a process in the middle of long kernel work
 * gives up its CPU at a chunk boundary, because need-resched was set.
 */
export interface PreemptEvent extends At {
  kind: 'preempt';
  pid: number;
  /** Where: the system call or kernel path whose work was cut. */
  where: string;
  /** 'cond_resched': an explicit point in a long loop (voluntary, full); 'preempt': any chunk boundary (full); 'return': on the way back to user mode. */
  why: 'cond_resched' | 'preempt' | 'return';
  /** Cycles of that work still to do when the process runs again. */
  remaining: number;
  /** Cycles from the tick that set need-resched to this preemption: the kernel preemption latency. */
  waited: number;
}

/**
 * An inter-processor interrupt (several harts): sent by `hart` to `peer`,
 * or taken by `hart` from `peer`. 'resched': a task was queued on an idle
 * hart; 'tlb': a TLB shootdown (the receiver flushes, then acknowledges).
 */
export interface IpiEvent extends At {
  kind: 'ipi';
  /** 'done': every hart flushed for `hart`'s shootdown (peer: the last to), after `waited` cycles of waiting. */
  phase: 'send' | 'receive' | 'done';
  peer: number;
  ipi: 'resched' | 'tlb';
  /** On the first flush IPI a hart sends for one shootdown. */
  shootdown?: boolean;
  waited?: number;
}

/**
 * Network receive work on a hart (--nic, src/kernel/net, docs/nic.md): a
 * hard interrupt, a softirq run on the way out of one, or a run of the
 * ksoftirqd kernel thread begins or ends; at the end, `packets` went through
 * the protocol in it, in `polls` NAPI polls. They do not nest.
 */
export interface NetRxEvent extends At {
  kind: 'netrx';
  ctx: 'hardirq' | 'softirq' | 'ksoftirqd';
  phase: 'begin' | 'end';
  packets?: number;
  polls?: number;
}

/** The NIC's counters, once, just before `end` (a run with --nic). offered = received + ringDrops + socketDrops + purged + inRing + inSocket. */
export interface NetEvent extends At {
  kind: 'net';
  mode: string;
  offered: number;
  /** Taken by the program (recv), dropped by the device for want of a buffer, and at the socket (full receive buffer, no socket on the port). */
  received: number;
  ringDrops: number;
  socketDrops: number;
  /** Queued at a socket that was closed before they were read. */
  purged: number;
  /** In flight at the end: in the RX ring, waiting in socket queues. */
  inRing: number;
  inSocket: number;
  hardirqs: number;
  softirqPolls: number;
  ksoftirqdRuns: number;
}

/** The run is over: the last event of every run. */
export interface EndEvent extends At {
  kind: 'end';
  /** Instructions retired by every hart. */
  instret: number;
  status: number;
  /** The timer's tick rate (0: no timer), for the reports. */
  hz: number;
  /** The tick mode and kernel preemption model of the run (--tick, --preempt). */
  tick?: string;
  preempt?: string;
  /** The machine's energy meter at the end (machine/power.ts), for the reports. */
  energy?: { joules: Record<string, number>; ns: Record<string, number>; entries: Record<string, number>; early: number; wastedJoules: number; source: string };
}

export type TraceEvent =
  | TrapEvent | XretEvent | IrqEvent | WfiEvent | InsnEvent | SatpEvent
  | SyscallEnterEvent | SyscallExitEvent | FaultEvent | SwitchEvent | WakeEvent
  | SignalEvent | ProcEvent | TickEvent | IdleEvent | NohzEvent | PowerEvent | PreemptEvent | IpiEvent | NetRxEvent | NetEvent | EndEvent;

export interface Sink {
  event(e: TraceEvent): void;
}

/** Fans events out to the sinks attached to it. One per machine, shared with its kernel. */
export class Tracer {
  /** True when at least one sink listens: the one branch every emit site pays. */
  on = false;
  private readonly sinks: Sink[] = [];

  attach(sink: Sink): void {
    this.sinks.push(sink);
    this.on = true;
  }

  emit(e: TraceEvent): void {
    for (const s of this.sinks) s.event(e);
  }
}

/** A sink that keeps every event, for tests and the demo. */
export class Recorder implements Sink {
  readonly events: TraceEvent[] = [];
  event(e: TraceEvent): void { this.events.push(e); }
}
