/* orphans: an exit that leaves a process group orphaned while one of its
   members is stopped hangs that group up: SIGHUP, then SIGCONT (POSIX
   _exit(2); Linux's kill_orphaned_pgrp in kernel/exit.c).

   A leads a new session (setsid) and has three children, each leading a
   process group of its own in that session.  C catches SIGHUP and SIGCONT
   and stops itself; D stops itself and keeps SIGHUP's default action; B
   waits on a pipe without stopping.  When A exits, each child's only link
   to the session, its parent A, is gone: C's and D's groups have a stopped
   member and are hung up (C reports both signals and runs on, D dies of
   SIGHUP and never writes), while B's group has none and gets nothing.
   Then C raises SIGTSTP, which Linux throws away in an orphaned group
   (qemu-riscv64 stops itself instead, so the oracle is the host kernel).
   The processes report through one pipe; the parent prints the lines
   sorted, since who writes first is up to the scheduler. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int report_fd;

static void say(const char *s) { (void)!write(report_fd, s, strlen(s)); }
static void on_hup(int sig) { (void)sig; say("C: SIGHUP\n"); }
static void on_cont(int sig) { (void)sig; say("C: SIGCONT\n"); }
static void on_hup_b(int sig) { (void)sig; say("B: SIGHUP (wrong: B's group had no stopped member)\n"); }

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  int rep[2], gate[2];
  if (pipe(rep) || pipe(gate)) return 1;
  report_fd = rep[1];
  pid_t a = fork();
  if (a == 0) {
    close(rep[0]); close(gate[1]);
    if (setsid() < 0) { say("A: setsid failed\n"); _exit(1); }
    pid_t c = fork();
    if (c == 0) {
      setpgid(0, 0);
      signal(SIGHUP, on_hup);
      signal(SIGCONT, on_cont);
      raise(SIGSTOP);
      say("C: running again\n");
      raise(SIGTSTP); /* in an orphaned group: thrown away, not a stop */
      say("C: SIGTSTP did not stop it\n");
      _exit(0);
    }
    setpgid(c, c);
    pid_t d = fork();
    if (d == 0) {
      setpgid(0, 0);
      raise(SIGSTOP);
      say("D: running again (wrong: SIGHUP should have ended it)\n");
      _exit(0);
    }
    setpgid(d, d);
    pid_t b = fork();
    if (b == 0) {
      setpgid(0, 0);
      signal(SIGHUP, on_hup_b);
      char x;
      while (read(gate[0], &x, 1) > 0) {}
      say("B: the gate closed, no hangup\n");
      _exit(0);
    }
    setpgid(b, b);
    int st;
    waitpid(c, &st, WUNTRACED);
    if (WIFSTOPPED(st)) say("A: C stopped\n");
    waitpid(d, &st, WUNTRACED);
    if (WIFSTOPPED(st)) say("A: D stopped\n");
    _exit(7);
  }
  close(rep[1]); close(gate[0]);
  int st;
  waitpid(a, &st, 0);
  printf("A exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(gate[1]); /* now B may finish */
  static char buf[4096];
  size_t n = 0;
  ssize_t r;
  while (n < sizeof buf - 1 && (r = read(rep[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  char *lines[32];
  int k = 0;
  for (char *s = strtok(buf, "\n"); s && k < 32; s = strtok(NULL, "\n")) lines[k++] = s;
  qsort(lines, (size_t)k, sizeof lines[0], cmp);
  for (int i = 0; i < k; i++) printf("%s\n", lines[i]);
  return 0;
}
