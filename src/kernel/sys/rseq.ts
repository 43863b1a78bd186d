// rseq(2): registration and unregistration of a thread's struct rseq, with
// Linux's checks (kernel/rseq.c sys_rseq). What the kernel then does with
// the registration (cpu ids, aborting a preempted critical section) is in
// ../signal/rseq.ts.

import type { SyscallDef } from '../abi/call.js';
import { P, U, fl, v } from '../abi/strace-args.js';
import { x, xv } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { rseqOf, rseqRegister, rseqUnregister } from '../signal/rseq.js';
import { accessOk } from './access.js';
import { EBUSY, EFAULT, EINVAL, EPERM } from '../errno.js';

const RSEQ_FLAG_UNREGISTER = 1;
/** struct rseq's original size and alignment (32 bytes). */
const RSEQ_SIZE = 32;

/** rseq(rseq, rseq_len, flags, sig). */
function rseq(k: Kernel, p: Process, area: number, len: number, flags: number, sig: number): number {
  const r = rseqOf(p);
  if (flags & RSEQ_FLAG_UNREGISTER) {
    if (flags !== RSEQ_FLAG_UNREGISTER || r === undefined || r.area !== area || r.len !== len) return -EINVAL;
    if (r.sig !== sig) return -EPERM;
    return rseqUnregister(p, r) ? 0 : -EFAULT;
  }
  if (flags !== 0) return -EINVAL;
  if (r !== undefined) {
    if (r.area !== area || r.len !== len) return -EINVAL;
    return r.sig !== sig ? -EPERM : -EBUSY;
  }
  if (len < RSEQ_SIZE || area % RSEQ_SIZE !== 0) return -EINVAL;
  if (!accessOk(area, len)) return -EFAULT;
  return rseqRegister(p, area, len, sig, k.hart.hartId) ? 0 : -EFAULT;
}

export const RSEQ_CALLS: SyscallDef[] = [
  // implements rseq(2): registration, cpu ids, and the abort of a critical section on preemption or signal delivery
  { name: 'rseq', status: 'partial', restart: 'none',
    limits: 'node_id and mm_cid stay 0; the RSEQ_CS_FLAG_NO_RESTART_ON_* flags are ignored (a critical section always aborts)',
    args: [P, U, fl(x({ RSEQ_FLAG_UNREGISTER: 1 }), 'RSEQ_FLAG_???'), v((n) => xv(n >>> 0))],
    handler: (k, p, a) => rseq(k, p, a[0], a[1] >>> 0, a[2] >>> 0, a[3] >>> 0) },
];
