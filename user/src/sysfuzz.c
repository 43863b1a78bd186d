/* sysfuzz: a deterministic system-call fuzzer. Makes COUNT random system
 * calls, numbers from the riscv64 table (0..469, and now and then a number
 * far outside it), arguments drawn from edge values: 0, -1, 1<<63, 2^53, huge
 * lengths, pointers into its own writable, read-only, unmapped and
 * kernel-half memory, small fds, random flags. Call n's number and arguments
 * depend only on SEED and n, so a finding is reproduced by its seed and call
 * number (docs/fuzzing.md).
 *
 *   sysfuzz [-t] [-v] [-f FIRST] [-b BATCH] SEED COUNT
 *
 * It runs only under lde (uname's release must name lde): on a real kernel,
 * or under qemu-user, random calls reach the host.
 *
 * Calls FIRST..COUNT-1 run in batches of BATCH (default 100), each in a
 * forked child, so that a call which kills its caller (rt_sigreturn with a
 * garbage frame, munmap of its own text, a signal with a random handler) only
 * ends its batch. The parent prints one line per batch on fd 100 (a copy of
 * stdout, out of reach of the small fds the calls use), kills a batch that
 * takes over 0.5 s of virtual time, and reaps every child.
 *   -v  print each call on fd 100 before making it
 *   -t  tame: leave out the classes issue 9 already lists, to look for new
 *       ones: no sleeping or timer calls, no rt_sigaction (fault loops) or
 *       clone3, clone's exit signal is SIGCHLD, and the I/O and memory
 *       calls' numbers from 2^38 (above Sv39's user half) up are cut to
 *       32 bits
 *
 * Numbers: 80% from the calls lde implements, 18% anywhere in 0..469, 2%
 * far outside the table. Never called (they would end the run
 * uninterestingly): exit, exit_group.
 * Restricted: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
 * pidfd_open, prlimit64, ptrace, process_vm_writev and setpgid get their
 * pid from {own pid, 99999, INT_MIN, 1<<40}, never 0, -1 or the parent;
 * execve and execveat get a path that cannot name an executable; clone and
 * clone3 children exit at once (in assembly, as their stack may be anything).
 */
#include "syscall.h"

#define LOG 100
#define NR_MAX 470
#define BUF_SIZE 65536

static unsigned long g_seed;
static int g_tame, g_verbose;
static int g_pid;
static unsigned char *g_guard;  /* 8 bytes before an unmapped page */
static volatile unsigned long *g_shared;  /* [0]: call the batch is at */
static unsigned char g_buf[BUF_SIZE] __attribute__((aligned(4096)));
static const char g_ro[64] = "/tmp/fz\0/dev/null\0/\0.\0..\0/proc/self/fd\0";

/* splitmix64 (Steele, Lea, Flood 2014): the whole generator. */
static unsigned long mix(unsigned long z) {
  z += 0x9e3779b97f4a7c15UL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}
static unsigned long g_state;
static unsigned long rnd(void) { return mix(g_state += 0x9e3779b97f4a7c15UL); }
static unsigned long pick(unsigned long n) { return rnd() % n; }

static const unsigned long EDGES[] = {
  0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 4095, 4096, 4097, 0x7fffffff, 0x80000000UL,
  0xffffffffUL, 1UL << 32, 1UL << 53, (1UL << 53) + 1, 1UL << 62, 1UL << 63,
  0x7fffffffffffffffUL, -1UL, -2UL, -4096UL, -4095UL, 0x8000000000000000UL - 4096,
};
static const unsigned long LENGTHS[] = {
  0, 1, 8, 16, 100, 4096, 65536, 1UL << 20, 1UL << 31, 1UL << 32, 1UL << 40,
  100UL << 30, 1UL << 53, 1UL << 62, 1UL << 63, -1UL, -4096UL,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long pointer(void) {
  switch (pick(9)) {
  case 0: return (unsigned long)g_buf;
  case 1: return (unsigned long)g_buf + pick(BUF_SIZE);
  case 2: return (unsigned long)g_buf + BUF_SIZE - 1 - pick(16);
  case 3: return (unsigned long)g_ro + pick(sizeof g_ro);
  case 4: return (unsigned long)&mix;                      /* text */
  case 5: return (unsigned long)g_guard + pick(16);        /* runs into a hole */
  case 6: { static const unsigned long u[] = { 0, 8, 0x1000, 0x3ffffff000UL, 0x7ffffffff000UL };
            return u[pick(N(u))]; }
  case 7: { static const unsigned long k[] = { 0xffffffc000000000UL, 0xffffffff80000000UL, -8UL, 1UL << 63 };
            return k[pick(N(k))]; }
  default: return rnd() & 0x3fffffffffUL;
  }
}

static unsigned long fd(void) {
  static const unsigned long f[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1UL, -100UL /* AT_FDCWD */,
                                     1023, 1024, 0x80000000UL, LOG };
  return f[pick(N(f))];
}

static unsigned long flags(void) {
  switch (pick(4)) {
  case 0: return 1UL << pick(64);
  case 1: return rnd() & 0xffffffffUL;
  case 2: return pick(16);
  default: return (1UL << pick(32)) | (1UL << pick(32)) | pick(4);
  }
}

static unsigned long arg(void) {
  switch (pick(8)) {
  case 0: case 1: return EDGES[pick(N(EDGES))];
  case 2: case 3: return pointer();
  case 4: return fd();
  case 5: return flags();
  case 6: return LENGTHS[pick(N(LENGTHS))];
  default: return rnd();
  }
}

static unsigned long pid_arg(void) {
  static const unsigned long p[] = { 99999, 0x80000000UL, 1UL << 40 };
  return pick(2) ? (unsigned long)g_pid : p[pick(N(p))];
}

/* A path that cannot name an executable: no exec of random programs. */
static unsigned long path_arg(void) {
  static const unsigned long u[] = { 0, 0xffffffc000000000UL };
  switch (pick(4)) {
  case 0: return (unsigned long)g_ro;                          /* "/tmp/fz" */
  case 1: return (unsigned long)g_ro + 8;                      /* "/dev/null" */
  case 2: return (unsigned long)g_ro + 18;                     /* "/" */
  default: return u[pick(N(u))];
  }
}

/* The calls lde implements (src/kernel/sys/table.ts, status full or
 * partial): most picks come from here, so that few end in ENOSYS. */
static const unsigned short IMPLEMENTED[] = {
  17, 23, 24, 25, 29, 34, 35, 36, 37, 45, 46, 48, 49, 50, 52, 53, 56, 57, 59, 61, 62, 63, 64, 65,
  66, 67, 68, 71, 73, 78, 79, 80, 81, 82, 83, 88, 95, 96, 98, 99, 101, 102, 103, 113, 114, 115,
  124, 129, 130, 131, 132, 133, 134, 135, 136, 138, 139, 153, 160, 163, 164, 165, 166, 169, 172,
  173, 174, 175, 176, 177, 178, 179, 214, 215, 216, 220, 221, 222, 226, 233, 259, 260, 261, 276,
  278, 291, 293, 439,
};

static int excluded(unsigned long nr) {
  return nr == SYS_exit || nr == SYS_exit_group;
}

/* Tame: the calls whose known failures issue 9 lists; their numbers stay below 2^38. */
static int tame_clamped(unsigned long nr) {
  switch (nr) {
  case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv:
  case SYS_writev: case SYS_preadv: case SYS_pwritev: case SYS_munmap: case SYS_mprotect:
  case SYS_madvise: case SYS_mmap: case SYS_mremap: case SYS_msync: case SYS_mlock:
  case SYS_munlock: case SYS_symlinkat:
    return 1;
  }
  return 0;
}
static int tame_excluded(unsigned long nr) {
  switch (nr) {
  case SYS_nanosleep: case SYS_clock_nanosleep: case SYS_setitimer: case SYS_getitimer:
  case SYS_timer_settime: case SYS_timerfd_settime: case SYS_ppoll: case SYS_pselect6:
  case SYS_epoll_pwait: case SYS_futex: case SYS_rt_sigtimedwait: case SYS_io_getevents:
  case SYS_clone3: case SYS_rt_sigaction:
  case SYS_sched_setattr: case SYS_clock_settime: case SYS_settimeofday: case SYS_adjtimex:
  case SYS_clock_adjtime: case SYS_epoll_pwait2: case SYS_futex_waitv: case SYS_futex_wait:
    return 1;
  }
  return 0;
}

struct call { unsigned long nr, a[6]; };

/* Call n's number and arguments: a function of SEED and n only. */
static void make_call(unsigned long n, struct call *c) {
  g_state = mix(g_seed * 0x100000001b3UL ^ mix(n));
  do {
    unsigned long k = pick(100);
    c->nr = k < 80 ? IMPLEMENTED[pick(N(IMPLEMENTED))] : k < 98 ? pick(NR_MAX) : k < 99 ? pick(4096) : rnd();
  } while (excluded(c->nr) || (g_tame && tame_excluded(c->nr)));
  for (int i = 0; i < 6; i++) c->a[i] = arg();
  switch (c->nr) {
  case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo: case SYS_pidfd_open:
  case SYS_prlimit64: case SYS_process_vm_writev: case SYS_setpgid:
    c->a[0] = pid_arg();
    break;
  case SYS_ptrace: c->a[1] = pid_arg(); break;
  case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
    c->a[0] = pid_arg(); c->a[1] = pid_arg();
    break;
  case SYS_execve: c->a[0] = path_arg(); break;
  case SYS_execveat: c->a[1] = path_arg(); break;
  }
  if (g_tame && c->nr == SYS_clone) c->a[0] = (c->a[0] & ~0xffUL) | LINUX_SIGCHLD;  /* a valid exit signal */
  if (g_tame && tame_clamped(c->nr))
    for (int i = 0; i < 6; i++)
      if (c->a[i] >= (1UL << 38)) c->a[i] &= 0xffffffffUL;  /* above Sv39's user half */
}

/* clone and clone3: the child exits at once, before touching its stack. */
static long clone_call(const struct call *c) {
  register long a7 __asm__("a7") = (long)c->nr;
  register long a0 __asm__("a0") = (long)c->a[0];
  register long a1 __asm__("a1") = (long)c->a[1];
  register long a2 __asm__("a2") = (long)c->a[2];
  register long a3 __asm__("a3") = (long)c->a[3];
  register long a4 __asm__("a4") = (long)c->a[4];
  register long a5 __asm__("a5") = (long)c->a[5];
  __asm__ volatile("ecall\n\tbnez a0, 1f\n\tli a7, %[ex]\n\tecall\n1:"
                   : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), [ex] "i"(SYS_exit)
                   : "memory");
  return a0;
}

static void put(int fd, const char *s) {
  unsigned long n = 0;
  while (s[n]) n++;
  sys_write(fd, s, n);
}
static void say(const char *s) { put(LOG, s); }
static char *hex(char *p, unsigned long v) {
  *p++ = '0'; *p++ = 'x';
  int i = 60;
  while (i > 0 && !((v >> i) & 15)) i -= 4;
  for (; i >= 0; i -= 4) *p++ = "0123456789abcdef"[(v >> i) & 15];
  return p;
}
static char *dec(char *p, unsigned long v) {
  char t[24]; int k = 0;
  do { t[k++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (k) *p++ = t[--k];
  return p;
}
static char *str(char *p, const char *s) { while (*s) *p++ = *s++; return p; }

static void show_call(unsigned long n, const struct call *c) {
  char line[256], *p = str(line, "sysfuzz: call ");
  p = dec(p, n); p = str(p, ": "); p = dec(p, c->nr); *p++ = '(';
  for (int i = 0; i < 6; i++) { if (i) *p++ = ','; *p++ = ' '; p = hex(p, c->a[i]); }
  p = str(p, ")\n"); *p = 0;
  say(line);
}

/* Fds 3..7: objects worth calling on. Fds 1 and 2 both write to stdout. */
static void batch_setup(void) {
  int p[2];
  sys_dup3(1, 2, 0);
  lde_syscall4(SYS_openat, -100, (long)"/dev/zero", 2 /* O_RDWR */, 0);
  sys_pipe2(p, 0);
  lde_syscall4(SYS_openat, -100, (long)"/tmp", 0x10000 /* O_DIRECTORY */, 0);
  lde_syscall4(SYS_openat, -100, (long)"/tmp/fz", 0x42 /* O_CREAT|O_RDWR */, 0644);
}

static void run_batch(unsigned long first, unsigned long end) {
  struct call c;
  g_pid = (int)sys_getpid();
  batch_setup();
  for (unsigned long n = first; n < end; n++) {
    make_call(n, &c);
    if (g_shared) *g_shared = n;
    if (g_verbose) show_call(n, &c);
    if (c.nr == SYS_clone || c.nr == SYS_clone3) clone_call(&c);
    else lde_syscall6((long)c.nr, (long)c.a[0], (long)c.a[1], (long)c.a[2], (long)c.a[3], (long)c.a[4], (long)c.a[5]);
  }
  sys_exit_group(0);
}

/* Runs one batch in a child; returns a line saying how it ended. */
static void batch(unsigned long first, unsigned long end) {
  if (g_shared) *g_shared = first;
  long pid = sys_fork();
  if (pid == 0) run_batch(first, end);
  int status = 0, waited = 0;
  struct linux_timespec ms = { 0, 1000000 };
  for (int t = 0; !waited; t++) {
    long r;
    while ((r = sys_wait4(-1, &status, 1 /* WNOHANG */, 0)) > 0)
      if (r == pid) { waited = 1; break; }
    if (waited || pid < 0) break;
    if (t == 500) sys_kill((int)pid, LINUX_SIGKILL);
    sys_nanosleep(&ms, 0);
  }
  char line[160], *p = str(line, "sysfuzz: calls ");
  p = dec(p, first); *p++ = '-'; p = dec(p, end - 1);
  if (pid < 0) { p = str(p, ": fork failed "); p = dec(p, (unsigned long)-pid); }
  else if ((status & 0x7f) == 0) { p = str(p, ": exit "); p = dec(p, (status >> 8) & 0xff); }
  else {
    p = str(p, ": signal "); p = dec(p, status & 0x7f);
    p = str(p, " at call "); p = dec(p, g_shared ? *g_shared : first);
  }
  p = str(p, "\n"); *p = 0;
  say(line);
}

int main(int argc, char **argv) {
  unsigned long first = 0, size = 100, args[2];
  int k = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] == 't') g_tame = 1;
    else if (argv[i][0] == '-' && argv[i][1] == 'v') g_verbose = 1;
    else if (argv[i][0] == '-' && argv[i][1] == 'f' && i + 1 < argc) first = lde_parse_ulong(argv[++i], 0);
    else if (argv[i][0] == '-' && argv[i][1] == 'b' && i + 1 < argc) size = lde_parse_ulong(argv[++i], 100);
    else if (k < 2) args[k++] = lde_parse_ulong(argv[i], -1UL);
  }
  if (k != 2 || args[0] == -1UL || args[1] == -1UL || size == 0) {
    put(1, "usage: sysfuzz [-t] [-v] [-f FIRST] [-b BATCH] SEED COUNT\n");  /* stdout: user/expected */
    return 2;
  }
  /* Random calls made on a real kernel (qemu-user passes them to the host's)
   * could delete files or kill processes: run only under lde. */
  char uts[6 * 65];
  const char *rel = uts + 2 * 65, *lde = 0;
  if (!lde_is_err(lde_syscall1(SYS_uname, (long)uts)))
    for (const char *q = rel; *q && !lde; q++) if (q[0] == 'l' && q[1] == 'd' && q[2] == 'e') lde = q;
  if (!lde) {
    put(2, "sysfuzz: refusing to run outside lde (uname's release does not name lde)\n");
    return 2;
  }
  g_seed = args[0];
  sys_dup3(1, LOG, 0);
  for (int s = 1; s <= LINUX_NSIG; s++)    /* the parent outlives what its batches send */
    if (s != LINUX_SIGCHLD && s != LINUX_SIGKILL && s != LINUX_SIGSTOP) {
      struct linux_sigaction sa = { LINUX_SIG_IGN, 0, 0 };
      sys_rt_sigaction(s, &sa, 0);
    }
  long shared = sys_mmap(0, 4096, 3, 0x21 /* MAP_SHARED|MAP_ANONYMOUS */, -1, 0);
  if (!lde_is_err(shared)) g_shared = (volatile unsigned long *)shared;
  long guard = sys_mmap(0, 8192, 3, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
  if (!lde_is_err(guard)) { sys_munmap((void *)(guard + 4096), 4096); g_guard = (unsigned char *)guard + 4096 - 8; }
  g_state = mix(g_seed);
  for (unsigned long i = 0; i < BUF_SIZE / 8; i++)
    ((unsigned long *)g_buf)[i] = pick(4) ? EDGES[pick(N(EDGES))] : rnd();
  for (unsigned long i = 0; i < sizeof g_ro; i++) g_buf[i] = (unsigned char)g_ro[i];
  for (unsigned long n = first; n < args[1]; n += size)
    batch(n, n + size < args[1] ? n + size : args[1]);
  say("sysfuzz: done\n");
  return 0;
}
