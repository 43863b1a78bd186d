// The guest's mount table, built on a kernel's first file-system call from
// KernelOptions.binds (docs/sandbox.md). The kernel itself always provides:
//
//   /          an empty read-only directory, unless a bind is at "/"
//   /tmp       tmpfs, in memory
//   /dev       devfs, and /dev/shm a second tmpfs
//   /proc      procfs
//
// and each bind, in order, shows a host directory (or file) at its guest
// path, read-only or writable. A later bind covers what earlier binds put
// under its path, as a later mount does; /tmp, /dev and /proc stay. The
// directories leading to a mount point are made in the empty root or in a
// tmpfs, so `ls` shows them. With no binds the guest sees no host file:
// that is the library's default. `lde run` passes wholeHost() (the host
// read-only at "/", as DESIGN.md promises); `lde run --sandbox` passes only
// the program and the --ro and --rw directories.
//
// A bind's host path is resolved on the host once (its symlinks followed);
// a mount point's guest path is resolved in the namespace built so far, so
// the guest's own walk reaches it. Every host call through a bind is
// confined to real directories (confine.ts), so no symlink, "..", rename
// or /proc link takes the guest outside what it was given.

import type { Kernel } from '../kernel.js';
import type { HostFs } from '../host.js';
import { S_IFDIR, type StatInfo, type Timespec } from './file.js';
import { Vfs, Vnode, join, type Ctx, type DirEntry, type Found, type Fs } from './vfs.js';
import { HostMount } from './hostfs.js';
import { TmpFs, TmpfsSpace, TmpNode } from './tmpfs.js';
import { DevFs } from './devfs.js';
import { ProcFs, sysCpuDir } from './procfs.js';
import { ConfinedFs, DirCache } from './confine.js';
import { ENOENT, ENOTDIR, ERRNO_NAMES } from '../errno.js';

/** A host directory or file the guest sees at `guest` (an absolute path), read-only unless `writable`. */
export interface Bind { readonly host: string; readonly guest: string; readonly writable?: boolean; }

/** A bind that cannot be made: one line naming it (the CLI prints it as `lde: ...`). */
export class MountError extends Error {}

/** st_dev of each filesystem (major 0, as Linux's anonymous devices; read-only host binds share one number). */
export const DEV = { host: 0x10, tmp: 0x21, shm: 0x22, dev: 0x05, proc: 0x16, rw: 0x30, root: 0x01 } as const;

const SYNTHETIC = ['/tmp', '/dev', '/proc'];
/** The mounts the kernel provides, which no bind covers (/proc is mounted after the binds). */
const KERNEL_MOUNTS = ['/', '/tmp', '/dev', '/dev/shm'];
const under = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

/**
 * Where the host's own directory shows when the cwd is a kernel mount point
 * itself (`/run/host/tmp` for the host's /tmp): the guest's /tmp stays the
 * tmpfs. /run/host is where containers put what they see of the host
 * (systemd-nspawn, flatpak).
 */
export const HOST_VIEW = '/run/host';

/**
 * What `lde run` shows without --sandbox (DESIGN.md): the host read-only at
 * "/"; the cwd read-only when /tmp, /dev or /proc hides it: at its own path
 * below them (its parents made in the tmpfs, so /tmp stays writable), or
 * under HOST_VIEW when it is one of those mount points itself, since
 * the guest's /tmp is always the in-memory one; each `rw` directory
 * writable at its own path (a later bind, so one above the cwd covers it).
 */
export function wholeHost(cwd?: string, rw: readonly string[] = []): Bind[] {
  const binds: Bind[] = [{ host: '/', guest: '/' }];
  if (cwd !== undefined && SYNTHETIC.some((d) => under(cwd, d))) {
    binds.push({ host: cwd, guest: KERNEL_MOUNTS.includes(cwd) || cwd === '/proc' ? HOST_VIEW + cwd : cwd });
  }
  for (const dir of rw) binds.push({ host: dir, guest: dir, writable: true });
  return binds;
}

/** Whether a guest path that a bind at bindGuest shows is covered by the kernel's own /tmp, /dev or /proc. */
export function hiddenByKernelMount(guestPath: string, bindGuest: string): boolean {
  return SYNTHETIC.some((d) => under(guestPath, d) && !under(bindGuest, d));
}

const namespaces = new WeakMap<Kernel, Vfs>();

/** CLOCK_REALTIME now, as file times take it: the kernel's epoch plus virtual time (one cycle is one ns). */
export function clockNow(k: Kernel): Timespec {
  const sec = Math.floor(k.epochNs / 1e9), base = k.epochNs - sec * 1e9 + k.hart.cycle;
  return [sec + Math.floor(base / 1e9), Math.floor(base % 1e9)];
}

/** The kernel's namespace, built on first use. Throws MountError when a bind cannot be made. */
export function vfsOf(k: Kernel): Vfs {
  let v = namespaces.get(k);
  if (v === undefined) namespaces.set(k, (v = build(k)));
  return v;
}

function build(k: Kernel): Vfs {
  const now = () => clockNow(k);
  const half = Math.floor(k.board.bus.ramSize / 2 / 4096);
  const space = new TmpfsSpace(half); // the two mounts share one half of RAM (tmpfs.ts TmpfsSpace)
  const tmp = new TmpFs(DEV.tmp, '/tmp', half, now, space);
  const shm = new TmpFs(DEV.shm, '/dev/shm', half, now, space);
  const bootMs = k.epochNs / 1e6;
  const dirs = new DirCache(k.host.fs, (n) => { k.work.items += n; });
  const root = new SkelDir(new SkelFs(bootMs), 0o755);
  for (const d of [...SYNTHETIC, '/dev/shm']) root.mkdirs(d.split('/').slice(1));
  const ns = new Namespace(k, root, [tmp, shm]);
  ns.mounts.set('/tmp', tmp.root).set('/dev', new DevFs(DEV.dev, bootMs).root).set('/dev/shm', shm.root);
  let rw = 0, wholeHost: HostMount | undefined;
  for (const b of k.binds) {
    const fs = new HostMount(new ConfinedFs(k.host.fs, dirs), !b.writable, b.writable ? DEV.rw + rw++ : DEV.host);
    const { at, host } = ns.bind(b, fs);
    if (at === '/') wholeHost = host === '/' ? fs : undefined;
  }
  // /proc/PID/exe of a program the guest cannot see is read from the host only when the guest's root is the host's.
  const proc = new ProcFs(DEV.proc, wholeHost ?? new HostMount(NOTHING, true, DEV.host), bootMs);
  ns.mounts.set('/proc', proc.root);
  if (k.cpus.length > 1) ns.mountNode('/sys/devices/system/cpu', sysCpuDir(proc)); // the guest's harts, not the host's CPUs (--smp N; one hart: as before)
  const vfs = new Vfs(ns.mounts);
  proc.vfs = vfs;
  proc.mounts = ns.mounts;
  return vfs;
}

/** The mount table while it is built: each bind resolves its guest path through the mounts made so far. */
class Namespace {
  readonly mounts = new Map<string, Vnode>();
  private readonly c: Ctx;

  private readonly skel: SkelFs;

  constructor(private readonly k: Kernel, root: SkelDir, private readonly tmpfs: readonly TmpFs[]) {
    this.mounts.set('/', root);
    this.skel = root.fs;
    this.c = { k, p: undefined as never }; // the walks here meet host, tmpfs and empty directories, which never look at the process
  }

  /** Mounts b's host path, through fs, at b's guest path; returns both, canonical. */
  bind(b: Bind, fs: HostMount): { at: string; host: string } {
    const host = this.hostPath(b.host);
    const node = fs.node(host);
    if (typeof node === 'number') throw new MountError(`${b.host}: cannot be bound (${ERRNO_NAMES[-node] ?? node})`);
    const at = b.guest === '/' ? '/' : this.mountPoint(b.guest, node.kind === 'dir');
    for (const m of [...this.mounts.keys()]) if (m !== at && under(m, at) && !KERNEL_MOUNTS.includes(m)) this.mounts.delete(m);
    this.mounts.set(at, node);
    return { at, host };
  }

  /** Mounts a kernel-made directory at `guest` (its directories made as for a bind). */
  mountNode(guest: string, node: Vnode): void { this.mounts.set(this.mountPoint(guest, true), node); }

  /** A host path with its symlinks resolved on the host. */
  private hostPath(path: string): string {
    const root = new HostMount(this.k.host.fs, true, DEV.host).node('/');
    const at = typeof root === 'number' ? root : new Vfs(new Map([['/', root]])).walk(this.c, { node: root, path: '/' }, path, true);
    if (typeof at === 'number') throw new MountError(`${path}: cannot be bound (${ERRNO_NAMES[-at] ?? at})`);
    return at.path;
  }

  /**
   * The canonical guest path of a mount point: its existing directories
   * resolved in the namespace so far (symlinks included), the rest appended
   * and made as directories where the parent is the empty root or a tmpfs.
   */
  private mountPoint(guest: string, dir: boolean): string {
    const vfs = new Vfs(this.mounts);
    const parts = guest.split('/').filter((s) => s !== '');
    const last = dir ? [] : [parts.pop()!];
    let at: Found = vfs.root;
    for (let i = 0; i < parts.length; i++) {
      const next = vfs.walk(this.c, at, parts[i], true);
      if (typeof next === 'number' || next.node.kind !== 'dir') {
        if (next !== -ENOENT) throw new MountError(`${guest}: cannot be a mount point (${typeof next === 'number' ? ERRNO_NAMES[-next] : `${next.path} is not a directory`})`);
        this.makeDirs(at, parts.slice(i));
        return [at.path, ...parts.slice(i), ...last].reduce(join);
      }
      at = next;
    }
    return [at.path, ...last].reduce(join);
  }

  /**
   * Makes the directories `rest` under `at` when at is the empty root or a
   * tmpfs directory; elsewhere (a host directory) an empty read-only
   * directory is mounted at the first of them, holding the others, so the
   * mount point is reached (/run/host/tmp), though `at` does not list it.
   */
  private makeDirs(at: Found, rest: readonly string[]): void {
    if (at.node instanceof SkelDir) { at.node.mkdirs(rest); return; }
    const fs = this.tmpfs.find((t) => at.node instanceof TmpNode && at.node.fs === t);
    if (fs !== undefined) { fs.mkdirs([...at.path.slice(fs.mountPath.length).split('/').filter((s) => s !== ''), ...rest]); return; }
    const skel = new SkelDir(this.skel, 0o755);
    skel.mkdirs(rest.slice(1));
    this.mounts.set(join(at.path, rest[0]), skel);
  }
}

// ---- the empty root ------------------------------------------------------------

class SkelFs implements Fs {
  readonly dev = DEV.root;
  readonly readOnly = true;
  private ino = 1;
  constructor(readonly bootMs: number) {}
  newIno(): number { return this.ino++; }
}

/** A directory of the empty read-only root: it holds only the directories leading to mount points. */
class SkelDir extends Vnode {
  readonly kind = 'dir';
  readonly ino: number;
  private readonly children = new Map<string, SkelDir>();
  constructor(readonly fs: SkelFs, private readonly perm: number) { super(); this.ino = fs.newIno(); }

  override stat(): StatInfo {
    return { mode: S_IFDIR | this.perm, size: 0, ino: this.ino, rdev: 0, mtimeMs: this.fs.bootMs, nlink: 2 + this.children.size, dev: this.fs.dev };
  }
  override lookup(name: string): Vnode | number { return this.children.get(name) ?? -ENOENT; }
  override list(): DirEntry[] { return [...this.children].map(([name, d]) => ({ name, ino: d.ino, kind: 'dir' as const })); }

  mkdirs(parts: readonly string[]): void {
    let dir: SkelDir = this;
    for (const name of parts) {
      let next = dir.children.get(name);
      if (next === undefined) dir.children.set(name, (next = new SkelDir(this.fs, 0o755)));
      dir = next;
    }
  }
}

/** The host as the guest sees it when no bind shows the whole host: nothing. */
const NOTHING: HostFs = {
  stat: () => -ENOENT, lstat: () => -ENOENT, readdir: () => -ENOTDIR, readlink: () => -ENOENT,
  open: () => -ENOENT, mkdir: () => -ENOENT, unlink: () => -ENOENT, rmdir: () => -ENOENT, rename: () => -ENOENT,
};
