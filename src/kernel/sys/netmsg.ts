// The socket data calls: sendto, recvfrom, sendmsg, recvmsg (send(2),
// recv(2), unix(7), cmsg(3)). A send finds its destination (the peer, or
// the address given: an AF_UNIX name, or a UDP port on the loopback), and a
// receive reports the sender's address. Control messages on AF_UNIX:
//   - SCM_RIGHTS passes open file descriptions: each is referenced while in
//     flight, installed as a new descriptor by the receiving recvmsg (as far
//     as its control buffer holds; the rest are closed and MSG_CTRUNC set),
//     and closed if never received (a recv without a control buffer, the
//     socket closed with the message queued);
//   - SCM_CREDENTIALS: every message carries its sender's pid, uid and gid
//     (or those it gave, when they are its own); a receiver with SO_PASSCRED
//     gets them.
// In-flight descriptors that only reach a socket nobody can read (a cycle
// of sockets that hold each other) stay until the run ends: there is no
// garbage collector for them (Linux's unix_gc).

import type { SyscallDef } from '../abi/call.js';
import { FD, P, UL, U, fl } from '../abi/strace-args.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { O_NONBLOCK, type File } from '../fs/file.js';
import { MSG_CTRUNC, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, SNDBUF, Socket, type Cred, type Packet, type Received } from '../fs/socket.js';
import { AF_UNIX, UNNAMED, encodeAddr, isLoopback, type InetAddr, type SockAddr, type UnixAddr } from '../fs/sockaddr.js';
import { autobind } from '../fs/unix.js';
import { autobindInet, destination, lookupInet, sourceOf } from '../fs/inet.js';
import { MAX_COPY, copyIn, copyOut } from '../mm/uaccess.js';
import {
  EAGAIN, EBADF, ECONNREFUSED, EDESTADDRREQ, ENOBUFS, EFAULT, EINVAL, EISCONN, EMSGSIZE, ENETUNREACH, ENOTCONN, EOPNOTSUPP, EPERM,
} from '../errno.js';
import { gather, iovecs, scatter } from './fs.js';
import { addrArg, addrOut, credOf, done, putAddr, sockaddrText, socketOf, unixTarget, waitOr } from './net.js';
import { a as arg } from '../abi/strace-args.js';

const MSG_DONTROUTE = 4, MSG_EOR = 0x80, MSG_CONFIRM = 0x800, MSG_MORE = 0x8000, MSG_CMSG_CLOEXEC = 0x40000000;
const SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_MAX_FD = 253, CMSG_HDR = 16;
/** The largest UDP payload over IPv4 (65,535 less the IP and UDP headers). */
const UDP_MAX = 65_507;

/** The flags a send or receive may carry; MSG_OOB is not for AF_UNIX (EOPNOTSUPP). */
function checkFlags(s: Socket, flags: number, send: boolean): number {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const known = send ? MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_MORE | MSG_CONFIRM | MSG_DONTROUTE
    : MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_CMSG_CLOEXEC;
  return (flags & ~known) === 0 || s.inet ? 0 : -EOPNOTSUPP;
}

/** What sendmsg's control messages carry: descriptors (referenced: drop them if the send fails) and credentials. */
interface Control { fds?: File[]; cred?: Cred; }

/** Parses msg_control: SCM_RIGHTS (EBADF for a bad descriptor, EINVAL past SCM_MAX_FD) and SCM_CREDENTIALS (EPERM for another's pid). */
function parseControl(k: Kernel, p: Process, s: Socket, ptr: number, len: number): Control | number {
  if (len === 0) return {};
  if (len > 65536) return -ENOBUFS;
  const b = copyIn(p.as, ptr, len);
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), fds: File[] = [], ctl: Control = {};
  const fail = (r: number) => { for (const f of fds) f.drop(); return r; };
  for (let off = 0; off + CMSG_HDR <= len;) {
    const clen = Number(dv.getBigUint64(off, true)), level = dv.getInt32(off + 8, true), type = dv.getInt32(off + 12, true);
    if (clen < CMSG_HDR || off + clen > len) return fail(-EINVAL);
    k.work.items++;
    if (level === SOL_SOCKET) {
      if (s.domain !== AF_UNIX) return fail(-EINVAL);
      if (type === SCM_RIGHTS) {
        const n = Math.floor((clen - CMSG_HDR) / 4);
        if (fds.length + n > SCM_MAX_FD) return fail(-EINVAL);
        for (let i = 0; i < n; i++) {
          const f = p.files[dv.getInt32(off + CMSG_HDR + 4 * i, true)];
          if (f === undefined) return fail(-EBADF);
          f.refs++;
          fds.push(f);
        }
      } else if (type === SCM_CREDENTIALS) {
        if (clen !== CMSG_HDR + 12) return fail(-EINVAL);
        const c = { pid: dv.getInt32(off + 16, true), uid: dv.getUint32(off + 20, true), gid: dv.getUint32(off + 24, true) }, me = credOf(k, p);
        if (me.uid !== 0 && (c.pid !== me.pid || c.uid !== me.uid || c.gid !== me.gid)) return fail(-EPERM);
        if (c.pid !== me.pid && me.uid !== 0) return fail(-EPERM);
        ctl.cred = c;
      } else return fail(-EINVAL);
    }
    off += Math.ceil(clen / 8) * 8;
  }
  if (fds.length > 0) ctl.fds = fds;
  return ctl;
}

/** The destination of a datagram: the socket its address names (undefined: a UDP datagram nobody will get), or the connected one; -errno. */
function datagramTo(k: Kernel, p: Process, s: Socket, addr: SockAddr | undefined): { to: Socket | undefined; from?: SockAddr } | number {
  if (!s.inet) {
    if (s.local === undefined && s.opts.passcred) autobind(k, s);
    const from = s.local ?? UNNAMED;
    if (addr === undefined && s.peer !== undefined && s.peer.refs === 0) { s.peer = undefined; return -ECONNREFUSED; } // the first send after the peer went
    if (addr === undefined) return s.peer === undefined ? -ENOTCONN : { to: s.peer, from };
    const t = unixTarget(k, p, addr as UnixAddr);
    return typeof t === 'number' ? t : { to: t, from };
  }
  const dst = (addr ?? s.remote) as InetAddr | undefined;
  if (dst === undefined) return -EDESTADDRREQ;
  const ip = destination(dst.ip);
  if (!isLoopback(ip)) return -ENETUNREACH;
  const r = autobindInet(k, s);
  if (r < 0) return r;
  const from = sourceOf(s, ip), to = lookupInet(k, s, ip, dst.port);
  const filtered = to?.remote !== undefined && !sameInet(to.remote as InetAddr, from) ? undefined : to;
  if (filtered === undefined && addr === undefined) s.error = ECONNREFUSED; // the port is unreachable, reported by the next call
  return { to: filtered, from };
}

const sameInet = (a: InetAddr, b: InetAddr) => a.ip === b.ip && a.port === b.port;

/** One send of bytes (with control) on s, to addr when given: sleeps on a full queue unless non-blocking or MSG_DONTWAIT. */
function sendOn(k: Kernel, p: Process, s: Socket, bytes: Uint8Array, flags: number, addr: SockAddr | undefined, ctl: Control): number {
  if (s.stream && bytes.length === 0 && ctl.fds) { for (const f of ctl.fds) f.drop(); ctl = { cred: ctl.cred }; } // no byte to carry them
  const r = sendPacket(k, p, s, bytes, flags, addr, ctl);
  if (r < 0) for (const f of ctl.fds ?? []) f.drop();
  return r;
}

function sendPacket(k: Kernel, p: Process, s: Socket, bytes: Uint8Array, flags: number, addr: SockAddr | undefined, ctl: Control): number {
  const pkt: Packet = { bytes, cred: ctl.cred ?? credOf(k, p), fds: ctl.fds };
  if (s.connection) {
    if (addr !== undefined && !s.inet) return s.connected ? -EISCONN : -EOPNOTSUPP;
    if (!s.inet) pkt.from = s.local;
    const r = s.send(pkt, flags);
    return waitOr(k, p, s, r, s.peer?.rx.writers, s.opts.sndtimeo, (flags & MSG_DONTWAIT) !== 0);
  }
  if (s.inet && bytes.length > UDP_MAX) return -EMSGSIZE;
  const d = datagramTo(k, p, s, addr);
  if (typeof d === 'number') return d;
  if (d.to === undefined) return bytes.length;
  pkt.from = d.from;
  const r = s.send(pkt, flags, d.to);
  return waitOr(k, p, s, r, d.to.rx.writers, s.opts.sndtimeo, (flags & MSG_DONTWAIT) !== 0);
}

/** One receive of up to len bytes on s: sleeps while nothing is queued (MSG_WAITALL: until len bytes, or as many as a queue holds, are there). */
function recvOn(k: Kernel, p: Process, s: Socket, len: number, flags: number): Received | number {
  const dontwait = (flags & MSG_DONTWAIT) !== 0;
  const short = !dontwait && !(s.flags & O_NONBLOCK) && s.stream && (flags & MSG_WAITALL) && !(flags & MSG_PEEK) && s.rx.bytes < Math.min(len, SNDBUF) && !s.rx.eof && !s.shutRead && !s.error && s.peer !== undefined;
  const r = short && s.rx.bytes > 0 ? -EAGAIN : s.recv(len, flags);
  if (typeof r !== 'number') return r;
  return waitOr(k, p, s, r, s.rx.readers, s.opts.rcvtimeo, dontwait);
}

/** The address a receive reports: the sender's for datagrams and AF_UNIX, none for TCP; IP addresses in the receiver's family. */
function fromOf(s: Socket, r: Received): Uint8Array {
  if (s.inet && s.stream) return new Uint8Array(0);
  const a = r.from ?? UNNAMED;
  if (a.family === AF_UNIX && a.path === undefined && a.abstract === undefined) return new Uint8Array(0); // an unnamed sender: no address
  return encodeAddr(a.family === AF_UNIX ? a : { ...a, family: s.domain as InetAddr['family'] });
}

/** sendto(fd, buf, len, flags, addr, addrlen). */
function sendto(k: Kernel, p: Process, a: readonly number[]): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const bad = checkFlags(s, a[3], true);
  if (bad) return bad;
  const addr = a[4] === 0 ? undefined : addrArg(p, a[4], a[5] | 0, s.domain);
  if (typeof addr === 'number') return addr;
  const bytes = copyIn(p.as, a[1], Math.min(a[2], MAX_COPY));
  return bytes === undefined ? -EFAULT : sendOn(k, p, s, bytes, a[3], addr, {});
}

/** recvfrom(fd, buf, len, flags, addr, addrlen*): descriptors in flight with the message are closed (no control buffer). */
function recvfrom(k: Kernel, p: Process, a: readonly number[]): number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const bad = checkFlags(s, a[3], false);
  if (bad) return bad;
  const r = recvOn(k, p, s, Math.min(a[2], MAX_COPY), a[3]);
  if (typeof r === 'number') return r;
  for (const f of r.fds ?? []) f.drop();
  if (!copyOut(p.as, a[1], r.bytes)) return -EFAULT;
  if (a[4] !== 0) { const e = putAddr(p, a[4], a[5], fromOf(s, r)); if (e < 0) return e; }
  return a[3] & MSG_TRUNC ? r.full : r.bytes.length;
}

/** struct msghdr (64-bit): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48. */
const MSGHDR = 56;

/** A sendmsg/recvmsg call's socket, its struct msghdr (copied in) and the iovecs it names, with their total; or -errno. */
interface Msg { s: Socket; h: Uint8Array; dv: DataView; vs: [number, number][]; total: number; }
function msgOf(p: Process, a: readonly number[], send: boolean): Msg | number {
  const s = socketOf(p, a[0]);
  if (typeof s === 'number') return s;
  const h = copyIn(p.as, a[1], MSGHDR);
  if (h === undefined) return -EFAULT;
  const dv = new DataView(h.buffer), bad = checkFlags(s, a[2], send);
  if (bad) return bad;
  const vs = iovecs(p, Number(dv.getBigUint64(16, true)), Number(dv.getBigUint64(24, true)));
  if (typeof vs === 'number') return vs;
  return { s, h, dv, vs, total: Math.min(vs.reduce((n, [, l]) => n + l, 0), MAX_COPY) };
}

/** sendmsg(fd, msg, flags): the iovecs gathered into one send, with msg_name and the control messages. */
function sendmsg(k: Kernel, p: Process, a: readonly number[]): number {
  const m = msgOf(p, a, true);
  if (typeof m === 'number') return m;
  const { s, dv } = m, namePtr = Number(dv.getBigUint64(0, true));
  const addr = namePtr === 0 ? undefined : addrArg(p, namePtr, dv.getInt32(8, true), s.domain);
  if (typeof addr === 'number') return addr;
  const bytes = gather(p, m.vs, m.total);
  if (bytes.length < m.total) return -EFAULT;
  const ctl = parseControl(k, p, s, Number(dv.getBigUint64(32, true)), Number(dv.getBigUint64(40, true)));
  return typeof ctl === 'number' ? ctl : sendOn(k, p, s, bytes, a[2], addr, ctl);
}

/** The control messages a receive delivers into room bytes: credentials (SO_PASSCRED), then descriptors, installed as far as they fit. */
function control(k: Kernel, p: Process, s: Socket, r: Received, room: number, cloexec: boolean): { bytes: Uint8Array; truncated: boolean } {
  const parts: Uint8Array[] = [];
  let used = 0, truncated = false;
  const cmsg = (type: number, data: Uint8Array) => {
    const b = new Uint8Array(Math.ceil((CMSG_HDR + data.length) / 8) * 8), dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(CMSG_HDR + data.length), true);
    dv.setInt32(8, SOL_SOCKET, true);
    dv.setInt32(12, type, true);
    b.set(data, CMSG_HDR);
    parts.push(b.subarray(0, Math.min(b.length, room - used)));
    used += Math.min(b.length, room - used);
  };
  if (s.opts.passcred && !s.inet) {
    if (room - used >= CMSG_HDR + 12) {
      const c = r.cred ?? credOf(k, p), d = new Uint8Array(12), dv = new DataView(d.buffer);
      dv.setInt32(0, c.pid, true); dv.setUint32(4, c.uid, true); dv.setUint32(8, c.gid, true);
      cmsg(SCM_CREDENTIALS, d);
    } else truncated = true;
  }
  const fds = r.fds ?? [];
  const fit = Math.max(0, Math.min(fds.length, Math.floor((room - used - CMSG_HDR) / 4)));
  if (fit < fds.length) truncated = true;
  if (fit > 0) {
    const d = new Uint8Array(4 * fit), dv = new DataView(d.buffer);
    let n = 0;
    for (const f of fds.slice(0, fit)) {
      const fd = p.allocFd(f);
      if (fd < 0) { f.drop(); truncated = true; continue; }
      if (cloexec) p.cloexec.add(fd); else p.cloexec.delete(fd);
      dv.setInt32(4 * n++, fd, true);
    }
    if (n > 0) cmsg(SCM_RIGHTS, d.subarray(0, 4 * n));
  }
  for (const f of fds.slice(fit)) f.drop();
  const out = new Uint8Array(used);
  let at = 0;
  for (const b of parts) { out.set(b, at); at += b.length; }
  return { bytes: out, truncated };
}

/** recvmsg(fd, msg, flags): one receive scattered over the iovecs; msg_name, the control messages and msg_flags (MSG_TRUNC, MSG_CTRUNC). */
function recvmsg(k: Kernel, p: Process, a: readonly number[]): number {
  const m = msgOf(p, a, false);
  if (typeof m === 'number') return m;
  const { s, h, dv, vs } = m;
  const r = recvOn(k, p, s, m.total, a[2]);
  if (typeof r === 'number') return r;
  const ctlPtr = Number(dv.getBigUint64(32, true)), room = ctlPtr === 0 ? 0 : Number(dv.getBigUint64(40, true));
  const ctl = control(k, p, s, r, Math.min(room, 65536), (a[2] & MSG_CMSG_CLOEXEC) !== 0);
  if (scatter(p, vs, r.bytes) < r.bytes.length) return -EFAULT;
  const namePtr = Number(dv.getBigUint64(0, true)), name = fromOf(s, r);
  if (namePtr !== 0) {
    const nlen = dv.getInt32(8, true);
    if (nlen >= 0 && !copyOut(p.as, namePtr, name.subarray(0, Math.min(nlen, name.length)))) return -EFAULT;
    dv.setUint32(8, name.length, true);
  } else dv.setUint32(8, 0, true);
  if (ctl.bytes.length > 0 && !copyOut(p.as, ctlPtr, ctl.bytes)) return -EFAULT;
  dv.setBigUint64(40, BigInt(ctl.bytes.length), true);
  dv.setInt32(48, (r.truncated ? MSG_TRUNC : 0) | (ctl.truncated ? MSG_CTRUNC : 0) | (a[2] & MSG_CMSG_CLOEXEC), true);
  if (!copyOut(p.as, a[1], h)) return -EFAULT;
  return a[2] & MSG_TRUNC ? r.full : r.bytes.length;
}

Socket.writeDatagram = (k, s, bytes) => (k.current === undefined ? -EINVAL : sendOn(k, k.current, s, bytes, 0, undefined, {}));

const MSG = x({ MSG_OOB, MSG_PEEK, MSG_DONTROUTE, MSG_CTRUNC, MSG_TRUNC, MSG_DONTWAIT, MSG_EOR, MSG_WAITALL, MSG_CONFIRM, MSG_NOSIGNAL, MSG_MORE, MSG_CMSG_CLOEXEC });
const wrap = (f: (k: Kernel, p: Process, a: readonly number[]) => number) => (k: Kernel, p: Process, a: readonly number[]) => done(p, f(k, p, a));

export const MSG_CALLS: SyscallDef[] = [
  // implements sendto(2)
  { name: 'sendto', status: 'full', restart: 'ERESTARTSYS', args: [FD, P, UL, fl(MSG), arg((c, n) => sockaddrText(c, n, c.a[5] | 0)), U], handler: wrap(sendto) },
  // implements recvfrom(2)
  { name: 'recvfrom', status: 'full', restart: 'ERESTARTSYS', args: [FD, P, UL, fl(MSG), addrOut(5), P], handler: wrap(recvfrom) },
  // implements sendmsg(2)
  { name: 'sendmsg', status: 'partial', restart: 'ERESTARTSYS', limits: 'control messages: SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX', args: [FD, P, fl(MSG)],
    handler: wrap(sendmsg) },
  // implements recvmsg(2)
  { name: 'recvmsg', status: 'partial', restart: 'ERESTARTSYS', limits: 'control messages: SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX', args: [FD, P, fl(MSG)],
    handler: wrap(recvmsg) },
];
