// System calls: the dispatcher. The kernel's trap loop calls dispatch for an
// ecall from U-mode; it finds the call's entry in the table (table.ts: one
// entry per Linux riscv64 number, each with its handler, status, strace
// decoder and restart policy), runs the handler, counts the call, and, with
// a sink listening, emits the enter and exit events strace prints.
// Arguments follow the Linux riscv64 ABI: a7 = number, a0..a5 = arguments,
// result in a0.

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { BLOCK, NORETURN, NO_ARGS, callArgs, callName, type Args, type Syscall } from '../abi/call.js';
import { syscallOf, restartsAfterHandler } from './table.js';
import { ENOSYS, EINTR } from '../errno.js';
import { decodeArgs, formatCall } from './strace.js';

export { BLOCK, NORETURN, callArgs, callName } from '../abi/call.js';
export type { Args, Handler, Status, Restart, SyscallDef, Syscall } from '../abi/call.js';
export { SYSCALLS, SYSCALL_SLOTS } from './table.js';

/** Runs the system call in a7 for p. Numbers outside the table give -ENOSYS and are counted by number. */
export function dispatch(k: Kernel, p: Process): number {
  const nr = p.reg(17);
  const call = syscallOf(nr);
  if (k.trace.on) return traced(k, p, nr, call, callArgs(p));
  k.charge(k.costs.syscall);
  // A call that takes no arguments (getpid, getppid, gettid, sched_yield, ...) is given none: nothing to read or allocate.
  return run(k, p, nr, call, call !== undefined && call.args === NO_ARGS ? NO_ARGS : callArgs(p));
}

function run(k: Kernel, p: Process, nr: number, call: Syscall | undefined, args: Args): number {
  if (call === undefined) {
    k.unknownSyscalls.set(nr, (k.unknownSyscalls.get(nr) ?? 0) + 1);
    return -ENOSYS;
  }
  k.work.reset(); // only this call's own work is charged to it
  const r = call.handler(k, p, args);
  if (!k.work.empty) k.kernelWork(p, k.takeWork(call.name)); // what the call did, in proportion (mm/work.ts), in preemptible chunks (sched/preempt.ts)
  if (r !== BLOCK && k.callCounts[call.nr]++ === 0) k.callOrder.push(call.nr);
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

/**
 * A signal handler interrupts p asleep in a system call (sigpolicy.ts
 * deliver, through k.syscallInterrupted): the call's restart policy and the
 * handler's SA_RESTART decide whether it runs again from the start after the
 * handler (true) or returns EINTR (false; the caller sets a0). Under a
 * tracer, emits the call's exit event as strace shows it: `= -1 EINTR
 * (Interrupted system call)`, or `= ? ERESTARTSYS (To be restarted if
 * SA_RESTART is set)`.
 */
export function interrupted(k: Kernel, p: Process, saRestart: boolean): boolean {
  const restart = restartsAfterHandler(p.reg(17), saRestart) || (syscallOf(p.reg(17))?.interrupted?.(k, p) ?? false);
  const entry = p.pendingCall;
  p.pendingCall = undefined;
  if (!k.trace.on || entry === undefined) return restart;
  const nr = p.reg(17), name = callName(nr), args = callArgs(p);
  const failed = formatCall(p, name, args, entry, -EINTR, false); // output arguments stay pointers, as for any failed call
  const text = restart ? `${failed.slice(0, failed.lastIndexOf(' = '))} = ? ERESTARTSYS (To be restarted if SA_RESTART is set)` : failed;
  k.trace.emit({ kind: 'syscall-exit', ...k.at(), pid: p.pid, nr, name, ret: restart ? 0 : -EINTR, blocked: restart, text });
  return restart;
}
