// The Node side of the kernel's HostIO (src/kernel/host.ts): the host
// filesystem (writable only under the --rw directories, which the kernel
// enforces), and the process's own stdin, stdout and stderr.

import {
  closeSync, constants, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, readSync, readdirSync,
  readlinkSync, renameSync, rmdirSync, statSync, statfsSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { isatty } from 'node:tty';
import type { HostFs, HostHandle, HostIO, HostStat, HostStatfs } from '../kernel/host.js';

// Linux errno numbers (the guest's ABI), by the code Node reports. The host
// running out of descriptors (EMFILE, ENFILE) is, for the guest, the
// system-wide file table being full: ENFILE.
const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21,
  EINVAL: 22, ENFILE: 23, EMFILE: 23, EFBIG: 27, ENOSPC: 28, EROFS: 30, EMLINK: 31, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40,
};
const errno = (e: unknown) => -(ERRNO[(e as NodeJS.ErrnoException).code ?? ''] ?? 5);

function hostStat(s: Stats): HostStat {
  const kind = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : s.isSymbolicLink() ? 'symlink' : 'other';
  return {
    kind, size: s.size, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs, ino: s.ino,
    nlink: s.nlink, blocks: s.blocks, atimeMs: s.atimeMs, ctimeMs: s.ctimeMs,
  };
}

/** Runs a host call that returns nothing: 0, or the guest's -errno. */
function status(fn: () => void): number {
  try { fn(); return 0; } catch (e) { return errno(e); }
}

function handle(fd: number): HostHandle {
  return {
    read(pos, len) {
      if (!(len > 0)) return new Uint8Array(0);
      const buf = Buffer.alloc(len);
      try { return buf.subarray(0, readSync(fd, buf, 0, len, pos)); } catch (e) { return errno(e); }
    },
    write(pos, bytes) { try { return writeSync(fd, bytes, 0, bytes.length, pos); } catch (e) { return errno(e); } },
    truncate: (len) => status(() => ftruncateSync(fd, len)),
    stat() { try { return hostStat(fstatSync(fd)); } catch (e) { return errno(e); } },
    close() { try { closeSync(fd); } catch { /* already gone */ } },
  };
}

export const nodeFs: HostFs = {
  stat(path) { try { return hostStat(statSync(path)); } catch (e) { return errno(e); } },
  lstat(path) { try { return hostStat(lstatSync(path)); } catch (e) { return errno(e); } },
  readdir(path: string): string[] | number { try { return readdirSync(path); } catch (e) { return errno(e); } },
  readlink(path: string): string | number { try { return readlinkSync(path); } catch (e) { return errno(e); } },
  open(path, how, mode) {
    const c = constants;
    const flags = (how.write ? c.O_RDWR : c.O_RDONLY) | (how.create ? c.O_CREAT : 0) | (how.excl ? c.O_EXCL : 0)
      | (how.trunc ? c.O_TRUNC : 0) | c.O_NOFOLLOW;
    try { return handle(openSync(path, flags, mode)); } catch (e) { return errno(e); }
  },
  mkdir: (path, mode) => status(() => mkdirSync(path, mode)),
  unlink: (path) => status(() => unlinkSync(path)),
  rmdir: (path) => status(() => rmdirSync(path)),
  rename: (from, to) => status(() => renameSync(from, to)),
  statfs(path): HostStatfs | number {
    try {
      const s = statfsSync(path);
      return { type: s.type, bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
    } catch (e) { return errno(e); }
  },
};

export function nodeHost(): HostIO {
  return {
    fs: nodeFs,
    cwd: process.cwd(),
    write(fd, bytes) {
      for (let off = 0; off < bytes.length;) {
        try { off += writeSync(fd, bytes, off); } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          return; // the host's stdout went away (EPIPE): drop the output, as a closed terminal would
        }
      }
    },
    readStdin(max) {
      // At most 64 KiB a call; a length that is not positive (NaN, negative) reads nothing and never throws.
      const buf = Buffer.alloc(max > 0 ? Math.min(Math.floor(max), 65536) : 0);
      if (buf.length === 0) return buf;
      for (;;) {
        try { return buf.subarray(0, readSync(0, buf, 0, buf.length, null)); } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') continue;
          return new Uint8Array(0); // EOF or no stdin
        }
      }
    },
    isatty: (fd) => isatty(fd),
    nowNs: () => Number(process.hrtime.bigint()),
    epochNs: () => Date.now() * 1e6,
    sleepNs: (ns) => { if (ns > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.ceil(ns / 1e6)); },
    stdioKind(fd) {
      if (isatty(fd)) return 'tty';
      try {
        const s = fstatSync(fd);
        return s.isFIFO() || s.isSocket() ? 'pipe' : s.isFile() ? 'file' : 'other';
      } catch { return 'other'; }
    },
    stdioSize(fd) {
      try { return fstatSync(fd).size; } catch { return 0; }
    },
  };
}
