// Socket addresses: struct sockaddr_un (unix(7)), sockaddr_in (ip(7)) and
// sockaddr_in6 (ipv6(7)) to and from the kernel's own form. An IP address
// is kept as its 16 bytes in hex, with an IPv4 address in its v4-mapped form
// (::ffff:a.b.c.d), so one table of ports serves both families and an
// AF_INET6 socket without IPV6_V6ONLY meets IPv4 peers where Linux lets it.

import { EAFNOSUPPORT, EINVAL } from '../errno.js';


export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
/** offsetof(struct sockaddr_un, sun_path), and sizeof the whole (108 bytes of path). */
export const SUN_PATH = 2, SUN_LEN = 110;

/**
 * An AF_UNIX name: a path in the filesystem (its bytes, up to the first
 * NUL), an abstract name (sun_path[0] == 0: every byte after it counts), or
 * neither (an unnamed socket: a socketpair's ends, an unbound socket).
 */
export interface UnixAddr { family: typeof AF_UNIX; path?: Uint8Array; abstract?: Uint8Array; }
/** An AF_INET or AF_INET6 endpoint; ip is 32 hex digits (v4 addresses v4-mapped). */
export interface InetAddr { family: typeof AF_INET | typeof AF_INET6; ip: string; port: number; flow?: number; scope?: number; }
export type SockAddr = UnixAddr | InetAddr;

export const UNNAMED: UnixAddr = { family: AF_UNIX };
const MAPPED = '00000000000000000000ffff';
export const ANY4 = MAPPED + '00000000', ANY6 = '0'.repeat(32), LOOP4 = MAPPED + '7f000001', LOOP6 = '0'.repeat(31) + '1';

export const isMapped = (ip: string) => ip.startsWith(MAPPED);
export const isAny = (ip: string) => ip === ANY4 || ip === ANY6;
/** 127.0.0.0/8 (every address of it is the loopback on Linux), ::1, and their v4-mapped forms. */
export const isLoopback = (ip: string) => ip === LOOP6 || (isMapped(ip) && ip.slice(24, 26) === '7f');

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));

/** The address a sockaddr of addrlen bytes names, for a socket of `family`, or -errno (EINVAL for a short one, EAFNOSUPPORT for another family). */
export function parseAddr(b: Uint8Array, family: number): SockAddr | number {
  if (b.length < 2) return -EINVAL;
  const dv = new DataView(b.buffer, b.byteOffset, b.length), fam = dv.getUint16(0, true);
  if (family === AF_UNIX) {
    if (fam !== AF_UNIX) return -EINVAL;
    if (b.length > SUN_LEN) return -EINVAL;
    const p = b.subarray(SUN_PATH);
    if (p.length === 0) return UNNAMED;
    if (p[0] === 0) return { family: AF_UNIX, abstract: p.slice() };
    const end = p.indexOf(0);
    return { family: AF_UNIX, path: p.slice(0, end < 0 ? p.length : end) };
  }
  if (family === AF_INET) {
    if (b.length < 16) return -EINVAL;
    if (fam !== AF_INET && !(fam === AF_UNSPEC && dv.getUint32(4) === 0)) return -EAFNOSUPPORT;
    return { family: AF_INET, ip: MAPPED + hex(b.subarray(4, 8)), port: dv.getUint16(2) };
  }
  if (b.length < 24) return -EINVAL;
  if (fam !== AF_INET6) return -EAFNOSUPPORT;
  return { family: AF_INET6, ip: hex(b.subarray(8, 24)), port: dv.getUint16(2), flow: dv.getUint32(4), scope: b.length >= 28 ? dv.getUint32(24, true) : 0 };
}

/** The sockaddr bytes for an address (getsockname, getpeername, recvfrom, accept): their length is what the call reports. */
export function encodeAddr(a: SockAddr): Uint8Array {
  if (a.family === AF_UNIX) {
    const name = a.path !== undefined ? [...a.path, 0] : a.abstract !== undefined ? [...a.abstract] : [];
    return Uint8Array.from([AF_UNIX, 0, ...name]);
  }
  const v4 = a.family === AF_INET, b = new Uint8Array(v4 ? 16 : 28), dv = new DataView(b.buffer);
  dv.setUint16(0, a.family, true);
  dv.setUint16(2, a.port);
  if (v4) b.set(unhex(a.ip).subarray(12), 4);
  else { dv.setUint32(4, a.flow ?? 0); b.set(unhex(a.ip), 8); dv.setUint32(24, a.scope ?? 0, true); }
  return b;
}

/** Two AF_UNIX names are the same name. */
export function sameUnix(a: UnixAddr, b: UnixAddr): boolean {
  const x = a.path ?? a.abstract, y = b.path ?? b.abstract;
  return x !== undefined && y !== undefined && (a.path === undefined) === (b.path === undefined) && x.length === y.length && x.every((v, i) => v === y[i]);
}

/** A name as text, for keys and messages: "@" then the abstract bytes in hex, or the path. */
export function unixKey(a: UnixAddr): string {
  return a.abstract !== undefined ? '@' + hex(a.abstract) : new TextDecoder().decode(a.path);
}

/** The IPv4 dotted form of a v4-mapped address, or the IPv6 hex groups (for --publish messages and docs). */
export function ipText(ip: string): string {
  if (isMapped(ip)) return Array.from(unhex(ip).subarray(12)).join('.');
  return (ip.match(/..../g) ?? []).map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** An address as a socket of `family` reports it: an AF_INET6 socket sees IPv4 peers v4-mapped. */
export function asFamily(ip: string, port: number, family: typeof AF_INET | typeof AF_INET6): InetAddr { return { family, ip, port }; }
