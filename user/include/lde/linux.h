/* lde/linux.h: the Linux riscv64 user ABI that lde's guest programs speak,
 * written for lde from the ABI's documented values.
 *
 * picolibc is a C library for bare-metal targets. Its headers define
 * constants with the same names as Linux's but with other values
 * (SIGUSR1, CLOCK_MONOTONIC, O_CREAT, ENOSYS, ...), and structs with other
 * layouts (struct sigaction, siginfo_t, struct stat). So every constant
 * and struct here carries a LINUX_ or linux_ prefix. Two kinds of names
 * then cannot be confused:
 *   - sys_*() calls and LINUX_* constants are the kernel's ABI;
 *   - libc names (kill, open, errno, SIGUSR1 from <signal.h>) are picolibc's.
 *     The glue in user/lib/syscall.c translates between the two.
 *
 * This header includes nothing, so test/sysno.test.ts can compile it with
 * riscv64-linux-gnu-gcc next to the kernel's own <asm/...> headers and
 * check every value and offset here against them. */
#ifndef LDE_LINUX_H
#define LDE_LINUX_H

/* ---- errno values (asm-generic/errno-base.h, asm-generic/errno.h) ---- */
#define LINUX_EPERM            1
#define LINUX_ENOENT           2
#define LINUX_ESRCH            3
#define LINUX_EINTR            4
#define LINUX_EIO              5
#define LINUX_ENXIO            6
#define LINUX_E2BIG            7
#define LINUX_ENOEXEC          8
#define LINUX_EBADF            9
#define LINUX_ECHILD          10
#define LINUX_EAGAIN          11
#define LINUX_ENOMEM          12
#define LINUX_EACCES          13
#define LINUX_EFAULT          14
#define LINUX_ENOTBLK         15
#define LINUX_EBUSY           16
#define LINUX_EEXIST          17
#define LINUX_EXDEV           18
#define LINUX_ENODEV          19
#define LINUX_ENOTDIR         20
#define LINUX_EISDIR          21
#define LINUX_EINVAL          22
#define LINUX_ENFILE          23
#define LINUX_EMFILE          24
#define LINUX_ENOTTY          25
#define LINUX_ETXTBSY         26
#define LINUX_EFBIG           27
#define LINUX_ENOSPC          28
#define LINUX_ESPIPE          29
#define LINUX_EROFS           30
#define LINUX_EMLINK          31
#define LINUX_EPIPE           32
#define LINUX_EDOM            33
#define LINUX_ERANGE          34
#define LINUX_EDEADLK         35
#define LINUX_ENAMETOOLONG    36
#define LINUX_ENOLCK          37
#define LINUX_ENOSYS          38
#define LINUX_ENOTEMPTY       39
#define LINUX_ELOOP           40
#define LINUX_ENOMSG          42
#define LINUX_EIDRM           43
#define LINUX_ENOSTR          60
#define LINUX_ENODATA         61
#define LINUX_ETIME           62
#define LINUX_ENOSR           63
#define LINUX_ENOLINK         67
#define LINUX_EPROTO          71
#define LINUX_EMULTIHOP       72
#define LINUX_EBADMSG         74
#define LINUX_EOVERFLOW       75
#define LINUX_EBADFD          77
#define LINUX_EILSEQ          84
#define LINUX_EUSERS          87
#define LINUX_ENOTSOCK        88
#define LINUX_EDESTADDRREQ    89
#define LINUX_EMSGSIZE        90
#define LINUX_EPROTOTYPE      91
#define LINUX_ENOPROTOOPT     92
#define LINUX_EPROTONOSUPPORT 93
#define LINUX_EOPNOTSUPP      95
#define LINUX_EAFNOSUPPORT    97
#define LINUX_EADDRINUSE      98
#define LINUX_EADDRNOTAVAIL   99
#define LINUX_ENETDOWN       100
#define LINUX_ENETUNREACH    101
#define LINUX_ECONNABORTED   103
#define LINUX_ECONNRESET     104
#define LINUX_ENOBUFS        105
#define LINUX_EISCONN        106
#define LINUX_ENOTCONN       107
#define LINUX_ETIMEDOUT      110
#define LINUX_ECONNREFUSED   111
#define LINUX_EHOSTUNREACH   113
#define LINUX_EALREADY       114
#define LINUX_EINPROGRESS    115
#define LINUX_ESTALE         116
#define LINUX_EDQUOT         122
#define LINUX_ECANCELED      125
#define LINUX_EOWNERDEAD     130
#define LINUX_ENOTRECOVERABLE 131
#define LINUX_MAX_ERRNO     4095   /* a raw return in [-4095, -1] is -errno */

/* ---- signals (asm-generic/signal.h) ---- */
#define LINUX_SIGHUP     1
#define LINUX_SIGINT     2
#define LINUX_SIGQUIT    3
#define LINUX_SIGILL     4
#define LINUX_SIGTRAP    5
#define LINUX_SIGABRT    6
#define LINUX_SIGBUS     7
#define LINUX_SIGFPE     8
#define LINUX_SIGKILL    9
#define LINUX_SIGUSR1   10
#define LINUX_SIGSEGV   11
#define LINUX_SIGUSR2   12
#define LINUX_SIGPIPE   13
#define LINUX_SIGALRM   14
#define LINUX_SIGTERM   15
#define LINUX_SIGSTKFLT 16
#define LINUX_SIGCHLD   17
#define LINUX_SIGCONT   18
#define LINUX_SIGSTOP   19
#define LINUX_SIGTSTP   20
#define LINUX_SIGTTIN   21
#define LINUX_SIGTTOU   22
#define LINUX_SIGURG    23
#define LINUX_SIGXCPU   24
#define LINUX_SIGXFSZ   25
#define LINUX_SIGVTALRM 26
#define LINUX_SIGPROF   27
#define LINUX_SIGWINCH  28
#define LINUX_SIGIO     29
#define LINUX_SIGPWR    30
#define LINUX_SIGSYS    31
#define LINUX_NSIG      64

#define LINUX_SIG_DFL ((void *)0)
#define LINUX_SIG_IGN ((void *)1)

#define LINUX_SA_NOCLDSTOP 0x00000001UL
#define LINUX_SA_NOCLDWAIT 0x00000002UL
#define LINUX_SA_SIGINFO   0x00000004UL
#define LINUX_SA_ONSTACK   0x08000000UL
#define LINUX_SA_RESTART   0x10000000UL
#define LINUX_SA_NODEFER   0x40000000UL
#define LINUX_SA_RESETHAND 0x80000000UL
/* No SA_RESTORER: riscv64 Linux has none. A handler returns through ra,
 * which the kernel points at its own rt_sigreturn trampoline (Linux: the
 * vDSO's __vdso_rt_sigreturn; qemu-riscv64 and lde: their own). */

#define LINUX_SIG_BLOCK   0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2

/* si_code values (asm-generic/siginfo.h) */
#define LINUX_SI_USER     0
#define LINUX_SI_KERNEL   0x80
#define LINUX_SI_TKILL    (-6)
#define LINUX_ILL_ILLOPC  1
#define LINUX_ILL_PRVOPC  5
#define LINUX_SEGV_MAPERR 1
#define LINUX_SEGV_ACCERR 2
#define LINUX_CLD_EXITED  1
#define LINUX_CLD_KILLED  2
#define LINUX_CLD_DUMPED  3

/* The signal set the kernel's rt_* calls take: one 64-bit word, bit n-1 for
 * signal n; every rt_* signal call passes its size, 8. */
typedef unsigned long linux_sigset_t;
#define LINUX_SIGSET_SIZE 8
#define LINUX_SIGBIT(sig) (1UL << ((sig) - 1))

/* rt_sigaction's struct (asm-generic/signal.h without SA_RESTORER). */
struct linux_sigaction {
  void *handler;          /* void (*)(int), or with SA_SIGINFO
                             void (*)(int, struct linux_siginfo *, void *ucontext) */
  unsigned long flags;    /* LINUX_SA_* */
  linux_sigset_t mask;    /* blocked while the handler runs */
};

/* siginfo_t (asm-generic/siginfo.h), 128 bytes. The union's members are
 * anonymous, so the fields read info->pid, info->addr. */
struct linux_siginfo {
  int signo;
  int errnum;             /* si_errno */
  int code;               /* si_code: LINUX_SI_USER, LINUX_SEGV_MAPERR, ... */
  int _align;
  union {
    struct {              /* kill, SIGCHLD */
      int pid;
      unsigned int uid;
      int status;         /* SIGCHLD: exit code or signal */
    };
    void *addr;           /* SIGSEGV, SIGBUS, SIGILL, SIGFPE: faulting address / pc */
    unsigned char _pad[128 - 16];
  };
};

/* The machine state a signal handler may read and change (struct
 * sigcontext of asm/sigcontext.h): regs[0] is the pc to resume at,
 * regs[n] is xn for n = 1..31. rt_sigreturn restores all of it. */
struct linux_sigcontext {
  unsigned long regs[32];
  unsigned char fpstate[528] __attribute__((aligned(16)));  /* f0-f31, fcsr, reserved */
};

struct linux_stack {      /* stack_t */
  void *sp;
  int flags;
  unsigned long size;
};

/* struct ucontext (asm/ucontext.h): the third handler argument. */
struct linux_ucontext {
  unsigned long flags;
  struct linux_ucontext *link;
  struct linux_stack stack;
  linux_sigset_t sigmask;                   /* restored by rt_sigreturn */
  unsigned char _reserved[1024 / 8 - sizeof(linux_sigset_t)];
  struct linux_sigcontext mcontext;
};

/* ---- processes ---- */
#define LINUX_CLONE_VM             0x00000100UL
#define LINUX_CLONE_FS             0x00000200UL
#define LINUX_CLONE_FILES          0x00000400UL
#define LINUX_CLONE_SIGHAND        0x00000800UL
#define LINUX_CLONE_VFORK          0x00004000UL
#define LINUX_CLONE_THREAD         0x00010000UL
#define LINUX_CLONE_SETTLS         0x00080000UL
#define LINUX_CLONE_PARENT_SETTID  0x00100000UL
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000UL
#define LINUX_CLONE_CHILD_SETTID   0x01000000UL

#define LINUX_WNOHANG   1
#define LINUX_WUNTRACED 2
/* wait4's status word, as every Linux libc decodes it */
#define LINUX_WIFEXITED(s)   (((s) & 0x7f) == 0)
#define LINUX_WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define LINUX_WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define LINUX_WTERMSIG(s)    ((s) & 0x7f)
#define LINUX_WCOREDUMP(s)   (((s) & 0x80) != 0)

/* ---- memory (asm-generic/mman-common.h, asm-generic/mman.h) ---- */
#define LINUX_PROT_NONE      0x0
#define LINUX_PROT_READ      0x1
#define LINUX_PROT_WRITE     0x2
#define LINUX_PROT_EXEC      0x4
#define LINUX_MAP_SHARED     0x01
#define LINUX_MAP_PRIVATE    0x02
#define LINUX_MAP_FIXED      0x10
#define LINUX_MAP_ANONYMOUS  0x20
#define LINUX_MAP_NORESERVE  0x4000
#define LINUX_MAP_POPULATE   0x8000
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_MAP_FAILED     ((void *)-1)

/* ---- files (asm-generic/fcntl.h: riscv64 uses the generic values) ---- */
#define LINUX_O_RDONLY    00000000
#define LINUX_O_WRONLY    00000001
#define LINUX_O_RDWR      00000002
#define LINUX_O_ACCMODE   00000003
#define LINUX_O_CREAT     00000100
#define LINUX_O_EXCL      00000200
#define LINUX_O_NOCTTY    00000400
#define LINUX_O_TRUNC     00001000
#define LINUX_O_APPEND    00002000
#define LINUX_O_NONBLOCK  00004000
#define LINUX_O_DSYNC     00010000
#define LINUX_O_DIRECTORY 00200000
#define LINUX_O_NOFOLLOW  00400000
#define LINUX_O_CLOEXEC   02000000
#define LINUX_O_SYNC      04010000
#define LINUX_AT_FDCWD    (-100)
#define LINUX_AT_REMOVEDIR        0x200
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EMPTY_PATH       0x1000
#define LINUX_SEEK_SET 0
#define LINUX_SEEK_CUR 1
#define LINUX_SEEK_END 2

/* struct stat (asm-generic/stat.h), 128 bytes; fields unprefixed because
 * picolibc's <sys/stat.h> makes st_atime and friends macros. */
struct linux_stat {
  unsigned long dev;
  unsigned long ino;
  unsigned int mode;
  unsigned int nlink;
  unsigned int uid;
  unsigned int gid;
  unsigned long rdev;
  unsigned long _pad1;
  long size;
  int blksize;
  int _pad2;
  long blocks;
  long atime_sec;
  unsigned long atime_nsec;
  long mtime_sec;
  unsigned long mtime_nsec;
  long ctime_sec;
  unsigned long ctime_nsec;
  unsigned int _unused[2];
};

/* ---- time (linux/time.h, linux/time_types.h) ---- */
#define LINUX_CLOCK_REALTIME           0
#define LINUX_CLOCK_MONOTONIC          1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID  3
#define LINUX_CLOCK_MONOTONIC_RAW      4
#define LINUX_CLOCK_BOOTTIME           7
#define LINUX_TIMER_ABSTIME            1

struct linux_timespec { long sec; long nsec; };
struct linux_timeval  { long sec; long usec; };
struct linux_tms      { long utime, stime, cutime, cstime; };  /* in USER_HZ ticks */
#define LINUX_USER_HZ 100

/* ---- the initial stack's auxiliary vector (linux/auxvec.h) ---- */
#define LINUX_AT_NULL    0
#define LINUX_AT_PHDR    3
#define LINUX_AT_PHENT   4
#define LINUX_AT_PHNUM   5
#define LINUX_AT_PAGESZ  6
#define LINUX_AT_ENTRY   9
#define LINUX_AT_UID    11
#define LINUX_AT_HWCAP  16
#define LINUX_AT_CLKTCK 17
#define LINUX_AT_SECURE 23
#define LINUX_AT_RANDOM 25
#define LINUX_AT_EXECFN 31
#define LINUX_AT_SYSINFO_EHDR 33

/* ---- getrandom flags ---- */
#define LINUX_GRND_NONBLOCK 1
#define LINUX_GRND_RANDOM   2

#endif /* LDE_LINUX_H */
