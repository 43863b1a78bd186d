// Traps from U-mode, and the way back (xv6's trap.c). The hart enters the
// kernel when a trap reaches the trampoline — an ecall, an exception or the
// timer interrupt — (DESIGN.md "How the kernel is entered"): hart.run()
// calls trapInRun's handler (one hart), or returns the trap as an Exit
// (several harts), as it does at the end of a run budget. One trap, top to bottom:
//
//   usertrap(exit) → trap: save the user context, charge user time, then
//     interrupt → timerInterrupt → Scheduler.timerInterrupt (a tick may preempt p)
//               | Net.interrupt (--nic: the NIC's external interrupt, net/nic.ts)
//     exception → syscall (dispatch) | pageFaultTrap (mm/fault.ts) | a fatal or caught signal
//   → usertrapret(p) if p still holds the hart (pending signals, sret)
//   → else Scheduler.schedule → contextSwitch → usertrapret(next)

import { Cause, CAUSE_NAMES, Irq, type Exit, type TrapExitInfo } from '../machine/index.js';
import type { FaultResolution } from '../trace/events.js';
import type { Kernel } from './kernel.js';
import type { Cpu } from './sched/cpu.js';
import type { KernelThread, Process } from './sched/proc.js';
import { KernelBug } from './sched/runstate.js';
import { Access, pageFault } from './mm/fault.js';
import { dispatch, BLOCK, NORETURN } from './sys/syscall.js';
import { forceSignal, deliver, reportIgnored } from './signal/sigpolicy.js';
import { Sig } from './signal/signal.js';
import { mayDeliver } from './signal/pending.js';
import { rseqResume } from './signal/rseq.js';
import { kernelWork, reschedOnReturn } from './sched/preempt.js';
import { ipiInterrupt } from './smp.js';


/** si_code values of the fault signals (siginfo.h). */
const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, BUS_ADRERR = 2, ILL_ILLOPC = 1, TRAP_BRKPT = 1, SI_KERNEL = 0x80;

/**
 * The kernel's side of one return from hart.run() on `cpu`, whose current
 * process was running in U-mode. Handles the exit, then leaves the hart
 * ready for the next run(): in U-mode with the same process or another one,
 * or with the run over (Kernel.finished).
 */
export function usertrap(k: Kernel, cpu: Cpu, exit: Exit): void {
  const p = cpu.current;
  if (p === undefined) throw new KernelBug(`hart ${cpu.hart.hartId} returned from U-mode with no process on it`);
  switch (exit.kind) {
    case 'trap': trap(k, cpu, p, exit); break;
    case 'budget': chargeUser(k, p); break; // not a trap: p goes on where it was
    case 'handled': throw new KernelBug('usertrap was given a trap the hart\'s handler already took');
    case 'wfi': case 'halt':
      k.finish({ status: 125, message: `the machine stopped unexpectedly (${exit.kind})` });
      return;
    default: { const never: never = exit; return never; }
  }
  endTurn(k, cpu);
}

/**
 * One hart's loop, until the run is over. Each turn runs the current
 * process in U-mode until it traps (or its budget ends), and usertrap
 * leaves the hart with a process to run again; a kernel thread's turn runs
 * in S-mode instead.
 */
export function runOne(k: Kernel, cpu: Cpu, budget: number): void {
  cpu.hart.onTrap = trapInRun(k, cpu);
  try {
    while (!k.finished) {
      k.syncClock(true);
      const kthread = cpu.current?.kthread; // a kernel thread (sched/proc.ts KernelThread: ksoftirqd, an SQPOLL poller) runs in S-mode, not through the hart
      if (kthread !== undefined) kthreadTurn(k, cpu, kthread, cpu.hart.cycle + budget);
      else { const e = cpu.hart.run(budget); if (e.kind !== 'handled') usertrap(k, cpu, e); }
    }
  } finally { cpu.hart.onTrap = undefined; }
}

/**
 * The hart's handler for traps inside run() (hart.ts onTrap), for one hart:
 * usertrap, and the hart goes on without returning to Kernel.run's loop
 * while the next turn is a process's in U-mode (the loop's own checks, in
 * its order). It saves a return and a call per trap: a system call's round
 * trip is about a fifth faster.
 */
function trapInRun(k: Kernel, cpu: Cpu): (e: TrapExitInfo) => boolean {
  return (e) => {
    usertrap(k, cpu, e);
    if (k.finished) return false;
    k.syncClock(true);
    return cpu.current?.kthread === undefined;
  };
}

/**
 * A kernel thread's turn on cpu (sched/proc.ts KernelThread: ksoftirqd, an
 * SQPOLL poller): its body runs in S-mode instead of U-mode, until `until` at
 * the latest, and the turn ends as usertrap's does.
 */
export function kthreadTurn(k: Kernel, cpu: Cpu, t: KernelThread, until: number): void {
  t.run(cpu, until);
  endTurn(k, cpu);
}

/** The end of a turn on cpu: due timers fire, and a hart left free goes to the next task. */
function endTurn(k: Kernel, cpu: Cpu): void {
  if (k.stopping()) return;
  k.sched.timers.expire();
  // The task left the hart (it slept, yielded, stopped or ended, or the tick preempted it): the scheduler picks the next
  // (with several harts, the smp loop does: smp.ts).
  if (cpu.current === undefined && k.cpus.length === 1 && !k.sched.schedule(cpu)) k.deadlock();
}

/** A trap from U-mode: save p's context, handle the cause, and return to p if it still holds the hart. */
function trap(k: Kernel, cpu: Cpu, p: Process, exit: TrapExitInfo): void {
  // The trampoline's save: the integer registers are already p's own (p.x is the hart's file while p holds it);
  // the FP registers only if p wrote them since (FS Dirty), else p's are current anyway.
  const h = cpu.hart;
  if (p.x === h.regs) h.saveFp(p); else h.saveRegs(p, true);
  p.pc = exit.pcHi * 4294967296 + (exit.pcLo >>> 0); // xepc as a signed number: exact for every user address
  chargeUser(k, p);
  if (exit.interrupt) interrupt(k, cpu, p, exit.cause);
  else exception(k, p, exit.cause, (exit.tvalHi >>> 0) * 4294967296 + (exit.tvalLo >>> 0));
  if (cpu.current === p && p.state === 'running' && reschedOnReturn(k, cpu, p)) usertrapret(k, cpu, p);
}

/** sie enables the supervisor timer, with several harts the software interrupt (the IPI: smp.ts), and with --nic the external interrupt (net/nic.ts). */
function interrupt(k: Kernel, cpu: Cpu, p: Process, irq: number): void {
  if (irq === Irq.SSI && k.cpus.length > 1) return ipiInterrupt(k, cpu, p);
  if (irq === Irq.SEI && k.net !== undefined) return k.net.interrupt(cpu, p);
  if (irq !== Irq.STI) throw new KernelBug(`interrupt ${irq} taken from pid ${p.pid}, but only the supervisor timer is enabled`);
  timerInterrupt(k, cpu, p);
}

/** The supervisor timer interrupt: a tick (which may preempt p: the switch happens at the end of usertrap) or a timed wake-up. */
function timerInterrupt(k: Kernel, cpu: Cpu, p: Process): void {
  k.sched.timerInterrupt(cpu, p);
}

/** A synchronous exception, by its scause (priv 4.1.9, Table 22). */
function exception(k: Kernel, p: Process, cause: number, addr: number): void {
  switch (cause) {
    case Cause.ECALL_U: return syscall(k, p);
    case Cause.INSN_PAGE: return pageFaultTrap(k, p, cause, addr, Access.EXEC);
    case Cause.LOAD_PAGE: return pageFaultTrap(k, p, cause, addr, Access.READ);
    case Cause.STORE_PAGE: return pageFaultTrap(k, p, cause, addr, Access.WRITE);
  }
  k.charge(k.costs.syscall); // an exception's crossing, like a system call's
  if (k.trace.on) faultEvent(k, p, cause, addr, 'signal');
  switch (cause) {
    case Cause.ILLEGAL: return forceSignal(k, p, Sig.ILL, ILL_ILLOPC, p.pc);
    case Cause.BREAKPOINT: return forceSignal(k, p, Sig.TRAP, TRAP_BRKPT, p.pc);
    case Cause.LOAD_MISALIGNED: case Cause.STORE_MISALIGNED: return forceSignal(k, p, Sig.BUS, BUS_ADRALN, addr);
    default: return forceSignal(k, p, Sig.SEGV, SI_KERNEL, addr);
  }
}

/** ecall from U-mode: the system call in a7 (sys/syscall.ts). A call that slept runs again from the ecall when p wakes. */
function syscall(k: Kernel, p: Process): void {
  const r = dispatch(k, p);
  p.inBlockedCall = r === BLOCK;
  if (r === BLOCK || r === NORETURN) return; // asleep, or execve/sigreturn set the registers
  if (p.state === 'zombie') return;
  p.setReg(10, r);
  p.pc += 4;
}

/** An instruction, load or store page fault: resolved (demand paging, copy-on-write, swap-in), or SIGSEGV, or the OOM killer. */
function pageFaultTrap(k: Kernel, p: Process, cause: Cause, addr: number, access: Access): void {
  k.work.reset();
  const r = pageFault(p.as, addr, access, p.limit(3 /* RLIMIT_STACK */));
  k.charge(r === 'copy-on-write' ? k.costs.cowFault : k.costs.fault);
  k.chargeWork(p);
  const signal = r === 'maperr' || r === 'accerr' || r === 'sigbus';
  if (k.trace.on) faultEvent(k, p, cause, addr, signal ? 'signal' : r);
  if (r === 'sigbus') return forceSignal(k, p, Sig.BUS, BUS_ADRERR, addr); // a shared file page past the end of the file
  if (signal) return forceSignal(k, p, Sig.SEGV, r === 'maperr' ? SEGV_MAPERR : SEGV_ACCERR, addr);
  if (r === 'oom') return k.outOfMemory(); // the faulting access runs again if its process survives
  if (r === 'swap-in') p.majflt++; else p.minflt++;
}

function faultEvent(k: Kernel, p: Process, cause: number, addr: number, resolution: FaultResolution): void {
  k.trace.emit({ kind: 'fault', ...k.at(), pid: p.pid, cause, name: CAUSE_NAMES[cause] ?? `cause ${cause}`, addr, pc: p.pc, resolution });
}

/** Adds the cycles since p last entered U-mode to its user time. */
function chargeUser(k: Kernel, p: Process): void {
  const now = k.hart.cycle;
  p.utime += now - p.userSince;
  p.userSince = now;
}

/**
 * Returns to p (running on cpu) in U-mode with sret, delivering its pending
 * signals first, each on top of the last, like Linux's exit-to-user loop.
 * A signal that ends or stops p takes it off the hart instead: then this
 * returns with the hart free and no sret done.
 */
export function usertrapret(k: Kernel, cpu: Cpu, p: Process): void {
  if (p.kernelDebt !== undefined) { // the rest of kernel work a preemption cut (sched/preempt.ts)
    const debt = p.kernelDebt;
    p.kernelDebt = undefined;
    if (!kernelWork(k, cpu, p, debt) || cpu.current !== p) return;
  }
  if (cpu.tickMode === 'full') k.sched.retick(cpu); // one task left, or a second one came: NO_HZ_FULL stops or restarts the tick
  // (Not while a woken call is about to run again: Linux finishes the call first, then reports the signal.)
  if (p.ignoredForTrace.length > 0 && !p.inBlockedCall) reportIgnored(k, p);
  // rseq(2): after a preemption, the cpu ids and the abort of a critical section (signal/rseq.ts); a bad one is SIGSEGV.
  if (p.rseq !== 0 && !rseqResume(p, cpu.hart.hartId)) { forceSignal(k, p, Sig.SEGV, 0x80 /* SI_KERNEL */, 0); if (cpu.current !== p) return; }
  while (mayDeliver(p)) if (!deliver(k, p)) return;
  const h = cpu.hart;
  // The FP registers only when the hart's are not p's own as p last left them (another task used them, p ran
  // on another hart, or the kernel wrote p's: execve, sigreturn), as Linux's lazy fstate_restore.
  const fp = cpu.fpOwner !== p || p.fpOn !== cpu;
  if (p.x !== h.regs) {
    // Another task's registers are in the file (or none): they go to its save area, p's come in (from another
    // hart's file, if it last ran there), and p.x is the file from now on.
    cpu.xOwner?.unbindRegs();
    p.unbindRegs();
    h.loadRegs(p, fp);
    p.bindRegs(cpu, h.regs);
  } else if (fp) h.loadFp(p);
  cpu.fpOwner = p; p.fpOn = cpu;
  p.userSince = h.cycle;
  h.sretToUser(p.pc); // sepc, SPP = U, SPIE, then sret
}
