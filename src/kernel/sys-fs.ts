// File system calls over the VFS of DESIGN.md: the host filesystem read-only
// at the same paths, a few devices, /proc/self/exe, and the console.

import { BLOCK, type SyscallDef } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Process } from './proc.js';
import { File, MemFile, DevFile, O_NONBLOCK, S_IFDIR, S_IFREG, type StatInfo } from './file.js';
import { copyIn, copyInString, copyOut } from './uaccess.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, EISDIR, EMFILE, ENOENT, ENOTDIR, ENOTTY, ERANGE, EROFS, ESPIPE } from './errno.js';

const AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;
const O_ACCMODE = 3, O_CREAT = 0o100, O_TRUNC = 0o1000, O_DIRECTORY = 0o200000, O_CLOEXEC = 0o2000000;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
const TCGETS = 0x5401, TIOCGWINSZ = 0x5413;
const MAX_IO = 1 << 24;

function file(p: Process, fd: number): File | undefined { return fd >= 0 ? p.files[fd] : undefined; }

/** Joins a guest path onto the process's cwd and normalizes . and .. (no symlinks). */
export function resolvePath(p: Process, path: string): string {
  const parts = (path.startsWith('/') ? path : `${p.cwd}/${path}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop(); else out.push(part);
  }
  return '/' + out.join('/');
}

/** The bytes and stat of a guest path, or -errno. Special files first, then the host. */
function lookupPath(k: Kernel, p: Process, path: string): { data?: Uint8Array; info: StatInfo; dev?: 'null' | 'zero' | 'urandom' } | number {
  const abs = resolvePath(p, path);
  if (abs === '/dev/null' || abs === '/dev/zero') return { info: { mode: 0o20666, size: 0, ino: 1, rdev: 0x103, mtimeMs: 0 }, dev: abs === '/dev/null' ? 'null' : 'zero' };
  if (abs === '/dev/urandom' || abs === '/dev/random') return { info: { mode: 0o20666, size: 0, ino: 2, rdev: 0x109, mtimeMs: 0 }, dev: 'urandom' };
  const target = abs === '/proc/self/exe' ? p.exe : abs;
  const st = k.host.fs.stat(target);
  if (typeof st === 'number') return st;
  const info: StatInfo = { mode: (st.kind === 'dir' ? S_IFDIR : S_IFREG) | st.mode, size: st.size, ino: st.ino, rdev: 0, mtimeMs: st.mtimeMs };
  if (st.kind === 'dir') return { info };
  const data = k.host.fs.readFile(target);
  return typeof data === 'number' ? data : { data, info };
}

/** struct stat of asm-generic (riscv64): 128 bytes. */
function statBytes(s: StatInfo): Uint8Array {
  const b = new Uint8Array(128), dv = new DataView(b.buffer);
  const sec = Math.floor(s.mtimeMs / 1000), nsec = Math.round((s.mtimeMs % 1000) * 1e6);
  dv.setBigUint64(0, 0x10n, true); dv.setBigUint64(8, BigInt(s.ino), true);
  dv.setUint32(16, s.mode, true); dv.setUint32(20, 1, true);
  dv.setBigUint64(32, BigInt(s.rdev), true); dv.setBigInt64(48, BigInt(s.size), true);
  dv.setInt32(56, 4096, true); dv.setBigInt64(64, BigInt(Math.ceil(s.size / 512)), true);
  for (const off of [72, 88, 104]) { dv.setBigInt64(off, BigInt(sec), true); dv.setBigUint64(off + 8, BigInt(nsec), true); }
  return b;
}

/** -EAGAIN from a blocking file puts p to sleep on the file's queue: the call runs again when woken. */
export function blockOr(k: Kernel, p: Process, f: File, r: number, forWrite: boolean): number {
  if (r !== -EAGAIN || (f.flags & O_NONBLOCK)) return r;
  const q = f.waitQueue(forWrite);
  return q === undefined ? r : k.sleepOn(p, q);
}

function readInto(k: Kernel, p: Process, f: File, buf: number, len: number): number {
  if (len === 0) return 0;
  const r = f.read(Math.min(len, MAX_IO));
  if (typeof r === 'number') return blockOr(k, p, f, r, false);
  return copyOut(p.as, buf, r) ? r.length : -EFAULT;
}

function writeFrom(k: Kernel, p: Process, f: File, buf: number, len: number): number {
  if (len === 0) return 0;
  const bytes = copyIn(p.as, buf, Math.min(len, MAX_IO));
  return bytes === undefined ? -EFAULT : blockOr(k, p, f, f.write(bytes), true);
}

/** Reads an iovec array: [base, len] pairs, or undefined on EFAULT. */
function iovecs(p: Process, iov: number, cnt: number): [number, number][] | undefined {
  if (cnt < 0 || cnt > 1024) return undefined;
  const b = copyIn(p.as, iov, cnt * 16);
  if (b === undefined) return undefined;
  const dv = new DataView(b.buffer);
  return Array.from({ length: cnt }, (_, i) => [Number(dv.getBigUint64(i * 16, true)), Number(dv.getBigUint64(i * 16 + 8, true))]);
}

function vectored(k: Kernel, p: Process, fd: number, iov: number, cnt: number, write: boolean): number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  const vs = iovecs(p, iov, cnt);
  if (vs === undefined) return cnt < 0 || cnt > 1024 ? -EINVAL : -EFAULT;
  let total = 0;
  for (const [base, len] of vs) {
    if (len === 0) continue;
    const r = write ? writeFrom(k, p, f, base, len) : readInto(k, p, f, base, len);
    if (r === BLOCK && total > 0) { k.unsleep(p); return total; }
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < len) break;
  }
  return total;
}

function openat(k: Kernel, p: Process, dirfd: number, pathPtr: number, flags: number): number {
  const path = copyInString(p.as, pathPtr);
  if (path === undefined) return -EFAULT;
  if (path === '') return -ENOENT;
  if (!path.startsWith('/') && dirfd !== AT_FDCWD) return -ENOTDIR; // directory fds come with getdents
  const found = lookupPath(k, p, path);
  if (typeof found === 'number') {
    // Creating a file in an existing directory is refused (read-only host); a missing directory is ENOENT.
    if (!((flags & O_CREAT) && found === -ENOENT)) return found;
    const dir = k.host.fs.stat(resolvePath(p, path + '/..'));
    return typeof dir === 'number' ? dir : dir.kind === 'dir' ? -EROFS : -ENOTDIR;
  }
  if (found.dev === undefined && (flags & (O_ACCMODE | O_TRUNC)) !== 0) return -EROFS;
  let f: File;
  if (found.dev === 'urandom') f = new MemFile(Uint8Array.from({ length: 1 << 16 }, () => Math.floor(k.random() * 256)), flags, found.info);
  else if (found.dev !== undefined) f = new DevFile(found.dev, flags);
  else if (found.data === undefined) { if ((flags & O_DIRECTORY) === 0) return -EISDIR; return -ENOTDIR; }
  else if (flags & O_DIRECTORY) return -ENOTDIR;
  else f = new MemFile(found.data, flags, found.info);
  const fd = p.allocFd(f);
  return fd < 0 ? -EMFILE : fd;
}

function fstatat(k: Kernel, p: Process, dirfd: number, pathPtr: number, buf: number, flags: number): number {
  const path = copyInString(p.as, pathPtr);
  if (path === undefined) return -EFAULT;
  let info: StatInfo;
  if (path === '' && (flags & AT_EMPTY_PATH)) {
    const f = file(p, dirfd);
    if (f === undefined) return -EBADF;
    info = f.stat();
  } else {
    const found = lookupPath(k, p, path);
    if (typeof found === 'number') return found;
    info = found.info;
  }
  return copyOut(p.as, buf, statBytes(info)) ? 0 : -EFAULT;
}

function dupTo(p: Process, f: File, min: number): number {
  const fd = p.allocFd(f, min);
  if (fd < 0) return -EMFILE;
  f.refs++;
  return fd;
}

export const FS_CALLS: SyscallDef[] = [
  // implements read(2)
  { name: 'read', status: 'full', handler: (k, p, a) => { const f = file(p, a[0]); return f ? readInto(k, p, f, a[1], a[2]) : -EBADF; } },
  // implements write(2)
  { name: 'write', status: 'full', handler: (k, p, a) => { const f = file(p, a[0]); return f ? writeFrom(k, p, f, a[1], a[2]) : -EBADF; } },
  // implements readv(2)
  { name: 'readv', status: 'full', handler: (k, p, a) => vectored(k, p, a[0], a[1], a[2], false) },
  // implements writev(2)
  { name: 'writev', status: 'full', handler: (k, p, a) => vectored(k, p, a[0], a[1], a[2], true) },
  // implements pread64(2)
  { name: 'pread64', status: 'full', handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    if (!(f instanceof MemFile)) return -ESPIPE;
    if (a[3] < 0) return -EINVAL;
    const bytes = f.pread(a[3], Math.min(a[2], MAX_IO));
    return copyOut(p.as, a[1], bytes) ? bytes.length : -EFAULT;
  } },
  // implements openat(2): host files read-only, /dev/null, /dev/zero, /dev/urandom, /proc/self/exe
  { name: 'openat', status: 'partial', handler: (k, p, a) => openat(k, p, a[0] | 0, a[1], a[2]) },
  // implements close(2)
  { name: 'close', status: 'full', handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    p.files[a[0]] = undefined;
    if (--f.refs === 0) f.close();
    return 0;
  } },
  // implements lseek(2)
  { name: 'lseek', status: 'full', handler: (_k, p, a) => { const f = file(p, a[0]); return f ? f.seek(a[1], a[2]) : -EBADF; } },
  // implements fstat(2)
  { name: 'fstat', status: 'full', handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    return copyOut(p.as, a[1], statBytes(f.stat())) ? 0 : -EFAULT;
  } },
  // implements newfstatat(2)
  { name: 'newfstatat', status: 'partial', handler: (k, p, a) => fstatat(k, p, a[0] | 0, a[1], a[2], a[3]) },
  // implements ioctl(2): TCGETS and TIOCGWINSZ on the console; ENOTTY elsewhere
  { name: 'ioctl', status: 'partial', handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    if (!f.isTty() || (a[1] !== TCGETS && a[1] !== TIOCGWINSZ)) return -ENOTTY;
    const out = a[1] === TCGETS ? new Uint8Array(36) : Uint8Array.of(24, 0, 80, 0, 0, 0, 0, 0);
    return copyOut(p.as, a[2], out) ? 0 : -EFAULT;
  } },
  // implements getcwd(2)
  { name: 'getcwd', status: 'full', handler: (_k, p, a) => {
    const bytes = new TextEncoder().encode(p.cwd + '\0');
    if (bytes.length > a[1]) return -ERANGE;
    return copyOut(p.as, a[0], bytes) ? bytes.length : -EFAULT;
  } },
  // implements chdir(2)
  { name: 'chdir', status: 'full', handler: (k, p, a) => {
    const path = copyInString(p.as, a[0]);
    if (path === undefined) return -EFAULT;
    const found = lookupPath(k, p, path);
    if (typeof found === 'number') return found;
    if (found.data !== undefined || found.dev !== undefined) return -ENOTDIR;
    p.cwd = resolvePath(p, path);
    return 0;
  } },
  // implements readlinkat(2): /proc/self/exe (host symlinks read through)
  { name: 'readlinkat', status: 'partial', handler: (k, p, a) => {
    const path = copyInString(p.as, a[1]);
    if (path === undefined) return -EFAULT;
    const abs = resolvePath(p, path);
    const target = abs === '/proc/self/exe' ? p.exe : k.host.fs.readlink(abs);
    if (typeof target === 'number') return target;
    const bytes = new TextEncoder().encode(target).subarray(0, Math.max(0, a[3]));
    return copyOut(p.as, a[2], bytes) ? bytes.length : -EFAULT;
  } },
  // implements faccessat(2): existence only; writes are refused by open, not here
  { name: 'faccessat', status: 'partial', handler: (k, p, a) => {
    const path = copyInString(p.as, a[1]);
    if (path === undefined) return -EFAULT;
    const found = lookupPath(k, p, path);
    return typeof found === 'number' ? found : 0;
  } },
  // implements dup(2)
  { name: 'dup', status: 'full', handler: (_k, p, a) => { const f = file(p, a[0]); return f ? dupTo(p, f, 0) : -EBADF; } },
  // implements dup3(2)
  { name: 'dup3', status: 'full', handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    if (a[0] === a[1] || (a[2] & ~O_CLOEXEC) !== 0 || a[1] < 0 || a[1] >= 1024) return -EINVAL;
    const old = p.files[a[1]];
    if (old && --old.refs === 0) old.close();
    p.files[a[1]] = f;
    f.refs++;
    return a[1];
  } },
  // implements fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL
  { name: 'fcntl', status: 'partial', handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    switch (a[1]) {
      case F_DUPFD: case F_DUPFD_CLOEXEC: return dupTo(p, f, a[2]);
      case F_GETFD: case F_SETFD: case F_SETFL: return 0;
      case F_GETFL: return f.flags & ~O_CLOEXEC;
      default: return -EINVAL;
    }
  } },
];
