// The guest's mount table (DESIGN.md "the guest sees the host filesystem
// read-only at the same paths, with the same cwd; /tmp is in memory, and
// --rw DIR allows writes under DIR"). Built on a kernel's first file-system
// call:
//
//   /          the host, read-only
//   /tmp       tmpfs (the host's /tmp is hidden)
//   /dev       devfs, and /dev/shm a second tmpfs
//   /proc      procfs
//   DIR        for each --rw DIR: the host, writable, at the same path. A DIR
//              under /tmp is seen there too (its parent directories are made
//              in the tmpfs), so `--rw /tmp/out` does what it says.
//   cwd        when the host cwd is under /tmp, /dev or /proc (hidden by the
//              mounts above), it is mounted read-only at its own path, so
//              the guest starts in the directory it was started from.

import type { Kernel } from '../kernel.js';
import type { Timespec } from './file.js';
import { Vfs, type Vnode } from './vfs.js';
import { HostMount } from './hostfs.js';
import { TmpFs } from './tmpfs.js';
import { DevFs } from './devfs.js';
import { ProcFs } from './procfs.js';

/** st_dev of each filesystem (major 0, as Linux's anonymous devices; the host keeps one number). */
export const DEV = { host: 0x10, tmp: 0x21, shm: 0x22, dev: 0x05, proc: 0x16, rw: 0x30 } as const;

const SYNTHETIC = ['/tmp', '/dev', '/proc'];
const under = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

const namespaces = new WeakMap<Kernel, Vfs>();

/** CLOCK_REALTIME now, as file times take it: the kernel's epoch plus virtual time (one cycle is one ns). */
export function clockNow(k: Kernel): Timespec {
  const sec = Math.floor(k.epochNs / 1e9), base = k.epochNs - sec * 1e9 + k.hart.cycle;
  return [sec + Math.floor(base / 1e9), Math.floor(base % 1e9)];
}

/** The kernel's namespace, built on first use. */
export function vfsOf(k: Kernel): Vfs {
  let v = namespaces.get(k);
  if (v === undefined) namespaces.set(k, (v = build(k)));
  return v;
}

function build(k: Kernel): Vfs {
  const now = () => clockNow(k);
  const half = Math.floor(k.board.bus.ramSize / 2 / 4096);
  const ro = new HostMount(k.host.fs, true, DEV.host);
  const tmp = new TmpFs(DEV.tmp, '/tmp', half, now);
  const shm = new TmpFs(DEV.shm, '/dev/shm', half, now);
  const bootMs = k.epochNs / 1e6;
  const proc = new ProcFs(DEV.proc, ro, bootMs);
  const mounts = new Map<string, Vnode>([['/tmp', tmp.root], ['/dev', new DevFs(DEV.dev, bootMs).root], ['/dev/shm', shm.root], ['/proc', proc.root]]);
  const root = ro.node('/');
  if (typeof root === 'number') throw new Error(`the host's / cannot be read (errno ${-root})`);
  mounts.set('/', root);
  k.rwDirs.forEach((dir, i) => bind(mounts, tmp, new HostMount(k.host.fs, false, DEV.rw + i), canonical(k, root, dir)));
  const cwd = k.host.cwd;
  if (SYNTHETIC.some((d) => under(cwd, d)) && ![...mounts.keys()].some((m) => m !== '/' && under(cwd, m) && !SYNTHETIC.includes(m))) {
    bind(mounts, tmp, ro, cwd);
  }
  const vfs = new Vfs(mounts);
  proc.vfs = vfs;
  return vfs;
}

/**
 * A host directory with its symlinks resolved, as the guest's own walk will
 * reach it: a mount is found by its canonical path.
 */
function canonical(k: Kernel, root: Vnode, dir: string): string {
  const host = new Vfs(new Map([['/', root]]));
  const at = host.walk({ k, p: undefined as never }, host.root, dir, true); // host vnodes never look at the process
  return typeof at === 'number' ? dir : at.path;
}

/** Mounts the host directory `dir` at its own path. */
function bind(mounts: Map<string, Vnode>, tmp: TmpFs, fs: HostMount, dir: string): void {
  const node = fs.node(dir);
  if (typeof node === 'number' || node.kind !== 'dir') return;
  mounts.set(dir, node);
  if (under(dir, '/tmp') && dir !== '/tmp') tmp.mkdirs(dir.slice('/tmp/'.length).split('/'));
}
