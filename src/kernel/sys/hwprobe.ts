// riscv_hwprobe(2): what the harts are, as key-value pairs (Linux's
// Documentation/arch/riscv/hwprobe.rst; arch/riscv/kernel/sys_hwprobe.c).
// The pairs are struct riscv_hwprobe { __s64 key; __u64 value; }. The
// caller fills the keys; the kernel fills the values for the harts in the
// CPU set (NULL and 0: every hart), and turns a key it does not know into
// -1 with value 0. With RISCV_HWPROBE_WHICH_CPUS it works the other way:
// the pairs are given, and the set is narrowed to the harts that match all
// of them (any unknown key empties it).
//
// lde's harts are all the same rv64gc core, so every answer is the same for
// any set. The vDSO answers the all-harts case from its data page
// (hwprobeValues, written at boot: mm/vdso.ts), as Linux's does.

import type { SyscallDef } from '../abi/call.js';
import { P, UL, X } from '../abi/strace-args.js';
import { copyIn, copyOut, writeU64 } from '../mm/uaccess.js';
import { EFAULT, EINVAL } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { USER_TOP } from '../mm/vm.js';
import { CYCLES_PER_TICK } from '../../machine/index.js';

const WHICH_CPUS = 1;
const BASE_IMA = 1, EXT_FD = 1, EXT_C = 2, MISALIGNED_FAST = 3;
/** The cpumask's bytes: 8, one bit per hart (as sched_getaffinity: sys/thread.ts). */
const MASK_BYTES = 8;

/**
 * The answer for each key Linux defines up to MISALIGNED_SCALAR_PERF (9),
 * by key: the machine's mvendorid, marchid and mimpid (all 0), the IMA
 * base, F and D and C and no other extension of IMA_EXT_0, misaligned
 * scalar accesses as fast as aligned ones (the machine does them in one
 * access, at the same cost), no Zicboz, the highest user address (Sv39),
 * and the time CSR's 10 MHz.
 */
export function hwprobeValues(): number[] {
  return [0, 0, 0, BASE_IMA, EXT_FD | EXT_C, MISALIGNED_FAST, 0, USER_TOP - 1, 1e9 / CYCLES_PER_TICK, MISALIGNED_FAST];
}

/** Whether a hart with `have` for key matches the caller's `want` (WHICH_CPUS): bit sets are subsets, the rest equal. */
const matches = (key: number, have: number, want: number) =>
  key === 3 || key === 4 ? Number(BigInt(have) & BigInt(want)) === want : have === want;

/** The harts in the user's CPU set (up to MASK_BYTES of it), or -errno. */
function readSet(k: Kernel, p: Process, size: number, va: number): bigint | number {
  const bytes = copyIn(p.as, va, Math.min(size, MASK_BYTES));
  if (bytes === undefined) return -EFAULT;
  let set = 0n;
  bytes.forEach((b, i) => { set |= BigInt(b) << BigInt(8 * i); });
  return set & ((1n << BigInt(k.cpus.length)) - 1n);
}

/** One pair's key, read as the unsigned 64 bits (a negative key is far past the last), or undefined on a bad pointer. */
function keyAt(p: Process, va: number): number | undefined {
  const b = copyIn(p.as, va, 8);
  if (b === undefined) return undefined;
  const d = new DataView(b.buffer);
  return d.getUint32(0, true) + d.getUint32(4, true) * 4294967296;
}

function hwprobe(k: Kernel, p: Process, pairs: number, count: number, size: number, cpus: number, flags: number): number {
  const values = hwprobeValues();
  if (flags & WHICH_CPUS) {
    if (flags !== WHICH_CPUS || size === 0 || cpus === 0) return -EINVAL;
    let set = readSet(k, p, size, cpus);
    if (typeof set === 'number') return set;
    if (set === 0n) set = (1n << BigInt(k.cpus.length)) - 1n; // an empty set asks about every hart
    for (let i = 0; i < count; i++) {
      const va = pairs + 16 * i, key = keyAt(p, va), want = keyAt(p, va + 8);
      k.work.items++;
      if (key === undefined || want === undefined) return -EFAULT;
      if (key >= values.length) {
        set = 0n;
        if (!writeU64(p.as, va, -1n) || !writeU64(p.as, va + 8, 0)) return -EFAULT;
      } else if (!matches(key, values[key], want)) set = 0n;
    }
    const out = new Uint8Array(Math.min(size, MASK_BYTES));
    out.forEach((_, i) => { out[i] = Number((set >> BigInt(8 * i)) & 0xffn); });
    return copyOut(p.as, cpus, out) ? 0 : -EFAULT;
  }
  if (flags !== 0) return -EINVAL;
  if (size !== 0 || cpus !== 0) {
    const set = readSet(k, p, size, cpus);
    if (typeof set === 'number') return set;
    if (set === 0n) return -EINVAL; // no hart of the machine in it: nothing to describe
  }
  for (let i = 0; i < count; i++) {
    const va = pairs + 16 * i, key = keyAt(p, va);
    k.work.items++;
    if (key === undefined) return -EFAULT;
    const known = key < values.length;
    if (!writeU64(p.as, va, known ? key : -1n) || !writeU64(p.as, va + 8, known ? values[key] : 0)) return -EFAULT;
  }
  return 0;
}

export const HWPROBE_CALLS: SyscallDef[] = [
  // implements riscv_hwprobe(2) (Documentation/arch/riscv/hwprobe.rst): keys 0 to 9, RISCV_HWPROBE_WHICH_CPUS
  { name: 'riscv_hwprobe', status: 'full', restart: 'none', args: [P, UL, UL, P, X],
    handler: (k, p, a) => hwprobe(k, p, a[0], a[1], a[2], a[3], a[4] >>> 0) },
];
