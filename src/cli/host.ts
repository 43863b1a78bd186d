// The Node side of the kernel's HostIO (src/kernel/host.ts): the host
// filesystem read-only, and the process's own stdin, stdout and stderr.

import { fstatSync, readFileSync, readSync, readdirSync, readlinkSync, statSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { HostFs, HostIO, HostStat } from '../kernel/host.js';

const ERRNO: Record<string, number> = { ENOENT: 2, EACCES: 13, ENOTDIR: 20, EISDIR: 21, ELOOP: 40, ENAMETOOLONG: 36, EINVAL: 22 };
const errno = (e: unknown) => -(ERRNO[(e as NodeJS.ErrnoException).code ?? ''] ?? 5);

export const nodeFs: HostFs = {
  stat(path: string): HostStat | number {
    try {
      const s = statSync(path);
      return { kind: s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other', size: s.size, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs, ino: s.ino };
    } catch (e) { return errno(e); }
  },
  readFile(path: string): Uint8Array | number { try { return readFileSync(path); } catch (e) { return errno(e); } },
  readdir(path: string): string[] | number { try { return readdirSync(path); } catch (e) { return errno(e); } },
  readlink(path: string): string | number { try { return readlinkSync(path); } catch (e) { return errno(e); } },
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
      const buf = Buffer.alloc(Math.min(max, 65536));
      for (;;) {
        try { return buf.subarray(0, readSync(0, buf, 0, buf.length, null)); } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') continue;
          return new Uint8Array(0); // EOF or no stdin
        }
      }
    },
    isatty: (fd) => isatty(fd),
    stdioKind(fd) {
      if (isatty(fd)) return 'tty';
      try {
        const s = fstatSync(fd);
        return s.isFIFO() || s.isSocket() ? 'pipe' : s.isFile() ? 'file' : 'other';
      } catch { return 'other'; }
    },
  };
}
