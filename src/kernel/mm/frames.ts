// Physical memory: a frame allocator with reference counts over all of guest
// RAM. The kernel is TypeScript, so RAM holds only page tables and user
// pages. A frame shared copy-on-write by fork has a count above one.

import { type Bus, RAM_BASE } from '../../machine/index.js';

export const PAGE_SIZE = 4096;

export class Frames {
  private readonly refs: Uint16Array;
  private readonly free: number[] = [];
  private used = 0;

  constructor(private readonly bus: Bus) {
    const n = bus.ramSize / PAGE_SIZE;
    this.refs = new Uint16Array(n);
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
    this.used++;
    this.bus.ram8.fill(0, i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    return RAM_BASE + i * PAGE_SIZE;
  }

  /** Adds a reference (fork sharing a page copy-on-write). */
  ref(pa: number): void { this.refs[(pa - RAM_BASE) / PAGE_SIZE]++; }

  refCount(pa: number): number { return this.refs[(pa - RAM_BASE) / PAGE_SIZE]; }

  /** Drops a reference; the frame is free again when none remain. */
  unref(pa: number): void {
    const i = (pa - RAM_BASE) / PAGE_SIZE;
    if (this.refs[i] === 0) throw new Error(`frame 0x${pa.toString(16)} freed twice`);
    if (--this.refs[i] === 0) { this.free.push(i); this.used--; }
  }

  /** RAM byte offset of physical address pa. */
  off(pa: number): number { return pa - RAM_BASE; }
}
