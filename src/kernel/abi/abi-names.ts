// The Linux ABI's names for strace-style decoding (strace.ts): value
// formatters (hex, pointers, octal) and the flag and constant tables, with
// the asm-generic values riscv64 uses (include/uapi/asm-generic/*.h), in
// strace's order (its src/xlat/*.in).

// ---- values -----------------------------------------------------------------

export const u64 = (v: number | bigint) => BigInt.asUintN(64, BigInt(v));
/** `%#lx`: 0 is "0". */
export const xv = (v: number | bigint) => (u64(v) === 0n ? '0' : '0x' + u64(v).toString(16));
/** A pointer: NULL or hex. */
export const ptr = (v: number | bigint) => (u64(v) === 0n ? 'NULL' : xv(v));
export const int = (v: number) => String(v | 0);
export const uint = (v: number) => String(v >>> 0);
export const ulong = (v: number | bigint) => u64(v).toString();
export const long = (v: number | bigint) => BigInt.asIntN(64, BigInt(v)).toString();
export const oct = (v: number) => '0' + (v >>> 0).toString(8).padStart(2, '0'); // `%#03o`

export type Xlat = readonly (readonly [number, string])[];
export const x = (o: Record<string, number>): Xlat => Object.entries(o).map(([k, v]) => [v, k]);

/** strace's printxval: the name of v, or hex with the default as a comment. */
export function xval(v: number, t: Xlat, dflt?: string): string {
  const e = t.find(([n]) => n === v);
  return e ? e[1] : xv(v) + (dflt ? ` /* ${dflt} */` : '');
}

/**
 * strace's printflags: names in table order (an entry matches when all its
 * bits are set; a zero entry only when v is 0), leftover bits in hex. With
 * nothing named, 0 is "0" (nothing when dflt is null) and unknown bits are
 * hex with dflt as a comment.
 */
export function flags(v: number, t: Xlat, dflt: string | null = ''): string {
  let left = v >>> 0;
  const names: string[] = [];
  for (const [n, s] of t) {
    if (n === 0 ? left === 0 && names.length === 0 : (left & n) >>> 0 === n >>> 0) { names.push(s); left = (left & ~n) >>> 0; }
    if (left === 0 && names.length > 0) break;
  }
  if (names.length === 0) return left === 0 ? (dflt === null ? '' : '0') : xv(left) + (dflt ? ` /* ${dflt} */` : '');
  return names.join('|') + (left ? '|' + xv(left) : '');
}

// ---- the Linux ABI's names (asm-generic values, as riscv64 uses them) --------

export const O_FLAGS = x({ O_CREAT: 0o100, O_EXCL: 0o200, O_NOCTTY: 0o400, O_TRUNC: 0o1000, O_APPEND: 0o2000, O_NONBLOCK: 0o4000,
  O_SYNC: 0o4010000, __O_SYNC: 0o4000000, O_DSYNC: 0o10000, O_DIRECT: 0o40000, O_LARGEFILE: 0o100000, O_NOFOLLOW: 0o400000,
  O_NOATIME: 0o1000000, O_CLOEXEC: 0o2000000, O_PATH: 0o10000000, O_TMPFILE: 0o20200000, __O_TMPFILE: 0o20000000,
  O_DIRECTORY: 0o200000, FASYNC: 0o20000 });
const O_ACCMODE = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'];
export const openFlags = (v: number) => { const rest = (v & ~3) >>> 0; return O_ACCMODE[v & 3] + (rest ? '|' + flags(rest, O_FLAGS) : ''); };
export const PROT = x({ PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4, PROT_SEM: 8, PROT_GROWSDOWN: 0x1000000, PROT_GROWSUP: 0x2000000 });
const MAP_TYPE = x({ MAP_SHARED: 1, MAP_PRIVATE: 2, MAP_SHARED_VALIDATE: 3 });
const MAP = x({ MAP_DROPPABLE: 8, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_NORESERVE: 0x4000, MAP_POPULATE: 0x8000,
  MAP_NONBLOCK: 0x10000, MAP_GROWSDOWN: 0x100, MAP_DENYWRITE: 0x800, MAP_EXECUTABLE: 0x1000, MAP_LOCKED: 0x2000,
  MAP_STACK: 0x20000, MAP_HUGETLB: 0x40000, MAP_SYNC: 0x80000, MAP_FIXED_NOREPLACE: 0x100000 });
export const mapFlags = (v: number) => { const rest = (v & ~0xf) >>> 0; return xval(v & 0xf, MAP_TYPE, 'MAP_???') + (rest ? '|' + flags(rest, MAP) : ''); };
export const AT = x({ AT_SYMLINK_NOFOLLOW: 0x100, AT_REMOVEDIR: 0x200, AT_SYMLINK_FOLLOW: 0x400, AT_NO_AUTOMOUNT: 0x800, AT_EMPTY_PATH: 0x1000, AT_RECURSIVE: 0x8000 });
export const AT_ACCESS = x({ AT_SYMLINK_NOFOLLOW: 0x100, AT_EACCESS: 0x200, AT_EMPTY_PATH: 0x1000 });
export const ACCESS = x({ F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 });
export const SEEK = x({ SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2, SEEK_DATA: 3, SEEK_HOLE: 4 });
export const CLOCKS = x({ CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_PROCESS_CPUTIME_ID: 2, CLOCK_THREAD_CPUTIME_ID: 3, CLOCK_MONOTONIC_RAW: 4,
  CLOCK_REALTIME_COARSE: 5, CLOCK_MONOTONIC_COARSE: 6, CLOCK_BOOTTIME: 7, CLOCK_REALTIME_ALARM: 8, CLOCK_BOOTTIME_ALARM: 9, CLOCK_TAI: 11 });
export const WAIT = x({ WNOHANG: 1, WEXITED: 4, WSTOPPED: 2, WCONTINUED: 8, WNOWAIT: 0x1000000, __WCLONE: 0x80000000, __WALL: 0x40000000, __WNOTHREAD: 0x20000000 });
export const SIGHOW = x({ SIG_BLOCK: 0, SIG_UNBLOCK: 1, SIG_SETMASK: 2 });
export const SA = x({ SA_ONSTACK: 0x08000000, SA_RESTART: 0x10000000, SA_INTERRUPT: 0x20000000, SA_NODEFER: 0x40000000, SA_RESETHAND: 0x80000000,
  SA_SIGINFO: 4, SA_NOCLDSTOP: 1, SA_NOCLDWAIT: 2 });
export const CLONE = x({ CLONE_VM: 0x100, CLONE_FS: 0x200, CLONE_FILES: 0x400, CLONE_SIGHAND: 0x800, CLONE_PIDFD: 0x1000, CLONE_PTRACE: 0x2000,
  CLONE_VFORK: 0x4000, CLONE_PARENT: 0x8000, CLONE_THREAD: 0x10000, CLONE_NEWNS: 0x20000, CLONE_SYSVSEM: 0x40000, CLONE_SETTLS: 0x80000,
  CLONE_PARENT_SETTID: 0x100000, CLONE_CHILD_CLEARTID: 0x200000, CLONE_UNTRACED: 0x800000, CLONE_CHILD_SETTID: 0x1000000,
  CLONE_NEWCGROUP: 0x2000000, CLONE_NEWUTS: 0x4000000, CLONE_NEWIPC: 0x8000000, CLONE_NEWUSER: 0x10000000, CLONE_NEWPID: 0x20000000,
  CLONE_NEWNET: 0x40000000, CLONE_IO: 0x80000000 });
export const FCNTL = x({ F_DUPFD: 0, F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4, F_GETLK: 5, F_SETLK: 6, F_SETLKW: 7, F_SETOWN: 8, F_GETOWN: 9,
  F_SETSIG: 10, F_GETSIG: 11, F_SETOWN_EX: 15, F_GETOWN_EX: 16, F_OFD_GETLK: 36, F_OFD_SETLK: 37, F_OFD_SETLKW: 38, F_SETLEASE: 1024,
  F_GETLEASE: 1025, F_NOTIFY: 1026, F_DUPFD_CLOEXEC: 1030, F_SETPIPE_SZ: 1031, F_GETPIPE_SZ: 1032, F_ADD_SEALS: 1033, F_GET_SEALS: 1034 });
export const FD_FLAGS = x({ FD_CLOEXEC: 1 });
export const LOCK = x({ F_RDLCK: 0, F_WRLCK: 1, F_UNLCK: 2 });
export const IOCTL = x({ TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCFLSH: 0x540b, TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f,
  TIOCSPGRP: 0x5410, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, FIONREAD: 0x541b, FIONBIO: 0x5421, FIONCLEX: 0x5450, FIOCLEX: 0x5451, FIOASYNC: 0x5452 });
export const GRND = x({ GRND_NONBLOCK: 1, GRND_RANDOM: 2, GRND_INSECURE: 4 });
export const MADV = x({ MADV_NORMAL: 0, MADV_RANDOM: 1, MADV_SEQUENTIAL: 2, MADV_WILLNEED: 3, MADV_DONTNEED: 4, MADV_FREE: 8, MADV_REMOVE: 9,
  MADV_DONTFORK: 10, MADV_DOFORK: 11, MADV_MERGEABLE: 12, MADV_UNMERGEABLE: 13, MADV_HUGEPAGE: 14, MADV_NOHUGEPAGE: 15, MADV_DONTDUMP: 16,
  MADV_DODUMP: 17, MADV_WIPEONFORK: 18, MADV_KEEPONFORK: 19, MADV_COLD: 20, MADV_PAGEOUT: 21 });
export const MREMAP = x({ MREMAP_MAYMOVE: 1, MREMAP_FIXED: 2, MREMAP_DONTUNMAP: 4 });
export const RLIMIT = x({ RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4, RLIMIT_RSS: 5, RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9, RLIMIT_LOCKS: 10, RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15 });
export const RUSAGE = x({ RUSAGE_SELF: 0, RUSAGE_CHILDREN: -1, RUSAGE_THREAD: 1 });
export const ITIMER = x({ ITIMER_REAL: 0, ITIMER_VIRTUAL: 1, ITIMER_PROF: 2 });
export const IDTYPE = x({ P_ALL: 0, P_PID: 1, P_PGID: 2, P_PIDFD: 3 });
export const SS = x({ SS_ONSTACK: 1, SS_DISABLE: 2, SS_AUTODISARM: 0x80000000 });
export const RENAME = x({ RENAME_NOREPLACE: 1, RENAME_EXCHANGE: 2, RENAME_WHITEOUT: 4 });
export const POLL = x({ POLLIN: 1, POLLPRI: 2, POLLOUT: 4, POLLERR: 8, POLLHUP: 0x10, POLLNVAL: 0x20, POLLRDNORM: 0x40, POLLRDBAND: 0x80,
  POLLWRNORM: 0x100, POLLWRBAND: 0x200, POLLMSG: 0x400, POLLRDHUP: 0x2000 });
export const STATX_MASK = x({ STATX_ALL: 0xfff, STATX_BASIC_STATS: 0x7ff, STATX_TYPE: 1, STATX_MODE: 2, STATX_NLINK: 4, STATX_UID: 8, STATX_GID: 0x10,
  STATX_ATIME: 0x20, STATX_MTIME: 0x40, STATX_CTIME: 0x80, STATX_INO: 0x100, STATX_SIZE: 0x200, STATX_BLOCKS: 0x400, STATX_BTIME: 0x800,
  STATX_MNT_ID: 0x1000, STATX_DIOALIGN: 0x2000, STATX_MNT_ID_UNIQUE: 0x4000, STATX_SUBVOL: 0x8000 });
export const STATX_ATTR = x({ STATX_ATTR_COMPRESSED: 4, STATX_ATTR_IMMUTABLE: 0x10, STATX_ATTR_APPEND: 0x20, STATX_ATTR_NODUMP: 0x40,
  STATX_ATTR_ENCRYPTED: 0x800, STATX_ATTR_AUTOMOUNT: 0x1000, STATX_ATTR_MOUNT_ROOT: 0x2000, STATX_ATTR_VERITY: 0x100000, STATX_ATTR_DAX: 0x200000 });
export const STATX_SYNC = x({ AT_STATX_SYNC_AS_STAT: 0, AT_STATX_FORCE_SYNC: 0x2000, AT_STATX_DONT_SYNC: 0x4000 });
export const FUTEX = ['FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP', 'FUTEX_LOCK_PI',
  'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET', 'FUTEX_WAIT_REQUEUE_PI', 'FUTEX_CMP_REQUEUE_PI', 'FUTEX_LOCK_PI2'];
export const PRCTL = x({ PR_SET_PDEATHSIG: 1, PR_GET_PDEATHSIG: 2, PR_GET_DUMPABLE: 3, PR_SET_DUMPABLE: 4, PR_SET_NAME: 15, PR_GET_NAME: 16,
  PR_SET_SECCOMP: 22, PR_SET_NO_NEW_PRIVS: 38, PR_GET_NO_NEW_PRIVS: 39, PR_SET_VMA: 0x53564d41 });
export const MODE_TYPES = x({ S_IFREG: 0o100000, S_IFSOCK: 0o140000, S_IFIFO: 0o10000, S_IFLNK: 0o120000, S_IFDIR: 0o40000, S_IFBLK: 0o60000, S_IFCHR: 0o20000 });
