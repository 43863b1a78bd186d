// What each mounted filesystem says about itself: statfs(2)'s numbers and
// the lines of /proc/mounts and /proc/self/mountinfo (proc(5)). The kind of
// a filesystem is told from its class; the host's binds ask the host
// (HostFs.statfs), so `df /` in the guest shows the host's disk.
//
// Magic numbers are Linux's (include/uapi/linux/magic.h): tmpfs and devtmpfs
// report TMPFS_MAGIC, /proc PROC_SUPER_MAGIC, the empty root RAMFS_MAGIC;
// open files with no path report the pseudo filesystem they live in on
// Linux (pipefs, devpts for the console, anon_inodefs).

import type { Kernel } from '../kernel.js';
import type { File } from './file.js';
import type { Vnode } from './vfs.js';
import { TmpFs } from './tmpfs.js';
import { DevFs } from './devfs.js';
import { HostMount, HostNode } from './hostfs.js';

export const MAGIC = {
  tmpfs: 0x01021994, proc: 0x9fa0, ext4: 0xef53, ramfs: 0x858458f6, pipefs: 0x50495045, devpts: 0x1cd1,
  anon: 0x09041934, btrfs: 0x9123683e, xfs: 0x58465342, overlay: 0x794c7630, nfs: 0x6969, fuse: 0x65735546,
} as const;

/** statfs f_flags (statfs(2)): ST_RDONLY 1, ST_NOSUID 2, ST_NODEV 4, ST_NOEXEC 8, ST_RELATIME 0x1000, and ST_VALID 0x20. */
const ST = { rdonly: 1, nosuid: 2, nodev: 4, noexec: 8, valid: 0x20, relatime: 0x1000 } as const;

/** struct statfs's values (asm-generic/statfs.h); sizes in f_bsize blocks. */
export interface Statfs {
  type: number; bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number;
  namelen: number; frsize: number; flags: number;
}

/** One mount as /proc/mounts shows it. */
interface Mount { source: string; type: string; magic: number; opts: string[]; flags: number; sizes?: Statfs; hostRoot?: string }

const PAGE = 4096, INODE_COST = 1024;
const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(MAGIC).map(([k, v]) => [v, k]));

/** What a filesystem says of itself, from its root or any vnode in it. */
function describe(k: Kernel, node: Vnode): Mount {
  const fs = node.fs;
  if (fs instanceof TmpFs) {
    const max = Math.min(fs.maxPages, k.board.bus.ramSize / 2 / PAGE);
    const free = Math.max(0, max - fs.pages - Math.ceil(fs.meta / PAGE));
    const sizes = sized(MAGIC.tmpfs, max, free, (max * PAGE) / INODE_COST, (free * PAGE) / INODE_COST);
    return { source: 'tmpfs', type: 'tmpfs', magic: MAGIC.tmpfs, opts: ['rw', 'nosuid', 'nodev', 'relatime'], flags: ST.nosuid | ST.nodev, sizes };
  }
  if (fs instanceof DevFs) return { source: 'devtmpfs', type: 'devtmpfs', magic: MAGIC.tmpfs, opts: ['ro', 'nosuid', 'relatime'], flags: ST.rdonly | ST.nosuid };
  if (fs instanceof HostMount) return hostMount(fs, node instanceof HostNode ? node.hostPath : '/');
  if (fs.dev === 0x16 /* DEV.proc, mounts.ts */) return { source: 'proc', type: 'proc', magic: MAGIC.proc, opts: ['ro', 'nosuid', 'nodev', 'noexec', 'relatime'], flags: ST.rdonly | ST.nosuid | ST.nodev | ST.noexec };
  return { source: 'rootfs', type: 'rootfs', magic: MAGIC.ramfs, opts: ['ro', 'relatime'], flags: ST.rdonly };
}

function hostMount(fs: HostMount, path: string): Mount {
  const s = fs.host.statfs?.(path);
  const sizes: Statfs = typeof s === 'object' ? { ...s, namelen: 255, frsize: s.bsize, flags: 0 } : sized(MAGIC.ext4, 0, 0, 0, 0);
  const type = NAMES.get(sizes.type) ?? `0x${sizes.type.toString(16)}`;
  return { source: 'lde-host', type, magic: sizes.type, opts: [fs.readOnly ? 'ro' : 'rw', 'relatime'], flags: fs.readOnly ? ST.rdonly : 0, sizes, hostRoot: path };
}

const sized = (type: number, blocks: number, free: number, files: number, ffree: number): Statfs =>
  ({ type, bsize: PAGE, blocks, bfree: free, bavail: free, files: Math.floor(files), ffree: Math.floor(ffree), namelen: 255, frsize: PAGE, flags: 0 });

/** statfs(2) of the filesystem holding node (the host is asked for a host bind). */
export function statfsOf(k: Kernel, node: Vnode): Statfs {
  const m = describe(k, node);
  const sizes = m.sizes ?? sized(m.magic, 0, 0, 0, 0);
  return { ...sizes, type: m.magic, flags: ST.valid | ST.relatime | m.flags };
}

/** fstatfs(2) of an open file with no path: the pseudo filesystem Linux keeps it in. */
export function statfsOfFile(f: File): Statfs {
  const type = (f.stat().mode & 0o170000) === 0o010000 ? MAGIC.pipefs : f.isTty() ? MAGIC.devpts : MAGIC.anon;
  return { ...sized(type, 0, 0, 0, 0), flags: ST.valid | ST.relatime };
}

/** struct statfs for riscv64 (asm-generic, 64-bit longs): 120 bytes. */
export function statfsBytes(s: Statfs): Uint8Array {
  const b = new Uint8Array(120), dv = new DataView(b.buffer);
  [s.type, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree].forEach((v, i) => dv.setBigUint64(i * 8, BigInt(Math.max(0, Math.floor(v))), true));
  // f_fsid (56) stays 0, as Linux reports for these filesystems.
  dv.setBigUint64(64, BigInt(s.namelen), true);
  dv.setBigUint64(72, BigInt(s.frsize), true);
  dv.setBigUint64(80, BigInt(s.flags), true);
  return b;
}

/** A path in a mount line: space, tab, newline and backslash as octal escapes (Linux's mangle in fs/proc_namespace.c). */
const escape = (path: string) => path.replace(/[ \t\n\\]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`);

/** The filesystem's own options: tmpfs's size and mode. */
const ownOpts = (m: Mount) => (m.type === 'tmpfs' && m.sizes ? [`size=${m.sizes.blocks * (PAGE / 1024)}k`, 'mode=1777'] : []);
const superOpts = (m: Mount) => [m.opts[0], ...ownOpts(m)].join(',');

/** /proc/mounts: `source mountpoint type options 0 0`, in mount order. */
export function mountsText(k: Kernel, mounts: ReadonlyMap<string, Vnode>): string {
  k.work.items += mounts.size;
  return [...mounts].map(([at, node]) => {
    const m = describe(k, node);
    return `${m.source} ${escape(at)} ${m.type} ${[...m.opts, ...ownOpts(m)].join(',')} 0 0\n`;
  }).join('');
}

/**
 * /proc/PID/mountinfo (proc(5)): `id parent major:minor root mountpoint
 * options - type source superoptions`. Ids start at 21; a mount's parent
 * is the mount its mount point lies in (the root's parent, 20, is not shown).
 */
export function mountinfoText(k: Kernel, mounts: ReadonlyMap<string, Vnode>): string {
  k.work.items += mounts.size;
  const paths = [...mounts.keys()];
  const parentOf = (at: string) => {
    let best = -1;
    paths.forEach((q, i) => { if (q !== at && (q === '/' || at.startsWith(`${q}/`)) && (best < 0 || q.length > paths[best].length)) best = i; });
    return best < 0 ? 20 : 21 + best;
  };
  return [...mounts].map(([at, node], i) => {
    const m = describe(k, node), dev = node.stat().dev ?? 0;
    return `${21 + i} ${parentOf(at)} ${(dev >> 8) & 0xfff}:${dev & 0xff} ${escape(m.hostRoot ?? '/')} ${escape(at)} ${m.opts.join(',')} - ${m.type} ${m.source} ${superOpts(m)}\n`;
  }).join('');
}
