// Linux riscv64 system-call numbers: the one source. riscv64 uses the
// asm-generic table (include/uapi/asm-generic/unistd.h); riscv_flush_icache
// is arch-specific (__NR_arch_specific_syscall + 15). The C header
// user/include/lde/sysno.h is generated from this file by
// scripts/gen-sysno.mjs; a test checks that it is up to date.

export const SYSNO = {
  getcwd: 17, dup: 23, dup3: 24, fcntl: 25, ioctl: 29,
  mkdirat: 34, unlinkat: 35, symlinkat: 36, linkat: 37,
  truncate: 45, ftruncate: 46, faccessat: 48, chdir: 49, fchdir: 50, fchmod: 52, fchmodat: 53, fchownat: 54, fchown: 55,
  openat: 56, close: 57, pipe2: 59, getdents64: 61, lseek: 62, read: 63, write: 64, readv: 65, writev: 66,
  pread64: 67, pwrite64: 68, sendfile: 71, pselect6: 72, ppoll: 73,
  readlinkat: 78, newfstatat: 79, fstat: 80, sync: 81, fsync: 82, fdatasync: 83, utimensat: 88,
  exit: 93, exit_group: 94, waitid: 95, set_tid_address: 96, futex: 98, set_robust_list: 99,
  nanosleep: 101, getitimer: 102, setitimer: 103,
  clock_gettime: 113, clock_getres: 114, clock_nanosleep: 115, sched_yield: 124,
  kill: 129, tkill: 130, tgkill: 131, sigaltstack: 132, rt_sigsuspend: 133, rt_sigaction: 134,
  rt_sigprocmask: 135, rt_sigpending: 136, rt_sigtimedwait: 137, rt_sigqueueinfo: 138, rt_sigreturn: 139,
  setpgid: 154, getpgid: 155, getsid: 156, setsid: 157, times: 153, uname: 160,
  getrlimit: 163, setrlimit: 164, getrusage: 165, umask: 166, prctl: 167, gettimeofday: 169,
  getpid: 172, getppid: 173, getuid: 174, geteuid: 175, getgid: 176, getegid: 177, gettid: 178, sysinfo: 179,
  brk: 214, munmap: 215, mremap: 216, clone: 220, execve: 221, mmap: 222, mprotect: 226, madvise: 233,
  riscv_flush_icache: 259, wait4: 260, prlimit64: 261, renameat2: 276, getrandom: 278, statx: 291, rseq: 293,
  clone3: 435, faccessat2: 439,
} as const;

export type SyscallName = keyof typeof SYSNO;

/** Number → name, for tracing and for counting unknown calls. */
export const SYSNAME: ReadonlyMap<number, SyscallName> = new Map(
  (Object.entries(SYSNO) as [SyscallName, number][]).map(([name, nr]) => [nr, name]),
);
