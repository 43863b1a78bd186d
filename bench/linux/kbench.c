/*
 * kbench MODE N: times N iterations of one kernel round trip and prints
 * "ns_per_op <value>" measured with CLOCK_MONOTONIC around the loop.
 *
 *   getppid  N null system calls, syscall(SYS_getppid)
 *   fork     N times fork(), the child _exit(0)s, the parent waitpid()s
 *   fault    N fresh pages of one anonymous mmap, each touched by one store
 *   pipe     N one-byte round trips between parent and child over two pipes
 *   clock    N clock_gettime(CLOCK_MONOTONIC) through libc (the vDSO where there is one)
 *   clocksys N clock_gettime(CLOCK_MONOTONIC) as system calls, syscall(SYS_clock_gettime)
 *
 * Under lde the clock is virtual (one instruction is one nanosecond), so the
 * printed value is guest-virtual time; bench/kernel.ts measures wall time
 * from outside by running each mode with a large N and with N = 0.
 * N = 0 does all the setup (mmap, pipes, fork of the echo child) and no
 * iterations, so the difference of the two runs is the loop alone.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PAGE 4096L

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void loop_clock(long n) {
  struct timespec ts;
  for (long i = 0; i < n; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void loop_clocksys(long n) {
  struct timespec ts;
  for (long i = 0; i < n; i++) syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static void loop_getppid(long n) {
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
}

static void loop_fork(long n) {
  for (long i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) die("waitpid");
  }
}

/* The mapping is made before the clock starts; only the first touches are timed. */
static volatile char *region;

static void setup_fault(long n) {
  if (n == 0) return;
  void *p = mmap(NULL, (size_t)(n * PAGE), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap");
  region = p;
}

static void loop_fault(long n) {
  for (long i = 0; i < n; i++) region[i * PAGE] = 1;
}

static int down[2], up[2]; /* parent → child, child → parent */
static pid_t echo_child;

static void setup_pipe(void) {
  if (pipe(down) < 0 || pipe(up) < 0) die("pipe");
  echo_child = fork();
  if (echo_child < 0) die("fork");
  if (echo_child == 0) {
    close(down[1]);
    close(up[0]);
    char c;
    while (read(down[0], &c, 1) == 1)
      if (write(up[1], &c, 1) != 1) _exit(1);
    _exit(0);
  }
  close(down[0]);
  close(up[1]);
}

static void loop_pipe(long n) {
  char c = 'x';
  for (long i = 0; i < n; i++) {
    if (write(down[1], &c, 1) != 1) die("write");
    if (read(up[0], &c, 1) != 1) die("read");
  }
}

static void finish_pipe(void) {
  close(down[1]);
  int status;
  if (waitpid(echo_child, &status, 0) != echo_child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) die("waitpid");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: kbench getppid|fork|fault|pipe|clock|clocksys N\n");
    return 2;
  }
  const char *mode = argv[1];
  long n = atol(argv[2]);
  if (n < 0) n = 0;
  void (*loop)(long);
  if (!strcmp(mode, "getppid")) loop = loop_getppid;
  else if (!strcmp(mode, "fork")) loop = loop_fork;
  else if (!strcmp(mode, "clock")) loop = loop_clock;
  else if (!strcmp(mode, "clocksys")) loop = loop_clocksys;
  else if (!strcmp(mode, "fault")) { setup_fault(n); loop = loop_fault; }
  else if (!strcmp(mode, "pipe")) { setup_pipe(); loop = loop_pipe; }
  else {
    fprintf(stderr, "kbench: unknown mode %s\n", mode);
    return 2;
  }
  long long t0 = now_ns();
  loop(n);
  long long t1 = now_ns();
  if (!strcmp(mode, "pipe")) finish_pipe();
  printf("ns_per_op %.1f\n", n ? (double)(t1 - t0) / (double)n : 0.0);
  return 0;
}
