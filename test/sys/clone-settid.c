/* clone with a bad parent_tid or child_tid pointer (test/sys-efault.test.ts).
 * Linux ignores a failed write of the tid (kernel/fork.c: put_user's result
 * is not checked for CLONE_PARENT_SETTID, nor in schedule_tail for
 * CLONE_CHILD_SETTID): the child is created and runs, and the parent's
 * wait4 reaps it. Then wait4 finds no child: ECHILD, never a hang. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KPTR 0xffffffc000000000UL

static void try(const char *what, unsigned long flags, unsigned long ptid, unsigned long ctid) {
  fflush(stdout);
  /* riscv64 and x86_64 differ in clone's argument order after the stack; both are given the same pointer. */
  long pid = syscall(SYS_clone, flags | SIGCHLD, 0UL, ptid, ctid, ctid);
  if (pid == 0) syscall(SYS_exit_group, 7);
  if (pid < 0) { printf("%s: clone = -1 %s\n", what, strerrorname_np(errno)); return; }
  int st = 0;
  long w = wait4(-1, &st, 0, NULL);
  printf("%s: clone > 0, wait4 = %s, exited %d with %d\n", what, w == pid ? "the child" : "another", WIFEXITED(st), WEXITSTATUS(st));
}

int main(void) {
  try("CLONE_PARENT_SETTID, ptid = KPTR", CLONE_PARENT_SETTID, KPTR, 0);
  try("CLONE_PARENT_SETTID, ptid = 16", CLONE_PARENT_SETTID, 16, 0);
  try("CLONE_CHILD_SETTID, ctid = KPTR", CLONE_CHILD_SETTID, 0, KPTR);
  long w = wait4(-1, NULL, WNOHANG, NULL);
  printf("wait4 after = %ld %s\n", w, w < 0 ? strerrorname_np(errno) : "");
  return 0;
}
