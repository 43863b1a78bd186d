// Sleeping and waking (DESIGN.md "Kernel execution model"). A system call
// that must wait calls k.sleepOn(p, queue) and returns BLOCK; when the queue
// is woken the process becomes runnable and its system call runs again from
// the start (sepc was not advanced), with Linux's restart semantics.

import type { Process } from './proc.js';

export class WaitQueue {
  private sleepers: Process[] = [];

  add(p: Process): void { if (!this.sleepers.includes(p)) this.sleepers.push(p); }

  remove(p: Process): void { this.sleepers = this.sleepers.filter((q) => q !== p); }

  /** Takes every sleeper off the queue and returns them (the kernel makes them runnable). */
  drain(): Process[] {
    const s = this.sleepers;
    this.sleepers = [];
    return s;
  }

  get size(): number { return this.sleepers.length; }
}
