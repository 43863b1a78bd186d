// Open files: what a file descriptor points at. Each kind implements the
// operations it supports; the rest return the errno Linux gives.

import type { HostIO } from './host.js';
import type { WaitQueue } from './wait.js';
import { EBADF, EINVAL, ESPIPE } from './errno.js';

export const O_NONBLOCK = 0o4000;

export const S_IFCHR = 0o020000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFIFO = 0o010000;

export interface StatInfo { mode: number; size: number; ino: number; rdev: number; mtimeMs: number; }

/**
 * An open file description. read and write return -EAGAIN when they would
 * block; the system call then sleeps on waitQueue() unless the file is
 * O_NONBLOCK, and runs again when woken (sys-fs.ts).
 */
export abstract class File {
  refs = 1;
  offset = 0;
  constructor(public flags: number) {}
  read(_len: number): Uint8Array | number { return -EBADF; }
  write(_bytes: Uint8Array): number { return -EBADF; }
  /** The queue a blocked reader (forWrite false) or writer sleeps on; none for files that never block. */
  waitQueue(_forWrite: boolean): WaitQueue | undefined { return undefined; }
  seek(_off: number, _whence: number): number { return -ESPIPE; }
  abstract stat(): StatInfo;
  /** The console answers TCGETS/TIOCGWINSZ; everything else is not a terminal. */
  isTty(): boolean { return false; }
  close(): void {}
}

/** fds 0, 1, 2: the host's stdin, stdout and stderr. */
export class ConsoleFile extends File {
  constructor(private readonly host: HostIO, private readonly fd: 0 | 1 | 2, flags: number) { super(flags); }
  override read(len: number): Uint8Array | number { return this.fd === 0 ? this.host.readStdin(len) : -EBADF; }
  override write(bytes: Uint8Array): number {
    if (this.fd === 0) return -EBADF;
    this.host.write(this.fd, bytes);
    return bytes.length;
  }
  override stat(): StatInfo {
    const kind = this.host.stdioKind(this.fd);
    // A terminal is a pts (major 136); a pipe or file is reported as such.
    const mode = kind === 'tty' ? S_IFCHR | 0o620 : kind === 'pipe' ? S_IFIFO | 0o600 : kind === 'file' ? S_IFREG | 0o644 : S_IFCHR | 0o666;
    return { mode, size: 0, ino: 3 + this.fd, rdev: kind === 'tty' ? 0x8800 : kind === 'other' ? 0x103 : 0, mtimeMs: 0 };
  }
  override isTty(): boolean { return this.host.isatty(this.fd); }
}

/** A host file opened read-only: its bytes, read at open time. */
export class MemFile extends File {
  constructor(private readonly data: Uint8Array, flags: number, private readonly info: StatInfo) { super(flags); }
  override read(len: number): Uint8Array {
    const out = this.data.subarray(this.offset, Math.min(this.data.length, this.offset + len));
    this.offset += out.length;
    return out;
  }
  override seek(off: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.offset : whence === 2 ? this.data.length : NaN;
    if (Number.isNaN(base) || base + off < 0) return -EINVAL;
    return (this.offset = base + off);
  }
  pread(off: number, len: number): Uint8Array { return this.data.subarray(off, Math.min(this.data.length, off + len)); }
  get bytes(): Uint8Array { return this.data; }
  override stat(): StatInfo { return { ...this.info, size: this.data.length }; }
}

/** /dev/null and /dev/zero. */
export class DevFile extends File {
  constructor(private readonly dev: 'null' | 'zero', flags: number) { super(flags); }
  override read(len: number): Uint8Array { return this.dev === 'null' ? new Uint8Array(0) : new Uint8Array(Math.min(len, 1 << 20)); }
  override write(bytes: Uint8Array): number { return bytes.length; }
  override seek(): number { return 0; }
  override stat(): StatInfo { return { mode: S_IFCHR | 0o666, size: 0, ino: 1, rdev: this.dev === 'null' ? 0x103 : 0x105, mtimeMs: 0 }; }
}
