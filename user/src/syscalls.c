/* syscalls: N round trips into the kernel and back (default 100000), each
 * the cheapest system call there is, getppid. Prints the count and whether
 * every call gave the same answer. Exercises: ecall, the syscall path,
 * sret; under lde --stats, the cost of a kernel entry. */
#include <stdio.h>
#include "syscall.h"

int main(int argc, char **argv) {
  unsigned long n = lde_parse_ulong(argc > 1 ? argv[1] : 0, 100000);
  long first = sys_getppid();
  unsigned long same = 0;
  for (unsigned long i = 0; i < n; i++)
    if (sys_getppid() == first) same++;
  printf("syscalls: made %lu getppid calls\n", n);
  printf("syscalls: all returned the same parent pid: %s\n", same == n ? "yes" : "no");
  return same == n ? 0 : 1;
}
