// AF_UNIX names (unix(7)): a path in the filesystem, whose node is a socket
// inode made by bind (stat shows S_IFSOCK; it stays after the socket is
// closed, until unlink, and then connect finds nobody: ECONNREFUSED), or an
// abstract name (sun_path[0] == 0), which lives as long as its socket.
// Autobind (bind with only sun_family, or a send with SO_PASSCRED from an
// unbound socket) takes the abstract name "\0" + five hex digits, counted
// from 00000 (Linux starts at a random one: lde stays deterministic).
//
// The bound sockets are per kernel: paths by vnode, abstract names by text.

import type { Kernel } from '../kernel.js';
import type { Ctx, Found, Parent, Vnode } from './vfs.js';
import { Socket, pair, newSocket } from './socket.js';
import { AF_UNIX, unixKey, type UnixAddr } from './sockaddr.js';
import { EADDRINUSE, EAGAIN, ECONNREFUSED, EEXIST, ENFILE, ENOSPC, EPROTOTYPE } from '../errno.js';

interface UnixNames { byNode: WeakMap<Vnode, Socket>; abstract: Map<string, Socket>; nextAuto: number; }
const names = new WeakMap<Kernel, UnixNames>();
function namesOf(k: Kernel): UnixNames {
  let n = names.get(k);
  if (n === undefined) names.set(k, (n = { byNode: new WeakMap(), abstract: new Map(), nextAuto: 0 }));
  return n;
}

/** Gives s an abstract name of its own ("\0" + five hex digits); -ENOSPC when all 2^20 are taken. */
export function autobind(k: Kernel, s: Socket): number {
  const n = namesOf(k);
  for (let tries = 0; tries < 0x100000; tries++) {
    const digits = (n.nextAuto++ & 0xfffff).toString(16).padStart(5, '0');
    const addr: UnixAddr = { family: AF_UNIX, abstract: Uint8Array.from([0, ...new TextEncoder().encode(digits)]) };
    if (!n.abstract.has(unixKey(addr))) return bindAbstract(k, s, addr);
    k.work.items++;
  }
  return -ENOSPC;
}

/** bind to an abstract name: EADDRINUSE when another socket has it. */
export function bindAbstract(k: Kernel, s: Socket, addr: UnixAddr): number {
  const n = namesOf(k), key = unixKey(addr);
  if (n.abstract.has(key)) return -EADDRINUSE;
  n.abstract.set(key, s);
  s.local = addr;
  s.unbind = () => { if (n.abstract.get(key) === s) n.abstract.delete(key); };
  return 0;
}

/** bind to a new name in a resolved directory: a new socket inode (the filesystem's errno: EROFS on a read-only one). */
export function bindPath(k: Kernel, c: Ctx, s: Socket, par: Parent, addr: UnixAddr, mode: number): number {
  const node = par.dir.node.mksock(par.name, mode, c);
  if (typeof node === 'number') return node === -EEXIST ? -EADDRINUSE : node;
  const n = namesOf(k);
  n.byNode.set(node, s);
  s.local = addr;
  s.unbind = () => { if (n.byNode.get(node) === s) n.byNode.delete(node); };
  return 0;
}

/** The socket a name reaches: an abstract one by its text, a path by the node found there (ECONNREFUSED when none is bound to it). */
export function lookupUnix(k: Kernel, addr: UnixAddr, at: Found | undefined): Socket | number {
  const n = namesOf(k);
  const s = at !== undefined ? at.node.kind === 'sock' ? n.byNode.get(at.node) : undefined : n.abstract.get(unixKey(addr));
  return s === undefined || s.refs === 0 ? -ECONNREFUSED : s;
}

/**
 * connect(2) of a stream or seqpacket socket to a listener: its server end
 * joins the backlog (EAGAIN when the backlog is full: the caller sleeps
 * unless non-blocking). ECONNREFUSED when the target is not listening,
 * EPROTOTYPE for another socket type.
 */
export function connectUnix(k: Kernel, s: Socket, target: Socket): number {
  if (target.type !== s.type) return -EPROTOTYPE;
  if (!target.listening) return -ECONNREFUSED;
  if (target.backlog!.length > target.maxBacklog) return -EAGAIN;
  const server = newSocket(k, AF_UNIX, s.type, 0, 0);
  if (server === undefined) return -ENFILE;
  server.cred = target.cred;
  server.local = target.local;
  server.remote = s.local;
  server.embryo = true;
  server.opts.passcred = target.opts.passcred;
  pair(s, server);
  s.remote = target.local;
  target.enqueue(server);
  return 0;
}

/** A datagram socket's connect: its default destination (EPROTOTYPE for another type). */
export function connectDgram(s: Socket, target: Socket): number {
  if (target.type !== s.type) return -EPROTOTYPE;
  s.peer = target;
  s.remote = target.local;
  return 0;
}

