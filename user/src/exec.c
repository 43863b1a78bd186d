/* exec: replaces itself with itself, counting down. Run with no arguments
 * it starts a chain of 5 execve calls; each image prints one line and execs
 * the next with the counter one lower, until 0. The pid stays the same
 * across every exec. The program path is argv[0] when it contains a '/',
 * else /proc/self/exe. Exercises: execve (a fresh address space, a new
 * initial stack built from argv and envp), stdout kept across exec. */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

#define CHAIN 5

static char path[4096];

static void to_dec(unsigned long v, char *out) {
  char tmp[24];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n > 0) *out++ = tmp[--n];
  *out = 0;
}

int main(int argc, char **argv, char **envp) {
  long pid = sys_getpid();
  unsigned long left, first_pid;
  if (argc < 3) {
    left = CHAIN;
    first_pid = (unsigned long)pid;
    printf("exec: starting a chain of %d execs\n", CHAIN);
  } else {
    left = lde_parse_ulong(argv[1], 0);
    first_pid = lde_parse_ulong(argv[2], 0);
    printf("exec: image %lu of %d, same pid as the first: %s\n",
           CHAIN - left, CHAIN, (unsigned long)pid == first_pid ? "yes" : "no");
  }
  if (left == 0) {
    printf("exec chain done\n");
    return (unsigned long)pid == first_pid ? 0 : 1;
  }

  if (strchr(argv[0], '/')) {
    strncpy(path, argv[0], sizeof path - 1);
  } else {
    long n = sys_readlinkat(LINUX_AT_FDCWD, "/proc/self/exe", path, sizeof path - 1);
    if (lde_is_err(n)) {
      printf("exec: cannot find my own path (argv[0] has no '/', readlink /proc/self/exe: %ld)\n", n);
      return 1;
    }
    path[n] = 0;
  }
  char nleft[24], npid[24];
  to_dec(left - 1, nleft);
  to_dec(first_pid, npid);
  char *args[] = { path, nleft, npid, 0 };
  long r = sys_execve(path, args, envp);
  printf("exec: execve failed: %ld\n", r);
  return 1;
}
