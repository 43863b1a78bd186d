// Sessions and process groups (credentials(7), setpgid(2), setsid(2)):
// each thread group has a process group id and a session id, inherited at
// fork (forked, called by Kernel.newProcess) and kept across execve. Job
// control is built on them: the terminal's foreground group (tty.ts),
// kill(-pgid), wait4(-pgid), and the orphaned-group rule that turns a
// background read into EIO instead of a stop that nobody would end.
//
// The ids live here, beside the terminal, in a WeakMap keyed by the thread
// group, so the process control block (sched/proc.ts) does not change.

import type { Kernel } from '../kernel.js';
import type { Process, ThreadGroup } from '../sched/proc.js';
import { EACCES, EINVAL, EPERM, ESRCH } from '../errno.js';
import { Sig } from '../signal/signal.js';

interface SessionIds {
  pgid: number;
  sid: number;
  /** The argv the process had when it was forked: execve replaces the array, so a different one means it has exec'd (EACCES for setpgid). */
  forkArgv: readonly string[] | undefined;
  /** TIOCNOTTY by a process that is not the session leader: it alone has no controlling terminal any more. */
  noTty: boolean;
}

const ids = new WeakMap<ThreadGroup, SessionIds>();

/** p's ids (a first process that was never given any leads its own group and session). */
function idsOf(p: Process): SessionIds {
  let s = ids.get(p.group);
  if (s === undefined) { s = { pgid: p.tgid, sid: p.tgid, forkArgv: undefined, noTty: false }; ids.set(p.group, s); }
  return s;
}

export const pgidOf = (p: Process): number => idsOf(p).pgid;
export const sidOf = (p: Process): number => idsOf(p).sid;
/** Whether p leads its session (setsid made it so). */
export const isSessionLeader = (p: Process): boolean => idsOf(p).sid === p.tgid;
/** Whether p gave up its controlling terminal alone (TIOCNOTTY by a non-leader). */
export const droppedTty = (p: Process): boolean => idsOf(p).noTty;
export function dropTty(p: Process, dropped: boolean): void { idsOf(p).noTty = dropped; }

/** fork: the child is in its parent's process group and session (Linux's copy_process takes them from the caller). */
export function forked(child: Process, from: Process): void {
  const s = idsOf(from);
  ids.set(child.group, { pgid: s.pgid, sid: s.sid, forkArgv: child.argv, noTty: s.noTty });
}

/** The thread-group leaders of process group pgid, zombies not yet reaped included (their pid still names the group, as on Linux). */
export function groupMembers(k: Kernel, pgid: number): Process[] {
  const out: Process[] = [];
  for (const q of k.procs.values()) if (q === q.group.leader && idsOf(q).pgid === pgid) out.push(q);
  k.work.items += k.procs.size;
  return out;
}

/** Whether any live process is in process group pgid of session sid (setpgid joins only an existing group of its session). */
function groupIn(k: Kernel, pgid: number, sid: number): boolean {
  return groupMembers(k, pgid).some((q) => idsOf(q).sid === sid);
}

/** The session of process group pgid, or undefined when no live process is in it. */
export function sessionOfGroup(k: Kernel, pgid: number): number | undefined {
  const m = groupMembers(k, pgid)[0];
  return m === undefined ? undefined : idsOf(m).sid;
}

/**
 * POSIX's orphaned process group: no live member has a parent in another
 * group of the same session (Linux's will_become_orphaned_pgrp). An empty
 * group counts as orphaned. Linux also passes over members whose parent is
 * init; lde's pid 1 is the user's program (a login shell, say), not an
 * init, so its children count like any others.
 */
export function orphaned(k: Kernel, pgid: number): boolean {
  for (const q of groupMembers(k, pgid)) {
    if (q.group.threads.length === 0) continue;
    const parent = q.parent?.group.leader;
    if (parent === undefined || parent.group.threads.length === 0) continue;
    const ps = idsOf(parent);
    if (ps.pgid !== pgid && ps.sid === idsOf(q).sid) return false;
  }
  return true;
}

/** Whether a member of process group pgid is stopped (Linux's has_stopped_jobs). */
const hasStopped = (k: Kernel, pgid: number): boolean => groupMembers(k, pgid).some((q) => q.group.stopped && q.group.threads.length > 0);

/**
 * An exit that orphans a process group with stopped members (POSIX _exit;
 * Linux's kill_orphaned_pgrp, kernel/exit.c): nobody is left who could
 * continue them, so the group gets SIGHUP and then SIGCONT. It is looked at
 * for the dead process's own group (its parent, in another group of the
 * session, was the link), and for each group of its former children that
 * it was the link for. Called when the thread group of dead has ended and
 * its children have gone to their new parent.
 */
export function hangUpOrphaned(k: Kernel, dead: Process, children: readonly Process[]): void {
  const mine = idsOf(dead), groups = new Set<number>();
  const parent = dead.parent?.group.leader;
  if (parent !== undefined && idsOf(parent).pgid !== mine.pgid && idsOf(parent).sid === mine.sid) groups.add(mine.pgid);
  for (const c of children) {
    const theirs = idsOf(c);
    if (theirs.pgid !== mine.pgid && theirs.sid === mine.sid) groups.add(theirs.pgid);
  }
  for (const pgid of groups) {
    if (!orphaned(k, pgid) || !hasStopped(k, pgid)) continue;
    for (const sig of [Sig.HUP, Sig.CONT]) {
      for (const q of groupMembers(k, pgid)) if (q.group.threads.length > 0) k.signalGroup(q, sig);
    }
  }
}

/**
 * Whether SIGTSTP, SIGTTIN or SIGTTOU with the default action is thrown away
 * for p instead of stopping it (Linux's get_signal, is_current_pgrp_orphaned):
 * in an orphaned group nobody could continue it. The group of lde's first
 * process is not orphaned: the host's shell, outside the guest, is its link.
 */
export function stopDiscarded(k: Kernel, p: Process): boolean {
  const pgid = idsOf(p).pgid;
  return orphaned(k, pgid) && !groupMembers(k, pgid).some((q) => q.pid === 1);
}

/** setpgid(pid, pgid), Linux's order of checks (kernel/sys.c). */
export function setpgid(k: Kernel, p: Process, pid: number, pgid: number): number {
  const me = p.group.leader;
  if (pgid < 0) return -EINVAL;
  const target = pid === 0 ? me : k.procs.get(pid); // a zombie not yet reaped is still there, as on Linux
  if (target === undefined) return -ESRCH;
  if (target !== target.group.leader) return -EINVAL;
  const t = idsOf(target), mine = idsOf(me);
  if (target !== me) {
    if (target.parent?.group !== me.group) return -ESRCH;
    if (t.sid !== mine.sid) return -EPERM;
    if (t.forkArgv !== target.argv) return -EACCES; // it has exec'd
  }
  const want = pgid === 0 ? target.pid : pgid;
  if (t.sid === target.pid) return -EPERM; // a session leader
  if (want !== target.pid && !groupIn(k, want, mine.sid)) return -EPERM;
  t.pgid = want;
  return 0;
}

/** getpgid(pid) and getsid(pid): 0 names the caller. */
export function idOf(k: Kernel, p: Process, pid: number, which: 'pgid' | 'sid'): number {
  const target = pid === 0 ? p : k.procs.get(pid);
  if (target === undefined || target.group.threads.length === 0) return -ESRCH;
  return idsOf(target)[which];
}

/** setsid(): a new session and group led by the caller, with no controlling terminal; EPERM for a group leader. */
export function setsid(k: Kernel, p: Process): number {
  const me = p.group.leader;
  if (groupMembers(k, me.pid).length > 0) return -EPERM;
  const s = idsOf(me);
  s.pgid = s.sid = me.pid;
  s.noTty = false;
  return me.pid;
}
