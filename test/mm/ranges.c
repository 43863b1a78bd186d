/* Memory calls over huge ranges (issue 9): munmap, mprotect, madvise and
   MAP_FIXED over tens or hundreds of GiB, 24,576 one-page mappings, and
   shared anonymous memory of 100 GiB shared across fork. Prints only what
   Linux prints on any 64-bit port (errno names, values read back), so the
   same output is expected from lde, from a native build on the host, and
   from qemu-riscv64. MAP_NORESERVE keeps the host's overcommit heuristic
   out of the way; lde never reserves, so it ignores the flag. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define GiB (1UL << 30)
#define PAGE 4096UL

static const char *err(long r) {
  if (r >= 0) return "0";
  switch (errno) {
  case EINVAL: return "EINVAL";
  case ENOMEM: return "ENOMEM";
  case EFAULT: return "EFAULT";
  case EEXIST: return "EEXIST";
  default: return strerror(errno);
  }
}

/* The raw calls: glibc must not check or change the arguments. */
static long sys_munmap(uintptr_t a, uintptr_t n) { return syscall(SYS_munmap, a, n); }
static long sys_mprotect(uintptr_t a, uintptr_t n, long prot) { return syscall(SYS_mprotect, a, n, prot); }
static long sys_madvise(uintptr_t a, uintptr_t n, long advice) { return syscall(SYS_madvise, a, n, advice); }

static char *reserve(unsigned long len, int prot, int flags) {
  char *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void range_rules(void) {
  printf("munmap(0x2000, 0x7fffffffffffffff): %s\n", err(sys_munmap(0x2000, 0x7fffffffffffffffUL)));
  printf("munmap(2^53, 4096): %s\n", err(sys_munmap(1UL << 53, PAGE)));
  printf("munmap(kernel half, 4096): %s\n", err(sys_munmap(0xffffffc000000000UL, PAGE)));
  printf("munmap(0x10000, 0): %s\n", err(sys_munmap(0x10000, 0)));
  printf("munmap(0x10001, 4096): %s\n", err(sys_munmap(0x10001, PAGE)));
  printf("munmap(0x10000, -4096) wraps: %s\n", err(sys_munmap(0x10000, -PAGE)));
  printf("mprotect(0x10000, 0): %s\n", err(sys_mprotect(0x10000, 0, PROT_READ)));
  printf("mprotect(0x10001, 4096): %s\n", err(sys_mprotect(0x10001, PAGE, PROT_READ)));
  printf("mprotect(0x10000, -1) wraps: %s\n", err(sys_mprotect(0x10000, -1UL, PROT_READ)));
  printf("mprotect(kernel half, 4096): %s\n", err(sys_mprotect(0xffffffc000000000UL, PAGE, PROT_READ)));
  printf("mprotect(2^53, 2^60): %s\n", err(sys_mprotect(1UL << 53, 1UL << 60, PROT_READ)));
  printf("madvise(0x10000, 4096, 999): %s\n", err(sys_madvise(0x10000, PAGE, 999)));
  printf("madvise(0x10001, 4096): %s\n", err(sys_madvise(0x10001, PAGE, MADV_DONTNEED)));
  printf("madvise(0x10000, -1) rounds to 0: %s\n", err(sys_madvise(0x10000, -1UL, MADV_DONTNEED)));
  printf("madvise(0x20000, -0x10000) wraps: %s\n", err(sys_madvise(0x20000, -0x10000UL, MADV_DONTNEED)));
  printf("madvise(0x10000, 0): %s\n", err(sys_madvise(0x10000, 0, MADV_DONTNEED)));
  printf("madvise(2^53, 2^60): %s\n", err(sys_madvise(1UL << 53, 1UL << 60, MADV_DONTNEED)));
}

static void many_maps(void) {
  enum { N = 24576 };
  static char *pages[N];
  int ok = 1;
  for (int i = 0; i < N; i++) {
    /* alternate the protection, so that no two neighbours can merge */
    pages[i] = mmap(NULL, PAGE, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages[i] == MAP_FAILED) { printf("map %d: %s\n", i, err(-1)); return; }
    if (!(i & 1)) pages[i][0] = (char)i;
  }
  for (int i = 0; i < N; i += 2) ok &= pages[i][0] == (char)i;
  for (int i = 0; i < N; i++) ok &= munmap(pages[i], PAGE) == 0;
  printf("%d one-page maps: written and read back %d, unmapped %d\n", N, ok, ok);
}

static void huge_private(void) {
  char *p = reserve(100 * GiB, PROT_NONE, MAP_PRIVATE);
  if (p == NULL) { printf("100 GiB private: %s\n", err(-1)); return; }
  printf("mprotect 100 GiB RW: %s\n", err(sys_mprotect((uintptr_t)p, 100 * GiB, PROT_READ | PROT_WRITE)));
  p[0] = 1, p[50 * GiB] = 2, p[100 * GiB - 1] = 3;
  printf("mprotect 100 GiB R: %s\n", err(sys_mprotect((uintptr_t)p, 100 * GiB, PROT_READ)));
  printf("read back %d %d %d\n", p[0], p[50 * GiB], p[100 * GiB - 1]);
  printf("mprotect 100 GiB RW again: %s\n", err(sys_mprotect((uintptr_t)p, 100 * GiB, PROT_READ | PROT_WRITE)));
  printf("madvise 100 GiB DONTNEED: %s\n", err(sys_madvise((uintptr_t)p, 100 * GiB, MADV_DONTNEED)));
  printf("after DONTNEED %d %d %d\n", p[0], p[50 * GiB], p[100 * GiB - 1]);
  printf("munmap a middle 10 GiB: %s\n", err(sys_munmap((uintptr_t)p + 40 * GiB, 10 * GiB)));
  printf("mprotect across the hole: %s\n", err(sys_mprotect((uintptr_t)p, 100 * GiB, PROT_READ)));
  printf("madvise across the hole: %s\n", err(sys_madvise((uintptr_t)p, 100 * GiB, MADV_DONTNEED)));
  printf("munmap 100 GiB: %s\n", err(sys_munmap((uintptr_t)p, 100 * GiB)));
}

static void huge_mremap(void) {
  char *p = reserve(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  p[0] = 11, p[PAGE] = 12;
  char *q = mremap(p, 2 * PAGE, 100 * GiB, MREMAP_MAYMOVE);
  if (q == MAP_FAILED) { printf("mremap to 100 GiB: %s\n", err(-1)); return; }
  q[100 * GiB - 1] = 13;
  printf("mremap to 100 GiB: pages moved %d %d, last page %d\n", q[0], q[PAGE], q[100 * GiB - 1]);
  char *r = mremap(q, 100 * GiB, PAGE, 0);
  printf("mremap back to one page: in place %d, reads %d\n", r == q, r[0]);
  printf("mremap from a hole: %s\n", mremap(q + 10 * GiB, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? err(-1) : "0");
  munmap(r, PAGE);
}

static void huge_fixed(void) {
  char *want = (char *)(8 * GiB);
  char *p = mmap(want, 200 * GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
  printf("MAP_FIXED 200 GiB at 8 GiB: %s\n", p == want ? "at 8 GiB" : err(-1));
  char *q = mmap(want + 100 * GiB, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  q[0] = 5;
  char *r = mmap(want, 200 * GiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
  printf("MAP_FIXED 200 GiB over it again: %s, the page inside reads %d\n", r == want ? "at 8 GiB" : err(-1), want[100 * GiB]);
  printf("munmap 200 GiB: %s\n", err(sys_munmap((uintptr_t)want, 200 * GiB)));
}

static void huge_shared(void) {
  char *p = reserve(100 * GiB, PROT_READ | PROT_WRITE, MAP_SHARED);
  if (p == NULL) { printf("100 GiB shared: %s\n", err(-1)); return; }
  p[0] = 7; /* the parent touches this page first */
  pid_t c = fork();
  if (c == 0) {
    p[60 * GiB] = 42; /* the child touches this one first */
    p[0]++;
    _exit(p[100 * GiB - 1]); /* untouched: zero */
  }
  int st = 0;
  waitpid(c, &st, 0);
  printf("100 GiB shared: child status %d, parent reads %d %d\n", WEXITSTATUS(st), p[0], p[60 * GiB]);
  printf("madvise shared DONTNEED: %s, then reads %d %d\n", err(sys_madvise((uintptr_t)p, 100 * GiB, MADV_DONTNEED)), p[0], p[60 * GiB]);
  printf("mprotect shared 100 GiB R: %s, reads %d\n", err(sys_mprotect((uintptr_t)p, 100 * GiB, PROT_READ)), p[60 * GiB]);
  printf("munmap shared: %s\n", err(sys_munmap((uintptr_t)p, 100 * GiB)));
  struct rlimit as = { 1 * GiB, 1 * GiB };
  c = fork();
  if (c == 0) {
    setrlimit(RLIMIT_AS, &as);
    _exit(reserve(100 * GiB, PROT_READ | PROT_WRITE, MAP_SHARED) == NULL && errno == ENOMEM);
  }
  waitpid(c, &st, 0);
  printf("100 GiB shared under RLIMIT_AS 1 GiB is ENOMEM: %d\n", WEXITSTATUS(st));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  range_rules();
  many_maps();
  huge_private();
  huge_mremap();
  huge_fixed();
  huge_shared();
  return 0;
}
