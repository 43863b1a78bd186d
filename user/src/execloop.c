/* execloop: fork+execs a list of programs, ROUNDS times over, one at a
 * time. For each child it waits and prints one line with the program's base
 * name and how it ended, as a shell reports it (its exit status, or 128+N
 * for signal N). Each child writes to the same stdout, so the whole output
 * is every program's own output, in order, each followed by its line.
 *
 *   execloop ROUNDS PROGRAM...
 *
 * Run with no arguments it prints its usage and exits with status 2.
 * Exercises: fork, execve of a different image into a process whose frames
 * have just held another program's code (the kernel must not run stale
 * decoded instructions), wait4 and both kinds of wait status. */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Runs one program in a child; returns its status as a shell reports it, or -1. */
static int run_one(char *path, char **envp) {
  long pid = sys_fork();
  if (lde_is_err(pid)) {
    printf("execloop: fork failed: %ld\n", pid);
    return -1;
  }
  if (pid == 0) {
    char *args[] = { path, 0 };
    long r = sys_execve(path, args, envp);
    printf("execloop: execve %s failed: %ld\n", path, r);
    sys_exit_group(127);
  }
  int status = 0;
  long got = sys_wait4((int)pid, &status, 0, 0);
  if (got != pid) {
    printf("execloop: wait4 returned %ld, not the child\n", got);
    return -1;
  }
  if (LINUX_WIFEXITED(status)) return LINUX_WEXITSTATUS(status);
  if (LINUX_WIFSIGNALED(status)) return 128 + LINUX_WTERMSIG(status);
  return -1;
}

int main(int argc, char **argv, char **envp) {
  if (argc < 3) {
    printf("usage: execloop ROUNDS PROGRAM...\n");
    return 2;
  }
  unsigned long rounds = lde_parse_ulong(argv[1], 0);
  for (unsigned long r = 1; r <= rounds; r++) {
    for (int i = 2; i < argc; i++) {
      int status = run_one(argv[i], envp);
      if (status < 0) return 1;
      printf("execloop: round %lu: %s: status %d\n", r, base_name(argv[i]), status);
    }
  }
  printf("execloop: %lu rounds of %d programs done\n", rounds, argc - 2);
  return 0;
}
