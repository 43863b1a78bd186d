// tmpfs: files, directories and symlinks in host memory, for /tmp and
// /dev/shm. The guest's view follows Linux's mm/shmem.c where a program can
// see it: "/tmp" is mode 1777; a directory's nlink is 2 plus its
// subdirectories and its size 20 bytes per entry ("." and ".." included);
// a file's data lives in 4 KiB pages allocated on first write, so holes cost
// nothing and st_blocks counts only written pages; an unlinked file lives on
// while it is open; times come from the virtual clock. The size limit is
// half of guest RAM, as Linux's tmpfs default (ENOSPC beyond it).
//
// Names and inodes count against the same limit, as Linux's nr_inodes and
// free_ispace do (mm/shmem.c, shmem_reserve_inode), so that empty files,
// directories and symlinks cannot grow host memory without bound: every
// inode costs INODE_COST bytes of the limit, every name (a directory entry,
// a hard link included) NAME_COST, and a symlink target of SHORT_SYMLINK
// bytes or more a page, as Linux keeps short targets in the inode and longer
// ones in a page. Each charge is above what the host really spends on the
// thing it stands for (a TmpNode with its map entry and name), so the host
// memory of a tmpfs stays below its limit.

import { RegularFile, S_IFDIR, S_IFLNK, S_IFREG, type Backing, type File, type StatInfo, type Timespec } from './file.js';
import { Vnode, type Ctx, type DirEntry, type Fs } from './vfs.js';
import type { Work } from '../mm/work.js';
import { EFBIG, EINVAL, ELOOP, ENOENT, ENOSPC, ENOTDIR, ENXIO, EXDEV } from '../errno.js';

const S_IFSOCK = 0o140000;

const PAGE = 4096;
const BOGO_DIRENT_SIZE = 20;
/** Linux's BOGO_INODE_SIZE (mm/shmem.c): what one inode takes of a tmpfs's size. */
export const INODE_COST = 1024;
/** What one name takes: a NAME_MAX name, its map entry and the string, rounded up. */
export const NAME_COST = 512;
/** Linux's SHORT_SYMLINK_LEN: a target this long or longer takes a page. */
const SHORT_SYMLINK = 128;

/**
 * What tmpfs mounts hold together on the host. Each mount has its own size
 * limit, as on Linux; the mounts of one kernel (/tmp and /dev/shm) also
 * share one space of the same size, so that together they never hold more
 * than half of guest RAM on the host (the README's memory bound).
 */
export class TmpfsSpace {
  /** Data pages in use. */
  pages = 0;
  /** Bytes taken by inodes, names and long symlink targets (INODE_COST, NAME_COST, a page). */
  meta = 0;
  constructor(readonly maxPages: number) {}
}

export class TmpFs implements Fs {
  readonly readOnly = false;
  readonly root: TmpNode;
  /** Where this mount's pages and metadata are counted, with the other mounts sharing it. */
  private readonly space: TmpfsSpace;
  /** Data pages in use (in the shared space). */
  get pages(): number { return this.space.pages; }
  set pages(n: number) { this.space.pages = n; }
  /** Bytes of the limit taken by inodes, names and long symlink targets (in the shared space). */
  get meta(): number { return this.space.meta; }
  set meta(n: number) { this.space.meta = n; }
  /** The kernel's work meter, known from the first call that brings a Ctx (Backing calls bring none). */
  work: Work | undefined;
  private nextIno = 1;

  /** mountPath: where it is mounted (a renamed directory's path is rebuilt from it); maxPages: the size limit in pages. */
  constructor(readonly dev: number, readonly mountPath: string, readonly maxPages: number, readonly now: () => Timespec, space?: TmpfsSpace) {
    this.space = space ?? new TmpfsSpace(maxPages);
    this.root = new TmpNode(this, 'dir', 0o1777);
  }

  newIno(): number { return this.nextIno++; }

  /** Takes bytes of the limit for metadata (or, with pages, data pages): false when that would pass it (ENOSPC). */
  reserve(bytes: number, pages = 0): boolean {
    if ((this.pages + pages) * PAGE + this.meta + bytes > Math.min(this.maxPages, this.space.maxPages) * PAGE) return false;
    this.meta += bytes;
    this.pages += pages;
    return true;
  }

  /** A new inode with its charge (INODE_COST plus `extra`) and a name's, or undefined when the limit is reached. */
  make(kind: TmpKind, mode: number, extra = 0, named = true): TmpNode | undefined {
    const cost = INODE_COST + extra;
    if (!this.reserve(cost + (named ? NAME_COST : 0))) return undefined;
    const node = new TmpNode(this, kind, mode);
    node.charge = cost;
    return node;
  }

  /** Remembers the kernel's work meter (every lookup and change brings a Ctx). */
  seen(c: Ctx): void { this.work ??= c.k.work; }

  /** Makes the directories of a relative path exist (mount points under /tmp for --rw directories). */
  mkdirs(parts: readonly string[]): void {
    let dir = this.root;
    for (const name of parts) {
      if (!dir.children.has(name)) {
        const made = this.make('dir', 0o755);
        if (made === undefined) return;
        dir.attach(name, made);
      }
      const next = dir.children.get(name)!;
      if (next.kind !== 'dir') return;
      dir = next;
    }
  }
}

/** What a tmpfs node is: a socket inode is a name bind(2) made for an AF_UNIX socket (fs/unix.ts). */
type TmpKind = 'file' | 'dir' | 'symlink' | 'sock';

/** What a directory that is not one, or a file that is not one, holds: never changed (kinds are checked first). */
const NO_CHILDREN: ReadonlyMap<string, TmpNode> = new Map();
const NO_DATA: ReadonlyMap<number, Uint8Array> = new Map();

export class TmpNode extends Vnode implements Backing {
  readonly ino: number;
  nlink: number;
  uid = 0;
  gid = 0;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** A directory's entries (shared and empty for other kinds), and where it hangs (for livePath and ".."). */
  readonly children: Map<string, TmpNode>;
  parent: TmpNode | undefined;
  name = '';
  /** A symlink's target, and its length in UTF-8 bytes (st_size). */
  target = '';
  private targetBytes = 0;
  /** A regular file's data (shared and empty for other kinds): page index → 4 KiB, absent pages read as zeros. */
  private readonly data: Map<number, Uint8Array>;
  private length = 0;
  private opens = 0;
  /** Bytes of the limit this inode holds beyond its pages (TmpFs.make); given back once, when it goes. */
  charge = 0;

  constructor(readonly fs: TmpFs, readonly kind: TmpKind, public mode: number) {
    super();
    this.ino = fs.newIno();
    this.nlink = kind === 'dir' ? 2 : 1;
    this.atime = this.mtime = this.ctime = fs.now();
    this.children = kind === 'dir' ? new Map() : NO_CHILDREN as Map<string, TmpNode>;
    this.data = kind === 'file' ? new Map() : NO_DATA as Map<number, Uint8Array>;
  }

  override stat(): StatInfo {
    const type = this.kind === 'dir' ? S_IFDIR : this.kind === 'file' ? S_IFREG : this.kind === 'sock' ? S_IFSOCK : S_IFLNK;
    const size = this.kind === 'dir' ? BOGO_DIRENT_SIZE * (this.children.size + 2)
      : this.kind === 'file' ? this.length : this.targetBytes;
    return {
      mode: type | this.mode, size, ino: this.ino, rdev: 0, mtimeMs: 0, nlink: this.nlink, blocks: this.data.size * (PAGE / 512),
      blksize: PAGE, dev: this.fs.dev, uid: this.uid, gid: this.gid, atime: this.atime, mtime: this.mtime, ctime: this.ctime,
    };
  }

  override lookup(name: string, c: Ctx): Vnode | number {
    this.fs.seen(c);
    if (this.kind !== 'dir') return -ENOTDIR;
    return this.children.get(name) ?? -ENOENT;
  }

  /** Work: one item per entry. */
  override list(c: Ctx): DirEntry[] | number {
    if (this.kind !== 'dir') return -ENOTDIR;
    c.k.work.items += this.children.size;
    return [...this.children].map(([name, n]) => ({ name, ino: n.ino, kind: n.kind }));
  }

  override readlink(): string | number { return this.kind === 'symlink' ? this.target : -EINVAL; }

  override open(flags: number, c: Ctx): File | number {
    this.fs.seen(c);
    if (this.kind === 'sock') return -ENXIO; // open(2): "ENXIO: the file is a UNIX domain socket"
    if (this.kind !== 'file') return -ELOOP; // a symlink reached with O_NOFOLLOW
    this.opens++;
    return new RegularFile(this, flags);
  }

  override livePath(): string | undefined {
    if (this === this.fs.root) return this.fs.mountPath;
    if (this.kind !== 'dir' || this.parent === undefined) return undefined;
    const up = this.parent.livePath();
    return up === undefined ? undefined : up === '/' ? `/${this.name}` : `${up}/${this.name}`;
  }

  // ---- directory changes -----------------------------------------------------

  /** Links node under name, keeping nlink and the times as Linux does. */
  attach(name: string, node: TmpNode): void {
    this.children.set(name, node);
    if (node.kind === 'dir') { node.parent = this; node.name = name; this.nlink++; }
    this.touch();
  }

  /** Unlinks name; `unnamed` also gives back the name's charge (not for a rename, which keeps it). */
  private detach(name: string, unnamed = true): TmpNode {
    const node = this.children.get(name)!;
    this.children.delete(name);
    if (unnamed) this.fs.meta -= NAME_COST;
    if (node.kind === 'dir') this.nlink--;
    this.touch();
    return node;
  }

  private touch(): void { this.mtime = this.ctime = this.fs.now(); }

  /** A removed directory takes no new entries (Linux: ENOENT). */
  private get gone(): boolean { return this.kind === 'dir' && this.nlink === 0; }

  override create(name: string, mode: number, c: Ctx): Vnode | number {
    this.fs.seen(c);
    if (this.gone) return -ENOENT;
    const node = this.fs.make('file', mode & 0o7777);
    if (node === undefined) return -ENOSPC;
    this.attach(name, node);
    return node;
  }

  override tmpfile(mode: number, c: Ctx): Vnode | number {
    this.fs.seen(c);
    if (this.gone) return -ENOENT;
    const node = this.fs.make('file', mode & 0o7777, 0, false);
    if (node === undefined) return -ENOSPC;
    node.nlink = 0;
    return node;
  }

  override mkdir(name: string, mode: number): number {
    if (this.gone) return -ENOENT;
    const node = this.fs.make('dir', mode & 0o7777);
    if (node === undefined) return -ENOSPC;
    this.attach(name, node);
    return 0;
  }

  override mksock(name: string, mode: number): Vnode | number {
    if (this.gone) return -ENOENT;
    const node = this.fs.make('sock', mode & 0o7777);
    if (node === undefined) return -ENOSPC;
    this.attach(name, node);
    return node;
  }

  override symlink(name: string, target: string): number {
    if (this.gone) return -ENOENT;
    const bytes = new TextEncoder().encode(target).length;
    const node = this.fs.make('symlink', 0o777, bytes >= SHORT_SYMLINK ? PAGE : 0);
    if (node === undefined) return -ENOSPC;
    node.target = target;
    node.targetBytes = bytes;
    this.attach(name, node);
    return 0;
  }

  override link(name: string, target: Vnode): number {
    if (!(target instanceof TmpNode) || target.fs !== this.fs) return -EXDEV;
    if (this.gone) return -ENOENT;
    if (!this.fs.reserve(NAME_COST)) return -ENOSPC;
    target.nlink++;
    target.ctime = this.fs.now();
    this.attach(name, target);
    return 0;
  }

  override unlink(name: string): number {
    const node = this.detach(name);
    node.nlink--;
    node.ctime = this.fs.now();
    node.freeIfUnused();
    return 0;
  }

  override rmdir(name: string): number {
    const node = this.detach(name);
    node.nlink = 0;
    node.parent = undefined;
    node.freeIfUnused();
    return 0;
  }

  override rename(name: string, to: Vnode, toName: string): number {
    if (!(to instanceof TmpNode) || to.fs !== this.fs) return -EXDEV;
    const node = this.children.get(name)!;
    const old = to.children.get(toName);
    if (old === node) return 0;
    if (old !== undefined) { if (old.kind === 'dir') to.rmdir(toName); else to.unlink(toName); }
    this.detach(name, false);
    to.attach(toName, node);
    node.ctime = this.fs.now();
    return 0;
  }

  override chmod(mode: number): number { this.mode = mode & 0o7777; this.ctime = this.fs.now(); return 0; }

  override utimes(atime: Timespec | undefined, mtime: Timespec | undefined): number {
    if (atime) this.atime = atime;
    if (mtime) this.mtime = mtime;
    this.ctime = this.fs.now();
    return 0;
  }

  // ---- a regular file's bytes (Backing) ----------------------------------------

  size(): number { return this.length; }

  read(off: number, len: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(len, this.length - off)));
    for (let done = 0; done < out.length;) {
      const at = off + done, page = Math.floor(at / PAGE), inPage = at % PAGE;
      const n = Math.min(out.length - done, PAGE - inPage);
      const bytes = this.data.get(page);
      if (bytes) out.set(bytes.subarray(inPage, inPage + n), done);
      done += n;
    }
    return out;
  }

  write(off: number, bytes: Uint8Array): number {
    const end = off + bytes.length;
    if (!Number.isSafeInteger(end)) return -EFBIG;
    let fresh = 0;
    for (let page = Math.floor(off / PAGE); page * PAGE < end; page++) if (!this.data.has(page)) fresh++;
    if (!this.fs.reserve(0, fresh)) return -ENOSPC;
    for (let done = 0; done < bytes.length;) {
      const at = off + done, page = Math.floor(at / PAGE), inPage = at % PAGE;
      const n = Math.min(bytes.length - done, PAGE - inPage);
      let store = this.data.get(page);
      if (store === undefined) this.data.set(page, (store = new Uint8Array(PAGE)));
      store.set(bytes.subarray(done, done + n), inPage);
      done += n;
    }
    this.length = Math.max(this.length, end);
    this.touch();
    return bytes.length;
  }

  override truncate(len: number): number {
    if (!Number.isSafeInteger(len)) return -EFBIG;
    if (len < this.length) {
      const keep = Math.ceil(len / PAGE);
      if (this.fs.work) this.fs.work.pages += this.data.size;
      for (const page of [...this.data.keys()]) if (page >= keep) { this.data.delete(page); this.fs.pages--; }
      this.data.get(Math.floor(len / PAGE))?.fill(0, len % PAGE);
    }
    this.length = len;
    this.touch();
    return 0;
  }

  release(): void { this.opens--; this.freeIfUnused(); }

  /** The last name and the last open file are gone: the pages and the inode's charge go back, once. */
  private freeIfUnused(): void {
    if (this.nlink > 0 || this.opens > 0) return;
    if (this.fs.work) this.fs.work.pages += this.data.size;
    this.fs.pages -= this.data.size;
    this.fs.meta -= this.charge;
    this.charge = 0;
    if (this.kind === 'file') this.data.clear();
  }
}
