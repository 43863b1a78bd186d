// copyIn and copyOut: the kernel's only way into user memory (STYLE.md).
// Every address is translated through the process's own page table; a page
// that is valid but not yet present is faulted in exactly as a user access
// would be; anything else is EFAULT, and the kernel is never harmed. The
// bytes themselves move through PhysMem (as.phys), so writing a page that
// once held decoded code (exec's loadBytes, a copyOut) drops that code.

import { Access, PTE_R, PTE_U, PTE_W } from '../../machine/index.js';
import { AddressSpace, USER_TOP } from './vm.js';
import { PAGE_SIZE } from './frames.js';
import { pageFault } from './fault.js';

export const EFAULT = -14;

/**
 * The most bytes one copy moves: every caller asks for less, or clamps a
 * guest's length to it first (read and write then return a short count, as
 * POSIX allows), so no guest length sizes a kernel buffer beyond it.
 */
export const MAX_COPY = 16 << 20;

/**
 * Linux's access_ok(va, len): [va, va + len) can be user memory at all. It
 * lies below USER_TOP and does not wrap. The arguments are raw register
 * values read as signed numbers, so a length with bit 63 set (a huge size_t)
 * is negative and fails, as does a kernel-half address; so does anything
 * past 2^53, where numbers stop being exact. A zero-length range passes at
 * any address up to USER_TOP. Whether each page is mapped is found only when
 * the bytes are copied.
 */
export function userRange(va: number, len: number): boolean {
  return Number.isSafeInteger(va) && Number.isSafeInteger(len) && len >= 0 && len <= USER_TOP && va >= 0 && va <= USER_TOP - len;
}

/** Physical address of user address va for access, faulting it in if allowed; -1 when the access is illegal. */
function userPa(as: AddressSpace, va: number, access: Access): number {
  if (!(va >= 0 && va < USER_TOP)) return -1;
  const need = access === Access.WRITE ? PTE_W : PTE_R;
  for (let tries = 0; tries < 2; tries++) {
    const p = as.lookup(va);
    if (p !== undefined && (p.flags & PTE_U) && (p.flags & need)) return p.pa + (va % PAGE_SIZE);
    const r = pageFault(as, va, access);
    if (r === 'maperr' || r === 'accerr' || r === 'oom') return -1;
  }
  return -1;
}

/** Bytes from va to the end of its page, at most left. */
const pageRun = (va: number, left: number) => Math.min(left, PAGE_SIZE - (va % PAGE_SIZE));

/**
 * Copies len bytes from user address va; undefined on a bad pointer
 * (EFAULT): a range that is not user memory (userRange) or longer than
 * MAX_COPY is refused before anything is allocated.
 */
export function copyIn(as: AddressSpace, va: number, len: number): Uint8Array | undefined {
  if (!userRange(va, len) || len > MAX_COPY) return undefined;
  const out = new Uint8Array(len);
  for (let done = 0; done < len;) {
    const pa = userPa(as, va + done, Access.READ);
    if (pa < 0) return undefined;
    const n = pageRun(va + done, len - done);
    as.phys.readInto(pa, out.subarray(done, done + n));
    as.frames.work.bytes += n;
    done += n;
  }
  return out;
}

/**
 * Copies bytes to user address va, page by page, up to the first page that
 * cannot be written; returns how many were copied. This is the short count
 * Linux's copy_to_user reports, which read(2) turns into a short read.
 * Breaks copy-on-write as a store would.
 */
export function copyOutSome(as: AddressSpace, va: number, bytes: Uint8Array): number {
  let done = 0;
  while (done < bytes.length) {
    const pa = userPa(as, va + done, Access.WRITE);
    if (pa < 0) break;
    const n = pageRun(va + done, bytes.length - done);
    as.phys.writeBytes(pa, bytes.subarray(done, done + n));
    as.frames.work.bytes += n;
    done += n;
  }
  return done;
}

/** Copies bytes to user address va; false on a bad pointer (EFAULT). Breaks copy-on-write as a store would. */
export function copyOut(as: AddressSpace, va: number, bytes: Uint8Array): boolean {
  return userRange(va, bytes.length) && copyOutSome(as, va, bytes) === bytes.length;
}

const utf8 = new TextDecoder();

/**
 * Reads a NUL-terminated string whose NUL is within its first max bytes;
 * undefined on EFAULT or when too long. Copies a page at a time and stops
 * at the page holding the NUL, so a fault past the string's end is no
 * fault, as in Linux's strncpy_from_user.
 */
export function copyInString(as: AddressSpace, va: number, max = 4096): string | undefined {
  if (!userRange(va, 0)) return undefined;
  const s = scanString(as, va, max, (at) => userPa(as, at, Access.READ));
  as.frames.work.bytes += s.scanned;
  return s.terminated ? utf8.decode(s.bytes) : undefined;
}

/**
 * The string at va: its bytes up to a NUL within max, read a page at a time
 * through paOf, stopping at the first page paOf refuses (-1). Whether the
 * NUL was found, and how many bytes were scanned (the NUL included).
 */
function scanString(as: AddressSpace, va: number, max: number, paOf: (va: number) => number): { bytes: Uint8Array; terminated: boolean; scanned: number } {
  const parts: Uint8Array[] = [];
  let done = 0;
  while (done < max) {
    const pa = paOf(va + done);
    if (pa < 0) break;
    const chunk = as.phys.readBytes(pa, pageRun(va + done, max - done));
    const nul = chunk.indexOf(0);
    if (nul >= 0) { parts.push(chunk.subarray(0, nul)); return { bytes: concat(parts), terminated: true, scanned: done + nul + 1 }; }
    parts.push(chunk);
    done += chunk.length;
  }
  return { bytes: concat(parts), terminated: false, scanned: done };
}

/** The bytes of parts, end to end (one part is returned as it is). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function readU64(as: AddressSpace, va: number): number | undefined {
  const b = copyIn(as, va, 8);
  if (b === undefined) return undefined;
  const v = new DataView(b.buffer);
  return v.getUint32(0, true) + v.getUint32(4, true) * 4294967296;
}

export function writeU64(as: AddressSpace, va: number, v: number | bigint): boolean {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return copyOut(as, va, b);
}

/**
 * For execve only: writes bytes into the new image regardless of page
 * protection (text is read-only to the user), mapping pages with their
 * VMA's permissions. False when out of memory or outside every VMA.
 */
export function loadBytes(as: AddressSpace, va: number, bytes: Uint8Array): boolean {
  let done = 0;
  while (done < bytes.length) {
    const page = Math.floor((va + done) / PAGE_SIZE) * PAGE_SIZE;
    let p = as.lookup(page);
    if (p === undefined) {
      const vma = as.findVma(page);
      const pa = vma === undefined ? -1 : as.frames.alloc();
      if (pa < 0 || !as.map(page, pa, AddressSpace.pteFlags(vma!.prot))) return false;
      p = as.lookup(page)!;
    }
    const n = pageRun(va + done, bytes.length - done);
    as.phys.writeBytes(p.pa + ((va + done) % PAGE_SIZE), bytes.subarray(done, done + n));
    as.frames.work.bytes += n; // charged to the execve that built the image
    done += n;
  }
  return true;
}

/**
 * For strace's decoding only: the physical address of user address va when its
 * page is already present and user-readable, else -1. Never faults a page
 * in, breaks copy-on-write or touches the swap, so a traced run stays the
 * same run as an untraced one.
 */
function presentPa(as: AddressSpace, va: number): number {
  if (!(va >= 0 && va < USER_TOP)) return -1;
  const p = as.lookup(va);
  return p !== undefined && (p.flags & PTE_U) && (p.flags & PTE_R) ? p.pa + (va % PAGE_SIZE) : -1;
}

/**
 * Reads len bytes at va if every page is present and readable (see
 * presentPa); undefined otherwise. No side effects; nothing is allocated
 * until every page has been found present.
 */
export function peek(as: AddressSpace, va: number, len: number): Uint8Array | undefined {
  if (!userRange(va, len)) return undefined;
  for (let done = 0; done < len; done += pageRun(va + done, len - done)) if (presentPa(as, va + done) < 0) return undefined;
  const out = new Uint8Array(len);
  for (let done = 0; done < len;) {
    const n = pageRun(va + done, len - done);
    as.phys.readInto(presentPa(as, va + done), out.subarray(done, done + n));
    done += n;
  }
  return out;
}

/**
 * Reads the NUL-terminated string at va, at most max bytes, without
 * faulting: the bytes before the NUL and whether the NUL was found within
 * max; undefined when the first byte is unreadable. A string that runs into
 * an unreadable page ends there, unterminated.
 */
export function peekString(as: AddressSpace, va: number, max: number): { bytes: Uint8Array; terminated: boolean } | undefined {
  const s = scanString(as, va, max, (at) => presentPa(as, at));
  return s.scanned === 0 && max > 0 ? undefined : { bytes: s.bytes, terminated: s.terminated };
}
