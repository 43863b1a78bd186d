// The socket calls that make, name and join sockets: socket, socketpair,
// bind, listen, accept/accept4, connect, shutdown, getsockname and
// getpeername (socket(2) and the pages it names). AF_UNIX (fs/unix.ts) and
// AF_INET/AF_INET6 over the loopback (fs/inet.ts); the data calls are in
// netmsg.ts and the options in sockopt.ts. Each gives Linux's errno:
// ENOTSOCK for a descriptor that is not a socket, EAFNOSUPPORT for another
// family, EINVAL for a short address.
//
// A blocking call sleeps on a queue and runs again from the start when
// woken; SO_RCVTIMEO (accept, receives) and SO_SNDTIMEO (connect, sends)
// bound the sleep with a deadline kept in p.sleepDeadline across the runs,
// after which the call returns EAGAIN (sleepFor).

import type { SyscallDef } from '../abi/call.js';
import { BLOCK } from '../abi/call.js';
import { FD, I, P, U, a as arg, fl, out } from '../abi/strace-args.js';
import { mem, type Ctx as StraceCtx } from '../abi/strace-mem.js';
import { ptr } from '../abi/abi-names.js';
import { fdPair } from '../abi/strace-structs.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { WaitQueue } from '../sched/wait.js';
import { O_NONBLOCK } from '../fs/file.js';
import { SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, Socket, newSocket, sleepFor, socketPair, type Cred } from '../fs/socket.js';
import { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, UNNAMED, encodeAddr, ipText, isLoopback, parseAddr, type InetAddr, type SockAddr, type UnixAddr, ANY4, ANY6 } from '../fs/sockaddr.js';
import { autobind, bindAbstract, bindPath, connectDgram, connectUnix, lookupUnix } from '../fs/unix.js';
import { autobindInet, bindInet, connectTcp, destination, listenInet, sourceOf } from '../fs/inet.js';
import { vfsOf } from '../fs/mounts.js';
import { connectHost } from '../fs/hostnet.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import {
  EADDRINUSE, EAFNOSUPPORT, EALREADY, EAGAIN, EBADF, ECONNREFUSED, EFAULT, EINPROGRESS, EINVAL, EISCONN, ENETUNREACH, ENFILE, ENOENT, ENOTCONN,
  ENOTSOCK, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
} from '../errno.js';
import { file } from './fs.js';
import { startOf } from './path.js';

const SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000, AT_FDCWD = -100, SOMAXCONN = 4096;
const IPPROTO_TCP = 6, IPPROTO_UDP = 17;

/** The socket open as fd: EBADF, ENOTSOCK. */
export function socketOf(p: Process, fd: number): Socket | number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  if (!(f instanceof Socket)) return -ENOTSOCK;
  if (f.hosted) Socket.pump?.(f.k);
  return f;
}

/** The calling process's credentials (SCM_CREDENTIALS, SO_PEERCRED): lde's one uid and gid (sys/id.ts). */
export const credOf = (k: Kernel, p: Process): Cred => ({ pid: p.tgid, uid: k.user?.uid ?? 0, gid: k.user?.gid ?? 0 });

/** A call's result: a return that is not BLOCK ends any timed sleep it kept. */
export function done(p: Process, r: number): number {
  if (r !== BLOCK) p.sleepDeadline = -1;
  return r;
}

/** Blocks (or not) after -EAGAIN: non-blocking sockets and MSG_DONTWAIT return it. */
export function waitOr(k: Kernel, p: Process, s: Socket, r: number, q: WaitQueue | undefined, timeoutNs: number, dontwait = false): number {
  if (r !== -EAGAIN || dontwait || (s.flags & O_NONBLOCK) || q === undefined) return r;
  return sleepFor(k, p, q, timeoutNs, s.hosted);
}

/** A sockaddr argument of len bytes (at most sizeof(struct sockaddr_storage)), as an address of family: EINVAL, EFAULT, EAFNOSUPPORT. */
export function addrArg(p: Process, ptr: number, len: number, family: number): SockAddr | number {
  if (len < 0 || len > 128) return -EINVAL;
  const b = copyIn(p.as, ptr, len);
  return b === undefined ? -EFAULT : parseAddr(b, family);
}

/** Writes a sockaddr to (ptr, *lenPtr): as much as *lenPtr allows, and its full length back to *lenPtr; EINVAL for a negative length. */
export function putAddr(p: Process, ptr: number, lenPtr: number, bytes: Uint8Array): number {
  if (ptr === 0 && lenPtr === 0) return 0;
  const lb = copyIn(p.as, lenPtr, 4);
  if (lb === undefined) return -EFAULT;
  const len = new DataView(lb.buffer).getInt32(0, true);
  if (len < 0) return -EINVAL;
  const nb = new Uint8Array(4);
  new DataView(nb.buffer).setInt32(0, bytes.length, true);
  return copyOut(p.as, ptr, bytes.subarray(0, Math.min(len, bytes.length))) && copyOut(p.as, lenPtr, nb) ? 0 : -EFAULT;
}

/** Puts a new socket in the lowest free descriptor, with FD_CLOEXEC as asked; the file is dropped on failure. */
function install(p: Process, s: Socket, cloexec: boolean): number {
  const fd = p.allocFd(s);
  if (fd < 0) { s.drop(); return fd; }
  if (cloexec) p.cloexec.add(fd); else p.cloexec.delete(fd);
  return fd;
}

/** Checks socket(2)'s and socketpair(2)'s type argument: the base type, and EINVAL for unknown flag bits. */
function typeArg(t: number): number {
  if ((t & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) !== 0) return -EINVAL;
  return t & 0xf;
}

/** socket(domain, type, protocol): AF_UNIX stream, datagram or seqpacket; AF_INET/AF_INET6 TCP or UDP. */
function socket(k: Kernel, p: Process, [domain, t, protocol]: readonly number[]): number {
  const type = typeArg(t);
  if (type < 0) return type;
  if (domain !== AF_UNIX && domain !== AF_INET && domain !== AF_INET6) return -EAFNOSUPPORT;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  let proto = 0;
  if (domain === AF_UNIX) {
    if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  } else {
    if (type === SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
    proto = type === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol !== 0 && protocol !== proto) return -EPROTONOSUPPORT;
  }
  const s = newSocket(k, domain, type, proto, t & SOCK_NONBLOCK ? O_NONBLOCK : 0);
  if (s === undefined) return -ENFILE;
  s.cred = credOf(k, p);
  return install(p, s, (t & SOCK_CLOEXEC) !== 0);
}

/** socketpair(domain, type, protocol, sv[2]): AF_UNIX only; stream, datagram or seqpacket; SOCK_NONBLOCK and SOCK_CLOEXEC. */
function socketpair(k: Kernel, p: Process, a: readonly number[]): number {
  const [domain, t, protocol, sv] = a, type = typeArg(t);
  if (domain === AF_INET || domain === AF_INET6) return -EOPNOTSUPP; // those families have no socketpair
  if (domain !== AF_UNIX) return -EAFNOSUPPORT;
  if (type < 0) return type;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  const pair = socketPair(k, type, t & SOCK_NONBLOCK ? O_NONBLOCK : 0, credOf(k, p));
  if (pair === undefined) return -ENFILE;
  const [s0, s1] = pair;
  const fd0 = p.allocFd(s0), fd1 = fd0 < 0 ? fd0 : p.allocFd(s1);
  const undo = (r: number) => { if (fd0 >= 0) p.files[fd0] = undefined; if (fd1 >= 0) p.files[fd1] = undefined; s0.drop(); s1.drop(); return r; };
  if (fd1 < 0) return undo(fd1);
  const fds = new Uint8Array(8), dv = new DataView(fds.buffer);
  dv.setInt32(0, fd0, true);
  dv.setInt32(4, fd1, true);
  if (!copyOut(p.as, sv, fds)) return undo(-EFAULT);
  for (const fd of [fd0, fd1]) if (t & SOCK_CLOEXEC) p.cloexec.add(fd); else p.cloexec.delete(fd);
  return 0;
}

/** bind(fd, addr, len): a path (a new socket inode), an abstract name, autobind (only sun_family); or an IP address and port. */
function bind(k: Kernel, p: Process, [fd, ptr, len]: readonly number[]): number {
  const s = socketOf(p, fd);
  if (typeof s === 'number') return s;
  const addr = addrArg(p, ptr, len, s.domain);
  if (typeof addr === 'number') return addr;
  if (addr.family !== AF_UNIX || addr.path === undefined) {
    if (s.local !== undefined) return -EINVAL;
    if (addr.family !== AF_UNIX) return bindInet(k, s, addr as InetAddr);
    return addr.abstract !== undefined ? bindAbstract(k, s, addr) : autobind(k, s);
  }
  const c = { k, p }, vfs = vfsOf(k), path = new TextDecoder().decode(addr.path);
  const start = startOf(c, vfs, AT_FDCWD, path);
  if (typeof start === 'number') return start;
  const par = vfs.parent(c, start, path);
  if (typeof par === 'number') return par;
  const old = vfs.child(c, par.dir, par.name);
  if (typeof old === 'number' && old !== -ENOENT) return old;
  if (typeof old !== 'number') return -EADDRINUSE;
  if (s.local !== undefined) return -EINVAL;
  return bindPath(k, c, s, par, addr, 0o777 & ~p.umask);
}

/** listen(fd, backlog): stream and seqpacket sockets; an unbound AF_UNIX socket is EINVAL, an unbound IP one gets a port. */
function listen(k: Kernel, p: Process, [fd, backlog]: readonly number[]): number {
  const s = socketOf(p, fd);
  if (typeof s === 'number') return s;
  if (!s.connection) return -EOPNOTSUPP;
  if (s.connected) return -EINVAL;
  if (s.domain === AF_UNIX && s.local === undefined) return -EINVAL;
  if (s.inet) {
    const r = autobindInet(k, s);
    if (r < 0) return r;
    if (!s.listening && !listenInet(k, s)) return -EADDRINUSE;
  }
  s.backlog ??= [];
  s.maxBacklog = (backlog >>> 0) > SOMAXCONN ? SOMAXCONN : backlog;
  s.cred = credOf(k, p);
  s.changed();
  return 0;
}

/** accept4(fd, addr, addrlen, flags): the next connection, or a sleep (EAGAIN when non-blocking or past SO_RCVTIMEO). */
function accept4(k: Kernel, p: Process, [fd, ptr, lenPtr, flags]: readonly number[]): number {
  const s = socketOf(p, fd);
  if (typeof s === 'number') return s;
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  if (!s.connection) return -EOPNOTSUPP;
  if (!s.listening) return -EINVAL;
  const next = s.backlog![0];
  if (next === undefined) return waitOr(k, p, s, -EAGAIN, s.rx.readers, s.opts.rcvtimeo);
  if (lenPtr !== 0 && copyIn(p.as, lenPtr, 4) === undefined) return -EFAULT;
  s.backlog!.shift();
  s.changed();
  next.embryo = false;
  next.flags = 2 | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
  const nfd = install(p, next, (flags & SOCK_CLOEXEC) !== 0);
  if (nfd < 0) return nfd;
  if (ptr === 0) return nfd;
  const r = putAddr(p, ptr, lenPtr, encodeAddr(next.remote ?? UNNAMED));
  if (r < 0) { p.files[nfd] = undefined; p.cloexec.delete(nfd); next.drop(); return r; }
  return nfd;
}

/** The socket an AF_UNIX name reaches (paths are walked, following symlinks: ENOENT when missing). */
export function unixTarget(k: Kernel, p: Process, addr: UnixAddr): Socket | number {
  if (addr.path === undefined) return lookupUnix(k, addr, undefined);
  const c = { k, p }, vfs = vfsOf(k), path = new TextDecoder().decode(addr.path);
  const start = startOf(c, vfs, AT_FDCWD, path);
  const at = typeof start === 'number' ? start : vfs.walk(c, start, path, true);
  return typeof at === 'number' ? at : lookupUnix(k, addr, at);
}

/** connect(fd, addr, len) of an AF_UNIX socket: a stream joins a listener's backlog (sleeping while it is full); a datagram socket gets a default destination. */
function connectUnixCall(k: Kernel, p: Process, s: Socket, addr: UnixAddr | number): number {
  if (s.connection && s.listening) return -EINVAL;
  if (s.connection && s.connected) return -EISCONN;
  if (typeof addr === 'number') return addr;
  if (addr.path === undefined && addr.abstract === undefined) return -EINVAL;
  const target = unixTarget(k, p, addr);
  if (typeof target === 'number') return target;
  if (!s.connection) return connectDgram(s, target);
  if (s.local === undefined && s.opts.passcred) autobind(k, s);
  const r = connectUnix(k, s, target);
  return waitOr(k, p, s, r, target.rx.writers, s.opts.sndtimeo);
}

/** connect of an IP socket: TCP connects now (EINPROGRESS when non-blocking, the outcome then in SO_ERROR); UDP sets its default destination; AF_UNSPEC disconnects UDP. */
function connectInet(k: Kernel, p: Process, s: Socket, addr: InetAddr | number, family: number): number {
  if (s.outbound) return s.flags & O_NONBLOCK ? -EALREADY : sleepFor(k, p, s.rx.writers, s.opts.sndtimeo, true); // a host connect under way
  if (s.connecting) { // the connect after EINPROGRESS: established (0, once), or what ended it
    s.connecting = false;
    if (s.connected) return 0;
    if (s.error) { const e = s.error; s.error = 0; return -e; }
  }
  if (s.connection && (s.listening || s.connected)) return -EISCONN;
  if (family === AF_UNSPEC && !s.connection) { s.remote = undefined; return 0; }
  if (typeof addr === 'number') return addr;
  const ip = destination(addr.ip);
  if (!isLoopback(ip) && (!s.connection || k.host.net?.connect === undefined)) return -ENETUNREACH; // no host network unless --net outbound (docs/sockets.md)
  s.rx.eof = false;
  const wasBound = s.local !== undefined, r = autobindInet(k, s);
  if (r < 0) return r;
  const dst = { ...addr, ip };
  if (!isLoopback(ip)) {
    const c = connectHost(k, s, dst);
    if (c !== -EINPROGRESS) return c;
    s.connecting = true;
    return s.flags & O_NONBLOCK ? c : sleepFor(k, p, s.rx.writers, s.opts.sndtimeo, true);
  }
  if (!s.connection) {
    s.remote = dst;
    if ((s.local as InetAddr).ip === ANY4 || (s.local as InetAddr).ip === ANY6) s.local = sourceOf(s, ip);
    return 0;
  }
  const c = connectTcp(k, s, dst);
  if (c === -ECONNREFUSED && !wasBound) { s.unbind?.(); s.unbind = undefined; s.local = undefined; }
  if (!(s.flags & O_NONBLOCK)) return c;
  if (c < 0) { s.error = -c; s.rx.eof = true; } // refused: closed both ways, as after a reset
  s.connecting = true;
  s.changed();
  return -EINPROGRESS;
}

function connect(k: Kernel, p: Process, [fd, ptr, len]: readonly number[]): number {
  const s = socketOf(p, fd);
  if (typeof s === 'number') return s;
  const addr = addrArg(p, ptr, len, s.domain);
  if (s.domain === AF_UNIX) return connectUnixCall(k, p, s, addr as UnixAddr | number);
  const fam = len >= 2 ? copyIn(p.as, ptr, 2) : undefined;
  return connectInet(k, p, s, addr as InetAddr | number, fam === undefined ? -1 : fam[0] | (fam[1] << 8));
}

/** shutdown(fd, how): AF_UNIX always takes it; an IP socket that is not connected is ENOTCONN (its flags set all the same). */
function shutdown(p: Process, fd: number, how: number): number {
  const s = socketOf(p, fd);
  if (typeof s === 'number') return s;
  if (how < 0 || how > 2) return -EINVAL;
  const unconnected = s.inet && !s.listening && !(s.connection ? s.connected : s.remote !== undefined);
  s.shutdown(how);
  return unconnected ? -ENOTCONN : 0;
}

/** getsockname / getpeername: the bound name (an unbound socket: its family's empty address), or the peer's (ENOTCONN when not connected). */
function sockname(p: Process, a: readonly number[], peer: boolean): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  let addr: SockAddr | undefined;
  if (peer) {
    if (s.connection ? !s.connected : s.remote === undefined) return -ENOTCONN;
    addr = s.remote;
  } else addr = s.local;
  addr ??= s.domain === AF_UNIX ? UNNAMED : { family: s.domain as InetAddr['family'], ip: s.domain === AF_INET ? ANY4 : ANY6, port: 0 };
  return putAddr(p, a[1], a[2], encodeAddr(addr));
}

/** A struct sockaddr as strace prints it: {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}. */
export function sockaddrText(c: StraceCtx, va: number, len: number): string {
  if (va === 0) return 'NULL';
  const b = len >= 2 && len <= 128 ? mem(c, va, len) : undefined;
  if (b === undefined) return ptr(va);
  const fam = b[0] | (b[1] << 8), name = AF_NAMES[fam] ?? String(fam);
  const a = parseAddr(b, fam);
  if (typeof a === 'number') return `{sa_family=${name}}`;
  if (a.family === AF_UNIX) {
    const text = (u: Uint8Array) => JSON.stringify(new TextDecoder().decode(u));
    return a.path ? `{sa_family=AF_UNIX, sun_path=${text(a.path)}}` : a.abstract ? `{sa_family=AF_UNIX, sun_path=@${text(a.abstract.subarray(1))}}` : '{sa_family=AF_UNIX}';
  }
  return a.family === AF_INET ? `{sa_family=AF_INET, sin_port=htons(${a.port}), sin_addr=inet_addr("${ipText(a.ip)}")}`
    : `{sa_family=AF_INET6, sin6_port=htons(${a.port}), inet_pton(AF_INET6, "${ipText(a.ip)}", &sin6_addr)}`;
}
const AF_NAMES: Record<number, string> = { [AF_UNSPEC]: 'AF_UNSPEC', [AF_UNIX]: 'AF_UNIX', [AF_INET]: 'AF_INET', [AF_INET6]: 'AF_INET6' };
/** The address argument at entry (its length is the next argument), and one the call fills (its length at *next argument, at exit). */
export const ADDR_IN = arg((c, n) => sockaddrText(c, n, c.a[2] | 0));
export const addrOut = (lenArg: number) => out((c, n) => { const l = mem(c, c.a[lenArg], 4); return sockaddrText(c, n, l ? new DataView(l.buffer).getInt32(0, true) : 0); });

const SOCK_TYPES = x({ SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_NONBLOCK, SOCK_CLOEXEC });
const AF = x({ AF_UNIX, AF_INET, AF_INET6 });
const wrap = (f: (k: Kernel, p: Process, a: readonly number[]) => number) => (k: Kernel, p: Process, a: readonly number[]) => done(p, f(k, p, a));

export const NET_CALLS: SyscallDef[] = [
  // implements socket(2)
  { name: 'socket', status: 'partial', restart: 'none', limits: 'AF_UNIX; AF_INET and AF_INET6 TCP and UDP over the loopback', args: [fl(AF), fl(SOCK_TYPES), I],
    handler: (k, p, a) => socket(k, p, a) },
  // implements socketpair(2)
  { name: 'socketpair', status: 'full', restart: 'none', args: [fl(AF), fl(SOCK_TYPES), I, out(fdPair)], handler: (k, p, a) => socketpair(k, p, a) },
  // implements bind(2)
  { name: 'bind', status: 'partial', restart: 'none', limits: 'socket inodes in tmpfs only (EROFS elsewhere); loopback addresses', args: [FD, ADDR_IN, U],
    handler: (k, p, a) => bind(k, p, a) },
  // implements listen(2)
  { name: 'listen', status: 'full', restart: 'none', args: [FD, I], handler: (k, p, a) => listen(k, p, a) },
  // implements accept(2)
  { name: 'accept', status: 'full', restart: 'ERESTARTSYS', args: [FD, addrOut(2), P], handler: wrap((k, p, a) => accept4(k, p, [a[0], a[1], a[2], 0])) },
  // implements accept4(2)
  { name: 'accept4', status: 'full', restart: 'ERESTARTSYS', args: [FD, addrOut(2), P, fl(SOCK_TYPES)], handler: wrap(accept4) },
  // implements connect(2)
  { name: 'connect', status: 'partial', restart: 'ERESTARTSYS', limits: 'loopback only: other addresses ENETUNREACH', args: [FD, ADDR_IN, U], handler: wrap(connect) },
  // implements shutdown(2)
  { name: 'shutdown', status: 'full', restart: 'none', args: [FD, I], handler: (_k, p, a) => shutdown(p, a[0], a[1]) },
  // implements getsockname(2)
  { name: 'getsockname', status: 'full', restart: 'none', args: [FD, addrOut(2), P], handler: (_k, p, a) => sockname(p, a, false) },
  // implements getpeername(2)
  { name: 'getpeername', status: 'full', restart: 'none', args: [FD, addrOut(2), P], handler: (_k, p, a) => sockname(p, a, true) },
];
