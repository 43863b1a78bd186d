// Restartable sequences (rseq(2)): a thread registers a struct rseq
// (cpu_id_start @0, cpu_id @4, rseq_cs @8, flags @16, node_id @20, mm_cid
// @24) and, before a critical section, points rseq_cs at a struct rseq_cs
// (version @0, flags @4, start_ip @8, post_commit_offset @16, abort_ip @24).
// When the thread is preempted or gets a signal while its pc is inside
// [start_ip, start_ip + post_commit_offset), the kernel moves the pc to
// abort_ip, whose preceding 4 bytes must hold the registration's
// signature. A bad descriptor or signature is SIGSEGV. The kernel also
// keeps cpu_id_start and cpu_id current: written at registration and
// whenever the thread has been off its hart since it last ran in U-mode.
//
// "Preempted" is any context switch (the thread's voluntary plus
// involuntary switch counts moved), as Linux's rseq_preempt is called on
// every sched-out. A registration belongs to one address space: execve
// (a new one) drops it, fork copies it, a new thread starts without one.

import type { Process } from '../sched/proc.js';
import type { AddressSpace } from '../mm/vm.js';
import { USER_TOP } from '../mm/vm.js';
import { copyIn, copyOut, readU64, writeU64 } from '../mm/uaccess.js';

interface Registration { as: AddressSpace; area: number; len: number; sig: number; switches: number; }
const regs = new WeakMap<Process, Registration>();

const switches = (p: Process) => p.nvcsw + p.nivcsw;

/** p's registration, if it has one in its current address space. */
export function rseqOf(p: Process): Registration | undefined {
  const r = regs.get(p);
  return r !== undefined && r.as === p.as ? r : undefined;
}

/** Registers area for p and writes the cpu ids; false when the area is not writable. */
export function rseqRegister(p: Process, area: number, len: number, sig: number, cpu: number): boolean {
  const r: Registration = { as: p.as, area, len, sig, switches: switches(p) };
  if (!writeIds(p, r, cpu)) return false;
  regs.set(p, r);
  p.rseq = area;
  return true;
}

/** Unregisters p: cpu_id becomes RSEQ_CPU_ID_UNINITIALIZED (-1), as Linux leaves it. */
export function rseqUnregister(p: Process, r: Registration): boolean {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setInt32(4, -1, true);
  if (!copyOut(p.as, r.area, b)) return false;
  regs.delete(p);
  p.rseq = 0;
  return true;
}

/** fork: the child, in its copy of the memory, keeps the parent's registration. */
export function rseqFork(parent: Process, child: Process): void {
  const r = rseqOf(parent);
  if (r !== undefined) { regs.set(child, { ...r, as: child.as }); child.rseq = r.area; }
}

function writeIds(p: Process, r: Registration, cpu: number): boolean {
  const b = new Uint8Array(8), dv = new DataView(b.buffer);
  dv.setUint32(0, cpu, true);
  dv.setUint32(4, cpu, true);
  return copyOut(p.as, r.area, b);
}

/**
 * On p's way back to U-mode on hart `cpu` (trap.ts usertrapret): if p has
 * been switched out since it last ran, its cpu ids are written and a
 * critical section it was in is aborted. False when the registration or the
 * descriptor is bad (the caller forces SIGSEGV).
 */
export function rseqResume(p: Process, cpu: number): boolean {
  const r = rseqOf(p);
  if (r === undefined) return true;
  const n = switches(p);
  if (n === r.switches) return true;
  r.switches = n;
  return writeIds(p, r, cpu) && rseqFixup(p);
}

/** Before a signal frame is built (sigpolicy.ts deliver), and after a preemption: a pc inside the armed critical section goes to its abort_ip. False on a bad descriptor. */
export function rseqFixup(p: Process): boolean {
  const r = rseqOf(p);
  if (r === undefined) return true;
  const csPtr = readU64(p.as, r.area + 8);
  if (csPtr === undefined) return false;
  if (csPtr === 0) return true;
  const cs = descriptor(p, csPtr, r.sig);
  if (cs === undefined) return false;
  const inside = p.pc >= cs.start && p.pc < cs.start + cs.length;
  if (!writeU64(p.as, r.area + 8, 0)) return false; // rseq_cs is cleared either way (Linux's clear_rseq_cs)
  if (inside) p.pc = cs.abort;
  return true;
}

/** The struct rseq_cs at va, checked as Linux's rseq_get_rseq_cs checks it: version 0, a range in user space, abort_ip outside it, the signature before abort_ip. */
function descriptor(p: Process, va: number, sig: number): { start: number; length: number; abort: number } | undefined {
  const b = copyIn(p.as, va, 32);
  if (b === undefined) return undefined;
  const dv = new DataView(b.buffer), top = BigInt(USER_TOP);
  const start = dv.getBigUint64(8, true), length = dv.getBigUint64(16, true), abort = dv.getBigUint64(24, true);
  if (dv.getUint32(0, true) !== 0 || start >= top || start + length > top || abort >= top || abort < 4n) return undefined;
  if (abort >= start && abort < start + length) return undefined;
  const before = copyIn(p.as, Number(abort) - 4, 4);
  if (before === undefined || new DataView(before.buffer).getUint32(0, true) !== sig >>> 0) return undefined;
  return { start: Number(start), length: Number(length), abort: Number(abort) };
}
