// Pipes: a bounded byte queue between a read end and a write end. A reader
// of an empty pipe sleeps until data or EOF; a writer to a full pipe sleeps
// until there is room; writing with no reader left is EPIPE (and SIGPIPE).
//
// The queue is Linux's (fs/pipe.c): a ring of at most 16 page-sized buffers.
// A write first tops up the last buffer with its tail (length mod 4096) when
// that fits, then fills fresh pages; a read copies buffer by buffer and, when
// the user's buffer faults partway, stops before the buffer whose copy came
// up short and consumes only what it reports (EFAULT when that is nothing).
// So how much fits, and what a failed read leaves, are what Linux gives.
//
// Pipe pages live on the host, so each is charged to the kernel-memory
// budget (mm/kmem.ts). A pipe is made with its first page charged; a fresh
// page beyond it is charged when written, and given back when read empty.
// When the budget is spent a pipe holds what it has, as a full pipe does
// (Linux likewise shrinks pipes to one page past pipe-user-pages-soft).

import type { SyscallDef } from '../abi/call.js';
import { fl, out } from '../abi/strace-args.js';
import { fdPair } from '../abi/strace-structs.js';
import { O_FLAGS } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import { File, O_NONBLOCK, S_IFIFO, type StatInfo } from './file.js';
import { WaitQueue } from '../sched/wait.js';
import { copyOut } from '../mm/uaccess.js';
import { EAGAIN, EFAULT, EINVAL, ENFILE, EPIPE } from '../errno.js';
import { KMEM, type KernelMemory } from '../mm/kmem.js';
import { Sig, SI_USER } from '../signal/signal.js';
import { POLLERR, POLLHUP, PollHead, READABLE, WRITABLE } from './poll.js';

export const PIPE_BUF = 4096;
const PAGE = 4096;
const SLOTS = 16; // Linux's default pipe size: 16 pages (pipe(7), "Pipe capacity")
const O_CLOEXEC = 0o2000000;

/** One pipe buffer: bytes [off, off + len) of its page are queued. */
interface PipeBuffer { page: Uint8Array; off: number; len: number; }

class Pipe {
  bufs: PipeBuffer[] = [];
  /** Pages charged to kmem: at least one, and at least bufs.length. */
  private charged = 1;
  /**
   * The last page a read emptied, kept for the next write (Linux's
   * pipe->tmp_page): a one-byte ping-pong would otherwise make a page a
   * message. Covered by the one page always charged.
   */
  spare: Uint8Array | undefined;
  constructor(private readonly kmem: KernelMemory) {}

  /** Charges the pages now queued beyond what is charged (unread puts buffers back), and gives back what is no longer queued. */
  settle(): void {
    const want = Math.max(1, this.bufs.length);
    if (want > this.charged) this.kmem.force((want - this.charged) * PAGE);
    else if (want < this.charged) this.kmem.release((this.charged - want) * PAGE);
    this.charged = want;
  }

  /** Both ends are closed: every charge goes back. */
  free(): void { this.kmem.release(this.charged * PAGE + KMEM.pipe); this.charged = 0; this.bufs = []; this.spare = undefined; }
  readers = 1;
  writers = 1;
  readable = new WaitQueue(); // readers wait here for data or EOF
  writable = new WaitQueue(); // writers wait here for room
  /** poll, select and epoll waiters on either end (poll.ts): told of every change. */
  readonly head = new PollHead();
  static nextIno = 100000;
  readonly ino = Pipe.nextIno++;

  /** Removes and returns up to len queued bytes, buffer by buffer. */
  take(len: number): Uint8Array {
    const chunks: Uint8Array[] = [];
    let n = 0;
    while (n < len && this.bufs.length > 0) {
      const b = this.bufs[0], c = Math.min(b.len, len - n);
      chunks.push(b.page.subarray(b.off, b.off + c));
      n += c;
      b.off += c; b.len -= c;
      if (b.len === 0) { this.bufs.shift(); this.spare = b.page; }
    }
    this.settle();
    const out = new Uint8Array(n);
    chunks.reduce((at, c) => { out.set(c, at); return at + c.length; }, 0);
    return out;
  }

  /** Queues what fits of bytes, as pipe_write does; the count queued. */
  put(bytes: Uint8Array): number {
    let done = 0;
    const tail = bytes.length % PAGE, last = this.bufs[this.bufs.length - 1];
    if (tail !== 0 && last !== undefined && last.off + last.len + tail <= PAGE) {
      last.page.set(bytes.subarray(0, tail), last.off + last.len);
      last.len += tail;
      done = tail;
    }
    while (done < bytes.length && this.bufs.length < SLOTS) {
      if (this.bufs.length >= this.charged) {
        if (!this.kmem.charge(PAGE)) break; // the budget is spent: the pipe is full for now
        this.charged++;
      }
      const n = Math.min(PAGE, bytes.length - done), page = this.spare ?? new Uint8Array(PAGE);
      this.spare = undefined;
      page.set(bytes.subarray(done, done + n));
      this.bufs.push({ page, off: 0, len: n });
      done += n;
    }
    return done;
  }
}

class PipeEnd extends File {
  /** The buffers as they were before the last read, for unread. */
  private before: PipeBuffer[] = [];

  constructor(private readonly k: Kernel, private readonly pipe: Pipe, private readonly writeEnd: boolean, flags: number) { super(flags); }

  override read(len: number): Uint8Array | number {
    const p = this.pipe;
    if (this.writeEnd) return super.read(len);
    if (p.bufs.length === 0) return p.writers === 0 ? new Uint8Array(0) : -EAGAIN;
    this.before = p.bufs.map((b) => ({ ...b }));
    const out = p.take(Math.max(0, len));
    this.k.wake(p.writable);
    p.head.notify();
    return out;
  }

  /** pipe_read's rule: whole buffers up to the first one not copied in full stay read; the rest is queued again. */
  override unread(bytes: Uint8Array, copied: number): number {
    const p = this.pipe;
    p.bufs = this.before;
    p.spare = undefined; // the read may have emptied a page that goes back in the queue now
    let took = 0;
    for (const b of p.bufs) {
      const c = Math.min(b.len, bytes.length - took);
      if (c === 0 || took + c > copied) break;
      took += c;
    }
    p.take(took); // settles the charge for the buffers put back
    return took;
  }

  override write(bytes: Uint8Array): number {
    const p = this.pipe;
    if (!this.writeEnd) return super.write(bytes);
    if (p.readers === 0) {
      const cur = this.k.current;
      if (cur) this.k.signal(cur, Sig.PIPE, { code: SI_USER, pid: cur.pid }); // Linux's send_sig(SIGPIPE, current, 0): SI_USER from itself
      return -EPIPE;
    }
    // A write of at most PIPE_BUF bytes fits in the last buffer or one fresh page, or waits: all or nothing.
    const n = p.put(bytes);
    if (n === 0 && bytes.length > 0) return -EAGAIN;
    this.k.wake(p.readable);
    p.head.notify();
    return n;
  }

  override waitQueue(forWrite: boolean): WaitQueue { return forWrite ? this.pipe.writable : this.pipe.readable; }

  /** Linux's pipe_poll: the read end is readable with bytes queued and hung up with no writer; the write end writable with a free slot, in error with no reader. */
  override poll(): number {
    const p = this.pipe;
    if (!this.writeEnd) return (p.bufs.length > 0 ? READABLE : 0) | (p.writers === 0 ? POLLHUP : 0);
    return (p.bufs.length < SLOTS ? WRITABLE : 0) | (p.readers === 0 ? POLLERR : 0);
  }

  override pollHead(): PollHead { return this.pipe.head; }

  override stat(): StatInfo { return { mode: S_IFIFO | 0o600, size: 0, ino: this.pipe.ino, rdev: 0, mtimeMs: 0 }; }

  override close(): void {
    const p = this.pipe;
    if (this.writeEnd) { p.writers--; this.k.wake(p.readable); } else { p.readers--; this.k.wake(p.writable); }
    p.head.notify();
    if (p.readers === 0 && p.writers === 0) p.free();
  }
}

export const PIPE_CALLS: SyscallDef[] = [
  // implements pipe2(2)
  { name: 'pipe2', status: 'full', restart: 'none', args: [out(fdPair), fl(O_FLAGS)],
    handler: (k, p, a) => {
    if ((a[1] & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) return -EINVAL;
    if (!k.kmem.charge(KMEM.pipe + PAGE)) return -ENFILE; // the pipe and its first page
    const pipe = new Pipe(k.kmem);
    const r = new PipeEnd(k, pipe, false, a[1] & O_NONBLOCK), w = new PipeEnd(k, pipe, true, 1 | (a[1] & O_NONBLOCK));
    const rfd = p.allocFd(r);
    const wfd = rfd < 0 ? rfd : p.allocFd(w);
    if (wfd < 0) {
      if (rfd >= 0) p.files[rfd] = undefined;
      r.drop(); w.drop(); // closes both ends, so the pipe's charge goes back
      return wfd;
    }
    const fds = new Uint8Array(8);
    new DataView(fds.buffer).setInt32(0, rfd, true);
    new DataView(fds.buffer).setInt32(4, wfd, true);
    if (!copyOut(p.as, a[0], fds)) { p.files[rfd] = p.files[wfd] = undefined; r.drop(); w.drop(); return -EFAULT; }
    if (a[1] & O_CLOEXEC) { p.cloexec.add(rfd); p.cloexec.add(wfd); }
    return 0;
  } },
];
