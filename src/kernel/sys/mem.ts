// Memory system calls: brk, mmap, munmap, mprotect, madvise, mremap. Pages
// are not allocated here: a VMA says what may be touched, and the first
// touch is a demand-zero page fault (fault.ts), shared anonymous memory
// included (shmem.ts). Ranges are checked as Linux checks them, on the exact
// 64-bit arguments, and the work done is the VMAs and pages inside a range,
// never its length (mm/vmas.ts, AddressSpace's range walk).

import type { SyscallDef } from '../abi/call.js';
import { FD, P, UL, X, fl, hexResult, v, xl } from '../abi/strace-args.js';
import { MADV, MREMAP, PROT, mapFlags, x } from '../abi/abi-names.js';
import type { Process } from '../sched/proc.js';
import { carve, PROT_READ, PROT_WRITE, PROT_EXEC, USER_TOP } from '../mm/vm.js';
import { MAX_MAP_COUNT, slice } from '../mm/vmas.js';
import { KMEM } from '../mm/kmem.js';

/** Whether the kernel-memory budget has room for the two VMAs a call can add at most (a split): else ENOMEM, as when Linux cannot allocate a vm_area_struct. */
const roomForVmas = (p: Process) => p.as.frames.kmem.fits(2 * KMEM.vma);
import { PAGE_SIZE } from '../mm/frames.js';

const O_ACCMODE = 3, O_RDWR = 2, MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
const MS = x({ MS_ASYNC, MS_INVALIDATE, MS_SYNC });
import { MemFile, RegularFile, mapFile } from '../fs/file.js';
import { SharedAnon, SharedFile, sharedFile } from '../mm/shmem.js';
import { IoUring } from '../fs/io-uring.js';
import { loadBytes } from '../mm/uaccess.js';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM } from '../errno.js';

const PROT_SEM = 8, PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const up = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const TASK_SIZE = BigInt(USER_TOP), U64 = 1n << 64n, PAGE_MASK = BigInt(PAGE_SIZE - 1);

/** Argument i of the call exactly, as the unsigned 64-bit value the guest passed (handler numbers are exact only below 2^53). */
function arg64(p: Process, i: number): bigint {
  return (BigInt(p.x[2 * (10 + i) + 1] >>> 0) << 32n) | BigInt(p.x[2 * (10 + i)] >>> 0);
}

/** PAGE_ALIGN(n) in 64-bit arithmetic: 0 when it wraps. */
const pageAlign = (n: bigint) => (n + PAGE_MASK) & ~PAGE_MASK & (U64 - 1n);

/** A free range of len bytes, top-down below as.mmapBase, or -1. */
function findFree(p: Process, len: number): number { return p.as.list.findFree(len, p.as.mmapBase, PAGE_SIZE); }

function mmap(p: Process, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  if (off % PAGE_SIZE !== 0 || (prot & ~7) !== 0) return -EINVAL;
  if (((flags & (MAP_SHARED | MAP_PRIVATE)) === 0)) return -EINVAL;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  if (!(len > 0 && len <= USER_TOP)) return len === 0 ? -EINVAL : -ENOMEM; // do_mmap: no length, or one that cannot fit in user space
  const size = up(len);
  let file: MemFile | undefined;
  if ((flags & MAP_ANONYMOUS) === 0) {
    const f = p.files[fd];
    if (f === undefined) return -EBADF;
    if (f instanceof IoUring) return mapRing(p, f, addr, size, prot, flags, off);
    if (!(f instanceof MemFile)) return -ENODEV;
    // A writable shared mapping needs a regular file open for reading and writing (mmap(2): EACCES).
    if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && (!(f instanceof RegularFile) || (f.flags & O_ACCMODE) !== O_RDWR)) return -EACCES;
    file = f;
  }
  if (p.as.list.count > MAX_MAP_COUNT || !roomForVmas(p)) return -ENOMEM;
  let start: number;
  if (fixed) {
    if (addr + size > USER_TOP || addr < PAGE_SIZE) return -ENOMEM;
    if (addr % PAGE_SIZE !== 0) return -EINVAL; // __get_unmapped_area: the range first, then the alignment
    if ((flags & MAP_FIXED_NOREPLACE) && !p.as.isFree(addr, addr + size)) return -EEXIST;
    // may_expand_vm: what the new mapping replaces does not count twice
    if (p.as.mappedBytes - p.as.list.overlap(addr, addr + size) + size > p.limit(9)) return -ENOMEM; // RLIMIT_AS
    carve(p.as, addr, addr + size);
    start = addr;
  } else {
    if (p.as.mappedBytes + size > p.limit(9)) return -ENOMEM; // RLIMIT_AS
    const hint = up(addr); // a hint is rounded up to a page, as Linux's get_unmapped_area does
    start = hint >= PAGE_SIZE && hint + size <= USER_TOP && p.as.isFree(hint, hint + size) ? hint : findFree(p, size);
    if (start < 0) return -ENOMEM;
  }
  if (file === undefined && (flags & MAP_SHARED)) {
    // Shared anonymous memory: an object whose pages are allocated on first touch, in whichever sharer touches first (shmem.ts).
    p.as.addVma({ start, end: start + size, prot, kind: 'shared', shm: new SharedAnon(p.as.frames), pgoff: 0 });
    return start;
  }
  if (file instanceof RegularFile && (flags & MAP_SHARED)) {
    // The file's own pages, shared by every MAP_SHARED mapping of it and kept coherent with read and write (shmem.ts SharedFile).
    const shm = sharedFile(file.backing, p.as.frames, file.backing);
    p.as.addVma({ start, end: start + size, prot, kind: 'shared', shm, pgoff: off / PAGE_SIZE });
    return start;
  }
  p.as.addVma({ start, end: start + size, prot, kind: 'anon' });
  if (file !== undefined) {
    // A private file mapping: copied in now (host files never change under us).
    if (!mapFile(p.as, start, file, off, len)) return -ENOMEM;
  }
  return start;
}

/**
 * An io_uring's rings or SQE array (fs/io-uring.ts mapObject): always a
 * shared mapping of the kernel's own pages (MAP_PRIVATE is EINVAL here, a
 * documented difference), placed as any mapping is.
 */
function mapRing(p: Process, ring: IoUring, addr: number, size: number, prot: number, flags: number, off: number): number {
  const obj = ring.mapObject(off, size);
  if (typeof obj === 'number') return obj;
  if ((flags & MAP_SHARED) === 0) return -EINVAL;
  if (p.as.list.count > MAX_MAP_COUNT || !roomForVmas(p) || p.as.mappedBytes + size > p.limit(9)) return -ENOMEM;
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr % PAGE_SIZE !== 0 || addr < PAGE_SIZE || addr + size > USER_TOP) return -EINVAL;
    if ((flags & MAP_FIXED_NOREPLACE) && !p.as.isFree(addr, addr + size)) return -EEXIST;
    carve(p.as, addr, addr + size);
    start = addr;
  } else if ((start = findFree(p, size)) < 0) return -ENOMEM;
  p.as.addVma({ start, end: start + size, prot, kind: 'shared', shm: obj.shm, pgoff: obj.pgoff });
  return start;
}

/**
 * msync(2), checked as Linux checks it (mm/msync.c): flags other than
 * MS_ASYNC, MS_INVALIDATE and MS_SYNC, or MS_ASYNC with MS_SYNC, or an
 * unaligned start, are EINVAL; a range with unmapped pages is ENOMEM. The
 * shared file mappings in it are written back to their files at once, so
 * MS_ASYNC and MS_SYNC do the same.
 */
function msync(p: Process, flags: number): number {
  const start = arg64(p, 0), len = arg64(p, 1);
  if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) !== 0 || (flags & MS_ASYNC && flags & MS_SYNC) || (start & PAGE_MASK) !== 0n) return -EINVAL;
  const end = start + pageAlign(len);
  if (end < start || end > TASK_SIZE) return -ENOMEM;
  const from = Number(start), to = Number(end);
  const files = new Set(p.as.list.within(from, to).map((v) => v.shm).filter((s): s is SharedFile => s instanceof SharedFile));
  for (const s of files) s.writeBack();
  return p.as.list.covers(from, to) ? 0 : -ENOMEM;
}

/** munmap(2)'s range rule (mm/mmap.c do_vmi_munmap): page-aligned, inside user space, not empty; else EINVAL. */
function munmap(p: Process): number {
  const start = arg64(p, 0), len = arg64(p, 1);
  if ((start & PAGE_MASK) !== 0n || start > TASK_SIZE || len > TASK_SIZE - start || pageAlign(len) === 0n) return -EINVAL;
  const from = Number(start), to = Number(start + pageAlign(len));
  const v = p.as.findVma(from);
  if (v !== undefined && v.start < from && v.end > to && (p.as.list.count >= MAX_MAP_COUNT || !roomForVmas(p))) return -ENOMEM; // a hole in one VMA makes two
  carve(p.as, from, to);
  return 0;
}

/**
 * mprotect(2), in mm/mprotect.c do_mprotect_pkey's order: EINVAL for an
 * unaligned start, 0 for no length, ENOMEM for a range that wraps, EINVAL
 * for unknown bits, ENOMEM unless VMAs cover the whole range. The range is
 * checked whole before anything changes (Linux may change the VMAs before a
 * hole; lde changes none).
 */
function mprotect(p: Process, protArg: number): number {
  const start = arg64(p, 0), len = arg64(p, 1);
  const grows = protArg & (PROT_GROWSDOWN | PROT_GROWSUP);
  if (grows === (PROT_GROWSDOWN | PROT_GROWSUP) || (start & PAGE_MASK) !== 0n) return -EINVAL;
  if (len === 0n) return 0;
  const end = start + pageAlign(len);
  if (end >= U64 || end <= start) return -ENOMEM;
  const prot = protArg & ~grows;
  if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) !== 0) return -EINVAL;
  if (end > TASK_SIZE) return -ENOMEM;
  const as = p.as, from = Number(start), to = Number(end);
  if (!as.list.covers(from, to)) return -ENOMEM;
  if (as.list.count + as.list.splits(from, to) > MAX_MAP_COUNT || !roomForVmas(p)) return -ENOMEM;
  const [i, j] = as.list.span(from, to);
  const parts = as.vmas.slice(i, j).map((v) => [Math.max(v.start, from), Math.min(v.end, to), v.shm !== undefined] as const);
  as.list.protect(from, to, prot & 7);
  for (const [s, e, shared] of parts) as.protectRange(s, e, prot & 7, shared);
  return 0;
}

/** Linux's madvise_behavior_valid: the advice values it knows (0-4, 8-25); the rest are EINVAL. */
const validAdvice = (a: number) => (a >= 0 && a <= 4) || (a >= 8 && a <= 25);

/**
 * madvise(2), in mm/madvise.c do_madvise's order: EINVAL for unknown advice,
 * an unaligned start, a length that rounds up to nothing or a range that
 * wraps; 0 for an empty range; then the advice is applied to every VMA in the
 * range, and ENOMEM is returned if the range had a hole. MADV_DONTNEED drops
 * the pages (a private page's next touch is demand-zero; a shared one's
 * finds the shared object's page again); other advice is accepted and ignored.
 */
function madvise(p: Process, advice: number): number {
  const start = arg64(p, 0), len = arg64(p, 1);
  if (!validAdvice(advice) || (start & PAGE_MASK) !== 0n) return -EINVAL;
  const size = pageAlign(len);
  if ((len !== 0n && size === 0n) || start + size >= U64) return -EINVAL;
  if (size === 0n) return 0;
  const end = start + size, from = Number(start);
  const to = end > TASK_SIZE ? USER_TOP : Number(end);
  const hole = end > TASK_SIZE || !p.as.list.covers(from, to);
  if (advice === 4 /* MADV_DONTNEED */) {
    const [i, j] = p.as.list.span(from, to);
    for (const v of p.as.vmas.slice(i, j)) {
      // The ELF's pages have no file behind them here to be read again from (Linux re-reads them): they stay.
      if (v.kind !== 'text' && v.kind !== 'data') p.as.unmapRange(Math.max(v.start, from), Math.min(v.end, to));
    }
  }
  return hole ? -ENOMEM : 0;
}

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

/** mremap(2): shrinks in place, grows in place when the pages after are free, else moves the PTEs (MREMAP_MAYMOVE). */
function mremap(p: Process, old: number, oldLen: number, newLen: number, flags: number): number {
  if (old % PAGE_SIZE !== 0 || newLen <= 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) !== 0 || (flags & MREMAP_FIXED)) return -EINVAL;
  const as = p.as, oldSize = up(oldLen), newSize = up(newLen);
  const vma = as.findVma(old);
  if (vma === undefined || old + oldSize > vma.end) return -EFAULT;
  if (newSize <= oldSize) { if (newSize < oldSize) carve(as, old + newSize, old + oldSize); return old; }
  if (newSize > USER_TOP || as.mappedBytes + newSize - oldSize > p.limit(9)) return -ENOMEM;
  if (old + oldSize === vma.end && old + newSize <= USER_TOP && as.isFree(vma.end, old + newSize)) {
    as.list.growUp(vma, old + newSize);
    return old;
  }
  if ((flags & MREMAP_MAYMOVE) === 0) return -ENOMEM;
  const to = findFree(p, newSize);
  if (to < 0) return -ENOMEM;
  const moved = slice(vma, old, old + oldSize);
  as.addVma({ ...moved, start: to, end: to + newSize });
  if (!as.moveRange(old, to, oldSize)) return -ENOMEM; // the pages (and swap slots) move, not their bytes
  as.list.remove(old, old + oldSize);
  return to;
}

/** brk(2): returns the new break, or the old one when the request cannot be met. */
function brk(p: Process, want: number): number {
  const as = p.as;
  if (want < as.brkStart || want > as.brkStart + (1 << 30)) return as.brk;
  const oldEnd = up(as.brk), newEnd = up(want);
  if (newEnd > oldEnd) {
    if (!as.isFree(oldEnd, newEnd) || as.mappedBytes + newEnd - oldEnd > p.limit(9)) return as.brk;
    as.addVma({ start: oldEnd, end: newEnd, prot: PROT_READ | PROT_WRITE, kind: 'heap' });
  }
  if (newEnd < oldEnd) carve(as, newEnd, oldEnd);
  return (as.brk = want);
}

export const MEM_CALLS: SyscallDef[] = [
  // implements mremap(2)
  { name: 'mremap', status: 'partial', restart: 'none', result: hexResult,
    limits: 'no MREMAP_FIXED or MREMAP_DONTUNMAP',
    args: (r) => [P, UL, UL, fl(MREMAP, 'MREMAP_???'), ...(r[3] & 2 ? [P] : [])],
    handler: (_k, p, a) => mremap(p, a[0], a[1], a[2], a[3]) },
  // implements brk(2): returns the new break, or the old one when the request cannot be met
  { name: 'brk', status: 'full', restart: 'none', result: hexResult, args: [P],
    handler: (_k, p, a) => brk(p, a[0]) },
  // implements mmap(2): anonymous and private file mappings
  { name: 'mmap', status: 'partial', restart: 'none', result: hexResult,
    limits: 'file mappings are copies made at mmap time: writable MAP_SHARED file mappings give EACCES, other fds ENODEV',
    args: [P, UL, fl(PROT, 'PROT_???'), v(mapFlags), FD, X],
    handler: (_k, p, a) => mmap(p, a[0], a[1], a[2], a[3], a[4] | 0, a[5]) },
  // implements munmap(2)
  { name: 'munmap', status: 'full', restart: 'none', args: [P, UL],
    handler: (_k, p) => munmap(p) },
  // implements mprotect(2)
  { name: 'mprotect', status: 'full', restart: 'none', args: [P, UL, fl(PROT, 'PROT_???')],
    handler: (_k, p, a) => mprotect(p, a[2] | 0) },
  // implements madvise(2): MADV_DONTNEED drops pages (a private page's next touch is demand-zero); other advice is accepted and ignored
  { name: 'madvise', status: 'partial', restart: 'none',
    limits: 'MADV_DONTNEED drops pages, except the ELF image\'s (no file to read them again from); other known advice is accepted and ignored',
    args: [P, UL, xl(MADV, 'MADV_???')],
    handler: (_k, p, a) => madvise(p, a[2] | 0) },
  // implements msync(2): the shared file mappings in the range are written back to their files
  { name: 'msync', status: 'full', restart: 'none', args: [P, UL, fl(MS)],
    handler: (_k, p, a) => msync(p, a[2]) },
];
