/* mmap: anonymous private memory, copy-on-write across fork, a private map
   of a file written to /tmp, mprotect to read-only then a SIGSEGV caught
   with siglongjmp, access after munmap, mremap growth, MAP_FIXED, madvise,
   and argument errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define PAGE 4096

static sigjmp_buf env;
static volatile int fault_sig, fault_code, fault_addr_ok;
static volatile char *expect_addr;

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  fault_sig = sig;
  fault_code = si->si_code;
  fault_addr_ok = (char *)si->si_addr == expect_addr;
  siglongjmp(env, 1);
}

static const char *segv_code(int c) {
  return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

/* Touches *p (a write when write is set); reports whether it faulted. */
static void touch(const char *what, volatile char *p, int write) {
  fault_sig = 0;
  expect_addr = p;
  if (sigsetjmp(env, 1) == 0) {
    if (write) *p = 1;
    else (void)*p;
    printf("%s: no fault\n", what);
  } else {
    printf("%s: signal %d %s address ok %d\n", what, fault_sig, segv_code(fault_code), fault_addr_ok);
  }
}

static void anonymous(void) {
  size_t n = 64 * PAGE;
  unsigned char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int zero = 1;
  for (size_t i = 0; i < n; i++) zero &= p[i] == 0;
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i ^ (i >> 12));
  printf("anonymous 256 KiB: page aligned %d zeroed %d checksum %016lx\n", ((uintptr_t)p & (PAGE - 1)) == 0,
         zero, fnv1a(p, n, FNV_INIT));
  printf("munmap %d\n", munmap(p, n));
}

static int global_data = 5;

static void copy_on_write(void) {
  int *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *p = 10;
  int *q = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  /* q stays untouched before fork: the child's first touch is a fresh page */
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    *p = 11;
    *q = 12;
    global_data = 6;
    _exit(*p + *q + global_data == 29 ? 0 : 1);
  }
  int st;
  waitpid(c, &st, 0);
  printf("after child wrote private pages: parent sees %d %d %d, child ok %d\n", *p, *q, global_data,
         WIFEXITED(st) && WEXITSTATUS(st) == 0);
  munmap(p, PAGE);
  munmap(q, PAGE);
}

static void file_backed(void) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/lde-mmap-%d", (int)getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  static char buf[3 * PAGE + 100];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = 'A' + i % 26;
  write(fd, buf, sizeof buf);

  size_t len = sizeof buf;
  char *m = mmap(0, len, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("file map matches %d, first bytes %.5s\n", memcmp(m, buf, len) == 0, m);
  int tail_zero = 1;
  for (size_t i = len; i < 4 * PAGE; i++) tail_zero &= m[i] == 0;
  printf("bytes past EOF in the last page are zero %d\n", tail_zero);
  munmap(m, len);

  char *off = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 2 * PAGE);
  printf("map at offset 2 pages matches %d\n", memcmp(off, buf + 2 * PAGE, PAGE) == 0);
  munmap(off, PAGE);

  /* A private writable map: writes stay in memory, not in the file. */
  char *w = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  memcpy(w, "private!", 8);
  char back[8];
  pread(fd, back, 8, 0);
  printf("private write kept out of the file %d, visible in the map %d\n", memcmp(back, buf, 8) == 0,
         memcmp(w, "private!", 8) == 0);
  munmap(w, len);

  close(fd); /* the mapping outlives the descriptor */
  fd = open(path, O_RDONLY);
  char *r = mmap(0, len, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  unlink(path);
  printf("map after close and unlink still readable %d\n", r[len - 1] == buf[len - 1]);
  munmap(r, len);
}

static void protection(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);

  char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[PAGE + 5] = 42;
  touch("write before mprotect", p + PAGE + 5, 1);
  printf("mprotect read-only %d\n", mprotect(p + PAGE, PAGE, PROT_READ));
  touch("write to read-only page", p + PAGE + 5, 1);
  touch("read of read-only page", p + PAGE + 5, 0);
  touch("write to the other page", p + 5, 1);
  printf("value after the refused write %d\n", p[PAGE + 5]);
  mprotect(p + PAGE, PAGE, PROT_NONE);
  touch("read of PROT_NONE page", p + PAGE + 5, 0);
  mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE);
  touch("write after restoring PROT_WRITE", p + PAGE + 5, 1);
  munmap(p, 2 * PAGE);
  touch("read after munmap", p + 100, 0);
  touch("write after munmap", p + PAGE + 7, 1);
  touch("write to a NULL pointer", (char *)0, 1);

  static const char text[] = "constant";
  touch("write to .rodata", (char *)text, 1);
  touch("write to code", (char *)(uintptr_t)&anonymous, 1);
  signal(SIGSEGV, SIG_DFL);
}

static void remap(void) {
  char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(p, 'x', PAGE);
  char *q = mremap(p, PAGE, 8 * PAGE, MREMAP_MAYMOVE);
  int kept = 1, zero = 1;
  for (int i = 0; i < PAGE; i++) kept &= q[i] == 'x';
  for (int i = PAGE; i < 8 * PAGE; i++) zero &= q[i] == 0;
  memset(q, 'y', 8 * PAGE);
  printf("mremap grow: ok %d kept %d new part zero %d\n", q != MAP_FAILED, kept, zero);
  char *s = mremap(q, 8 * PAGE, 2 * PAGE, 0);
  printf("mremap shrink in place %d, kept %d\n", s == q, s[2 * PAGE - 1] == 'y');
  munmap(s, 2 * PAGE);

  /* In place, without MREMAP_MAYMOVE: growth into a just-freed page works,
     growth into a mapped page fails. */
  p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(p + 2 * PAGE, PAGE);
  q = mremap(p, 2 * PAGE, 3 * PAGE, 0);
  printf("mremap in place into a free page: %s\n", q == p ? "grew in place" : q == MAP_FAILED ? errname(errno) : "moved");
  errno = 0;
  q = mremap(p, PAGE, 2 * PAGE, 0);
  printf("mremap in place into a mapped page: %s\n", q == MAP_FAILED ? errname(errno) : "grew?");
  munmap(p, 3 * PAGE);
}

static void fixed_and_advice(void) {
  char *p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(p, 7, 3 * PAGE);
  char *m = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("MAP_FIXED at the hint %d, replaced page zero %d, neighbours kept %d %d\n", m == p + PAGE,
         m[0] == 0 && m[PAGE - 1] == 0, p[PAGE - 1] == 7, p[2 * PAGE] == 7);
  int r = madvise(p, PAGE, MADV_DONTNEED);
  printf("madvise DONTNEED %d, page now zero %d, others kept %d\n", r, p[0] == 0, p[2 * PAGE] == 7);
  munmap(p, 3 * PAGE);

  /* A hole punched in the middle of a mapping. */
  p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0] = 1;
  p[2 * PAGE] = 3;
  munmap(p + PAGE, PAGE);
  printf("after punching a hole: ends kept %d %d\n", p[0], p[2 * PAGE]);
  r = munmap(p, 3 * PAGE);
  printf("munmap across a hole %d\n", r);
}

static void errors(void) {
  void *r;
  errno = 0;
  r = mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap length 0: %s\n", r == MAP_FAILED ? errname(errno) : "mapped?");
  errno = 0;
  r = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 12345, 0);
  printf("mmap bad fd: %s\n", r == MAP_FAILED ? errname(errno) : "mapped?");
  errno = 0;
  r = mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123);
  printf("mmap unaligned offset: %s\n", r == MAP_FAILED ? errname(errno) : "mapped?");
  errno = 0;
  r = mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
  printf("mmap neither private nor shared: %s\n", r == MAP_FAILED ? errname(errno) : "mapped?");
  errno = 0;
  int u = munmap((void *)0x10001, PAGE);
  printf("munmap unaligned: %d %s\n", u, errname(errno));
}

int main(void) {
  anonymous();
  copy_on_write();
  file_backed();
  protection();
  remap();
  fixed_and_advice();
  errors();
  return 0;
}
