/* IORING_SETUP_SQPOLL: the kernel's poller takes the SQ with no system
   call; after sq_thread_idle it sets IORING_SQ_NEED_WAKEUP, and
   io_uring_enter(IORING_ENTER_SQ_WAKEUP) wakes it. */
#include "ring.h"
#include <fcntl.h>
#include <time.h>
#include <sched.h>

/** Spins with no system call until n CQEs wait: true, or false after many tries. */
static int spin_for(struct ring *r, unsigned n) {
  for (long i = 0; i < 2000000000L; i++)
    if (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) - *r->cq_head >= n) return 1;
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = IORING_SETUP_SQPOLL;
  p.sq_thread_idle = 20; /* ms */
  r.fd = sys_setup(8, &p);
  if (r.fd < 0) { printf("setup: %s\n", err(-errno)); return 1; }
  close(r.fd);
  ring_sq_idle_ms = 20;
  int rc = ring_init(&r, 8, IORING_SETUP_SQPOLL);
  if (rc < 0) { printf("ring_init: %s\n", err(rc)); return 1; }
  char path[] = "/tmp/lde-sqpoll-XXXXXX";
  int fd = mkstemp(path);
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_WRITE, fd, 1);
  s->addr = (unsigned long)"polled\n"; s->len = 7; s->off = 0;
  get_sqe(&r, IORING_OP_NOP, -1, 2);
  r.pending = 0; /* no io_uring_enter: the poller takes them */
  printf("completed with no system call: %d\n", spin_for(&r, 2));
  show(&r, "cqes");
  struct timespec ts = {0, 100000000}; /* 100 ms: past sq_thread_idle */
  nanosleep(&ts, NULL);
  printf("need wakeup after idle: %d\n", !!(__atomic_load_n(r.sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP));
  char buf[8] = {0};
  s = get_sqe(&r, IORING_OP_READ, fd, 3);
  s->addr = (unsigned long)buf; s->len = 6; s->off = 0;
  int n = sys_enter(r.fd, 1, 1, IORING_ENTER_SQ_WAKEUP | IORING_ENTER_GETEVENTS);
  printf("enter(SQ_WAKEUP|GETEVENTS): %s\n", err(n < 0 ? -errno : n));
  show(&r, "after wakeup");
  printf("read '%s'\n", buf);
  unlink(path);
  return 0;
}
