// The kernel's work meter. Kernel code is TypeScript and retires no guest
// instructions, so work whose size the guest chooses (bytes copied, pages
// changed, names or mappings visited) would cost host time and no virtual
// time, and a loop of such calls would outrun --max-time. Every such loop
// in the kernel adds what it did here; the kernel turns the counts into
// virtual cycles (cost.ts copyPerKiB, pageOp, item) after each system call
// and each page fault, and charges them to the process (Kernel.chargeWork).
// The rule: no kernel loop whose trip count the guest controls runs without
// adding to this meter.

export class Work {
  /** Bytes moved between user and kernel memory, or within the kernel (copies, clears). */
  bytes = 0;
  /** Page-table entries written or frames released: the unit of mmap/munmap/mprotect/madvise work. */
  pages = 0;
  /** Everything else a guest can make the kernel walk: mappings, names, directory entries, list nodes. */
  items = 0;
  /** Cycles of straight-line work with no preemption point of its own (fork's fixed part): preemptible only under --preempt full. */
  straight = 0;

  /** Nothing metered since the last reset (the common case: a system call or fault with no guest-sized loop). */
  get empty(): boolean { return this.bytes === 0 && this.pages === 0 && this.items === 0 && this.straight === 0; }

  /** Zeroes the meter (after its counts were charged). */
  reset(): void { this.bytes = 0; this.pages = 0; this.items = 0; this.straight = 0; }
}
