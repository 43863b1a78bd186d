/* hogs: NHOGS CPU-bound children (default 2), each spinning WORK xorshift
 * rounds (default 4000000, about 43 ms at one instruction a nanosecond),
 * and one "interactive" child that NAPS times (default 20; 0 = no such
 * child) sleeps 5 ms with nanosleep and then does a little work. The parent
 * waits for all of them, then reads each child's one-record report from a
 * pipe and prints counts and checksums, never timings, so the output is the
 * same on every runner. Usage: hogs [NHOGS [WORK [NAPS]]].
 * Exercises: timer preemption among hogs, the scheduling latency of a
 * process that sleeps and wakes, fork, pipes, wait4. */
#include <stdio.h>
#include "syscall.h"

#define MAX_HOGS 16
#define NAP_NS (5 * 1000 * 1000)
#define NAP_WORK 1000                   /* rounds of work after each wake-up */

struct report {
  long index;                           /* 1..NHOGS for a hog, 0 for the interactive child */
  unsigned long checksum;
  long naps;                            /* naps that returned 0 (the interactive child) */
};

/** rounds of a xorshift64 generator seeded by seed, folded into a checksum. */
static unsigned long churn(unsigned long seed, unsigned long rounds) {
  unsigned long x = 0x9e3779b97f4a7c15UL ^ (seed * 0xbf58476d1ce4e5b9UL), sum = 0;
  for (unsigned long i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum += x ^ i;
  }
  return sum;
}

/** A child's whole life: its work, one record into the pipe, exit. Does not return. */
static LDE_NORETURN void child(int fd, long index, unsigned long work, unsigned long naps) {
  struct report r = { index, 0, 0 };
  if (index > 0) {
    r.checksum = churn((unsigned long)index, work);
  } else {
    struct linux_timespec req = { 0, NAP_NS };
    for (unsigned long i = 0; i < naps; i++) {
      if (sys_nanosleep(&req, 0) == 0) r.naps++;
      r.checksum += churn(i, NAP_WORK);
    }
  }
  long w = sys_write(fd, &r, sizeof r);   /* smaller than PIPE_BUF: one atomic write */
  sys_exit_group(w == (long)sizeof r ? 0 : 1);
}

int main(int argc, char **argv) {
  unsigned long nhogs = lde_parse_ulong(argc > 1 ? argv[1] : 0, 2);
  unsigned long work = lde_parse_ulong(argc > 2 ? argv[2] : 0, 4000000);
  unsigned long naps = lde_parse_ulong(argc > 3 ? argv[3] : 0, 20);
  if (nhogs > MAX_HOGS) {
    printf("hogs: at most %d hogs\n", MAX_HOGS);
    return 2;
  }
  int fds[2];
  if (sys_pipe2(fds, 0) != 0) {
    printf("hogs: pipe2 failed\n");
    return 1;
  }
  /* The hogs first (indexes 1..NHOGS), then the interactive child (index 0). */
  long children = 0;
  for (long i = 1; i <= (long)nhogs + (naps > 0); i++) {
    long index = i <= (long)nhogs ? i : 0;
    long pid = sys_fork();
    if (lde_is_err(pid)) {
      printf("hogs: fork failed: %ld\n", pid);
      return 1;
    }
    if (pid == 0) {
      sys_close(fds[0]);
      child(fds[1], index, work, naps);
    }
    children++;
  }
  sys_close(fds[1]);

  long clean = 0;
  for (long i = 0; i < children; i++) {
    int status = 0;
    if (lde_is_err(sys_wait4(-1, &status, 0, 0))) break;
    if (LINUX_WIFEXITED(status) && LINUX_WEXITSTATUS(status) == 0) clean++;
  }
  /* Every child wrote its record before it exited: read them back by index. */
  struct report got[MAX_HOGS + 1] = { 0 }, r;
  int seen[MAX_HOGS + 1] = { 0 };
  while (lde_read_full(fds[0], &r, sizeof r) == 1)
    if (r.index >= 0 && r.index <= (long)nhogs) { got[r.index] = r; seen[r.index] = 1; }

  printf("hogs: %lu hogs of %lu rounds, %s\n", nhogs, work,
         naps > 0 ? "1 interactive child" : "no interactive child");
  for (unsigned long i = 1; i <= nhogs; i++)
    printf("hogs: hog %lu checksum 0x%016lx%s\n", i, got[i].checksum, seen[i] ? "" : " (no report)");
  if (naps > 0)
    printf("hogs: interactive child: %ld of %lu naps of 5 ms, checksum 0x%016lx\n",
           got[0].naps, naps, got[0].checksum);
  printf("hogs: %ld of %ld children exited with status 0\n", clean, children);
  return clean == children && (naps == 0 || got[0].naps == (long)naps) ? 0 : 1;
}
