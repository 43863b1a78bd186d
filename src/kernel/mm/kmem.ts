// Kernel memory: the host memory the kernel keeps for a guest outside its
// RAM. Linux takes its task structs, open files, pipe buffers and mappings
// out of RAM, so a guest can never make them outgrow the machine; lde's
// kernel is TypeScript, and these objects live on the host's heap. So each
// is charged here, by an estimate of its host size, against a budget that is
// a fixed share of guest RAM (KMEM_SHARE), and a charge that does not fit
// fails the way Linux fails when kernel memory runs out: open and pipe give
// ENFILE (file-max), mmap ENOMEM (no vm_area_struct), getdents ENOMEM, and
// a pipe holds no more pages (pipe-user-pages-soft). With this, what a guest can make lde
// hold on the host is bounded by --mem: RAM + tmpfs + swap + this budget
// (README, "What lde promises").

/** The budget as a share of guest RAM: 1/8, so --mem 64M allows 8 MiB of kernel objects. */
export const KMEM_SHARE = 1 / 8;

/**
 * What each kernel object is charged: an upper estimate of its host bytes
 * (V8 objects with their maps and arrays; lde's own measurements of
 * similar objects: about 470 bytes per empty tmpfs file, 1.8 KB per zombie).
 * Processes are not charged here: their number is bounded by threads-max,
 * sized from RAM (Kernel.maxTasks), and tmpfs has its own size (tmpfs.ts).
 */
export const KMEM = {
  /** An open file description (one open, shared by dup and fork). */
  file: 512,
  /** A pipe, beside its page buffers (4 KiB each, charged while they hold data; the first always). */
  pipe: 1024,
  /** A mapping (VMA). */
  vma: 256,
} as const;

export class KernelMemory {
  private inUse = 0;
  private high = 0;

  constructor(readonly limit: number) {}

  get used(): number { return this.inUse; }
  /** The most ever in use at once. */
  get peak(): number { return this.high; }

  /** Takes bytes from the budget; false, and nothing taken, when they do not fit. */
  charge(bytes: number): boolean {
    if (this.inUse + bytes > this.limit) return false;
    this.inUse += bytes;
    if (this.inUse > this.high) this.high = this.inUse;
    return true;
  }

  /** Whether bytes more would fit now (for a call that checks before it changes anything). */
  fits(bytes: number): boolean { return this.inUse + bytes <= this.limit; }

  /** Takes bytes whatever the budget says (what must not fail, such as a zombie's last state); the next charge then fails. */
  force(bytes: number): void { this.inUse += bytes; if (this.inUse > this.high) this.high = this.inUse; }

  release(bytes: number): void {
    this.inUse -= bytes;
    if (this.inUse < 0) throw new Error(`kernel memory released below zero (${this.inUse})`);
  }
}
