// The lab's host filesystem (kernel/host.ts HostFs): a read-only tree in
// memory, holding the bundled programs at /bin and a dropped ELF. The
// guest sees it through one bind, / → /host (docs/lab.md); its own /tmp,
// /proc and /dev are the kernel's.

import type { HostFs, HostHandle, HostOpenHow, HostStat } from '../kernel/host.js';

const ENOENT = -2, ENOTDIR = -20, EISDIR = -21, EINVAL = -22, EROFS = -30;

type Node = { kind: 'dir'; entries: Map<string, Node>; ino: number } | { kind: 'file'; bytes: Uint8Array; mode: number; ino: number };

export class MemFs implements HostFs {
  private nextIno = 2;
  private readonly root: Node = { kind: 'dir', entries: new Map(), ino: 1 };
  /** The time every file claims (the lab has no host clock worth showing): the page's load. */
  constructor(private readonly mtimeMs = 0) {}

  /** Adds a file at an absolute path (directories made as needed). */
  add(path: string, bytes: Uint8Array, mode = 0o755): void {
    const parts = path.split('/').filter(Boolean);
    let dir = this.root;
    for (const part of parts.slice(0, -1)) {
      if (dir.kind !== 'dir') throw new Error(`${path}: not a directory`);
      let next = dir.entries.get(part);
      if (next === undefined) { next = { kind: 'dir', entries: new Map(), ino: this.nextIno++ }; dir.entries.set(part, next); }
      dir = next;
    }
    if (dir.kind !== 'dir') throw new Error(`${path}: not a directory`);
    dir.entries.set(parts[parts.length - 1], { kind: 'file', bytes, mode, ino: this.nextIno++ });
  }

  private find(path: string): Node | number {
    let node: Node = this.root;
    for (const part of path.split('/').filter(Boolean)) {
      if (node.kind !== 'dir') return ENOTDIR;
      const next: Node | undefined = node.entries.get(part);
      if (next === undefined) return ENOENT;
      node = next;
    }
    return node;
  }

  private statOf(n: Node): HostStat {
    const size = n.kind === 'file' ? n.bytes.length : 4096;
    return { kind: n.kind, size, mode: n.kind === 'file' ? n.mode : 0o755, mtimeMs: this.mtimeMs, ino: n.ino, nlink: 1, blocks: Math.ceil(size / 512) };
  }

  stat(path: string): HostStat | number { const n = this.find(path); return typeof n === 'number' ? n : this.statOf(n); }
  lstat(path: string): HostStat | number { return this.stat(path); }
  readdir(path: string): string[] | number {
    const n = this.find(path);
    if (typeof n === 'number') return n;
    return n.kind === 'dir' ? [...n.entries.keys()] : ENOTDIR;
  }
  readlink(path: string): string | number { const n = this.find(path); return typeof n === 'number' ? n : EINVAL; }
  open(path: string, how: HostOpenHow, _mode?: number): HostHandle | number {
    const n = this.find(path);
    if (typeof n === 'number') return how.create ? EROFS : n;
    if (how.write) return n.kind === 'dir' ? EISDIR : EROFS;
    const stat = this.statOf(n);
    const bytes = n.kind === 'file' ? n.bytes : new Uint8Array(0);
    return {
      read: (pos, len) => (n.kind === 'dir' ? EISDIR : bytes.subarray(Math.min(pos, bytes.length), Math.min(pos + Math.max(0, len), bytes.length))),
      write: () => EROFS,
      truncate: () => EROFS,
      stat: () => stat,
      close: () => {},
    };
  }
  mkdir(): number { return EROFS; }
  unlink(): number { return EROFS; }
  rmdir(): number { return EROFS; }
  rename(): number { return EROFS; }
}
