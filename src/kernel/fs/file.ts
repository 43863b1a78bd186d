// Open files: what a file descriptor points at. Each kind implements the
// operations it supports; the rest return the errno Linux gives.

import type { HostIO } from '../host.js';
import type { WaitQueue } from '../sched/wait.js';
import type { AddressSpace } from '../mm/vm.js';
import { loadBytes } from '../mm/uaccess.js';
import { EAGAIN, EBADF, EINVAL, ENXIO, ESPIPE } from '../errno.js';
import { KMEM, type KernelMemory } from '../mm/kmem.js';
import { sharedFileOf } from '../mm/shmem.js';
import { READABLE, WRITABLE, sleepOnHeads, type PollHead } from './poll.js';
import type { Kernel } from '../kernel.js';

export const O_NONBLOCK = 0o4000;

export const S_IFCHR = 0o020000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFIFO = 0o010000, S_IFLNK = 0o120000;
export const O_APPEND = 0o2000;

/** Seconds and nanoseconds (a struct timespec). */
export type Timespec = readonly [sec: number, nsec: number];

/**
 * What fstat reports. The optional fields default, in statBytes (sys-path.ts), to:
 * nlink 1, blocks ceil(size / 512), blksize 4096, dev 0x10, uid and gid 0,
 * and every time from mtimeMs.
 */
export interface StatInfo {
  mode: number; size: number; ino: number; rdev: number; mtimeMs: number;
  nlink?: number; blocks?: number; blksize?: number; dev?: number; uid?: number; gid?: number;
  atime?: Timespec; mtime?: Timespec; ctime?: Timespec;
}

/**
 * An open file description. read and write return -EAGAIN when they would
 * block; the system call then sleeps on waitQueue() unless the file is
 * O_NONBLOCK, and runs again when woken (sys-fs.ts).
 */
export abstract class File {
  refs = 1;
  offset = 0;
  /** The kernel-memory budget this description is charged to (KMEM.file, from its first fd: Process.allocFd), or none. */
  kmem: KernelMemory | undefined;
  constructor(public flags: number) {}

  /** One reference fewer (a closed fd, an exited process); the last one closes the file and gives its charge back. */
  drop(): void {
    if (--this.refs !== 0) return;
    this.close();
    this.kmem?.release(KMEM.file);
    this.kmem = undefined;
  }
  read(_len: number): Uint8Array | number { return -EBADF; }
  write(_bytes: Uint8Array): number { return -EBADF; }
  /**
   * read(2) copied only the first `copied` of the bytes read() just returned
   * (the user's buffer faults there): take back the rest, so a bad buffer
   * loses no input, and return the count the call reports (0 means EFAULT).
   * This default is for files whose read advanced the offset by what it returned.
   */
  unread(bytes: Uint8Array, copied: number): number { this.offset -= bytes.length - copied; return copied; }
  /** The queue a blocked reader (forWrite false) or writer sleeps on; none for files that never block. */
  waitQueue(_forWrite: boolean): WaitQueue | undefined { return undefined; }
  /**
   * Readiness now, as POLL* bits (poll.ts). This default is Linux's
   * DEFAULT_POLLMASK for files that never block: readable and writable.
   */
  poll(): number { return READABLE | WRITABLE; }
  /** The list poll, select and epoll register on to hear of readiness changes; none when readiness never changes. */
  pollHead(): PollHead | undefined { return undefined; }
  /** The virtual cycle at which readiness changes by itself (a timer's expiry), or Infinity. */
  pollDeadline(_now: number): number { return Infinity; }
  seek(_off: number, _whence: number): number { return -ESPIPE; }
  /** Linux's FMODE_PREAD/FMODE_PWRITE: the file supports I/O at an offset (pipes and terminals do not: ESPIPE). */
  get positional(): boolean { return false; }
  /** pread64/pwrite64: I/O at an offset, leaving the file offset alone. Pipes and terminals cannot seek. */
  pread(_off: number, _len: number): Uint8Array | number { return -ESPIPE; }
  pwrite(_off: number, _bytes: Uint8Array): number { return -ESPIPE; }
  /** ftruncate: only regular files open for writing can change size. */
  truncate(_len: number): number { return -EINVAL; }
  abstract stat(): StatInfo;
  /** The console answers TCGETS/TIOCGWINSZ; everything else is not a terminal. */
  isTty(): boolean { return false; }
  close(): void {}
}

/**
 * A read or write of a file that wakes its own waiters through its PollHead
 * (eventfd, timerfd, signalfd) and cannot proceed: -EAGAIN under
 * O_NONBLOCK; otherwise the caller sleeps until the file changes or its
 * deadline (a timer's expiry) passes, and BLOCK goes back up the call (which
 * runs again from the start when woken).
 */
export function wouldBlock(k: Kernel, f: File): number {
  const p = k.current;
  if ((f.flags & O_NONBLOCK) || p === undefined) return -EAGAIN;
  const h = f.pollHead();
  return sleepOnHeads(k, p, h === undefined ? [] : [h], f.pollDeadline(k.hart.cycle));
}

/** fds 0, 1, 2: the host's stdin, stdout and stderr. */
export class ConsoleFile extends File {
  /** Input read from the host that a read with a bad buffer gave back (unread): served before the host's. */
  private held = new Uint8Array(0);
  constructor(private readonly host: HostIO, private readonly fd: 0 | 1 | 2, flags: number) { super(flags); }
  override read(len: number): Uint8Array | number {
    if (this.fd !== 0) return -EBADF;
    if (this.held.length === 0) return this.host.readStdin(len);
    const out = this.held.subarray(0, len);
    this.held = this.held.subarray(out.length);
    return out;
  }
  override unread(bytes: Uint8Array, copied: number): number {
    const keep = new Uint8Array(bytes.length - copied + this.held.length);
    keep.set(bytes.subarray(copied));
    keep.set(this.held, bytes.length - copied);
    this.held = keep;
    return copied;
  }
  override write(bytes: Uint8Array): number {
    if (this.fd === 0) return -EBADF;
    this.host.write(this.fd, bytes);
    return bytes.length;
  }
  override stat(): StatInfo {
    const kind = this.host.stdioKind(this.fd);
    // A terminal is a pts (major 136); a pipe or file is reported as such.
    const mode = kind === 'tty' ? S_IFCHR | 0o620 : kind === 'pipe' ? S_IFIFO | 0o600 : kind === 'file' ? S_IFREG | 0o644 : S_IFCHR | 0o666;
    const size = kind === 'file' ? this.host.stdioSize?.(this.fd) ?? 0 : 0;
    return { mode, size, ino: 3 + this.fd, rdev: kind === 'tty' ? 0x8800 : kind === 'other' ? 0x103 : 0, mtimeMs: 0 };
  }
  override isTty(): boolean { return this.host.isatty(this.fd); }
  /**
   * The host's stdin is read synchronously (a read waits on the host until
   * input or its end), so fd 0 is always readable and 1 and 2 writable; an
   * O_NONBLOCK console read never gives EAGAIN for the same reason.
   */
  override poll(): number { return this.fd === 0 ? READABLE : WRITABLE; }
}

/** A file whose bytes are all in memory (a /proc file's text, made at open); the base of every regular file. */
export class MemFile extends File {
  constructor(private readonly data: Uint8Array, flags: number, private readonly info: StatInfo) { super(flags); }
  override read(len: number): Uint8Array | number {
    const out = this.data.subarray(this.offset, Math.min(this.data.length, this.offset + len));
    this.offset += out.length;
    return out;
  }
  override seek(off: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.offset : whence === 2 ? this.data.length : NaN;
    if (Number.isNaN(base) || base + off < 0) return -EINVAL;
    return (this.offset = base + off);
  }
  override get positional(): boolean { return true; }
  override pread(off: number, len: number): Uint8Array { return this.data.subarray(off, Math.min(this.data.length, off + len)); }
  /** The whole file (execve reads an executable through it). */
  get bytes(): Uint8Array { return this.data; }
  /** The file's size now. */
  get size(): number { return this.data.length; }
  override stat(): StatInfo { return { ...this.info, size: this.data.length }; }
}

/** How much of a file mapFile reads from its backing at a time. */
const MAP_CHUNK = 1 << 20;

/**
 * A private file mapping's contents (mmap): len bytes of f from off are
 * copied to va, a chunk at a time, so host memory stays bounded by MAP_CHUNK
 * whatever the mapping's size; the guest frames are bounded by --mem (false
 * when they run out: ENOMEM). Bytes past the end of the file stay zero.
 */
export function mapFile(as: AddressSpace, va: number, f: MemFile, off: number, len: number): boolean {
  const n = Math.min(len, Math.max(0, f.size - off));
  for (let done = 0; done < n; done += MAP_CHUNK) {
    const chunk = f.pread(off + done, Math.min(MAP_CHUNK, n - done));
    if (typeof chunk === 'number' || chunk.length === 0) return true;
    as.frames.work.bytes += chunk.length;
    if (!loadBytes(as, va + done, chunk)) return false;
  }
  return true;
}

/**
 * The most of a file `bytes` reads, for execve: an executable is read at exec
 * time (the ELF parser wants the whole image). A larger file reads as its
 * first WHOLE_MAX bytes instead of the host allocating its size: it runs when
 * its loaded segments lie there (debug sections come after them), and the
 * parser rejects it otherwise (ENOEXEC, a segment past the end of the file).
 */
export const WHOLE_MAX = 256 << 20;

/**
 * The storage behind a regular file that can change: a tmpfs inode, or a host
 * file in a --rw directory. Offsets are checked by the caller (non-negative).
 */
export interface Backing {
  size(): number;
  read(off: number, len: number): Uint8Array | number;
  /** Writes at off, growing the file (a gap reads as zeros); the count written, or -errno. */
  write(off: number, bytes: Uint8Array): number;
  truncate(len: number): number;
  stat(): StatInfo;
  /** The last open file on it closed. */
  release?(): void;
}

const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

/**
 * An open regular file over a Backing (a tmpfs inode, or a host descriptor
 * read at the guest's offsets): the offset, O_APPEND, growth and truncation.
 * It is a MemFile so that mmap can copy it in (mapFile) and execve read it.
 */
export class RegularFile extends MemFile {
  constructor(readonly backing: Backing, flags: number) { super(new Uint8Array(0), flags, backing.stat()); }
  /** A MAP_SHARED mapping of this file has pages newer than the file: they go back first (mm/shmem.ts SharedFile). */
  private settle(): void { sharedFileOf(this.backing)?.writeBack(); }
  /** The file changed under its MAP_SHARED mappings: their resident pages in the range follow. */
  private changed(off: number, len: number): void { if (len > 0) sharedFileOf(this.backing)?.reload(off, len); }
  override read(len: number): Uint8Array | number {
    this.settle();
    const n = Math.min(len, this.backing.size() - this.offset);
    if (!(n > 0)) return new Uint8Array(0);
    const r = this.backing.read(this.offset, n);
    if (typeof r !== 'number') this.offset += r.length;
    return r;
  }
  override write(bytes: Uint8Array): number {
    this.settle();
    if (this.flags & O_APPEND) this.offset = this.backing.size();
    const n = this.backing.write(this.offset, bytes);
    this.changed(this.offset, n);
    if (n > 0) this.offset += n;
    return n;
  }
  override seek(off: number, whence: number): number {
    const size = this.backing.size();
    let to: number;
    switch (whence) {
      case SEEK_SET: to = off; break;
      case SEEK_CUR: to = this.offset + off; break;
      case SEEK_END: to = size + off; break;
      case SEEK_DATA: case SEEK_HOLE: // no holes are reported: data runs to the end
        if (off < 0) return -EINVAL;
        if (off >= size) return -ENXIO;
        to = whence === SEEK_DATA ? off : size;
        break;
      default: return -EINVAL;
    }
    if (to < 0 || !Number.isSafeInteger(to)) return -EINVAL;
    return (this.offset = to);
  }
  /** Reads only what exists: an offset at or past the end (any offset above 2^53 is: no file is that big) reads nothing. */
  override pread(off: number, len: number): Uint8Array {
    this.settle();
    const n = Math.min(len, this.backing.size() - off);
    if (!(n > 0)) return new Uint8Array(0);
    const r = this.backing.read(off, n);
    return typeof r === 'number' ? new Uint8Array(0) : r;
  }
  /** Linux: with O_APPEND, pwrite appends whatever the offset (pwrite(2), BUGS). */
  override pwrite(off: number, bytes: Uint8Array): number {
    this.settle();
    const at = this.flags & O_APPEND ? this.backing.size() : off, n = this.backing.write(at, bytes);
    this.changed(at, n);
    return n;
  }
  override truncate(len: number): number {
    this.settle();
    const r = this.backing.truncate(len);
    this.changed(0, Infinity);
    return r;
  }
  override get bytes(): Uint8Array { return this.pread(0, Math.min(this.backing.size(), WHOLE_MAX)); }
  override get size(): number { return this.backing.size(); }
  override stat(): StatInfo { return this.backing.stat(); }
  override close(): void { this.backing.release?.(); }
}
