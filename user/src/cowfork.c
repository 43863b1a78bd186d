/* cowfork: fork, then the child writes to a global that both processes
 * share copy-on-write. The child sees its own value; the parent, after
 * waiting for the child, still sees the original. Exercises: clone with
 * SIGCHLD, copy-on-write page faults, exit, wait4 and the exit status. */
#include <stdio.h>
#include "syscall.h"

static volatile long value = 42;          /* .data: one page, shared after fork */
static volatile long scratch[4096 / sizeof(long) * 4];   /* .bss: four more pages */

int main(void) {
  long parent = sys_getpid();
  scratch[0] = 1;                         /* touch .bss before the fork */
  printf("cowfork: before fork, value=%ld\n", value);

  long pid = sys_fork();
  if (lde_is_err(pid)) {
    printf("cowfork: fork failed: %ld\n", pid);
    return 1;
  }
  if (pid == 0) {
    value = 1000;                         /* a store to a shared page: copy on write */
    for (unsigned i = 0; i < sizeof scratch / sizeof scratch[0]; i += 512) scratch[i] = 7;
    printf("cowfork: child wrote value=%ld\n", value);
    printf("cowfork: child's parent is the process that forked: %s\n",
           sys_getppid() == parent ? "yes" : "no");
    printf("cowfork: child's pid differs from its parent's: %s\n",
           sys_getpid() != parent ? "yes" : "no");
    return 7;
  }

  int status = 0;
  long got = sys_wait4((int)pid, &status, 0, 0);
  printf("cowfork: wait4 returned the child's pid: %s\n", got == pid ? "yes" : "no");
  if (LINUX_WIFEXITED(status))
    printf("cowfork: child exited with status %d\n", LINUX_WEXITSTATUS(status));
  else
    printf("cowfork: child did not exit normally (wait status 0x%x)\n", status);
  printf("cowfork: parent still sees value=%ld\n", value);
  printf("cowfork: parent's .bss untouched: %s\n", scratch[0] == 1 && scratch[512] == 0 ? "yes" : "no");
  return value == 42 && LINUX_WIFEXITED(status) && LINUX_WEXITSTATUS(status) == 7 ? 0 : 1;
}
