// The worker's sink (trace/events.ts Sink): it turns the run's trace events,
// the same ones `--trace` writes, into the page's timeline marks and the
// diagram's counts, sends them in batches, and stops the run where the page
// asks (step mode, pause): the worker blocks in Atomics.wait inside the
// event, so the hart is frozen between two of its own actions.

import type { Sink, TraceEvent } from '../trace/events.js';
import { C_GO, C_PAUSE, C_STEP, type FlowCounts, type Mark, type StepState } from './protocol.js';

/** Marks kept for one run; past this only the counts go on (the page says how many were dropped). */
export const MAX_MARKS = 400_000;
/** A walked call that went to sleep (its syscall-exit said blocked): the walk waits for it to run again. */
const ASLEEP = 6;
/** A batch goes when it has this many marks, or this much host time passed. */
const BATCH = 4096, BATCH_MS = 60;
/** The page tables are sent again on a fault at most this often (host ms). */
const PAGES_MS = 250;

const emptyFlow = (): FlowCounts => ({ boot: 1, processes: 0, syscalls: 0, faults: 0, ticks: 0, otherIrqs: 0, switches: 0, returns: 0, signals: 0, exits: 0, userInsns: 0, cycles: 0 });

/** What the sink needs from the worker: where to send, and how to read the stopped hart. */
export interface LabPort {
  send(marks: Mark[], flow: FlowCounts, dropped: number): void;
  /** The hart's state now, for one step. */
  stepState(step: number, title: string, detail: string): StepState;
  sendStep(state: StepState): void;
  /** Sends the current process's page tables. */
  sendPages(): void;
  now(): number;
}

export class LabSink implements Sink {
  readonly flow = emptyFlow();
  private marks: Mark[] = [];
  private kept = 0;
  private dropped = 0;
  private lastSend = 0;
  private lastPages = 0;
  private readonly pidOf: number[] = [];
  private readonly lastInstret: number[] = [];
  /** The system call being walked in step mode: its step, the hart and process it started on, its name once known. */
  private walk: { step: number; hart: number; pid: number; name: string } | undefined;
  /** Each hart's CSRs at its last sret to U-mode, while step mode is on (step 1 shows them). */
  private readonly before: (StepState['csrs'] | undefined)[] = [];
  private checks = 0;

  constructor(private readonly port: LabPort, private readonly control: Int32Array | undefined) {}

  private mark(m: Mark): void {
    if (this.kept >= MAX_MARKS) { this.dropped++; return; }
    this.kept++;
    this.marks.push(m);
  }

  event(e: TraceEvent): void {
    const f = this.flow, h = e.hart;
    f.cycles = Math.max(f.cycles, e.cycle);
    const pid = this.pidOf[h] ?? 0;
    switch (e.kind) {
      case 'trap':
        if (e.from === 0) { f.userInsns += e.instret - (this.lastInstret[h] ?? e.instret); this.mark(['mode', e.cycle, 'S', pid, h]); }
        if (e.interrupt && e.cause !== 5) f.otherIrqs++;
        if (!e.interrupt && e.cause !== 8) this.mark(['trap', e.cycle, pid, h, e.name]);
        if (e.cause === 8 && !e.interrupt && e.from === 0 && this.walk === undefined && this.stepping()) this.walkEcall(h, pid);
        break;
      case 'xret':
        if (e.to === 0) {
          f.returns++;
          this.lastInstret[h] = e.instret;
          this.mark(['mode', e.cycle, 'U', pid, h]);
          const w = this.walk;
          if (w && w.step === 4 && pid === w.pid) {
            this.walk = undefined;
            this.stop(5, 'sret (hardware)', `Return-from-trap${h === w.hart ? '' : ` on hart ${h}`}: the mode comes from SPP (U), SIE from SPIE, and the pc from sepc, which the kernel moved past the ecall. a0 holds the result of ${w.name}.`, 'U');
          }
          // What the CSRs say in U-mode, before the next trap rewrites them: step 1 shows them.
          if (this.stepping()) this.before[h] = this.port.stepState(0, '', '').csrs;
        }
        break;
      case 'syscall-enter': {
        this.mark(['syscall', e.cycle, e.pid, h, e.name]);
        const w = this.walk;
        if (w && e.pid === w.pid && (w.step === 2 || (w.step === ASLEEP && e.again))) {
          w.step = 3;
          w.name = e.name;
          this.stop(3, e.again ? `${e.name} runs again` : `The kernel handles ${e.name}`, e.again ? `The process was woken: the kernel runs ${e.name} again, from where it left off.`
            : `usertrap saw scause 8, saved the user registers, and dispatches call ${e.nr}: ${e.name}(${e.args}).`);
        }
        break;
      }
      case 'syscall-exit': {
        if (!e.blocked) f.syscalls++;
        const w = this.walk;
        if (w && w.step === 3 && e.pid === w.pid) {
          w.step = e.blocked ? ASLEEP : 4;
          const ends = e.name === 'exit' || e.name === 'exit_group';
          this.stop(4, e.blocked ? `${e.name} must wait` : ends ? `${e.name} does not return` : `${e.name} returns`,
            e.blocked ? `${e.name} cannot finish yet: the process sleeps on a wait queue and another runs. The walk goes on when it is woken.`
              : ends ? `${e.text}: the kernel ends the ${e.name === 'exit' ? 'thread' : 'process'}; nothing is written back, and there is no sret for it.`
                : `${e.text}. The result goes into the saved a0 and sepc moves 4 bytes, past the ecall.`);
        }
        break;
      }
      case 'fault':
        f.faults++;
        this.mark(['fault', e.cycle, e.pid, h, `${e.name} at 0x${e.addr.toString(16)}: ${e.resolution}`]);
        // The page tables follow the faults live, a few times a second of host time (a walk costs a few ms).
        if (this.port.now() - this.lastPages >= PAGES_MS) { this.lastPages = this.port.now(); this.port.sendPages(); }
        break;
      case 'tick': f.ticks++; this.mark(['tick', e.cycle, e.pid, h, e.preempted ? 'preempts' : 'tick']); break;
      case 'switch':
        f.switches++;
        this.pidOf[h] = e.to;
        this.mark(['switch', e.cycle, e.to, h, `${e.from} → ${e.to} (${e.toName}): ${e.reason}`]);
        this.mark(['mode', e.cycle, 'S', e.to, h]);
        break;
      case 'idle':
        this.mark(['mode', e.cycle, 'I', 0, h]);
        this.mark(['mode', e.until, 'S', 0, h]);
        break;
      case 'signal': if (e.phase === 'deliver') { f.signals++; this.mark(['signal', e.cycle, e.pid, h, `${e.name}: ${e.action ?? ''}`]); } break;
      case 'proc':
        if (e.phase === 'create') f.processes++;
        if (e.phase === 'exit') {
          f.exits++;
          this.flush();
          this.port.sendPages();
          const w = this.walk;
          if (w && e.pid === w.pid) {
            this.walk = undefined;
            this.stop(5, 'No sret: the process is gone', `${w.name} ended the process (${e.text ?? 'exit'}): there is no user context to return to, so the kernel frees it and runs another.`);
          }
        }
        break;
    }
    if (this.control !== undefined && Atomics.load(this.control, C_PAUSE) === 1) {
      Atomics.store(this.control, C_PAUSE, 0);
      this.stop(0, 'Paused', `Stopped between two events of the run, at cycle ${e.cycle.toLocaleString('en-US')}.`);
    }
    if (this.marks.length >= BATCH || ((++this.checks & 255) === 0 && this.port.now() - this.lastSend >= BATCH_MS)) this.flush();
  }

  /** Steps 1 and 2 of a walk: the ecall as the program saw it, then the trap the hardware took. */
  private walkEcall(h: number, pid: number): void {
    const w = { step: 1, hart: h, pid, name: 'the call' };
    this.walk = w;
    const now = this.port.stepState(1, '', '');
    const a7 = now.regs.a7 ?? '?';
    this.stop(1, 'ecall in U-mode', `Process ${pid} asks for a system call: a7 = ${a7} names it, a0–a5 hold its arguments; the pc is the ecall. The CSRs are as they were in U-mode (at the last sret), before the trap rewrites them.`, 'U', this.before[h]);
    if (this.walk !== w) return;
    w.step = 2;
    this.stop(2, 'The trap is taken (hardware)', 'The hart wrote scause = 8, sepc = the ecall, stval = 0; sstatus.SPP = 0 (from U), SPIE = SIE, SIE = 0; the mode is S and the pc is stvec, the kernel\'s trampoline. No register of the program changed.');
  }

  private stepping(): boolean { return this.control !== undefined && Atomics.load(this.control, C_STEP) === 1; }

  /** Sends what is pending, shows the hart's state, and blocks until the page says go (or step mode is turned off). */
  private stop(step: number, title: string, detail: string, mode?: 'U' | 'S', csrs?: StepState['csrs']): void {
    const control = this.control;
    if (control === undefined) return;
    if (step > 0 && !this.stepping()) { this.walk = undefined; return; } // step mode was turned off during the walk
    // The go counter before anything is sent: a click that comes while the state is on its way is not lost.
    const go = Atomics.load(control, C_GO);
    this.flush();
    const state = this.port.stepState(step, title, detail);
    if (mode) state.mode = mode;
    if (csrs) state.csrs = csrs;
    this.port.sendStep(state);
    this.port.sendPages();
    while (Atomics.load(control, C_GO) === go && (step === 0 || this.stepping())) Atomics.wait(control, C_GO, go, 250);
    if (!this.stepping()) this.walk = undefined;
  }

  flush(): void {
    this.lastSend = this.port.now();
    this.port.send(this.marks, { ...this.flow }, this.dropped);
    this.marks = [];
  }
}
