/* syscall.c: the libc-style half of lde's syscall glue.
 *
 * picolibc is built for bare metal. It leaves the operating system to the
 * application as a set of POSIX-named hooks (read, write, lseek, close,
 * open, _exit, sbrk, kill, getpid, gettimeofday, times, unlink, fstat, stat,
 * getentropy, sigprocmask) that its stdio, malloc, time(), clock() and
 * abort() call. They are implemented here over the raw sys_*() calls of
 * syscall.h, with a few more that programs expect (fork, execve, pipe,
 * waitpid, nanosleep, clock_gettime, isatty).
 *
 * These functions keep libc's contract: -1 with errno set on failure, and
 * picolibc's own constants in and out. picolibc numbers errno values,
 * signals, O_* flags and clock ids differently from Linux, so each crossing
 * translates; the tables below do it by name, so a value is never guessed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "syscall.h"

/* ---- errno ---- */

#define E(name) [LINUX_##name] = name
static const unsigned char errno_from_linux[] = {
  E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
  E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT),
  E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
  E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE),
  E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
  E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR),
  E(ENODATA), E(ETIME), E(ENOSR), E(ENOLINK), E(EPROTO), E(EMULTIHOP), E(EBADMSG),
  E(EOVERFLOW), E(EILSEQ), E(ENOTSOCK), E(EDESTADDRREQ),
  E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EOPNOTSUPP),
  E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
  E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT),
  E(ECONNREFUSED), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE),
  E(EDQUOT), E(ECANCELED), E(EOWNERDEAD), E(ENOTRECOVERABLE),
};
#undef E

int lde_errno_from_linux(int e) {
  if (e > 0 && (size_t)e < sizeof errno_from_linux && errno_from_linux[e] != 0)
    return errno_from_linux[e];
  return EIO;   /* a Linux errno picolibc does not name (ENOTBLK, EBADFD, EUSERS, ...) */
}

long lde_ret(long r) {
  if (lde_is_err(r)) {
    errno = lde_errno_from_linux((int)-r);
    return -1;
  }
  return r;
}

static long fail(int pico_errno) {
  errno = pico_errno;
  return -1;
}

/* ---- signal numbers ---- */

static const struct { unsigned char pico, linux; } sigmap[] = {
#define S(name) { name, LINUX_##name }
  S(SIGHUP), S(SIGINT), S(SIGQUIT), S(SIGILL), S(SIGTRAP), S(SIGABRT), S(SIGBUS),
  S(SIGFPE), S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE), S(SIGALRM),
  S(SIGTERM), S(SIGCHLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP), S(SIGTTIN), S(SIGTTOU),
  S(SIGURG), S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF), S(SIGWINCH), S(SIGIO),
  S(SIGSYS),
#undef S
};
#define NSIGMAP (sizeof sigmap / sizeof sigmap[0])

int lde_sig_to_linux(int s) {
  for (size_t i = 0; i < NSIGMAP; i++) if (sigmap[i].pico == s) return sigmap[i].linux;
  return 0;
}

int lde_sig_from_linux(int s) {
  for (size_t i = 0; i < NSIGMAP; i++) if (sigmap[i].linux == s) return sigmap[i].pico;
  return 0;
}

long lde_sigaction(int sig, lde_sighandler *fn, unsigned long flags) {
  struct linux_sigaction sa = { .handler = (void *)fn, .flags = LINUX_SA_SIGINFO | flags, .mask = 0 };
  return sys_rt_sigaction(sig, &sa, 0);
}

/* ---- files ---- */

ssize_t read(int fd, void *buf, size_t n) { return lde_ret(sys_read(fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n) { return lde_ret(sys_write(fd, buf, n)); }
int close(int fd) { return (int)lde_ret(sys_close(fd)); }

off_t lseek(int fd, off_t off, int whence) {
  /* SEEK_SET/CUR/END are 0/1/2 in both. */
  return lde_ret(sys_lseek(fd, off, whence));
}

static int open_flags_to_linux(int f) {
  int l;
  switch (f & O_ACCMODE) {
  case O_WRONLY: l = LINUX_O_WRONLY; break;
  case O_RDWR: l = LINUX_O_RDWR; break;
  default: l = LINUX_O_RDONLY; break;
  }
  if (f & O_CREAT) l |= LINUX_O_CREAT;
  if (f & O_EXCL) l |= LINUX_O_EXCL;
  if (f & O_TRUNC) l |= LINUX_O_TRUNC;
  if (f & O_APPEND) l |= LINUX_O_APPEND;
  if (f & O_NONBLOCK) l |= LINUX_O_NONBLOCK;
#ifdef O_NOCTTY
  if (f & O_NOCTTY) l |= LINUX_O_NOCTTY;
#endif
#ifdef O_DIRECTORY
  if (f & O_DIRECTORY) l |= LINUX_O_DIRECTORY;
#endif
#ifdef O_NOFOLLOW
  if (f & O_NOFOLLOW) l |= LINUX_O_NOFOLLOW;
#endif
#ifdef O_CLOEXEC
  if (f & O_CLOEXEC) l |= LINUX_O_CLOEXEC;
#endif
#ifdef O_SYNC
  if (f & O_SYNC) l |= LINUX_O_SYNC;
#endif
  return l;
}

int open(const char *path, int flags, ...) {
  unsigned int mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, unsigned int);
    va_end(ap);
  }
  return (int)lde_ret(sys_openat(LINUX_AT_FDCWD, path, open_flags_to_linux(flags), mode));
}

int unlink(const char *path) { return (int)lde_ret(sys_unlinkat(LINUX_AT_FDCWD, path, 0)); }

static void stat_from_linux(struct stat *st, const struct linux_stat *l) {
  *st = (struct stat){0};
  st->st_dev = l->dev;
  st->st_ino = l->ino;
  st->st_mode = l->mode;      /* S_IF* and permission bits are the classic octal values in both */
  st->st_nlink = l->nlink;
  st->st_uid = l->uid;
  st->st_gid = l->gid;
  st->st_rdev = l->rdev;
  st->st_size = l->size;
  st->st_blksize = l->blksize;
  st->st_blocks = l->blocks;
  st->st_atim.tv_sec = l->atime_sec;
  st->st_atim.tv_nsec = (long)l->atime_nsec;
  st->st_mtim.tv_sec = l->mtime_sec;
  st->st_mtim.tv_nsec = (long)l->mtime_nsec;
  st->st_ctim.tv_sec = l->ctime_sec;
  st->st_ctim.tv_nsec = (long)l->ctime_nsec;
}

int fstat(int fd, struct stat *st) {
  struct linux_stat l;
  long r = sys_fstat(fd, &l);
  if (r == 0) stat_from_linux(st, &l);
  return (int)lde_ret(r);
}

int stat(const char *restrict path, struct stat *restrict st) {
  struct linux_stat l;
  long r = sys_newfstatat(LINUX_AT_FDCWD, path, &l, 0);
  if (r == 0) stat_from_linux(st, &l);
  return (int)lde_ret(r);
}

int isatty(int fd) {
  unsigned char termios[64];          /* struct termios is 60 bytes; only success matters */
  long r = sys_ioctl(fd, 0x5401 /* TCGETS */, termios);
  if (r == 0) return 1;
  errno = (r == -LINUX_EBADF) ? EBADF : ENOTTY;
  return 0;
}

/* ---- memory ---- */

/* The program break, as the kernel last reported it (0: not asked yet). */
static char *cur_brk;

void *sbrk(ptrdiff_t incr) {
  if (cur_brk == 0) cur_brk = (char *)sys_brk(0);
  char *old = cur_brk;
  if (incr == 0) return old;
  /* brk(2) returns the new break on success and the unchanged one on failure. */
  char *want = old + incr;
  char *got = (char *)sys_brk(want);
  if (got != want) {
    errno = ENOMEM;
    return (void *)-1;
  }
  cur_brk = got;
  return old;
}

/* ---- processes ---- */

void _exit(int status) { sys_exit_group(status); }
pid_t getpid(void) { return (pid_t)sys_getpid(); }
pid_t getppid(void) { return (pid_t)sys_getppid(); }
pid_t fork(void) { return (pid_t)lde_ret(sys_fork()); }

int execve(const char *path, char *const argv[], char *const envp[]) {
  return (int)lde_ret(sys_execve(path, argv, envp));
}

int pipe(int fds[2]) { return (int)lde_ret(sys_pipe2(fds, 0)); }

/* The status word has the same layout in both; only a signal number in it
 * needs translating (WNOHANG and WUNTRACED are 1 and 2 in both). */
static int status_from_linux(int s) {
  int sig = s & 0x7f;
  if (sig != 0 && sig != 0x7f) {                 /* killed by a signal */
    int p = lde_sig_from_linux(sig);
    return (s & ~0x7f) | (p ? p : sig);
  }
  if (sig == 0x7f) {                             /* stopped: signal in bits 8-15 */
    int p = lde_sig_from_linux((s >> 8) & 0xff);
    return p ? ((s & ~0xff00) | (p << 8)) : s;
  }
  return s;
}

pid_t waitpid(pid_t pid, int *status, int options) {
  int ls = 0;
  long r = sys_wait4(pid, &ls, options, 0);
  if (r > 0 && status) *status = status_from_linux(ls);
  return (pid_t)lde_ret(r);
}

pid_t wait(int *status) { return waitpid(-1, status, 0); }

/* ---- signals ---- */

int kill(pid_t pid, int sig) {
  int l = sig == 0 ? 0 : lde_sig_to_linux(sig);
  if (sig != 0 && l == 0) return (int)fail(EINVAL);
  return (int)lde_ret(sys_kill(pid, l));
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
  int lhow;
  switch (how) {
  case SIG_BLOCK: lhow = LINUX_SIG_BLOCK; break;
  case SIG_UNBLOCK: lhow = LINUX_SIG_UNBLOCK; break;
  case SIG_SETMASK: lhow = LINUX_SIG_SETMASK; break;
  default: return (int)fail(EINVAL);
  }
  /* picolibc's sigset_t has bit s for signal s; Linux's has bit s-1. */
  linux_sigset_t lset = 0, lold = 0;
  if (set)
    for (size_t i = 0; i < NSIGMAP; i++)
      if (*set & (1UL << sigmap[i].pico)) lset |= LINUX_SIGBIT(sigmap[i].linux);
  long r = sys_rt_sigprocmask(lhow, set ? &lset : 0, old ? &lold : 0);
  if (r == 0 && old) {
    *old = 0;
    for (size_t i = 0; i < NSIGMAP; i++)
      if (lold & LINUX_SIGBIT(sigmap[i].linux)) *old |= 1UL << sigmap[i].pico;
  }
  return (int)lde_ret(r);
}

/* ---- time ---- */

_Static_assert(sizeof(struct timespec) == sizeof(struct linux_timespec), "timespec layout");
_Static_assert(offsetof(struct timespec, tv_nsec) == offsetof(struct linux_timespec, nsec), "timespec layout");
_Static_assert(sizeof(struct timeval) == sizeof(struct linux_timeval), "timeval layout");

int nanosleep(const struct timespec *req, struct timespec *rem) {
  return (int)lde_ret(sys_nanosleep((const struct linux_timespec *)req, (struct linux_timespec *)rem));
}

int clock_gettime(clockid_t clk, struct timespec *ts) {
  int l;
  switch (clk) {         /* picolibc defines some ids only for some feature macros */
  case CLOCK_REALTIME: l = LINUX_CLOCK_REALTIME; break;
#ifdef CLOCK_MONOTONIC
  case CLOCK_MONOTONIC: l = LINUX_CLOCK_MONOTONIC; break;
#endif
#ifdef CLOCK_PROCESS_CPUTIME_ID
  case CLOCK_PROCESS_CPUTIME_ID: l = LINUX_CLOCK_PROCESS_CPUTIME_ID; break;
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
  case CLOCK_THREAD_CPUTIME_ID: l = LINUX_CLOCK_THREAD_CPUTIME_ID; break;
#endif
#ifdef CLOCK_MONOTONIC_RAW
  case CLOCK_MONOTONIC_RAW: l = LINUX_CLOCK_MONOTONIC_RAW; break;
#endif
#ifdef CLOCK_BOOTTIME
  case CLOCK_BOOTTIME: l = LINUX_CLOCK_BOOTTIME; break;
#endif
  default: return (int)fail(EINVAL);
  }
  return (int)lde_ret(sys_clock_gettime(l, (struct linux_timespec *)ts));
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  return (int)lde_ret(sys_gettimeofday((struct linux_timeval *)tv, tz));
}

/* picolibc's clock() adds up the four tms fields and calls the sum
 * CLOCKS_PER_SEC units; Linux counts them in USER_HZ ticks. */
clock_t times(struct tms *buf) {
  struct linux_tms t;
  long r = sys_times(&t);
  if (lde_is_err(r)) return (clock_t)lde_ret(r);
  const long k = CLOCKS_PER_SEC / LINUX_USER_HZ;
  if (buf) {
    buf->tms_utime = (clock_t)(t.utime * k);
    buf->tms_stime = (clock_t)(t.stime * k);
    buf->tms_cutime = (clock_t)(t.cutime * k);
    buf->tms_cstime = (clock_t)(t.cstime * k);
  }
  return (clock_t)(r * k);
}

/* ---- randomness ---- */

int getentropy(void *buf, size_t n) {
  if (n > 256) return (int)fail(EIO);
  unsigned char *p = buf;
  while (n > 0) {
    long r = sys_getrandom(p, n, 0);
    if (r == -LINUX_EINTR) continue;
    if (lde_is_err(r)) return (int)lde_ret(r);
    p += r;
    n -= (size_t)r;
  }
  return 0;
}
