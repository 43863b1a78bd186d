// /dev: the devices programs expect, made by the kernel (the host's /dev is
// hidden). Character devices with Linux's numbers (Documentation/admin-guide/
// devices.txt): null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9, and
// tty 5:0, the caller's controlling terminal when the guest has one
// (tty.ts), else the console (reads come from the host's stdin, writes go
// to its stdout). /dev/fd and /dev/std{in,out,err} are the usual symlinks into
// /proc/self/fd; /dev/shm is a tmpfs mounted over the "shm" entry.

import type { Kernel } from '../kernel.js';
import { ConsoleFile, File, S_IFCHR, S_IFDIR, S_IFLNK, type StatInfo } from './file.js';
import { Vnode, type Ctx, type DirEntry, type Fs, type Kind } from './vfs.js';
import { ENOENT, ENOSPC, ENOTDIR, ENXIO } from '../errno.js';
import { TtyFile, ttyOf } from './tty.js';

type CharDev = 'null' | 'zero' | 'full' | 'random' | 'urandom' | 'tty';
const RDEV: Readonly<Record<CharDev, number>> = { null: 0x103, zero: 0x105, full: 0x107, random: 0x108, urandom: 0x109, tty: 0x500 };
const LINKS: Readonly<Record<string, string>> = {
  fd: '/proc/self/fd', stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2',
};
const NAMES = ['full', 'null', 'random', 'tty', 'urandom', 'zero'] as const;

export class DevFs implements Fs {
  readonly readOnly = true;
  readonly root: Vnode;
  /** bootMs: the devices' times (they were made at boot). */
  constructor(readonly dev: number, readonly bootMs: number) { this.root = new DevDir(this); }
}

class DevDir extends Vnode {
  readonly kind = 'dir';
  constructor(readonly fs: DevFs) { super(); }
  override stat(): StatInfo { return { mode: S_IFDIR | 0o755, size: 0, ino: 1, rdev: 0, mtimeMs: this.fs.bootMs, nlink: 3, dev: this.fs.dev }; }
  override lookup(name: string): Vnode | number {
    if ((NAMES as readonly string[]).includes(name)) return new DevNode(this.fs, name as CharDev);
    if (LINKS[name] !== undefined) return new DevLink(this.fs, name);
    return -ENOENT;
  }
  override list(): DirEntry[] {
    const entries: DirEntry[] = NAMES.map((n) => ({ name: n, ino: ino(n), kind: 'chr' as Kind }));
    for (const n of Object.keys(LINKS)) entries.push({ name: n, ino: ino(n), kind: 'symlink' });
    entries.push({ name: 'shm', ino: ino('shm'), kind: 'dir' });
    return entries;
  }
}

/** Stable inode numbers for the fixed entries. */
function ino(name: string): number { return 2 + [...NAMES, ...Object.keys(LINKS), 'shm'].indexOf(name); }

class DevLink extends Vnode {
  readonly kind = 'symlink';
  constructor(readonly fs: DevFs, private readonly name: string) { super(); }
  override stat(): StatInfo {
    return { mode: S_IFLNK | 0o777, size: LINKS[this.name].length, ino: ino(this.name), rdev: 0, mtimeMs: this.fs.bootMs, dev: this.fs.dev };
  }
  override readlink(): string { return LINKS[this.name]; }
}

class DevNode extends Vnode {
  readonly kind = 'chr';
  constructor(readonly fs: DevFs, private readonly dev: CharDev) { super(); }
  override stat(): StatInfo { return devStat(this.dev, this.fs); }
  override lookup(): number { return -ENOTDIR; }
  override open(flags: number, c: Ctx): File | number {
    if (this.dev !== 'tty') return new CharFile(c.k, this.dev, flags, this.fs);
    const tty = ttyOf(c.k);
    if (tty === undefined) return new StdioTtyFile(c.k, flags, this.fs);
    // The guest has a terminal (fs/tty.ts): /dev/tty is the caller's controlling one, ENXIO without (tty_open_current_tty).
    return tty.controls(c.p) ? new TtyFile(c.k, tty, flags) : -ENXIO;
  }
}

function devStat(dev: CharDev, fs: DevFs): StatInfo {
  return { mode: S_IFCHR | 0o666, size: 0, ino: ino(dev), rdev: RDEV[dev], mtimeMs: fs.bootMs, dev: fs.dev, blocks: 0 };
}

/** null, zero, full, random and urandom: they never block, and any offset is fine. */
class CharFile extends File {
  constructor(private readonly k: Kernel, private readonly dev: Exclude<CharDev, 'tty'>, flags: number, private readonly fs: DevFs) { super(flags); }
  /** At most 1 MiB a call (a short read, as Linux's /dev/zero gives per page); any len, even a negative one, is safe. */
  override read(len: number): Uint8Array {
    const n = this.dev === 'null' || !(len > 0) ? 0 : Math.min(len, 1 << 20);
    if (this.dev !== 'random' && this.dev !== 'urandom') return new Uint8Array(n);
    return Uint8Array.from({ length: n }, () => Math.floor(this.k.random() * 256)); // seeded by --seed
  }
  override write(bytes: Uint8Array): number { return this.dev === 'full' ? -ENOSPC : bytes.length; }
  /** Nothing to give back: the device has no position, and the bytes not copied are dropped (Linux reports the short count too). */
  override unread(_bytes: Uint8Array, copied: number): number { return copied; }
  override get positional(): boolean { return true; }
  override pread(_off: number, len: number): Uint8Array { return this.read(len); }
  override pwrite(_off: number, bytes: Uint8Array): number { return this.write(bytes); }
  override seek(): number { return (this.offset = 0); }
  override stat(): StatInfo { return devStat(this.dev, this.fs); }
}

/** /dev/tty when stdin is not a host terminal: the console, whichever way it is opened. */
class StdioTtyFile extends File {
  private readonly in: ConsoleFile;
  private readonly out: ConsoleFile;
  constructor(k: Kernel, flags: number, private readonly fs: DevFs) {
    super(flags);
    this.in = new ConsoleFile(k.host, 0, 0);
    this.out = new ConsoleFile(k.host, 1, 1);
  }
  override read(len: number): Uint8Array | number { return this.in.read(len); }
  override unread(bytes: Uint8Array, copied: number): number { return this.in.unread(bytes, copied); }
  override write(bytes: Uint8Array): number { return this.out.write(bytes); }
  override stat(): StatInfo { return devStat('tty', this.fs); }
  override isTty(): boolean { return this.in.isTty() || this.out.isTty(); }
}
