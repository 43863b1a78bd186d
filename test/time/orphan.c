/* Orphans (issue 9; Linux kernel/exit.c reparent_leader). This process is
 * the reaper: pid 1 under lde, a PR_SET_CHILD_SUBREAPER elsewhere.
 *  1. A grandchild whose exit signal is SIGUSR1 is orphaned: it comes to us
 *     with its exit signal reset to SIGCHLD ("we don't want people slaying
 *     init"), so its death neither kills us nor hides it from wait.
 *  2. A grandchild that is already a zombie when it is orphaned: we are told
 *     at once (do_notify_parent), so a wait that is asleep wakes and reaps it. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void sigusr1_orphan(void) {
  pid_t a = fork();
  if (a == 0) {
    pid_t me = getpid();
    long b = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0); /* fork, with SIGUSR1 as the exit signal */
    if (b < 0) { perror("clone"); _exit(1); }
    if (b == 0) {
      while (getppid() == me) usleep(1000); /* until our parent is gone */
      _exit(7);
    }
    _exit(0);
  }
  int st;
  waitpid(a, &st, 0);
  printf("child exited %d\n", WEXITSTATUS(st));
  pid_t r = waitpid(-1, &st, 0);
  printf("orphan with exit signal SIGUSR1: reaped %s, exited %d\n", r > 0 ? "by a plain wait" : "never", WEXITSTATUS(st));
}

static void zombie_orphan(void) {
  pid_t x = fork();
  if (x == 0) {
    pid_t a = fork();
    if (a == 0) {
      pid_t b = fork();
      if (b == 0) _exit(5);
      siginfo_t si;
      waitid(P_PID, b, &si, WEXITED | WNOWAIT); /* b is a zombie now; leave it unreaped */
      _exit(0);
    }
    waitpid(a, 0, 0);
    for (;;) pause(); /* alive: our wait for x does not end */
  }
  int st;
  pid_t r = waitpid(-1, &st, 0); /* asleep until the orphaned zombie arrives */
  printf("zombie orphan: reaped %s, exited %d\n", r != x && r > 0 ? "it" : "something else", WEXITSTATUS(st));
  kill(x, SIGTERM);
  r = waitpid(x, &st, 0);
  printf("middle child: killed by %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "SIGTERM" : "something else");
}

int main(void) {
  prctl(PR_SET_CHILD_SUBREAPER, 1); /* not needed as pid 1; ENOSYS is fine there */
  setvbuf(stdout, 0, _IONBF, 0);
  sigusr1_orphan();
  zombie_orphan();
  printf("the reaper is still alive\n");
  return 0;
}
