// System calls: a declarative table (STYLE.md rule 7). Every handler has the
// same signature — (kernel, process, args) → result or -errno — and a
// `// implements name(2)` line. Arguments follow the Linux riscv64 ABI:
// a7 = number, a0..a5 = arguments, result in a0.

import type { Kernel } from './kernel.js';
import type { Process } from './proc.js';
import { SYSNO, type SyscallName } from './sysno.js';
import { ENOSYS, ERRNO_NAMES } from './errno.js';
import { copyInString } from './uaccess.js';
import { PROC_CALLS } from './sys-proc.js';
import { MEM_CALLS } from './sys-mem.js';
import { FS_CALLS } from './sys-fs.js';
import { TASK_CALLS } from './sys-task.js';
import { SIGNAL_CALLS } from './sys-signal.js';
import { PIPE_CALLS } from './pipe.js';

/** Returned by a handler that put the process to sleep; the call runs again when it wakes. */
export const BLOCK = -0x40000000;
/** Returned by a handler that set the user registers itself (execve, rt_sigreturn) or ended the process. */
export const NORETURN = -0x40000001;

/** The arguments a0..a5: signed 64-bit values as JS numbers (exact below 2^53; pointers beyond that are bad anyway). */
export type Args = readonly number[];

export type Handler = (k: Kernel, p: Process, a: Args) => number;

/** full: Linux semantics for every argument we accept; partial: the common cases, the rest give an errno. */
export type Support = 'full' | 'partial';

export interface SyscallDef { name: SyscallName; handler: Handler; status: Support; }

export interface Syscall extends SyscallDef { nr: number; }

const TABLE = new Map<number, Syscall>();
for (const def of [...PROC_CALLS, ...MEM_CALLS, ...FS_CALLS, ...TASK_CALLS, ...SIGNAL_CALLS, ...PIPE_CALLS]) {
  const nr = SYSNO[def.name];
  if (TABLE.has(nr)) throw new Error(`syscall ${def.name} defined twice`);
  TABLE.set(nr, { ...def, nr });
}

/** The table, for documentation and tests. */
export const SYSCALLS: readonly Syscall[] = [...TABLE.values()].sort((a, b) => a.nr - b.nr);

/** Runs the system call in a7 for p. Unknown numbers give -ENOSYS and are counted by name or number. */
export function dispatch(k: Kernel, p: Process): number {
  const nr = p.reg(17);
  const call = TABLE.get(nr);
  if (call === undefined) {
    k.unknownSyscalls.set(nr, (k.unknownSyscalls.get(nr) ?? 0) + 1);
    return -ENOSYS;
  }
  const args = [p.reg(10), p.reg(11), p.reg(12), p.reg(13), p.reg(14), p.reg(15)];
  const line = k.strace ? describe(p, call.name, args) : '';
  const r = call.handler(k, p, args);
  if (r !== BLOCK) k.syscallCounts.set(call.name, (k.syscallCounts.get(call.name) ?? 0) + 1);
  if (k.strace && r !== BLOCK) k.strace(`${line} = ${r === NORETURN ? '0' : r < 0 && r >= -4095 ? `-1 ${ERRNO_NAMES[-r] ?? 'E' + -r}` : r.toString()}`);
  return r;
}

/** Which argument of a call is a path, shown as a string in --strace (the rest are numbers). */
const PATH_ARG: Partial<Record<SyscallName, number>> = {
  openat: 1, newfstatat: 1, readlinkat: 1, faccessat: 1, faccessat2: 1, mkdirat: 1, unlinkat: 1, statx: 1,
  execve: 0, chdir: 0,
};
const ARGC: Partial<Record<SyscallName, number>> = { exit: 1, exit_group: 1, getpid: 0, getppid: 0, gettid: 0, getuid: 0, geteuid: 0,
  getgid: 0, getegid: 0, brk: 1, close: 1, dup: 1, sched_yield: 0, rt_sigreturn: 0, munmap: 2, pipe2: 2, umask: 1 };

/** `[pid N] name(args)`, strace-style (issue 4 decodes flags and structures). */
function describe(p: Process, name: SyscallName, a: readonly number[]): string {
  const n = ARGC[name] ?? 3;
  const shown = a.slice(0, n).map((v, i) => {
    if (PATH_ARG[name] === i) { const s = copyInString(p.as, v); return s === undefined ? `0x${v.toString(16)}` : JSON.stringify(s); }
    return v < 0 || v < 4096 ? String(v | 0) : `0x${v.toString(16)}`;
  });
  return `[pid ${p.pid}] ${name}(${shown.join(', ')})`;
}

