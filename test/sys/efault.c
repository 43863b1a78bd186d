/* Bad user buffers (test/sys-efault.test.ts): every call below names a
 * buffer outside the user address space, or too long to fit in it, and
 * Linux answers EFAULT before doing any work (read(2): "EFAULT buf is
 * outside your accessible address space"), even when there is nothing to
 * copy. Run with stdin at EOF; the output is compared with qemu-riscv64's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define KPTR 0xffffffc000000000UL /* a kernel address on riscv64 Sv39 */

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %ld\n", what, r);
}

int main(void) {
  char buf[64];
  int p[2];
  show("read(0, KPTR, 10) at EOF", syscall(SYS_read, 0, KPTR, 10));
  show("read(0, KPTR, 0)", syscall(SYS_read, 0, KPTR, 0));
  show("read(0, buf, SIZE_MAX) at EOF", syscall(SYS_read, 0, buf, (size_t)-1));
  show("write(1, KPTR, 0)", syscall(SYS_write, 1, KPTR, 0));
  show("write(1, KPTR, 5)", syscall(SYS_write, 1, KPTR, 5));
  show("write(-1, KPTR, 5)", syscall(SYS_write, -1, KPTR, 5));

  /* A pipe with data: the failed read must leave the data in the pipe. */
  if (pipe(p) != 0) return 1;
  show("write(pipe, \"hello\", 5)", write(p[1], "hello", 5));
  show("read(pipe, KPTR, 5)", syscall(SYS_read, p[0], KPTR, 5));
  struct iovec bad[2] = { { buf, 2 }, { (void *)KPTR, 3 } };
  show("readv(pipe, [{buf, 2}, {KPTR, 3}], 2)", syscall(SYS_readv, p[0], bad, 2));
  show("readv(pipe, KPTR, 0)", syscall(SYS_readv, p[0], KPTR, 0));
  struct iovec neg = { buf, (size_t)-1 };
  show("readv(pipe, [{buf, SIZE_MAX}], 1)", syscall(SYS_readv, p[0], &neg, 1));
  show("writev(pipe, [{buf, 2}, {KPTR, 3}], 2)", syscall(SYS_writev, p[1], bad, 2));
  memset(buf, 0, sizeof buf);
  show("read(pipe, buf, 64)", read(p[0], buf, 64));
  printf("the pipe still held \"%s\"\n", buf);
  show("pread64(pipe, KPTR, 5, 0)", syscall(SYS_pread64, p[0], KPTR, 5, 0));

  int fd = open("/proc/self/exe", O_RDONLY);
  show("pread64(exe, KPTR, 10, 0)", syscall(SYS_pread64, fd, KPTR, 10, 0));
  show("pread64(exe, KPTR, 0, 0)", syscall(SYS_pread64, fd, KPTR, 0, 0));
  show("fstat(exe, KPTR)", syscall(SYS_fstat, fd, KPTR));
  show("getdents64(exe, KPTR, 100)", syscall(SYS_getdents64, fd, KPTR, 100));
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  show("getdents64(/, KPTR, 4096)", syscall(SYS_getdents64, dir, KPTR, 4096));
  char names[4096];
  show("getdents64(/, names, 4096) > 0", syscall(SYS_getdents64, dir, names, sizeof names) > 0);
  show("getrandom(KPTR, 0, 0)", syscall(SYS_getrandom, KPTR, 0, 0));
  show("getrandom(KPTR, 8, 0)", syscall(SYS_getrandom, KPTR, 8, 0));

  /* Calls that do their work first and copy out last: path errors come
   * before EFAULT, and wait4 reaps the child even when it cannot write the
   * status (kernel_wait4: do_wait, then put_user). */
  show("newfstatat(/nonexistent, KPTR)", syscall(SYS_newfstatat, AT_FDCWD, "/nonexistent", KPTR, 0));
  show("newfstatat(/, KPTR)", syscall(SYS_newfstatat, AT_FDCWD, "/", KPTR, 0));
  show("statx(/, KPTR)", syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, KPTR));
  show("readlinkat(/proc/self/exe, KPTR, 100)", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", KPTR, 100));
  show("getcwd(KPTR, 1)", syscall(SYS_getcwd, KPTR, 1));
  show("getcwd(KPTR, 100)", syscall(SYS_getcwd, KPTR, 100));
  show("pipe2(KPTR, 0)", syscall(SYS_pipe2, KPTR, 0));
  show("openat(AT_FDCWD, KPTR, 0)", syscall(SYS_openat, AT_FDCWD, KPTR, 0));
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) _exit(3);
  show("wait4(child, KPTR, 0, NULL)", syscall(SYS_wait4, c, KPTR, 0, 0));
  show("wait4(-1, NULL, WNOHANG, NULL)", syscall(SYS_wait4, -1, 0, WNOHANG, 0));
  return 0;
}
