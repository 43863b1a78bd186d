// AF_INET and AF_INET6 over the loopback (ip(7), ipv6(7), tcp(7), udp(7)):
// the guest's only interface is lo, with 127.0.0.0/8 and ::1, so a bind to
// any other address is EADDRNOTAVAIL and a connect to one is ENETUNREACH
// (unless the host network is allowed: --net outbound, not done yet). Ports
// are per protocol (TCP, UDP) and per kernel; an IPv4 address is kept
// v4-mapped (sockaddr.ts), so an AF_INET6 socket bound to :: without
// IPV6_V6ONLY holds the port for IPv4 too, as on Linux.
//
// Bind conflicts follow inet_csk_bind_conflict: two sockets on one port
// clash when their addresses overlap, unless both set SO_REUSEPORT, or both
// set SO_REUSEADDR and (TCP) neither is listening. Ephemeral ports (bind to
// port 0, a connect or send from an unbound socket) come from
// ip_local_port_range, 32768..60999, in order from the last one given
// (Linux hashes a random offset in: lde stays deterministic).

import type { Kernel } from '../kernel.js';
import { Socket, SOCK_STREAM, newSocket, pair } from './socket.js';
import { ANY4, ANY6, AF_INET6, LOOP4, LOOP6, isAny, isLoopback, isMapped, type InetAddr } from './sockaddr.js';
import { EACCES, EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED, EINVAL, ENFILE } from '../errno.js';

const FIRST = 32768, LAST = 60999;

interface Ports { tcp: Map<number, Socket[]>; udp: Map<number, Socket[]>; next: number; }
const tables = new WeakMap<Kernel, Ports>();
function portsOf(k: Kernel): Ports {
  let t = tables.get(k);
  if (t === undefined) tables.set(k, (t = { tcp: new Map(), udp: new Map(), next: FIRST }));
  return t;
}
const tableOf = (k: Kernel, s: Socket) => (s.type === SOCK_STREAM ? portsOf(k).tcp : portsOf(k).udp);

/** The address s is bound to (its ip; ANY4 or ANY6 for a wildcard). */
const ipOf = (s: Socket) => (s.local as InetAddr).ip;

/** Whether s, bound as it is, receives for address ip. */
function covers(s: Socket, ip: string): boolean {
  const mine = ipOf(s);
  if (mine === ip) return true;
  if (mine === ANY4) return isMapped(ip);
  if (mine === ANY6) return !isMapped(ip) || !s.opts.v6only;
  return false;
}

/** Whether two bindings share an address (a wildcard overlaps what it covers). */
function overlap(a: Socket, ip: string, b: Socket): boolean {
  const theirs = ipOf(b);
  if (!isAny(ip) && !isAny(theirs)) return ip === theirs;
  if (!isAny(ip)) return covers(b, ip);
  if (!isAny(theirs)) return ip === ANY4 ? isMapped(theirs) : !isMapped(theirs) || !a.opts.v6only;
  const v4 = (s: Socket, w: string) => w === ANY4 || !s.opts.v6only;
  return (ip === ANY6 && theirs === ANY6) || (v4(a, ip) && v4(b, theirs));
}

function clash(s: Socket, ip: string, port: number, table: Map<number, Socket[]>): boolean {
  const tcp = s.type === SOCK_STREAM;
  return (table.get(port) ?? []).some((o) => o !== s && overlap(s, ip, o) && !(s.opts.reuseport && o.opts.reuseport)
    && !(s.opts.reuseaddr && o.opts.reuseaddr && (!tcp || (!s.listening && !o.listening))));
}

/** Whether ip is an address of this machine for a socket of s's family: EADDRNOTAVAIL otherwise (EINVAL: v4-mapped on a v6-only socket). */
function localAddr(s: Socket, ip: string): number {
  if (s.domain === AF_INET6 && isMapped(ip) && s.opts.v6only) return -EINVAL;
  return isAny(ip) || isLoopback(ip) ? 0 : -EADDRNOTAVAIL;
}

/** bind(2) of s to addr (port 0: an ephemeral one); EADDRINUSE, EADDRNOTAVAIL, EACCES below 1024 for an unprivileged user. */
export function bindInet(k: Kernel, s: Socket, addr: InetAddr): number {
  const bad = localAddr(s, addr.ip);
  if (bad) return bad;
  if (addr.port !== 0 && addr.port < 1024 && k.user !== undefined && k.user.uid !== 0) return -EACCES;
  const table = tableOf(k, s);
  let port = addr.port;
  if (port === 0) {
    const p = ephemeral(k, s, addr.ip, table);
    if (p < 0) return p;
    port = p;
  } else if (clash(s, addr.ip, port, table)) return -EADDRINUSE;
  table.set(port, [...(table.get(port) ?? []), s]);
  s.local = { family: s.domain as InetAddr['family'], ip: addr.ip, port };
  s.unbind = () => {
    const left = (table.get(port) ?? []).filter((o) => o !== s);
    if (left.length > 0) table.set(port, left); else table.delete(port);
  };
  return 0;
}

/** The next free port of the range for s at ip, going round from the last one given; -EADDRINUSE when every one is taken. */
function ephemeral(k: Kernel, s: Socket, ip: string, table: Map<number, Socket[]>): number {
  const t = portsOf(k);
  for (let i = 0; i <= LAST - FIRST; i++) {
    const port = t.next;
    t.next = port === LAST ? FIRST : port + 1;
    k.work.items++;
    if (!clash(s, ip, port, table) && !(table.get(port)?.length)) return port;
  }
  return -EADDRINUSE;
}

/** An unbound socket's implicit bind (connect, send, listen): the wildcard and an ephemeral port. */
export function autobindInet(k: Kernel, s: Socket): number {
  return s.local !== undefined ? 0 : bindInet(k, s, { family: s.domain as InetAddr['family'], ip: s.domain === AF_INET6 ? ANY6 : ANY4, port: 0 });
}

/** Where a connect or send to ip really goes: a wildcard means this machine (0.0.0.0 is 127.0.0.1, :: is ::1). */
export function destination(ip: string): string { return ip === ANY4 ? LOOP4 : ip === ANY6 ? LOOP6 : ip; }

/** The source address of a packet from s to dst: its bound address, or the loopback of dst's kind. */
export function sourceOf(s: Socket, dst: string): InetAddr {
  const l = s.local as InetAddr, ip = !isAny(l.ip) ? l.ip : isMapped(dst) ? LOOP4 : LOOP6;
  return { family: l.family, ip, port: l.port };
}

/** The socket at (ip, port) for s's protocol: a TCP listener or a bound UDP socket, an exact address before a wildcard. */
export function lookupInet(k: Kernel, s: Socket, ip: string, port: number): Socket | undefined {
  return s.type === SOCK_STREAM ? lookupListener(k, ip, port) : lookupUdp(k, ip, port);
}

/** The UDP socket bound to (ip, port), an exact address before a wildcard: where a datagram from the NIC goes (net/udp.ts). */
export function lookupUdp(k: Kernel, ip: string, port: number): Socket | undefined {
  const all = (portsOf(k).udp.get(port) ?? []).filter((o) => covers(o, ip));
  return all.find((o) => ipOf(o) === ip) ?? all[0];
}

/**
 * connect(2) of a TCP socket to a listener at dst (an address of this
 * machine): the listener's new end joins its backlog and both ends are
 * connected now. ECONNREFUSED when nobody listens there. The backlog is
 * not a limit: a SYN never waits for room on the loopback here.
 */
export function connectTcp(k: Kernel, s: Socket, dst: InetAddr): number {
  const listener = lookupInet(k, s, dst.ip, dst.port);
  if (listener === undefined) return -ECONNREFUSED;
  const server = newSocket(k, listener.domain, SOCK_STREAM, listener.protocol, 0);
  if (server === undefined) return -ENFILE;
  const src = sourceOf(s, dst.ip);
  server.local = { family: listener.domain as InetAddr['family'], ip: dst.ip, port: dst.port };
  server.remote = { ...src, family: listener.domain as InetAddr['family'] };
  server.embryo = true;
  for (const o of ['nodelay', 'keepalive'] as const) server.opts[o] = listener.opts[o];
  pair(s, server);
  s.peerCred = server.peerCred = undefined;
  s.remote = { family: s.domain as InetAddr['family'], ip: dst.ip, port: dst.port };
  if (isAny((s.local as InetAddr).ip)) s.local = src;
  listener.enqueue(server);
  return 0;
}

/** listen(2) on a bound TCP socket: false when another listener holds an overlapping address of the port (SO_REUSEADDR lets two bind, not two listen). */
export function listenInet(k: Kernel, s: Socket): boolean {
  const l = s.local as InetAddr;
  return !(tableOf(k, s).get(l.port) ?? []).some((o) => o !== s && o.listening && overlap(s, l.ip, o) && !(s.opts.reuseport && o.opts.reuseport));
}

/** The TCP listener a connection to (ip, port) reaches (a published port's host connections: hostnet.ts). */
export function lookupListener(k: Kernel, ip: string, port: number): Socket | undefined {
  const all = (portsOf(k).tcp.get(port) ?? []).filter((o) => o.listening && covers(o, ip));
  return all.find((o) => ipOf(o) === ip) ?? all[0];
}
