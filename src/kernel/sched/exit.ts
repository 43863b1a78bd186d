// The end of a process (xv6's exit, Linux's do_exit): a normal exit, a fatal
// signal's default action (kill), the OOM killer's choice of victim, and what
// an exit leaves behind: a zombie for the parent's wait4, orphans for pid 1,
// and the run's result when pid 1 is the one that ended.

import type { Kernel } from '../kernel.js';
import type { Process } from './proc.js';
import { SIGNAL_NAMES, Sig, SIG_IGN, type SigInfo } from '../signal/signal.js';
import { delivered, notifyParent } from '../signal/sigpolicy.js';
import { formatExit } from '../abi/strace-signal.js';
import { basename } from './proc.js';
import { PAGE_SIZE } from '../mm/frames.js';

const SI_KERNEL = 0x80;

/**
 * exit(2): ends the thread p. `waitStatus` is a wait status (code << 8, or
 * the signal number), `message` the line reported when pid 1 ends by a
 * signal. p leaves its hart; a thread other than the leader is gone at once
 * (nobody waits for it); the group ends, and its leader becomes the zombie
 * its parent reaps, when its last thread has exited.
 */
export function exit(k: Kernel, p: Process, waitStatus: number, message?: string): void {
  const g = p.group;
  endThread(k, p, waitStatus);
  if (g.threads.length === 0) groupDone(k, g.leader, g.exiting ?? waitStatus, message);
}

/** exit_group(2), and a fatal signal: every thread of p's group ends, then p; the group's status is `waitStatus`. */
export function exitGroup(k: Kernel, p: Process, waitStatus: number, message?: string): void {
  const g = p.group;
  g.exiting ??= waitStatus;
  for (const t of [...g.threads]) if (t !== p) endThread(k, t, g.exiting);
  exit(k, p, g.exiting, message);
}

/**
 * execve from a thread (Linux's de_thread): the other threads end, and a
 * thread that is not the leader takes the leader's pid, parent and children.
 */
export function deThread(k: Kernel, p: Process): void {
  const g = p.group, leader = g.leader;
  for (const t of [...g.threads]) if (t !== p) endThread(k, t, 0);
  if (leader === p) return;
  k.procs.delete(p.pid);
  p.pid = leader.pid;
  k.procs.set(p.pid, p);
  p.parent = leader.parent;
  if (p.parent) p.parent.children = p.parent.children.map((c) => (c === leader ? p : c));
  p.children = leader.children;
  for (const c of p.children) c.parent = p;
  leader.children = [];
  p.exitSignal = leader.exitSignal;
  p.cutime = leader.cutime; p.cstime = leader.cstime;
  g.leader = p;
}

/** One thread ends: the futex words it leaves (the kernel's thread-exit hook), its share of files and memory, its hart. */
function endThread(k: Kernel, p: Process, waitStatus: number): void {
  const signalled = (waitStatus & 0x7f) !== 0, g = p.group;
  if (k.trace.on) {
    k.trace.emit({ kind: 'proc', ...k.at(), phase: 'exit', pid: p.pid, ppid: p.parent?.pid ?? 0,
      name: basename(p.exe), status: waitStatus, text: formatExit(waitStatus) });
  }
  p.moveTo('zombie');
  count(k, p, signalled && g.threads.length === 1);
  p.exitStatus = waitStatus;
  k.threadExit(p); // robust futexes, CLONE_CHILD_CLEARTID
  // Closing a pipe may wake its other end: that wake is still p's doing, so p leaves its hart after.
  if (--p.filesRefs.refs === 0) for (const f of p.files) f?.drop();
  k.locks.released(p); // its record locks, and those of descriptions it held the last reference to, are gone
  const last = --p.asRefs.refs === 0;
  if (last) p.as.destroy();
  p.release();
  k.sched.forget(p, signalled ? 'signal' : 'exit', last);
  p.waitingOn?.remove(p);
  if (p.vforkDone) { k.wake(p.vforkDone, p.pid); p.vforkDone = undefined; }
  g.threads.splice(g.threads.indexOf(p), 1);
  if (p !== g.leader) k.procs.delete(p.pid); // a thread is never waited for
}

/** The group's last thread has gone: its leader is the zombie the parent hears of. */
function groupDone(k: Kernel, leader: Process, waitStatus: number, message?: string): void {
  const signalled = (waitStatus & 0x7f) !== 0;
  leader.exitStatus = waitStatus;
  const children = leader.children;
  reparent(k, leader);
  k.groupEnded(leader, children);
  tellParent(k, leader, waitStatus);
  if (leader.pid === 1) k.finish(signalled ? { status: 128 + (waitStatus & 0x7f), message } : { status: (waitStatus >> 8) & 0xff });
}

/** Ends p as a fatal signal's default action does, with the one-line message of DESIGN.md. */
export function kill(k: Kernel, p: Process, sig: number, addr: number, why?: string, info: SigInfo = { code: SI_KERNEL }): void {
  delivered(k, p, sig, sig === Sig.KILL ? undefined : info, 'kill'); // no siginfo for SIGKILL: strace never sees it, the process just dies
  const name = SIGNAL_NAMES[sig] ?? `signal ${sig}`;
  const where = `at 0x${BigInt.asUintN(64, BigInt(addr)).toString(16)} (pc 0x${BigInt.asUintN(64, BigInt(p.pc)).toString(16)})`;
  exitGroup(k, p, sig, `pid ${p.pid} killed by ${name}${why ? ` (${why})` : ''} ${where}`);
}

/**
 * RAM is exhausted: kill the process holding the most pages (Linux's OOM
 * killer in miniature), with one line on stderr. The kernel itself never fails.
 */
export function outOfMemory(k: Kernel): void {
  let victim: Process | undefined, most = -1;
  for (const q of k.procs.values()) {
    const t = q.group.threads[0]; // a group's live threads share one address space: count it once
    if (q !== q.group.leader || t === undefined) continue;
    let pages = 0;
    for (const _ of t.as.leaves()) pages++;
    if (pages > most) { most = pages; victim = t; }
  }
  if (victim === undefined) return;
  k.host.write(2, new TextEncoder().encode(`lde: out of memory: killed pid ${victim.pid} (${basename(victim.exe)}), which held ${(most * PAGE_SIZE / 1048576).toFixed(1)} MiB\n`));
  kill(k, victim, Sig.KILL, victim.pc, 'out of memory');
}

/** Adds p's counters to the kernel's totals over exited processes (threads count as processes, as they are tasks). */
function count(k: Kernel, p: Process, signalled: boolean): void {
  const t = k.totals;
  t.processes++;
  t.minflt += p.minflt; t.majflt += p.majflt; t.nvcsw += p.nvcsw; t.nivcsw += p.nivcsw;
  if (signalled) t.killedBySignal++;
}

/**
 * Orphans go to pid 1 (or simply lose their parent when pid 1 is the one
 * exiting), as Linux's reparent_leader (kernel/exit.c) does it: each one's
 * exit signal becomes SIGCHLD ("we don't want people slaying init"), and
 * one that is already a zombie is announced to its new parent at once.
 */
function reparent(k: Kernel, p: Process): void {
  const init = k.procs.get(1), heir = init !== p ? init : undefined;
  const orphans = p.children;
  p.children = [];
  for (const c of orphans) {
    for (const t of c.group.threads) t.parent = heir;
    c.parent = heir;
    c.exitSignal = Sig.CHLD;
    if (heir === undefined) { if (c.state === 'zombie') k.procs.delete(c.pid); continue; }
    heir.children.push(c);
    if (c.state === 'zombie') tellParent(k, c, c.exitStatus);
  }
}

/** The parent learns of the death (a wake-up in wait4, and SIGCHLD), or the zombie is reaped at once when nobody will wait for it. */
function tellParent(k: Kernel, p: Process, waitStatus: number): void {
  // A parent that is itself a zombie (init killed in the same group kill, before its children) has released its signal state: nobody will reap p.
  const parent = p.parent?.group.threads.length === 0 ? undefined : p.parent, sig = waitStatus & 0x7f;
  if (parent && p.exitSignal === Sig.CHLD && parent.sigActions[Sig.CHLD].handler === SIG_IGN) {
    // POSIX: with SIGCHLD ignored, children are reaped at once and never become zombies (Linux: those whose exit signal is SIGCHLD).
    parent.children = parent.children.filter((q) => q !== p);
    k.procs.delete(p.pid);
    k.wake(parent.childWait, p.pid);
  } else if (parent) {
    k.wake(parent.childWait, p.pid);
    notifyParent(k, p, sig ? 2 /* CLD_KILLED */ : 1 /* CLD_EXITED */, sig ? sig : (waitStatus >> 8) & 0xff);
  } else if (p.pid !== 1) k.procs.delete(p.pid); // nobody will reap it
}
