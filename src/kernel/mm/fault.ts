// Page faults (the seed's "Limit two"): every user page fault comes here and
// is resolved as demand-zero (bss, heap, anonymous mmap, stack growth),
// copy-on-write, or a signal. Kernel accesses to user memory (uaccess.ts)
// use the same path, so a syscall touching a not-yet-present page works.

import { Access, PTE_D, PTE_W } from '../../machine/index.js';
import type { AddressSpace, Vma } from './vm.js';
import { PTE_COW, PROT_EXEC, PROT_READ, PROT_WRITE, AddressSpace as AS } from './vm.js';
import { PAGE_SIZE } from './frames.js';
import { PAST_EOF } from './shmem.js';

// The kind of access is the machine's (mmu.ts); re-exported for the kernel files that take it from here.
export { Access } from '../../machine/index.js';

export type Resolution = 'demand-zero' | 'copy-on-write' | 'stack-growth' | 'swap-in' | 'present' | 'maperr' | 'accerr' | 'sigbus' | 'oom';

export const STACK_LIMIT = 8 << 20; // RLIMIT_STACK default: 8 MiB

/** Resolves a fault at va for `access`. Returns how; 'maperr'/'accerr' mean SIGSEGV, 'oom' the OOM path. */
export function pageFault(as: AddressSpace, va: number, access: Access, stackLimit = STACK_LIMIT): Resolution {
  const page = Math.floor(va / PAGE_SIZE) * PAGE_SIZE;
  let vma = as.findVma(va);
  let how: Resolution = 'demand-zero';
  if (vma === undefined) {
    const stack = as.vmas[as.list.indexAbove(va)]; // the VMA just above va: growable if it is the stack (Linux's find_extend_vma)
    if (stack === undefined || stack.kind !== 'stack' || va < stack.end - stackLimit) return 'maperr';
    as.list.growDown(stack, page);
    vma = stack;
    how = 'stack-growth';
  }
  const need = access === Access.WRITE ? PROT_WRITE : access === Access.EXEC ? PROT_EXEC : PROT_READ;
  if ((vma.prot & need) === 0) return 'accerr';
  const slot = as.swap ? as.swapSlot(page) : -1;
  if (slot >= 0) {
    // A major fault: the page comes back from swap.
    const pa = as.frames.alloc();
    if (pa < 0) return 'oom';
    as.swap!.swapIn(slot, as.phys, pa);
    as.map(page, pa, AS.pteFlags(vma.prot));
    return 'swap-in';
  }
  const pte = as.lookup(page);
  if (pte !== undefined) {
    if (access !== Access.WRITE || (pte.flags & PTE_W)) return 'present'; // e.g. a stale TLB entry
    if ((pte.flags & PTE_COW) === 0) return 'accerr';
    return breakCow(as, page, pte) ? 'copy-on-write' : 'oom';
  }
  if (vma.shm !== undefined) { const r = sharedPage(as, vma, page); return r === true ? how : r; }
  const pa = as.frames.alloc();
  if (pa < 0) return 'oom';
  if (!as.map(page, pa, AS.pteFlags(vma.prot))) { as.frames.unref(pa); return 'oom'; }
  return how;
}

/** Maps the shared object's page for `page` (allocating it on the first touch by any sharer, shmem.ts), with one more reference for this PTE. */
function sharedPage(as: AddressSpace, vma: Vma, page: number): true | 'oom' | 'sigbus' {
  const pa = vma.shm!.frame(vma.pgoff! + (page - vma.start) / PAGE_SIZE);
  if (pa === PAST_EOF) return 'sigbus'; // a shared file page wholly past the end of the file
  if (pa < 0) return 'oom';
  as.frames.ref(pa);
  if (as.map(page, pa, AS.pteFlags(vma.prot))) return true;
  as.frames.unref(pa);
  return 'oom';
}

/** Gives the faulting process its own writable copy (or the page itself when it is the last owner). */
function breakCow(as: AddressSpace, page: number, pte: { flags: number; pa: number; w: number }): boolean {
  const frames = as.frames;
  const flags = (pte.flags & ~PTE_COW) | PTE_W | PTE_D;
  if (frames.refCount(pte.pa) === 1) { as.setFlags(pte.w, flags); return true; }
  const copy = frames.alloc();
  if (copy < 0) return false;
  as.phys.copyPage(copy, pte.pa);
  frames.unref(pte.pa);
  as.map(page, copy, flags);
  return true;
}
