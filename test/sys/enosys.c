/* Calls lde does not implement (test/sys-table.test.ts): a call of Linux's
 * riscv64 table with no handler, one beyond the toolchain's headers, and a
 * number outside the table. Each returns ENOSYS. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s = %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int main(void) {
  show("io_setup(32, NULL)", syscall(SYS_io_setup, 32, 0));
  show("io_setup(1, NULL)", syscall(SYS_io_setup, 1, 0));
  show("mseal (462)", syscall(462, 0x1000, 0x1000, 0));
  show("syscall 500", syscall(500, 1, 2, 3, 4, 5, 6));
  return 0;
}
