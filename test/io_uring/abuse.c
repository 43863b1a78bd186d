/* io_uring under abuse: an SQ tail far past the head, an SQ index out of
   range, a CQ that overflows, the ring fd closed with requests parked, and
   bad pointers. Only deterministic facts are printed. */
#include "ring.h"
#include <sys/mman.h>
#include <sys/uio.h>

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  int rc = ring_init(&r, 4, 0);
  if (rc < 0) { printf("ring_init: %s\n", err(rc)); return 1; }

  /* a tail a billion entries ahead: the kernel takes at most sq_entries per call */
  for (unsigned i = 0; i < 4; i++) { r.sqes[i].opcode = IORING_OP_NOP; r.sqes[i].flags = 0; r.sqes[i].user_data = i; r.sq_array[i] = i; }
  unsigned head = *r.sq_head;
  __atomic_store_n(r.sq_tail, head + 1000000000u, __ATOMIC_RELEASE);
  int n = sys_enter(r.fd, 0xffffffffu, 0, 0);
  printf("huge tail: submitted %s, head moved %u\n", err(n < 0 ? -errno : n), *r.sq_head - head);
  show(&r, "cqes");
  __atomic_store_n(r.sq_tail, *r.sq_head, __ATOMIC_RELEASE);

  /* an SQ index out of range is dropped */
  unsigned tail = *r.sq_tail;
  r.sq_array[tail & *r.sq_mask] = 99;
  __atomic_store_n(r.sq_tail, tail + 1, __ATOMIC_RELEASE);
  n = sys_enter(r.fd, 1, 0, 0);
  printf("bad index: submitted %s\n", err(n < 0 ? -errno : n));
  show(&r, "cqes");

  /* the CQ (8 entries) overflows: 12 NOPs in 3 submissions, nothing reaped; every CQE comes out later */
  for (int b = 0; b < 3; b++) {
    for (int i = 0; i < 4; i++) get_sqe(&r, IORING_OP_NOP, -1, 100 + b * 4 + i);
    submit_wait(&r, 0);
  }
  printf("overflow flag: %d\n", !!(__atomic_load_n(r.sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_CQ_OVERFLOW));
  show(&r, "first 8");
  submit_wait(&r, 4);
  show(&r, "the rest");
  printf("overflow flag after: %d\n", !!(__atomic_load_n(r.sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_CQ_OVERFLOW));

  /* requests parked on a pipe when the ring fd closes: nothing breaks */
  int pp[2]; pipe(pp);
  char buf[8];
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_READ, pp[0], 200); s->addr = (unsigned long)buf; s->len = 8;
  s = get_sqe(&r, IORING_OP_POLL_ADD, pp[0], 201); s->poll32_events = 1;
  printf("parked: submitted %d\n", submit_wait(&r, 0));
  printf("close ring: %d\n", close(r.fd));
  printf("write after: %ld\n", (long)write(pp[1], "x", 1));

  /* EXT_ARG timeouts, and bad pointers to the kernel */
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  int fd = sys_setup(2, &p);
  n = sys_enter(fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG);
  printf("ext arg without arg: %s\n", err(n < 0 ? -errno : n));
  struct io_uring_getevents_arg ga = {0};
  struct __kernel_timespec ts = {0, 1000000};
  ga.ts = (unsigned long)&ts;
  n = (int)syscall(__NR_io_uring_enter, fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga);
  printf("wait 1 ms for nothing: %s\n", err(n < 0 ? -errno : n));
  ga.ts = 8;
  n = (int)syscall(__NR_io_uring_enter, fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga);
  printf("bad timespec pointer: %s\n", err(n < 0 ? -errno : n));
  printf("register bad buffer: %s\n", err(sys_register(fd, IORING_REGISTER_BUFFERS, (void *)8, 1) < 0 ? -errno : 0));
  struct iovec v = {(void *)0x1000, 4096};
  printf("register unmapped buffer: %s\n", err(sys_register(fd, IORING_REGISTER_BUFFERS, &v, 1) < 0 ? -errno : 0));
  printf("unregister none: %s\n", err(sys_register(fd, IORING_UNREGISTER_BUFFERS, NULL, 0) < 0 ? -errno : 0));
  return 0;
}
