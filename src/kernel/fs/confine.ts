// A bound host directory, kept to itself. The guest's own walk resolves
// every symlink in the guest's namespace (vfs.ts), so a host path the kernel
// hands to HostFs is made of directories it found as directories. That stays
// true only until the guest renames: a directory it holds (a dirfd, its cwd,
// an O_PATH fd) can be renamed away and a symlink already in the bind renamed
// into its place, and the host would then follow that symlink out of the
// bind. So every HostFs call through a bind first checks, on the host, that
// no component of the path is a symlink (the final one may be, for lstat,
// readlink, unlink and rename, which do not follow it), and refuses with
// ENOENT when one is: the directory is no longer at that path.
//
// Checked directories are remembered until the next rename or rmdir through
// any bind of the kernel (the only guest calls that can turn a directory's
// path into something else), so a walk costs one lstat per new name.
//
// Limit: another host process that swaps a directory for a symlink between
// the check and the call is not stopped (Node has no openat; see
// docs/sandbox.md).

import type { HostFs, HostHandle, HostOpenHow, HostStat, HostStatfs } from '../host.js';
import { dirname } from './vfs.js';
import { ELOOP, ENOENT, ENOSYS, ENOTDIR } from '../errno.js';

/** What every bind of one kernel shares: the directories known to be real, until a rename or rmdir. */
export class DirCache {
  private readonly known = new Set<string>();
  constructor(private readonly host: HostFs, private readonly work: (items: number) => void) {}

  /** True when every component of dir, from "/", is a directory and not a symlink. */
  isReal(dir: string): boolean {
    if (dir === '/' || this.known.has(dir)) return true;
    if (!this.isReal(dirname(dir))) return false;
    this.work(1);
    const st = this.host.lstat(dir);
    if (typeof st === 'number' || st.kind !== 'dir') return false;
    this.known.add(dir);
    return true;
  }

  forget(): void { this.known.clear(); }
}

/** The HostFs of a bind: each call checks its path first (see above). */
export class ConfinedFs implements HostFs {
  constructor(private readonly host: HostFs, private readonly dirs: DirCache) {}

  /** 0 when path's directories are real, else -ENOENT. */
  private check(path: string): number { return this.dirs.isReal(dirname(path)) ? 0 : -ENOENT; }

  /** The final component too must not be a symlink (a call that would follow it). */
  private checkFinal(path: string): number {
    const r = this.check(path);
    if (r < 0) return r;
    const st = this.host.lstat(path);
    return typeof st !== 'number' && st.kind === 'symlink' ? -ELOOP : 0;
  }

  stat(path: string): HostStat | number { return this.checkFinal(path) || this.host.lstat(path); }
  lstat(path: string): HostStat | number { return this.check(path) || this.host.lstat(path); }
  readdir(path: string): string[] | number { return this.dirs.isReal(path) ? this.host.readdir(path) : -ENOTDIR; }
  readlink(path: string): string | number { return this.check(path) || this.host.readlink(path); }
  open(path: string, how: HostOpenHow, mode: number): HostHandle | number { return this.checkFinal(path) || this.host.open(path, how, mode); }
  mkdir(path: string, mode: number): number { return this.check(path) || this.host.mkdir(path, mode); }
  statfs(path: string): HostStatfs | number { return this.checkFinal(path) || (this.host.statfs?.(path) ?? -ENOSYS); }
  unlink(path: string): number { return this.check(path) || this.host.unlink(path); }

  rmdir(path: string): number {
    const r = this.check(path) || this.host.rmdir(path);
    this.dirs.forget();
    return r;
  }

  rename(from: string, to: string): number {
    const r = this.check(from) || this.check(to) || this.host.rename(from, to);
    this.dirs.forget();
    return r;
  }
}
