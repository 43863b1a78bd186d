// strace's rendering of the structs system calls read and write: times,
// limits, stat and statx, uname, sysinfo, termios, locks, and the small
// arrays (a pipe's fds, utimensat's times). Each is (Ctx, address) → text,
// reading memory only through strace-mem.ts (never faulting).

import { xv, ptr, oct, x, xval, flags, type Xlat, SEEK, LOCK, SS, STATX_MASK, STATX_ATTR, MODE_TYPES, CLONE } from './abi-names.js';
import { quote, struct, i64, u64at, type Ctx } from './strace-mem.js';
import { sigName } from './strace-signal.js';

export const timespec = (c: Ctx, va: number) => struct(c, va, 16, (d) => `{tv_sec=${i64(d, 0)}, tv_nsec=${i64(d, 8)}}`);
const tv = (d: DataView, o: number) => `{tv_sec=${i64(d, o)}, tv_usec=${i64(d, o + 8)}}`;
export const timeval = (c: Ctx, va: number) => struct(c, va, 16, (d) => tv(d, 0));
export const itimerval = (c: Ctx, va: number) => struct(c, va, 32, (d) => `{it_interval=${tv(d, 0)}, it_value=${tv(d, 16)}}`);
export const rusage = (c: Ctx, va: number) => struct(c, va, 32, (d) => `{ru_utime=${tv(d, 0)}, ru_stime=${tv(d, 16)}, ...}`);
const rlim = (v: bigint) => (v === 0xffffffffffffffffn ? 'RLIM64_INFINITY' : v > 1024n && v % 1024n === 0n ? `${v / 1024n}*1024` : v.toString());
export const rlimit = (c: Ctx, va: number) => struct(c, va, 16, (d) => `{rlim_cur=${rlim(u64at(d, 0))}, rlim_max=${rlim(u64at(d, 8))}}`);
export const stackT = (c: Ctx, va: number) => struct(c, va, 24, (d) => `{ss_sp=${ptr(u64at(d, 0))}, ss_flags=${flags(d.getInt32(8, true), SS)}, ss_size=${u64at(d, 16)}}`);

/** st_mode as strace prints it: `S_IFREG|0644`. */
function modeText(m: number): string {
  const type = m & 0o170000;
  const ifmt = type ? MODE_TYPES.find(([v]) => v === type)?.[1] : '';
  if (ifmt === undefined) return oct(m);
  const special = (m & 0o4000 ? 'S_ISUID|' : '') + (m & 0o2000 ? 'S_ISGID|' : '') + (m & 0o1000 ? 'S_ISVTX|' : '');
  return (ifmt ? ifmt + '|' : '') + special + oct(m & 0o777);
}
const makedev = (dev: bigint) => { const d = Number(dev & 0xffffffffn), hi = Number(dev >> 32n);
  return `makedev(${xv((((d >>> 8) & 0xfff) | (hi & ~0xfff)) >>> 0)}, ${xv(((d & 0xff) | ((d >>> 12) & ~0xff)) >>> 0)})`; };
const sizeOrRdev = (m: number, size: string, rdev: string) => ((m & 0o170000) === 0o20000 || (m & 0o170000) === 0o60000 ? `st_rdev=${rdev}` : `st_size=${size}`);
export const stat = (c: Ctx, va: number) => struct(c, va, 128, (d) => { const m = d.getUint32(16, true);
  return `{st_mode=${modeText(m)}, ${sizeOrRdev(m, i64(d, 48).toString(), makedev(u64at(d, 32)))}, ...}`; });
export const statx = (c: Ctx, va: number) => struct(c, va, 256, (d) => {
  const mask = d.getUint32(0, true);
  const f = [`stx_mask=${flags(mask, STATX_MASK, 'STATX_???')}`, `stx_attributes=${flags(Number(u64at(d, 8) & 0xffffffffn), STATX_ATTR, 'STATX_ATTR_???')}`];
  if (mask & 3) f.push(`stx_mode=${modeText(d.getUint16(28, true))}`);
  if (mask & 0x200) f.push(`stx_size=${u64at(d, 40)}`);
  return `{${f.join(', ')}, ...}`;
});
const cfield = (b: Uint8Array, off: number) => { const s = b.subarray(off, off + 65), n = s.indexOf(0); return quote(n < 0 ? s : s.subarray(0, n)); };
export const utsname = (c: Ctx, va: number) => struct(c, va, 390, (d) => { const b = new Uint8Array(d.buffer);
  return `{sysname=${cfield(b, 0)}, nodename=${cfield(b, 65)}, ...}`; });
export const sysinfo = (c: Ctx, va: number) => struct(c, va, 112, (d) => `{uptime=${i64(d, 0)}, loads=[${[8, 16, 24].map((o) => u64at(d, o)).join(', ')}], ` +
  `totalram=${u64at(d, 32)}, freeram=${u64at(d, 40)}, sharedram=${u64at(d, 48)}, bufferram=${u64at(d, 56)}, totalswap=${u64at(d, 64)}, ` +
  `freeswap=${u64at(d, 72)}, procs=${d.getUint16(80, true)}, totalhigh=${u64at(d, 88)}, freehigh=${u64at(d, 96)}, mem_unit=${d.getUint32(104, true)}}`);
export const tms = (c: Ctx, va: number) => struct(c, va, 32, (d) =>
  `{tms_utime=${i64(d, 0)}, tms_stime=${i64(d, 8)}, tms_cutime=${i64(d, 16)}, tms_cstime=${i64(d, 24)}}`);
export const timezone = (c: Ctx, va: number) => struct(c, va, 8, (d) => `{tz_minuteswest=${d.getInt32(0, true)}, tz_dsttime=${d.getInt32(4, true)}}`);
export const winsize = (c: Ctx, va: number) => struct(c, va, 8, (d) =>
  `{ws_row=${d.getUint16(0, true)}, ws_col=${d.getUint16(2, true)}, ws_xpixel=${d.getUint16(4, true)}, ws_ypixel=${d.getUint16(6, true)}}`);
export const intIn = (c: Ctx, va: number) => struct(c, va, 4, (d) => `[${d.getInt32(0, true)}]`);
export const flock = (getlk: boolean) => (c: Ctx, va: number) => struct(c, va, 32, (d) => `{l_type=${xval(d.getInt16(0, true), LOCK, 'F_???')}, ` +
  `l_whence=${xval(d.getInt16(2, true), SEEK, 'SEEK_???')}, l_start=${i64(d, 8)}, l_len=${i64(d, 16)}${getlk ? `, l_pid=${d.getInt32(24, true)}` : ''}}`);

/** termios (strace's decode_termios, abbreviated): the four flag words by name. */
const TERM_I = x({ IGNBRK: 1, BRKINT: 2, IGNPAR: 4, PARMRK: 0o10, INPCK: 0o20, ISTRIP: 0o40, INLCR: 0o100, IGNCR: 0o200, ICRNL: 0o400,
  IUCLC: 0o1000, IXON: 0o2000, IXANY: 0o4000, IXOFF: 0o10000, IMAXBEL: 0o20000, IUTF8: 0o40000 });
const TERM_O = x({ OPOST: 1, OLCUC: 2, ONLCR: 4, OCRNL: 0o10, ONOCR: 0o20, ONLRET: 0o40, OFILL: 0o100, OFDEL: 0o200 });
const TERM_C = x({ CSTOPB: 0o100, CREAD: 0o200, PARENB: 0o400, PARODD: 0o1000, HUPCL: 0o2000, CLOCAL: 0o4000, CMSPAR: 0o10000000000, CRTSCTS: 0o20000000000 });
const TERM_L = x({ ISIG: 1, ICANON: 2, XCASE: 4, ECHO: 0o10, ECHOE: 0o20, ECHOK: 0o40, ECHONL: 0o100, NOFLSH: 0o200, IEXTEN: 0o100000,
  ECHOCTL: 0o1000, ECHOPRT: 0o2000, ECHOKE: 0o4000, FLUSHO: 0o10000, PENDIN: 0o40000, TOSTOP: 0o400, EXTPROC: 0o200000 });
const BAUDS = ['B0', 'B50', 'B75', 'B110', 'B134', 'B150', 'B200', 'B300', 'B600', 'B1200', 'B1800', 'B2400', 'B4800', 'B9600', 'B19200', 'B38400'];
const DELAYS: [number, number, string][] = [[0o400, 8, 'NL'], [0o3000, 9, 'CR'], [0o14000, 11, 'TAB'], [0o20000, 13, 'BS'], [0o40000, 14, 'VT'], [0o100000, 15, 'FF']];
export const termios = (c: Ctx, va: number) => struct(c, va, 36, (d) => {
  const [i, o, cf, l] = [0, 4, 8, 12].map((off) => d.getUint32(off, true));
  const oflag = DELAYS.map(([m, sh, n]) => n + ((o & m) >>> sh)).join('|') + '|' + flags(o & ~0o177400, TERM_O, null);
  const baud = cf & 0o10017, cflag = `${baud < 16 ? BAUDS[baud] : xv(baud)}|CS${5 + ((cf >> 4) & 3)}|` + flags(cf & ~0o10077 & ~0o2003600000, TERM_C, null);
  return `{c_iflag=${flags(i, TERM_I, null)}, c_oflag=${oflag}, c_cflag=${cflag}, c_lflag=${flags(l, TERM_L, null)}, ...}`;
});

/** A pipe's two fds: `[3, 4]`. */
export const fdPair = (c: Ctx, va: number) => struct(c, va, 8, (d) => `[${d.getInt32(0, true)}, ${d.getInt32(4, true)}]`);

/** utimensat's two timespecs, with UTIME_NOW and UTIME_OMIT by name. */
export const utimes = (c: Ctx, va: number) => struct(c, va, 32, (d) => `[${[0, 16].map((o) => {
  const ns = i64(d, o + 8);
  return ns === 0x3fffffffn ? 'UTIME_NOW' : ns === 0x3ffffffen ? 'UTIME_OMIT' : `{tv_sec=${i64(d, o)}, tv_nsec=${ns}}`;
}).join(', ')}]`);

/** clone3's struct clone_args (linux/sched.h), abbreviated to the fields strace shows when set. */
export const cloneArgsStruct = (c: Ctx, va: number) => struct(c, va, 64, (d) => {
  const flagsV = Number(u64at(d, 0) & 0xffffffffn), f = [`flags=${flags(flagsV, CLONE, 'CLONE_???')}`];
  if (flagsV & 0x1200000) f.push(`child_tid=${ptr(u64at(d, 16))}`);
  if (flagsV & 0x100000) f.push(`parent_tid=${ptr(u64at(d, 24))}`);
  f.push(`exit_signal=${sigName(Number(u64at(d, 32)))}`, `stack=${ptr(u64at(d, 40))}`, `stack_size=${xv(u64at(d, 48))}`);
  if (flagsV & 0x80000) f.push(`tls=${ptr(u64at(d, 56))}`);
  return `{${f.join(', ')}}`;
});


/** strace's names for statfs f_type (its xlat/fsmagic.in) for the filesystems lde reports. */
const FSMAGIC: Readonly<Record<number, string>> = {
  0x01021994: 'TMPFS_MAGIC', 0x9fa0: 'PROC_SUPER_MAGIC', 0xef53: 'EXT2_SUPER_MAGIC', 0x858458f6: 'RAMFS_MAGIC',
  0x50495045: 'PIPEFS_MAGIC', 0x1cd1: 'DEVPTS_SUPER_MAGIC', 0x09041934: 'ANON_INODE_FS_MAGIC', 0x9123683e: 'BTRFS_SUPER_MAGIC',
  0x58465342: 'XFS_SUPER_MAGIC', 0x794c7630: 'OVERLAYFS_SUPER_MAGIC', 0x6969: 'NFS_SUPER_MAGIC', 0x65735546: 'FUSE_SUPER_MAGIC',
};
const ST_FLAGS: Xlat = x({ ST_RDONLY: 1, ST_NOSUID: 2, ST_NODEV: 4, ST_NOEXEC: 8, ST_SYNCHRONOUS: 16, ST_VALID: 0x20, ST_MANDLOCK: 64, ST_NOATIME: 1024, ST_NODIRATIME: 2048, ST_RELATIME: 4096 });
/** struct statfs (asm-generic, 120 bytes) as strace prints it. */
export const statfs = (c: Ctx, va: number) => struct(c, va, 120, (d) => {
  const n = (o: number) => u64at(d, o), type = Number(n(0));
  return `{f_type=${FSMAGIC[type] ?? `0x${type.toString(16)}`}, f_bsize=${n(8)}, f_blocks=${n(16)}, f_bfree=${n(24)}, f_bavail=${n(32)}, `
    + `f_files=${n(40)}, f_ffree=${n(48)}, f_fsid={val=[${d.getInt32(56, true)}, ${d.getInt32(60, true)}]}, f_namelen=${n(64)}, `
    + `f_frsize=${n(72)}, f_flags=${flags(Number(n(80)), ST_FLAGS)}}`;
});
