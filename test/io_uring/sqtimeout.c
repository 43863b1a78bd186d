/* A TIMEOUT on an IORING_SETUP_SQPOLL ring completes at its deadline though
   the program never enters io_uring_enter and the poller has gone to sleep
   (sq_thread_idle 5 ms): Linux's timeouts are timers of their own. Prints
   the CQE, when it came, and whether the poller was asleep. Under lde only
   (on the host, the time and the flag depend on its scheduler). */
#include "ring.h"
#include <time.h>

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  ring_sq_idle_ms = 5;
  int rc = ring_init(&r, 8, IORING_SETUP_SQPOLL);
  if (rc < 0) { printf("ring_init: %s\n", err(rc)); return 1; }
  struct timespec t0, t1, nap = {0, 1000000};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  struct __kernel_timespec ts = {0, 50000000};
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_TIMEOUT, -1, 1);
  s->addr = (unsigned long)&ts; s->len = 1;
  unsigned long long ud;
  int res;
  while (!reap(&r, &ud, &res)) nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("timeout %llu=%s after %ld ms, poller asleep: %d\n", ud, err(res), ms, !!(*r.sq_flags & IORING_SQ_NEED_WAKEUP));
  return 0;
}
