// The socket calls that connected AF_UNIX pairs answer (fs/socket.ts):
// socketpair, sendto/recvfrom, sendmsg/recvmsg (no ancillary data yet),
// shutdown, getsockopt/setsockopt for the common SOL_SOCKET options, and
// getsockname/getpeername. Each gives Linux's errno: ENOTSOCK for a
// descriptor that is not a socket, EAFNOSUPPORT for another family,
// EOPNOTSUPP for flags it does not have. socket, bind, listen, accept and
// connect are the rest of issue 11 (ENOSYS until then).

import type { SyscallDef } from '../abi/call.js';
import { FD, I, P, U, UL, fl, out } from '../abi/strace-args.js';
import { fdPair } from '../abi/strace-structs.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { O_NONBLOCK } from '../fs/file.js';
import { MSG_NOSIGNAL, MSG_PEEK, MSG_TRUNC, SNDBUF, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, UnixSocket, socketPair } from '../fs/socket.js';
import { MAX_COPY, copyIn, copyOut, readU64 } from '../mm/uaccess.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, ENFILE } from '../errno.js';
import { blockOr, file, gather, iovecs, scatter } from './fs.js';

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const ENOTSOCK = 88, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EISCONN = 106, ENOTCONN = 107, ENOPROTOOPT = 92;
const MSG_OOB = 1, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_CMSG_CLOEXEC = 0x40000000;
const SOL_SOCKET = 1, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;

function socketOf(p: Process, fd: number): UnixSocket | number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  return f instanceof UnixSocket ? f : -ENOTSOCK;
}

/** socketpair(domain, type, protocol, sv[2]): AF_UNIX only; stream, datagram or seqpacket; SOCK_NONBLOCK and SOCK_CLOEXEC. */
function socketpair(k: Kernel, p: Process, a: readonly number[]): number {
  const [domain, typeArg, protocol, sv] = a, type = typeArg & 0xf;
  if (domain === AF_INET || domain === AF_INET6) return -EOPNOTSUPP; // those families have no socketpair
  if (domain !== AF_UNIX) return -EAFNOSUPPORT;
  if ((typeArg & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) !== 0) return -EINVAL;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  if (protocol !== 0) return -EPROTONOSUPPORT;
  const pair = socketPair(k, type, typeArg & SOCK_NONBLOCK ? O_NONBLOCK : 0);
  if (pair === undefined) return -ENFILE;
  const [s0, s1] = pair;
  const fd0 = p.allocFd(s0), fd1 = fd0 < 0 ? fd0 : p.allocFd(s1);
  const undo = (r: number) => { if (fd0 >= 0) p.files[fd0] = undefined; if (fd1 >= 0) p.files[fd1] = undefined; s0.drop(); s1.drop(); return r; };
  if (fd1 < 0) return undo(fd1);
  const fds = new Uint8Array(8), dv = new DataView(fds.buffer);
  dv.setInt32(0, fd0, true);
  dv.setInt32(4, fd1, true);
  if (!copyOut(p.as, sv, fds)) return undo(-EFAULT);
  for (const fd of [fd0, fd1]) if (typeArg & SOCK_CLOEXEC) p.cloexec.add(fd); else p.cloexec.delete(fd);
  return 0;
}

/** The flags a send or receive may carry; MSG_OOB is not for AF_UNIX (EOPNOTSUPP). */
function checkFlags(flags: number, send: boolean): number {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const known = send ? MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR : MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_CMSG_CLOEXEC;
  return (flags & ~known) === 0 ? 0 : -EOPNOTSUPP;
}

/** A send of bytes on s: sleeps on a full queue unless non-blocking (the socket's flag, or MSG_DONTWAIT). */
function sendOn(k: Kernel, p: Process, s: UnixSocket, bytes: Uint8Array, flags: number): number {
  const r = s.send(bytes, flags);
  return flags & MSG_DONTWAIT && r === -EAGAIN ? r : blockOr(k, p, s, r, true);
}

/** sendto(fd, buf, len, flags, addr, addrlen): a connected pair takes no address (EISCONN). */
function sendto(k: Kernel, p: Process, a: readonly number[]): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const bad = checkFlags(a[3], true);
  if (bad) return bad;
  if (a[4] !== 0) return -EISCONN;
  const bytes = copyIn(p.as, a[1], Math.min(a[2], MAX_COPY));
  return bytes === undefined ? -EFAULT : sendOn(k, p, s, bytes, a[3]);
}

/** recvfrom(fd, buf, len, flags, addr, addrlen*): the peer of a socketpair has no name, so *addrlen becomes 0. */
function recvfrom(k: Kernel, p: Process, a: readonly number[]): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const bad = checkFlags(a[3], false);
  if (bad) return bad;
  const r = s.recv(Math.min(a[2], MAX_COPY), a[3]);
  if (typeof r === 'number') return a[3] & MSG_DONTWAIT ? r : blockOr(k, p, s, r, false);
  if (!copyOut(p.as, a[1], r.bytes)) return -EFAULT;
  if (a[5] !== 0 && !copyOut(p.as, a[5], new Uint8Array(4))) return -EFAULT;
  return a[3] & MSG_TRUNC ? r.full : r.bytes.length;
}

/** struct msghdr (64-bit): name, namelen, iov, iovlen, control, controllen, flags. */
const MSGHDR = 56;

/** A sendmsg/recvmsg call's socket, its struct msghdr (copied in) and the iovecs it names, with their total; or -errno. */
interface Msg { s: UnixSocket; h: Uint8Array; dv: DataView; vs: [number, number][]; total: number; }
function msgOf(p: Process, a: readonly number[], send: boolean): Msg | number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const h = copyIn(p.as, a[1], MSGHDR);
  if (h === undefined) return -EFAULT;
  const dv = new DataView(h.buffer), bad = checkFlags(a[2], send);
  if (bad) return bad;
  if (send && dv.getBigUint64(0, true) !== 0n) return -EISCONN; // a connected pair takes no address
  if (send && dv.getBigUint64(40, true) !== 0n) return -EINVAL; // control messages (SCM_RIGHTS) are not supported yet
  const vs = iovecs(p, Number(dv.getBigUint64(16, true)), Number(dv.getBigUint64(24, true)));
  if (typeof vs === 'number') return vs;
  return { s, h, dv, vs, total: Math.min(vs.reduce((n, [, l]) => n + l, 0), MAX_COPY) };
}

/** sendmsg(fd, msg, flags): the iovecs gathered into one send. */
function sendmsg(k: Kernel, p: Process, a: readonly number[]): number {
  const m = msgOf(p, a, true);
  if (typeof m === 'number') return m;
  const bytes = gather(p, m.vs, m.total);
  return bytes.length < m.total ? -EFAULT : sendOn(k, p, m.s, bytes, a[2]);
}

/** recvmsg(fd, msg, flags): one receive scattered over the iovecs; msg_namelen and msg_controllen become 0, msg_flags says MSG_TRUNC. */
function recvmsg(k: Kernel, p: Process, a: readonly number[]): number {
  const m = msgOf(p, a, false);
  if (typeof m === 'number') return m;
  const { s, h, dv, vs } = m;
  const r = s.recv(m.total, a[2]);
  if (typeof r === 'number') return a[2] & MSG_DONTWAIT ? r : blockOr(k, p, s, r, false);
  if (scatter(p, vs, r.bytes) < r.bytes.length) return -EFAULT;
  dv.setUint32(8, 0, true);
  dv.setBigUint64(40, 0n, true);
  dv.setInt32(48, r.truncated ? MSG_TRUNC : 0, true);
  if (!copyOut(p.as, a[1], h)) return -EFAULT;
  return a[2] & MSG_TRUNC ? r.full : r.bytes.length;
}

function shutdown(p: Process, fd: number, how: number): number {
  const s = socketOf(p, fd);
  if (typeof s === 'number') return s;
  if (how < 0 || how > 2) return -EINVAL;
  if (s.peer === undefined && s.rx.eof) return -ENOTCONN;
  s.shutdown(how);
  return 0;
}

/** getsockopt(fd, SOL_SOCKET, opt, val, len*): SO_TYPE, SO_ERROR, SO_SNDBUF, SO_RCVBUF, SO_ACCEPTCONN, SO_PROTOCOL, SO_DOMAIN, as ints. */
function getsockopt(p: Process, a: readonly number[]): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const lenBytes = copyIn(p.as, a[4], 4);
  if (lenBytes === undefined) return -EFAULT;
  const len = new DataView(lenBytes.buffer).getInt32(0, true);
  if (len < 0) return -EINVAL;
  if (a[1] !== SOL_SOCKET) return -ENOPROTOOPT;
  const values: Record<number, number> = { [SO_TYPE]: s.type, [SO_ERROR]: 0, [SO_SNDBUF]: SNDBUF, [SO_RCVBUF]: SNDBUF, [SO_ACCEPTCONN]: 0, [SO_PROTOCOL]: 0, [SO_DOMAIN]: AF_UNIX };
  const v = values[a[2]];
  if (v === undefined) return -ENOPROTOOPT;
  const n = Math.min(len, 4), b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  const nb = new Uint8Array(4);
  new DataView(nb.buffer).setInt32(0, n, true);
  return copyOut(p.as, a[3], b.subarray(0, n)) && copyOut(p.as, a[4], nb) ? 0 : -EFAULT;
}

/** setsockopt: SO_SNDBUF and SO_RCVBUF are accepted (the buffer stays the default); other options ENOPROTOOPT. */
function setsockopt(p: Process, a: readonly number[]): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  if (a[4] < 4) return -EINVAL;
  if (readU64(p.as, a[3]) === undefined && copyIn(p.as, a[3], 4) === undefined) return -EFAULT;
  return a[1] === SOL_SOCKET && (a[2] === SO_SNDBUF || a[2] === SO_RCVBUF) ? 0 : -ENOPROTOOPT;
}

/** getsockname / getpeername: a socketpair's ends are unnamed: sa_family AF_UNIX, length 2. getpeername of a closed peer is ENOTCONN. */
function sockname(p: Process, a: readonly number[], peer: boolean): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  if (peer && s.peer === undefined) return -ENOTCONN;
  const lenBytes = copyIn(p.as, a[2], 4);
  if (lenBytes === undefined) return -EFAULT;
  const len = new DataView(lenBytes.buffer).getInt32(0, true);
  if (len < 0) return -EINVAL;
  const addr = new Uint8Array([AF_UNIX, 0]), two = new Uint8Array([2, 0, 0, 0]);
  return copyOut(p.as, a[1], addr.subarray(0, Math.min(len, 2))) && copyOut(p.as, a[2], two) ? 0 : -EFAULT;
}

const SOCK_TYPES = x({ SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_NONBLOCK, SOCK_CLOEXEC });
const MSG = x({ MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, MSG_EOR, MSG_WAITALL, MSG_NOSIGNAL, MSG_CMSG_CLOEXEC });

export const NET_CALLS: SyscallDef[] = [
  // implements socketpair(2)
  { name: 'socketpair', status: 'partial', restart: 'none', limits: 'AF_UNIX', args: [I, fl(SOCK_TYPES), I, out(fdPair)],
    handler: (k, p, a) => socketpair(k, p, a) },
  // implements sendto(2)
  { name: 'sendto', status: 'partial', restart: 'ERESTARTSYS', limits: 'connected AF_UNIX sockets', args: [FD, P, UL, fl(MSG), P, U],
    handler: (k, p, a) => sendto(k, p, a) },
  // implements recvfrom(2)
  { name: 'recvfrom', status: 'partial', restart: 'ERESTARTSYS', limits: 'connected AF_UNIX sockets', args: [FD, P, UL, fl(MSG), P, P],
    handler: (k, p, a) => recvfrom(k, p, a) },
  // implements sendmsg(2)
  { name: 'sendmsg', status: 'partial', restart: 'ERESTARTSYS', limits: 'connected AF_UNIX sockets; no control messages', args: [FD, P, fl(MSG)],
    handler: (k, p, a) => sendmsg(k, p, a) },
  // implements recvmsg(2)
  { name: 'recvmsg', status: 'partial', restart: 'ERESTARTSYS', limits: 'connected AF_UNIX sockets; no control messages', args: [FD, P, fl(MSG)],
    handler: (k, p, a) => recvmsg(k, p, a) },
  // implements shutdown(2)
  { name: 'shutdown', status: 'full', restart: 'none', args: [FD, I], handler: (_k, p, a) => shutdown(p, a[0], a[1]) },
  // implements getsockopt(2)
  { name: 'getsockopt', status: 'partial', restart: 'none', limits: 'SOL_SOCKET: SO_TYPE, SO_ERROR, SO_SNDBUF, SO_RCVBUF, SO_ACCEPTCONN, SO_PROTOCOL, SO_DOMAIN',
    args: [FD, I, I, P, P], handler: (_k, p, a) => getsockopt(p, a) },
  // implements setsockopt(2)
  { name: 'setsockopt', status: 'partial', restart: 'none', limits: 'SO_SNDBUF and SO_RCVBUF accepted and ignored',
    args: [FD, I, I, P, U], handler: (_k, p, a) => setsockopt(p, a) },
  // implements getsockname(2)
  { name: 'getsockname', status: 'partial', restart: 'none', limits: 'unnamed AF_UNIX sockets', args: [FD, P, P], handler: (_k, p, a) => sockname(p, a, false) },
  // implements getpeername(2)
  { name: 'getpeername', status: 'partial', restart: 'none', limits: 'unnamed AF_UNIX sockets', args: [FD, P, P], handler: (_k, p, a) => sockname(p, a, true) },
];
