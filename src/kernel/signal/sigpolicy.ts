// Signals, the kernel's policy (signal(7)): generating a signal, delivering
// the pending ones on the way back to U-mode (a default action, or a frame
// and a jump to the handler), faults forced as signals, stop and continue,
// and the parent's SIGCHLD. The numbers and the frame layout are in
// signal.ts; the kernel calls these from its trap loop.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { Sig, SIG_DFL, SIG_IGN, STOP_SIGNALS, stopsByDefault, SA_RESTART,
  bit, ignoredByDefault, pushFrame, type SigInfo } from './signal.js';
import { formatSiginfo, sigName } from '../abi/strace-signal.js';
import { EINTR } from '../errno.js';
import { rseqFixup } from './rseq.js';
import { addOwn, addPending, dequeueSignal, flushGroup, sigWaiting, takeNoIntr, waitSet, wants } from './pending.js';

/** Linux's _NSIG: signals are 1 to 64. */
const NSIG = 64;

/** Generates sig for thread p (tgkill, a fault, SIGPIPE, SIGXCPU): it goes into p's own pending set. Delivery happens on the way back to U-mode. */
export function generate(k: Kernel, p: Process, sig: number, info: SigInfo): void {
  if (p.state === 'zombie' || !prepare(k, p, sig, info)) return;
  addOwn(p, sig, info);
  if (wants(p, sig)) wakeUp(k, p, info);
}

/**
 * A process-directed signal (kill(2), SIGCHLD, SIGALRM) for p's thread
 * group: it goes into the group's shared pending set (pending.ts), and one
 * thread that does not block it is woken to take it, p first (Linux's
 * complete_signal prefers the thread the pid names). When every thread
 * blocks it, it stays pending until one unblocks it or waits for it.
 */
export function generateForGroup(k: Kernel, p: Process, sig: number, info: SigInfo): void {
  const g = p.group;
  if (g.threads.length === 0 || !prepare(k, p, sig, info)) return;
  addPending(g.shared, sig, info);
  const t = wants(p, sig) ? p : g.threads.find((q) => wants(q, sig));
  if (t !== undefined) wakeUp(k, t, info);
}

/**
 * What happens at generation, before sig is queued (Linux's prepare_signal):
 * SIGKILL ends the group at once; SIGCONT continues it and discards the
 * pending stop signals, a stop signal discards a pending SIGCONT; an ignored
 * signal is discarded. False when sig is not to be queued.
 */
function prepare(k: Kernel, p: Process, sig: number, info: SigInfo): boolean {
  if (!(sig >= 1 && sig <= NSIG)) return false; // callers check valid_signal; no number from a guest may index past the table
  if (k.trace.on) k.trace.emit({ kind: 'signal', ...k.at(), phase: 'generate', pid: p.pid, sig, name: sigName(sig) });
  const live = p.state === 'zombie' ? p.group.threads[0] : p; // a leader gone by pthread_exit still names its group
  if (sig === Sig.KILL) { if (live !== undefined) k.kill(live, sig, live.pc, undefined, info); return false; }
  if (sig === Sig.CONT) continueGroup(k, p);
  if (stopsByDefault(sig)) flushGroup(p, bit(Sig.CONT));
  if (!ignored(p, live ?? p, sig)) return true;
  // Discarded now, as Linux does for an untraced process; a tracer still hears of it on the way back to U-mode.
  if (k.trace.on && live !== undefined) live.ignoredForTrace.push([sig, info]);
  return false;
}

/**
 * Linux's sig_ignored: the action ignores sig (SIG_IGN, or SIG_DFL for a
 * signal whose default is to ignore it) and p does not block it. The
 * actions are read from a live thread t of p's group (a zombie leader keeps
 * only a copy of the handled ones). A blocked
 * signal is never discarded at generation: the action may change before it
 * is unblocked, and rt_sigtimedwait or a signalfd may take it.
 */
function ignored(p: Process, t: Process, sig: number): boolean {
  if ((p.sigMask & bit(sig)) !== 0n) return false;
  const act = t.sigActions[sig];
  return act !== undefined && (act.handler === SIG_IGN || (act.handler === SIG_DFL && ignoredByDefault(sig)));
}

/** A sleeping thread that will take a new signal is woken (by the process the signal names, or by the kernel). */
function wakeUp(k: Kernel, t: Process, info: SigInfo): void {
  if (t.state === 'sleeping') k.makeRunnable(t, 'signal', info.pid ?? 0);
}

/** After thread p blocked signals (sigprocmask): a group signal it would have taken goes to another thread that takes it (retarget_shared_pending). */
export function retarget(k: Kernel, p: Process, blocked: bigint): void {
  const left = p.group.shared.set & blocked;
  if (left === 0n) return;
  for (let sig = 1; sig <= NSIG; sig++) {
    if ((left & bit(sig)) === 0n) continue;
    const t = p.group.threads.find((q) => q !== p && wants(q, sig));
    if (t !== undefined) wakeUp(k, t, { code: 0 });
  }
}

/**
 * A synchronous fault signal. Like Linux's force_sig_fault: a blocked or
 * ignored fault signal cannot be held off, so the default action applies.
 */
export function forceSignal(k: Kernel, p: Process, sig: number, code: number, addr: number): void {
  const act = p.sigActions[sig];
  if ((p.sigMask & bit(sig)) || act.handler === SIG_IGN || act.handler === SIG_DFL) return k.kill(p, sig, addr, undefined, { code, addr });
  generate(k, p, sig, { code, addr });
}

/**
 * Delivers the lowest pending unblocked signal before p returns to U-mode:
 * the default action, or a frame on the user stack and a jump to the
 * handler. Returns false when the signal ended or stopped the process.
 */
export function deliver(k: Kernel, p: Process): boolean {
  const next = dequeueSignal(p, ~p.sigMask & ~waitSet(p));
  if (next === undefined) return true;
  const [sig, info] = next;
  const act = p.sigActions[sig];
  if (act.handler === SIG_IGN || (act.handler === SIG_DFL && ignoredByDefault(sig))) { delivered(k, p, sig, info, 'ignore'); return true; }
  if (act.handler === SIG_DFL && stopsByDefault(sig)) {
    if (sig !== Sig.STOP && k.stopDiscarded(p)) { delivered(k, p, sig, info, 'ignore'); return true; }
    delivered(k, p, sig, info, 'stop'); stop(k, p, sig); return false;
  }
  if (act.handler === SIG_DFL) { k.kill(p, sig, info.addr ?? p.pc, undefined, info); return false; }
  // strace's order: the interrupted call's line, then the signal's.
  if (p.inBlockedCall) {
    // Interrupted while asleep in a system call: restart it after the handler (SA_RESTART), or return EINTR.
    p.inBlockedCall = false;
    sigWaiting(p, undefined);
    // The call's restart policy (its table entry: rt_sigsuspend, ppoll and the sleeps never restart) and SA_RESTART decide.
    const restart = k.syscallInterrupted(p, takeNoIntr(p) || (act.flags & SA_RESTART) !== 0);
    if (!restart) { p.setReg(10, -EINTR); p.pc += 4; p.sleepDeadline = -1; }
  }
  // A critical section the signal interrupts is aborted first, so the frame holds abort_ip (rseq.ts).
  if (!rseqFixup(p)) { k.kill(p, Sig.SEGV, p.pc, 'bad rseq critical section'); return false; }
  delivered(k, p, sig, info, 'handler');
  if (!pushFrame(p, sig, info, act, p.as.sigreturn)) { k.kill(p, Sig.SEGV, p.reg(2), 'bad signal stack'); return false; }
  return true;
}

/** Reports the ignored signals p was sent since it last ran (strace -f shows them, like any other). */
export function reportIgnored(k: Kernel, p: Process): void {
  for (const [sig, info] of p.ignoredForTrace) delivered(k, p, sig, info, 'ignore');
  p.ignoredForTrace = [];
}

/** The delivery event: what was done with the signal, and strace's siginfo. */
export function delivered(k: Kernel, p: Process, sig: number, info: SigInfo | undefined, action: 'handler' | 'kill' | 'stop' | 'ignore'): void {
  if (k.trace.on) k.trace.emit({ kind: 'signal', ...k.at(), phase: 'deliver', pid: p.pid, sig, name: sigName(sig), action, info: info && formatSiginfo(sig, info) });
}

/**
 * The default action of SIGSTOP and friends: off the CPU until SIGCONT. It
 * is a group stop (signal(7)): every other thread gets SIGSTOP pending (a
 * sleeper is woken for it) and stops on its own way back to U-mode; the
 * parent learns of it once, for the leader, through wait4(WUNTRACED).
 */
function stop(k: Kernel, p: Process, sig: number): void {
  p.moveTo('stopped');
  k.leaveCpu(p, 'stop');
  k.dequeue(p);
  const g = p.group;
  for (const t of g.threads) {
    if (t === p || t.state === 'stopped') continue;
    addOwn(t, Sig.STOP, { code: 0x80 /* SI_KERNEL */ });
    if (t.state === 'sleeping') k.makeRunnable(t, 'signal', 0);
  }
  if (g.stopped) return;
  g.stopped = true;
  g.leader.unreportedChange = sig;
  if (p.parent) { k.wake(p.parent.childWait); notifyParent(k, g.leader, 5 /* CLD_STOPPED */, sig); }
}

/** SIGCONT: discards every pending stop signal of the group (signal(7)) and continues its stopped threads; the parent hears once. */
function continueGroup(k: Kernel, p: Process): void {
  const g = p.group;
  flushGroup(p, STOP_SIGNALS);
  for (const t of g.threads) {
    if (t.state !== 'stopped') continue;
    if (k.trace.on) k.trace.emit({ kind: 'wake', ...k.at(), pid: t.pid, by: k.current?.pid ?? 0, why: 'continue' });
    k.enqueue(t);
  }
  if (!g.stopped) return;
  g.stopped = false;
  g.leader.unreportedChange = -1;
  if (p.parent) { k.wake(p.parent.childWait); notifyParent(k, g.leader, 6 /* CLD_CONTINUED */, Sig.CONT); }
}

/** SIGCHLD (or the child's exit signal) to the parent, with si_code CLD_*. */
export function notifyParent(k: Kernel, c: Process, code: number, status: number): void {
  const parent = c.parent!;
  const sig = code === 1 || code === 2 ? c.exitSignal : Sig.CHLD;
  // Linux's do_notify_parent sends only a valid signal (legacy clone takes any exit signal up to 255 unchecked): generate drops the others.
  generateForGroup(k, parent, sig, { code, pid: c.pid, status });
}
