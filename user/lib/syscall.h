/* syscall.h: lde's thin Linux system-call layer for the guest programs.
 *
 * Two layers, kept apart by their names:
 *
 *   sys_<name>(...)  one ecall each, inline. Arguments and results are the
 *                    kernel's raw ABI: LINUX_* constants and linux_* structs
 *                    from <lde/linux.h>, and a result in [-4095, -1] is
 *                    -errno (lde_is_err). errno is never touched. These are
 *                    what the programs in user/src use to show a mechanism.
 *
 *   libc names       read, write, open, close, lseek, _exit, sbrk, kill, fork,
 *                    execve, pipe, waitpid, nanosleep, clock_gettime, ... as
 *                    declared by picolibc's own headers, implemented in
 *                    syscall.c over sys_*(): they return -1 and set errno,
 *                    and they speak picolibc's constants (its errno values,
 *                    signal numbers, O_* flags, CLOCK_* ids), translating to
 *                    and from Linux's. picolibc's stdio, malloc, time() and
 *                    abort() call these.
 *
 * The Linux riscv64 convention: the number in a7, arguments in a0..a5,
 * `ecall`, the result in a0. Nothing else is clobbered.
 */
#ifndef LDE_SYSCALL_H
#define LDE_SYSCALL_H

#include <lde/sysno.h>
#include <lde/linux.h>

#define LDE_NORETURN __attribute__((__noreturn__))

/* ---- the ecall itself ---- */

#define LDE_SYSCALL_BODY(...)                                              \
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), ##__VA_ARGS__ : "memory"); \
  return a0

static inline long lde_syscall0(long nr) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0");
  __asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
  return a0;
}
static inline long lde_syscall1(long nr, long x0) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0") = x0;
  LDE_SYSCALL_BODY();
}
static inline long lde_syscall2(long nr, long x0, long x1) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  LDE_SYSCALL_BODY("r"(a1));
}
static inline long lde_syscall3(long nr, long x0, long x1, long x2) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  LDE_SYSCALL_BODY("r"(a1), "r"(a2));
}
static inline long lde_syscall4(long nr, long x0, long x1, long x2, long x3) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = x3;
  LDE_SYSCALL_BODY("r"(a1), "r"(a2), "r"(a3));
}
static inline long lde_syscall5(long nr, long x0, long x1, long x2, long x3, long x4) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = x3;
  register long a4 __asm__("a4") = x4;
  LDE_SYSCALL_BODY("r"(a1), "r"(a2), "r"(a3), "r"(a4));
}
static inline long lde_syscall6(long nr, long x0, long x1, long x2, long x3, long x4, long x5) {
  register long a7 __asm__("a7") = nr;
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = x3;
  register long a4 __asm__("a4") = x4;
  register long a5 __asm__("a5") = x5;
  LDE_SYSCALL_BODY("r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5));
}

/** True when a raw result is an error, -errno. */
static inline int lde_is_err(long r) {
  return (unsigned long)r >= (unsigned long)-LINUX_MAX_ERRNO;
}

#define LDE_L(x) ((long)(x))

/* ---- files ---- */
static inline long sys_read(int fd, void *buf, unsigned long n) {
  return lde_syscall3(SYS_read, fd, LDE_L(buf), LDE_L(n));
}
static inline long sys_write(int fd, const void *buf, unsigned long n) {
  return lde_syscall3(SYS_write, fd, LDE_L(buf), LDE_L(n));
}
static inline long sys_openat(int dirfd, const char *path, int flags, unsigned int mode) {
  return lde_syscall4(SYS_openat, dirfd, LDE_L(path), flags, mode);
}
static inline long sys_close(int fd) { return lde_syscall1(SYS_close, fd); }
static inline long sys_lseek(int fd, long off, int whence) {
  return lde_syscall3(SYS_lseek, fd, off, whence);
}
static inline long sys_pipe2(int fds[2], int flags) {
  return lde_syscall2(SYS_pipe2, LDE_L(fds), flags);
}
static inline long sys_dup3(int oldfd, int newfd, int flags) {
  return lde_syscall3(SYS_dup3, oldfd, newfd, flags);
}
static inline long sys_fstat(int fd, struct linux_stat *st) {
  return lde_syscall2(SYS_fstat, fd, LDE_L(st));
}
static inline long sys_newfstatat(int dirfd, const char *path, struct linux_stat *st, int flags) {
  return lde_syscall4(SYS_newfstatat, dirfd, LDE_L(path), LDE_L(st), flags);
}
static inline long sys_readlinkat(int dirfd, const char *path, char *buf, unsigned long size) {
  return lde_syscall4(SYS_readlinkat, dirfd, LDE_L(path), LDE_L(buf), LDE_L(size));
}
static inline long sys_unlinkat(int dirfd, const char *path, int flags) {
  return lde_syscall3(SYS_unlinkat, dirfd, LDE_L(path), flags);
}
static inline long sys_ioctl(int fd, unsigned long req, void *arg) {
  return lde_syscall3(SYS_ioctl, fd, LDE_L(req), LDE_L(arg));
}
static inline long sys_chdir(const char *path) { return lde_syscall1(SYS_chdir, LDE_L(path)); }
/** The raw call returns the length of the path including its NUL. */
static inline long sys_getcwd(char *buf, unsigned long size) {
  return lde_syscall2(SYS_getcwd, LDE_L(buf), LDE_L(size));
}

/* ---- processes ---- */
static inline LDE_NORETURN void sys_exit(int status) {
  lde_syscall1(SYS_exit, status);
  __builtin_unreachable();
}
static inline LDE_NORETURN void sys_exit_group(int status) {
  lde_syscall1(SYS_exit_group, status);
  __builtin_unreachable();
}
static inline long sys_getpid(void) { return lde_syscall0(SYS_getpid); }
static inline long sys_getppid(void) { return lde_syscall0(SYS_getppid); }
static inline long sys_gettid(void) { return lde_syscall0(SYS_gettid); }
static inline long sys_sched_yield(void) { return lde_syscall0(SYS_sched_yield); }
/* riscv64's clone takes (flags, stack, parent_tid, child_tid, tls). */
static inline long sys_clone(unsigned long flags, void *stack, int *ptid, int *ctid, void *tls) {
  return lde_syscall5(SYS_clone, LDE_L(flags), LDE_L(stack), LDE_L(ptid), LDE_L(ctid), LDE_L(tls));
}
/** fork() as the kernel sees it: clone with only the exit signal, SIGCHLD.
 *  0 in the child, the child's pid in the parent. */
static inline long sys_fork(void) { return sys_clone(LINUX_SIGCHLD, 0, 0, 0, 0); }
static inline long sys_execve(const char *path, char *const argv[], char *const envp[]) {
  return lde_syscall3(SYS_execve, LDE_L(path), LDE_L(argv), LDE_L(envp));
}
static inline long sys_wait4(int pid, int *status, int options, void *rusage) {
  return lde_syscall4(SYS_wait4, pid, LDE_L(status), options, LDE_L(rusage));
}

/* ---- signals ---- */
static inline long sys_kill(int pid, int sig) { return lde_syscall2(SYS_kill, pid, sig); }
static inline long sys_tgkill(int tgid, int tid, int sig) {
  return lde_syscall3(SYS_tgkill, tgid, tid, sig);
}
static inline long sys_rt_sigaction(int sig, const struct linux_sigaction *act, struct linux_sigaction *old) {
  return lde_syscall4(SYS_rt_sigaction, sig, LDE_L(act), LDE_L(old), LINUX_SIGSET_SIZE);
}
static inline long sys_rt_sigprocmask(int how, const linux_sigset_t *set, linux_sigset_t *old) {
  return lde_syscall4(SYS_rt_sigprocmask, how, LDE_L(set), LDE_L(old), LINUX_SIGSET_SIZE);
}

/* ---- memory ---- */
static inline long sys_brk(void *addr) { return lde_syscall1(SYS_brk, LDE_L(addr)); }
static inline long sys_mmap(void *addr, unsigned long len, int prot, int flags, int fd, long off) {
  return lde_syscall6(SYS_mmap, LDE_L(addr), LDE_L(len), prot, flags, fd, off);
}
static inline long sys_munmap(void *addr, unsigned long len) {
  return lde_syscall2(SYS_munmap, LDE_L(addr), LDE_L(len));
}
static inline long sys_mprotect(void *addr, unsigned long len, int prot) {
  return lde_syscall3(SYS_mprotect, LDE_L(addr), LDE_L(len), prot);
}

/* ---- time ---- */
/** The raw syscall, never a vDSO: every call is a trap into the kernel. */
static inline long sys_clock_gettime(int clock, struct linux_timespec *ts) {
  return lde_syscall2(SYS_clock_gettime, clock, LDE_L(ts));
}
static inline long sys_nanosleep(const struct linux_timespec *req, struct linux_timespec *rem) {
  return lde_syscall2(SYS_nanosleep, LDE_L(req), LDE_L(rem));
}
static inline long sys_gettimeofday(struct linux_timeval *tv, void *tz) {
  return lde_syscall2(SYS_gettimeofday, LDE_L(tv), LDE_L(tz));
}
static inline long sys_times(struct linux_tms *t) { return lde_syscall1(SYS_times, LDE_L(t)); }

/* ---- misc ---- */
static inline long sys_getrandom(void *buf, unsigned long n, unsigned int flags) {
  return lde_syscall3(SYS_getrandom, LDE_L(buf), LDE_L(n), flags);
}

/* ---- helpers in user/lib (not single syscalls) ---- */

/** A Linux errno value as picolibc's errno.h numbers it (they differ above 34). */
int lde_errno_from_linux(int linux_errno);
/** For libc-style wrappers: a raw result r, or -1 with errno set. */
long lde_ret(long r);
/** Signal numbers between picolibc's <signal.h> and Linux (0 when unknown). */
int lde_sig_to_linux(int pico_sig);
int lde_sig_from_linux(int linux_sig);

/** Installs fn as the SA_SIGINFO handler of Linux signal sig, with extra
 *  LINUX_SA_* flags and an empty mask. No restorer is passed: on riscv64
 *  the kernel supplies the return path (see <lde/linux.h>). Raw result. */
typedef void lde_sighandler(int sig, struct linux_siginfo *info, void *ucontext);
long lde_sigaction(int sig, lde_sighandler *fn, unsigned long flags);

/** The value of an auxiliary-vector entry from the initial stack, or 0. */
unsigned long lde_getauxval(unsigned long type);

/** The unsigned decimal value of s, or dflt when s is 0, empty or not a number. */
unsigned long lde_parse_ulong(const char *s, unsigned long dflt);

/** Reads exactly n bytes, retrying short reads and EINTR: 1 when done, 0 at end of file, -errno on error. */
int lde_read_full(int fd, void *buf, unsigned long n);

/** Writes exactly n bytes, retrying short writes and EINTR: 1 when done, 0 on error. */
int lde_write_full(int fd, const void *buf, unsigned long n);

#endif /* LDE_SYSCALL_H */
