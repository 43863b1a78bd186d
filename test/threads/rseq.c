// rseq(2) on riscv64: registration and its errors, cpu_id, and a critical
// section long enough to be preempted (a second thread spins) or to take a
// signal (an interval timer): each pass either commits or ends at its
// abort handler, and the kernel aborts at least once of each kind. A bad
// signature before abort_ip is SIGSEGV. glibc 2.36 does not register rseq on
// riscv64 (no RSEQ_SIG), so the program registers its own area.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIG 0xf1401073u // the Linux selftests' RSEQ_SIG for riscv
struct rseq_area { uint32_t cpu_id_start, cpu_id; uint64_t rseq_cs; uint32_t flags, node_id, mm_cid, pad; } __attribute__((aligned(32)));
static __thread struct rseq_area area;

static long rseq(void *a, uint32_t len, int flags, uint32_t sig) { return syscall(SYS_rseq, a, len, flags, sig); }
static const char *e(long r) { return r == 0 ? "0" : errno == EBUSY ? "EBUSY" : errno == EINVAL ? "EINVAL" : errno == EPERM ? "EPERM" : strerror(errno); }

// One pass: arms rseq_cs, counts down `spin` inside the section, then commits (returns 1); the abort handler returns 0.
static int pass(long spin, int badSig) {
  int committed;
  if (!badSig)
    __asm__ volatile(
      ".pushsection .data.rseq_cs, \"aw\"\n .balign 32\n 9: .word 0, 0\n .dword 1f, 2f - 1f, 4f\n .popsection\n"
      " la t0, 9b\n sd t0, 8(%[area])\n"
      "1: mv t1, %[spin]\n3: addi t1, t1, -1\n bnez t1, 3b\n li %[c], 1\n"
      "2: j 5f\n .word 0xf1401073\n"
      "4: li %[c], 0\n"
      "5:\n"
      : [c] "=&r"(committed) : [area] "r"(&area), [spin] "r"(spin) : "t0", "t1", "memory");
  else
    __asm__ volatile(
      ".pushsection .data.rseq_cs, \"aw\"\n .balign 32\n 9: .word 0, 0\n .dword 1f, 2f - 1f, 4f\n .popsection\n"
      " la t0, 9b\n sd t0, 8(%[area])\n"
      "1: mv t1, %[spin]\n3: addi t1, t1, -1\n bnez t1, 3b\n li %[c], 1\n"
      "2: j 5f\n .word 0x12345678\n"
      "4: li %[c], 0\n"
      "5:\n"
      : [c] "=&r"(committed) : [area] "r"(&area), [spin] "r"(spin) : "t0", "t1", "memory");
  return committed;
}

static volatile int stop;
static void *spinner(void *arg) { while (!stop) ; return arg; }
static volatile int alarms;
static void onAlarm(int s) { (void)s; alarms++; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static struct rseq_area other;
  printf("too short: %s; misaligned: %s\n", e(rseq((char *)&other + 8, 32, 0, SIG)), e(rseq(&other, 16, 0, SIG)));
  area.cpu_id = 77;
  printf("register: %s, cpu_id %u, cpu_id_start %u\n", e(rseq(&area, 32, 0, SIG)), area.cpu_id, area.cpu_id_start);
  printf("again: %s; other signature: %s; other area: %s; bad flags: %s\n", e(rseq(&area, 32, 0, SIG)), e(rseq(&area, 32, 0, 1)),
         e(rseq(&other, 32, 0, SIG)), e(rseq(&area, 32, 2, SIG)));
  printf("unregister with another signature: %s; another area: %s\n", e(rseq(&area, 32, 1, 1)), e(rseq(&other, 32, 1, SIG)));
  printf("unregister: %s, cpu_id %d; again: %s\n", e(rseq(&area, 32, 1, SIG)), (int)area.cpu_id, e(rseq(&area, 32, 1, SIG)));
  rseq(&area, 32, 0, SIG);

  // Not preempted: a short section commits and leaves rseq_cs armed (the kernel clears it when it looks).
  printf("short pass commits: %d\n", pass(10, 0));

  // Preemption: another thread spins, so the timer switches harts away mid-section.
  pthread_t t;
  pthread_create(&t, NULL, spinner, NULL);
  int commits = 0, aborts = 0;
  for (int i = 0; i < 40; i++) { if (pass(20000, 0)) commits++; else aborts++; }
  stop = 1;
  pthread_join(t, NULL);
  printf("preempted: %d passes, some aborted: %d, some committed: %d, cpu_id %u\n", commits + aborts, aborts > 0, commits > 0, area.cpu_id);

  // Signals: an interval timer every 200 us, one thread.
  signal(SIGALRM, onAlarm);
  struct itimerval it = {{0, 200}, {0, 200}};
  setitimer(ITIMER_REAL, &it, NULL);
  commits = aborts = 0;
  for (int i = 0; i < 40; i++) { if (pass(20000, 0)) commits++; else aborts++; }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("signals: %d passes, some aborted: %d, alarms came: %d\n", commits + aborts, aborts > 0, alarms > 0);

  // A wrong signature before abort_ip: the abort is SIGSEGV.
  pid_t c = fork();
  if (c == 0) {
    setitimer(ITIMER_REAL, &it, NULL);
    for (int i = 0; i < 40; i++) pass(20000, 1);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("bad signature: killed by SIGSEGV: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
  return 0;
}
