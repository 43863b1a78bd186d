/* Job-control signals: SIGSTOP stops a child (wait4 WUNTRACED sees it),
   SIGCONT continues it (WCONTINUED), SIGKILL ends it; the parent's SIGCHLD
   handler sees each change. Output is deterministic; checked against
   qemu-riscv64 (the host kernel's semantics). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile int chld;
static void on_chld(int s) { (void)s; chld++; }

int main(void) {
  struct sigaction sa = { 0 };
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, 0);
  pid_t c = fork();
  if (c == 0) { for (;;) pause(); }
  int st;
  kill(c, SIGSTOP);
  pid_t r = waitpid(c, &st, WUNTRACED);
  printf("stopped: %d WIFSTOPPED %d WSTOPSIG %d\n", r == c, WIFSTOPPED(st), WSTOPSIG(st));
  kill(c, SIGCONT);
  r = waitpid(c, &st, WCONTINUED);
  printf("continued: %d WIFCONTINUED %d\n", r == c, WIFCONTINUED(st));
  kill(c, SIGKILL);
  r = waitpid(c, &st, 0);
  printf("killed: %d WIFSIGNALED %d WTERMSIG %d\n", r == c, WIFSIGNALED(st), WTERMSIG(st));
  printf("SIGCHLD handler ran at least twice: %d\n", chld >= 2);
  signal(SIGCHLD, SIG_IGN);
  pid_t d = fork();
  if (d == 0) _exit(3);
  printf("with SIGCHLD ignored, wait finds no zombie: %d\n", waitpid(d, &st, 0) == -1);
  return 0;
}
