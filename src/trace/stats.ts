// --stats: counters over one run, in the spirit of `perf stat`. StatsSink
// folds the event stream (events.ts) into a Stats value; formatStats prints
// it for people (ending with the seed's control-flow diagram, diagram.ts),
// statsJson for programs. Everything is derived from the events alone, so
// the same run gives the same bytes every time (no host clock anywhere).
//
// Time is partitioned per hart: from cycle 0, each cycle is user (the hart
// is in U-mode: xret-to-U until the next trap), idle (an `idle` event's
// cycle..until) or kernel (everything else: trap handling, boot, the
// scheduler). So userCycles + kernelCycles + idleCycles = cycles (one hart).

import type { Sink, TraceEvent, SignalEvent, SwitchEvent, SyscallEnterEvent, SyscallExitEvent, FaultEvent } from './events.js';
import { drawDiagram } from './diagram.js';
import { num, percentile } from './format.js';
import { TimeFold, type TickStats, type IdleStats, type EnergyStats, type PreemptStats } from './stats-time.js';
import { NetFold, netRows, type NetStats } from './stats-net.js';

export type { TickStats, IdleStats, EnergyStats, PreemptStats } from './stats-time.js';

export interface ProcessStats {
  pid: number;
  name: string;
  /** Cycles in U-mode (the process's own instructions). */
  userCycles: number;
  /** Cycles the kernel spent on its behalf (trap to sret: system calls, faults, ticks). */
  systemCycles: number;
  instructions: number;
  /** Wait status at exit, or undefined while it still ran at the end. */
  status?: number;
  /** The parent's pid (0 for the first process). */
  ppid: number;
  /** System calls that finished (as in Stats.syscalls). */
  syscalls: number;
  /** Exceptions other than system calls (fault events). */
  faults: number;
  /** Times it left the CPU by blocking or yielding, and by a preempting tick. */
  voluntarySwitches: number;
  involuntarySwitches: number;
}

export interface Stats {
  /** Virtual time at the end of the run, in cycles (1 GHz). */
  cycles: number;
  userCycles: number;
  kernelCycles: number;
  idleCycles: number;
  /** Kernel cycles with no process on the CPU (boot; choosing the next process after an exit or idle): kernelCycles minus every process's systemCycles. */
  kernelNoProcessCycles: number;
  /** Instructions retired in U-mode; the kernel is TypeScript and retires none (its work is charged in cycles). */
  userInstructions: number;
  hz: number;
  status: number;
  processes: ProcessStats[];
  /** By call name: how many finished, and the mean kernel cycles of one (enter to exit, sleep excluded). */
  syscalls: { name: string; count: number; errors: number; meanCycles: number }[];
  /** Exceptions other than system calls, by cause name and resolution. */
  exceptions: { cause: string; resolution: string; count: number }[];
  /** Page faults the kernel resolved: minor (demand-zero, copy-on-write, stack growth, already present) and major (swap-in). */
  pageFaults: { minor: number; major: number };
  /** Interrupts taken, by name. */
  interrupts: { name: string; count: number }[];
  ticks: { total: number; preempted: number };
  /** The tick under --tick (stats-time.ts): taken, not taken and why, the longest stretch without one. */
  tick: TickStats;
  /** The hart's idle periods and the states it idled in. */
  idle: IdleStats;
  /** The machine's energy meter: joules, mean watts, per state. */
  energy: EnergyStats;
  /** Kernel preemption under --preempt. */
  preempt: PreemptStats;
  contextSwitches: { voluntary: number; involuntary: number; other: number };
  /** Traps into S-mode plus sret/mret back out. */
  modeSwitches: number;
  signals: { generated: number; delivered: number; byAction: Record<string, number> };
  /** Sleepers made runnable (wake events). */
  wakeups: number;
  /** Wake-up to running, in cycles. */
  schedLatency: { count: number; p50: number; p99: number; max: number };
  /** --nic only: the packets' fate, NIC interrupts and polls, network CPU time (stats-net.ts). */
  net?: NetStats;
  /** Several harts only (absent for one, so its report is as it was): each hart's figures. */
  harts?: HartStats[];
  /** Per mechanism, for the diagram. */
  diagram: {
    boot: number;
    syscall: { count: number; meanCycles: number };
    exception: { resumed: number; killed: number; handled: number };
    timer: { same: number; other: number };
  };
}

/** One hart's figures (several harts): its time, ticks, IPIs by kind, shootdowns it started, tasks that migrated to it. */
export interface HartStats {
  hart: number;
  userCycles: number;
  kernelCycles: number;
  idleCycles: number;
  ticks: number;
  ipisSent: Record<string, number>;
  ipisReceived: Record<string, number>;
  shootdowns: number;
  /** Cycles its shootdowns waited for the other harts' flushes. */
  shootdownWait: number;
  migrations: number;
}

type Bucket = 'user' | 'kernel' | 'idle';

interface HartState {
  /** The cycle up to which time has been charged. */
  last: number;
  bucket: Bucket;
  /** The process on the CPU (0: none). */
  pid: number;
  instret: number;
  /** The process the hart last ran in U-mode: the instructions it retires are that process's. */
  userPid: number;
  /** This hart's own figures (HartStats). */
  own: HartStats;
}

interface Call { nr: number; cycles: number; since: number | undefined; }

/** Resolutions after which the faulting instruction simply runs again. */
const RESUMED = new Set(['demand-zero', 'copy-on-write', 'swap-in', 'stack-growth', 'present']);
/** The signals the kernel turns faults into: SIGILL, SIGTRAP, SIGBUS, SIGSEGV (and SIGKILL from the OOM killer). */
const FAULT_SIGNALS = new Set([4, 5, 7, 9, 11]);

/** Counts one run. Attach it to a Tracer before the run; summary() at any time after. */
export class StatsSink implements Sink {
  private readonly harts = new Map<number, HartState>();
  private readonly procs = new Map<number, ProcessStats>();
  private readonly calls = new Map<number, Call>(); // by pid: the call in progress
  private readonly byCall = new Map<string, { count: number; errors: number; cycles: number }>();
  private readonly byException = new Map<string, { cause: string; resolution: string; count: number }>();
  private readonly byInterrupt = new Map<string, number>();
  private readonly byAction = new Map<string, number>();
  private readonly wokenAt = new Map<number, number>();
  private readonly lastHart = new Map<number, number>(); // by pid: the hart it last ran on (migrations)
  private readonly faulted = new Set<number>(); // pids whose fault became a signal, until they return to U-mode
  private readonly latencies: number[] = [];
  private spent = { user: 0, kernel: 0, idle: 0, kernelNoProcess: 0 };
  private instructions = 0;
  private end: { cycle: number; status: number; hz: number } | undefined;
  private ticks = { total: 0, preempted: 0 };
  private switches = { voluntary: 0, involuntary: 0, other: 0 };
  private modeSwitches = 0;
  private signals = { generated: 0, delivered: 0 };
  private pageFaults = { minor: 0, major: 0 };
  private exception = { resumed: 0, killed: 0, handled: 0 };
  private boot = 0;
  private wakeups = 0;
  private readonly time = new TimeFold();
  private readonly net = new NetFold();

  event(e: TraceEvent): void {
    // satp writes: the hart counts them itself (machine/counts.ts), and --trace shows each.
    if (e.kind === 'insn' || e.kind === 'irq' || e.kind === 'wfi' || e.kind === 'satp') return;
    const h = this.advance(e.hart, e.cycle);
    switch (e.kind) {
      case 'trap':
        this.retire(h, e.instret);
        this.modeSwitches++;
        h.bucket = e.to === 0 ? 'user' : 'kernel';
        if (e.interrupt) this.byInterrupt.set(e.name, (this.byInterrupt.get(e.name) ?? 0) + 1);
        return;
      case 'xret':
        this.retire(h, e.instret);
        this.modeSwitches++;
        h.bucket = e.to === 0 ? 'user' : 'kernel';
        if (e.to === 0) { this.faulted.delete(h.pid); h.userPid = h.pid; }
        return;
      case 'syscall-enter': return this.enter(e);
      case 'syscall-exit': return this.exit(e);
      case 'fault': return this.fault(e);
      case 'switch': return this.contextSwitch(h, e);
      case 'wake':
        this.wakeups++;
        this.wokenAt.set(e.pid, e.cycle); // the kernel's view: from the wake-up it made (the experiments also count from a timer's deadline, e.due)
        return;
      case 'signal': return this.signal(e);
      case 'proc': {
        const p = this.proc(e.pid, e.name);
        if (e.phase === 'create') p.ppid = e.ppid;
        if (e.phase === 'exec') p.name = e.name;
        if (e.phase === 'exit') {
          p.status = e.status;
          this.wokenAt.delete(e.pid);
          this.calls.delete(e.pid);
          if (h.pid === e.pid) h.pid = 0; // the kernel now picks the next process on no one's behalf
        }
        return;
      }
      case 'tick':
        h.own.ticks++;
        this.ticks.total++;
        if (e.preempted) this.ticks.preempted++;
        return this.time.tick(e);
      case 'idle':
        h.pid = 0;
        if (e.until > h.last) { this.spent.idle += e.until - h.last; h.own.idleCycles += e.until - h.last; h.last = e.until; }
        return this.time.idle(e);
      case 'nohz': return this.time.nohz(e);
      case 'power': return this.time.power(e);
      case 'preempt': return this.time.preempt(e);
      case 'ipi': {
        if (e.phase === 'done') { h.own.shootdownWait += e.waited ?? 0; return; }
        const by = e.phase === 'send' ? h.own.ipisSent : h.own.ipisReceived;
        by[e.ipi] = (by[e.ipi] ?? 0) + 1;
        if (e.shootdown) h.own.shootdowns++;
        return;
      }
      case 'netrx': return this.net.slice(e);
      case 'net': return this.net.end(e);
      case 'end': {
        // instret is the machine's total: what the other harts retired since their last event is counted here too.
        let others = 0;
        for (const x of this.harts.values()) if (x !== h) others += x.instret;
        this.retire(h, e.instret - others);
        this.end = { cycle: e.cycle, status: e.status, hz: e.hz };
        return this.time.finish(e);
      }
      default: { const never: never = e; return never; }
    }
  }

  /** Charges the time since the hart's last event to what it was doing. */
  private advance(hart: number, cycle: number): HartState {
    let h = this.harts.get(hart);
    if (h === undefined) {
      const own = { hart, userCycles: 0, kernelCycles: 0, idleCycles: 0, ticks: 0, ipisSent: {}, ipisReceived: {}, shootdowns: 0, shootdownWait: 0, migrations: 0 };
      h = { last: 0, bucket: 'kernel', pid: 0, instret: 0, userPid: 0, own };
      this.harts.set(hart, h);
    }
    const d = cycle - h.last;
    if (d <= 0) return h;
    h.last = cycle;
    this.spent[h.bucket] += d;
    h.own[`${h.bucket}Cycles`] += d;
    if (h.bucket === 'idle') return h;
    if (h.pid === 0) { if (h.bucket === 'kernel') this.spent.kernelNoProcess += d; return h; }
    const p = this.proc(h.pid);
    if (h.bucket === 'user') p.userCycles += d; else p.systemCycles += d;
    return h;
  }

  /**
   * Instructions retired since the hart's last count belong to the process
   * it last ran in U-mode (the kernel retires none; a count can arrive late,
   * after that process has exited).
   */
  private retire(h: HartState, instret: number): void {
    const d = instret - h.instret;
    h.instret = instret;
    if (d <= 0) return;
    this.instructions += d;
    if (h.userPid !== 0) this.proc(h.userPid).instructions += d;
  }

  private proc(pid: number, name = `pid ${pid}`): ProcessStats {
    let p = this.procs.get(pid);
    if (p === undefined) {
      p = { pid, name, userCycles: 0, systemCycles: 0, instructions: 0, ppid: 0, syscalls: 0, faults: 0, voluntarySwitches: 0, involuntarySwitches: 0 };
      this.procs.set(pid, p);
    }
    return p;
  }

  /** A call that slept and runs again adds its new piece to the old ones. */
  private enter(e: SyscallEnterEvent): void {
    const c = this.calls.get(e.pid);
    if (e.again && c !== undefined && c.nr === e.nr) { c.since = e.cycle; return; }
    this.calls.set(e.pid, { nr: e.nr, cycles: 0, since: e.cycle });
  }

  /** A call is counted once, when it finishes. */
  private exit(e: SyscallExitEvent): void {
    const c = this.calls.get(e.pid);
    let cycles = 0;
    if (c !== undefined && c.nr === e.nr && c.since !== undefined) {
      c.cycles += e.cycle - c.since;
      c.since = undefined;
      cycles = c.cycles;
    }
    if (e.blocked) return;
    this.calls.delete(e.pid);
    const s = this.byCall.get(e.name) ?? { count: 0, errors: 0, cycles: 0 };
    s.count++;
    s.cycles += cycles;
    if (e.ret < 0 && e.ret >= -4095) s.errors++;
    this.byCall.set(e.name, s);
    this.proc(e.pid).syscalls++;
  }

  private fault(e: FaultEvent): void {
    const key = `${e.name}\0${e.resolution}`;
    const x = this.byException.get(key) ?? { cause: e.name, resolution: e.resolution, count: 0 };
    x.count++;
    this.byException.set(key, x);
    this.proc(e.pid).faults++;
    if (RESUMED.has(e.resolution)) {
      this.exception.resumed++;
      if (e.resolution === 'swap-in') this.pageFaults.major++; else this.pageFaults.minor++;
    } else this.faulted.add(e.pid);
  }

  private contextSwitch(h: HartState, e: SwitchEvent): void {
    if (e.reason === 'start') this.boot++;
    const from = e.from !== 0 && this.procs.has(e.from) ? this.proc(e.from) : undefined;
    if (e.reason === 'block' || e.reason === 'yield') { this.switches.voluntary++; if (from) from.voluntarySwitches++; }
    else if (e.reason === 'tick' || e.reason === 'preempt') { this.switches.involuntary++; if (from) from.involuntarySwitches++; }
    else this.switches.other++;
    if (e.to !== 0) {
      const was = this.lastHart.get(e.to);
      if (was !== undefined && was !== e.hart) h.own.migrations++;
      this.lastHart.set(e.to, e.hart);
    }
    const woken = this.wokenAt.get(e.to);
    if (woken !== undefined) { this.latencies.push(e.cycle - woken); this.wokenAt.delete(e.to); }
    h.pid = e.to;
    this.proc(e.to, e.toName);
  }

  private signal(e: SignalEvent): void {
    if (e.phase === 'generate') { this.signals.generated++; return; }
    this.signals.delivered++;
    if (e.action !== undefined) this.byAction.set(e.action, (this.byAction.get(e.action) ?? 0) + 1);
    if (!this.faulted.has(e.pid) || !FAULT_SIGNALS.has(e.sig)) return;
    if (e.action === 'kill') this.exception.killed++;
    else if (e.action === 'handler') this.exception.handled++;
    this.faulted.delete(e.pid);
  }

  /** The counts so far (complete once the `end` event has been seen). Does not change the sink. */
  summary(): Stats {
    const cycles = this.end?.cycle ?? Math.max(0, ...[...this.harts.values()].map((h) => h.last));
    const syscalls = [...this.byCall].map(([name, s]) => ({ name, count: s.count, errors: s.errors, meanCycles: round2(s.cycles / s.count) }))
      .sort((a, b) => b.count - a.count || cmp(a.name, b.name));
    const calls = syscalls.reduce((n, c) => n + c.count, 0);
    const callCycles = [...this.byCall.values()].reduce((n, c) => n + c.cycles, 0);
    const lat = [...this.latencies].sort((a, b) => a - b);
    return {
      cycles,
      userCycles: this.spent.user,
      kernelCycles: this.spent.kernel,
      idleCycles: this.spent.idle,
      kernelNoProcessCycles: this.spent.kernelNoProcess,
      userInstructions: this.instructions,
      hz: this.end?.hz ?? 0,
      status: this.end?.status ?? 0,
      processes: [...this.procs.values()].sort((a, b) => a.pid - b.pid).map((p) => ({ ...p })),
      syscalls,
      exceptions: [...this.byException.values()].map((x) => ({ ...x }))
        .sort((a, b) => b.count - a.count || cmp(a.cause, b.cause) || cmp(a.resolution, b.resolution)),
      pageFaults: { ...this.pageFaults },
      interrupts: [...this.byInterrupt].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || cmp(a.name, b.name)),
      ticks: { ...this.ticks },
      ...this.time.summary(cycles, this.harts.size > 1 ? this.harts.size : 1),
      contextSwitches: { ...this.switches },
      modeSwitches: this.modeSwitches,
      signals: { ...this.signals, byAction: Object.fromEntries([...this.byAction].sort((a, b) => cmp(a[0], b[0]))) },
      wakeups: this.wakeups,
      schedLatency: { count: lat.length, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.length ? lat[lat.length - 1] : 0 },
      ...this.net.summary(),
      ...(this.harts.size > 1 ? { harts: [...this.harts.values()].sort((a, b) => a.own.hart - b.own.hart).map((h) => structuredCopy(h.own)) } : {}),
      diagram: {
        boot: this.boot,
        syscall: { count: calls, meanCycles: calls ? round2(callCycles / calls) : 0 },
        exception: { ...this.exception },
        timer: { same: this.ticks.total - this.ticks.preempted, other: this.ticks.preempted },
      },
    };
  }
}

const structuredCopy = (h: HartStats): HartStats => ({ ...h, ipisSent: { ...h.ipisSent }, ipisReceived: { ...h.ipisReceived } });
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round2 = (x: number) => Math.round(x * 100) / 100;


// ---- output -----------------------------------------------------------------

/** Pretty JSON with every object's keys sorted: the same run gives the same bytes. */
export function statsJson(s: Stats): string {
  return JSON.stringify(s, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort(cmp).map((k) => [k, o[k]]));
  }, 2) + '\n';
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');

/** Lays out rows of cells; align gives each column's alignment ('l' or 'r'), by default the first left and the rest right. */
function table(rows: string[][], align = 'l'): string[] {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const left = (i: number) => (align[i] ?? 'r') === 'l';
  return rows.map((r) => r.map((c, i) => (left(i) ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd());
}

function describeStatus(status: number | undefined): string {
  if (status === undefined) return 'running';
  return status & 0x7f ? `signal ${status & 0x7f}` : `exit ${(status >> 8) & 0xff}`;
}

/**
 * The --stats report for stderr: a perf-stat-like block of counters, every
 * line starting `lde: stats:`, then the control-flow diagram with this
 * run's numbers (drawDiagram). ANSI color only when opts.color.
 */
export function formatStats(s: Stats, opts: { color?: boolean } = {}): string {
  const bold = (t: string) => (opts.color ? `\x1b[1m${t}\x1b[0m` : t);
  const exited = s.processes.filter((p) => p.status !== undefined);
  const killed = exited.filter((p) => (p.status! & 0x7f) !== 0).length;
  const whole = s.cycles * (s.harts?.length ?? 1); // user + kernel + idle: every hart's time
  const lines = [
    `${num(s.userInstructions)} instructions in ${(s.cycles / 1e9).toFixed(6)} s of virtual time (1 cycle = 1 ns), exit status ${s.status}`,
    `${num(exited.length)} ${exited.length === 1 ? 'process' : 'processes'} exited (${num(killed)} by a signal), ${num(s.processes.length - exited.length)} still running`,
    '',
    ...table([
      [num(s.cycles), 'cycles', '', s.harts ? `on each of ${s.harts.length} harts; below, their sum` : ''],
      [num(s.userCycles), '  user', pct(s.userCycles, whole), 'U-mode: the programs themselves'],
      [num(s.kernelCycles), '  kernel', pct(s.kernelCycles, whole), 'trap to sret, boot, scheduling'],
      [num(s.idleCycles), '  idle', pct(s.idleCycles, whole), 'nothing could run'],
      [num(s.userInstructions), 'instructions', '', 'retired in U-mode'],
      [num(s.diagram.syscall.count), 'system calls', '', `mean ${num(s.diagram.syscall.meanCycles)} cycles in the kernel`],
      [num(s.exceptions.reduce((n, x) => n + x.count, 0)), 'exceptions', '', `page faults resolved: ${num(s.pageFaults.minor)} minor, ${num(s.pageFaults.major)} major (swap-in)`],
      [num(s.interrupts.reduce((n, x) => n + x.count, 0)), 'interrupts', '', 'taken'],
      [num(s.ticks.total), 'timer ticks', '', s.hz ? `at ${s.hz} Hz, ${num(s.ticks.preempted)} preempted` : 'the timer is off'],
      ...timeRows(s),
      ...(s.net ? netRows(s.net, s.userCycles, s.kernelCycles, whole) : []),
      [num(s.contextSwitches.voluntary + s.contextSwitches.involuntary + s.contextSwitches.other), 'context switches', '',
        `${num(s.contextSwitches.voluntary)} voluntary, ${num(s.contextSwitches.involuntary)} involuntary, ${num(s.contextSwitches.other)} other`],
      [num(s.modeSwitches), 'mode switches', '', 'traps in + sret out'],
      [num(s.signals.generated), 'signals', '', `${num(s.signals.delivered)} delivered${Object.entries(s.signals.byAction).map(([a, n]) => `, ${num(n)} ${a}`).join('')}`],
      [num(s.schedLatency.count), 'wake-ups run', '', `scheduling latency p50 ${num(s.schedLatency.p50)}, p99 ${num(s.schedLatency.p99)}, max ${num(s.schedLatency.max)} cycles`],
    ], 'rlrl').map((l) => '  ' + l),
  ];
  // A table after a blank line, its header in bold.
  const section = (rows: string[][], align?: string) => {
    if (rows.length > 1) lines.push('', ...table(rows, align).map((l, i) => (i === 0 ? bold('  ' + l) : '  ' + l)));
  };
  section([['system call', 'calls', 'errors', 'mean cycles'], ...s.syscalls.map((c) => [c.name, num(c.count), num(c.errors), num(c.meanCycles)])]);
  section([['exception', 'resolution', 'count'], ...s.exceptions.map((x) => [x.cause, x.resolution, num(x.count)])], 'llr');
  section([['interrupt', 'count'], ...s.interrupts.map((x) => [x.name, num(x.count)])]);
  if (s.harts) section(hartRows(s.harts), 'rrrrrllrr');
  section([['pid', 'name', 'user cycles', 'system cycles', 'instructions', 'status'],
    ...s.processes.map((p) => [String(p.pid), p.name, num(p.userCycles), num(p.systemCycles), num(p.instructions), describeStatus(p.status)]),
    ...(s.kernelNoProcessCycles ? [['-', '(no process)', '0', num(s.kernelNoProcessCycles), '0', '']] : [])], 'rlrrrl');
  const text = lines.map((l) => `lde: stats: ${l}`.trimEnd()).join('\n');
  return `${text}\n\n${drawDiagram(s, opts)}`;
}

/** The per-hart table (several harts): time, ticks, IPIs sent and received as resched/tlb, shootdowns, migrations in. */
function hartRows(harts: HartStats[]): string[][] {
  const ipis = (by: Record<string, number>) => `${num(by.resched ?? 0)}/${num(by.tlb ?? 0)}`;
  return [['hart', 'user cycles', 'kernel cycles', 'idle cycles', 'ticks', 'IPIs sent', 'received', 'shootdowns', 'migrations'],
    ...harts.map((h) => [String(h.hart), num(h.userCycles), num(h.kernelCycles), num(h.idleCycles), num(h.ticks),
      ipis(h.ipisSent), ipis(h.ipisReceived), num(h.shootdowns), num(h.migrations)])];
}

/** The rows for --tick, idle, energy and --preempt (stats-time.ts). */
function timeRows(s: Stats): string[][] {
  const t = s.tick, e = s.energy, ms = (c: number) => `${(c / 1e6).toFixed(3)} ms`;
  const states = e.byState.filter((b) => b.cycles > 0).map((b) => `${b.state} ${(100 * b.residency).toFixed(1)}%`).join(', ');
  const rows = [
    [num(t.notTaken.idle + t.notTaken.single), 'ticks not taken', '', `--tick ${t.mode}: ${num(t.notTaken.idle)} while idle, ${num(t.notTaken.single)} with one task; ${num(t.takenIdle)} taken while idle; longest without a tick ${ms(t.longestWithoutTick)}`],
    [num(s.idle.entries), 'idle periods', '', `${num(s.idle.exits)} wake-ups, ${s.idle.wakeupsPerSecond.toFixed(1)} per second; ${s.idle.byState.map((b) => `${num(b.entries)} in ${b.state}`).join(', ') || 'never idle'}`],
    [e.joules.toFixed(6), 'joules', '', `mean ${e.meanWatts.toFixed(3)} W; residency: ${states}`],
  ];
  if (e.earlyWakeups > 0) rows.push([num(e.earlyWakeups), 'early wake-ups', '', `idle periods shorter than their state's target residency: ${(e.wastedJoules * 1e3).toFixed(3)} mJ more than the best state would have spent`]);
  const pl = s.preempt.latency;
  rows.push([num(s.preempt.inKernel), 'kernel preemptions', '', `--preempt ${s.preempt.mode}${Object.entries(s.preempt.byWhy).map(([w, n]) => `, ${num(n)} at ${w}`).join('')}` +
    (s.preempt.inKernel ? `; need-resched to switch p50 ${num(pl.p50)}, p99 ${num(pl.p99)}, max ${num(pl.max)} cycles` : '')]);
  return rows;
}
