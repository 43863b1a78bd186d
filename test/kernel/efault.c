/* Every pointer-taking system call given a bad pointer must fail with EFAULT
   and leave the kernel unharmed. Raw syscalls, so libc cannot intercept. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define BAD ((long)0x10)            /* unmapped, in user space */
#define KERN ((long)0xffffffc000000000) /* kernel half: never user-accessible */

static void check(const char *name, long r) {
  printf("%-16s %s\n", name, r == -1 && errno == EFAULT ? "EFAULT" : r == -1 ? strerror(errno) : "succeeded");
}

int main(void) {
  int fds[2];
  pipe(fds);
  check("read", syscall(SYS_read, fds[0] + 0 * write(fds[1], "x", 1), BAD, 1));
  check("write", syscall(SYS_write, 1, BAD, 5));
  check("write-kernel", syscall(SYS_write, 1, KERN, 5));
  check("readv", syscall(SYS_readv, 0, BAD, 1));
  check("writev", syscall(SYS_writev, 1, BAD, 1));
  check("openat", syscall(SYS_openat, -100, BAD, 0));
  check("newfstatat", syscall(SYS_newfstatat, -100, BAD, (long)&fds, 0));
  check("fstat", syscall(SYS_fstat, 1, BAD));
  check("pipe2", syscall(SYS_pipe2, BAD, 0));
  check("clock_gettime", syscall(SYS_clock_gettime, 1, BAD));
  check("nanosleep", syscall(SYS_nanosleep, BAD, 0));
  check("uname", syscall(SYS_uname, BAD));
  check("getcwd", syscall(SYS_getcwd, BAD, 4096));
  check("getrandom", syscall(SYS_getrandom, BAD, 16, 0));
  check("rt_sigaction", syscall(SYS_rt_sigaction, 10, BAD, 0, 8));
  check("rt_sigprocmask", syscall(SYS_rt_sigprocmask, 0, BAD, 0, 8));
  pid_t c = fork();
  if (c == 0) _exit(0);
  check("wait4-status", syscall(SYS_wait4, c, BAD, 0, 0));
  check("execve", syscall(SYS_execve, BAD, 0, 0));
  check("prlimit64", syscall(SYS_prlimit64, 0, 7, 0, BAD));
  check("readlinkat", syscall(SYS_readlinkat, -100, BAD, (long)fds, 8));
  check("sigaltstack", syscall(SYS_sigaltstack, BAD, 0));
  check("chdir", syscall(SYS_chdir, BAD));
  puts("kernel still fine");
  return 0;
}
