/* IORING_OP_ASYNC_CANCEL and IORING_OP_LINK_TIMEOUT: cancelling a request
   that waits (on an empty pipe, or a TIMEOUT) by its user_data, by its fd,
   or all of them; a user_data nobody has; a link timeout that fires before
   its request completes, one that does not, one that ends a longer chain,
   and one with no request before it. */
#include "ring.h"

static struct io_uring_sqe *read_sqe(struct ring *r, int fd, char *buf, unsigned long long ud) {
  struct io_uring_sqe *s = get_sqe(r, IORING_OP_READ, fd, ud);
  s->addr = (unsigned long)buf; s->len = 4; s->off = -1;
  return s;
}

static struct io_uring_sqe *cancel_sqe(struct ring *r, unsigned long long target, unsigned flags, int fd, unsigned long long ud) {
  struct io_uring_sqe *s = get_sqe(r, IORING_OP_ASYNC_CANCEL, fd, ud);
  s->addr = target; s->cancel_flags = flags;
  return s;
}

static struct io_uring_sqe *link_timeout(struct ring *r, struct __kernel_timespec *ts, unsigned long long ud) {
  struct io_uring_sqe *s = get_sqe(r, IORING_OP_LINK_TIMEOUT, -1, ud);
  s->addr = (unsigned long)ts; s->len = 1;
  return s;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  int rc = ring_init(&r, 16, 0), pfd[2];
  if (rc < 0 || pipe(pfd) < 0) { printf("setup: %s\n", err(rc)); return 1; }
  char buf[8];

  read_sqe(&r, pfd[0], buf, 1);
  cancel_sqe(&r, 1, 0, -1, 2);
  printf("read, cancel it: submitted %d\n", submit_wait(&r, 2));
  show(&r, "cqes");
  cancel_sqe(&r, 99, 0, -1, 3);
  submit_wait(&r, 1);
  show(&r, "cancel of nobody");
  read_sqe(&r, pfd[0], buf, 4);
  read_sqe(&r, pfd[0], buf, 5);
  cancel_sqe(&r, 0, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, pfd[0], 6);
  submit_wait(&r, 3);
  show(&r, "two reads, cancel all on their fd");
  struct __kernel_timespec long_ts = {10, 0}, short_ts = {0, 20000000};
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_TIMEOUT, -1, 7);
  s->addr = (unsigned long)&long_ts; s->len = 1;
  cancel_sqe(&r, 7, 0, -1, 8);
  submit_wait(&r, 2);
  show(&r, "a 10 s timeout, cancelled");
  cancel_sqe(&r, 0, 1u << 30, -1, 9);
  submit_wait(&r, 1);
  show(&r, "cancel with an unknown flag");

  read_sqe(&r, pfd[0], buf, 10)->flags = IOSQE_IO_LINK;
  link_timeout(&r, &short_ts, 11);
  printf("read bounded by 20 ms: submitted %d\n", submit_wait(&r, 2));
  show(&r, "cqes");
  write(pfd[1], "data", 4);
  read_sqe(&r, pfd[0], buf, 12)->flags = IOSQE_IO_LINK;
  link_timeout(&r, &long_ts, 13);
  submit_wait(&r, 2);
  show(&r, "read in time");
  read_sqe(&r, pfd[0], buf, 14)->flags = IOSQE_IO_LINK;
  link_timeout(&r, &short_ts, 15)->flags = IOSQE_IO_LINK;
  get_sqe(&r, IORING_OP_NOP, -1, 16);
  submit_wait(&r, 3);
  show(&r, "read, link timeout, nop");
  link_timeout(&r, &short_ts, 17);
  printf("a link timeout alone: submitted %d\n", submit_wait(&r, 1));
  show(&r, "cqes");
  return 0;
}
