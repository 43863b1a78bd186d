/* wait4 and waitid with a bad pointer (issue 9). Linux reaps first and
 * copies out after (kernel/exit.c: kernel_wait4 and waitid do do_wait, then
 * put_user / copy_to_user), so the call fails with EFAULT and the child is
 * gone; a stop reported to a bad pointer is consumed the same way. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAD ((void *)8)

static void show(const char *what, long r) {
  printf("%s = %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

static pid_t child(int code) {
  pid_t c = fork();
  if (c == 0) _exit(code);
  return c;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  siginfo_t si;
  pid_t c = child(3);
  show("waitid(P_PID, c, BAD, WEXITED)", syscall(SYS_waitid, P_PID, c, BAD, WEXITED, 0));
  show("waitid(P_ALL, 0, &si, WEXITED|WNOHANG)", syscall(SYS_waitid, P_ALL, 0, &si, WEXITED | WNOHANG, 0));
  c = child(4);
  int st = -1;
  show("wait4(c, &st, 0, BAD)", syscall(SYS_wait4, c, &st, 0, BAD));
  printf("status was written: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 4 ? "yes" : "no");
  show("wait4(-1, NULL, WNOHANG, NULL)", syscall(SYS_wait4, -1, 0, WNOHANG, 0));
  c = fork();
  if (c == 0) { raise(SIGSTOP); _exit(5); }
  show("wait4(c, BAD, WUNTRACED, NULL)", syscall(SYS_wait4, c, BAD, WUNTRACED, 0));
  show("wait4(c, &st, WUNTRACED|WNOHANG, NULL)", syscall(SYS_wait4, c, &st, WUNTRACED | WNOHANG, 0));
  kill(c, SIGCONT);
  show("wait4(c, &st, 0, NULL)", syscall(SYS_wait4, c, &st, 0, 0) == c);
  printf("exited %d\n", WEXITSTATUS(st));
  return 0;
}
