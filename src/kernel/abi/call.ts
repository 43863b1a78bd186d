// What one system call is: the shape of a table entry, the handler
// signature, the two markers a handler may return, and the helpers that read
// a call out of a process's registers. A leaf module: the handler modules,
// the table, strace and the signal code all import it, and it imports only
// sysno.ts at run time, so no import cycle can pass through it.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { ArgSpec, ResultText } from './strace-args.js';
import { SYSNAME, type SyscallName } from './sysno.js';

/** Returned by a handler that put the process to sleep; the call runs again when it wakes. */
export const BLOCK = -0x40000000;
/** Returned by a handler that set the user registers itself (execve, rt_sigreturn) or ended the process. */
export const NORETURN = -0x40000001;

/** The arguments a0..a5: signed 64-bit values as JS numbers (exact below 2^53; pointers beyond that are bad anyway). */
export type Args = readonly number[];

/** Every handler: the result (>= 0), -errno, BLOCK or NORETURN. Arguments follow the riscv64 ABI: a7 = number, a0..a5. */
export type Handler = (k: Kernel, p: Process, a: Args) => number;

/**
 * full: Linux semantics for every argument we accept; partial: the common
 * cases (the entry's `limits` says which), the rest give an errno;
 * unimplemented: always ENOSYS.
 */
export type Status = 'full' | 'partial' | 'unimplemented';

/**
 * What a signal handler does to the call when it interrupts it asleep
 * (signal(7), "Interruption of system calls and library functions by signal
 * handlers"), named after the Linux return code that implements it:
 *  - ERESTARTSYS: restarted when the handler has SA_RESTART, else EINTR;
 *  - ERESTARTNOHAND: EINTR after any handler (sigsuspend, ppoll, pselect);
 *  - ERESTART_RESTARTBLOCK: EINTR after any handler; with no handler the
 *    sleep goes on to its first deadline (nanosleep, clock_nanosleep);
 *  - none: the call never sleeps, so no signal can interrupt it.
 * A signal with no handler (ignored, or a stop and continue) never ends a
 * sleeping call early: it goes on sleeping, as in Linux.
 */
export type Restart = 'ERESTARTSYS' | 'ERESTARTNOHAND' | 'ERESTART_RESTARTBLOCK' | 'none';

/** What every table entry gives, whatever its status. */
interface SyscallBase {
  name: SyscallName;
  handler: Handler;
  /** How strace shows the arguments (strace-args.ts). */
  args: ArgSpec;
  /** How strace shows a successful result when not in decimal (an address in hex, a mode in octal). */
  result?: ResultText;
  restart: Restart;
  /** A handler interrupts the call's sleep where it would return EINTR: true to run it once more after the handler, for its own result (io_uring_enter: what it submitted). */
  interrupted?: (k: Kernel, p: Process) => boolean;
}

/**
 * A table entry as a handler module writes it: everything about one call but
 * its number. A partial call must say, in one line, what is missing
 * (docs/syscalls.md shows it); the others have no limits.
 */
export type SyscallDef = SyscallBase & ({ status: 'partial'; limits: string } | { status: 'full' | 'unimplemented'; limits?: undefined });

export type Syscall = SyscallDef & { nr: number };

/** A call with no arguments: its table entry's strace spec, and what its handler is given (syscall.ts dispatch reads no registers for it). */
export const NO_ARGS: readonly [] = Object.freeze([]) as readonly [];

/** The system call's arguments, a0..a5. */
export const callArgs = (p: Process): Args => [p.reg(10), p.reg(11), p.reg(12), p.reg(13), p.reg(14), p.reg(15)];

/** A call's name for the events: its Linux name, or strace's `syscall_0x1c3` for a number outside the table. */
export const callName = (nr: number): string => SYSNAME.get(nr) ?? `syscall_0x${nr.toString(16)}`;
