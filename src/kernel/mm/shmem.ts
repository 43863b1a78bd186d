// Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS): one object per
// mmap call, holding the frames of the pages touched so far, by page index.
// Every VMA that maps the object (the mmap's own, its pieces after
// mprotect or munmap, a fork child's copies) is one user; the object keeps
// its frames until the last user goes, as Linux's shmem file does.
//
// Nothing is allocated at mmap time, so a 100 GiB mapping costs nothing
// until it is touched (Linux with overcommit). The first touch in any
// sharer allocates the page's frame (pageFault in fault.ts), and every
// later touch, in any sharer, maps that same frame: a fork child that
// touches a page first and writes to it is seen by the parent.
//
// Counting: the object holds one reference to each of its frames, and each
// PTE mapping one holds another (Frames.ref), so unmapping a PTE is the same
// unref as for a private page. The frames count against --mem like any
// other; the mapping's length counts against RLIMIT_AS through its VMA.
// Swap: shared pages are never swapped out (Swap's candidates skip them, as
// their count is above one): the simplest correct choice, since one slot
// would have to replace the PTE in every sharer at once.

import type { Frames } from './frames.js';

export class SharedAnon {
  private readonly pages = new Map<number, number>();
  private users = 0;

  constructor(private readonly frames: Frames) {}

  /** How many pages have a frame. */
  get resident(): number { return this.pages.size; }

  /** The frame of page `index`, allocated (zeroed) on first use; -1 when out of memory. The caller takes its own reference. */
  frame(index: number): number {
    let pa = this.pages.get(index);
    if (pa === undefined) {
      pa = this.frames.alloc();
      if (pa < 0) return -1;
      this.pages.set(index, pa);
    }
    return pa;
  }

  /** One more VMA maps the object. */
  hold(): void { this.users++; }

  /** One VMA fewer; with none left, every frame is released. */
  drop(): void {
    if (--this.users > 0) return;
    for (const pa of this.pages.values()) this.frames.unref(pa);
    this.frames.work.pages += this.pages.size;
    this.pages.clear();
  }
}
