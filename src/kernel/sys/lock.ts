// The file-lock system calls (issue 11): fcntl's record-lock commands
// (F_GETLK, F_SETLK, F_SETLKW and their OFD forms) and flock(2), on the
// kernel's lock table (fs/locks.ts), and the rule that closing a descriptor
// drops its process's record locks on that file.

import type { SyscallDef } from '../abi/call.js';
import { FD, fl } from '../abi/strace-args.js';
import { x } from '../abi/abi-names.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import type { File } from '../fs/file.js';
import { F_RDLCK, F_UNLCK, F_WRLCK, fileKey } from '../fs/locks.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { EAGAIN, EBADF, EFAULT, EINVAL } from '../errno.js';
import { readable, writable } from './fs.js';

const F_GETLK = 5, F_OFD_GETLK = 36, F_SETLKW = 7, F_OFD_SETLKW = 38;
const FLOCK_SIZE = 32, OFFSET_MAX = (1n << 63n) - 1n, EOVERFLOW = 75, EDEADLK = 35;
const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;


/** A descriptor of f is closed by p (close, dup2 over it, exec's close-on-exec): p's record locks on the file go; its last reference frees the description's own locks. */
export function dropFile(k: Kernel, p: Process, f: File): void {
  k.locks.closed(p, f);
  f.drop();
  if (f.refs === 0) k.locks.released();
}

/**
 * The record-lock commands, checked as Linux's fcntl_getlk and fcntl_setlk
 * check them (fs/locks.c): the struct flock is read first (EFAULT), then its
 * type, an OFD lock's l_pid (must be 0) and its range (EINVAL, EOVERFLOW),
 * then a lock needs the matching access mode (EBADF). A conflicting lock
 * is EAGAIN for F_SETLK; F_SETLKW sleeps until the file's locks change
 * (EDEADLK when the wait would close a cycle), and F_GETLK reports the
 * first conflicting lock or F_UNLCK.
 */
export function recordLock(k: Kernel, p: Process, f: File, cmd: number, arg: number): number {
  const b = copyIn(p.as, arg, FLOCK_SIZE); // struct flock: l_type, l_whence (short), l_start, l_len (off_t), l_pid
  if (b === undefined) return -EFAULT;
  const dv = new DataView(b.buffer), type = dv.getInt16(0, true), pid = dv.getInt32(24, true);
  const get = cmd === F_GETLK || cmd === F_OFD_GETLK, ofd = cmd >= F_OFD_GETLK;
  if (type !== F_RDLCK && type !== F_WRLCK && (get || type !== F_UNLCK)) return -EINVAL;
  if (ofd && pid !== 0) return -EINVAL;
  const range = lockRange(f, dv);
  if (typeof range === 'number') return range;
  const [start, end] = range, owner = ofd ? f : p, key = fileKey(f);
  if (get) {
    const c = k.locks.conflict(key, owner, type, start, end);
    if (c === undefined) dv.setInt16(0, F_UNLCK, true);
    else {
      dv.setInt16(0, c.type, true); dv.setInt16(2, 0, true);
      dv.setBigInt64(8, BigInt(c.start), true);
      dv.setBigInt64(16, c.end === Infinity ? 0n : BigInt(c.end - c.start + 1), true);
      dv.setInt32(24, c.pid, true);
    }
    return copyOut(p.as, arg, b) ? 0 : -EFAULT;
  }
  if ((type === F_RDLCK && !readable(f)) || (type === F_WRLCK && !writable(f))) return -EBADF;
  const r = k.locks.setRecord(key, owner, type, start, end);
  if (r === 0) return 0;
  if (cmd !== F_SETLKW && cmd !== F_OFD_SETLKW) return -EAGAIN;
  if (!ofd && k.locks.wouldDeadlock(p, key, type, start, end)) return -EDEADLK;
  return k.sleepOn(p, r);
}

/** flock_to_posix_lock: l_whence, l_start and l_len as an inclusive byte range [start, end] (end Infinity: to the end of the file), or -EINVAL / -EOVERFLOW. */
function lockRange(f: File, dv: DataView): [number, number] | number {
  const whence = dv.getInt16(2, true), start = dv.getBigInt64(8, true), len = dv.getBigInt64(16, true);
  if (whence < 0 || whence > 2) return -EINVAL;
  const base = BigInt(whence === 0 ? 0 : whence === 1 ? f.offset : f.stat().size);
  if (start > OFFSET_MAX - base) return -EOVERFLOW;
  const from = base + start;
  if (from < 0n) return -EINVAL;
  if (len > 0n && len - 1n > OFFSET_MAX - from) return -EOVERFLOW;
  if (len < 0n && from + len < 0n) return -EINVAL;
  if (len === 0n) return [Number(from), Infinity];
  return len > 0n ? [Number(from), Number(from + len - 1n)] : [Number(from + len), Number(from - 1n)];
}

/** flock(2): LOCK_SH or LOCK_EX (with LOCK_NB: EWOULDBLOCK instead of waiting), or LOCK_UN, on the open file description. */
function flock(k: Kernel, p: Process, fd: number, op: number): number {
  const f = fd >= 0 ? p.files[fd] : undefined;
  if (f === undefined) return -EBADF;
  const what = op & ~LOCK_NB;
  const kind = what === LOCK_SH ? 'shared' : what === LOCK_EX ? 'exclusive' : what === LOCK_UN ? 'unlock' : undefined;
  if (kind === undefined) return -EINVAL;
  const r = k.locks.flock(fileKey(f), f, kind);
  if (r === 0) return 0;
  return op & LOCK_NB ? -EAGAIN : k.sleepOn(p, r);
}

const LOCK_OPS = x({ LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN });

export const LOCK_CALLS: SyscallDef[] = [
  // implements flock(2)
  { name: 'flock', status: 'full', restart: 'ERESTARTSYS', args: [FD, fl(LOCK_OPS)],
    handler: (k, p, a) => flock(k, p, a[0] | 0, a[1]) },
];
