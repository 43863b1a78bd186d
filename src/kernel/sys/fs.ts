// File system calls on descriptors: read and write (blocking through the
// file's wait queue), vectored and positional I/O, lseek, close, dup,
// fcntl, ioctl, fstat, ftruncate, fsync, getdents64, fchdir, fchmod,
// sendfile. The calls that take paths are in path.ts; the namespace
// they resolve in is the VFS (vfs.ts, mounts.ts).

import type { SyscallDef } from '../abi/call.js';
import { FD, I, L, MODE, U, UL, a, dirents, fcntlArgs, fcntlResult, fl, inBuf, ioctlArgs, iovec, out, outBuf, xl } from '../abi/strace-args.js';
import { stat } from '../abi/strace-structs.js';
import { O_FLAGS, SEEK } from '../abi/abi-names.js';
import { i64, struct } from '../abi/strace-mem.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { File, MemFile, O_APPEND, O_NONBLOCK } from '../fs/file.js';
import { DirFile, originOf } from '../fs/vfs.js';
import { vfsOf } from '../fs/mounts.js';
import { O_ACCMODE, O_CLOEXEC, O_PATH, O_RDONLY, O_WRONLY, owned, statBytes } from './path.js';
import { MAX_COPY, concat, copyIn, copyOut, copyOutSome, readU64, writeU64 } from '../mm/uaccess.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, EMFILE, ENOTDIR, ENOTTY, ESPIPE } from '../errno.js';
import { accessOk } from './access.js';
import { dropFile, recordLock } from './lock.js';
import { TtyFile } from '../fs/tty.js';
import { TCGETS, TIOCGWINSZ, ttyIoctl } from '../fs/tty-ioctl.js';

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
/** The status flags F_SETFL may change (O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT, O_NOATIME). */
const SETFL_MASK = O_APPEND | O_NONBLOCK | 0o20000 | 0o40000 | 0o1000000;
const FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451;
/** The most one read or write moves; more gives a short count, as POSIX allows. */
export const MAX_IO = MAX_COPY;

export function file(p: Process, fd: number): File | undefined { return fd >= 0 ? p.files[fd] : undefined; }

export const readable = (f: File) => (f.flags & O_PATH) === 0 && (f.flags & O_ACCMODE) !== O_WRONLY;
export const writable = (f: File) => (f.flags & O_PATH) === 0 && (f.flags & O_ACCMODE) !== O_RDONLY;

/** The soft RLIMIT_NOFILE: descriptors are below it. */
const fdLimit = (p: Process) => Math.min(p.limit(7), 65536);


/**
 * The whole of a regular file named by a guest path (execve): resolved in the
 * guest's namespace with symlinks followed. Returns its bytes and canonical
 * path, or -errno (EACCES for a directory or a file with no x bit).
 */
export function readExecutable(k: Kernel, p: Process, path: string): { bytes: Uint8Array; path: string } | number {
  const c = { k, p }, vfs = vfsOf(k);
  const start = path.startsWith('/') ? vfs.root : vfs.at(c, p.cwd);
  if (typeof start === 'number') return start;
  const at = vfs.walk(c, start, path, true);
  if (typeof at === 'number') return at;
  if (at.node.kind !== 'file' || (at.node.stat().mode & 0o111) === 0) return -13; // EACCES
  const f = at.node.open(O_RDONLY, c);
  if (typeof f === 'number') return f;
  const bytes = f instanceof MemFile ? f.bytes : new Uint8Array(0);
  f.close();
  return { bytes, path: at.path };
}

/** -EAGAIN from a blocking file puts p to sleep on the file's queue: the call runs again when woken. */
export function blockOr(k: Kernel, p: Process, f: File, r: number, forWrite: boolean): number {
  if (r !== -EAGAIN || (f.flags & O_NONBLOCK)) return r;
  const q = f.waitQueue(forWrite);
  return q === undefined ? r : k.sleepOn(p, q);
}

/** read(2) from f into [buf, buf + len): Linux's vfs_read order, EBADF, then EFAULT for a range outside user space, then the work. */
function readInto(k: Kernel, p: Process, f: File, buf: number, len: number): number {
  if (!readable(f)) return -EBADF;
  if (!accessOk(buf, len)) return -EFAULT;
  if (len === 0) return 0;
  const r = f.read(Math.min(len, MAX_IO));
  if (typeof r === 'number') return blockOr(k, p, f, r, false);
  const n = copyOutSome(p.as, buf, r);
  return shortRead(n === r.length ? n : f.unread(r, n), r.length);
}

/**
 * What a read that returned `got` bytes reports when `took` of them reached
 * the user: the count, or EFAULT when none did (Linux: the bytes copied
 * before the fault, else EFAULT).
 */
const shortRead = (took: number, got: number) => (took > 0 || got === 0 ? took : -EFAULT);

/** write(2) to f from [buf, buf + len), checked as readInto is. */
function writeFrom(k: Kernel, p: Process, f: File, buf: number, len: number): number {
  if (!writable(f)) return -EBADF;
  if (!accessOk(buf, len)) return -EFAULT;
  if (len === 0) return 0;
  const bytes = copyIn(p.as, buf, Math.min(len, MAX_IO));
  return bytes === undefined ? -EFAULT : blockOr(k, p, f, f.write(bytes), true);
}

/**
 * Reads and checks an iovec array as Linux's import_iovec does, before any
 * I/O: EINVAL for more than UIO_MAXIOV (1024) entries or a negative length,
 * EFAULT for an unreadable array or any buffer outside user space.
 */
export function iovecs(p: Process, iov: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  if (cnt === 0) return []; // no array to read: Linux does not look at the pointer
  const b = accessOk(iov, cnt * 16) ? copyIn(p.as, iov, cnt * 16) : undefined;
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer);
  const vs: [number, number][] = [];
  for (let i = 0; i < cnt; i++) {
    const len = dv.getBigInt64(i * 16 + 8, true); // ssize_t
    if (len < 0n) return -EINVAL;
    vs.push([Number(dv.getBigInt64(i * 16, true)), Number(len)]);
  }
  return vs.every(([base, len]) => accessOk(base, len)) ? vs : -EFAULT;
}

/**
 * readv/writev: one read or write of the segments' total (at most MAX_IO),
 * as Linux makes one call with an iov_iter, so a pipe sees one operation
 * (a write of at most PIPE_BUF stays atomic) and a read whose buffer faults
 * partway gives back what was not copied, as readInto does.
 */
function vectored(k: Kernel, p: Process, fd: number, iov: number, cnt: number, write: boolean): number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  if (!(write ? writable(f) : readable(f))) return -EBADF;
  const vs = iovecs(p, iov, cnt);
  if (typeof vs === 'number') return vs;
  const total = Math.min(vs.reduce((n, [, len]) => n + len, 0), MAX_IO);
  if (total === 0) return 0;
  if (write) {
    const bytes = gather(p, vs, total);
    return bytes.length === 0 ? -EFAULT : blockOr(k, p, f, f.write(bytes), true);
  }
  const r = f.read(total);
  if (typeof r === 'number') return blockOr(k, p, f, r, false);
  const n = scatter(p, vs, r);
  return shortRead(n === r.length ? n : f.unread(r, n), r.length);
}

/** The first total bytes of the segments, up to the first segment that faults. */
export function gather(p: Process, vs: [number, number][], total: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (const [base, len] of vs) {
    const b = n < total ? copyIn(p.as, base, Math.min(len, total - n)) : undefined;
    if (b === undefined) break;
    parts.push(b);
    n += b.length;
  }
  return concat(parts);
}

/** Copies bytes across the segments in order; the count copied before the first fault. */
export function scatter(p: Process, vs: [number, number][], bytes: Uint8Array): number {
  let n = 0;
  for (const [base, len] of vs) {
    if (n === bytes.length) break;
    const part = bytes.subarray(n, n + len), done = copyOutSome(p.as, base, part);
    n += done;
    if (done < part.length) break;
  }
  return n;
}

/**
 * pread64/pwrite64's checks, in Linux's order (ksys_pread64): the fd, a
 * negative offset, a file with no offsets (a pipe or terminal: ESPIPE), the
 * access mode, then the buffer. The file, or -errno.
 */
function positionalFile(p: Process, a: readonly number[], allowed: (f: File) => boolean): File | number {
  const f = file(p, a[0]);
  if (f === undefined) return -EBADF;
  if (a[3] < 0) return -EINVAL;
  if (!f.positional) return -ESPIPE;
  if (!allowed(f)) return -EBADF;
  if (!accessOk(a[1], a[2])) return -EFAULT;
  return f;
}

function pread(p: Process, a: readonly number[]): number {
  const f = positionalFile(p, a, readable);
  if (typeof f === 'number') return f;
  const r = f.pread(a[3], Math.min(a[2], MAX_IO));
  if (typeof r === 'number') return r;
  return shortRead(copyOutSome(p.as, a[1], r), r.length); // pread moves no offset: nothing to give back
}

function pwrite(p: Process, a: readonly number[]): number {
  const f = positionalFile(p, a, writable);
  if (typeof f === 'number') return f;
  if (a[2] === 0) return 0;
  const bytes = copyIn(p.as, a[1], Math.min(a[2], MAX_IO));
  return bytes === undefined ? -EFAULT : f.pwrite(a[3], bytes);
}

/**
 * sendfile(out, in, offset*, count): in must be a regular file; the copy is
 * one pread and one write. Checked in Linux's order (do_sendfile): the
 * offset is read first (EFAULT), then the descriptors, then a count or
 * offset that is negative as a signed number is EINVAL (rw_verify_area).
 */
function sendfile(k: Kernel, p: Process, a: readonly number[]): number {
  const given = a[2] === 0 ? undefined : readU64(p.as, a[2]);
  if (a[2] !== 0 && given === undefined) return -EFAULT;
  const out = file(p, a[0]), src = file(p, a[1]);
  if (out === undefined || src === undefined) return -EBADF;
  if (!writable(out) || !readable(src)) return -EBADF;
  const off = given ?? src.offset;
  if (a[3] < 0 || off >= 2 ** 63) return -EINVAL;
  if (!(src instanceof MemFile) || (out.flags & O_APPEND)) return -EINVAL;
  const data = src.pread(off, Math.min(a[3], 1 << 20));
  if (data.length === 0) return 0;
  const n = blockOr(k, p, out, out.write(data), true);
  if (n < 0) return n;
  if (given !== undefined) return writeU64(p.as, a[2], off + n) ? n : -EFAULT;
  src.offset = off + n;
  return n;
}

function close(k: Kernel, p: Process, fd: number): number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  p.files[fd] = undefined;
  p.cloexec.delete(fd);
  dropFile(k, p, f);
  return 0;
}

function dupTo(p: Process, f: File, min: number, cloexec: boolean): number {
  if (min < 0 || min >= fdLimit(p)) return -EINVAL;
  const fd = p.allocFd(f, min, fdLimit(p));
  if (fd < 0) return fd;
  f.refs++;
  if (cloexec) p.cloexec.add(fd); else p.cloexec.delete(fd);
  return fd;
}

function dup3(k: Kernel, p: Process, oldfd: number, newfd: number, flags: number): number {
  const f = file(p, oldfd);
  if (f === undefined) return -EBADF;
  if ((flags & ~O_CLOEXEC) !== 0 || oldfd === newfd) return -EINVAL;
  if (newfd < 0 || newfd >= fdLimit(p)) return -EBADF;
  f.refs++;
  const old = p.files[newfd];
  p.files[newfd] = f;
  if (old) dropFile(k, p, old);
  if (flags & O_CLOEXEC) p.cloexec.add(newfd); else p.cloexec.delete(newfd);
  return newfd;
}

function fcntl(k: Kernel, p: Process, fd: number, cmd: number, arg: number): number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: return dupTo(p, f, arg, cmd === F_DUPFD_CLOEXEC);
    case F_GETFD: return p.cloexec.has(fd) ? FD_CLOEXEC : 0;
    case F_SETFD: if (arg & FD_CLOEXEC) p.cloexec.add(fd); else p.cloexec.delete(fd); return 0;
    case F_GETFL: return f.flags & ~O_CLOEXEC;
    case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: return recordLock(k, p, f, cmd, arg);
    default: return -EINVAL;
  }
}


/**
 * getdents64's copy: the records that reached the user whole count, and the
 * directory resumes after the last of them (Linux's filldir64 stops at the
 * record it cannot copy; none copied is EFAULT). `at` is the offset before.
 */
function direntsCopied(p: Process, f: DirFile, at: number, buf: number, recs: Uint8Array): number {
  const n = copyOutSome(p.as, buf, recs);
  if (n === recs.length) return n;
  const dv = new DataView(recs.buffer, recs.byteOffset, recs.length);
  let took = 0, next = at;
  while (took < recs.length) {
    const len = dv.getUint16(took + 16, true); // d_reclen
    if (took + len > n) break;
    next = Number(dv.getBigInt64(took + 8, true)); // d_off: where the next record starts
    took += len;
  }
  f.offset = next;
  return took > 0 ? took : -EFAULT;
}

/**
 * ioctl(2): the requests every file answers (do_vfs_ioctl: FIOCLEX,
 * FIONCLEX, FIONBIO), then the tty's (fs/tty-ioctl.ts). Without a guest
 * terminal (stdin not a host terminal) a console that is a host terminal
 * answers TCGETS (zeros) and TIOCGWINSZ (80x24) only, so libc still takes
 * it for a terminal.
 */
function ioctl(k: Kernel, p: Process, fd: number, req: number, arg: number): number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  if (req === FIOCLEX || req === FIONCLEX) { if (req === FIOCLEX) p.cloexec.add(fd); else p.cloexec.delete(fd); return 0; }
  if (req === FIONBIO) {
    const b = copyIn(p.as, arg, 4);
    if (b === undefined) return -EFAULT;
    f.flags = new DataView(b.buffer).getInt32(0, true) !== 0 ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
    return 0;
  }
  if (f instanceof TtyFile) return ttyIoctl(k, p, f, req, arg);
  if (!f.isTty() || (req !== TCGETS && req !== TIOCGWINSZ)) return -ENOTTY;
  const out = req === TCGETS ? new Uint8Array(36) : Uint8Array.of(24, 0, 80, 0, 0, 0, 0, 0);
  return copyOut(p.as, arg, out) ? 0 : -EFAULT;
}

export const FD_CALLS: SyscallDef[] = [
  // implements read(2)
  { name: 'read', status: 'full', restart: 'ERESTARTSYS', args: [FD, outBuf(), UL],
    handler: (k, p, a) => { const f = file(p, a[0]); return f ? readInto(k, p, f, a[1], a[2]) : -EBADF; } },
  // implements write(2)
  { name: 'write', status: 'full', restart: 'ERESTARTSYS', args: [FD, inBuf(2), UL],
    handler: (k, p, a) => { const f = file(p, a[0]); return f ? writeFrom(k, p, f, a[1], a[2]) : -EBADF; } },
  // implements readv(2)
  { name: 'readv', status: 'full', restart: 'ERESTARTSYS',
    args: [FD, out((c, n) => iovec(c, n, c.a[2] | 0, c.ret)), I],
    handler: (k, p, a) => vectored(k, p, a[0], a[1], a[2], false) },
  // implements writev(2)
  { name: 'writev', status: 'full', restart: 'ERESTARTSYS',
    args: [FD, a((c, n) => iovec(c, n, c.a[2] | 0, Infinity)), I],
    handler: (k, p, a) => vectored(k, p, a[0], a[1], a[2], true) },
  // implements pread64(2)
  { name: 'pread64', status: 'full', restart: 'none', args: [FD, outBuf(), UL, L],
    handler: (_k, p, a) => pread(p, a) },
  // implements pwrite64(2)
  { name: 'pwrite64', status: 'full', restart: 'none', args: [FD, inBuf(2), UL, L],
    handler: (_k, p, a) => pwrite(p, a) },
  // implements sendfile(2) from a regular file
  { name: 'sendfile', status: 'partial', restart: 'ERESTARTSYS',
    limits: 'in_fd must be a regular file; one read and one write of at most 1 MiB',
    args: [FD, FD, a((c, n) => struct(c, n, 8, (d) => `[${i64(d, 0)}]`)), UL],
    handler: (k, p, a) => sendfile(k, p, a) },
  // implements close(2)
  { name: 'close', status: 'full', restart: 'none', args: [FD],
    handler: (k, p, a) => close(k, p, a[0]) },
  // implements lseek(2)
  { name: 'lseek', status: 'full', restart: 'none', args: [FD, L, xl(SEEK, 'SEEK_???')],
    handler: (_k, p, a) => { const f = file(p, a[0]); return f ? f.seek(a[1], a[2]) : -EBADF; } },
  // implements fstat(2)
  { name: 'fstat', status: 'full', restart: 'none', args: [FD, out(stat)],
    handler: (k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    if (!accessOk(a[1], 128)) return -EFAULT;
    return copyOut(p.as, a[1], statBytes(owned(k, f.stat()))) ? 0 : -EFAULT;
  } },
  // implements ftruncate(2)
  { name: 'ftruncate', status: 'full', restart: 'none', args: [FD, L],
    handler: (_k, p, a) => {
    if (a[1] < 0) return -EINVAL;
    const f = file(p, a[0]);
    if (f === undefined || (f.flags & O_PATH)) return -EBADF;
    return writable(f) ? f.truncate(a[1]) : -EINVAL;
  } },
  // implements fsync(2), fdatasync(2) and sync(2): there is no disk; host writes are already with the host
  { name: 'fsync', status: 'full', restart: 'none', args: [FD],
    handler: (_k, p, a) => { const f = file(p, a[0]); return f && !(f.flags & O_PATH) ? 0 : -EBADF; } },
  { name: 'fdatasync', status: 'full', restart: 'none', args: [FD],
    handler: (_k, p, a) => { const f = file(p, a[0]); return f && !(f.flags & O_PATH) ? 0 : -EBADF; } },
  { name: 'sync', status: 'full', restart: 'none', args: [],
    handler: () => 0 },
  // implements getdents64(2)
  { name: 'getdents64', status: 'full', restart: 'none', args: [FD, out(dirents), U],
    handler: (k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    if (!(f instanceof DirFile)) return -ENOTDIR;
    if (!accessOk(a[1], a[2] >>> 0)) return -EFAULT; // before an entry is consumed
    const at = f.offset, r = f.getdents({ k, p }, Math.min(a[2] >>> 0, MAX_IO));
    if (typeof r === 'number') return r;
    return direntsCopied(p, f, at, a[1], r);
  } },
  // implements fchdir(2)
  { name: 'fchdir', status: 'full', restart: 'none', args: [FD],
    handler: (_k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined) return -EBADF;
    const o = originOf(f);
    if (o === undefined || o.node.kind !== 'dir') return -ENOTDIR;
    p.cwd = o.path;
    return 0;
  } },
  // implements fchmod(2)
  { name: 'fchmod', status: 'full', restart: 'none', args: [FD, MODE],
    handler: (k, p, a) => {
    const f = file(p, a[0]);
    if (f === undefined || (f.flags & O_PATH)) return -EBADF;
    const o = originOf(f);
    return o === undefined ? 0 : o.node.chmod(a[1] & 0o7777, { k, p });
  } },
  // implements ioctl(2): FIOCLEX, FIONCLEX, FIONBIO on any file; the tty's requests (fs/tty-ioctl.ts); ENOTTY elsewhere
  { name: 'ioctl', status: 'partial', restart: 'ERESTARTSYS',
    limits: 'FIOCLEX, FIONCLEX, FIONBIO; on the terminal termios, window size, job control, FIONREAD (docs/terminal.md); ENOTTY for the rest',
    args: ioctlArgs,
    handler: (k, p, a) => ioctl(k, p, a[0], a[1] >>> 0, a[2]) },
  // implements dup(2)
  { name: 'dup', status: 'full', restart: 'none', args: [FD],
    handler: (_k, p, a) => { const f = file(p, a[0]); return f ? dupTo(p, f, 0, false) : -EBADF; } },
  // implements dup3(2)
  { name: 'dup3', status: 'full', restart: 'none', args: [FD, FD, fl(O_FLAGS)],
    handler: (k, p, a) => dup3(k, p, a[0] | 0, a[1] | 0, a[2]) },
  // implements fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL, record locks (always granted)
  { name: 'fcntl', status: 'partial', restart: 'none', result: fcntlResult,
    limits: 'no F_SETOWN, F_SETSIG, leases, notify, pipe sizes or seals',
    args: fcntlArgs,
    handler: (k, p, a) => fcntl(k, p, a[0], a[1], a[2]) },
];

