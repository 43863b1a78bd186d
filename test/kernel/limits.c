/* Resource limits as Linux enforces them: RLIMIT_NOFILE (EMFILE), RLIMIT_AS
   (ENOMEM from mmap), RLIMIT_STACK (SIGSEGV past the limit), RLIMIT_CPU
   (SIGXCPU); with an argument, only the out-of-memory killer (run it with a
   small --mem). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int depth(int n) { volatile char pad[4096]; pad[0] = (char)n; return n == 0 ? pad[0] : depth(n - 1) + pad[0]; }

static int child_status(void (*body)(void)) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) { body(); _exit(0); }
  int st;
  waitpid(c, &st, 0);
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void small_stack(void) { struct rlimit r = { 256 << 10, 256 << 10 }; setrlimit(RLIMIT_STACK, &r); depth(200); }
/* RLIMIT_CPU counts user and system time (setrlimit(2)). The hog burns system
   time: each demand-zero fault costs the kernel 1.9 us against a few user
   instructions, so the second passes after about 10^6 instructions, where a
   user-mode spin would retire 10^9. */
static void cpu_hog(void) {
  struct rlimit r = { 1, 2 };
  setrlimit(RLIMIT_CPU, &r);
  for (;;) {
    size_t n = 1u << 20;
    volatile char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    munmap((void *)p, n);
  }
}
static void hog_memory(void) {
  size_t n = 256u << 20;
  char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (size_t i = 0; i < n; i += 4096) p[i] = 1;
}

int main(int argc, char **argv) {
  if (argc > 1) { /* "oom": only the out-of-memory killer */
    printf("out of memory: the hog ends with status %d; its parent goes on\n", child_status(hog_memory));
    return 0;
  }
  struct rlimit r = { 10, 10 };
  setrlimit(RLIMIT_NOFILE, &r);
  int n = 0;
  while (open("/dev/null", O_RDONLY) >= 0) n++;
  printf("RLIMIT_NOFILE 10: opened %d more, then %s\n", n, errno == EMFILE ? "EMFILE" : strerror(errno));
  struct rlimit as = { 64 << 20, 64 << 20 };
  setrlimit(RLIMIT_AS, &as);
  void *big = mmap(0, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("RLIMIT_AS 64M: mmap of 128M %s\n", big == MAP_FAILED && errno == ENOMEM ? "fails with ENOMEM" : "succeeded");
  as.rlim_cur = as.rlim_max = RLIM_INFINITY;
  setrlimit(RLIMIT_AS, &as);
  printf("RLIMIT_STACK 256K: deep recursion ends with status %d\n", child_status(small_stack));
  printf("RLIMIT_CPU 1s: a child burning system time ends with status %d\n", child_status(cpu_hog));
  return 0;
}
