// `lde demo`: the guided tour of limited direct execution. One chapter per
// mechanism of the seed (direct execution, the system call, exceptions, the
// timer, life without the timer), then the seed's diagram with the whole
// tour's numbers. Each chapter says what to watch for, runs bundled programs
// from user/bin in-process under the Kernel with a Recorder and a StatsSink
// attached, and prints the numbers that prove it. Every number is read from
// the recorded events or their Stats; none is written down here.
//
//   lde demo [--chapter N] [--json] [--trace FILE]   (DEMO in commands.ts)
//
// --json prints one document with each chapter's numbers instead of prose;
// --trace writes a Chrome trace of every run, one after another on one
// timeline. Color only on a terminal, and never with NO_COLOR set.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../kernel/kernel.js';
import { disassemble } from '../isa/disasm.js';
import { Recorder, type Sink, type TraceEvent, type ModeNumber } from '../trace/events.js';
import { StatsSink, type Stats } from '../trace/stats.js';
import { drawDiagram } from '../trace/diagram.js';
import { num, cyclesText, percentile } from '../trace/format.js';
import { ChromeTraceSink } from '../trace/chrome.js';
import { nodeHost } from './host.js';
import { DEMO, DEMO_CHAPTERS as CHAPTERS } from './commands.js';
import { parseOptions } from './options.js';
import { Output } from './output.js';

const BIN = fileURLToPath(new URL('../../../user/bin/', import.meta.url));
const DEFAULT_HZ = 250;
/** Virtual time between two runs on the --trace timeline. */
const TRACE_GAP = 100_000;

/** What to run: a bundled program, its arguments, the tick rate and an optional limit on virtual time. */
interface Spec { name: string; args: string[]; hz: number; maxCycles?: number; }

interface Run extends Spec {
  /** The command that repeats this run outside the demo. */
  command: string;
  out: string;
  status: number;
  message?: string;
  events: TraceEvent[];
  stats: Stats;
  hostMs: number;
}

type Numbers = Record<string, unknown>;
type Style = 'head' | 'watch' | 'dim' | 'num' | 'cmd';
const SGR: Record<Style, string> = { head: '1', watch: '3', dim: '2', num: '1;36', cmd: '33' };

const hex = (v: number | bigint) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
const ms = (cycles: number) => `${(cycles / 1e6).toFixed(1)} ms`;
const MODE: Record<ModeNumber, string> = { 0: 'U', 1: 'S', 3: 'M' };
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const NBSP = '\u00a0';

/** text in lines of at most 80 visible columns (ANSI escapes take none): the first after `first`, the rest after `more`. */
function wrap(text: string, first: string, more: string): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && visible(lines[last]).length + 1 + visible(word).length <= 80) lines[last] += ' ' + word;
    else lines.push((last >= 0 ? more : first) + word);
  }
  return lines.join('\n');
}

/** The tour's state: how it prints, every run so far (chapter 6 draws them all), the --trace sink. */
class Tour {
  readonly runs: Run[] = [];
  /** False while earlier chapters run only to feed chapter 6's diagram. */
  speak = true;
  private traceOffset = 0;
  /** Every run of the tour counted as one (chapter 6): times moved after the runs before, pids renumbered per run. */
  readonly whole = new StatsSink();
  private wholeOffset = 0;
  private wholeHz = 0;

  constructor(readonly json: boolean, private readonly color: boolean, private readonly trace?: ChromeTraceSink) {}

  paint(style: Style, text: string): string {
    return this.color ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text;
  }

  /** A number (or a short phrase around one) that proves something. */
  n(x: number | string): string { return this.paint('num', typeof x === 'number' ? num(x) : x); }

  /** A command to type, kept on one line by say(). */
  cmd(text: string): string { return this.paint('cmd', text.replace(/ /g, NBSP)); }

  /** Prose, wrapped to 80 columns; every line starts with indent. */
  say(text = '', indent = '   '): void {
    if (this.json || !this.speak) return;
    if (text === '') { process.stdout.write('\n'); return; }
    this.line(wrap(text, indent, indent).replace(/\u00a0/g, ' '));
  }

  /** A line exactly as given (tables, program output). */
  line(text: string): void {
    if (!this.json && this.speak) process.stdout.write(text + '\n');
  }

  heading(n: number, title: string, watch: string): void {
    this.say();
    this.line(this.paint('head', `── ${n}. ${title} ${'─'.repeat(Math.max(3, 64 - title.length))}`));
    this.say(this.paint('watch', `Watch for: ${watch}`));
  }

  /** Runs a bundled program under a fresh kernel, showing the command and what it printed. */
  run(spec: Spec, show = 8): Run {
    const chunks: Uint8Array[] = [];
    const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { chunks.push(b.slice()); }, readStdin: () => new Uint8Array(0) };
    const k = new Kernel({ host, hz: spec.hz, maxCycles: spec.maxCycles, seed: 1 });
    const recorder = new Recorder(), stats = new StatsSink();
    k.trace.attach(recorder);
    k.trace.attach(stats);
    if (this.trace) k.trace.attach(this.shifted(this.trace));
    this.wholeHz = Math.max(this.wholeHz, spec.hz);
    k.trace.attach(this.renumbered(this.whole, 1000 * (this.runs.length + 1)));
    const path = BIN + spec.name;
    k.spawn(path, readFileSync(path), [spec.name, ...spec.args], []);
    const t0 = performance.now();
    const r = k.run();
    const hostMs = performance.now() - t0;
    this.traceOffset += k.board.hart.cycle + TRACE_GAP;
    this.wholeOffset += k.board.hart.cycle;
    const run: Run = { ...spec, command: command(spec), out: Buffer.concat(chunks).toString(), status: r.status, message: r.message,
      events: recorder.events, stats: stats.summary(), hostMs };
    this.runs.push(run);
    this.line(`   ${this.paint('cmd', '$ ' + run.command)}`);
    const out = run.out.trimEnd().split('\n').filter((l) => l !== '');
    for (const l of out.slice(0, show)) this.line(this.paint('dim', `   │ ${l}`));
    if (out.length > show) this.line(this.paint('dim', `   │ … (${out.length - show} more lines)`));
    if (run.message) this.line(this.paint('dim', wrap(`lde: ${run.message}`, '   │ ', '   │   ')));
    return run;
  }

  /**
   * A sink for the whole tour: this run's time moved right after the runs
   * before it, its pids moved by `by` (they repeat across runs), and the
   * tour's tick rate (the highest of its runs) at the end.
   */
  private renumbered(sink: Sink, by: number): Sink {
    const time = this.shifted(sink, this.wholeOffset), pid = (n: number) => (n === 0 ? 0 : n + by), hz = this.wholeHz;
    return {
      event: (e) => {
        switch (e.kind) {
          case 'switch': return time.event({ ...e, from: pid(e.from), to: pid(e.to) });
          case 'wake': return time.event({ ...e, pid: pid(e.pid), by: pid(e.by) });
          case 'proc': return time.event({ ...e, pid: pid(e.pid), ppid: pid(e.ppid) });
          case 'end': return time.event({ ...e, hz });
          default: return time.event('pid' in e ? { ...e, pid: pid(e.pid) } : e);
        }
      },
    };
  }

  /** The --trace sink, with this run's virtual time moved after the runs before it. */
  private shifted(sink: Sink, offset = this.traceOffset): Sink {
    return { event: (e) => sink.event(e.kind === 'idle' ? { ...e, cycle: e.cycle + offset, until: e.until + offset } : { ...e, cycle: e.cycle + offset }) };
  }
}

/** The `lde run` command line that repeats a run. */
function command(s: Spec): string {
  const opts = [s.hz === 0 ? '--no-timer' : s.hz !== DEFAULT_HZ ? `--hz ${s.hz}` : '', s.maxCycles ? `--max-time ${s.maxCycles / 1e9}` : ''];
  return ['lde run', ...opts.filter((o) => o), s.name, ...s.args].join(' ');
}

// ---- reading the events ------------------------------------------------------

/** Kernel entries (traps into S-mode), and the longest run of user instructions between an sret and the next trap. */
function stretches(events: TraceEvent[]): { entries: number; longest: number; fromPc: bigint; toPc: bigint } {
  let entries = 0, longest = 0, fromPc = 0n, toPc = 0n;
  let since: { instret: number; pc: bigint } | undefined;
  for (const e of events) {
    if (e.kind === 'xret' && e.to === 0) since = { instret: e.instret, pc: e.pc };
    if (e.kind !== 'trap') continue;
    entries++;
    if (since && e.from === 0 && e.instret - since.instret > longest) { longest = e.instret - since.instret; fromPc = since.pc; toPc = e.pc; }
    since = undefined;
  }
  return { entries, longest, fromPc, toPc };
}

/** Wake-up to running, in cycles, for one pid (or every pid), ascending. */
function latencies(events: TraceEvent[], pid?: number): number[] {
  const woken = new Map<number, number>(), out: number[] = [];
  for (const e of events) {
    if (e.kind === 'wake' && (pid === undefined || e.pid === pid)) woken.set(e.pid, e.cycle);
    if (e.kind === 'switch' && woken.has(e.to)) { out.push(e.cycle - woken.get(e.to)!); woken.delete(e.to); }
  }
  return out.sort((a, b) => a - b);
}


/** The cast of `hogs NHOGS WORK NAPS`: its children in fork order, NHOGS hogs and then the interactive one (when NAPS > 0). */
function cast(run: Run): { parent: number; hogs: number[]; interactive?: number } {
  const children = run.events.flatMap((e) => (e.kind === 'proc' && e.phase === 'create' && e.ppid === 1 ? [e.pid] : []));
  const n = Number(run.args[0]);
  return { parent: 1, hogs: children.slice(0, n), interactive: Number(run.args[2]) > 0 ? children[n] : undefined };
}

/** Traps into the kernel while one of `pids` was on the CPU: timer interrupts, system calls by name, other exceptions. */
function trapsOf(events: TraceEvent[], pids: number[]): { interrupts: number; syscalls: string[]; exceptions: number } {
  let current = 0, interrupts = 0, exceptions = 0;
  const syscalls: string[] = [];
  for (const e of events) {
    if (e.kind === 'switch') current = e.to;
    if (!pids.includes(current)) continue;
    if (e.kind === 'trap' && e.from === 0) { if (e.interrupt) interrupts++; else if (e.cause !== 8) exceptions++; }
    if (e.kind === 'syscall-enter' && !e.again) syscalls.push(e.name);
  }
  return { interrupts, syscalls, exceptions };
}

const proc = (run: Run, pid: number) => run.stats.processes.find((p) => p.pid === pid);
const slices = (run: Run, pid: number) => run.events.filter((e) => e.kind === 'switch' && e.to === pid).length;
const callList = (s: Stats) => s.syscalls.map((c) => `${c.name} ${num(c.count)}`).join(', ');
const signalOf = (status: number) => (status > 128 ? status - 128 : 0);

// ---- the chapters ------------------------------------------------------------

function directExecution(t: Tour): Numbers {
  t.heading(1, 'Direct execution', 'once the kernel has dropped to user mode with sret, the program runs on the hart by itself; the kernel is not involved again until the program traps.');
  const r = t.run({ name: 'spin', args: ['2000000'], hz: 0 });
  const s = stretches(r.events), calls = r.stats.diagram.syscall.count;
  const mips = r.stats.userInstructions / (r.hostMs / 1000) / 1e6;
  t.say(`${t.n(r.stats.userInstructions)} user instructions in ${t.n(ms(r.stats.cycles))} of virtual time, and ${t.n(s.entries)} kernel entries, `
    + `${s.entries === calls ? 'every one a system call' : `${num(calls)} of them system calls`} (${callList(r.stats)}).`);
  t.say(`The longest stretch: ${t.n(s.longest)} instructions in a row, from an sret to pc ${hex(s.fromPc)} until the ecall at pc ${hex(s.toPc)}, `
    + `with ${t.n('no kernel at all')}: ${t.n(((100 * s.longest) / r.stats.userInstructions).toFixed(2) + '%')} of the program.`);
  t.say(`(The hart is an interpreter here: ${num(Math.round(mips))} million instructions per second of host time. On hardware they would run at the CPU's own speed.)`);
  return { run: r.command, userInstructions: r.stats.userInstructions, kernelEntries: s.entries, syscalls: calls,
    longestUserStretch: s.longest, ticks: r.stats.ticks.total, cycles: r.stats.cycles, hostMips: Math.round(mips) };
}

function systemCall(t: Tour): Numbers {
  t.heading(2, 'A system call', 'the only way in is ecall: the hart traps to the entry point the kernel installed at boot, the handler runs, and sret returns to the instruction after the ecall.');
  const r = t.run({ name: 'hello', args: [], hz: DEFAULT_HZ });
  const path = writePath(r.events);
  t.say(`hello's first write, event by event (virtual time since boot):`);
  const rows = path.map((e) => [cyclesText(e.cycle), e.kind, describe(e, path)]);
  const w0 = Math.max(...rows.map((x) => x[0].length)), w1 = Math.max(...rows.map((x) => x[1].length));
  for (const [at, kind, what] of rows) t.line(`     ${at.padStart(w0)}  ${t.paint('num', kind.padEnd(w1))}  ${what}`);
  const inKernel = path[path.length - 1].cycle - path[0].cycle;
  t.say(`From trap to sret: ${t.n(inKernel)} cycles in the kernel, its whole cost. hello made ${t.n(r.stats.diagram.syscall.count)} system calls (${callList(r.stats)}), every one by this same path.`);
  const many = t.run({ name: 'syscalls', args: ['10000'], hz: DEFAULT_HZ });
  const d = many.stats.diagram.syscall;
  const share = (100 * many.stats.kernelCycles) / many.stats.cycles;
  t.say(`${t.n(d.count)} system calls, a mean of ${t.n(d.meanCycles)} cycles each in the handler. The loop around them is so small that ${t.n(share.toFixed(1) + '%')} of the run's ${ms(many.stats.cycles)} went to the kernel: crossings are what a system call costs.`);
  return {
    run: r.command,
    write: path.map((e) => ({ kind: e.kind, cycle: e.cycle, ...(e.kind === 'trap' ? { cause: e.cause, name: e.name, pc: hex(e.pc) } : {}),
      ...(e.kind === 'syscall-enter' ? { call: e.name, args: e.args } : {}), ...(e.kind === 'syscall-exit' ? { text: e.text, ret: e.ret } : {}),
      ...(e.kind === 'xret' ? { insn: e.insn, pc: hex(e.pc) } : {}) })),
    writeKernelCycles: inKernel,
    helloSyscalls: r.stats.diagram.syscall.count,
    many: { run: many.command, syscalls: d.count, meanCycles: d.meanCycles, cycles: many.stats.cycles },
  };
}

/** The events of the first write, from its trap to the sret back. */
function writePath(events: TraceEvent[]): TraceEvent[] {
  for (let i = 0; i < events.length; i++) {
    const e = events[i], next = events[i + 1];
    if (e.kind !== 'trap' || e.cause !== 8 || next?.kind !== 'syscall-enter' || next.name !== 'write') continue;
    const end = events.findIndex((x, j) => j > i && x.kind === 'xret');
    return events.slice(i, end + 1);
  }
  throw new Error('demo: hello made no write system call');
}

function describe(e: TraceEvent, path: TraceEvent[]): string {
  switch (e.kind) {
    case 'trap': return `${e.name}, pc ${hex(e.pc)}, ${MODE[e.from]} → ${MODE[e.to]}`;
    case 'syscall-enter': return `${e.name}(${e.args})`;
    case 'syscall-exit': {
      const enter = path.find((x) => x.kind === 'syscall-enter');
      return `${e.text}   +${num(e.cycle - (enter?.cycle ?? e.cycle))} cycles`;
    }
    case 'xret': {
      const trap = path[0].kind === 'trap' ? path[0].pc : 0n;
      return `${e.insn} to ${MODE[e.to]}-mode at pc ${hex(e.pc)}${e.pc === trap + 4n ? ' = the ecall + 4' : ''}`;
    }
    default: return '';
  }
}

function exceptions(t: Tour): Numbers {
  t.heading(3, 'Exceptions', 'an exception is a trap the program did not ask for. The kernel either removes the cause and runs the instruction again, or turns it into a signal.');
  const resolved = (r: Run) => r.stats.exceptions.filter((x) => x.resolution !== 'signal');
  const sum = (r: Run) => resolved(r).reduce((n, x) => n + x.count, 0);
  const list = (r: Run) => resolved(r).map((x) => `${num(x.count)} ${x.cause}: ${x.resolution}`).join(', ');
  const storm = t.run({ name: 'pfstorm', args: [], hz: DEFAULT_HZ });
  t.say(`${t.n(sum(storm))} page faults (${list(storm)}), each resolved and the faulting instruction run again: the program never noticed.`);
  const cow = t.run({ name: 'cowfork', args: [], hz: DEFAULT_HZ });
  const cowCount = cow.stats.exceptions.filter((x) => x.resolution === 'copy-on-write').reduce((n, x) => n + x.count, 0);
  t.say(`${t.n(sum(cow))} page faults (${list(cow)}): fork shared every page read-only, and ${t.n(cowCount)} stores got a private copy.`);
  const segv = killedBy(t, t.run({ name: 'segfault', args: [], hz: DEFAULT_HZ }));
  const ill = killedBy(t, t.run({ name: 'illegal', args: [], hz: DEFAULT_HZ }));
  const fixed = (r: Run) => ({ run: r.command, faults: sum(r), byResolution: Object.fromEntries(resolved(r).map((x) => [`${x.cause}: ${x.resolution}`, x.count])) });
  return { pfstorm: fixed(storm), cowfork: { ...fixed(cow), copyOnWrite: cowCount }, segfault: segv, illegal: ill };
}

/** A fatal exception: the fault, the signal it became, the end of the process. */
function killedBy(t: Tour, r: Run): Numbers {
  const fault = r.events.find((e) => e.kind === 'fault' && e.resolution === 'signal');
  const signal = r.events.find((e) => e.kind === 'signal' && e.phase === 'deliver');
  const exit = r.events.find((e) => e.kind === 'proc' && e.phase === 'exit' && e.pid === 1);
  if (fault?.kind !== 'fault' || signal?.kind !== 'signal' || exit?.kind !== 'proc') throw new Error(`demo: ${r.name} was not killed by a fault`);
  const insn = fault.cause === 2 ? `: ${disassemble(fault.addr, fault.pc)} (${hex(fault.addr)}), which U-mode may not execute` : `, address ${hex(fault.addr)}: nothing is mapped there`;
  t.say(`${t.n(fault.name)} at pc ${hex(fault.pc)}${insn}. No handler, so the signal's default action:`);
  t.line(`     --- ${t.paint('num', signal.name)} ${signal.info ?? ''} ---`);
  t.line(`     +++ ${exit.text} +++   exit status ${t.n(r.status)} = 128 + ${signalOf(r.status)}`);
  return { run: r.command, cause: fault.name, pc: hex(fault.pc), addr: hex(fault.addr), signal: signal.name, siginfo: signal.info, exit: exit.text, status: r.status };
}

function timer(t: Tour): Numbers {
  t.heading(4, 'The timer', 'a program that never makes a system call still loses the CPU: every tick the timer interrupt takes it back, and the scheduler may hand it to someone else.');
  const pair = t.run({ name: 'hogs', args: ['2', '1500000', '0'], hz: DEFAULT_HZ });
  const c = cast(pair), ticks = pair.stats.ticks;
  const hogs = c.hogs.map((pid, i) => ({ pid, hog: i + 1, userCycles: proc(pair, pid)?.userCycles ?? 0, slices: slices(pair, pid) }));
  const traps = trapsOf(pair.events, c.hogs);
  const names = [...new Set(traps.syscalls)].join(', ');
  t.say(`${t.n(ticks.total)} timer interrupts at ${DEFAULT_HZ} Hz in ${ms(pair.stats.cycles)}; ${t.n(ticks.preempted)} of them took the CPU from one hog and gave it to the other.`);
  t.say(hogs.map((h, i) => `${i === 0 ? 'Hog' : 'hog'} ${h.hog} (pid ${h.pid}) ran ${t.n(ms(h.userCycles))} in ${t.n(h.slices)} slices`).join('; ')
    + `. The hogs entered the kernel by ${t.n(traps.interrupts)} timer interrupts, ${t.n(traps.exceptions)} exceptions and ${t.n(traps.syscalls.length)} system calls (${names}: before and after their loops). `
    + 'The timer alone made them take turns.');
  const mixed = t.run({ name: 'hogs', args: ['2', '6000000', '10'], hz: DEFAULT_HZ });
  const m = cast(mixed), pid = m.interactive ?? 0;
  const lat = latencies(mixed.events, pid);
  const p = { count: lat.length, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.length ? lat[lat.length - 1] : 0 };
  const user = (q: number) => proc(mixed, q)?.userCycles ?? 0;
  t.say(`The interactive child (pid ${pid}) woke ${t.n(p.count)} times from nanosleep, and each time waited for the CPU: `
    + `p50 ${t.n(cyclesText(p.p50))}, p99 ${t.n(cyclesText(p.p99))}, max ${t.n(cyclesText(p.max))}`
    + `${p.p50 === p.max ? ' (every wake-up fell at the same point of the hogs\' turns)' : ''}. It joins the run queue behind a hog, `
    + `and a hog keeps the CPU until a tick (every ${ms(1e9 / DEFAULT_HZ)} at ${DEFAULT_HZ} Hz).`);
  t.say(`User time: ${m.hogs.map((q, i) => `hog ${i + 1} ${t.n(ms(user(q)))}`).join(', ')}, the interactive child ${t.n(cyclesText(user(pid)))}. `
    + `A higher tick rate shortens the wait and costs more interrupts: try ${t.cmd(`lde run --hz 1000 --stats ${mixed.name} ${mixed.args.join(' ')}`)}.`);
  return {
    pair: { run: pair.command, ticks: ticks.total, preempted: ticks.preempted, hogs, hogTraps: { interrupts: traps.interrupts, syscalls: traps.syscalls.length, exceptions: traps.exceptions } },
    interactive: { run: mixed.command, pid, latency: p, allWakeups: mixed.stats.schedLatency, userCycles: user(pid), ticks: mixed.stats.ticks.total,
      hogsUserCycles: m.hogs.map(user) },
  };
}

function withoutTimer(t: Tour): Numbers {
  t.heading(5, 'Without the timer', 'with no timer interrupt, a program that never traps keeps the CPU for as long as it likes. Only the run\'s time limit stops it.');
  const r = t.run({ name: 'hogs', args: ['2', '6000000', '10'], hz: 0, maxCycles: 40e6 });
  const c = cast(r);
  const role = (pid: number) => (pid === c.parent ? 'the parent' : pid === c.interactive ? 'the interactive child' : `hog ${c.hogs.indexOf(pid) + 1}`);
  const all = [c.parent, ...c.hogs, ...(c.interactive ? [c.interactive] : [])]
    .map((pid) => ({ pid, role: role(pid), userCycles: proc(r, pid)?.userCycles ?? 0, instructions: proc(r, pid)?.instructions ?? 0 }));
  const holder = all.reduce((a, b) => (b.userCycles > a.userCycles ? b : a));
  const starved = all.filter((p) => p.instructions === 0);
  t.say(`Exit status ${t.n(r.status)} (the time limit), ${t.n(r.stats.ticks.total)} timer interrupts. User time: ${all.map((p) => `${p.role} ${t.n(cyclesText(p.userCycles))}`).join(', ')}.`);
  t.say(`${holder.role[0].toUpperCase()}${holder.role.slice(1)} (pid ${holder.pid}) took the CPU and never gave it back; ${starved.map((p) => `${p.role} (pid ${p.pid})`).join(' and ')} `
    + `${starved.length === 1 ? 'was' : 'were'} runnable all along and ran ${t.n('not one instruction')}. The kernel could do nothing: it runs only when the hart traps, and a loop with no system call never does.`);
  return { run: r.command, status: r.status, message: r.message, ticks: r.stats.ticks.total, holder: holder.pid, processes: all, starved: starved.map((p) => p.pid) };
}

function diagram(t: Tour, color: boolean): Numbers {
  t.heading(6, 'The whole tour in one picture', 'the seed\'s control-flow diagram, with the numbers of every run above: three ways into the kernel, one way back.');
  const s = t.whole.summary();
  t.line('');
  for (const l of drawDiagram(s, { color }).trimEnd().split('\n')) t.line(l);
  t.say();
  t.say(`${t.n(t.runs.length)} runs, ${t.n(ms(s.cycles))} of virtual time. Next: ${t.cmd('lde run --stats --strace PROGRAM')} for any of them, or ${t.cmd('lde demo --trace tour.json')} and open the file in ui.perfetto.dev.`);
  return { runs: t.runs.length, cycles: s.cycles, userInstructions: s.userInstructions, modeSwitches: s.modeSwitches, diagram: s.diagram, ticks: s.ticks };
}


const TITLES = ['Direct execution', 'A system call', 'Exceptions', 'The timer', 'Without the timer', 'The whole tour in one picture'];

export async function demoCommand(argv: string[]): Promise<number> {
  const opts = parseOptions(DEMO, argv).options;
  const only = opts.number('--chapter');
  const json = opts.has('--json');
  const color = !json && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  let trace: ChromeTraceSink | undefined;
  const traceFile = opts.string('--trace');
  const traceOut = traceFile !== undefined ? Output.file('--trace', traceFile) : undefined;
  if (traceOut) trace = new ChromeTraceSink((chunk) => traceOut.write(chunk));
  const t = new Tour(json, color, trace);
  if (only === undefined) {
    t.line(t.paint('head', 'lde demo: limited direct execution, on a RISC-V machine and kernel in TypeScript'));
    t.say();
    t.say('User programs run directly on the hart. The kernel runs only when the hart hands it a trap: a system call, an exception, or the timer interrupt. '
      + 'Every number below is counted from the events of the run just above it. Time is virtual: 1 cycle = 1 ns at 1 GHz, one instruction a cycle.', '');
  }
  const chapters = [directExecution, systemCall, exceptions, timer, withoutTimer, (x: Tour) => diagram(x, color)];
  const out: Numbers[] = [];
  for (let n = 1; n <= CHAPTERS; n++) {
    // Chapter 6 draws every run of the tour: asked for alone, it runs the others without a word.
    if (only !== undefined && only !== n && !(only === CHAPTERS && n < CHAPTERS)) continue;
    t.speak = only === undefined || only === n;
    const numbers = chapters[n - 1](t);
    if (t.speak) out.push({ chapter: n, title: TITLES[n - 1], ...numbers });
  }
  if (trace) { trace.finish(); process.stderr.write(traceOut!.close()); }
  if (json) process.stdout.write(JSON.stringify({ chapters: out }, null, 2) + '\n');
  return 0;
}
