// The host filesystem at the same paths, through HostFs (host.ts). Mounted
// read-only at "/" (every change is EROFS, as on a read-only mount), and
// again, writable, at each --rw directory. An open host file is one host
// descriptor used with positional I/O at the guest's offsets, whatever the
// file's size: nothing is read before the guest asks for it, writes land on
// the host at once and other openers see them, and the descriptor is closed
// when the guest's last reference goes (so open host descriptors are bounded
// by the guests' RLIMIT_NOFILE tables). A directory open in the guest follows
// renames made through lde (Linux: the fd names the directory, not its path);
// a rename made on the host by another program is not seen. Ownership is not
// mapped: the guest is root and sees every host file owned by root.

import type { HostFs, HostHandle, HostStat } from '../host.js';
import { RegularFile, S_IFDIR, S_IFLNK, S_IFREG, type Backing, type File, type StatInfo, type Timespec } from './file.js';
import { Vnode, join, type Ctx, type DirEntry, type Fs, type Kind } from './vfs.js';
import { EINVAL, ENOENT, ENOTDIR, ENXIO, EPERM, EROFS } from '../errno.js';

const S_IFSOCK = 0o140000;
const O_ACCMODE = 3, O_TRUNC = 0o1000;

export class HostMount implements Fs {
  constructor(readonly host: HostFs, readonly readOnly: boolean, readonly dev: number) {}

  /** The vnode for a host path (a final symlink is not followed), or -errno. */
  node(path: string): HostNode | number {
    const st = this.host.lstat(path);
    return typeof st === 'number' ? st : new HostNode(this, path, st);
  }

  /** Directories the guest holds open (a directory fd, O_PATH), with how many holds each. */
  private readonly pinned = new Map<HostNode, number>();

  pin(n: HostNode): void { this.pinned.set(n, (this.pinned.get(n) ?? 0) + 1); }
  unpin(n: HostNode): void {
    const left = (this.pinned.get(n) ?? 1) - 1;
    if (left > 0) this.pinned.set(n, left); else this.pinned.delete(n);
  }

  /**
   * A rename through lde moved host path `from` to `to`, replacing an empty
   * directory there if any: held directories at or under `from` now live
   * under `to`, and one held at `to` is gone. Work: the held directories.
   */
  moved(from: string, to: string, c: Ctx): void {
    if (from === to) return;
    c.k.work.items += this.pinned.size;
    for (const n of this.pinned.keys()) {
      if (n.hostPath === to) n.gone = true;
      else if (n.hostPath === from || n.hostPath.startsWith(`${from}/`)) n.move(to + n.hostPath.slice(from.length));
    }
  }

  /** rmdir removed `path`: a directory held there is gone (its fd finds nothing, as Linux's deleted directory). */
  removed(path: string, c: Ctx): void {
    c.k.work.items += this.pinned.size;
    for (const n of this.pinned.keys()) if (n.hostPath === path) n.gone = true;
  }
}

const ts = (ms: number | undefined): Timespec | undefined =>
  ms === undefined ? undefined : [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6) % 1e9];

function info(st: HostStat, dev: number): StatInfo {
  const type = st.kind === 'dir' ? S_IFDIR : st.kind === 'file' ? S_IFREG : st.kind === 'symlink' ? S_IFLNK : S_IFSOCK;
  return {
    mode: type | st.mode, size: st.size, ino: st.ino, rdev: 0, mtimeMs: st.mtimeMs, dev,
    nlink: st.nlink, blocks: st.blocks, atime: ts(st.atimeMs), ctime: ts(st.ctimeMs),
  };
}

/** A host file open for writing (--rw): the Backing of a RegularFile. */
class HostBacking implements Backing {
  constructor(private readonly h: HostHandle, private readonly dev: number) {}
  size(): number { const s = this.h.stat(); return typeof s === 'number' ? 0 : s.size; }
  read(off: number, len: number): Uint8Array | number { return this.h.read(off, len); }
  write(off: number, bytes: Uint8Array): number { return this.h.write(off, bytes); }
  truncate(len: number): number { return this.h.truncate(len); }
  stat(): StatInfo {
    const s = this.h.stat();
    return typeof s === 'number' ? { mode: S_IFREG, size: 0, ino: 0, rdev: 0, mtimeMs: 0, dev: this.dev } : info(s, this.dev);
  }
  release(): void { this.h.close(); }
}

export class HostNode extends Vnode {
  readonly kind: Kind;
  /** A held directory that was removed (rmdir, or replaced by a rename): it has no entries and takes none. */
  gone = false;
  private moves = false;

  /** hostPath: where the file is now (a held directory's path follows renames: HostMount.moved). */
  constructor(readonly fs: HostMount, public hostPath: string, private readonly st: HostStat) {
    super();
    this.kind = st.kind === 'other' ? 'other' : st.kind;
  }

  private get host(): HostFs { return this.fs.host; }

  override stat(): StatInfo { return info(this.st, this.fs.dev); }

  override pin(): void { if (this.kind === 'dir') this.fs.pin(this); }
  override unpin(): void { if (this.kind === 'dir') this.fs.unpin(this); }

  move(to: string): void { this.hostPath = to; this.moves = true; }

  /** A renamed directory's path: a host mount is at its own host path (mounts.ts), so the guest path is the host's. */
  override livePath(): string | undefined { return this.moves && !this.gone ? this.hostPath : undefined; }

  override lookup(name: string): Vnode | number {
    if (this.kind !== 'dir') return -ENOTDIR;
    return this.gone ? -ENOENT : this.fs.node(join(this.hostPath, name));
  }

  /** The entries with their inode numbers: one host lstat each, metered as items. */
  override list(c: Ctx): DirEntry[] | number {
    if (this.kind !== 'dir') return -ENOTDIR;
    if (this.gone) return [];
    const names = this.host.readdir(this.hostPath);
    if (typeof names === 'number') return names;
    c.k.work.items += names.length;
    const out: DirEntry[] = [];
    for (const name of names) {
      const st = this.host.lstat(join(this.hostPath, name));
      if (typeof st !== 'number') out.push({ name, ino: st.ino, kind: st.kind });
    }
    return out;
  }

  override readlink(): string | number { return this.kind === 'symlink' ? this.host.readlink(this.hostPath) : -EINVAL; }

  override open(flags: number): File | number {
    if (this.kind !== 'file') return -ENXIO;
    const write = (flags & O_ACCMODE) !== 0, trunc = (flags & O_TRUNC) !== 0;
    if (this.fs.readOnly && (write || trunc)) return -EROFS;
    const h = this.host.open(this.hostPath, { write, create: false, excl: false, trunc }, 0);
    return typeof h === 'number' ? h : new RegularFile(new HostBacking(h, this.fs.dev), flags);
  }

  // ---- changes: only under a --rw directory ----------------------------------

  override create(name: string, mode: number): Vnode | number {
    if (this.fs.readOnly) return -EROFS;
    if (this.gone) return -ENOENT;
    const path = join(this.hostPath, name);
    const h = this.host.open(path, { write: true, create: true, excl: true, trunc: false }, mode);
    if (typeof h === 'number') return h;
    h.close();
    return this.fs.node(path);
  }

  override mkdir(name: string, mode: number): number {
    if (this.fs.readOnly) return -EROFS;
    return this.gone ? -ENOENT : this.host.mkdir(join(this.hostPath, name), mode);
  }

  override unlink(name: string): number { return this.fs.readOnly ? -EROFS : this.host.unlink(join(this.hostPath, name)); }

  override rmdir(name: string, c: Ctx): number {
    if (this.fs.readOnly) return -EROFS;
    const path = join(this.hostPath, name), r = this.host.rmdir(path);
    if (r === 0) this.fs.removed(path, c);
    return r;
  }

  override rename(name: string, to: Vnode, toName: string, c: Ctx): number {
    if (this.fs.readOnly) return -EROFS;
    if (!(to instanceof HostNode)) return -EINVAL;
    const from = join(this.hostPath, name), dest = join(to.hostPath, toName);
    const r = this.host.rename(from, dest);
    if (r === 0) this.fs.moved(from, dest, c);
    return r;
  }

  override truncate(len: number): number {
    if (this.fs.readOnly) return -EROFS;
    const h = this.host.open(this.hostPath, { write: true, create: false, excl: false, trunc: false }, 0);
    if (typeof h === 'number') return h;
    const r = h.truncate(len);
    h.close();
    return r;
  }

  // HostFs has no chmod, utimes, symlink or link: under --rw they are refused as an unprivileged user would be.
  override chmod(): number { return this.fs.readOnly ? -EROFS : -EPERM; }
  override utimes(): number { return this.fs.readOnly ? -EROFS : -EPERM; }
  override symlink(): number { return this.fs.readOnly ? -EROFS : -EPERM; }
  override link(): number { return this.fs.readOnly ? -EROFS : -EPERM; }
}
