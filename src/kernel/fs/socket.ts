// AF_UNIX sockets made by socketpair(2) (issue 11, "Sockets"; the first
// part): two connected endpoints, each with a receive queue the other sends
// into, with the semantics of unix(7):
//   - SOCK_STREAM: a byte stream in each direction (reads join and split
//     what was sent); a write to a peer that is gone or has shut down
//     reading is EPIPE, with SIGPIPE unless MSG_NOSIGNAL;
//   - SOCK_DGRAM and SOCK_SEQPACKET: messages keep their boundaries; a read
//     takes one message, and what does not fit is dropped (MSG_TRUNC);
//     a message larger than the send buffer is EMSGSIZE.
// A queue holds at most SNDBUF bytes (Linux's default socket buffer,
// net.core.wmem_default = 212,992); a sender to a full queue sleeps or gets
// EAGAIN. When the peer is gone or has shut down writing, a reader sees end
// of file. Named sockets (bind, listen, connect, accept) and AF_INET are
// not here yet: socket(2) is ENOSYS until they are.

import type { Kernel } from '../kernel.js';
import { File, type StatInfo } from './file.js';
import { WaitQueue } from '../sched/wait.js';
import { POLLHUP, POLLRDHUP, PollHead, READABLE, WRITABLE } from './poll.js';
import { EAGAIN, EPIPE } from '../errno.js';
import { Sig, SI_USER } from '../signal/signal.js';
import { KMEM, type KernelMemory } from '../mm/kmem.js';

export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
/** Linux's default socket buffer (net.core.wmem_default and rmem_default). */
export const SNDBUF = 212_992;
const S_IFSOCK = 0o140000, EMSGSIZE = 90;
export const MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_NOSIGNAL = 0x4000;

/** One direction: the messages (or stream chunks) queued for the receiving end. */
class Queue {
  /** poll, select and epoll waiters on the end this queue feeds (poll.ts): told of every change. */
  readonly head = new PollHead();
  msgs: Uint8Array[] = [];
  bytes = 0;
  /** No more will come: the sender is gone or shut down writing. */
  eof = false;
  readonly readers = new WaitQueue();
  readonly writers = new WaitQueue();
}

let nextIno = 200000;

export class UnixSocket extends File {
  peer: UnixSocket | undefined;
  readonly rx = new Queue();
  shutRead = false;
  shutWrite = false;
  readonly ino = nextIno++;

  constructor(private readonly k: Kernel, readonly type: number, flags: number, private readonly budget: KernelMemory) { super(flags); }

  private get stream(): boolean { return this.type === SOCK_STREAM; }

  /** recv: up to len bytes (stream) or one message; PEEK leaves it queued. Returns the bytes and whether a message was cut (MSG_TRUNC). */
  recv(len: number, flags = 0): { bytes: Uint8Array; truncated: boolean; full: number } | number {
    const q = this.rx;
    if (q.msgs.length === 0) return q.eof || this.shutRead ? { bytes: new Uint8Array(0), truncated: false, full: 0 } : -EAGAIN;
    if (!this.stream) {
      const m = q.msgs[0];
      if (!(flags & MSG_PEEK)) { q.msgs.shift(); q.bytes -= m.length; this.budget.release(m.length); this.changed(); }
      return { bytes: m.subarray(0, Math.max(0, len)), truncated: m.length > len, full: m.length };
    }
    const out = new Uint8Array(Math.min(Math.max(0, len), q.bytes));
    let n = 0, i = 0;
    while (n < out.length) {
      const m = q.msgs[i], c = Math.min(m.length, out.length - n);
      out.set(m.subarray(0, c), n);
      n += c;
      if (flags & MSG_PEEK) { i++; continue; }
      if (c === m.length) q.msgs.shift(); else q.msgs[0] = m.subarray(c);
    }
    if (!(flags & MSG_PEEK)) { q.bytes -= n; this.budget.release(n); this.changed(); }
    return { bytes: out, truncated: false, full: n };
  }

  /** send: what fits of bytes (stream), or the whole message or nothing; -EPIPE (with SIGPIPE unless MSG_NOSIGNAL) when nobody can read it. */
  send(bytes: Uint8Array, flags = 0): number {
    const peer = this.peer;
    if (this.shutWrite || peer === undefined || peer.shutRead || peer.refs === 0) {
      const cur = this.k.current;
      if (cur && !(flags & MSG_NOSIGNAL) && this.stream) this.k.signal(cur, Sig.PIPE, { code: SI_USER, pid: cur.pid });
      return -EPIPE;
    }
    const q = peer.rx, room = SNDBUF - q.bytes;
    if (!this.stream && bytes.length > SNDBUF) return -EMSGSIZE;
    const n = this.stream ? Math.min(room, bytes.length) : bytes.length <= room ? bytes.length : 0;
    if (n === 0 && bytes.length > 0) return -EAGAIN;
    if (n > 0 && !this.budget.charge(n)) return -EAGAIN; // queued bytes live on the host: the kernel-memory budget (mm/kmem.ts)
    q.msgs.push(bytes.slice(0, n));
    q.bytes += n;
    peer.changed();
    return n;
  }

  override read(len: number): Uint8Array | number {
    const r = this.recv(len);
    return typeof r === 'number' ? r : r.bytes;
  }

  override write(bytes: Uint8Array): number { return this.send(bytes); }

  /** What a failed copy to the user leaves: a stream puts the uncopied bytes back in front; a message is gone. */
  override unread(bytes: Uint8Array, copied: number): number {
    if (this.stream && copied < bytes.length && this.budget.charge(bytes.length - copied)) { this.rx.msgs.unshift(bytes.slice(copied)); this.rx.bytes += bytes.length - copied; }
    return copied;
  }

  override waitQueue(forWrite: boolean): WaitQueue | undefined {
    if (forWrite) return this.peer?.rx.writers;
    return this.rx.readers;
  }

  /** shutdown(2): SHUT_RD (0), SHUT_WR (1) or both (2); the peer sees end of file after a SHUT_WR. */
  shutdown(how: number): void {
    if (how !== 1) this.shutRead = true;
    if (how !== 0) { this.shutWrite = true; if (this.peer) this.peer.rx.eof = true; }
    this.changed();
    this.peer?.changed();
  }

  /** This end's readiness may have changed: wake its blocked readers and its peer's blocked writers, and tell the pollers of both. */
  changed(): void {
    this.k.wake(this.rx.readers);
    this.k.wake(this.rx.writers);
    this.rx.head.notify();
    if (this.peer) this.peer.rx.head.notify();
  }

  /**
   * unix_poll: readable with something queued; POLLRDHUP (and readable: a
   * read returns 0) once nothing more can come; POLLHUP when both directions
   * are shut (the peer gone does that); writable while the peer's queue has
   * room (or with the peer gone, where a write fails with EPIPE at once).
   */
  override poll(): number {
    const peer = this.peer, rcvShut = this.rx.eof || this.shutRead;
    let bits = this.rx.msgs.length > 0 ? READABLE : 0;
    if (rcvShut) bits |= POLLRDHUP | READABLE;
    if (peer === undefined || (rcvShut && this.shutWrite)) bits |= POLLHUP;
    if (peer === undefined || SNDBUF - peer.rx.bytes > 0) bits |= WRITABLE;
    return bits;
  }

  override pollHead(): PollHead { return this.rx.head; }

  override stat(): StatInfo { return { mode: S_IFSOCK | 0o777, size: 0, ino: this.ino, rdev: 0, mtimeMs: 0 }; }

  override close(): void {
    const peer = this.peer;
    if (peer !== undefined) {
      peer.rx.eof = true;
      peer.peer = undefined;
      peer.changed();
    }
    this.peer = undefined;
    this.budget.release(KMEM.pipe + this.rx.bytes);
    this.rx.msgs = [];
    this.rx.bytes = 0;
  }
}

/** A connected pair of AF_UNIX sockets of this type, charged to kernel memory as a pipe is; undefined when the budget is spent. */
export function socketPair(k: Kernel, type: number, flags: number): [UnixSocket, UnixSocket] | undefined {
  if (!k.kmem.charge(2 * KMEM.pipe)) return undefined;
  const a = new UnixSocket(k, type, 2 | flags, k.kmem), b = new UnixSocket(k, type, 2 | flags, k.kmem);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
