// tmpfs: files, directories and symlinks in host memory, for /tmp and
// /dev/shm. The guest's view follows Linux's mm/shmem.c where a program can
// see it: "/tmp" is mode 1777; a directory's nlink is 2 plus its
// subdirectories and its size 20 bytes per entry ("." and ".." included);
// a file's data lives in 4 KiB pages allocated on first write, so holes cost
// nothing and st_blocks counts only written pages; an unlinked file lives on
// while it is open; times come from the virtual clock. The size limit is
// half of guest RAM, as Linux's tmpfs default (ENOSPC beyond it).

import { RegularFile, S_IFDIR, S_IFLNK, S_IFREG, type Backing, type File, type StatInfo, type Timespec } from './file.js';
import { Vnode, type DirEntry, type Fs } from './vfs.js';
import { EFBIG, EINVAL, ELOOP, ENOENT, ENOSPC, ENOTDIR, EXDEV } from '../errno.js';

const PAGE = 4096;
const BOGO_DIRENT_SIZE = 20;

export class TmpFs implements Fs {
  readonly readOnly = false;
  readonly root: TmpNode;
  /** Pages in use across the filesystem, against maxPages. */
  pages = 0;
  private nextIno = 1;

  /** mountPath: where it is mounted (a renamed directory's path is rebuilt from it). */
  constructor(readonly dev: number, readonly mountPath: string, readonly maxPages: number, readonly now: () => Timespec) {
    this.root = new TmpNode(this, 'dir', 0o1777);
  }

  newIno(): number { return this.nextIno++; }

  /** Makes the directories of a relative path exist (mount points under /tmp for --rw directories). */
  mkdirs(parts: readonly string[]): void {
    let dir = this.root;
    for (const name of parts) {
      if (!dir.children.has(name)) dir.attach(name, new TmpNode(this, 'dir', 0o755));
      const next = dir.children.get(name)!;
      if (next.kind !== 'dir') return;
      dir = next;
    }
  }
}

export class TmpNode extends Vnode implements Backing {
  readonly ino: number;
  nlink: number;
  uid = 0;
  gid = 0;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** A directory's entries, and where it hangs (for livePath and ".."). */
  readonly children = new Map<string, TmpNode>();
  parent: TmpNode | undefined;
  name = '';
  /** A symlink's target. */
  target = '';
  /** A regular file's data: page index → 4 KiB, absent pages read as zeros. */
  private readonly data = new Map<number, Uint8Array>();
  private length = 0;
  private opens = 0;

  constructor(readonly fs: TmpFs, readonly kind: 'file' | 'dir' | 'symlink', public mode: number) {
    super();
    this.ino = fs.newIno();
    this.nlink = kind === 'dir' ? 2 : 1;
    this.atime = this.mtime = this.ctime = fs.now();
  }

  override stat(): StatInfo {
    const type = this.kind === 'dir' ? S_IFDIR : this.kind === 'file' ? S_IFREG : S_IFLNK;
    const size = this.kind === 'dir' ? BOGO_DIRENT_SIZE * (this.children.size + 2)
      : this.kind === 'file' ? this.length : new TextEncoder().encode(this.target).length;
    return {
      mode: type | this.mode, size, ino: this.ino, rdev: 0, mtimeMs: 0, nlink: this.nlink, blocks: this.data.size * (PAGE / 512),
      blksize: PAGE, dev: this.fs.dev, uid: this.uid, gid: this.gid, atime: this.atime, mtime: this.mtime, ctime: this.ctime,
    };
  }

  override lookup(name: string): Vnode | number {
    if (this.kind !== 'dir') return -ENOTDIR;
    return this.children.get(name) ?? -ENOENT;
  }

  override list(): DirEntry[] | number {
    if (this.kind !== 'dir') return -ENOTDIR;
    return [...this.children].map(([name, n]) => ({ name, ino: n.ino, kind: n.kind }));
  }

  override readlink(): string | number { return this.kind === 'symlink' ? this.target : -EINVAL; }

  override open(flags: number): File | number {
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

  private detach(name: string): TmpNode {
    const node = this.children.get(name)!;
    this.children.delete(name);
    if (node.kind === 'dir') this.nlink--;
    this.touch();
    return node;
  }

  private touch(): void { this.mtime = this.ctime = this.fs.now(); }

  /** A removed directory takes no new entries (Linux: ENOENT). */
  private get gone(): boolean { return this.kind === 'dir' && this.nlink === 0; }

  override create(name: string, mode: number): Vnode | number {
    if (this.gone) return -ENOENT;
    const node = new TmpNode(this.fs, 'file', mode & 0o7777);
    this.attach(name, node);
    return node;
  }

  override tmpfile(mode: number): Vnode | number {
    if (this.gone) return -ENOENT;
    const node = new TmpNode(this.fs, 'file', mode & 0o7777);
    node.nlink = 0;
    return node;
  }

  override mkdir(name: string, mode: number): number {
    if (this.gone) return -ENOENT;
    this.attach(name, new TmpNode(this.fs, 'dir', mode & 0o7777));
    return 0;
  }

  override symlink(name: string, target: string): number {
    if (this.gone) return -ENOENT;
    const node = new TmpNode(this.fs, 'symlink', 0o777);
    node.target = target;
    this.attach(name, node);
    return 0;
  }

  override link(name: string, target: Vnode): number {
    if (!(target instanceof TmpNode) || target.fs !== this.fs) return -EXDEV;
    if (this.gone) return -ENOENT;
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
    return 0;
  }

  override rename(name: string, to: Vnode, toName: string): number {
    if (!(to instanceof TmpNode) || to.fs !== this.fs) return -EXDEV;
    const node = this.children.get(name)!;
    const old = to.children.get(toName);
    if (old === node) return 0;
    if (old !== undefined) { if (old.kind === 'dir') to.rmdir(toName); else to.unlink(toName); }
    this.detach(name);
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
    if (this.fs.pages + fresh > this.fs.maxPages) return -ENOSPC;
    this.fs.pages += fresh;
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
      for (const page of [...this.data.keys()]) if (page >= keep) { this.data.delete(page); this.fs.pages--; }
      this.data.get(Math.floor(len / PAGE))?.fill(0, len % PAGE);
    }
    this.length = len;
    this.touch();
    return 0;
  }

  release(): void { this.opens--; this.freeIfUnused(); }

  /** The last name and the last open file are gone: the pages go back. */
  private freeIfUnused(): void {
    if (this.nlink > 0 || this.opens > 0 || this.kind !== 'file') return;
    this.fs.pages -= this.data.size;
    this.data.clear();
  }
}
