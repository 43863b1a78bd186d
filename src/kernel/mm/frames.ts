// Physical memory: a frame allocator with reference counts over all of guest
// RAM. The kernel is TypeScript, so RAM holds only page tables and user
// pages. A frame shared copy-on-write by fork has a count above one.
// Frames are zeroed through PhysMem, so a frame that last held code never
// runs that code's decoded instructions again.

import { type Bus, type PhysMem, RAM_BASE } from '../../machine/index.js';
import { Work } from './work.js';
import { KernelMemory, KMEM_SHARE } from './kmem.js';

export const PAGE_SIZE = 4096;

export class Frames {
  private readonly refs: Uint16Array;
  /** For each frame, the number of the allocation that gave it out (FIFO replacement's "brought into RAM" order, replace.ts). */
  private readonly born: Float64Array;
  private allocs = 0;
  private readonly free: number[] = [];
  private used = 0;
  /** The machine's physical memory: every kernel read and write of RAM goes through it. */
  readonly phys: PhysMem;
  /** The kernel's work meter (work.ts): every address space and file system of this kernel adds to it. */
  readonly work = new Work();
  /** The budget for kernel objects kept on the host (kmem.ts): a share of RAM. */
  readonly kmem: KernelMemory;

  constructor(bus: Bus) {
    this.phys = bus.phys;
    this.kmem = new KernelMemory(Math.floor(bus.ramSize * KMEM_SHARE));
    const n = bus.ramSize / PAGE_SIZE;
    this.refs = new Uint16Array(n);
    this.born = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) this.free.push(i);
  }

  get total(): number { return this.refs.length; }
  get inUse(): number { return this.used; }

  /** Called when no frame is free: frees one (by swapping a page out) and returns true, or returns false. */
  reclaim: () => boolean = () => false;

  /** A zeroed frame's physical address, or -1 when RAM (and swap) is exhausted. */
  alloc(): number {
    let i = this.free.pop();
    while (i === undefined && this.reclaim()) i = this.free.pop();
    if (i === undefined) return -1;
    this.refs[i] = 1;
    this.born[i] = ++this.allocs;
    this.used++;
    const pa = RAM_BASE + i * PAGE_SIZE;
    this.phys.fill(pa, PAGE_SIZE);
    return pa;
  }

  /** Adds a reference (fork sharing a page copy-on-write). */
  ref(pa: number): void { this.refs[(pa - RAM_BASE) / PAGE_SIZE]++; }

  /** Which allocation gave out the frame at pa: larger is younger. */
  bornAt(pa: number): number { return this.born[(pa - RAM_BASE) / PAGE_SIZE]; }

  refCount(pa: number): number { return this.refs[(pa - RAM_BASE) / PAGE_SIZE]; }

  /** Drops a reference; the frame is free again when none remain. */
  unref(pa: number): void {
    const i = (pa - RAM_BASE) / PAGE_SIZE;
    if (this.refs[i] === 0) throw new Error(`frame 0x${pa.toString(16)} freed twice`);
    if (--this.refs[i] === 0) { this.free.push(i); this.used--; }
  }

  /** RAM byte offset of physical address pa (PhysMem itself takes physical addresses). */
  off(pa: number): number { return pa - RAM_BASE; }
}
