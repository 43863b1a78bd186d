// More file I/O (issue 11, "Files"): vectored I/O at an offset (preadv,
// pwritev, preadv2, pwritev2), copy_file_range, fallocate, the advice calls
// that tell the kernel what is coming (fadvise64, readahead,
// sync_file_range: checked as Linux checks them, then nothing to do in a
// page cache that is RAM), close_range, and getcpu. Each checks its
// arguments in Linux's order and gives its errno.

import type { SyscallDef } from '../abi/call.js';
import { FD, I, L, P, U, UL, a as arg, fl, iovec, out } from '../abi/strace-args.js';
import { cstr } from '../abi/strace-mem.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { MemFile, O_APPEND, S_IFREG, type File } from '../fs/file.js';
import { copyInString, copyOut, readU64, writeU64 } from '../mm/uaccess.js';
import { vfsOf } from '../fs/mounts.js';
import { setOrigin } from '../fs/vfs.js';
import { x } from '../abi/abi-names.js';
import { EBADF, EFAULT, EINVAL, EOPNOTSUPP, ESPIPE } from '../errno.js';
import { MAX_IO, file, gather, iovecs, readable, scatter, writable } from './fs.js';
import { dropFile } from './lock.js';

const RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 16;
const FALLOC_FL_KEEP_SIZE = 1, CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4, ENODEV = 19, EFBIG = 27;
const MAX_FILE = 2 ** 53;

const isRegular = (f: File) => (f.stat().mode & 0o170000) === S_IFREG;

/**
 * preadv/pwritev (pos >= 0) and preadv2/pwritev2 (pos -1: the file's own
 * offset, as readv/writev): one transfer of the segments' total, at most
 * MAX_IO, at the offset (pos_h, the 64-bit ABI's fifth argument, unused). Checked as do_preadv: the fd, a negative offset,
 * a file with no offsets (ESPIPE), the access mode, the iovecs (EINVAL,
 * EFAULT), then the RWF flags (EOPNOTSUPP).
 */
function vectoredAt(p: Process, a: readonly number[], write: boolean, flags = 0): number {
  const f = file(p, a[0]);
  if (f === undefined) return -EBADF;
  const pos = a[3], current = pos === -1 && a.length > 4;
  if (pos < -1 || (pos === -1 && !current)) return -EINVAL;
  if (!current && !f.positional) return -ESPIPE;
  if (!(write ? writable(f) : readable(f))) return -EBADF;
  // Unknown flags, and polled I/O (RWF_HIPRI), which needs O_DIRECT on a device that polls: EOPNOTSUPP, as Linux gives it.
  if ((flags & ~(RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)) !== 0) return -EOPNOTSUPP;
  const vs = iovecs(p, a[1], a[2]);
  if (typeof vs === 'number') return vs;
  const total = Math.min(vs.reduce((n, [, len]) => n + len, 0), MAX_IO);
  if (total === 0) return 0;
  const at = current ? f.offset : pos;
  if (write) {
    const bytes = gather(p, vs, total);
    if (bytes.length === 0) return -EFAULT;
    const n = current || flags & RWF_APPEND ? f.write(bytes) : f.pwrite(at, bytes);
    return n;
  }
  const r = current ? f.read(total) : f.pread(at, total);
  if (typeof r === 'number') return r;
  const n = scatter(p, vs, r);
  if (current && n < r.length) f.unread(r, n);
  return n > 0 || r.length === 0 ? n : -EFAULT;
}

/**
 * copy_file_range(in, off_in*, out, off_out*, len, flags): a copy between
 * two regular files, at the offsets given or the files' own (which then
 * move), of at most 1 MiB per call. flags must be 0 (EINVAL), the files
 * regular (EINVAL), in readable and out writable without O_APPEND (EBADF).
 */
function copyFileRange(p: Process, a: readonly number[]): number {
  const fin = file(p, a[0]), fout = file(p, a[2]);
  if (a[5] !== 0) return -EINVAL;
  if (fin === undefined || fout === undefined || !readable(fin) || !writable(fout) || (fout.flags & O_APPEND)) return -EBADF;
  if (!isRegular(fin) || !isRegular(fout) || !(fin instanceof MemFile)) return -EINVAL;
  const offIn = a[1] === 0 ? fin.offset : readU64(p.as, a[1]), offOut = a[3] === 0 ? fout.offset : readU64(p.as, a[3]);
  if (offIn === undefined || offOut === undefined) return -EFAULT;
  if (offIn < 0 || offOut < 0 || offIn >= MAX_FILE || offOut >= MAX_FILE) return -EINVAL;
  const len = Math.min(a[4] < 0 ? 2 ** 62 : a[4], 1 << 20);
  if (len === 0) return 0;
  const data = fin.pread(offIn, len);
  if (typeof data === 'number' || data.length === 0) return typeof data === 'number' ? data : 0;
  const n = fout.pwrite(offOut, data);
  if (n < 0) return n;
  if (a[1] === 0) fin.offset += n; else if (!writeU64(p.as, a[1], offIn + n)) return -EFAULT;
  if (a[3] === 0) fout.offset += n; else if (!writeU64(p.as, a[3], offOut + n)) return -EFAULT;
  return n;
}

/** fallocate(fd, mode, offset, len): mode 0 makes the file at least offset + len long (zeros); KEEP_SIZE changes nothing; other modes EOPNOTSUPP. */
function fallocate(p: Process, a: readonly number[]): number {
  const f = file(p, a[0]), mode = a[1], off = a[2], len = a[3];
  if (off < 0 || len <= 0) return -EINVAL;
  if (f === undefined || !writable(f)) return -EBADF;
  if (!f.positional) return -ESPIPE;
  if (!isRegular(f)) return -ENODEV;
  if ((mode & ~FALLOC_FL_KEEP_SIZE) !== 0) return -EOPNOTSUPP;
  if (off + len > MAX_FILE) return -EFBIG;
  if (mode & FALLOC_FL_KEEP_SIZE || off + len <= f.stat().size) return 0;
  return f.truncate(off + len);
}

/** fadvise64 / readahead / sync_file_range: the descriptor and the arguments checked, as Linux checks them; then there is nothing to do. */
function advice(p: Process, fd: number, check: (f: File) => number): number {
  const f = file(p, fd);
  if (f === undefined) return -EBADF;
  return check(f);
}

/** close_range(first, last, flags): every open descriptor in [first, last] closed, or with CLOSE_RANGE_CLOEXEC marked close-on-exec. */
function closeRange(k: Kernel, p: Process, first: number, last: number, flags: number): number {
  if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) !== 0 || first > last) return -EINVAL;
  const top = Math.min(last, p.files.length - 1);
  for (let fd = first; fd <= top; fd++) {
    const f = p.files[fd];
    if (f === undefined) continue;
    k.work.items++;
    if (flags & CLOSE_RANGE_CLOEXEC) { p.cloexec.add(fd); continue; }
    p.files[fd] = undefined;
    p.cloexec.delete(fd);
    dropFile(k, p, f);
  }
  return 0;
}

/**
 * memfd_create(name, flags): an anonymous file in the in-memory /dev/shm,
 * open for reading and writing, named `memfd:NAME (deleted)` in
 * /proc/self/fd. A name of more than 249 bytes is EINVAL, as are huge pages
 * and unknown flags; sealing is accepted (MFD_ALLOW_SEALING) but F_ADD_SEALS
 * is not implemented.
 */
function memfdCreate(k: Kernel, p: Process, namePtr: number, flags: number): number {
  if ((flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC)) !== 0) return -EINVAL; // MFD_HUGETLB: no hugetlbfs
  const name = copyInString(p.as, namePtr, MFD_NAME_MAX + 1); // strnlen_user: the NUL within 250 bytes
  if (name === undefined) return copyInString(p.as, namePtr, 1 << 16) === undefined ? -EFAULT : -EINVAL;
  const c = { k, p }, vfs = vfsOf(k);
  const dir = vfs.walk(c, vfs.root, '/dev/shm', true);
  if (typeof dir === 'number') return dir;
  const node = dir.node.tmpfile(0o777 & ~p.umask, c);
  if (typeof node === 'number') return node;
  const f = node.open(O_RDWR, c);
  if (typeof f === 'number') return f;
  setOrigin(f, { ...dir, node, path: `/memfd:${name} (deleted)` });
  const fd = p.allocFd(f);
  if (fd < 0) { f.drop(); return fd; }
  if (flags & MFD_CLOEXEC) p.cloexec.add(fd); else p.cloexec.delete(fd);
  return fd;
}

/** getcpu(cpu*, node*, cache): the hart the caller runs on, node 0 (one memory node). */
function getcpu(k: Kernel, p: Process, cpu: number, node: number): number {
  const zero = new Uint8Array(4), hart = Uint8Array.of(k.hart.hartId, 0, 0, 0);
  if (cpu !== 0 && !copyOut(p.as, cpu, hart)) return -EFAULT;
  if (node !== 0 && !copyOut(p.as, node, zero)) return -EFAULT;
  return 0;
}

const ADVICE_MAX = 5; // POSIX_FADV_NOREUSE
const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10, MFD_NAME_MAX = 249, O_RDWR = 2;
const SYNC_FILE_RANGE_FLAGS = 7;

/** strace's iovec arguments: read into (shown after the call, up to what it returned), written from. */
const IOV_OUT = out((c, n) => iovec(c, n, c.a[2] | 0, c.ret)), IOV_IN = arg((c, n) => iovec(c, n, c.a[2] | 0, Infinity));

const MFD = x({ MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB: 4, MFD_NOEXEC_SEAL, MFD_EXEC });
const STR = arg((c, n) => cstr(c, n));

export const IO_CALLS: SyscallDef[] = [
  // implements preadv(2)
  { name: 'preadv', status: 'full', restart: 'none', args: [FD, IOV_OUT, I, L], handler: (_k, p, a) => vectoredAt(p, a.slice(0, 4), false) },
  // implements pwritev(2)
  { name: 'pwritev', status: 'full', restart: 'none', args: [FD, IOV_IN, I, L], handler: (_k, p, a) => vectoredAt(p, a.slice(0, 4), true) },
  // implements preadv2(2)
  { name: 'preadv2', status: 'full', restart: 'none', args: [FD, IOV_OUT, I, L, L, U], handler: (_k, p, a) => vectoredAt(p, [a[0], a[1], a[2], a[3], 0], false, a[5]) },
  // implements pwritev2(2)
  { name: 'pwritev2', status: 'full', restart: 'none', args: [FD, IOV_IN, I, L, L, U], handler: (_k, p, a) => vectoredAt(p, [a[0], a[1], a[2], a[3], 0], true, a[5]) },
  // implements copy_file_range(2)
  { name: 'copy_file_range', status: 'partial', restart: 'none', limits: 'regular files; at most 1 MiB per call',
    args: [FD, P, FD, P, UL, U], handler: (_k, p, a) => copyFileRange(p, a) },
  // implements fallocate(2)
  { name: 'fallocate', status: 'partial', restart: 'none', limits: 'mode 0 and FALLOC_FL_KEEP_SIZE; no holes punched', args: [FD, I, L, L],
    handler: (_k, p, a) => fallocate(p, a) },
  // implements posix_fadvise(2)
  { name: 'fadvise64', status: 'full', restart: 'none', args: [FD, L, L, I],
    handler: (_k, p, a) => advice(p, a[0], (f) => (!f.positional ? -ESPIPE : a[3] < 0 || a[3] > ADVICE_MAX || a[2] < 0 ? -EINVAL : 0)) },
  // implements readahead(2)
  { name: 'readahead', status: 'full', restart: 'none', args: [FD, L, UL],
    handler: (_k, p, a) => advice(p, a[0], (f) => (!readable(f) ? -EBADF : isRegular(f) ? 0 : -EINVAL)) },
  // implements sync_file_range(2)
  { name: 'sync_file_range', status: 'full', restart: 'none', args: [FD, L, L, U],
    handler: (_k, p, a) => ((a[3] & ~SYNC_FILE_RANGE_FLAGS) !== 0 || a[1] < 0 || a[2] < 0 ? -EINVAL : advice(p, a[0], (f) => (f.positional ? 0 : -ESPIPE))) },
  // implements close_range(2)
  { name: 'close_range', status: 'full', restart: 'none', args: [U, U, U], handler: (k, p, a) => closeRange(k, p, a[0] >>> 0, a[1] >>> 0, a[2]) },
  // implements memfd_create(2)
  { name: 'memfd_create', status: 'partial', restart: 'none', limits: 'no seals (F_ADD_SEALS); no huge pages',
    args: [STR, fl(MFD)], handler: (k, p, a) => memfdCreate(k, p, a[0], a[1]) },
  // implements getcpu(2)
  { name: 'getcpu', status: 'full', restart: 'none', args: [P, P, P], handler: (k, p, a) => getcpu(k, p, a[0], a[1]) },
];
