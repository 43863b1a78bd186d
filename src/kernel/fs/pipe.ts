// Pipes: a bounded byte queue between a read end and a write end. A reader
// of an empty pipe sleeps until data or EOF; a writer to a full pipe sleeps
// until there is room; writing with no reader left is EPIPE (and SIGPIPE).

import type { SyscallDef } from '../abi/call.js';
import { fl, out } from '../abi/strace-args.js';
import { fdPair } from '../abi/strace-structs.js';
import { O_FLAGS } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import { File, O_NONBLOCK, S_IFIFO, type StatInfo } from './file.js';
import { WaitQueue } from '../sched/wait.js';
import { copyOut } from '../mm/uaccess.js';
import { EAGAIN, EFAULT, EINVAL, EMFILE, EPIPE } from '../errno.js';
import { Sig, SI_USER } from '../signal/signal.js';

export const PIPE_BUF = 4096;
const CAPACITY = 65536; // Linux's default pipe size
const O_CLOEXEC = 0o2000000;

class Pipe {
  chunks: Uint8Array[] = [];
  size = 0;
  readers = 1;
  writers = 1;
  readable = new WaitQueue(); // readers wait here for data or EOF
  writable = new WaitQueue(); // writers wait here for room
  static nextIno = 100000;
  readonly ino = Pipe.nextIno++;
}

class PipeEnd extends File {
  constructor(private readonly k: Kernel, private readonly pipe: Pipe, private readonly writeEnd: boolean, flags: number) { super(flags); }

  override read(len: number): Uint8Array | number {
    const p = this.pipe;
    if (this.writeEnd) return super.read(len);
    if (p.size === 0) return p.writers === 0 ? new Uint8Array(0) : -EAGAIN;
    const out = new Uint8Array(Math.min(len, p.size));
    let n = 0;
    while (n < out.length) {
      const c = p.chunks[0], take = Math.min(c.length, out.length - n);
      out.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) p.chunks.shift(); else p.chunks[0] = c.subarray(take);
    }
    p.size -= n;
    this.k.wake(p.writable);
    return out;
  }

  override write(bytes: Uint8Array): number {
    const p = this.pipe;
    if (!this.writeEnd) return super.write(bytes);
    if (p.readers === 0) {
      const cur = this.k.current;
      if (cur) this.k.signal(cur, Sig.PIPE, { code: SI_USER, pid: cur.pid }); // Linux's send_sig(SIGPIPE, current, 0): SI_USER from itself
      return -EPIPE;
    }
    const room = CAPACITY - p.size;
    // Writes of at most PIPE_BUF bytes are atomic: all or nothing.
    if (room === 0 || (bytes.length <= PIPE_BUF && room < bytes.length)) return -EAGAIN;
    const n = Math.min(room, bytes.length);
    p.chunks.push(bytes.slice(0, n));
    p.size += n;
    this.k.wake(p.readable);
    return n;
  }

  override waitQueue(forWrite: boolean): WaitQueue { return forWrite ? this.pipe.writable : this.pipe.readable; }

  override stat(): StatInfo { return { mode: S_IFIFO | 0o600, size: 0, ino: this.pipe.ino, rdev: 0, mtimeMs: 0 }; }

  override close(): void {
    const p = this.pipe;
    if (this.writeEnd) { p.writers--; this.k.wake(p.readable); } else { p.readers--; this.k.wake(p.writable); }
  }
}

export const PIPE_CALLS: SyscallDef[] = [
  // implements pipe2(2)
  { name: 'pipe2', status: 'full', restart: 'none', args: [out(fdPair), fl(O_FLAGS)],
    handler: (k, p, a) => {
    if ((a[1] & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) return -EINVAL;
    const pipe = new Pipe();
    const r = new PipeEnd(k, pipe, false, a[1] & O_NONBLOCK), w = new PipeEnd(k, pipe, true, 1 | (a[1] & O_NONBLOCK));
    const rfd = p.allocFd(r);
    const wfd = rfd < 0 ? -1 : p.allocFd(w);
    if (wfd < 0) { if (rfd >= 0) p.files[rfd] = undefined; return -EMFILE; }
    const fds = new Uint8Array(8);
    new DataView(fds.buffer).setInt32(0, rfd, true);
    new DataView(fds.buffer).setInt32(4, wfd, true);
    if (!copyOut(p.as, a[0], fds)) { p.files[rfd] = p.files[wfd] = undefined; return -EFAULT; }
    if (a[1] & O_CLOEXEC) { p.cloexec.add(rfd); p.cloexec.add(wfd); }
    return 0;
  } },
];
