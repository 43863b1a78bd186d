// --publish: host TCP connections delivered to guest listeners (docs/sockets.md).
// The CLI owns the host's sockets (HostNet, host.ts); here each host
// connection is a HostEnd, a socket nobody holds a descriptor to, paired
// with the server end that joins the guest listener's backlog, as a guest
// connect would make it. Bytes the guest sends land in the HostEnd's queue
// and go straight to the host; bytes from the host are sent from the
// HostEnd (what does not fit waits, and the host side is paused meanwhile).
//
// --net outbound: a guest connect outside the loopback asks the host to
// connect (connectHost); the HostEnd waits for 'connected' and is then
// paired with the guest's socket, so the rest is as for a published port.
//
// The kernel hears of host events by pumping: every socket call, every poll
// of a TCP socket, and every wake-up of a sleep on one (a TCP socket's
// sleeps and poll deadlines come every HOST_POLL_NS while a host network is
// there). An idle guest thus wakes at most every HOST_POLL_NS of virtual
// time, and, as --publish runs in real time, the CLI's idle sleep returns
// early when the host has something, so the host CPU does not spin.

import type { Kernel } from '../kernel.js';
import type { HostNet } from '../host.js';
import { Socket, SOCK_STREAM, newSocket, pair } from './socket.js';
import { lookupListener } from './inet.js';
import { AF_INET, LOOP4, ipText, type InetAddr } from './sockaddr.js';
import { EADDRNOTAVAIL, ECONNREFUSED, ECONNRESET, EINPROGRESS, ENETUNREACH, ENOBUFS, ETIMEDOUT } from '../errno.js';
import { KMEM } from '../mm/kmem.js';
import { concat } from '../mm/uaccess.js';

/** The host end of one published connection. */
class HostEnd extends Socket {
  /** Host bytes the guest's queue had no room for yet. */
  pending: Uint8Array | undefined;
  /** The host client shut down writing while bytes were still pending: the guest sees the end after them. */
  hostEnded = false;
  /** An outbound connection not yet established: the guest socket that connects. */
  guest: Socket | undefined;
  private ended = false;
  constructor(k: Kernel, private readonly net: HostNet, readonly conn: number) { super(k, AF_INET, SOCK_STREAM, 6, 0, k.kmem); }

  /** The host's end is the pump's own: it never pumps. */
  override get hosted(): boolean { return false; }

  /** The guest sent, shut down or closed: pass it on to the host. */
  override changed(): void {
    for (const m of this.rx.msgs) if (m.bytes.length > 0) this.net.send(this.conn, m.bytes);
    this.purge();
    if (this.rx.eof && !this.ended) {
      this.ended = true;
      if (this.error) this.net.close(this.conn); else this.net.end(this.conn);
    }
    super.changed();
  }

  /** Hands host bytes to the guest: what fits now; the rest waits, with the host paused. */
  deliver(bytes: Uint8Array): void {
    const all = this.pending ? concat([this.pending, bytes]) : bytes;
    const n = this.peer === undefined ? all.length : Math.max(0, this.send({ bytes: all }));
    const rest = all.subarray(n);
    if (this.pending === undefined && rest.length > 0) this.net.pause(this.conn, true);
    if (this.pending !== undefined && rest.length === 0) this.net.pause(this.conn, false);
    this.pending = rest.length > 0 ? rest.slice() : undefined;
    if (this.pending === undefined && this.hostEnded) this.shutdown(1);
  }
}

const ends = new WeakMap<Kernel, Map<number, HostEnd>>();

/** Takes in what the host has for the guest: new connections, bytes, ends and closes. Cheap when nothing came. */
export function pumpHost(k: Kernel): void {
  const net = k.host.net;
  if (net === undefined || pumping.has(k)) return; // a poll run by a wake-up inside the pump: the pump is already here
  pumping.add(k);
  try { pumpEvents(k, net); } finally { pumping.delete(k); }
}

const pumping = new WeakSet<Kernel>();

function pumpEvents(k: Kernel, net: HostNet): void {
  let conns = ends.get(k);
  if (conns === undefined) ends.set(k, (conns = new Map()));
  for (const e of conns.values()) if (e.pending) e.deliver(new Uint8Array(0));
  for (const ev of net.poll()) {
    k.work.items++;
    if (ev.kind === 'accept') { accept(k, net, conns, ev.conn, ev.port, ev.peerPort); continue; }
    const e = conns.get(ev.conn);
    if (e === undefined) continue;
    if (ev.kind === 'connected') established(e, net);
    else if (ev.kind === 'data') e.deliver(ev.bytes);
    else if (ev.kind === 'end') { e.hostEnded = true; if (!e.pending) e.shutdown(1); }
    else { conns.delete(ev.conn); if (e.guest) failed(e, ev.error); e.pending = undefined; e.refs = 0; e.close(); }
  }
}

/** A host client on a published port: a connection to the guest's listener on that port, or closed at once when there is none (ECONNREFUSED's host view). */
function accept(k: Kernel, net: HostNet, conns: Map<number, HostEnd>, conn: number, port: number, peerPort: number): void {
  const listener = lookupListener(k, LOOP4, port);
  const server = listener && newSocket(k, listener.domain, SOCK_STREAM, 6, 0);
  if (listener === undefined || server === undefined || !k.kmem.charge(KMEM.pipe)) { server?.drop(); net.close(conn); return; }
  const end = new HostEnd(k, net, conn), family = listener.domain as InetAddr['family'];
  end.local = { family: AF_INET, ip: LOOP4, port: peerPort };
  server.local = { family, ip: LOOP4, port };
  server.remote = { family, ip: LOOP4, port: peerPort };
  server.embryo = true;
  pair(end, server);
  server.peerCred = undefined;
  conns.set(conn, end);
  listener.enqueue(server);
}

/** Linux's errno for a failed host connect, by the host's error name (ECONNREFUSED, ETIMEDOUT, ...; anything else: ENETUNREACH). */
const CONNECT_ERRORS: Record<string, number> = { ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EHOSTUNREACH: 113, ECONNRESET, EACCES: 13, EADDRNOTAVAIL };

/**
 * --net outbound: connect(2) of TCP socket s to dst, outside the loopback,
 * through the host. The connection is under way (EINPROGRESS); its
 * outcome comes with a later pump: established (the socket is connected
 * to the host end) or failed (SO_ERROR). -ENETUNREACH without the flag.
 */
export function connectHost(k: Kernel, s: Socket, dst: InetAddr): number {
  const net = k.host.net;
  if (net?.connect === undefined) return -ENETUNREACH;
  if (!k.kmem.charge(KMEM.pipe)) return -ENOBUFS;
  const conn = net.connect(ipText(dst.ip), dst.port), end = new HostEnd(k, net, conn);
  end.local = dst;
  end.guest = s;
  s.outbound = end;
  s.remote = { ...dst, family: s.domain as InetAddr['family'] };
  let conns = ends.get(k);
  if (conns === undefined) ends.set(k, (conns = new Map()));
  conns.set(conn, end);
  return -EINPROGRESS;
}

function established(e: HostEnd, net: HostNet): void {
  const s = e.guest;
  e.guest = undefined;
  if (s === undefined || s.refs === 0) { net.close(e.conn); return; } // the guest closed its socket meanwhile; the host's close event frees e
  s.outbound = undefined;
  pair(s, e);
  s.peerCred = undefined;
  s.changed();
}

function failed(e: HostEnd, error: string | undefined): void {
  const s = e.guest!;
  e.guest = undefined;
  s.outbound = undefined;
  s.error = CONNECT_ERRORS[error ?? ''] ?? ENETUNREACH;
  s.rx.eof = true;
  s.changed();
}

Socket.pump = pumpHost;
