// Memory system calls: brk, mmap, munmap, mprotect, madvise. Pages are not
// allocated here: a VMA says what may be touched, and the first touch is a
// demand-zero page fault (fault.ts).

import type { SyscallDef } from '../abi/call.js';
import { FD, P, UL, X, fl, hexResult, v, xl } from '../abi/strace-args.js';
import { MADV, MREMAP, PROT, mapFlags } from '../abi/abi-names.js';
import type { Process } from '../sched/proc.js';
import { AddressSpace, carve, PROT_READ, PROT_WRITE, PTE_COW, PTE_W, PTE_D, USER_TOP } from '../mm/vm.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { MemFile, mapFile } from '../fs/file.js';
import { loadBytes } from '../mm/uaccess.js';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM } from '../errno.js';

const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const up = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

/** Bytes of address space in use, for RLIMIT_AS. */
function mapped(p: Process): number { return p.as.vmas.reduce((s, v) => s + v.end - v.start, 0); }

/** A free range of len bytes, top-down below as.mmapBase, or -1. */
function findFree(p: Process, len: number): number {
  let top = p.as.mmapBase;
  const vmas = [...p.as.vmas].sort((a, b) => b.start - a.start);
  for (const v of vmas) {
    if (v.start >= top) { top = Math.min(top, v.start); continue; }
    if (v.end <= top - len) break;
    top = Math.min(top, v.start);
  }
  return top - len >= PAGE_SIZE ? top - len : -1;
}

function mmap(p: Process, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  if (len <= 0 || addr % PAGE_SIZE !== 0 || off % PAGE_SIZE !== 0 || (prot & ~7) !== 0) return -EINVAL;
  if (((flags & (MAP_SHARED | MAP_PRIVATE)) === 0)) return -EINVAL;
  const size = up(len);
  if (size > USER_TOP) return -ENOMEM;
  let file: MemFile | undefined;
  if ((flags & MAP_ANONYMOUS) === 0) {
    const f = p.files[fd];
    if (f === undefined) return -EBADF;
    if (!(f instanceof MemFile)) return -ENODEV;
    if ((flags & MAP_SHARED) && (prot & PROT_WRITE)) return -EACCES; // host files are read-only
    file = f;
  }
  if (mapped(p) + size > p.limit(9)) return -ENOMEM; // RLIMIT_AS
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr + size > USER_TOP || addr < PAGE_SIZE) return -ENOMEM;
    if ((flags & MAP_FIXED_NOREPLACE) && !p.as.isFree(addr, addr + size)) return -EEXIST;
    carve(p.as, addr, addr + size);
    start = addr;
  } else {
    start = addr !== 0 && addr + size <= USER_TOP && p.as.isFree(addr, addr + size) ? addr : findFree(p, size);
    if (start < 0) return -ENOMEM;
  }
  const shared = (flags & MAP_SHARED) !== 0 && file === undefined;
  p.as.addVma({ start, end: start + size, prot, kind: shared ? 'shared' : 'anon' });
  if (shared) {
    // Shared anonymous memory is populated now, so that a fork shares pages that already exist.
    if (!loadBytes(p.as, start, new Uint8Array(size))) { carve(p.as, start, start + size); return -ENOMEM; }
  } else if (file !== undefined) {
    // A private file mapping: copied in now (host files never change under us).
    if (!mapFile(p.as, start, file, off, len)) return -ENOMEM;
  }
  return start;
}

function mprotect(p: Process, addr: number, len: number, prot: number): number {
  if (addr % PAGE_SIZE !== 0 || (prot & ~7) !== 0) return -EINVAL;
  const end = addr + up(len);
  for (let va = addr; va < end; va += PAGE_SIZE) if (p.as.findVma(va) === undefined) return -ENOMEM;
  const pieces = p.as.vmas.filter((v) => v.end > addr && v.start < end);
  const kept = p.as.vmas.filter((v) => !(v.end > addr && v.start < end));
  for (const v of pieces) {
    if (v.start < addr) kept.push({ ...v, end: addr });
    if (v.end > end) kept.push({ ...v, start: end });
    kept.push({ ...v, start: Math.max(v.start, addr), end: Math.min(v.end, end), prot });
  }
  p.as.vmas = kept.sort((a, b) => a.start - b.start);
  for (let va = addr; va < end; va += PAGE_SIZE) {
    const pte = p.as.lookup(va);
    if (pte === undefined) continue;
    let flags = AddressSpace.pteFlags(prot);
    if ((pte.flags & PTE_COW) && (flags & PTE_W)) flags = (flags & ~(PTE_W | PTE_D)) | PTE_COW; // still shared
    p.as.setFlags(pte.w, flags);
  }
  return 0;
}

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

/** mremap(2): shrinks in place, grows in place when the pages after are free, else moves the PTEs (MREMAP_MAYMOVE). */
function mremap(p: Process, old: number, oldLen: number, newLen: number, flags: number): number {
  if (old % PAGE_SIZE !== 0 || newLen <= 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) !== 0 || (flags & MREMAP_FIXED)) return -EINVAL;
  const as = p.as, oldSize = up(oldLen), newSize = up(newLen);
  const vma = as.findVma(old);
  if (vma === undefined || old + oldSize > vma.end) return -EFAULT;
  if (newSize <= oldSize) { if (newSize < oldSize) carve(as, old + newSize, old + oldSize); return old; }
  if (mapped(p) + newSize - oldSize > p.limit(9)) return -ENOMEM;
  if (old + oldSize === vma.end && as.isFree(vma.end, old + newSize) && old + newSize <= USER_TOP) {
    vma.end = old + newSize;
    return old;
  }
  if ((flags & MREMAP_MAYMOVE) === 0) return -ENOMEM;
  const to = findFree(p, newSize);
  if (to < 0) return -ENOMEM;
  as.addVma({ ...vma, start: to, end: to + newSize });
  for (let off = 0; off < oldSize; off += PAGE_SIZE) {
    if (!as.movePte(old + off, to + off)) return -ENOMEM; // the page (or its swap slot) moves, not its bytes
  }
  as.vmas = as.vmas.filter((v) => v !== vma);
  if (vma.start < old) as.addVma({ ...vma, end: old });
  if (vma.end > old + oldSize) as.addVma({ ...vma, start: old + oldSize });
  as.onChange();
  return to;
}

export const MEM_CALLS: SyscallDef[] = [
  // implements mremap(2)
  { name: 'mremap', status: 'partial', restart: 'none', result: hexResult,
    limits: 'no MREMAP_FIXED or MREMAP_DONTUNMAP',
    args: (r) => [P, UL, UL, fl(MREMAP, 'MREMAP_???'), ...(r[3] & 2 ? [P] : [])],
    handler: (_k, p, a) => mremap(p, a[0], a[1], a[2], a[3]) },
  // implements brk(2): returns the new break, or the old one when the request cannot be met
  { name: 'brk', status: 'full', restart: 'none', result: hexResult, args: [P],
    handler: (_k, p, a) => {
    const as = p.as, want = a[0];
    if (want < as.brkStart || want > as.brkStart + (1 << 30)) return as.brk;
    const oldEnd = up(as.brk), newEnd = up(want);
    if (newEnd > oldEnd && (!as.isFree(oldEnd, newEnd) || mapped(p) + newEnd - oldEnd > p.limit(9))) return as.brk;
    if (newEnd < oldEnd) carve(as, newEnd, oldEnd);
    as.vmas = as.vmas.filter((v) => v.kind !== 'heap');
    if (newEnd > as.brkStart) as.addVma({ start: as.brkStart, end: newEnd, prot: PROT_READ | PROT_WRITE, kind: 'heap' });
    return (as.brk = want);
  } },
  // implements mmap(2): anonymous and private file mappings
  { name: 'mmap', status: 'partial', restart: 'none', result: hexResult,
    limits: 'file mappings are copies made at mmap time: writable MAP_SHARED file mappings give EACCES, other fds ENODEV',
    args: [P, UL, fl(PROT, 'PROT_???'), v(mapFlags), FD, X],
    handler: (_k, p, a) => mmap(p, a[0], a[1], a[2], a[3], a[4] | 0, a[5]) },
  // implements munmap(2)
  { name: 'munmap', status: 'full', restart: 'none', args: [P, UL],
    handler: (_k, p, a) => {
    if (a[0] % PAGE_SIZE !== 0 || a[1] <= 0) return -EINVAL;
    carve(p.as, a[0], a[0] + up(a[1]));
    return 0;
  } },
  // implements mprotect(2)
  { name: 'mprotect', status: 'full', restart: 'none', args: [P, UL, fl(PROT, 'PROT_???')],
    handler: (_k, p, a) => mprotect(p, a[0], a[1], a[2]) },
  // implements madvise(2): MADV_DONTNEED drops private pages (the next touch is demand-zero); other advice is accepted and ignored
  { name: 'madvise', status: 'partial', restart: 'none',
    limits: 'MADV_DONTNEED drops private pages; other advice is accepted and ignored',
    args: [P, UL, xl(MADV, 'MADV_???')],
    handler: (_k, p, a) => {
    if (a[0] % PAGE_SIZE !== 0 || a[1] < 0) return -EINVAL;
    const end = a[0] + up(a[1]);
    for (let va = a[0]; va < end; va += PAGE_SIZE) if (p.as.findVma(va) === undefined) return -ENOMEM;
    if (a[2] === 4 /* MADV_DONTNEED */) {
      for (const v of p.as.vmas) {
        if (v.end <= a[0] || v.start >= end) continue;
        if (v.kind === 'shared') return -EINVAL; // dropping shared pages would need a page cache
        p.as.unmapRange(Math.max(v.start, a[0]), Math.min(v.end, end));
      }
    }
    return 0;
  } },
];

