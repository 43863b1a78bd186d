// System calls that name files by path: openat and the *at family, stat,
// statx, access, readlink, mkdir, unlink, rename, link, symlink, chmod,
// utimensat, truncate, chdir, getcwd. Paths resolve through the VFS
// (vfs.ts) from the cwd or a directory fd; each call checks what Linux
// checks, in Linux's order, before it asks the filesystem to change.

import type { SyscallDef } from '../abi/call.js';
import { ATFL, DIRFD, L, MODE, PATH, UL, a, fl, out, outBuf, v } from '../abi/strace-args.js';
import { stat, statx, utimes } from '../abi/strace-structs.js';
import { ACCESS, AT, AT_ACCESS, RENAME, STATX_MASK, STATX_SYNC, flags, openFlags } from '../abi/abi-names.js';
import { cstr } from '../abi/strace-mem.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { RegularFile, type File, type StatInfo, type Timespec } from '../fs/file.js';
import { DirFile, PathFile, join, originOf, setOrigin, PATH_MAX, MAXSYMLINKS, type Ctx, type Found, type Vfs } from '../fs/vfs.js';
import { clockNow, vfsOf } from '../fs/mounts.js';
import { copyIn, copyInString, copyOut } from '../mm/uaccess.js';
import { EACCES, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, EMFILE, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY,
  EPERM, ERANGE, EROFS, EXDEV } from '../errno.js';

export const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200, AT_SYMLINK_FOLLOW = 0x400,
  AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000, AT_STATX_SYNC_TYPE = 0x6000;
export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000;
const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_LARGEFILE = 0o100000,
  O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_TMPFILE = 0o20000000 | O_DIRECTORY;
const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** A path argument: EFAULT for a bad pointer, ENAMETOOLONG when no NUL comes within PATH_MAX bytes. */
export function userPath(p: Process, ptr: number): string | number {
  const s = copyInString(p.as, ptr, PATH_MAX);
  if (s !== undefined) return s;
  return copyIn(p.as, ptr, PATH_MAX) === undefined ? -EFAULT : -ENAMETOOLONG;
}

/** Where a relative path starts: the cwd, or the directory open as dirfd (absolute paths ignore dirfd). */
export function startOf(c: Ctx, vfs: Vfs, dirfd: number, path: string): Found | number {
  if (path.startsWith('/')) return vfs.root;
  if (dirfd === AT_FDCWD) return vfs.at(c, c.p.cwd);
  const f = dirfd >= 0 ? c.p.files[dirfd] : undefined;
  if (f === undefined) return -EBADF;
  const o = originOf(f);
  return o !== undefined && o.node.kind === 'dir' ? o : -ENOTDIR;
}

/** Resolves (dirfd, path) for the calls that take AT_EMPTY_PATH: "" names dirfd itself. */
export function resolveAt(c: Ctx, dirfd: number, pathPtr: number, flags: number, follow: boolean): Found | number {
  const vfs = vfsOf(c.k);
  const path = userPath(c.p, pathPtr);
  if (typeof path === 'number') return path;
  if (path === '') {
    if ((flags & AT_EMPTY_PATH) === 0) return -ENOENT;
    if (dirfd === AT_FDCWD) return vfs.at(c, c.p.cwd);
    const f = dirfd >= 0 ? c.p.files[dirfd] : undefined;
    return f === undefined ? -EBADF : originOf(f) ?? -ENOENT;
  }
  const start = startOf(c, vfs, dirfd, path);
  return typeof start === 'number' ? start : vfs.walk(c, start, path, follow);
}

/** The parent directory and last name of a path argument. */
function parentAt(c: Ctx, dirfd: number, pathPtr: number) {
  const vfs = vfsOf(c.k);
  const path = userPath(c.p, pathPtr);
  if (typeof path === 'number') return path;
  if (path === '') return -ENOENT;
  const start = startOf(c, vfs, dirfd, path);
  if (typeof start === 'number') return start;
  const par = vfs.parent(c, start, path);
  return typeof par === 'number' ? par : { ...par, vfs, normal: par.name !== '' && par.name !== '.' && par.name !== '..' };
}

// ---- open ----------------------------------------------------------------------

/** The vnode open(2) lands on, creating a missing last component under O_CREAT (following a dangling symlink). */
function openTarget(c: Ctx, vfs: Vfs, start: Found, path: string, flags: number, mode: number, links = { n: 0 }): { at: Found; made: boolean } | number {
  if ((flags & O_CREAT) === 0) {
    const at = vfs.walk(c, start, path, (flags & O_NOFOLLOW) === 0, links);
    return typeof at === 'number' ? at : { at, made: false };
  }
  const par = vfs.parent(c, start, path, links);
  if (typeof par === 'number') return par;
  if (par.name === '' || par.name === '.' || par.name === '..') {
    const at = vfs.walk(c, start, path, true, links);
    return typeof at === 'number' ? at : { at, made: false };
  }
  const child = vfs.child(c, par.dir, par.name);
  if (child === -ENOENT) {
    if (par.slash) return -EISDIR;
    const node = par.dir.node.create(par.name, mode, c);
    return typeof node === 'number' ? node : { at: { node, path: join(par.dir.path, par.name) }, made: true };
  }
  if (typeof child === 'number') return child;
  if (flags & O_EXCL) return -EEXIST;
  if (child.node.kind !== 'symlink') return par.slash && child.node.kind !== 'dir' ? -ENOTDIR : { at: child, made: false };
  if (flags & O_NOFOLLOW) return -ELOOP;
  if (++links.n > MAXSYMLINKS) return -ELOOP;
  if (child.node.jump !== undefined) {
    const at = child.node.jump(c);
    return typeof at === 'number' ? at : { at, made: false };
  }
  const target = child.node.readlink(c);
  if (typeof target === 'number') return target;
  return target === '' ? -ENOENT : openTarget(c, vfs, par.dir, target, flags, mode, links);
}

/** An open file for a vnode, with the flags F_GETFL will report. */
function openFound(c: Ctx, vfs: Vfs, at: Found, flags: number, made: boolean): File | number {
  const kept = (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
  const node = at.node;
  if ((flags & O_DIRECTORY) && node.kind !== 'dir') return -ENOTDIR;
  if (flags & O_PATH) return new PathFile(at, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW));
  if (node.kind === 'symlink') return -ELOOP;
  if (node.kind === 'dir') {
    if ((flags & O_CREAT) || (flags & O_ACCMODE) !== O_RDONLY) return -EISDIR;
    return new DirFile(at, kept, vfs);
  }
  const f = node.open(made ? flags & ~O_TRUNC : flags, c);
  if (typeof f === 'number') return f;
  if (f.refs > 1) return f; // an open file shared through /proc/PID/fd/N (a pipe, the console) keeps its flags
  if (f instanceof RegularFile && (flags & O_TRUNC) && !made && f.backing.size() > 0) {
    const r = f.truncate(0);
    if (r < 0) { f.close(); return r; }
  }
  f.flags = kept;
  if (originOf(f) === undefined) setOrigin(f, at);
  return f;
}

function openat(k: Kernel, p: Process, dirfd: number, pathPtr: number, flags: number, mode: number): number {
  const c: Ctx = { k, p }, vfs = vfsOf(k);
  const path = userPath(p, pathPtr);
  if (typeof path === 'number') return path;
  if (path === '') return -ENOENT;
  const start = startOf(c, vfs, dirfd, path);
  if (typeof start === 'number') return start;
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC; // everything else is ignored
  const perm = mode & ~p.umask & 0o7777;
  let f: File | number;
  if ((flags & O_TMPFILE) === O_TMPFILE) {
    if ((flags & O_ACCMODE) === O_RDONLY) return -EINVAL;
    const dir = vfs.walk(c, start, path, true);
    if (typeof dir === 'number') return dir;
    const node = dir.node.kind === 'dir' ? dir.node.tmpfile(perm, c) : -ENOTDIR;
    if (typeof node === 'number') return node;
    f = openFound(c, vfs, { node, path: join(dir.path, `#${node.stat().ino} (deleted)`) }, flags & ~O_TMPFILE, true);
  } else {
    if ((flags & O_CREAT) && (flags & O_DIRECTORY)) return -EINVAL;
    const t = openTarget(c, vfs, start, path, flags, perm);
    if (typeof t === 'number') return t;
    f = openFound(c, vfs, t.at, flags, t.made);
  }
  if (typeof f === 'number') return f;
  const fd = p.allocFd(f);
  if (fd < 0) { f.drop(); return fd; }
  if (flags & O_CLOEXEC) p.cloexec.add(fd); else p.cloexec.delete(fd);
  return fd;
}

// ---- stat ----------------------------------------------------------------------

const ts = (s: StatInfo, t: Timespec | undefined): Timespec => t ?? [Math.floor(s.mtimeMs / 1000), Math.round((s.mtimeMs % 1000) * 1e6) % 1e9];

/** struct stat of asm-generic (riscv64): 128 bytes. */
export function statBytes(s: StatInfo): Uint8Array {
  const b = new Uint8Array(128), dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(s.dev ?? 0x10), true);
  dv.setBigUint64(8, BigInt(s.ino), true);
  dv.setUint32(16, s.mode, true);
  dv.setUint32(20, s.nlink ?? 1, true);
  dv.setUint32(24, s.uid ?? 0, true);
  dv.setUint32(28, s.gid ?? 0, true);
  dv.setBigUint64(32, BigInt(s.rdev), true);
  dv.setBigInt64(48, BigInt(s.size), true);
  dv.setInt32(56, s.blksize ?? 4096, true);
  dv.setBigInt64(64, BigInt(s.blocks ?? Math.ceil(s.size / 512)), true);
  [s.atime, s.mtime, s.ctime].forEach((t, i) => {
    const [sec, nsec] = ts(s, t);
    dv.setBigInt64(72 + 16 * i, BigInt(sec), true);
    dv.setBigUint64(80 + 16 * i, BigInt(nsec), true);
  });
  return b;
}

const STATX_BASIC_STATS = 0x7ff, STATX__RESERVED = 0x80000000;

/** struct statx (linux/stat.h): 256 bytes; every basic field is filled, whatever the mask asked. */
function statxBytes(s: StatInfo): Uint8Array {
  const b = new Uint8Array(256), dv = new DataView(b.buffer);
  dv.setUint32(0, STATX_BASIC_STATS, true);
  dv.setUint32(4, s.blksize ?? 4096, true);
  dv.setUint32(16, s.nlink ?? 1, true);
  dv.setUint32(20, s.uid ?? 0, true);
  dv.setUint32(24, s.gid ?? 0, true);
  dv.setUint16(28, s.mode, true);
  dv.setBigUint64(32, BigInt(s.ino), true);
  dv.setBigUint64(40, BigInt(s.size), true);
  dv.setBigUint64(48, BigInt(s.blocks ?? Math.ceil(s.size / 512)), true);
  const times: [number, Timespec | undefined][] = [[64, s.atime], [96, s.ctime], [112, s.mtime]];
  for (const [off, t] of times) {
    const [sec, nsec] = ts(s, t);
    dv.setBigInt64(off, BigInt(sec), true);
    dv.setUint32(off + 8, nsec, true);
  }
  const major = (d: number) => (d >> 8) & 0xfff, minor = (d: number) => d & 0xff;
  dv.setUint32(128, major(s.rdev), true); dv.setUint32(132, minor(s.rdev), true);
  dv.setUint32(136, major(s.dev ?? 0x10), true); dv.setUint32(140, minor(s.dev ?? 0x10), true);
  return b;
}

/** A file's stat as the guest sees it: with fixed ids (--sandbox) every file is the guest's, as when no host id is mapped (kernel.ts user). */
export function owned(k: Kernel, s: StatInfo): StatInfo { return k.user === undefined ? s : { ...s, uid: k.user.uid, gid: k.user.gid }; }

/** What (dirfd, path, flags) names, stat'ed; "" with AT_EMPTY_PATH is dirfd's own file (also a pipe). */
function statAt(c: Ctx, dirfd: number, pathPtr: number, flags: number): StatInfo | number {
  const path = userPath(c.p, pathPtr);
  if (typeof path === 'number') return path;
  if (path === '' && (flags & AT_EMPTY_PATH) && dirfd !== AT_FDCWD) {
    const f = dirfd >= 0 ? c.p.files[dirfd] : undefined;
    return f === undefined ? -EBADF : owned(c.k, f.stat());
  }
  const at = resolveAt(c, dirfd, pathPtr, flags, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  return typeof at === 'number' ? at : owned(c.k, at.node.stat());
}

// ---- namespace changes -----------------------------------------------------------

function mkdirat(c: Ctx, dirfd: number, pathPtr: number, mode: number): number {
  const par = parentAt(c, dirfd, pathPtr);
  if (typeof par === 'number') return par;
  if (!par.normal) return -EEXIST;
  const old = par.vfs.child(c, par.dir, par.name);
  if (old !== -ENOENT) return typeof old === 'number' ? old : -EEXIST;
  return par.dir.node.mkdir(par.name, mode & ~c.p.umask & 0o7777, c);
}

function unlinkat(c: Ctx, dirfd: number, pathPtr: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  const par = parentAt(c, dirfd, pathPtr);
  if (typeof par === 'number') return par;
  const dirOp = (flags & AT_REMOVEDIR) !== 0;
  if (!par.normal) return !dirOp ? -EISDIR : par.name === '..' ? -ENOTEMPTY : par.name === '.' ? -EINVAL : -EBUSY;
  const victim = par.vfs.child(c, par.dir, par.name);
  if (typeof victim === 'number') return victim;
  if (!dirOp) {
    if (victim.node.kind === 'dir') return -EISDIR;
    if (par.slash) return -ENOTDIR;
    return par.dir.node.unlink(par.name, c);
  }
  if (victim.node.kind !== 'dir') return -ENOTDIR;
  if (par.vfs.isMountPoint(victim.path)) return -EBUSY;
  const list = victim.node.list(c);
  if (typeof list === 'number') return list;
  if (list.length > 0) return -ENOTEMPTY;
  return par.dir.node.rmdir(par.name, c);
}

function renameat2(c: Ctx, a: readonly number[]): number {
  const flags = a[4];
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL; // not supported: only 0 and RENAME_NOREPLACE
  const from = parentAt(c, a[0] | 0, a[1]);
  if (typeof from === 'number') return from;
  const to = parentAt(c, a[2] | 0, a[3]);
  if (typeof to === 'number') return to;
  if (from.dir.node.fs !== to.dir.node.fs) return -EXDEV;
  if (!from.normal) return -EBUSY;
  if (!to.normal) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  const vfs = from.vfs;
  const src = vfs.child(c, from.dir, from.name);
  if (typeof src === 'number') return src;
  const isDir = src.node.kind === 'dir';
  if ((from.slash || to.slash) && !isDir) return -ENOTDIR;
  const dstPath = join(to.dir.path, to.name);
  if (vfs.isMountPoint(src.path) || vfs.isMountPoint(dstPath)) return -EBUSY;
  const dst = vfs.child(c, to.dir, to.name);
  if (typeof dst === 'number' && dst !== -ENOENT) return dst;
  if (typeof dst !== 'number') {
    if (flags & RENAME_NOREPLACE) return -EEXIST;
    if (dst.node === src.node) return 0;
    if (isDir && dst.node.kind !== 'dir') return -ENOTDIR;
    if (!isDir && dst.node.kind === 'dir') return -EISDIR;
    if (dst.node.kind === 'dir') {
      const list = dst.node.list(c);
      if (typeof list === 'number') return list;
      if (list.length > 0) return -ENOTEMPTY;
    }
  }
  if (isDir && (to.dir.path === src.path || to.dir.path.startsWith(`${src.path}/`))) return -EINVAL;
  return from.dir.node.rename(from.name, to.dir.node, to.name, c);
}

function linkat(c: Ctx, a: readonly number[]): number {
  const flags = a[4];
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const src = resolveAt(c, a[0] | 0, a[1], flags, (flags & AT_SYMLINK_FOLLOW) !== 0);
  if (typeof src === 'number') return src;
  const to = parentAt(c, a[2] | 0, a[3]);
  if (typeof to === 'number') return to;
  if (!to.normal) return -EEXIST;
  const old = to.vfs.child(c, to.dir, to.name);
  if (old !== -ENOENT) return typeof old === 'number' ? old : -EEXIST;
  if (src.node.fs !== to.dir.node.fs) return -EXDEV;
  if (src.node.kind === 'dir') return -EPERM;
  return to.dir.node.link(to.name, src.node, c);
}

function symlinkat(c: Ctx, targetPtr: number, dirfd: number, pathPtr: number): number {
  const target = userPath(c.p, targetPtr);
  if (typeof target === 'number') return target;
  if (target === '') return -ENOENT;
  const par = parentAt(c, dirfd, pathPtr);
  if (typeof par === 'number') return par;
  if (!par.normal) return -EEXIST;
  const old = par.vfs.child(c, par.dir, par.name);
  if (old !== -ENOENT) return typeof old === 'number' ? old : -EEXIST;
  return par.dir.node.symlink(par.name, target, c);
}

/** utimensat(dirfd, path, times[2], flags); a NULL path means dirfd itself (futimens). */
function utimensat(c: Ctx, a: readonly number[]): number {
  const flags = a[3];
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let times: (Timespec | undefined)[] = [undefined, undefined];
  const now = () => clockNow(c.k);
  if (a[2] === 0) times = [now(), now()];
  else {
    const b = copyIn(c.p.as, a[2], 32);
    if (b === undefined) return -EFAULT;
    const dv = new DataView(b.buffer);
    for (let i = 0; i < 2; i++) {
      const sec = Number(dv.getBigInt64(16 * i, true)), nsec = Number(dv.getBigInt64(16 * i + 8, true));
      if (nsec === UTIME_OMIT) continue;
      if (nsec === UTIME_NOW) { times[i] = now(); continue; }
      if (nsec < 0 || nsec >= 1e9) return -EINVAL;
      times[i] = [sec, nsec];
    }
  }
  let at: Found | number;
  if (a[1] === 0) {
    const f = (a[0] | 0) >= 0 ? c.p.files[a[0] | 0] : undefined;
    at = f === undefined ? -EBADF : originOf(f) ?? -EPERM;
  } else at = resolveAt(c, a[0] | 0, a[1], flags, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (typeof at === 'number') return at;
  return times[0] === undefined && times[1] === undefined ? 0 : at.node.utimes(times[0], times[1], c);
}

/** faccessat2: existence, EROFS for W_OK on a read-only filesystem, and X_OK needing an x bit (root passes the rest). */
function access(c: Ctx, dirfd: number, pathPtr: number, mode: number, flags: number): number {
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const at = resolveAt(c, dirfd, pathPtr, flags, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (typeof at === 'number') return at;
  const kind = at.node.kind;
  if ((mode & 2) && at.node.fs.readOnly && (kind === 'file' || kind === 'dir' || kind === 'symlink')) return -EROFS;
  if ((mode & 1) && kind !== 'dir' && (at.node.stat().mode & 0o111) === 0) return -EACCES;
  return 0;
}

export const PATH_CALLS: SyscallDef[] = [
  // implements openat(2): O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, O_PATH, O_TMPFILE, O_CLOEXEC
  { name: 'openat', status: 'full', restart: 'none',
    args: (r) => [DIRFD, PATH, v(openFlags), ...(r[2] & 0o20000100 ? [MODE] : [])],
    handler: (k, p, a) => openat(k, p, a[0] | 0, a[1], a[2], a[3]) },
  // implements newfstatat(2)
  { name: 'newfstatat', status: 'full', restart: 'none', args: [DIRFD, PATH, out(stat), ATFL],
    handler: (k, p, a) => {
    if (a[3] & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
    const s = statAt({ k, p }, a[0] | 0, a[1], a[3]);
    if (typeof s === 'number') return s;
    return copyOut(p.as, a[2], statBytes(s)) ? 0 : -EFAULT;
  } },
  // implements statx(2): the basic stats (STATX_BASIC_STATS), whatever the mask
  { name: 'statx', status: 'full', restart: 'none',
    args: [DIRFD, PATH, v((n) => flags(n & 0x6000, STATX_SYNC, null) + (n & ~0x6000 ? '|' + flags(n & ~0x6000, AT) : '')), fl(STATX_MASK, 'STATX_???'), out(statx)],
    handler: (k, p, a) => {
    const flags = a[2];
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE || (a[3] & STATX__RESERVED)) return -EINVAL;
    const s = statAt({ k, p }, a[0] | 0, a[1], flags);
    if (typeof s === 'number') return s;
    return copyOut(p.as, a[4], statxBytes(s)) ? 0 : -EFAULT;
  } },
  // implements faccessat(2)
  { name: 'faccessat', status: 'full', restart: 'none', args: [DIRFD, PATH, fl(ACCESS)],
    handler: (k, p, a) => access({ k, p }, a[0] | 0, a[1], a[2], 0) },
  // implements faccessat2(2)
  { name: 'faccessat2', status: 'full', restart: 'none', args: [DIRFD, PATH, fl(ACCESS), fl(AT_ACCESS, 'AT_???')],
    handler: (k, p, a) => access({ k, p }, a[0] | 0, a[1], a[2], a[3]) },
  // implements readlinkat(2)
  { name: 'readlinkat', status: 'full', restart: 'none', args: [DIRFD, PATH, outBuf(), UL],
    handler: (k, p, a) => {
    if ((a[3] | 0) <= 0) return -EINVAL;
    const c = { k, p };
    const at = resolveAt(c, a[0] | 0, a[1], AT_EMPTY_PATH, false);
    if (typeof at === 'number') return at;
    const target = at.node.readlink(c);
    if (typeof target === 'number') return target;
    const bytes = new TextEncoder().encode(target).subarray(0, a[3] | 0); // bufsiz is an int
    return copyOut(p.as, a[2], bytes) ? bytes.length : -EFAULT;
  } },
  // implements mkdirat(2)
  { name: 'mkdirat', status: 'full', restart: 'none', args: [DIRFD, PATH, MODE],
    handler: (k, p, a) => mkdirat({ k, p }, a[0] | 0, a[1], a[2]) },
  // implements unlinkat(2), with AT_REMOVEDIR for rmdir
  { name: 'unlinkat', status: 'full', restart: 'none', args: [DIRFD, PATH, ATFL],
    handler: (k, p, a) => unlinkat({ k, p }, a[0] | 0, a[1], a[2]) },
  // implements renameat2(2): flags 0 and RENAME_NOREPLACE
  { name: 'renameat2', status: 'partial', restart: 'none',
    limits: 'flags 0 and RENAME_NOREPLACE only (no RENAME_EXCHANGE, RENAME_WHITEOUT)',
    args: [DIRFD, PATH, DIRFD, PATH, fl(RENAME, 'RENAME_???')],
    handler: (k, p, a) => renameat2({ k, p }, a) },
  // implements linkat(2)
  { name: 'linkat', status: 'full', restart: 'none', args: [DIRFD, PATH, DIRFD, PATH, ATFL],
    handler: (k, p, a) => linkat({ k, p }, a) },
  // implements symlinkat(2)
  { name: 'symlinkat', status: 'full', restart: 'none', args: [PATH, DIRFD, PATH],
    handler: (k, p, a) => symlinkat({ k, p }, a[0], a[1] | 0, a[2]) },
  // implements fchmodat(2)
  { name: 'fchmodat', status: 'full', restart: 'none', args: [DIRFD, PATH, MODE],
    handler: (k, p, a) => {
    const at = resolveAt({ k, p }, a[0] | 0, a[1], 0, true);
    return typeof at === 'number' ? at : at.node.chmod(a[2] & 0o7777, { k, p });
  } },
  // implements utimensat(2)
  { name: 'utimensat', status: 'full', restart: 'none', args: [DIRFD, PATH, a(utimes), ATFL],
    handler: (k, p, a) => utimensat({ k, p }, a) },
  // implements truncate(2)
  { name: 'truncate', status: 'full', restart: 'none', args: [PATH, L],
    handler: (k, p, a) => {
    if (a[1] < 0) return -EINVAL;
    const at = resolveAt({ k, p }, AT_FDCWD, a[0], 0, true);
    if (typeof at === 'number') return at;
    if (at.node.kind === 'dir') return -EISDIR;
    if (at.node.kind !== 'file') return -EINVAL;
    return at.node.truncate(a[1], { k, p });
  } },
  // implements chdir(2)
  { name: 'chdir', status: 'full', restart: 'none', args: [PATH],
    handler: (k, p, a) => {
    const at = resolveAt({ k, p }, AT_FDCWD, a[0], 0, true);
    if (typeof at === 'number') return at;
    if (at.node.kind !== 'dir') return -ENOTDIR;
    p.cwd = at.path;
    return 0;
  } },
  // implements getcwd(2)
  { name: 'getcwd', status: 'full', restart: 'none', args: [out((c, n) => cstr(c, n, Math.max(c.ret - 1, 0))), UL],
    handler: (_k, p, a) => {
    const bytes = new TextEncoder().encode(p.cwd + '\0');
    if (a[1] >= 0 && bytes.length > a[1]) return -ERANGE; // size is unsigned: negative here means at least 2^63
    return copyOut(p.as, a[0], bytes) ? bytes.length : -EFAULT;
  } },
];
