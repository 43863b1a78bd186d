/* pipes: 1 MiB from parent to child with a checksum, EOF when the last
   writer closes, EPIPE with SIGPIPE ignored, death by SIGPIPE by default,
   O_NONBLOCK (EAGAIN when empty and when full), dup2 onto stdin. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define TOTAL (1 << 20)

static void status(const char *what, int st) {
  if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
}

static unsigned char byte_at(long i) { return (unsigned char)((i * 7 + (i >> 9)) & 0xff); }

static void megabyte(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    close(fds[1]);
    static unsigned char buf[4096];
    unsigned long sum = FNV_INIT;
    long total = 0, reads = 0, mismatches = 0;
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) mismatches += buf[i] != byte_at(total + i);
      sum = fnv1a(buf, n, sum);
      total += n;
      reads++;
    }
    printf("child read %ld bytes, mismatches %ld, checksum %016lx, last read %zd, more than one read %d\n",
           total, mismatches, sum, n, reads > 1);
    fflush(stdout);
    _exit(0);
  }
  close(fds[0]);
  static unsigned char data[TOTAL];
  for (long i = 0; i < TOTAL; i++) data[i] = byte_at(i);
  long off = 0, chunk = 7919; /* a prime, so writes straddle the pipe's pages */
  while (off < TOTAL) {
    long want = TOTAL - off < chunk ? TOTAL - off : chunk;
    ssize_t w = write(fds[1], data + off, want);
    if (w <= 0) break;
    off += w;
  }
  printf("parent wrote %ld bytes, checksum %016lx\n", off, fnv1a(data, TOTAL, FNV_INIT));
  close(fds[1]); /* the child's EOF */
  int st;
  waitpid(p, &st, 0);
  fflush(stdout);
  status("reader", st);
}

static void eof(void) {
  int fds[2];
  pipe(fds);
  write(fds[1], "abc", 3);
  close(fds[1]);
  char buf[8];
  ssize_t a = read(fds[0], buf, sizeof buf);
  ssize_t b = read(fds[0], buf, sizeof buf);
  printf("read after writer closed: %zd then %zd\n", a, b);
  close(fds[0]);
}

static void epipe(void) {
  int fds[2];
  pipe(fds);
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  errno = 0;
  ssize_t w = write(fds[1], "x", 1);
  printf("write with no reader, SIGPIPE ignored: %zd %s\n", w, errname(errno));
  signal(SIGPIPE, SIG_DFL);
  close(fds[1]);

  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    int f[2];
    pipe(f);
    close(f[0]);
    write(f[1], "x", 1);
    _exit(0); /* not reached: SIGPIPE kills */
  }
  int st;
  waitpid(p, &st, 0);
  status("writer with default SIGPIPE", st);

  /* SIGPIPE blocked: the write fails with EPIPE and the signal stays pending. */
  fflush(stdout);
  p = fork();
  if (p == 0) {
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigprocmask(SIG_BLOCK, &s, 0);
    int f[2];
    pipe(f);
    close(f[0]);
    errno = 0;
    ssize_t r = write(f[1], "x", 1);
    sigpending(&pend);
    printf("blocked SIGPIPE: write %zd %s, pending %d\n", r, errname(errno), sigismember(&pend, SIGPIPE));
    fflush(stdout);
    sigprocmask(SIG_UNBLOCK, &s, 0); /* delivers it: death */
    _exit(0);
  }
  waitpid(p, &st, 0);
  status("after unblocking SIGPIPE", st);
}

static void nonblocking(void) {
  int fds[2];
  pipe2(fds, O_NONBLOCK);
  char c;
  errno = 0;
  ssize_t r = read(fds[0], &c, 1);
  printf("empty O_NONBLOCK read %zd %s\n", r, errname(errno));
  static char block[1000];
  long total = 0;
  ssize_t w;
  while ((w = write(fds[1], block, sizeof block)) > 0) total += w;
  printf("filled O_NONBLOCK pipe: stopped with %zd %s, capacity at least 4 KiB %d\n", w,
         errname(errno), total >= 4096);
  long drained = 0;
  static char big[65536];
  while ((r = read(fds[0], big, sizeof big)) > 0) drained += r;
  printf("drained everything %d\n", drained == total);
  printf("flags O_NONBLOCK %d\n", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
  close(fds[0]);
  close(fds[1]);
}

static void redirect(void) {
  int fds[2];
  pipe(fds);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    char line[64];
    int n = 0;
    while (fgets(line, sizeof line, stdin)) {
      n++;
      printf("child stdin: %s", line);
    }
    printf("child saw %d lines\n", n);
    fflush(stdout);
    _exit(n);
  }
  close(fds[0]);
  FILE *f = fdopen(fds[1], "w");
  fprintf(f, "first\nsecond\nthird\n");
  fclose(f);
  int st;
  waitpid(p, &st, 0);
  status("stdin child", st);
}

int main(void) {
  megabyte();
  eof();
  epipe();
  nonblocking();
  redirect();
  return 0;
}
