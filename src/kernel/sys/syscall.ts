// System calls: a declarative table (STYLE.md rule 7). Every handler has the
// same signature — (kernel, process, args) → result or -errno — and a
// `// implements name(2)` line. Arguments follow the Linux riscv64 ABI:
// a7 = number, a0..a5 = arguments, result in a0.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { SYSNO, type SyscallName } from './sysno.js';
import { ENOSYS } from '../errno.js';
import { decodeArgs, formatCall } from './strace.js';
import { PROC_CALLS } from './proc.js';
import { MEM_CALLS } from './mem.js';
import { FS_CALLS } from './fs.js';
import { TASK_CALLS } from './task.js';
import { SIGNAL_CALLS } from './signal.js';
import { PIPE_CALLS } from '../fs/pipe.js';

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

/** The system call's arguments, a0..a5. */
export const callArgs = (p: Process): Args => [p.reg(10), p.reg(11), p.reg(12), p.reg(13), p.reg(14), p.reg(15)];

/** A call's name for the events: its table name, or strace's `syscall_0x1c3` for a number the kernel does not know. */
export const callName = (nr: number): string => TABLE.get(nr)?.name ?? `syscall_0x${nr.toString(16)}`;

/** Runs the system call in a7 for p. Unknown numbers give -ENOSYS and are counted by number. */
export function dispatch(k: Kernel, p: Process): number {
  const nr = p.reg(17);
  const call = TABLE.get(nr);
  const args = callArgs(p);
  if (k.trace.on) return traced(k, p, nr, call, args);
  k.charge(k.costs.syscall);
  return run(k, p, nr, call, args);
}

function run(k: Kernel, p: Process, nr: number, call: Syscall | undefined, args: Args): number {
  if (call === undefined) {
    k.unknownSyscalls.set(nr, (k.unknownSyscalls.get(nr) ?? 0) + 1);
    return -ENOSYS;
  }
  const r = call.handler(k, p, args);
  if (r !== BLOCK) k.syscallCounts.set(call.name, (k.syscallCounts.get(call.name) ?? 0) + 1);
  return r;
}

/** dispatch with a sink listening: the same call between its enter and exit events (kept apart so the untraced path stays small). */
function traced(k: Kernel, p: Process, nr: number, call: Syscall | undefined, args: Args): number {
  const name = callName(nr);
  // A call that slept runs again from the start; strace shows the arguments it first had.
  const entry = p.pendingCall ?? decodeArgs(p, name, args);
  k.trace.emit({ kind: 'syscall-enter', ...k.at(), pid: p.pid, nr, name, args: entry.map((a) => a ?? '…').join(', '), again: p.pendingCall !== undefined });
  k.charge(k.costs.syscall);
  // exit and exit_group never return: strace shows `= ?` before the process's exit line.
  if (name === 'exit' || name === 'exit_group') {
    k.trace.emit({ kind: 'syscall-exit', ...k.at(), pid: p.pid, nr, name, ret: 0, blocked: false, text: `${name}(${entry.join(', ')}) = ?` });
    return run(k, p, nr, call, args);
  }
  const r = run(k, p, nr, call, args);
  const blocked = r === BLOCK;
  p.pendingCall = blocked ? entry : undefined;
  // What the program sees in a0: execve's success is 0, rt_sigreturn's the restored a0 (never the BLOCK/NORETURN markers).
  const ret = blocked ? 0 : r !== NORETURN ? r : name === 'rt_sigreturn' ? p.reg(10) : 0;
  k.trace.emit({ kind: 'syscall-exit', ...k.at(), pid: p.pid, nr, name, ret, blocked, text: blocked ? '' : formatCall(p, name, args, entry, r, r === NORETURN) });
  return r;
}
