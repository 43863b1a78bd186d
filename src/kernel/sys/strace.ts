// strace-style decoding of system calls, for the trace events the kernel
// emits (src/trace carries them to --strace, --trace, --stats). The kernel
// knows the Linux ABI, so decoding lives here; the sinks only print.
//
// The output follows strace's default (abbreviated) style, from its sources
// (src/util.c string_quote, src/xlat/*.in, one decoder per call): strings
// quoted with C escapes and cut at 32 bytes, flags by name, structs as
// `{field=value, ...}`. Each call's table entry (table.ts) says how its
// arguments and result are shown (`args`, `result`, written with
// strace-args.ts); this file runs them and formats the line.
//
// Contract: decoding never changes the run (strace-mem.ts reads memory
// without faulting), and a decoder that throws never ends a traced run.

import type { Process } from '../sched/proc.js';
import type { Args } from '../abi/call.js';
import { ERRNO_NAMES } from '../errno.js';
import { xv } from '../abi/abi-names.js';
import type { Ctx } from '../abi/strace-mem.js';
import { X, type Arg } from '../abi/strace-args.js';
import { syscallNamed } from './table.js';

export { quote } from '../abi/strace-mem.js';
export { sigName, sigsetText, waitStatusText, formatSiginfo, formatExit } from '../abi/strace-signal.js';

/** A call's arguments, each with the register it shows (clone shows them out of order). */
function argsOf(name: string, r: Args): Arg[] {
  const spec = syscallNamed(name)?.args;
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
  EMLINK: 'Too many links', EPIPE: 'Broken pipe', ERANGE: 'Numerical result out of range', EDEADLK: 'Resource deadlock avoided', ENAMETOOLONG: 'File name too long',
  ENOSYS: 'Function not implemented', ENOTEMPTY: 'Directory not empty', ELOOP: 'Too many levels of symbolic links',
  EOPNOTSUPP: 'Operation not supported', ETIMEDOUT: 'Connection timed out', ETIME: 'Timer expired', ECANCELED: 'Operation canceled',
  ENOTSOCK: 'Socket operation on non-socket', EDESTADDRREQ: 'Destination address required', EMSGSIZE: 'Message too long',
  EPROTOTYPE: 'Protocol wrong type for socket', ENOPROTOOPT: 'Protocol not available', EPROTONOSUPPORT: 'Protocol not supported',
  ESOCKTNOSUPPORT: 'Socket type not supported', EAFNOSUPPORT: 'Address family not supported by protocol', EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address', ENETUNREACH: 'Network is unreachable', ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer', ENOBUFS: 'No buffer space available', EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected', ECONNREFUSED: 'Connection refused', EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
};

/** strace's result: a number, or `-1 ENOENT (No such file or directory)`. */
function resultText(c: Ctx, name: string): string {
  if (!c.ok) {
    const e = -c.ret, ename = ERRNO_NAMES[e];
    return ename ? `-1 ${ename} (${STRERROR[ename] ?? `Unknown error ${e}`})` : `-1 ${e} (Unknown error ${e})`;
  }
  try { return syscallNamed(name)?.result?.(c) ?? String(c.ret); } catch { return String(c.ret); }
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
