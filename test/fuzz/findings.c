// What the fuzzers found that issue 9 did not list (docs/fuzzing.md), as
// one program. Expected behaviour is Linux riscv64's (Sv39, TASK_SIZE 256 GiB):
// - clone with exit signal 100: legacy clone takes CSIGNAL (8 bits)
//   unchecked, and do_notify_parent sends only a valid signal, so the clone
//   succeeds and the parent hears nothing (lde crashed with status 70);
// - munmap above the user range, even of one page, is EINVAL (lde hung after
//   unmapping its own trampoline, or crashed walking the kernel half);
// - `findings groupkill`: kill(0, SIGKILL) from pid 1 kills its whole group,
//   init first, then children whose orphans are reparented to the dead
//   init (lde crashed reading the zombie init's released signal actions).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s = %ld%s%s\n", what, r < 0 ? -1L : r == 0 ? 0L : 1L, r < 0 ? " " : "", r < 0 ? strerrorname_np(errno) : ""); }

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "groupkill") == 0) {
    if (fork() == 0) {
      if (fork() == 0) { if (fork() == 0) pause(); pause(); }
      pause();
    }
    sleep(1); // the tree is made
    kill(0, SIGKILL);
    return 1;
  }
  long pid = syscall(SYS_clone, 100L, 0L, 0L, 0L, 0L);
  if (pid == 0) syscall(SYS_exit, 7);
  show("clone(exit signal 100)", pid);
  int status = 0;
  show("wait4(__WALL)", waitpid((pid_t)pid, &status, __WALL) == pid ? 0 : -1);
  printf("child status %d\n", WEXITSTATUS(status));
  show("munmap(0x7ffffffff000, 0x400)", syscall(SYS_munmap, 0x7ffffffff000L, 0x400L));
  show("munmap(0xfffffffffffff000, 0x1000)", syscall(SYS_munmap, 0xfffffffffffff000L, 0x1000L));
  show("munmap(0x4000000000, 0x1000)", syscall(SYS_munmap, 0x4000000000L, 0x1000L));
  printf("still alive\n");
  return 0;
}
