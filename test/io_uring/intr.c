/* io_uring_enter and signals: a handler that interrupts the wait after the
   call submitted makes it return what it submitted (not EINTR); with
   nothing submitted it is EINTR; the wait's own signal mask (the sigmask
   argument, or IORING_ENTER_EXT_ARG's) holds a signal off until the call
   returns, and a bad mask size is EINVAL only when the call must wait. */
#include "ring.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile int handled;
static void on_alarm(int sig) { (void)sig; handled++; }
static void arm(long us) { struct itimerval it = {{0, 0}, {0, us}}; setitimer(ITIMER_REAL, &it, NULL); }
static int enter_arg(int fd, unsigned n, unsigned min, unsigned flags, void *arg, size_t sz) {
  int r = (int)syscall(__NR_io_uring_enter, fd, n, min, flags, arg, sz);
  return r < 0 ? -errno : r;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART */
  sigaction(SIGALRM, &sa, NULL);
  struct ring r;
  int rc = ring_init(&r, 8, 0), pfd[2];
  if (rc < 0 || pipe(pfd) < 0) { printf("setup: %s\n", err(rc)); return 1; }
  char buf[8];

  get_sqe(&r, IORING_OP_NOP, -1, 1);
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_READ, pfd[0], 2);
  s->addr = (unsigned long)buf; s->len = sizeof buf;
  arm(20000);
  int n = enter_arg(r.fd, 2, 2, IORING_ENTER_GETEVENTS, NULL, 0);
  printf("a handler interrupts the wait after 2 submitted: %s (handler ran %d)\n", err(n), handled);
  show(&r, "cqes");
  arm(20000);
  n = enter_arg(r.fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
  printf("nothing submitted: %s (handler ran %d)\n", err(n), handled);

  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  struct __kernel_timespec ts = {0, 50000000};
  struct io_uring_getevents_arg ga;
  memset(&ga, 0, sizeof ga);
  ga.sigmask = (unsigned long)&block; ga.sigmask_sz = _NSIG / 8; ga.ts = (unsigned long)&ts;
  handled = 0;
  arm(10000);
  n = enter_arg(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga);
  int after = handled;
  printf("EXT_ARG mask blocks it for a 50 ms wait: %s, then the handler ran %d\n", err(n), after);
  ga.sigmask_sz = 4;
  printf("EXT_ARG mask of size 4: %s\n", err(enter_arg(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga)));
  printf("sigmask of size 4, must wait: %s\n", err(enter_arg(r.fd, 0, 1, IORING_ENTER_GETEVENTS, &block, 4)));
  get_sqe(&r, IORING_OP_NOP, -1, 3);
  printf("sigmask of size 4, a CQE already waits: %s\n", err(enter_arg(r.fd, 1, 1, IORING_ENTER_GETEVENTS, &block, 4)));
  show(&r, "cqes");
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("SIGALRM blocked after the calls: %d\n", sigismember(&now, SIGALRM));
  printf("sigmask of size 8 with no wait: %s\n", err(enter_arg(r.fd, 0, 0, IORING_ENTER_GETEVENTS, &block, 8)));

  write(pfd[1], "x", 1);
  n = enter_arg(r.fd, 0, 1, IORING_ENTER_GETEVENTS, &block, 8);
  printf("the read completes under a mask: %s\n", err(n));
  show(&r, "cqes");
  return 0;
}
