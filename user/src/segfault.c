/* segfault: stores to address 0x10, which no program maps. The MMU raises a
 * store page fault, the kernel finds no mapping and no handler, and the
 * process dies of SIGSEGV: status 139 (128 + 11) as a shell reports it.
 * Exercises: a synchronous exception that the kernel turns into a signal. */
#include <stdio.h>
#include "syscall.h"

int main(void) {
  printf("segfault: storing to address 0x10\n");
  volatile int *volatile where = (volatile int *)0x10;   /* opaque to the compiler */
  *where = 1;
  printf("segfault: still alive after the store (wrong)\n");
  return 1;
}
