/* Shared by the test/poll programs: print a call's result as a fact (the
 * value, or -1 and the errno's name), and virtual-or-real elapsed time
 * checks that print only whether a bound held. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__attribute__((unused)) static const char *ename(int e) {
  switch (e) {
  case EAGAIN: return "EAGAIN"; case EBADF: return "EBADF"; case EEXIST: return "EEXIST";
  case EFAULT: return "EFAULT"; case EINTR: return "EINTR"; case EINVAL: return "EINVAL";
  case ENOENT: return "ENOENT"; case ELOOP: return "ELOOP"; case EPERM: return "EPERM"; case ENOSYS: return "ENOSYS";
  default: return "other";
  }
}

__attribute__((unused)) static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, ename(errno));
  else printf("%s = %ld\n", what, r);
  fflush(stdout);
}

__attribute__((unused)) static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

__attribute__((unused)) static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

#include <signal.h>

/* The SIGUSR1 setup of the signal-mask tests: a handler that records the
 * signal in `got`, SIGUSR1 blocked and raised (so it is pending), `block`
 * holding SIGUSR1 and `empty` nothing. */
static volatile int got;
static void on_usr1(int s) { got = s; }
__attribute__((unused)) static void usr1_pending(sigset_t *block, sigset_t *empty) {
  struct sigaction sa = { 0 };
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigemptyset(block); sigaddset(block, SIGUSR1); sigemptyset(empty);
  sigprocmask(SIG_BLOCK, block, NULL);
  raise(SIGUSR1);
}
