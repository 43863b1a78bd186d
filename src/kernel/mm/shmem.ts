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

import { PAGE_SIZE as PAGE, type Frames } from './frames.js';

export class SharedAnon {
  private readonly pages = new Map<number, number>();
  protected users = 0;

  constructor(private readonly frames: Frames) {}

  protected framesOf(): Frames { return this.frames; }
  protected has(index: number): boolean { return this.pages.has(index); }
  protected entries(): IterableIterator<[number, number]> { return this.pages.entries(); }

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

/** What a shared file mapping reads its pages from and writes them back to: the file's storage (fs/file.ts Backing). */
export interface FileSource {
  size(): number;
  read(off: number, len: number): Uint8Array | number;
  write(off: number, bytes: Uint8Array): number;
}

/** The frame index past the end of the file: an access there is SIGBUS (BUS_ADRERR), as on Linux. */
export const PAST_EOF = -2;

/**
 * A file mapped MAP_SHARED: like SharedAnon, one object whose frames every
 * sharer maps, but each page is filled from the file on first touch, and
 * the pages go back to the file on msync, when the last mapping goes, and
 * before anyone reads the file with read(2); a write(2) to the file updates
 * the pages already resident. So the mapping and the file stay coherent, as
 * they are on Linux through the page cache. One object per file
 * (sharedFile), whatever the mmap calls.
 */
export class SharedFile extends SharedAnon {
  constructor(frames: Frames, private readonly source: FileSource, private readonly onLast: () => void) { super(frames); }

  /** The frame of page `index`, filled from the file on first use; PAST_EOF for a page wholly past the end; -1 when out of memory. */
  override frame(index: number): number {
    const off = index * PAGE;
    if (off >= this.source.size()) return PAST_EOF;
    if (this.has(index)) return super.frame(index);
    const pa = super.frame(index);
    if (pa < 0) return pa;
    const data = this.source.read(off, Math.min(PAGE, this.source.size() - off));
    if (typeof data !== 'number') this.framesOf().phys.writeBytes(pa, data);
    this.framesOf().work.bytes += PAGE;
    return pa;
  }

  /** Writes the resident pages back to the file (within its size): msync, the last munmap, a read(2) of the file. */
  writeBack(): void {
    const size = this.source.size(), phys = this.framesOf().phys;
    for (const [index, pa] of this.entries()) {
      const off = index * PAGE;
      if (off >= size) continue;
      this.source.write(off, phys.readBytes(pa, Math.min(PAGE, size - off)));
      this.framesOf().work.bytes += PAGE;
    }
  }

  /** The file changed at [off, off + len) through write(2) or truncate: the resident pages there take the file's bytes. */
  reload(off: number, len: number): void {
    const size = this.source.size(), phys = this.framesOf().phys;
    for (const [index, pa] of this.entries()) {
      const start = index * PAGE;
      if (start + PAGE <= off || start >= off + len) continue;
      const page = new Uint8Array(PAGE);
      if (start < size) {
        const data = this.source.read(start, Math.min(PAGE, size - start));
        if (typeof data !== 'number') page.set(data);
      }
      phys.writeBytes(pa, page);
      this.framesOf().work.bytes += PAGE;
    }
  }

  /** The last mapping went: the pages go back to the file, then the frames are released. */
  override drop(): void {
    if (this.users === 1) { this.writeBack(); this.onLast(); }
    super.drop();
  }
}

const SHARED_FILES = new WeakMap<object, SharedFile>();

/** The shared-mapping object of the file behind `key` (its Backing), made on first use. */
export function sharedFile(key: object, frames: Frames, source: FileSource): SharedFile {
  let s = SHARED_FILES.get(key);
  if (s === undefined) {
    s = new SharedFile(frames, source, () => SHARED_FILES.delete(key));
    SHARED_FILES.set(key, s);
  }
  return s;
}

/** The file's shared-mapping object, if it is mapped MAP_SHARED anywhere now. */
export function sharedFileOf(key: object): SharedFile | undefined { return SHARED_FILES.get(key); }
