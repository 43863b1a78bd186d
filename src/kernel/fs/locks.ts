// File locks (issue 11): POSIX record locks (fcntl F_SETLK, F_SETLKW,
// F_GETLK), open-file-description locks (F_OFD_*), and flock(2), with the
// semantics Linux gives them (fs/locks.c; fcntl(2), flock(2)):
//
//   - A record lock covers a byte range of a file and belongs to a process
//     (classic) or to an open file description (OFD). Two locks conflict
//     when their ranges overlap, at least one is a write lock, and their
//     owners differ. A process's own locks never conflict with each other:
//     a new one replaces the overlapping part of the old (split or merged).
//   - A classic lock goes away when its process closes *any* descriptor of
//     the file, and when it exits; an OFD lock when its description's last
//     reference goes.
//   - flock(2) locks the whole file, shared or exclusive, per open file
//     description; converting one is not atomic (the old lock goes first,
//     as on Linux). It is independent of record locks.
//
// A file is known by (dev, ino) from its stat, so two opens of one file meet.
// A lock that would block puts the caller to sleep on the file's queue; any
// unlock of that file wakes the queue, and the call runs again from the start.
// Waiting for a lock held by a process that waits for one of ours is EDEADLK
// (Linux's posix_locks_deadlock, for classic locks).

import type { File } from './file.js';
import type { Process } from '../sched/proc.js';
import { WaitQueue } from '../sched/wait.js';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

/** Who holds a record lock: a process (classic) or an open file description (OFD). */
type Owner = Process | File;

interface RecordLock { owner: Owner; type: number; start: number; end: number; /** end is inclusive; Infinity: to end of file */ }

interface FlockLock { file: File; exclusive: boolean; }

interface Entry { records: RecordLock[]; flocks: FlockLock[]; queue: WaitQueue; }

/** A conflicting lock, as F_GETLK reports it. */
export interface Conflict { type: number; start: number; end: number; pid: number; }

/** The identity of the file f is open on. */
export function fileKey(f: File): string {
  const s = f.stat();
  return `${s.dev ?? 0x10}:${s.ino}`;
}

/** What a process asleep on a classic lock waits for (for deadlock detection). */
interface Waiting { key: string; type: number; start: number; end: number; }

export class FileLocks {
  private readonly files = new Map<string, Entry>();
  private readonly waiting = new Map<Process, Waiting>();

  /** wake: makes every sleeper on a queue runnable (the kernel's k.wake). */
  constructor(private readonly wake: (q: WaitQueue) => void) {}

  private entry(key: string): Entry {
    let e = this.files.get(key);
    if (e === undefined) { e = { records: [], flocks: [], queue: new WaitQueue() }; this.files.set(key, e); }
    return e;
  }

  /** Drops locks whose owner is gone: an exited process, a description with no reference left. */
  private prune(e: Entry): void {
    e.records = e.records.filter((l) => live(l.owner));
    e.flocks = e.flocks.filter((l) => l.file.refs > 0);
  }

  private first(key: string, owner: Owner, type: number, start: number, end: number): RecordLock | undefined {
    const e = this.files.get(key);
    if (e === undefined) return undefined;
    this.prune(e);
    return e.records.find((x) => x.owner !== owner && x.start <= end && start <= x.end && (type === F_WRLCK || x.type === F_WRLCK));
  }

  /** The first lock of another owner that conflicts with [start, end] of this type (F_GETLK), or undefined. */
  conflict(key: string, owner: Owner, type: number, start: number, end: number): Conflict | undefined {
    const l = this.first(key, owner, type, start, end);
    return l && { type: l.type, start: l.start, end: l.end, pid: isProcess(l.owner) ? l.owner.pid : -1 };
  }

  /**
   * Sets (or with F_UNLCK, clears) owner's lock on [start, end]. Returns 0,
   * or the queue to sleep on when another owner's lock conflicts (the
   * caller decides between EAGAIN and sleeping).
   */
  setRecord(key: string, owner: Owner, type: number, start: number, end: number): 0 | WaitQueue {
    const e = this.entry(key);
    this.prune(e);
    if (type !== F_UNLCK && this.first(key, owner, type, start, end)) return e.queue;
    if (isProcess(owner)) this.waiting.delete(owner);
    const kept: RecordLock[] = [];
    for (const l of e.records) {
      if (l.owner !== owner || l.end < start || end < l.start) { kept.push(l); continue; }
      if (l.start < start) kept.push({ ...l, end: start - 1 }); // the part before the new range survives
      if (l.end > end) kept.push({ ...l, start: end + 1 }); // and the part after it
    }
    if (type !== F_UNLCK) kept.push({ owner, type, start, end });
    e.records = kept;
    this.wake(e.queue);
    return 0;
  }

  /**
   * F_SETLKW is about to sleep: EDEADLK if the chain of waits from the
   * conflicting lock's owner leads back to p (each waiter waits for a lock
   * whose owner waits in turn), else p is recorded as waiting. True: deadlock.
   */
  wouldDeadlock(p: Process, key: string, type: number, start: number, end: number): boolean {
    let want: Waiting | undefined = { key, type, start, end };
    for (let hop = 0; want !== undefined && hop < 64; hop++) {
      const holder: Owner | undefined = this.first(want.key, p, want.type, want.start, want.end)?.owner;
      if (holder === undefined || !isProcess(holder)) break;
      want = this.waiting.get(holder);
      if (want !== undefined && this.first(want.key, holder, want.type, want.start, want.end)?.owner === p) return true;
    }
    this.waiting.set(p, { key, type, start, end });
    return false;
  }

  /** flock(2) on f: shared or exclusive (or unlock). 0, or the queue to sleep on. */
  flock(key: string, f: File, op: 'shared' | 'exclusive' | 'unlock'): 0 | WaitQueue {
    const e = this.entry(key);
    this.prune(e);
    const had = e.flocks.some((l) => l.file === f);
    e.flocks = e.flocks.filter((l) => l.file !== f); // a conversion drops the old lock first, as Linux's does
    if (had) this.wake(e.queue);
    if (op === 'unlock') return 0;
    const exclusive = op === 'exclusive';
    if (e.flocks.some((l) => exclusive || l.exclusive)) return e.queue;
    e.flocks.push({ file: f, exclusive });
    return 0;
  }

  /** close(2) of a descriptor of this file by p: p's classic locks on the file go (POSIX's rule, whatever other descriptors p has). */
  closed(p: Process, f: File): void {
    const e = this.files.get(fileKey(f));
    if (e === undefined) return;
    const before = e.records.length;
    e.records = e.records.filter((l) => l.owner !== p);
    if (e.records.length !== before) this.wake(e.queue);
  }

  /** A process exited, or a description's last reference went: wake whoever waits, so they find the locks gone. */
  released(p?: Process): void {
    if (p !== undefined) this.waiting.delete(p);
    for (const [key, e] of this.files) {
      this.prune(e);
      if (e.queue.size > 0) this.wake(e.queue);
      else if (e.records.length === 0 && e.flocks.length === 0) this.files.delete(key);
    }
  }
}

function isProcess(o: Owner): o is Process { return 'pid' in o; }

function live(o: Owner): boolean { return isProcess(o) ? o.state !== 'zombie' : o.refs > 0; }
