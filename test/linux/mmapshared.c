/* mmapshared: MAP_SHARED memory.  Anonymous shared pages seen by parent and
   child, a counter incremented concurrently by both with atomics, a shared
   file map coherent with read(2)/write(2), msync, and SIGBUS for a page
   wholly past the end of the file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define PAGE 4096

static void shared_anonymous(void) {
  int *s = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  s[0] = 1;
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    s[1] = s[0] + 41;
    _exit(0);
  }
  waitpid(c, 0, 0);
  printf("shared anonymous: parent sees the child's write %d\n", s[1]);
  munmap(s, PAGE);
}

static void shared_counter(void) {
  atomic_long *n = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  atomic_store(n, 0);
  enum { EACH = 200000 };
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    for (int i = 0; i < EACH; i++) atomic_fetch_add(n, 1);
    _exit(0);
  }
  for (int i = 0; i < EACH; i++) atomic_fetch_add(n, 1);
  waitpid(c, 0, 0);
  printf("two processes x %d atomic increments = %ld\n", EACH, atomic_load(n));
  munmap(n, PAGE);
}

static sigjmp_buf env;
static volatile int bus_code;
static void on_bus(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  bus_code = si->si_code;
  siglongjmp(env, 1);
}

static void shared_file(void) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/lde-mmapshared-%d", (int)getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  static char buf[2 * PAGE];
  memset(buf, '.', sizeof buf);
  write(fd, buf, sizeof buf);

  char *m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  memcpy(m + 10, "through the map", 15);
  char got[16] = {0};
  pread(fd, got, 15, 10);
  printf("store through MAP_SHARED seen by pread: %s\n", got);
  pwrite(fd, "by pwrite", 9, PAGE + 3);
  printf("pwrite seen through the map: %.9s\n", m + PAGE + 3);
  printf("msync %d\n", msync(m, 2 * PAGE, MS_SYNC));

  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    memcpy(m + 100, "child", 5);
    _exit(0);
  }
  waitpid(c, 0, 0);
  printf("child's store to the shared file map seen: %.5s\n", m + 100);
  munmap(m, 2 * PAGE);

  /* Reopen and read it all back: the stores reached the file. */
  char all[2 * PAGE];
  int fd2 = open(path, O_RDONLY);
  read(fd2, all, sizeof all);
  close(fd2);
  printf("file now holds: %.15s / %.5s / %.9s\n", all + 10, all + 100, all + PAGE + 3);

  /* A 3-page map of a 1-page file: the second page is past EOF -> SIGBUS. */
  ftruncate(fd, 100);
  char *t = mmap(0, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, 0);
  volatile char x = t[50];
  printf("byte inside the file %c, byte past EOF in the same page %d\n", x, t[200]);
  if (sigsetjmp(env, 1) == 0) {
    x = t[PAGE + 1];
    printf("read a page past EOF: no signal\n");
  } else {
    printf("read a page past EOF: SIGBUS %s\n", bus_code == BUS_ADRERR ? "BUS_ADRERR" : "other code");
  }
  munmap(t, 3 * PAGE);
  close(fd);
  unlink(path);
}

int main(void) {
  shared_anonymous();
  shared_counter();
  shared_file();
  return 0;
}
