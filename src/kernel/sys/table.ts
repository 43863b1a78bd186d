// The system-call table: one entry per number of Linux's riscv64 table
// (sysno.ts), gathered from the handler modules and the unimplemented stubs.
// Each entry carries everything about its call: number, name, handler,
// status, strace decoder and restart policy (call.ts, SyscallDef). Loading
// this module fails when a number has no entry or two.

import { SYSNO, type SyscallName } from '../abi/sysno.js';
import { NO_ARGS, type Restart, type Syscall, type SyscallDef } from '../abi/call.js';
import { PROC_CALLS } from './proc.js';
import { CLOCK_CALLS } from './clock.js';
import { HWPROBE_CALLS } from './hwprobe.js';
import { MEM_CALLS } from './mem.js';
import { FD_CALLS } from './fs.js';
import { PATH_CALLS } from './path.js';
import { TASK_CALLS } from './task.js';
import { THREAD_CALLS } from './thread.js';
import { FUTEX_CALLS } from './futex.js';
import { RSEQ_CALLS } from './rseq.js';
import { SIGNAL_CALLS } from './signal.js';
import { PIPE_CALLS } from '../fs/pipe.js';
import { ID_CALLS } from './id.js';
import { STATFS_CALLS } from './statfs.js';
import { POLL_CALLS } from './poll.js';
import { EPOLL_CALLS } from '../fs/epoll.js';
import { EVENTFD_CALLS } from '../fs/eventfd.js';
import { TIMERFD_CALLS } from '../fs/timerfd.js';
import { SIGNALFD_CALLS } from '../fs/signalfd.js';
import { UNIMPLEMENTED_CALLS } from './unimplemented.js';
import { LOCK_CALLS } from './lock.js';
import { IO_CALLS } from './io.js';
import { NET_CALLS } from './net.js';
import { MSG_CALLS } from './netmsg.js';
import { SOCKOPT_CALLS } from './sockopt.js';
import { IO_URING_CALLS } from './io-uring.js';

const BY_NR = new Map<number, Syscall>();
const BY_NAME = new Map<string, Syscall>();
for (const def of [...PROC_CALLS, ...CLOCK_CALLS, ...HWPROBE_CALLS, ...MEM_CALLS, ...FD_CALLS, ...PATH_CALLS, ...TASK_CALLS, ...THREAD_CALLS, ...FUTEX_CALLS, ...RSEQ_CALLS, ...SIGNAL_CALLS, ...PIPE_CALLS, ...LOCK_CALLS, ...IO_CALLS, ...NET_CALLS, ...MSG_CALLS, ...SOCKOPT_CALLS, ...IO_URING_CALLS, ...ID_CALLS, ...STATFS_CALLS,
  ...POLL_CALLS, ...EPOLL_CALLS, ...EVENTFD_CALLS, ...TIMERFD_CALLS, ...SIGNALFD_CALLS, ...UNIMPLEMENTED_CALLS] as SyscallDef[]) {
  const nr = SYSNO[def.name];
  if (BY_NR.has(nr)) throw new Error(`syscall table: ${def.name} (${nr}) has two entries`);
  // Every entry has the same shape (the optional fields too): the dispatch's loads of handler and nr stay monomorphic.
  const args = Array.isArray(def.args) && def.args.length === 0 ? NO_ARGS : def.args;
  if (args === NO_ARGS && def.handler.length > 2) throw new Error(`syscall table: ${def.name} takes no arguments, but its handler reads them (it is given none)`);
  const call = { nr, name: def.name, handler: def.handler, args, result: def.result, restart: def.restart,
    interrupted: def.interrupted, status: def.status, limits: def.limits } as Syscall;
  BY_NR.set(nr, call);
  BY_NAME.set(def.name, call);
}
for (const name of Object.keys(SYSNO) as SyscallName[]) {
  if (!BY_NAME.has(name)) throw new Error(`syscall table: ${name} (${SYSNO[name]}) has no entry (a handler, or a stub in unimplemented.ts)`);
}

/** The whole table, by number: for documentation (scripts/gen-syscalls-doc.mjs) and tests. */
export const SYSCALLS: readonly Syscall[] = [...BY_NR.values()].sort((a, b) => a.nr - b.nr);

/** The entries by number, as an array: the dispatch looks one up at every call (a Map's get cost more than the rest of getppid's dispatch). */
const TABLE: (Syscall | undefined)[] = Array.from({ length: Math.max(...BY_NR.keys()) + 1 }, (_, nr) => BY_NR.get(nr));
/** One more than the largest number in the table: a per-number counter needs this many slots. */
export const SYSCALL_SLOTS = TABLE.length;

/** The entry for number nr; undefined outside Linux's table (strace's `syscall_0x...`). */
export const syscallOf = (nr: number): Syscall | undefined => (nr >= 0 && nr < TABLE.length ? TABLE[nr] : undefined);

/** The entry named name (syscall_0x... names have none). */
export const syscallNamed = (name: string): Syscall | undefined => BY_NAME.get(name);

/**
 * Whether call nr, interrupted asleep by a signal whose handler runs, starts
 * again after the handler (true) or returns EINTR (false): its restart
 * policy (call.ts, Restart) and the handler's SA_RESTART. Called by the
 * signal code (sigpolicy.ts deliver).
 */
export function restartsAfterHandler(nr: number, saRestart: boolean): boolean {
  const policy: Restart = BY_NR.get(nr)?.restart ?? 'none';
  return saRestart && (policy === 'ERESTARTSYS' || policy === 'none');
}
