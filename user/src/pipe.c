/* pipe: ping-pong between parent and child through two pipes, M round trips
 * (default 1000). The parent sends a number, the child answers with the
 * number plus one; each side blocks in read until the other writes. Then
 * the parent closes its end and the child sees end-of-file. Exercises:
 * pipe2, blocking reads, wait queues, context switches, EOF, wait4. */
#include <stdio.h>
#include "syscall.h"

int main(int argc, char **argv) {
  unsigned long m = lde_parse_ulong(argc > 1 ? argv[1] : 0, 1000);
  int down[2], up[2];                    /* down: parent -> child, up: child -> parent */
  if (sys_pipe2(down, 0) != 0 || sys_pipe2(up, 0) != 0) {
    printf("pipe: pipe2 failed\n");
    return 1;
  }
  long pid = sys_fork();
  if (lde_is_err(pid)) {
    printf("pipe: fork failed: %ld\n", pid);
    return 1;
  }
  if (pid == 0) {
    sys_close(down[1]);
    sys_close(up[0]);
    unsigned long x, served = 0;
    int r;
    while ((r = lde_read_full(down[0], &x, sizeof x)) == 1) {
      x += 1;
      if (!lde_write_full(up[1], &x, sizeof x)) return 2;
      served++;
    }
    /* r == 0: the parent closed its end */
    return r == 0 && served == m ? 0 : 3;
  }
  sys_close(down[0]);
  sys_close(up[1]);
  unsigned long ok = 0;
  for (unsigned long i = 0; i < m; i++) {
    unsigned long x = i * 2, y = 0;
    if (!lde_write_full(down[1], &x, sizeof x) || lde_read_full(up[0], &y, sizeof y) != 1) break;
    if (y == x + 1) ok++;
  }
  sys_close(down[1]);                    /* the child's read now returns 0 */
  int status = 0;
  sys_wait4((int)pid, &status, 0, 0);
  printf("pipe: %lu round trips between parent and child\n", m);
  printf("pipe: every reply was correct: %s\n", ok == m ? "yes" : "no");
  printf("pipe: child saw end-of-file and exited with status %d\n",
         LINUX_WIFEXITED(status) ? LINUX_WEXITSTATUS(status) : 128 + LINUX_WTERMSIG(status));
  return ok == m && status == 0 ? 0 : 1;
}
