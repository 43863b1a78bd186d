// /proc: the kernel's own tables, as text (proc(5)). A file's contents are
// made when it is opened, from the process table (k.procs) and each
// process's address space and accounting:
//
//   /proc/self            symlink to the caller's pid
//   /proc/PID/exe, cwd    magic links: readlink gives the path, opening lands on the file itself
//   /proc/PID/fd/N        magic links to each open file (pipes read "pipe:[ino]")
//   /proc/PID/maps        one line per VMA, in Linux's format, with [heap] and [stack]
//   /proc/PID/stat        the 52 fields of proc(5), times in clock ticks (100 Hz)
//   /proc/PID/status      the same facts as "Name:\tvalue" lines
//   /proc/PID/comm, /proc/PID/cmdline
//   /proc/PID/mounts, mountinfo   the mount table (procinfo.ts, fsinfo.ts)
//   /proc/uptime, meminfo, cpuinfo, loadavg, mounts (a link to self/mounts): procinfo.ts
//
// Times: one cycle is one nanosecond of virtual time (DESIGN.md).

import { credOf, type Process } from '../sched/proc.js';
import { MemFile, S_IFDIR, S_IFLNK, S_IFREG, type File, type StatInfo } from './file.js';
import { Vnode, basename, originOf, type Ctx, type DirEntry, type Found, type Fs, type Kind, type Vfs } from './vfs.js';
import type { HostMount } from './hostfs.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { USER_TOP } from '../mm/vm.js';
import { PIE_BASE } from './loader.js';
import { SIG_DFL, SIG_IGN } from '../signal/signal.js';
import { EACCES, ENOENT } from '../errno.js';
import { cpuinfoText, loadavgText, meminfoText, mountinfoText, mountsText, uptimeText } from './procinfo.js';

const CYCLES_PER_TICK = 1e7; // USER_HZ 100 at 1 GHz
const O_ACCMODE = 3;

export class ProcFs implements Fs {
  readonly readOnly = true;
  readonly root: Vnode;
  /** Set once the namespace exists (mounts.ts): exe and cwd links resolve through it. */
  vfs!: Vfs;
  /** The mount table, canonical path to the root of what is mounted there, in mount order (set with vfs). */
  mounts!: ReadonlyMap<string, Vnode>;
  /** host: where an executable the guest cannot see is read from; bootMs: every entry's times. */
  constructor(readonly dev: number, readonly host: HostMount, readonly bootMs: number) { this.root = new ProcDir(this, 1, (c) => rootEntries(this, c)); }
}

type Entries = Map<string, () => Vnode>;

class ProcDir extends Vnode {
  readonly kind = 'dir';
  constructor(readonly fs: ProcFs, private readonly ino: number, private readonly entries: (c: Ctx) => Entries | undefined, private readonly perm = 0o555) { super(); }
  override stat(): StatInfo { return { mode: S_IFDIR | this.perm, size: 0, ino: this.ino, rdev: 0, mtimeMs: this.fs.bootMs, nlink: 2, dev: this.fs.dev }; }
  /** Work, here and in list: one item per entry (the table is made on each call). */
  override lookup(name: string, c: Ctx): Vnode | number {
    const m = this.entries(c);
    c.k.work.items += m?.size ?? 0;
    return m?.get(name)?.() ?? -ENOENT;
  }
  override list(c: Ctx): DirEntry[] | number {
    const m = this.entries(c);
    if (m === undefined) return -ENOENT;
    c.k.work.items += m.size;
    return [...m].map(([name, make]) => { const n = make(); return { name, ino: n.stat().ino, kind: n.kind }; });
  }
}

class ProcText extends Vnode {
  readonly kind = 'file';
  constructor(readonly fs: ProcFs, private readonly ino: number, private readonly text: (c: Ctx) => string) { super(); }
  override stat(): StatInfo { return { mode: S_IFREG | 0o444, size: 0, ino: this.ino, rdev: 0, mtimeMs: this.fs.bootMs, blocks: 0, dev: this.fs.dev }; }
  override open(flags: number, c: Ctx): File | number {
    if ((flags & O_ACCMODE) !== 0) return -EACCES;
    return new MemFile(new TextEncoder().encode(this.text(c)), flags, this.stat());
  }
}

class ProcLink extends Vnode {
  readonly kind = 'symlink';
  constructor(readonly fs: ProcFs, private readonly ino: number, private readonly text: (c: Ctx) => string | number,
    private readonly to?: (c: Ctx) => Found | number) {
    super();
    if (to !== undefined) this.jump = to;
  }
  override stat(): StatInfo { return { mode: S_IFLNK | 0o777, size: 0, ino: this.ino, rdev: 0, mtimeMs: this.fs.bootMs, dev: this.fs.dev }; }
  override readlink(c: Ctx): string | number { return this.text(c); }
}

/** What /proc/PID/fd/N opens when the file has no vnode (a pipe, the console): the same open file. */
class OpenFileNode extends Vnode {
  readonly kind: Kind;
  constructor(readonly fs: ProcFs, private readonly file: File) {
    super();
    const type = file.stat().mode & 0o170000;
    this.kind = type === 0o010000 ? 'fifo' : type === 0o020000 ? 'chr' : type === S_IFREG ? 'file' : 'other';
  }
  override stat(): StatInfo { return this.file.stat(); }
  override open(): File { this.file.refs++; return this.file; }
}

function rootEntries(fs: ProcFs, c: Ctx): Entries {
  const m: Entries = new Map();
  m.set('self', () => new ProcLink(fs, 2, (cc) => String(cc.p.tgid))); // the process, not the thread
  systemEntries(fs, m);
  for (const pid of [...c.k.procs.keys()].sort((a, b) => a - b)) m.set(String(pid), () => pidDir(fs, pid));
  return m;
}

const proc = (c: Ctx, pid: number): Process | undefined => c.k.procs.get(pid);

function pidDir(fs: ProcFs, pid: number): Vnode {
  const base = pid * 64;
  return new ProcDir(fs, base, (c) => {
    if (proc(c, pid) === undefined) return undefined;
    const m: Entries = new Map();
    const text = (name: string, ino: number, gen: (p: Process, c: Ctx) => string) =>
      m.set(name, () => new ProcText(fs, base + ino, (cc) => { const p = proc(cc, pid); return p ? gen(p, cc) : ''; }));
    const link = (name: string, ino: number, gen: (p: Process, c: Ctx) => string, to: (p: Process, c: Ctx) => Found | number) =>
      m.set(name, () => new ProcLink(fs, base + ino, (cc) => { const p = proc(cc, pid); return p ? gen(p, cc) : -ENOENT; },
        (cc) => { const p = proc(cc, pid); return p ? to(p, cc) : -ENOENT; }));
    link('exe', 1, (p, cc) => exePath(p, cc), (p, cc) => exeFound(fs, p, cc));
    link('cwd', 2, (p) => p.cwd, (p, cc) => fs.vfs.at(cc, p.cwd));
    text('maps', 3, (p, cc) => maps(fs, p, cc));
    text('stat', 4, stat);
    text('status', 5, status);
    text('comm', 6, (p) => `${comm(p)}\n`);
    // proc(5): the arguments, each followed by a NUL; empty for a zombie.
    text('cmdline', 8, (p) => (p.state === 'zombie' ? '' : p.argv.map((s) => s + '\0').join('')));
    m.set('fd', () => fdDir(fs, pid, base + 7));
    mountEntries(fs, m, base);
    m.set('task', () => taskDir(fs, pid, base + 9));
    return m;
  });
}

/** /proc/PID/task: one directory per thread of PID's group, named by its tid (proc(5)). */
function taskDir(fs: ProcFs, pid: number, ino: number): Vnode {
  return new ProcDir(fs, ino, (c) => {
    const p = proc(c, pid);
    if (p === undefined) return undefined;
    const m: Entries = new Map();
    const tids = p.group.threads.length > 0 ? p.group.threads.map((t) => t.pid) : [p.pid]; // a zombie shows itself
    for (const tid of tids.sort((a, b) => a - b)) m.set(String(tid), () => pidDir(fs, tid));
    return m;
  }, 0o555);
}

function fdDir(fs: ProcFs, pid: number, ino: number): Vnode {
  return new ProcDir(fs, ino, (c) => {
    const p = proc(c, pid);
    if (p === undefined) return undefined;
    const m: Entries = new Map();
    p.files.forEach((f, fd) => {
      if (f === undefined) return;
      m.set(String(fd), () => new ProcLink(fs, pid * 65536 + fd + 1e6, () => describe(f), () => originOf(f) ?? { node: new OpenFileNode(fs, f), path: describe(f) }));
    });
    return m;
  }, 0o500);
}

/** readlink of /proc/PID/fd/N: the path it was opened by, or what Linux prints for a pipe or terminal. */
function describe(f: File): string {
  const o = originOf(f);
  if (o !== undefined) return o.path;
  const st = f.stat();
  if ((st.mode & 0o170000) === 0o010000) return `pipe:[${st.ino}]`;
  return f.isTty() ? '/dev/pts/0' : `anon_inode:[${st.ino}]`;
}

// ---- the executable ----------------------------------------------------------

function exePath(p: Process, c: Ctx): string {
  return p.exe.startsWith('/') ? p.exe : `${c.k.host.cwd}/${p.exe}`.replace(/\/\.\//g, '/');
}

/**
 * The executable's vnode: the guest's path first; a program lde started from
 * a host path the guest cannot see (say under the host's /tmp) is read from the host.
 */
function exeFound(fs: ProcFs, p: Process, c: Ctx): Found | number {
  const path = exePath(p, c);
  const found = fs.vfs.walk(c, fs.vfs.root, path, true);
  if (typeof found !== 'number') return found;
  const node = fs.host.node(path);
  return typeof node === 'number' ? node : { node, path };
}

/** File offsets of the text and data VMAs, from the executable's program headers (cached per address space). */
const offsetCache = new WeakMap<object, Map<number, number>>();

function segmentOffsets(fs: ProcFs, p: Process, c: Ctx): Map<number, number> {
  const cached = offsetCache.get(p.as);
  if (cached !== undefined) return cached;
  const out = new Map<number, number>();
  const found = exeFound(fs, p, c);
  const f = typeof found === 'number' ? found : found.node.open(0, c);
  if (f instanceof MemFile) {
    const h = loadHeaders(f); // not an ELF any more: offsets read 0
    const bias = h?.dyn ? PIE_BASE : 0;
    for (const [vaddr, offset] of h?.loads ?? []) out.set(Math.floor((vaddr + bias) / PAGE_SIZE) * PAGE_SIZE, Math.floor(offset / PAGE_SIZE) * PAGE_SIZE);
    c.k.work.items += out.size;
    f.close();
  }
  offsetCache.set(p.as, out);
  return out;
}

const PT_LOAD = 1, ET_DYN = 3, EHDR = 64, PHDR = 56;

/**
 * The PT_LOAD segments' (p_vaddr, p_offset) of an ELF64 file and whether it
 * is ET_DYN, from its headers alone (elf(5)): the file is never read whole.
 */
function loadHeaders(f: MemFile): { dyn: boolean; loads: [number, number][] } | undefined {
  const eh = f.pread(0, EHDR);
  if (eh.length < EHDR || eh[0] !== 0x7f || eh[1] !== 0x45 || eh[2] !== 0x4c || eh[3] !== 0x46 || eh[4] !== 2) return undefined;
  const dv = new DataView(eh.buffer, eh.byteOffset, EHDR);
  // Elf64_Ehdr: e_type at 16, e_phoff at 32, e_phentsize at 54, e_phnum at 56.
  if (dv.getUint16(54, true) !== PHDR) return undefined;
  const ph = f.pread(Number(dv.getBigUint64(32, true)), dv.getUint16(56, true) * PHDR);
  const pv = new DataView(ph.buffer, ph.byteOffset, ph.byteLength);
  const loads: [number, number][] = [];
  // Elf64_Phdr: p_type at 0, p_offset at 8, p_vaddr at 16.
  for (let i = 0; i + PHDR <= ph.length; i += PHDR) {
    if (pv.getUint32(i, true) === PT_LOAD) loads.push([Number(pv.getBigUint64(i + 16, true)), Number(pv.getBigUint64(i + 8, true))]);
  }
  return { dyn: dv.getUint16(16, true) === ET_DYN, loads };
}

// ---- the files' contents -----------------------------------------------------

const hex = (n: number, width = 8) => n.toString(16).padStart(width, '0');

/** Linux's show_map_vma: "start-end perms offset major:minor inode", then the name from column 74. */
function maps(fs: ProcFs, p: Process, c: Ctx): string {
  if (p.state === 'zombie') return '';
  const exe = exeFound(fs, p, c);
  const st = typeof exe === 'number' ? undefined : exe.node.stat();
  const dev = st?.dev ?? 0;
  const devText = `${hex((dev >> 8) & 0xfff, 2)}:${hex(dev & 0xff, 2)}`;
  const offsets = segmentOffsets(fs, p, c);
  c.k.work.items += p.as.vmas.length;
  let out = '';
  for (const v of [...p.as.vmas].sort((a, b) => a.start - b.start)) {
    const perms = `${v.prot & 1 ? 'r' : '-'}${v.prot & 2 ? 'w' : '-'}${v.prot & 4 ? 'x' : '-'}p`;
    const file = v.kind === 'text' || v.kind === 'data';
    const name = file ? exePath(p, c) : v.kind === 'heap' ? '[heap]' : v.kind === 'stack' ? '[stack]' : v.kind === 'vdso' ? '[vdso]' : v.kind === 'vvar' ? '[vvar]' : '';
    const line = `${hex(v.start)}-${hex(v.end)} ${perms} ${hex(file ? offsets.get(v.start) ?? 0 : 0)} `
      + `${file ? devText : '00:00'} ${file ? st?.ino ?? 0 : 0} `;
    out += (name ? line.padEnd(73) + name : line) + '\n';
  }
  return out;
}

/** The extra process fields procfs reports when the process model has them. */
type Extras = { pgid?: number; sid?: number; comm?: string; startCycle?: number; cutime?: number; cstime?: number };

function comm(p: Process): string { return ((p as Process & Extras).comm ?? basename(p.exe)).slice(0, 15); }

function stateOf(p: Process): [string, string] {
  switch (p.state as string) {
    case 'running': case 'runnable': return ['R', 'running'];
    case 'sleeping': return ['S', 'sleeping'];
    case 'zombie': return ['Z', 'zombie'];
    case 'stopped': return ['T', 'stopped'];
    default: return ['R', 'running'];
  }
}

function memory(p: Process): { vsize: number; rss: number } {
  if (p.state === 'zombie') return { vsize: 0, rss: 0 };
  let rss = 0;
  for (const [va] of p.as.leaves()) if (va < USER_TOP && p.as.findVma(va) !== undefined) rss++;
  return { vsize: p.as.vmas.reduce((n, v) => n + v.end - v.start, 0), rss };
}

function signalSets(p: Process): { ignored: bigint; caught: bigint } {
  let ignored = 0n, caught = 0n;
  p.sigActions.forEach((a, sig) => {
    if (sig === 0) return;
    if (a.handler === SIG_IGN) ignored |= 1n << BigInt(sig - 1);
    else if (a.handler !== SIG_DFL) caught |= 1n << BigInt(sig - 1);
  });
  return { ignored, caught };
}

function stat(p: Process): string {
  const x = p as Process & Extras;
  const ticks = (cycles: number) => Math.floor(cycles / CYCLES_PER_TICK);
  const { vsize, rss } = memory(p);
  const { ignored, caught } = signalSets(p);
  const text = p.as.vmas.find((v) => v.kind === 'text'), data = p.as.vmas.find((v) => v.kind === 'data');
  const stack = p.as.vmas.find((v) => v.kind === 'stack');
  const live = p.state !== 'zombie';
  const fields: (number | string | bigint)[] = [
    p.pid, `(${comm(p)})`, stateOf(p)[0], p.parent?.pid ?? 0, x.pgid ?? p.pid, x.sid ?? p.pid, 0, -1, 0x400000,
    p.minflt, 0, p.majflt, 0, ticks(p.utime), ticks(p.stime), ticks(x.cutime ?? 0), ticks(x.cstime ?? 0), 20, 0, 1, 0,
    ticks(x.startCycle ?? 0), vsize, rss, '18446744073709551615',
    live ? text?.start ?? 0 : 0, live ? text?.end ?? 0 : 0, live ? stack?.end ?? 0 : 0, 0, 0,
    p.sigPending & 0xffffffffffffffffn, p.sigMask & 0xffffffffffffffffn, ignored, caught, 0, 0, 0, p.exitSignal, 0, 0, 0, 0, 0, 0,
    live ? data?.start ?? 0 : 0, live ? data?.end ?? 0 : 0, live ? p.as.brkStart : 0, 0, 0, 0, 0, p.state === 'zombie' ? p.exitStatus : 0,
  ];
  return fields.join(' ') + '\n';
}

function status(p: Process, c: Ctx): string {
  const cr = credOf(p, c.k.user);
  const { vsize, rss } = memory(p);
  const { ignored, caught } = signalSets(p);
  const [letter, word] = stateOf(p);
  const kb = (n: number) => `${String(Math.floor(n / 1024)).padStart(8)} kB`;
  const mask = (m: bigint) => m.toString(16).padStart(16, '0');
  return [
    `Name:\t${comm(p)}`, `Umask:\t${p.umask.toString(8).padStart(4, '0')}`, `State:\t${letter} (${word})`,
    `Tgid:\t${p.tgid}`, `Ngid:\t0`, `Pid:\t${p.pid}`, `PPid:\t${p.parent?.pid ?? 0}`, `TracerPid:\t0`,
    `Uid:\t${cr.uid}\t${cr.euid}\t${cr.suid}\t${cr.fsuid}`, `Gid:\t${cr.gid}\t${cr.egid}\t${cr.sgid}\t${cr.fsgid}`, `FDSize:\t64`,
    `Groups:\t${cr.groups.join(' ')}`, `VmSize:\t${kb(vsize)}`, `VmRSS:\t${kb(rss * PAGE_SIZE)}`,
    `Threads:\t${p.group.threads.length}`, `SigPnd:\t${mask(p.sigPending)}`, `ShdPnd:\t${mask(p.group.shared.set)}`, `SigBlk:\t${mask(p.sigMask)}`,
    `SigIgn:\t${mask(ignored)}`, `SigCgt:\t${mask(caught)}`,
    `voluntary_ctxt_switches:\t${p.nvcsw}`, `nonvoluntary_ctxt_switches:\t${p.nivcsw}`,
  ].join('\n') + '\n';
}

/** The system-wide files (procinfo.ts); /proc/mounts is a link to self/mounts, as on Linux. */
function systemEntries(fs: ProcFs, m: Entries): void {
  m.set('uptime', () => new ProcText(fs, 3, (c) => uptimeText(c.k)));
  m.set('meminfo', () => new ProcText(fs, 4, (c) => meminfoText(c.k, fs.mounts)));
  m.set('cpuinfo', () => new ProcText(fs, 5, (c) => cpuinfoText(c.k)));
  m.set('loadavg', () => new ProcText(fs, 6, (c) => loadavgText(c.k)));
  m.set('mounts', () => new ProcLink(fs, 7, () => 'self/mounts'));
}

/**
 * /sys/devices/system/cpu as sysfs has it, for --smp (docs/smp.md): online,
 * possible and present as the kernel's cpulist format ("0" or "0-3"), which
 * glibc's get_nprocs and sysconf(_SC_NPROCESSORS_ONLN) read. Built with the
 * /proc node types; mounts.ts mounts it (inodes from 1 << 30, apart from /proc's).
 */
export function sysCpuDir(fs: ProcFs): Vnode {
  const list = (c: Ctx) => (c.k.cpus.length === 1 ? '0\n' : `0-${c.k.cpus.length - 1}\n`);
  const m: Entries = new Map();
  ['online', 'possible', 'present'].forEach((name, i) => m.set(name, () => new ProcText(fs, 2 ** 30 + 1 + i, list)));
  return new ProcDir(fs, 2 ** 30, () => m);
}

/** /proc/PID/mounts and mountinfo: one namespace, so every process sees the same table. */
function mountEntries(fs: ProcFs, m: Entries, base: number): void {
  m.set('mounts', () => new ProcText(fs, base + 9, (c) => mountsText(c.k, fs.mounts)));
  m.set('mountinfo', () => new ProcText(fs, base + 10, (c) => mountinfoText(c.k, fs.mounts)));
}
