/* fork/wait: five children exit with distinct statuses and the parent reaps
   them in a fixed order; children killed by signals; stdio buffers copied by
   fork; copy-on-write of globals; WNOHANG; ECHILD; getppid. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static int global = 100;

static void describe(const char *what, int status) {
  if (WIFEXITED(status))
    printf("%s: WIFEXITED %d WEXITSTATUS %d\n", what, 1, WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    printf("%s: WIFSIGNALED %d WTERMSIG %d\n", what, 1, WTERMSIG(status));
  else
    printf("%s: status %#x\n", what, status);
}

static void five_children(void) {
  pid_t kids[5];
  fflush(stdout);
  for (int i = 0; i < 5; i++) {
    kids[i] = fork();
    if (kids[i] == 0) _exit(10 + i * 7);
  }
  /* Reap in reverse creation order: the order must not depend on which
     child happens to finish first. */
  for (int i = 4; i >= 0; i--) {
    int st = -1;
    pid_t r = waitpid(kids[i], &st, 0);
    char what[32];
    snprintf(what, sizeof what, "child %d matched %d", i, r == kids[i]);
    describe(what, st);
  }
}

static void signalled_children(void) {
  static const int sigs[] = {SIGKILL, SIGTERM, SIGABRT, SIGSEGV};
  for (int i = 0; i < 4; i++) {
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
      if (sigs[i] == SIGABRT) abort();
      if (sigs[i] == SIGSEGV) *(volatile int *)8 = 1;
      raise(sigs[i]);
      _exit(99);
    }
    int st;
    waitpid(p, &st, 0);
    char what[32];
    snprintf(what, sizeof what, "signal child %d", i);
    describe(what, st);
  }
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    pause();
    _exit(98);
  }
  kill(p, SIGTERM);
  int st;
  waitpid(p, &st, 0);
  describe("paused child killed by parent", st);
}

static void copies(void) {
  fflush(stdout);
  pid_t parent = getpid();
  printf("unflushed line, printed twice (parent and child)\n");
  pid_t p = fork();
  if (p == 0) {
    global += 1;
    printf("child sees global %d, ppid matches %d\n", global, getppid() == parent);
    exit(3); /* exit, not _exit: flushes the inherited buffer */
  }
  int st;
  waitpid(p, &st, 0);
  printf("parent still sees global %d\n", global);
  describe("stdio child", st);
}

static void nohang_and_echild(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    char c;
    close(fds[1]);
    _exit(read(fds[0], &c, 1) == 0 ? 7 : 8); /* 7: saw EOF */
  }
  close(fds[0]);
  int st = -1;
  pid_t r = waitpid(p, &st, WNOHANG);
  printf("WNOHANG on a blocked child returns %d\n", (int)r);
  close(fds[1]);
  r = wait(&st);
  printf("wait returned that child %d\n", r == p);
  describe("eof child", st);
  errno = 0;
  r = wait(&st);
  printf("wait with no children %d %s\n", (int)r, errname(errno));
  errno = 0;
  r = waitpid(12345678, &st, 0);
  printf("waitpid of a stranger %d %s\n", (int)r, errname(errno));
}

static void grandchild(void) {
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    pid_t q = fork();
    if (q == 0) _exit(21);
    int st;
    waitpid(q, &st, 0);
    _exit(WEXITSTATUS(st) + 1);
  }
  int st;
  waitpid(p, &st, 0);
  describe("child that reaped its own child", st);
}

int main(void) {
  five_children();
  signalled_children();
  copies();
  nohang_and_echild();
  grandchild();
  printf("parent done\n");
  return 0;
}
