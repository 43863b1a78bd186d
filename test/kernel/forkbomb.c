/* A fork bomb under RLIMIT_NPROC: forking stops with EAGAIN at the limit,
   and the system (this process) keeps running and cleans up. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(void) {
  struct rlimit r = { 40, 40 };
  if (setrlimit(RLIMIT_NPROC, &r) != 0) { perror("setrlimit"); return 1; }
  int made = 0, err = 0;
  for (int i = 0; i < 1000; i++) {
    pid_t c = fork();
    if (c == 0) { for (;;) pause(); }
    if (c < 0) { err = errno; break; }
    made++;
  }
  printf("forked %d before %s\n", made, err == EAGAIN ? "EAGAIN" : strerror(err));
  signal(SIGTERM, SIG_IGN); /* kill(0) signals the caller too */
  kill(0, SIGTERM);
  int reaped = 0, st;
  while (wait(&st) > 0) reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
  printf("reaped %d children killed by SIGTERM; still running\n", reaped);
  return 0;
}
