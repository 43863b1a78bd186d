// strace-style decoding of system calls and signals, for the trace events
// the kernel emits (src/trace carries them to --strace, --trace, --stats).
// The kernel knows the Linux ABI, so decoding lives here; the sinks only print.
//
// The output follows strace's default (abbreviated) style, from its sources
// (src/util.c string_quote, src/xlat/*.in, one decoder per call): strings
// quoted with C escapes and cut at 32 bytes, flags by name, structs as
// `{field=value, ...}`. One table, CALLS, gives each call its arguments;
// an argument is decoded at entry (inputs) or at exit (what the kernel
// filled, shown only when the call succeeded; otherwise its address).
//
// Contract: decoding never changes the run. User memory is read only with
// peek/peekString (uaccess.ts), which read pages already present and never
// fault one in; what cannot be read is shown as its address, as strace does.

import type { Process } from '../sched/proc.js';
import type { Args } from './syscall.js';
import { peek, peekString } from '../mm/uaccess.js';
import { ERRNO_NAMES } from '../errno.js';
import { SIGNAL_NAMES, UC, type SigInfo } from '../signal/signal.js';
import { u64, xv, ptr, int, uint, ulong, long, oct, x, xval, flags, O_FLAGS, openFlags, PROT, mapFlags, AT, AT_ACCESS, ACCESS, SEEK, CLOCKS, WAIT, SIGHOW, SA, CLONE, FCNTL, FD_FLAGS, LOCK, IOCTL, GRND, MADV, MREMAP, RLIMIT, RUSAGE, ITIMER, IDTYPE, SS, RENAME, POLL, STATX_MASK, STATX_ATTR, STATX_SYNC, FUTEX, PRCTL, MODE_TYPES, type Xlat } from './abi-names.js';

/** strace's signame: SIGHUP…SIGSYS, SIGRTMIN (32), then SIGRT_n; anything else as a number. */
export function sigName(sig: number): string {
  if (sig >= 1 && sig <= 31) return SIGNAL_NAMES[sig] ?? String(sig);
  if (sig === 32) return 'SIGRTMIN';
  return sig > 32 && sig <= 64 ? `SIGRT_${sig - 32}` : String(sig);
}

/** strace's sigset: `[INT USR1]`, or `~[...]` naming the unset signals when 2/3 or more are set. */
export function sigsetText(mask: bigint): string {
  let m = BigInt.asUintN(64, mask), pop = 0;
  for (let b = m; b; b &= b - 1n) pop++;
  const inverted = pop >= 42;
  if (inverted) m = BigInt.asUintN(64, ~m);
  const names: string[] = [];
  for (let i = 1; i <= 64; i++) if (m & (1n << BigInt(i - 1))) names.push(i < 32 ? sigName(i).slice(3) : i === 32 ? 'RTMIN' : `RT_${i - 32}`);
  return `${inverted ? '~' : ''}[${names.join(' ')}]`;
}

// ---- strings and memory -------------------------------------------------------

const MAX_STR = 32, PATH_MAX = 4096;
const ESCAPES: Record<number, string> = { 34: '\\"', 92: '\\\\', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strace's string_quote: C escapes, octal as short as the next byte allows; or every byte as \xNN. */
export function quote(b: Uint8Array, allHex = false): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (allHex) s += '\\x' + c.toString(16).padStart(2, '0');
    else if (ESCAPES[c] !== undefined) s += ESCAPES[c];
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + (b[i + 1] >= 0x30 && b[i + 1] <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8));
  }
  return s + '"';
}

/** What a decoder knows: the process, the raw arguments and, at exit, the result. */
interface Ctx { p: Process; a: Args; ret: number; ok: boolean; }

/** Bytes of user memory, or undefined (not present, or the process is gone). Never faults. */
const mem = (c: Ctx, va: number, len: number) => (c.p.state === 'zombie' ? undefined : peek(c.p.as, va, len));

/** A NUL-terminated string cut at max bytes (strace's printstr: 32; printpath: PATH_MAX). */
function cstr(c: Ctx, va: number, max = MAX_STR): string {
  if (va === 0) return 'NULL';
  const r = c.p.state === 'zombie' ? undefined : peekString(c.p.as, va, max + 1);
  if (r === undefined) return ptr(va);
  return r.terminated && r.bytes.length <= max ? quote(r.bytes) : quote(r.bytes.subarray(0, max)) + '...';
}
const path = (c: Ctx, va: number) => cstr(c, va, PATH_MAX - 1);

/** len bytes at va, at most 32 shown (strace's printstrn). */
function buf(c: Ctx, va: number, len: number, allHex = false): string {
  const n = Math.max(0, Math.min(len, MAX_STR));
  const b = mem(c, va, n);
  return b === undefined ? ptr(va) : quote(b, allHex) + (len > MAX_STR ? '...' : '');
}

/** A struct of size bytes at va, rendered by f; NULL, or the address when unreadable. */
function struct(c: Ctx, va: number, size: number, f: (d: DataView) => string): string {
  if (va === 0) return 'NULL';
  const b = mem(c, va, size);
  return b === undefined ? ptr(va) : f(new DataView(b.buffer));
}
const i64 = (d: DataView, o: number) => d.getBigInt64(o, true);
const u64at = (d: DataView, o: number) => d.getBigUint64(o, true);

// ---- structs ---------------------------------------------------------------------

const timespec = (c: Ctx, va: number) => struct(c, va, 16, (d) => `{tv_sec=${i64(d, 0)}, tv_nsec=${i64(d, 8)}}`);
const tv = (d: DataView, o: number) => `{tv_sec=${i64(d, o)}, tv_usec=${i64(d, o + 8)}}`;
const timeval = (c: Ctx, va: number) => struct(c, va, 16, (d) => tv(d, 0));
const itimerval = (c: Ctx, va: number) => struct(c, va, 32, (d) => `{it_interval=${tv(d, 0)}, it_value=${tv(d, 16)}}`);
const rusage = (c: Ctx, va: number) => struct(c, va, 32, (d) => `{ru_utime=${tv(d, 0)}, ru_stime=${tv(d, 16)}, ...}`);
const sigset = (c: Ctx, va: number, len: number) =>
  (va !== 0 && (len < 1 || len > 8 || len % 8) ? ptr(va) : struct(c, va, 8, (d) => sigsetText(u64at(d, 0))));
const rlim = (v: bigint) => (v === 0xffffffffffffffffn ? 'RLIM64_INFINITY' : v > 1024n && v % 1024n === 0n ? `${v / 1024n}*1024` : v.toString());
const rlimit = (c: Ctx, va: number) => struct(c, va, 16, (d) => `{rlim_cur=${rlim(u64at(d, 0))}, rlim_max=${rlim(u64at(d, 8))}}`);
const stackT = (c: Ctx, va: number) => struct(c, va, 24, (d) => `{ss_sp=${ptr(u64at(d, 0))}, ss_flags=${flags(d.getInt32(8, true), SS)}, ss_size=${u64at(d, 16)}}`);

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
const stat = (c: Ctx, va: number) => struct(c, va, 128, (d) => { const m = d.getUint32(16, true);
  return `{st_mode=${modeText(m)}, ${sizeOrRdev(m, i64(d, 48).toString(), makedev(u64at(d, 32)))}, ...}`; });
const statx = (c: Ctx, va: number) => struct(c, va, 256, (d) => {
  const mask = d.getUint32(0, true);
  const f = [`stx_mask=${flags(mask, STATX_MASK, 'STATX_???')}`, `stx_attributes=${flags(Number(u64at(d, 8) & 0xffffffffn), STATX_ATTR, 'STATX_ATTR_???')}`];
  if (mask & 3) f.push(`stx_mode=${modeText(d.getUint16(28, true))}`);
  if (mask & 0x200) f.push(`stx_size=${u64at(d, 40)}`);
  return `{${f.join(', ')}, ...}`;
});
const cfield = (b: Uint8Array, off: number) => { const s = b.subarray(off, off + 65), n = s.indexOf(0); return quote(n < 0 ? s : s.subarray(0, n)); };
const utsname = (c: Ctx, va: number) => struct(c, va, 390, (d) => { const b = new Uint8Array(d.buffer);
  return `{sysname=${cfield(b, 0)}, nodename=${cfield(b, 65)}, ...}`; });
const sysinfo = (c: Ctx, va: number) => struct(c, va, 112, (d) => `{uptime=${i64(d, 0)}, loads=[${[8, 16, 24].map((o) => u64at(d, o)).join(', ')}], ` +
  `totalram=${u64at(d, 32)}, freeram=${u64at(d, 40)}, sharedram=${u64at(d, 48)}, bufferram=${u64at(d, 56)}, totalswap=${u64at(d, 64)}, ` +
  `freeswap=${u64at(d, 72)}, procs=${d.getUint16(80, true)}, totalhigh=${u64at(d, 88)}, freehigh=${u64at(d, 96)}, mem_unit=${d.getUint32(104, true)}}`);
const tms = (c: Ctx, va: number) => struct(c, va, 32, (d) =>
  `{tms_utime=${i64(d, 0)}, tms_stime=${i64(d, 8)}, tms_cutime=${i64(d, 16)}, tms_cstime=${i64(d, 24)}}`);
const timezone = (c: Ctx, va: number) => struct(c, va, 8, (d) => `{tz_minuteswest=${d.getInt32(0, true)}, tz_dsttime=${d.getInt32(4, true)}}`);
const winsize = (c: Ctx, va: number) => struct(c, va, 8, (d) =>
  `{ws_row=${d.getUint16(0, true)}, ws_col=${d.getUint16(2, true)}, ws_xpixel=${d.getUint16(4, true)}, ws_ypixel=${d.getUint16(6, true)}}`);
const intIn = (c: Ctx, va: number) => struct(c, va, 4, (d) => `[${d.getInt32(0, true)}]`);
const flock = (getlk: boolean) => (c: Ctx, va: number) => struct(c, va, 32, (d) => `{l_type=${xval(d.getInt16(0, true), LOCK, 'F_???')}, ` +
  `l_whence=${xval(d.getInt16(2, true), SEEK, 'SEEK_???')}, l_start=${i64(d, 8)}, l_len=${i64(d, 16)}${getlk ? `, l_pid=${d.getInt32(24, true)}` : ''}}`);
const sigaction = (c: Ctx, va: number) => struct(c, va, 24, (d) => {
  const h = u64at(d, 0);
  const handler = h === 0n ? 'SIG_DFL' : h === 1n ? 'SIG_IGN' : h === 0xffffffffffffffffn ? 'SIG_ERR' : xv(h);
  return `{sa_handler=${handler}, sa_mask=${sigsetText(u64at(d, 16))}, sa_flags=${flags(Number(u64at(d, 8) & 0xffffffffn), SA, 'SA_???')}}`;
});

/** termios (strace's decode_termios, abbreviated): the four flag words by name. */
const TERM_I = x({ IGNBRK: 1, BRKINT: 2, IGNPAR: 4, PARMRK: 0o10, INPCK: 0o20, ISTRIP: 0o40, INLCR: 0o100, IGNCR: 0o200, ICRNL: 0o400,
  IUCLC: 0o1000, IXON: 0o2000, IXANY: 0o4000, IXOFF: 0o10000, IMAXBEL: 0o20000, IUTF8: 0o40000 });
const TERM_O = x({ OPOST: 1, OLCUC: 2, ONLCR: 4, OCRNL: 0o10, ONOCR: 0o20, ONLRET: 0o40, OFILL: 0o100, OFDEL: 0o200 });
const TERM_C = x({ CSTOPB: 0o100, CREAD: 0o200, PARENB: 0o400, PARODD: 0o1000, HUPCL: 0o2000, CLOCAL: 0o4000, CMSPAR: 0o10000000000, CRTSCTS: 0o20000000000 });
const TERM_L = x({ ISIG: 1, ICANON: 2, XCASE: 4, ECHO: 0o10, ECHOE: 0o20, ECHOK: 0o40, ECHONL: 0o100, NOFLSH: 0o200, IEXTEN: 0o100000,
  ECHOCTL: 0o1000, ECHOPRT: 0o2000, ECHOKE: 0o4000, FLUSHO: 0o10000, PENDIN: 0o40000, TOSTOP: 0o400, EXTPROC: 0o200000 });
const BAUDS = ['B0', 'B50', 'B75', 'B110', 'B134', 'B150', 'B200', 'B300', 'B600', 'B1200', 'B1800', 'B2400', 'B4800', 'B9600', 'B19200', 'B38400'];
const DELAYS: [number, number, string][] = [[0o400, 8, 'NL'], [0o3000, 9, 'CR'], [0o14000, 11, 'TAB'], [0o20000, 13, 'BS'], [0o40000, 14, 'VT'], [0o100000, 15, 'FF']];
const termios = (c: Ctx, va: number) => struct(c, va, 36, (d) => {
  const [i, o, cf, l] = [0, 4, 8, 12].map((off) => d.getUint32(off, true));
  const oflag = DELAYS.map(([m, sh, n]) => n + ((o & m) >>> sh)).join('|') + '|' + flags(o & ~0o177400, TERM_O, null);
  const baud = cf & 0o10017, cflag = `${baud < 16 ? BAUDS[baud] : xv(baud)}|CS${5 + ((cf >> 4) & 3)}|` + flags(cf & ~0o10077 & ~0o2003600000, TERM_C, null);
  return `{c_iflag=${flags(i, TERM_I, null)}, c_oflag=${oflag}, c_cflag=${cflag}, c_lflag=${flags(l, TERM_L, null)}, ...}`;
});

/** wait(2)'s status as strace shows it: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`. */
export function waitStatusText(s: number): string {
  let t: string, rest: number;
  if ((s & 0xff) === 0x7f) {
    const sig = (s >> 8) & 0xff;
    t = `{WIFSTOPPED(s) && WSTOPSIG(s) == ${sigName(sig & 0x7f)}${sig & 0x80 ? ' | 0x80' : ''}}`; rest = s & ~0xff7f;
  } else if ((s & 0x7f) !== 0 && s !== 0xffff) {
    t = `{WIFSIGNALED(s) && WTERMSIG(s) == ${sigName(s & 0x7f)}${s & 0x80 ? ' && WCOREDUMP(s)' : ''}}`; rest = s & ~0xff;
  } else if ((s & 0x7f) === 0) {
    t = `{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}`; rest = s & ~0xff00;
  } else { t = '{WIFCONTINUED(s)}'; rest = 0; }
  return `[${t}${rest ? '|' + xv(rest >>> 0) : ''}]`;
}

// ---- siginfo ---------------------------------------------------------------------

const SI_CODES: Record<number, string> = { 0: 'SI_USER', 0x80: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER', [-3]: 'SI_MESGQ',
  [-4]: 'SI_ASYNCIO', [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL', [-7]: 'SI_DETHREAD', [-60]: 'SI_ASYNCNL' };
/** si_code > 0 names by signal (include/uapi/asm-generic/siginfo.h). */
const CODES_BY_SIGNAL: Record<number, string[]> = {
  4: ['ILL_ILLOPC', 'ILL_ILLOPN', 'ILL_ILLADR', 'ILL_ILLTRP', 'ILL_PRVOPC', 'ILL_PRVREG', 'ILL_COPROC', 'ILL_BADSTK', 'ILL_BADIADDR'],
  5: ['TRAP_BRKPT', 'TRAP_TRACE', 'TRAP_BRANCH', 'TRAP_HWBKPT', 'TRAP_UNK', 'TRAP_PERF'],
  7: ['BUS_ADRALN', 'BUS_ADRERR', 'BUS_OBJERR', 'BUS_MCEERR_AR', 'BUS_MCEERR_AO'],
  8: ['FPE_INTDIV', 'FPE_INTOVF', 'FPE_FLTDIV', 'FPE_FLTOVF', 'FPE_FLTUND', 'FPE_FLTRES', 'FPE_FLTINV', 'FPE_FLTSUB'],
  11: ['SEGV_MAPERR', 'SEGV_ACCERR', 'SEGV_BNDERR', 'SEGV_PKUERR', 'SEGV_ACCADI', 'SEGV_ADIDERR', 'SEGV_ADIPERR', 'SEGV_MTEAERR', 'SEGV_MTESERR'],
  17: ['CLD_EXITED', 'CLD_KILLED', 'CLD_DUMPED', 'CLD_TRAPPED', 'CLD_STOPPED', 'CLD_CONTINUED'],
  29: ['POLL_IN', 'POLL_OUT', 'POLL_MSG', 'POLL_ERR', 'POLL_PRI', 'POLL_HUP'],
  31: ['SYS_SECCOMP', 'SYS_USER_DISPATCH'],
};

/** The fields of a siginfo_t that strace prints. */
interface Siginfo { signo: number; code: number; pid: number; uid: number; status: number; utime: bigint; stime: bigint; addr: bigint; value: bigint; }

/** strace's printsiginfo: which fields follow si_code depends on where the signal came from and which it is. */
function siginfoText(s: Siginfo): string {
  const f = [`si_signo=${sigName(s.signo)}`, `si_code=${SI_CODES[s.code] ?? CODES_BY_SIGNAL[s.signo]?.[s.code - 1] ?? String(s.code)}`];
  const source = () => f.push(`si_pid=${s.pid}`, `si_uid=${s.uid}`);
  const value = () => { if (s.value !== 0n) f.push(`si_int=${BigInt.asIntN(32, s.value)}`, `si_ptr=${ptr(s.value)}`); };
  if (s.code <= 0) { source(); if (s.code !== 0 && s.code !== -6) value(); }
  else if (s.signo === 17) f.push(`si_pid=${s.pid}`, `si_uid=${s.uid}`, `si_status=${s.code === 1 ? s.status : sigName(s.status)}`, `si_utime=${s.utime}`, `si_stime=${s.stime}`);
  else if ([4, 5, 7, 8, 11].includes(s.signo)) f.push(`si_addr=${ptr(s.addr)}`);
  else { if (s.pid || s.uid) source(); value(); }
  return `{${f.join(', ')}}`;
}

/** strace's siginfo: `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}`. */
export function formatSiginfo(sig: number, info: SigInfo): string {
  return siginfoText({ signo: sig, code: info.code, pid: info.pid ?? 0, uid: 0, status: info.status ?? 0, utime: 0n, stime: 0n,
    addr: u64(info.addr ?? 0), value: info.value ?? 0n });
}

/** A siginfo_t in user memory (rt_sigqueueinfo, rt_sigtimedwait, waitid). */
const siginfoAt = (c: Ctx, va: number) => struct(c, va, 128, (d) => siginfoText({ signo: d.getInt32(0, true), code: d.getInt32(8, true),
  pid: d.getInt32(16, true), uid: d.getUint32(20, true), status: d.getInt32(24, true), utime: i64(d, 32), stime: i64(d, 40),
  addr: u64at(d, 16), value: u64at(d, 24) }));

/**
 * strace's last line for a process: `exited with 0`, `killed by SIGSEGV`, and
 * `(core dumped)` only when the wait status says a core was written (0x80):
 * lde writes none, as Linux with RLIMIT_CORE 0.
 */
export function formatExit(waitStatus: number): string {
  const sig = waitStatus & 0x7f;
  if (!sig) return `exited with ${(waitStatus >> 8) & 0xff}`;
  return `killed by ${sigName(sig)}${waitStatus & 0x80 ? ' (core dumped)' : ''}`;
}

// ---- arguments ---------------------------------------------------------------------

/**
 * How one argument is shown. `at: 'entry'` (the default) decodes an input
 * when the call starts; `at: 'exit'` decodes what the kernel wrote, when it
 * is done (decodeArgs leaves null in its place).
 */
interface Arg { at?: 'exit'; f: (c: Ctx, v: number) => string; }

const a = (f: (c: Ctx, v: number) => string): Arg => ({ f });
const v = (f: (v: number) => string): Arg => ({ f: (_c, n) => f(n) });
/** An output pointer: NULL, the address when the call failed, else f. */
const out = (f: (c: Ctx, v: number) => string): Arg => ({ at: 'exit', f: (c, n) => (n === 0 ? 'NULL' : !c.ok ? ptr(n) : f(c, n)) });

const I = v(int), U = v(uint), UL = v(ulong), L = v(long), P = v(ptr), X = v(xv), FD = I;
const DIRFD = v((n) => ((n | 0) === -100 ? 'AT_FDCWD' : int(n)));
const PATH = a(path), STR = a((c, n) => cstr(c, n)), MODE = v(oct);
const SIG = v((n) => sigName(n | 0));
const fl = (t: Xlat, dflt?: string) => v((n) => flags(n, t, dflt));
const xl = (t: Xlat, dflt?: string) => v((n) => xval(n | 0, t, dflt));
/** An input buffer whose length is argument i (write's). */
const inBuf = (i: number): Arg => a((c, n) => buf(c, n, c.a[i] < 0 ? Infinity : c.a[i])); // a size_t: "negative" is huge
/** An output buffer filled with the call's result in bytes (read's). */
const outBuf = (hex = false): Arg => out((c, n) => buf(c, n, c.ret, hex));
const TS = a(timespec), SIGSET = (len: number) => a((c, n) => sigset(c, n, c.a[len]));
/** A remaining-time output: decoded only when the sleep was interrupted (strace shows the address otherwise). */
const REM: Arg = { at: 'exit', f: (c, n) => (n !== 0 && c.ret === -4 ? timespec(c, n) : ptr(n)) };
const ATFL = fl(AT);

/** An iovec array of count entries; the data shown is limited to `limit` bytes in all (readv: the result). */
function iovec(c: Ctx, va: number, count: number, limit: number): string {
  const items: string[] = [];
  for (let k = 0; k < count; k++) {
    if (k === MAX_STR) { items.push('...'); break; }
    const b = mem(c, va + 16 * k, 16);
    if (b === undefined) { if (k === 0) return ptr(va); items.push(`... /* ${ptr(va + 16 * k)} */`); break; }
    const d = new DataView(b.buffer), base = Number(u64at(d, 0)), len = Number(u64at(d, 8));
    const shown = Math.min(len, Math.max(limit, 0));
    limit -= shown;
    items.push(`{iov_base=${buf(c, base, shown)}, iov_len=${len}}`);
  }
  return `[${items.join(', ')}]`;
}

/** execve's argv: the strings (32 at most, then `...`). */
function argv(c: Ctx, va: number): string {
  if (va === 0) return 'NULL';
  const items: string[] = [];
  for (let k = 0; ; k++) {
    const b = mem(c, va + 8 * k, 8);
    if (b === undefined) { if (k === 0) return ptr(va); items.push(`... /* ${ptr(va + 8 * k)} */`); break; }
    const s = Number(new DataView(b.buffer).getBigUint64(0, true));
    if (s === 0) break;
    if (k === MAX_STR) { items.push('...'); break; }
    items.push(cstr(c, s));
  }
  return `[${items.join(', ')}]`;
}

/** execve's envp, abbreviated: its address and a comment counting the strings (`23 vars`). */
function envCount(c: Ctx, va: number): string {
  if (va === 0) return 'NULL';
  let n = 0;
  for (; n < 1 << 20; n++) {
    const b = mem(c, va + 8 * n, 8);
    if (b === undefined) return n === 0 ? ptr(va) : `${ptr(va)} /* ${n} vars */`;
    if (new DataView(b.buffer).getBigUint64(0, true) === 0n) break;
  }
  return `${ptr(va)} /* ${n} var${n === 1 ? '' : 's'} */`;
}

/** getdents64's buffer, abbreviated: its address and a comment counting the entries (`5+` when some could not be read). */
function dirents(c: Ctx, va: number): string {
  let count = 0, off = 0;
  while (c.ret - off >= 19) {
    const b = mem(c, va + off, 19);
    if (b === undefined) break;
    const reclen = new DataView(b.buffer).getUint16(16, true);
    count++;
    off = reclen < 19 || reclen > c.ret - off ? c.ret : off + reclen;
  }
  return `${ptr(va)} /* ${count}${c.ret > off ? '+' : ''} entries */`;
}

/** A pipe's two fds: `[3, 4]`. */
const fdPair = (c: Ctx, va: number) => struct(c, va, 8, (d) => `[${d.getInt32(0, true)}, ${d.getInt32(4, true)}]`);

/** utimensat's two timespecs, with UTIME_NOW and UTIME_OMIT by name. */
const utimes = (c: Ctx, va: number) => struct(c, va, 32, (d) => `[${[0, 16].map((o) => {
  const ns = i64(d, o + 8);
  return ns === 0x3fffffffn ? 'UTIME_NOW' : ns === 0x3ffffffen ? 'UTIME_OMIT' : `{tv_sec=${i64(d, o)}, tv_nsec=${ns}}`;
}).join(', ')}]`);

/** ppoll's array at entry: `[{fd=3, events=POLLIN}]`. */
const pollfds = (c: Ctx, va: number) => {
  const n = c.a[1] >>> 0;
  return struct(c, va, 8 * Math.min(n, MAX_STR), (d) => `[${Array.from({ length: Math.min(n, MAX_STR) }, (_, k) => {
    const fd = d.getInt32(8 * k, true);
    return fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${flags(d.getInt16(8 * k + 4, true) & 0xffff, POLL)}}`;
  }).join(', ')}${n > MAX_STR ? ', ...' : ''}]`);
};

/** select's fd_set of nfds bits: `[3 4]`. */
const fdset = (c: Ctx, va: number) => {
  const nfds = Math.min(c.a[0] | 0, 1024);
  return struct(c, va, Math.ceil(Math.max(nfds, 1) / 64) * 8, (d) => {
    const fds: number[] = [];
    for (let i = 0; i < nfds; i++) if ((d.getUint8(i >> 3) >> (i & 7)) & 1) fds.push(i);
    return `[${fds.join(' ')}]`;
  });
};

/** clone's flags: CLONE_* names, then the exit signal. */
function cloneFlags(n: number): string {
  const rest = (n & ~0xff) >>> 0, sig = n & 0xff;
  if (!rest) return sigName(sig);
  return flags(rest, CLONE, 'CLONE_???') + (sig ? '|' + sigName(sig) : '');
}

/** clone (riscv64 order: flags, stack, parent_tid, tls, child_tid): the pointers shown only when a flag uses them. */
function cloneArgs(r: Args): (Arg & { i: number })[] {
  const f = r[0];
  return [
    { i: 1, f: (_c, n) => `child_stack=${ptr(n)}` },
    { i: 0, f: (_c, n) => `flags=${cloneFlags(n)}` },
    ...(f & 0x101000 ? [{ i: 2, at: 'exit' as const, f: (c: Ctx, n: number) => `parent_tid=${f & 0x100000 && c.ok ? struct(c, n, 4, (d) => `[${d.getInt32(0, true)}]`) : ptr(n)}` }] : []),
    ...(f & 0x80000 ? [{ i: 3, f: (_c: Ctx, n: number) => `tls=${ptr(n)}` }] : []),
    ...(f & 0x1200000 ? [{ i: 4, f: (_c: Ctx, n: number) => `child_tidptr=${ptr(n)}` }] : []),
  ];
}

/** clone3's struct clone_args (linux/sched.h), abbreviated to the fields strace shows when set. */
const cloneArgsStruct = (c: Ctx, va: number) => struct(c, va, 64, (d) => {
  const flagsV = Number(u64at(d, 0) & 0xffffffffn), f = [`flags=${flags(flagsV, CLONE, 'CLONE_???')}`];
  if (flagsV & 0x1200000) f.push(`child_tid=${ptr(u64at(d, 16))}`);
  if (flagsV & 0x100000) f.push(`parent_tid=${ptr(u64at(d, 24))}`);
  f.push(`exit_signal=${sigName(Number(u64at(d, 32)))}`, `stack=${ptr(u64at(d, 40))}`, `stack_size=${xv(u64at(d, 48))}`);
  if (flagsV & 0x80000) f.push(`tls=${ptr(u64at(d, 56))}`);
  return `{${f.join(', ')}}`;
});

function fcntlArgs(r: Args): Arg[] {
  const cmd = r[1] | 0, head = [FD, xl(FCNTL, 'F_???')];
  const third: Record<number, Arg> = { 0: I, 1030: I, 2: fl(FD_FLAGS, 'FD_???'), 4: v(openFlags), 8: I, 1031: I, 10: SIG,
    6: a(flock(false)), 7: a(flock(false)), 37: a(flock(false)), 38: a(flock(false)), 5: out(flock(true)), 36: out(flock(true)) };
  if ([1, 3, 9, 11, 1025, 1032, 1034].includes(cmd)) return head;
  return [...head, third[cmd] ?? X];
}

function ioctlArgs(r: Args): Arg[] {
  const req = r[1] >>> 0, head = [FD, v(() => ioctlName(req))];
  const third: Record<number, Arg> = { 0x5401: out(termios), 0x5402: a(termios), 0x5403: a(termios), 0x5404: a(termios),
    0x5413: out(winsize), 0x5414: a(winsize), 0x540f: out(intIn), 0x5410: a(intIn), 0x541b: out(intIn), 0x5421: a(intIn), 0x5452: a(intIn) };
  if (req === 0x5450 || req === 0x5451) return head;
  return [...head, third[req] ?? P];
}

/** An ioctl request by name, or in strace's _IOC(dir, type, nr, size) form. */
function ioctlName(req: number): string {
  const known = IOCTL.find(([n]) => n === req);
  if (known) return known[1];
  const dir = ['_IOC_NONE', '_IOC_WRITE', '_IOC_READ', '_IOC_READ|_IOC_WRITE'][req >>> 30];
  return `_IOC(${dir}, ${xv((req >> 8) & 0xff)}, ${xv(req & 0xff)}, ${xv((req >>> 16) & 0x3fff)})`;
}

function futexArgs(r: Args): (Arg & { i?: number })[] {
  const op = r[1] | 0, cmd = op & 127, bitset = xl([[0xffffffff, 'FUTEX_BITSET_MATCH_ANY']]);
  const name = (FUTEX[cmd] ? FUTEX[cmd] + (op & 128 ? '_PRIVATE' : '') : xv(op & ~256)) + (op & 256 ? '|FUTEX_CLOCK_REALTIME' : '');
  const head = [P, v(() => name)];
  switch (cmd) {
    case 0: return [...head, U, TS];
    case 1: return [...head, U];
    case 9: return [...head, U, TS, { ...bitset, i: 5 }];
    case 10: return [...head, U, { ...bitset, i: 5 }];
    case 3: return [...head, U, U, P];
    case 4: case 5: case 12: return [...head, U, U, P, U];
    default: return [...head, X, X, X, X];
  }
}

/** The argument table: how strace shows each call's arguments (a function when they depend on another argument). */
const CALLS: Record<string, readonly Arg[] | ((r: Args) => readonly Arg[])> = {
  getcwd: [out((c, n) => cstr(c, n, Math.max(c.ret - 1, 0))), UL],
  dup: [FD], dup3: [FD, FD, fl(O_FLAGS)],
  fcntl: fcntlArgs, ioctl: ioctlArgs,
  mkdirat: [DIRFD, PATH, MODE], unlinkat: [DIRFD, PATH, ATFL], symlinkat: [PATH, DIRFD, PATH],
  linkat: [DIRFD, PATH, DIRFD, PATH, ATFL], truncate: [PATH, L], ftruncate: [FD, L],
  faccessat: [DIRFD, PATH, fl(ACCESS)], faccessat2: [DIRFD, PATH, fl(ACCESS), fl(AT_ACCESS, 'AT_???')],
  chdir: [PATH], fchdir: [FD], fchmod: [FD, MODE], fchmodat: [DIRFD, PATH, MODE],
  fchownat: [DIRFD, PATH, I, I, ATFL], fchown: [FD, I, I],
  openat: (r) => [DIRFD, PATH, v(openFlags), ...(r[2] & 0o20000100 ? [MODE] : [])],
  close: [FD], pipe2: [out(fdPair), fl(O_FLAGS)],
  getdents64: [FD, out(dirents), U], lseek: [FD, L, xl(SEEK, 'SEEK_???')],
  read: [FD, outBuf(), UL], write: [FD, inBuf(2), UL],
  readv: [FD, out((c, n) => iovec(c, n, c.a[2] | 0, c.ret)), I], writev: [FD, a((c, n) => iovec(c, n, c.a[2] | 0, Infinity)), I],
  pread64: [FD, outBuf(), UL, L], pwrite64: [FD, inBuf(2), UL, L],
  sendfile: [FD, FD, a((c, n) => struct(c, n, 8, (d) => `[${i64(d, 0)}]`)), UL],
  pselect6: [I, a(fdset), a(fdset), a(fdset), TS, a((c, n) => struct(c, n, 16, (d) =>
    `{sigmask=${sigset(c, Number(u64at(d, 0)), Number(u64at(d, 8)))}, sigsetsize=${u64at(d, 8)}}`))],
  ppoll: [a(pollfds), U, TS, SIGSET(4), UL],
  readlinkat: [DIRFD, PATH, outBuf(), UL],
  newfstatat: [DIRFD, PATH, out(stat), ATFL], fstat: [FD, out(stat)],
  sync: [], fsync: [FD], fdatasync: [FD],
  utimensat: [DIRFD, PATH, a(utimes), ATFL],
  exit: [I], exit_group: [I],
  waitid: [xl(IDTYPE, 'P_???'), I, out(siginfoAt), fl(WAIT, 'W???'), out(rusage)],
  set_tid_address: [P], set_robust_list: [P, UL], rseq: [P, U, fl(x({ RSEQ_FLAG_UNREGISTER: 1 }), 'RSEQ_FLAG_???'), v((n) => xv(n >>> 0))],
  futex: futexArgs,
  nanosleep: [TS, REM], clock_nanosleep: [xl(CLOCKS), fl(x({ TIMER_ABSTIME: 1 })), TS, REM],
  getitimer: [xl(ITIMER, 'ITIMER_???'), out(itimerval)], setitimer: [xl(ITIMER, 'ITIMER_???'), a(itimerval), out(itimerval)],
  clock_gettime: [xl(CLOCKS), out(timespec)], clock_getres: [xl(CLOCKS), out(timespec)],
  sched_yield: [],
  kill: [I, SIG], tkill: [I, SIG], tgkill: [I, I, SIG],
  sigaltstack: [a(stackT), out(stackT)],
  rt_sigsuspend: [SIGSET(1), UL],
  rt_sigaction: [SIG, a(sigaction), out(sigaction), UL],
  rt_sigprocmask: [xl(SIGHOW, 'SIG_???'), SIGSET(3), out((c, n) => sigset(c, n, c.a[3])), UL],
  rt_sigpending: [out((c, n) => sigset(c, n, c.a[1])), UL],
  rt_sigtimedwait: [SIGSET(3), out(siginfoAt), TS, UL],
  rt_sigqueueinfo: [I, SIG, a(siginfoAt)],
  rt_sigreturn: [{ f: (c) => struct(c, c.p.reg(2) + UC + 40, 8, (d) => `{mask=${sigsetText(u64at(d, 0))}}`) }],
  setpgid: [I, I], getpgid: [I], getsid: [I], setsid: [],
  times: [out(tms)], uname: [out(utsname)],
  getrlimit: [xl(RLIMIT, 'RLIMIT_???'), out(rlimit)], setrlimit: [xl(RLIMIT, 'RLIMIT_???'), a(rlimit)],
  getrusage: [xl(RUSAGE, 'RUSAGE_???'), out(rusage)],
  umask: [MODE],
  prctl: (r) => [xl(PRCTL, 'PR_???'), ...((r[0] | 0) === 15 ? [STR] : (r[0] | 0) === 16 ? [out((c, n) => cstr(c, n, 16))] : [X, X, X, X])],
  gettimeofday: [out(timeval), out(timezone)],
  getpid: [], getppid: [], getuid: [], geteuid: [], getgid: [], getegid: [], gettid: [],
  sysinfo: [out(sysinfo)],
  brk: [P], munmap: [P, UL],
  mremap: (r) => [P, UL, UL, fl(MREMAP, 'MREMAP_???'), ...(r[3] & 2 ? [P] : [])],
  clone: cloneArgs, clone3: [a(cloneArgsStruct), UL],
  execve: [PATH, a(argv), a(envCount)],
  mmap: [P, UL, fl(PROT, 'PROT_???'), v(mapFlags), FD, X],
  mprotect: [P, UL, fl(PROT, 'PROT_???')], madvise: [P, UL, xl(MADV, 'MADV_???')],
  riscv_flush_icache: [P, P, fl(x({ SYS_RISCV_FLUSH_ICACHE_LOCAL: 1 }), 'SYS_RISCV_FLUSH_ICACHE_???')],
  wait4: [I, out((c, n) => (c.ret === 0 ? ptr(n) : struct(c, n, 4, (d) => waitStatusText(d.getInt32(0, true))))), fl(WAIT, 'W???'),
    { at: 'exit', f: (c, n) => (c.ret > 0 && n !== 0 ? rusage(c, n) : ptr(n)) }],
  prlimit64: [I, xl(RLIMIT, 'RLIMIT_???'), a(rlimit), out(rlimit)],
  renameat2: [DIRFD, PATH, DIRFD, PATH, fl(RENAME, 'RENAME_???')],
  getrandom: [outBuf(true), UL, fl(GRND, 'GRND_???')],
  statx: [DIRFD, PATH, v((n) => flags(n & 0x6000, STATX_SYNC, null) + (n & ~0x6000 ? '|' + flags(n & ~0x6000, AT) : '')),
    fl(STATX_MASK, 'STATX_???'), out(statx)],
};

/** A call's arguments, each with the register it shows (clone shows them out of order). */
function argsOf(name: string, r: Args): (Arg & { i?: number })[] {
  const spec = CALLS[name];
  if (spec === undefined) return r.map(() => X); // syscall_0x…: six numbers in hex, as strace shows an unknown call
  return [...(typeof spec === 'function' ? spec(r) : spec)];
}

/** One argument's text; a decoder that throws (a bug) shows the raw value rather than end the run. */
function show(arg: Arg, c: Ctx, value: number): string {
  try { return arg.f(c, value); } catch { return xv(value); }
}

/** The arguments as strace shows them at entry; output arguments are null (decoded by formatCall at exit). */
export function decodeArgs(p: Process, name: string, r: Args): (string | null)[] {
  try {
    const c: Ctx = { p, a: r, ret: 0, ok: true };
    return argsOf(name, r).map((arg, k) => (arg.at === 'exit' ? null : show(arg, c, r[arg.i ?? k])));
  } catch {
    return raw(r); // a decoder bug must never end a traced run
  }
}

/** The arguments as numbers, strace's fallback. */
const raw = (r: Args) => r.map((v) => xv(v));

// ---- results --------------------------------------------------------------------

/** glibc's strerror for every errno the kernel returns (errno.ts). */
export const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process', EINTR: 'Interrupted system call',
  EIO: 'Input/output error', ENXIO: 'No such device or address', E2BIG: 'Argument list too long', ENOEXEC: 'Exec format error',
  EBADF: 'Bad file descriptor', ECHILD: 'No child processes', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Device or resource busy', EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link', ENODEV: 'No such device', ENOTDIR: 'Not a directory', EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument', ENFILE: 'Too many open files in system', EMFILE: 'Too many open files', ENOTTY: 'Inappropriate ioctl for device',
  EFBIG: 'File too large', ENOSPC: 'No space left on device', ESPIPE: 'Illegal seek', EROFS: 'Read-only file system',
  EMLINK: 'Too many links', EPIPE: 'Broken pipe', ERANGE: 'Numerical result out of range', ENAMETOOLONG: 'File name too long',
  ENOSYS: 'Function not implemented', ENOTEMPTY: 'Directory not empty', ELOOP: 'Too many levels of symbolic links',
  EOPNOTSUPP: 'Operation not supported',
};

/** How a successful result is shown when not in decimal: addresses in hex, umask in octal, some with strace's comment. */
const RESULTS: Record<string, (c: Ctx) => string> = {
  mmap: (c) => xv(c.ret), brk: (c) => xv(c.ret), mremap: (c) => xv(c.ret),
  umask: (c) => (c.ret === 0 ? '0' : '0' + c.ret.toString(8)),
  fcntl: (c) => {
    const cmd = c.a[1] | 0;
    if (cmd === 3) return `${xv(c.ret)} (flags ${openFlags(c.ret)})`;
    if (cmd === 1 && c.ret !== 0) return `${xv(c.ret)} (flags ${flags(c.ret, FD_FLAGS)})`;
    return String(c.ret);
  },
  rt_sigtimedwait: (c) => (c.ret > 0 ? `${c.ret} (${sigName(c.ret)})` : String(c.ret)),
  ppoll: (c) => (c.ret === 0 ? '0 (Timeout)' : `${c.ret}${pollResult(c)}`),
  pselect6: (c) => (c.ret === 0 ? '0 (Timeout)' : `${c.ret}${selectResult(c)}`),
  times: (c) => ulong(c.ret),
};

/** ppoll's revents at exit: ` ([{fd=3, revents=POLLIN}])`, then the time left. */
function pollResult(c: Ctx): string {
  const n = c.a[1] >>> 0, b = mem(c, c.a[0], 8 * Math.min(n, 1024));
  const parts: string[] = [];
  if (b !== undefined && n > 0) {
    const d = new DataView(b.buffer), ready: string[] = [];
    for (let k = 0; k < Math.min(n, 1024); k++) {
      const re = d.getInt16(8 * k + 6, true) & 0xffff;
      if (re) ready.push(ready.length === MAX_STR ? '...' : `{fd=${d.getInt32(8 * k, true)}, revents=${flags(re, POLL)}}`);
      if (ready.length > MAX_STR) break;
    }
    if (ready.length) parts.push(`[${ready.join(', ')}]`);
  }
  if (c.a[2] !== 0) parts.push(`left ${timespec(c, c.a[2])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** pselect6's ready sets at exit: ` (in [3], out [4])`, then the time left. */
function selectResult(c: Ctx): string {
  const parts = (['in', 'out', 'except'] as const).flatMap((w, k) => {
    const set = c.a[k + 1] !== 0 ? fdset(c, c.a[k + 1]) : '[]';
    return set !== '[]' && set.startsWith('[') ? [`${w} ${set}`] : [];
  });
  if (c.a[4] !== 0) parts.push(`left ${timespec(c, c.a[4])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** strace's result: a number, or `-1 ENOENT (No such file or directory)`. */
function resultText(c: Ctx, name: string): string {
  if (!c.ok) {
    const e = -c.ret, ename = ERRNO_NAMES[e];
    return ename ? `-1 ${ename} (${STRERROR[ename] ?? `Unknown error ${e}`})` : `-1 ${e} (Unknown error ${e})`;
  }
  try { return RESULTS[name]?.(c) ?? String(c.ret); } catch { return String(c.ret); }
}

/**
 * The whole line for a finished call, without the pid: `name(args) = result`.
 * Output arguments (null in entry) are decoded now. noReturn: execve
 * succeeded (its old memory is gone: only the entry strings are used) or
 * rt_sigreturn restored the registers (the result is the restored a0).
 */
export function formatCall(p: Process, name: string, r: Args, entry: readonly (string | null)[], ret: number, noReturn: boolean): string {
  try { return callLine(p, name, r, entry, ret, noReturn); } catch { return `${name}(${raw(r).join(', ')}) = ${xv(ret)}`; }
}

function callLine(p: Process, name: string, r: Args, entry: readonly (string | null)[], ret: number, noReturn: boolean): string {
  const gone = p.state === 'zombie';
  if (noReturn) ret = name === 'rt_sigreturn' && !gone ? p.reg(10) : 0;
  const c: Ctx = { p, a: r, ret, ok: !(ret < 0 && ret >= -4095) };
  const result = noReturn && name !== 'execve' && gone ? '?' : resultText(c, name);
  const args = argsOf(name, r), fresh = !(noReturn && name === 'execve');
  const shown = entry.map((s, k) => s ?? (fresh && args[k] ? show(args[k], c, r[args[k].i ?? k]) : '?'));
  return `${name}(${shown.join(', ')}) = ${result}`;
}
