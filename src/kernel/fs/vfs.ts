// The virtual filesystem (DESIGN.md: the host read-only at the same paths,
// /tmp in memory, --rw DIR writable). One namespace of vnodes, made of
// filesystems mounted at fixed paths (mounts.ts builds the table):
//
//   /          the host, read-only (hostfs.ts)
//   /tmp       tmpfs, in memory; the host's /tmp is hidden (tmpfs.ts)
//   /dev       the devices (devfs.ts), with a second tmpfs at /dev/shm
//   /proc      processes, from the kernel's own tables (procfs.ts)
//   each --rw DIR, at its own path: the host, writable (hostfs.ts)
//
// Paths are resolved here, component by component, as Linux's namei does:
// every step is a (vnode, canonical path) pair. A mount point is checked
// before the directory is asked, symlinks are followed (at most 40 per
// lookup: ELOOP), and ".." goes to the parent of the canonical path, so it
// leaves a mount the way it entered. Filesystems see only single names.
// File descriptors that name a vnode remember where it was found (origins),
// for directory fds, fchdir, and /proc/PID/fd.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { File, type StatInfo } from './file.js';
import { EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOMEM, ENOTDIR, ENXIO, EOPNOTSUPP, EROFS } from '../errno.js';
import type { KernelMemory } from '../mm/kmem.js';
import { concat } from '../mm/uaccess.js';

export type Kind = 'file' | 'dir' | 'symlink' | 'chr' | 'fifo' | 'sock' | 'other';

/** d_type of struct linux_dirent64, by kind (DT_FIFO 1, DT_CHR 2, DT_DIR 4, DT_REG 8, DT_LNK 10, DT_SOCK 12). */
export const DT: Readonly<Record<Kind, number>> = { fifo: 1, chr: 2, dir: 4, file: 8, symlink: 10, sock: 12, other: 0 };

/** Who is asking: procfs answers /proc/self from it, tmpfs takes the time from the kernel's clock. */
export interface Ctx { readonly k: Kernel; readonly p: Process; }

export interface DirEntry { name: string; ino: number; kind: Kind; }

/** A mounted filesystem: its st_dev, and whether it refuses every change (EROFS). */
export interface Fs { readonly dev: number; readonly readOnly: boolean; }

/** Where a lookup ended: the vnode, and the canonical absolute path it was reached by. */
export interface Found { node: Vnode; path: string; }

export const NAME_MAX = 255, PATH_MAX = 4096, MAXSYMLINKS = 40;

/**
 * A file, directory, symlink or device in some filesystem. The operations
 * that change a directory take a single name; vfs.ts and the system calls
 * have already checked what Linux checks first (existence, kinds, EEXIST),
 * so a read-only filesystem can keep the EROFS defaults.
 */
export abstract class Vnode {
  abstract readonly fs: Fs;
  abstract readonly kind: Kind;
  abstract stat(): StatInfo;
  /** A child of this directory, or -ENOENT. */
  lookup(_name: string, _c: Ctx): Vnode | number { return -ENOTDIR; }
  /** This directory's entries, without "." and "..". */
  list(_c: Ctx): DirEntry[] | number { return -ENOTDIR; }
  readlink(_c: Ctx): string | number { return -EINVAL; }
  /**
   * For procfs's magic links (/proc/PID/fd/N, exe, cwd): following the link
   * lands on this vnode directly rather than on a lookup of its text.
   */
  jump?(c: Ctx): Found | number;
  /** Opens a non-directory (directories are opened by the VFS as DirFile). */
  open(_flags: number, _c: Ctx): File | number { return -ENXIO; }
  /** The path now, where it can change under an open descriptor (a renamed tmpfs or host directory). */
  livePath(): string | undefined { return undefined; }
  /** An open descriptor now names this vnode (a directory fd, O_PATH): a filesystem whose paths move keeps track. */
  pin(): void {}
  /** That descriptor's last reference went. */
  unpin(): void {}
  create(_name: string, _mode: number, _c: Ctx): Vnode | number { return -EROFS; }
  /** An unnamed regular file in this directory (O_TMPFILE). */
  tmpfile(_mode: number, _c: Ctx): Vnode | number { return this.fs.readOnly ? -EROFS : -EOPNOTSUPP; }
  mkdir(_name: string, _mode: number, _c: Ctx): number { return -EROFS; }
  /** A socket inode named name (bind of an AF_UNIX socket to a path: fs/unix.ts); the permission bits are already masked by the umask. */
  mksock(_name: string, _mode: number, _c: Ctx): Vnode | number { return -EROFS; }
  symlink(_name: string, _target: string, _c: Ctx): number { return -EROFS; }
  link(_name: string, _target: Vnode, _c: Ctx): number { return -EROFS; }
  unlink(_name: string, _c: Ctx): number { return -EROFS; }
  rmdir(_name: string, _c: Ctx): number { return -EROFS; }
  /** Moves child `name` to `to`/`toName` (same filesystem; whatever is there was checked and is replaced). */
  rename(_name: string, _to: Vnode, _toName: string, _c: Ctx): number { return -EROFS; }
  truncate(_len: number, _c: Ctx): number { return -EROFS; }
  chmod(_mode: number, _c: Ctx): number { return -EROFS; }
  utimes(_atime: readonly [number, number] | undefined, _mtime: readonly [number, number] | undefined, _c: Ctx): number { return -EROFS; }
}

export function join(dir: string, name: string): string { return dir === '/' ? `/${name}` : `${dir}/${name}`; }
export function dirname(path: string): string { const i = path.lastIndexOf('/'); return i <= 0 ? '/' : path.slice(0, i); }
export { basename } from '../sched/proc.js';

/** True when a name is longer than NAME_MAX bytes of UTF-8. */
export function nameTooLong(name: string): boolean {
  return name.length > NAME_MAX / 3 && new TextEncoder().encode(name).length > NAME_MAX;
}

/** The result of resolving all but the last component: the directory, and the last name (".", ".." or "" for "/"). */
export interface Parent { dir: Found; name: string; slash: boolean; }

export class Vfs {
  readonly root: Found;

  /** mounts: canonical path → root vnode of the filesystem mounted there; "/" is required. */
  constructor(private readonly mounts: ReadonlyMap<string, Vnode>) {
    this.root = { node: mounts.get('/')!, path: '/' };
  }

  isMountPoint(path: string): boolean { return path !== '/' && this.mounts.has(path); }

  /** The vnode at a canonical path (no symlinks, "." or ".."), e.g. the cwd. */
  at(c: Ctx, path: string): Found | number {
    let cur: Found | number = this.root;
    for (const name of path.split('/')) if (name !== '' && typeof cur !== 'number') cur = this.child(c, cur, name);
    return cur;
  }

  /** One step: a mount point first, then the directory's own lookup. Work: one item per step. */
  child(c: Ctx, dir: Found, name: string): Found | number {
    c.k.work.items++;
    if (dir.node.kind !== 'dir') return -ENOTDIR;
    if (name === '.' || name === '') return dir;
    if (name === '..') return dir.path === '/' ? dir : this.at(c, dirname(dir.path));
    if (nameTooLong(name)) return -ENAMETOOLONG;
    const path = join(dir.path, name);
    const mounted = this.mounts.get(path);
    if (mounted !== undefined) return { node: mounted, path };
    const node = dir.node.lookup(name, c);
    return typeof node === 'number' ? node : { node, path };
  }

  /**
   * Resolves path from start (ignored when path is absolute). A final symlink
   * is followed when `follow` or the path ends in "/"; a trailing "/" also
   * requires a directory (ENOTDIR).
   */
  walk(c: Ctx, start: Found, path: string, follow: boolean, links = { n: 0 }): Found | number {
    const slash = /[^/]\/+$/.test(path);
    const todo = path.split('/').filter((s) => s !== '');
    let cur = path.startsWith('/') ? this.root : start;
    while (todo.length > 0) {
      const name = todo.shift()!;
      const next = this.child(c, cur, name);
      if (typeof next === 'number') return next;
      if (next.node.kind === 'symlink' && (todo.length > 0 || follow || slash)) {
        if (++links.n > MAXSYMLINKS) return -ELOOP;
        if (next.node.jump !== undefined) {
          const to = next.node.jump(c);
          if (typeof to === 'number') return to;
          cur = to;
          continue;
        }
        const target = next.node.readlink(c);
        if (typeof target === 'number') return target;
        if (target === '') return -ENOENT;
        if (target.startsWith('/')) cur = this.root;
        todo.unshift(...target.split('/').filter((s) => s !== ''));
        continue;
      }
      cur = next;
    }
    if (slash && cur.node.kind !== 'dir') return -ENOTDIR;
    return cur;
  }

  /** Resolves every component but the last, which is returned by name (for create, unlink, rename). */
  parent(c: Ctx, start: Found, path: string, links = { n: 0 }): Parent | number {
    const parts = path.split('/').filter((s) => s !== '');
    const slash = path.endsWith('/');
    const abs = path.startsWith('/');
    if (parts.length === 0) return { dir: abs ? this.root : start, name: abs ? '' : '.', slash };
    const name = parts.pop()!;
    if (nameTooLong(name)) return -ENAMETOOLONG;
    const dir = parts.length === 0 ? (abs ? this.root : start) : this.walk(c, start, (abs ? '/' : '') + parts.join('/'), true, links);
    if (typeof dir === 'number') return dir;
    if (dir.node.kind !== 'dir') return -ENOTDIR;
    return { dir, name, slash };
  }
}

// ---- open files that remember their vnode ------------------------------------

const origins = new WeakMap<File, Found>();

/** Records where an open file's vnode was found (for dirfd lookups, fchdir and /proc/PID/fd). */
export function setOrigin(f: File, at: Found): File { origins.set(f, at); return f; }

/** Where an open file was found, with a tmpfs directory's path brought up to date. */
export function originOf(f: File): Found | undefined {
  const o = origins.get(f);
  return o === undefined ? undefined : { node: o.node, path: o.node.livePath() ?? o.path };
}

/** An O_PATH descriptor: it names a vnode for fstat and the *at calls, and nothing more (read and write: EBADF). */
export class PathFile extends File {
  constructor(readonly at: Found, flags: number) { super(flags); setOrigin(this, at); at.node.pin(); }
  override stat(): StatInfo { return this.at.node.stat(); }
  override close(): void { this.at.node.unpin(); }
}

const DIRENT_HEADER = 19; // d_ino 8, d_off 8, d_reclen 2, d_type 1; then d_name, NUL, padding to 8

/** An open directory: getdents64 walks a listing taken when the offset is 0 (open, rewinddir). */
export class DirFile extends File {
  private listing: DirEntry[] | undefined;
  /** Host bytes of the listing, charged to kmem while it is held (64 per entry plus its name). */
  private listingCost = 0;

  constructor(readonly at: Found, flags: number, private readonly vfs: Vfs) { super(flags); setOrigin(this, at); at.node.pin(); }

  override close(): void { this.at.node.unpin(); this.dropListing(); }

  private dropListing(): void {
    this.kmemOf?.release(this.listingCost);
    this.listing = undefined;
    this.listingCost = 0;
  }

  private kmemOf: KernelMemory | undefined;
  override read(): number { return -EISDIR; }
  override pread(): number { return -EISDIR; }
  override stat(): StatInfo { return this.at.node.stat(); }

  /** d_off is an entry's index plus one, so lseek(SEEK_SET) to any d_off resumes there (seekdir). */
  override seek(off: number, whence: number): number {
    const to = whence === 0 ? off : whence === 1 ? this.offset + off : -1;
    if (to < 0 || !Number.isSafeInteger(to)) return -EINVAL;
    return (this.offset = to);
  }

  /** Up to max bytes of struct linux_dirent64 records; empty at the end; EINVAL when not even one fits. Work: the records. */
  getdents(c: Ctx, max: number): Uint8Array | number {
    if (this.offset === 0 || this.listing === undefined) {
      const list = this.at.node.list(c);
      if (typeof list === 'number') return list;
      // The listing lives on the host as long as the fd: it is kernel memory (mm/kmem.ts), ENOMEM past the budget.
      this.dropListing();
      const cost = list.reduce((n, e) => n + 64 + e.name.length, 128);
      if (!c.k.kmem.charge(cost)) return -ENOMEM;
      this.kmemOf = c.k.kmem;
      this.listingCost = cost;
      const here = originOf(this) ?? this.at;
      const up = here.path === '/' ? here : this.vfs.at(c, dirname(here.path));
      const upIno = typeof up === 'number' ? this.at.node.stat().ino : up.node.stat().ino;
      this.listing = [{ name: '.', ino: this.at.node.stat().ino, kind: 'dir' }, { name: '..', ino: upIno, kind: 'dir' }, ...list];
    }
    const enc = new TextEncoder(), recs: Uint8Array[] = [];
    let used = 0, i = this.offset;
    for (; i < this.listing.length; i++) {
      const e = this.listing[i], name = enc.encode(e.name);
      const len = Math.ceil((DIRENT_HEADER + name.length + 1) / 8) * 8;
      if (used + len > max) break;
      const rec = new Uint8Array(len), dv = new DataView(rec.buffer);
      dv.setBigUint64(0, BigInt(e.ino), true);
      dv.setBigInt64(8, BigInt(i + 1), true);
      dv.setUint16(16, len, true);
      rec[18] = DT[e.kind];
      rec.set(name, DIRENT_HEADER);
      recs.push(rec);
      used += len;
    }
    c.k.work.items += recs.length;
    if (recs.length === 0 && i < this.listing.length) return -EINVAL;
    this.offset = i;
    return concat(recs);
  }
}
