// An io_uring instance as a file: the memory the process shares with the
// kernel (the SQ and CQ rings in one object, the SQE array in another, both
// kernel-owned pages the process maps with mmap at the IORING_OFF_* offsets),
// the kernel's side of the two rings (reading SQEs, posting CQEs, the
// overflow list), and the queue io_uring_enter sleeps on. What the SQEs do
// is ../sys/io-uring*.ts.
//
// The ring memory is SharedAnon pages allocated at setup (charged to --mem
// like any page); the kernel reads and writes them through PhysMem by
// physical address, never through the process's page tables, so the rings
// work whether or not (and wherever) the process has mapped them, as Linux's
// do. The file holds one reference to each object; each mapping holds one.
//
// lde's ring layout (reported in io_uring_params, so programs never assume
// it): the four indexes on their own 64-byte lines, then the masks, sizes,
// flags and counters, the CQEs from byte 320, and the SQ index array after
// the CQEs.

import type { PhysMem } from '../../machine/index.js';
import { SharedAnon } from '../mm/shmem.js';
import { PAGE_SIZE, type Frames } from '../mm/frames.js';
import { CQE, IORING_OFF_CQ_RING, IORING_OFF_SQES, IORING_OFF_SQ_RING, IORING_SQ_CQ_OVERFLOW, SQE } from '../abi/io-uring.js';
import { EINVAL, ENOMEM } from '../errno.js';
import { File, type StatInfo } from './file.js';
import { ANON_STAT } from './eventfd.js';
import { PollHead, READABLE, WRITABLE } from './poll.js';
import { WaitQueue } from '../sched/wait.js';

/** Where each field of lde's ring object is (byte offsets in the SQ/CQ ring mapping). */
export const RING = {
  sqHead: 0, sqTail: 64, cqHead: 128, cqTail: 192, sqMask: 256, cqMask: 260, sqEntries: 264, cqEntries: 268,
  sqDropped: 272, sqFlags: 276, cqFlags: 280, cqOverflow: 284, cqes: 320,
} as const;

const pages = (bytes: number) => Math.ceil(bytes / PAGE_SIZE);

/** A completion the CQ had no room for, kept until it has (IORING_FEAT_NODROP). */
interface Overflowed { userData: bigint; res: number; flags: number; }

/** A chain of requests in flight on the ring (sys/io-uring-ops.ts Chain): parked on a file, or a timeout. */
export interface InFlight {
  /** Runs it as far as it can go now; true when it is done. */
  run(): boolean;
  /** The deadline it waits for (a TIMEOUT), or Infinity. */
  readonly until: number;
  /** The ring closes: nothing more runs or posts. */
  cancel(): void;
  /** It has an IOSQE_IO_DRAIN request: it starts only when everything submitted before it has completed. */
  readonly drain: boolean;
}

export class IoUring extends File {
  /** Readiness for poll/epoll on the ring fd: readable while a CQE waits. */
  readonly head = new PollHead();
  /** io_uring_enter(GETEVENTS) sleeps here until enough CQEs are posted. */
  readonly cqWait = new WaitQueue();
  /** Requests parked on a file, timeouts, and everything else its close must cancel. */
  readonly inFlight = new Set<InFlight>();
  /** Parked chains whose file changed: they run again at the next io_uring_enter (or SQPOLL pass). */
  readonly woken = new Set<InFlight>();
  /** Chains held back by IOSQE_IO_DRAIN, in submission order, and the drain chain in flight that the ones after it wait for. */
  readonly deferred: InFlight[] = [];
  draining: InFlight | undefined;
  /** The SQPOLL thread (IORING_SETUP_SQPOLL), which takes the SQ instead of io_uring_enter. */
  sqpoll: { wake(): void; stop(): void } | undefined;
  /** Registered buffers (IORING_REGISTER_BUFFERS): [user address, length]. */
  buffers: [number, number][] = [];
  /** Registered files (IORING_REGISTER_FILES): an index → a file, or undefined for a sparse slot (-1). */
  files: (File | undefined)[] | undefined;
  /** CQEs posted since setup (the count TIMEOUT's completion count waits on). */
  posted = 0;
  /** SQEs consumed since setup. */
  consumed = 0;
  readonly sqArray: number;
  private readonly overflow: Overflowed[] = [];
  private readonly phys: PhysMem;
  private closed = false;

  private constructor(frames: Frames, readonly rings: SharedAnon, readonly sqes: SharedAnon,
    readonly sqEntries: number, readonly cqEntries: number, readonly setupFlags: number, readonly ringBytes: number) {
    super(2);
    this.phys = frames.phys;
    this.sqArray = RING.cqes + cqEntries * CQE.size;
    this.w32(RING.sqMask, sqEntries - 1); this.w32(RING.cqMask, cqEntries - 1);
    this.w32(RING.sqEntries, sqEntries); this.w32(RING.cqEntries, cqEntries);
  }

  /** A new ring with its pages allocated and zeroed; undefined when RAM is exhausted (ENOMEM). */
  static create(frames: Frames, sqEntries: number, cqEntries: number, flags: number): IoUring | undefined {
    const ringBytes = RING.cqes + cqEntries * CQE.size + sqEntries * 4;
    const rings = new SharedAnon(frames), sqes = new SharedAnon(frames);
    rings.hold(); sqes.hold();
    const fill = (o: SharedAnon, n: number) => { for (let i = 0; i < n; i++) if (o.frame(i) < 0) return false; return true; };
    frames.work.pages += pages(ringBytes) + pages(sqEntries * SQE.size);
    if (!fill(rings, pages(ringBytes)) || !fill(sqes, pages(sqEntries * SQE.size))) { rings.drop(); sqes.drop(); return undefined; }
    return new IoUring(frames, rings, sqes, sqEntries, cqEntries, flags, ringBytes);
  }

  // ---- the ring memory ---------------------------------------------------------

  private pa(o: SharedAnon, off: number): number { return o.frame(Math.floor(off / PAGE_SIZE)) + (off % PAGE_SIZE); }
  r32(off: number): number { return this.phys.read32(this.pa(this.rings, off)); }
  w32(off: number, v: number): void { this.phys.write32(this.pa(this.rings, off), v >>> 0); }

  /** The SQE in slot `index` of the SQE array (64 bytes, copied: IORING_FEAT_SUBMIT_STABLE). */
  sqe(index: number): DataView {
    const b = this.phys.readBytes(this.pa(this.sqes, index * SQE.size), SQE.size);
    return new DataView(b.buffer, b.byteOffset, b.length);
  }

  /** SQEs the process has queued and the kernel not yet taken. */
  get sqReady(): number { return (this.r32(RING.sqTail) - this.r32(RING.sqHead)) >>> 0; }

  /** Takes the next SQE: its slot (from the SQ index array), or -1 for an index out of range (counted in sq dropped). */
  takeSqe(): number {
    const head = this.r32(RING.sqHead);
    const idx = this.r32(this.sqArray + (head & (this.sqEntries - 1)) * 4);
    this.w32(RING.sqHead, head + 1);
    this.consumed++;
    if (idx >= this.sqEntries) { this.w32(RING.sqDropped, this.r32(RING.sqDropped) + 1); return -1; }
    return idx;
  }

  /** CQEs posted and not yet consumed by the process. */
  get cqReady(): number { return (this.r32(RING.cqTail) - this.r32(RING.cqHead)) >>> 0; }

  /** Posts a completion; to the overflow list when the CQ is full. Wakes waiters either way. */
  post(userData: bigint, res: number, flags = 0): void {
    if (this.closed) return;
    this.flushOverflow();
    if (this.overflow.length > 0 || !this.putCqe(userData, res, flags)) {
      if (this.overflow.length < this.cqEntries) this.overflow.push({ userData, res, flags });
      else this.w32(RING.cqOverflow, this.r32(RING.cqOverflow) + 1); // lost: counted, as Linux counts a failed overflow allocation
      this.w32(RING.sqFlags, this.r32(RING.sqFlags) | IORING_SQ_CQ_OVERFLOW);
    }
    this.posted++;
    this.head.notify();
  }

  /** Writes one CQE at the tail; false when the CQ is full. */
  private putCqe(userData: bigint, res: number, flags: number): boolean {
    if (this.cqReady >= this.cqEntries) return false;
    const tail = this.r32(RING.cqTail), at = this.pa(this.rings, RING.cqes + (tail & (this.cqEntries - 1)) * CQE.size);
    this.phys.write64(at, Number(userData & 0xffffffffn) | 0, Number(userData >> 32n) | 0);
    this.phys.write32(at + CQE.res, res >>> 0);
    this.phys.write32(at + CQE.flags, flags >>> 0);
    this.w32(RING.cqTail, tail + 1);
    return true;
  }

  /** Moves overflowed CQEs into the CQ as far as it has room (io_uring_enter does, on every call). */
  flushOverflow(): void {
    let n = 0;
    while (n < this.overflow.length && this.putCqe(this.overflow[n].userData, this.overflow[n].res, this.overflow[n].flags)) n++;
    if (n > 0) this.overflow.splice(0, n);
    if (this.overflow.length === 0 && n > 0) this.w32(RING.sqFlags, this.r32(RING.sqFlags) & ~IORING_SQ_CQ_OVERFLOW);
  }

  /** CQEs waiting, in the ring and in the overflow list. */
  get completions(): number { return this.cqReady + this.overflow.length; }

  // ---- the file ------------------------------------------------------------------

  /** The shared object and its first page for an mmap at `off` of `len` bytes; -EINVAL for another offset or a longer length. */
  mapObject(off: number, len: number): { shm: SharedAnon; pgoff: number } | number {
    if (off === IORING_OFF_SQ_RING || off === IORING_OFF_CQ_RING) return len <= pages(this.ringBytes) * PAGE_SIZE ? { shm: this.rings, pgoff: 0 } : -EINVAL;
    if (off === IORING_OFF_SQES) return len <= pages(this.sqEntries * SQE.size) * PAGE_SIZE ? { shm: this.sqes, pgoff: 0 } : -EINVAL;
    return -ENOMEM; // as Linux 6.x reports an unknown offset through mmap
  }

  override read(): number { return -EINVAL; }
  override write(): number { return -EINVAL; }
  override poll(): number { return (this.completions > 0 ? READABLE : 0) | (this.sqReady < this.sqEntries ? WRITABLE : 0); }
  override pollHead(): PollHead { return this.head; }
  override stat(): StatInfo { return ANON_STAT; }
  override close(): void {
    this.closed = true;
    this.sqpoll?.stop();
    for (const r of [...this.inFlight, ...this.deferred]) r.cancel();
    this.inFlight.clear();
    this.deferred.length = 0;
    this.woken.clear();
    for (const f of this.files ?? []) f?.drop();
    this.files = undefined;
    this.rings.drop(); this.sqes.drop();
  }
}
