/* libc: picolibc running over lde's glue (user/lib), checked end to end.
 *   - errno lives in thread-local storage (tp, set up from PT_TLS by
 *     start.c) and holds picolibc's numbering of Linux's error codes;
 *   - malloc grows the heap with sbrk, which is brk(2);
 *   - fopen goes through open(), whose O_* flags are translated;
 *   - time() is gettimeofday(2).
 * Each line says what was checked, never a value that differs between runs.
 * Exercises: the C library's use of brk, openat, close, gettimeofday. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "syscall.h"

static int checks, failed;

static void check(const char *what, int ok) {
  checks++;
  if (!ok) failed++;
  printf("libc: %s: %s\n", what, ok ? "yes" : "NO");
}

int main(void) {
  errno = 0;
  check("close(-1) fails with errno EBADF", close(-1) == -1 && errno == EBADF);

  errno = 0;
  long r = lde_syscall0(9999);             /* no such system call */
  check("an unknown syscall returns -ENOSYS (Linux's 38)", r == -LINUX_ENOSYS);
  check("lde_ret turns it into errno ENOSYS (picolibc's 88)", lde_ret(r) == -1 && errno == ENOSYS);

  errno = 0;
  FILE *f = fopen("/nonexistent/lde-libc-check", "r");
  check("fopen of a missing file fails with ENOENT", f == NULL && errno == ENOENT);

  errno = 0;
  int fd = open("/nonexistent/dir/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  check("open(O_CREAT) in a missing directory fails with ENOENT", fd == -1 && errno == ENOENT);

  void *brk0 = sbrk(0);
  size_t n = 256 * 1024;
  unsigned char *p = malloc(n);
  int heap_ok = p != NULL && (void *)p >= brk0 && sbrk(0) > brk0;
  if (p) {
    memset(p, 0xa5, n);
    for (size_t i = 0; i < n; i += 4096) heap_ok &= p[i] == 0xa5;
  }
  check("malloc(256 KiB) grows the heap with brk", heap_ok);
  unsigned char *q = realloc(p, 2 * n);
  check("realloc keeps the contents", q != NULL && q[0] == 0xa5 && q[n - 1] == 0xa5);
  free(q);

  char buf[64];
  snprintf(buf, sizeof buf, "%d-%s-%lx", 42, "x", 0xdeadbeefUL);
  check("snprintf formats integers and strings", strcmp(buf, "42-x-deadbeef") == 0);

  check("strtoul parses", strtoul("123456789", NULL, 10) == 123456789UL);

  time_t t = time(NULL);                   /* lde's clock may be virtual: no date assumed */
  check("time() succeeds", t != (time_t)-1);

  printf("libc: %d checks, %d failed\n", checks, failed);
  return failed == 0 ? 0 : 1;
}
