// The host filesystem at the same paths, through HostFs (host.ts). Mounted
// read-only at "/" (every change is EROFS, as on a read-only mount), and
// again, writable, at each --rw directory. A read-only file is read whole
// when opened (MemFile); a file under a --rw directory is a host descriptor
// used with positional I/O, so writes land on the host at once and other
// openers see them. Ownership is not mapped: the guest is root and sees
// every host file owned by root.

import type { HostFs, HostHandle, HostStat } from '../host.js';
import { MemFile, RegularFile, S_IFDIR, S_IFLNK, S_IFREG, type Backing, type File, type StatInfo, type Timespec } from './file.js';
import { Vnode, join, type DirEntry, type Fs, type Kind } from './vfs.js';
import { EINVAL, ENOTDIR, ENXIO, EPERM, EROFS } from '../errno.js';

const S_IFSOCK = 0o140000;
const O_ACCMODE = 3, O_TRUNC = 0o1000;

export class HostMount implements Fs {
  constructor(readonly host: HostFs, readonly readOnly: boolean, readonly dev: number) {}

  /** The vnode for a host path (a final symlink is not followed), or -errno. */
  node(path: string): HostNode | number {
    const st = this.host.lstat(path);
    return typeof st === 'number' ? st : new HostNode(this, path, st);
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

  constructor(readonly fs: HostMount, readonly hostPath: string, private readonly st: HostStat) {
    super();
    this.kind = st.kind === 'other' ? 'other' : st.kind;
  }

  private get host(): HostFs { return this.fs.host; }

  override stat(): StatInfo { return info(this.st, this.fs.dev); }

  override lookup(name: string): Vnode | number {
    return this.kind === 'dir' ? this.fs.node(join(this.hostPath, name)) : -ENOTDIR;
  }

  override list(): DirEntry[] | number {
    if (this.kind !== 'dir') return -ENOTDIR;
    const names = this.host.readdir(this.hostPath);
    if (typeof names === 'number') return names;
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
    if (this.fs.readOnly) {
      if (write || trunc) return -EROFS;
      const data = this.host.readFile(this.hostPath);
      return typeof data === 'number' ? data : new MemFile(data, flags, this.stat());
    }
    const h = this.host.open(this.hostPath, { write, create: false, excl: false, trunc }, 0);
    return typeof h === 'number' ? h : new RegularFile(new HostBacking(h, this.fs.dev), flags);
  }

  // ---- changes: only under a --rw directory ----------------------------------

  override create(name: string, mode: number): Vnode | number {
    if (this.fs.readOnly) return -EROFS;
    const path = join(this.hostPath, name);
    const h = this.host.open(path, { write: true, create: true, excl: true, trunc: false }, mode);
    if (typeof h === 'number') return h;
    h.close();
    return this.fs.node(path);
  }

  override mkdir(name: string, mode: number): number {
    return this.fs.readOnly ? -EROFS : this.host.mkdir(join(this.hostPath, name), mode);
  }

  override unlink(name: string): number { return this.fs.readOnly ? -EROFS : this.host.unlink(join(this.hostPath, name)); }

  override rmdir(name: string): number { return this.fs.readOnly ? -EROFS : this.host.rmdir(join(this.hostPath, name)); }

  override rename(name: string, to: Vnode, toName: string): number {
    if (this.fs.readOnly) return -EROFS;
    if (!(to instanceof HostNode)) return -EINVAL;
    return this.host.rename(join(this.hostPath, name), join(to.hostPath, toName));
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
