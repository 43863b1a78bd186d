/* Zombies count against the process limits (issue 9): N children exit at
 * once and are never reaped. Linux counts a zombie until it is reaped
 * (RLIMIT_NPROC, and the system-wide threads-max, kernel/fork.c
 * copy_process), so fork fails with EAGAIN; the zombies then all reap. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  if (argc > 2) { /* a lower RLIMIT_NPROC, or "inf" */
    struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
    if (strcmp(argv[2], "inf")) r.rlim_cur = r.rlim_max = atoi(argv[2]);
    if (setrlimit(RLIMIT_NPROC, &r)) { perror("setrlimit"); return 1; }
  }
  int made = 0, err = 0;
  for (int i = 0; i < n; i++) {
    pid_t c = fork();
    if (c == 0) _exit(i & 0x7f);
    if (c < 0) { err = errno; break; }
    made++;
  }
  printf("forked %d, then %s\n", made, err ? strerrorname_np(err) : "no error");
  if (argc > 3) { /* "keep": the zombies stay until the run ends */
    for (int i = 0; i < made; i++) { siginfo_t si; waitid(P_ALL, 0, &si, WEXITED | WNOWAIT); sched_yield(); }
    pause();
  }
  int reaped = 0, st;
  while (wait(&st) > 0) reaped++;
  printf("reaped %d\n", reaped);
  return 0;
}
