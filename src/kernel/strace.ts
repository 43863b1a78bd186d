// strace-style decoding of system calls and signals, for the trace events
// the kernel emits (src/trace carries them to --strace, --trace, --stats).
// The kernel knows the Linux ABI, so decoding lives here; the sinks only print.

import type { Process } from './proc.js';
import type { Args } from './syscall.js';
import { copyInString } from './uaccess.js';
import { ERRNO_NAMES } from './errno.js';
import { SIGNAL_NAMES, type SigInfo } from './signal.js';

/** Which argument of a call is a path, shown as a string (the rest are numbers). */
const PATH_ARG: Record<string, number> = {
  openat: 1, newfstatat: 1, readlinkat: 1, faccessat: 1, faccessat2: 1, mkdirat: 1, unlinkat: 1, statx: 1,
  execve: 0, chdir: 0,
};
const ARGC: Record<string, number> = { exit: 1, exit_group: 1, getpid: 0, getppid: 0, gettid: 0, getuid: 0, geteuid: 0,
  getgid: 0, getegid: 0, brk: 1, close: 1, dup: 1, sched_yield: 0, rt_sigreturn: 0, munmap: 2, pipe2: 2, umask: 1 };

/** The arguments as strace shows them at entry; output arguments are null (decoded by formatCall at exit). */
export function decodeArgs(p: Process, name: string, a: Args): (string | null)[] {
  const n = ARGC[name] ?? 3;
  return a.slice(0, n).map((v, i) => {
    if (PATH_ARG[name] === i) { const s = copyInString(p.as, v); return s === undefined ? `0x${v.toString(16)}` : JSON.stringify(s); }
    return v < 0 || v < 4096 ? String(v | 0) : `0x${v.toString(16)}`;
  });
}

/** The whole line for a finished call, without the pid: `name(args) = result`. */
export function formatCall(p: Process, name: string, a: Args, entry: readonly (string | null)[], ret: number, noReturn: boolean): string {
  void p; void a;
  const r = noReturn ? '0' : ret < 0 && ret >= -4095 ? `-1 ${ERRNO_NAMES[-ret] ?? 'E' + -ret}` : ret.toString();
  return `${name}(${entry.map((s) => s ?? '?').join(', ')}) = ${r}`;
}

/** strace's siginfo: `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}`. */
export function formatSiginfo(sig: number, info: SigInfo): string {
  const name = SIGNAL_NAMES[sig] ?? String(sig);
  return `{si_signo=${name}, si_code=${info.code}${info.addr !== undefined ? `, si_addr=0x${BigInt.asUintN(64, BigInt(info.addr)).toString(16)}` : ''}}`;
}

/** strace's last line for a process: `exited with 0`, `killed by SIGSEGV (core dumped)`. */
export function formatExit(waitStatus: number): string {
  const sig = waitStatus & 0x7f;
  return sig ? `killed by ${SIGNAL_NAMES[sig] ?? sig}` : `exited with ${(waitStatus >> 8) & 0xff}`;
}
