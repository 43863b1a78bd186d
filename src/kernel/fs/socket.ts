// Sockets (issue 11, "Sockets"): the one kind of open file behind every
// socket lde has, AF_UNIX (unix(7)) and AF_INET/AF_INET6 over the loopback
// (tcp(7), udp(7)). A socket is an endpoint with a receive queue that its
// peers send into; what differs by family is naming (unix.ts, inet.ts).
//   - stream (AF_UNIX SOCK_STREAM, TCP): a byte stream each way between two
//     connected endpoints; reads join and split what was sent; a write to a
//     peer that is gone is EPIPE, with SIGPIPE unless MSG_NOSIGNAL;
//   - messages (SOCK_DGRAM, SOCK_SEQPACKET, UDP): boundaries kept; a read
//     takes one message and drops what does not fit (MSG_TRUNC);
//   - a listener holds the connections not yet accepted (its backlog);
//     connect makes the server's end at once, so there is no handshake to
//     wait for: a connection is established or refused when connect runs.
// A queue holds at most SNDBUF bytes (Linux's default socket buffer,
// net.core.wmem_default = 212,992); a sender to a full queue sleeps or gets
// EAGAIN (UDP drops the datagram, as a full receive buffer does on Linux).
// Queued bytes live on the host: they are charged to kernel memory.

import type { Kernel } from '../kernel.js';
import { File, O_NONBLOCK, type StatInfo } from './file.js';
import type { Process } from '../sched/proc.js';
import { deadline } from '../sched/timer.js';
import { WaitQueue } from '../sched/wait.js';
import { POLLERR, POLLHUP, POLLRDHUP, PollHead, READABLE, WRITABLE } from './poll.js';
import { EAGAIN, ECONNREFUSED, ECONNRESET, EDESTADDRREQ, EINVAL, EMSGSIZE, ENOTCONN, EPIPE } from '../errno.js';
import { Sig, SI_USER } from '../signal/signal.js';
import { KMEM, type KernelMemory } from '../mm/kmem.js';
import { AF_UNIX, type SockAddr } from './sockaddr.js';

export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
/** Linux's default socket buffer (net.core.wmem_default and rmem_default). */
export const SNDBUF = 212_992;
const S_IFSOCK = 0o140000;
/** What a queued message costs besides its bytes (Linux charges an skb's truesize, about 768 bytes more than its data on 64-bit). */
const MSG_OVERHEAD = 768;
/** How often a TCP socket's sleeps and poll deadlines come round while there is a host network (--publish: hostnet.ts). */
export const HOST_POLL_NS = 50_000_000;
export const MSG_OOB = 1, MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;

/** Who sent a message: SCM_CREDENTIALS and SO_PEERCRED (struct ucred). */
export interface Cred { pid: number; uid: number; gid: number; }
/** Linux's answer for a socket with no credentials (cred_to_ucred without a cred): pid 0, uid and gid -1. */
export const NO_CRED: Cred = { pid: 0, uid: 0xffffffff, gid: 0xffffffff };

const sameCred = (a: Cred | undefined, b: Cred | undefined) => a === b || (a !== undefined && b !== undefined && a.pid === b.pid && a.uid === b.uid && a.gid === b.gid);

/** One message (or stream chunk) and what travels with it. */
export interface Packet { bytes: Uint8Array; from?: SockAddr; fds?: File[]; cred?: Cred; done?: (read: boolean) => void; }

/** What one receive took. */
export interface Received { bytes: Uint8Array; truncated: boolean; full: number; from?: SockAddr; fds?: File[]; cred?: Cred; }

/** The receive side of an endpoint. */
class Queue {
  /** poll, select and epoll waiters on this endpoint (poll.ts): told of every change. */
  readonly head = new PollHead();
  msgs: Packet[] = [];
  bytes = 0;
  /** No more will come: the sender is gone or shut down writing. */
  eof = false;
  readonly readers = new WaitQueue();
  readonly writers = new WaitQueue();
}

/** The options setsockopt sets and getsockopt reads back (sockopt.ts). */
export interface SockOpts {
  reuseaddr: boolean; reuseport: boolean; keepalive: boolean; passcred: boolean; nodelay: boolean; v6only: boolean; broadcast: boolean;
  linger: [on: number, secs: number]; sndbuf: number; rcvbuf: number;
  /** SO_RCVTIMEO and SO_SNDTIMEO in ns; 0 is none. */
  rcvtimeo: number; sndtimeo: number;
}

let nextIno = 200000;

export class Socket extends File {
  /** The connected peer (stream, seqpacket), or the default destination (a connected datagram socket). */
  peer: Socket | undefined;
  readonly rx = new Queue();
  shutRead = false;
  shutWrite = false;
  readonly ino = nextIno++;
  /** Connected once (a stream whose peer went is not "never connected": EPIPE, not ENOTCONN). */
  connected = false;
  /** A non-blocking TCP connect returned EINPROGRESS and no connect has seen its outcome yet. */
  connecting = false;
  /** --net outbound: the host connection this socket waits for (SYN_SENT), until it is established or fails (hostnet.ts). */
  outbound: Socket | undefined;
  /** A server's end not yet accepted (its close resets the client). */
  embryo = false;
  /** listen(2) was called: the connections waiting for accept, and how many may wait. */
  backlog: Socket[] | undefined;
  maxBacklog = 0;
  /** The pending error SO_ERROR reads and clears (a refused connect, a reset). */
  error = 0;
  /** TCP: the peer reset the connection (closed with unread data), or a write met a closed peer; the next write is EPIPE. */
  reset = false;
  local: SockAddr | undefined;
  remote: SockAddr | undefined;
  /** The credentials of whoever made this socket, and of its peer at connect time (SO_PEERCRED). */
  cred: Cred = NO_CRED;
  peerCred: Cred | undefined;
  /** Gives the name back (unix.ts, inet.ts), when the socket is closed. */
  unbind: (() => void) | undefined;
  readonly opts: SockOpts = {
    reuseaddr: false, reuseport: false, keepalive: false, passcred: false, nodelay: false, v6only: false, broadcast: false,
    linger: [0, 0], sndbuf: SNDBUF, rcvbuf: SNDBUF, rcvtimeo: 0, sndtimeo: 0,
  };

  constructor(readonly k: Kernel, readonly domain: number, readonly type: number, readonly protocol: number, flags: number,
    protected readonly budget: KernelMemory) { super(2 | flags); }

  get stream(): boolean { return this.type === SOCK_STREAM; }
  /** A connection-based type (stream or seqpacket). */
  get connection(): boolean { return this.type !== SOCK_DGRAM; }
  get inet(): boolean { return this.domain !== AF_UNIX; }
  get listening(): boolean { return this.backlog !== undefined; }

  /** What a receive finds: up to len bytes (stream) or one message; PEEK leaves it queued; -errno when there is nothing to take. */
  recv(len: number, flags = 0): Received | number {
    if (this.hosted) Socket.pump?.(this.k);
    const q = this.rx;
    if (this.listening) return this.inet ? -ENOTCONN : -EINVAL;
    if (q.msgs.length === 0) return this.nothing();
    if (!this.stream) {
      const m = q.msgs[0];
      if (!(flags & MSG_PEEK)) { q.msgs.shift(); q.bytes -= m.bytes.length + MSG_OVERHEAD; this.budget.release(m.bytes.length + MSG_OVERHEAD); m.done?.(true); this.changed(); }
      return { bytes: m.bytes.subarray(0, Math.max(0, len)), truncated: m.bytes.length > len, full: m.bytes.length, from: m.from, fds: flags & MSG_PEEK ? undefined : m.fds, cred: m.cred };
    }
    return this.take(Math.max(0, len), flags);
  }

  /** An empty receive queue: end of file, a pending error, or EAGAIN. */
  private nothing(): Received | number {
    const eofNow = { bytes: new Uint8Array(0), truncated: false, full: 0 };
    if (this.error && (this.inet || !this.connection)) { const e = this.error; this.error = 0; return -e; }
    if (this.rx.eof || this.shutRead) return eofNow;
    if (this.outbound) return -EAGAIN;
    if (this.connection && !this.connected) return this.inet ? -ENOTCONN : -EINVAL;
    return -EAGAIN;
  }

  /** A stream read: chunks joined up to len; a chunk carrying descriptors or credentials ends the read (they come with their bytes). */
  private take(len: number, flags: number): Received {
    const q = this.rx, out = new Uint8Array(Math.min(len, q.bytes));
    let n = 0, i = 0, fds: File[] | undefined, cred: Cred | undefined;
    while (n < out.length && i < q.msgs.length) {
      const m = q.msgs[i];
      if (n > 0 && (m.fds !== undefined || !sameCred(m.cred, cred))) break;
      cred = m.cred;
      const c = Math.min(m.bytes.length, out.length - n);
      out.set(m.bytes.subarray(0, c), n);
      n += c;
      if (flags & MSG_PEEK) { i++; continue; }
      if (c === m.bytes.length) { q.msgs.shift(); fds = m.fds; if (fds) break; } else q.msgs[0] = { ...m, bytes: m.bytes.subarray(c) };
    }
    if (!(flags & MSG_PEEK)) { q.bytes -= n; this.budget.release(n); this.changed(); }
    return { bytes: out.subarray(0, n), truncated: false, full: n, fds, cred };
  }

  /**
   * A send of p to `to` (a datagram's destination; otherwise the peer):
   * what fits of a stream, the whole message or nothing; -EPIPE (with
   * SIGPIPE unless MSG_NOSIGNAL) when nobody can read it any more.
   */
  send(p: Packet, flags = 0, to: Socket | undefined = this.peer): number {
    if (this.hosted) Socket.pump?.(this.k);
    if (this.shutWrite) return this.pipe(flags);
    if (this.error && this.inet && !this.connection) { const e = this.error; this.error = 0; return -e; }
    if (this.outbound) return -EAGAIN; // still connecting (sk_stream_wait_connect)
    if (to === undefined || to.refs === 0) {
      if (!this.connection) return this.inet ? -EDESTADDRREQ : to ? -ECONNREFUSED : -ENOTCONN;
      if (!this.connected) return this.inet ? this.pipe(flags) : -ENOTCONN;
      if (this.inet && this.stream && !this.reset) { this.reset = true; return p.bytes.length; } // the closed peer answers with a reset
      return this.pipe(flags);
    }
    if (to.shutRead && !this.inet) return this.pipe(flags);
    const q = to.rx, room = SNDBUF - q.bytes, len = p.bytes.length;
    if (this.stream && len === 0) return 0;
    if (!this.stream && len > SNDBUF) return -EMSGSIZE;
    // A message takes MSG_OVERHEAD of the queue besides its bytes, so empty ones fill it too.
    const n = this.stream ? Math.min(room, len) : len + MSG_OVERHEAD <= room ? len : -1, cost = this.stream ? n : len + MSG_OVERHEAD;
    if (n < 0 || (n === 0 && len > 0)) return this.inet && !this.connection ? len : -EAGAIN; // UDP: a full receive buffer drops the datagram
    if (!this.budget.charge(cost)) return -EAGAIN; // queued bytes live on the host: the kernel-memory budget (mm/kmem.ts)
    q.msgs.push({ ...p, bytes: p.bytes.slice(0, n) });
    q.bytes += cost;
    to.changed();
    return n;
  }

  /**
   * A datagram from the wire (net/udp.ts) for this bound UDP socket: queued
   * while it fits in SO_RCVBUF (with MSG_OVERHEAD, as Linux counts an skb's
   * truesize against sk_rcvbuf); false when it is dropped (a full buffer).
   */
  receiveDatagram(p: Packet): boolean {
    const q = this.rx, cost = p.bytes.length + MSG_OVERHEAD;
    if (this.shutRead || q.bytes + cost > this.opts.rcvbuf || !this.budget.charge(cost)) return false;
    q.msgs.push(p);
    q.bytes += cost;
    this.changed();
    return true;
  }

  /** EPIPE, with SIGPIPE for a stream unless MSG_NOSIGNAL. */
  private pipe(flags: number): number {
    const cur = this.k.current;
    if (cur && !(flags & MSG_NOSIGNAL) && this.connection) this.k.signal(cur, Sig.PIPE, { code: SI_USER, pid: cur.pid });
    return -EPIPE;
  }

  /** read(2) and write(2): a blocking socket with SO_RCVTIMEO or SO_SNDTIMEO sleeps here, with its deadline (sleepFor). */
  override read(len: number): Uint8Array | number {
    const r = this.recv(len);
    return typeof r === 'number' ? this.timed(r, this.rx.readers, this.opts.rcvtimeo) : this.timed(r.bytes, undefined, 0);
  }

  override write(bytes: Uint8Array): number {
    if (!this.connection && Socket.writeDatagram !== undefined) return Socket.writeDatagram(this.k, this, bytes);
    return this.timed(this.send({ bytes, cred: this.cred }), this.peer?.rx.writers, this.opts.sndtimeo);
  }

  /** Takes in the host network's events (hostnet.ts sets this). */
  static pump: ((k: Kernel) => void) | undefined;
  /** When this socket's next look at the host network is due (pollDeadline). */
  private hostPollAt = 0;
  /** A TCP socket while a host network is there: its waits come round every HOST_POLL_NS to pump. */
  get hosted(): boolean { return this.k.host.net !== undefined && this.inet && this.stream; }

  /** write(2) on a datagram socket: a send to its default destination, routed as send(2) routes it (sys/netmsg.ts sets this). */
  static writeDatagram: ((k: Kernel, s: Socket, bytes: Uint8Array) => number) | undefined;

  private timed<T>(r: T, q: WaitQueue | undefined, timeoutNs: number): T | number {
    const p = this.k.current;
    if (p === undefined || (timeoutNs === 0 && !this.hosted) || this.flags & O_NONBLOCK) return r;
    if (r !== -EAGAIN || q === undefined) { p.sleepDeadline = -1; return r; }
    const t = sleepFor(this.k, p, q, timeoutNs, this.hosted);
    this.expired = t === -EAGAIN;
    return t;
  }

  /** The timeout of read(2) or write(2) just passed: the caller's blockOr must return EAGAIN, not sleep again (waitQueue). */
  private expired = false;

  /** What a failed copy to the user leaves: a stream puts the uncopied bytes back in front; a message is gone. */
  override unread(bytes: Uint8Array, copied: number): number {
    if (this.stream && copied < bytes.length && this.budget.charge(bytes.length - copied)) { this.rx.msgs.unshift({ bytes: bytes.slice(copied) }); this.rx.bytes += bytes.length - copied; }
    return copied;
  }

  override waitQueue(forWrite: boolean): WaitQueue | undefined {
    if (this.expired) { this.expired = false; return undefined; }
    if (forWrite) return this.peer?.rx.writers ?? this.rx.writers;
    return this.rx.readers;
  }

  /** shutdown(2): SHUT_RD (0), SHUT_WR (1) or both (2); the peer sees end of file after a SHUT_WR. */
  shutdown(how: number): void {
    if (how !== 1) this.shutRead = true;
    if (how !== 0) { this.shutWrite = true; if (this.peer && this.connection) this.peer.rx.eof = true; }
    this.changed();
    this.peer?.changed();
  }

  /** This end's readiness may have changed: wake its blocked readers and writers, and tell its pollers and its peer's. */
  changed(): void {
    this.k.wake(this.rx.readers);
    this.k.wake(this.rx.writers);
    this.rx.head.notify();
    if (this.peer && this.peer.peer === this) this.peer.rx.head.notify();
  }

  /** A connection arrived for this listener (connect made its server end): queue it for accept. */
  enqueue(server: Socket): void {
    this.backlog!.push(server);
    this.changed();
  }

  /**
   * Readiness, as unix_poll, unix_dgram_poll and tcp_poll give it: a
   * listener is readable with a connection waiting; a connected end is
   * readable with something queued, and readable with POLLRDHUP once nothing
   * more can come; POLLHUP when both directions are shut (or a stream never
   * connected); writable while the peer's queue has room.
   */
  override poll(): number {
    if (this.hosted) { Socket.pump?.(this.k); this.hostPollAt = this.k.hart.cycle + HOST_POLL_NS; }
    if (this.listening) return this.backlog!.length > 0 ? READABLE : 0;
    if (this.outbound) return 0; // SYN_SENT: nothing yet
    const peer = this.peer, rcvShut = this.rx.eof || this.shutRead;
    let bits = this.rx.msgs.length > 0 ? READABLE : 0;
    if (rcvShut) bits |= POLLRDHUP | READABLE;
    if (this.error) bits |= POLLERR;
    if (this.connection && (peer === undefined || (rcvShut && this.shutWrite))) bits |= POLLHUP;
    if (!this.connection && this.shutRead && this.shutWrite) bits |= POLLHUP;
    if (peer === undefined || peer.refs === 0 || SNDBUF - peer.rx.bytes > 0 || (this.inet && !this.connection)) bits |= WRITABLE;
    return bits;
  }

  override pollHead(): PollHead { return this.rx.head; }

  /** A hosted socket's readiness may change by itself (the host's doing): look again every HOST_POLL_NS. */
  override pollDeadline(_now: number): number { return this.hosted ? this.hostPollAt : Infinity; }

  override stat(): StatInfo { return { mode: S_IFSOCK | 0o777, size: 0, ino: this.ino, rdev: 0, mtimeMs: 0, dev: 8 }; }

  /** The last descriptor went: the peer sees end of file (or a reset, when this end left data unread), waiting connections are reset. */
  override close(): void {
    const peer = this.peer;
    if (peer !== undefined && peer.peer === this) {
      peer.rx.eof = true;
      if (this.connection && (this.rx.bytes > 0 || this.embryo)) { peer.error = ECONNRESET; peer.reset = true; }
      peer.peer = undefined;
      peer.changed();
    }
    this.peer = undefined;
    for (const s of this.backlog ?? []) s.drop();
    this.backlog = undefined;
    this.unbind?.();
    this.unbind = undefined;
    this.purge();
    this.budget.release(KMEM.pipe);
  }

  /** Drops what is queued, closing the descriptors in flight with it. */
  purge(): void {
    for (const m of this.rx.msgs) { for (const f of m.fds ?? []) f.drop(); m.done?.(false); }
    this.budget.release(this.rx.bytes);
    this.rx.msgs = [];
    this.rx.bytes = 0;
  }
}

/** Sleeps on q for a blocking call (timeoutNs 0: none); -EAGAIN once the timeout has passed (SO_RCVTIMEO, SO_SNDTIMEO). */
export function sleepFor(k: Kernel, p: Process, q: WaitQueue, timeoutNs: number, hosted = false): number {
  const now = k.hart.cycle;
  if (timeoutNs > 0 && p.sleepDeadline < 0) p.sleepDeadline = deadline(now, timeoutNs);
  if (timeoutNs > 0 && now >= p.sleepDeadline) { p.sleepDeadline = -1; return -EAGAIN; }
  const until = Math.min(timeoutNs > 0 ? p.sleepDeadline : Infinity, hosted ? now + HOST_POLL_NS : Infinity);
  return until === Infinity ? k.sleepOn(p, q) : k.sleepOnUntil(p, q, until);
}

/** A new socket, charged to kernel memory as a pipe is; undefined when the budget is spent. */
export function newSocket(k: Kernel, domain: number, type: number, protocol: number, flags: number): Socket | undefined {
  if (!k.kmem.charge(KMEM.pipe)) return undefined;
  return new Socket(k, domain, type, protocol, flags, k.kmem);
}

/** Joins two endpoints as a connection (socketpair, connect). */
export function pair(a: Socket, b: Socket): void {
  a.peer = b;
  b.peer = a;
  a.connected = b.connected = true;
  a.peerCred = b.cred;
  b.peerCred = a.cred;
}

/** A connected pair of AF_UNIX sockets of this type; undefined when the budget is spent. */
export function socketPair(k: Kernel, type: number, flags: number, cred: Cred): [Socket, Socket] | undefined {
  const a = newSocket(k, AF_UNIX, type, 0, flags);
  const b = a && newSocket(k, AF_UNIX, type, 0, flags);
  if (a === undefined || b === undefined) { if (a) { a.refs = 0; a.close(); } return undefined; }
  a.cred = b.cred = cred;
  pair(a, b);
  return [a, b];
}
