#define _GNU_SOURCE
#include <stdlib.h>
/* A minimal io_uring ring on the raw ABI (no liburing): setup, mmap of the
   three regions at the IORING_OFF_* offsets, get an SQE, submit, wait. */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
  int fd;
  unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags, *cq_head, *cq_tail, *cq_mask;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
  unsigned sq_entries, cq_entries, features;
  unsigned pending; /* SQEs queued since the last enter */
};

static int sys_setup(unsigned entries, struct io_uring_params *p) { return (int)syscall(__NR_io_uring_setup, entries, p); }
static int sys_enter(int fd, unsigned n, unsigned min, unsigned flags) { return (int)syscall(__NR_io_uring_enter, fd, n, min, flags, NULL, 0); }
__attribute__((unused)) static int sys_register(int fd, unsigned op, void *arg, unsigned n) { return (int)syscall(__NR_io_uring_register, fd, op, arg, n); }
static const char *err(int r) { static char b[32]; if (r >= 0) { snprintf(b, sizeof b, "%d", r); return b; } snprintf(b, sizeof b, "-%s", strerrorname_np(-r)); return b; }

/** sq_thread_idle (ms) for a ring set up with IORING_SETUP_SQPOLL (0: the kernel's default). */
static unsigned ring_sq_idle_ms;

static int ring_init(struct ring *r, unsigned entries, unsigned flags) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = flags;
  p.sq_thread_idle = ring_sq_idle_ms;
  r->fd = sys_setup(entries, &p);
  if (r->fd < 0) return -errno;
  size_t sqsz = p.sq_off.array + p.sq_entries * 4, cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  if (p.features & IORING_FEAT_SINGLE_MMAP) { if (cqsz > sqsz) sqsz = cqsz; cqsz = sqsz; }
  char *sq = mmap(0, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
  char *cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq : mmap(0, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
  r->sqes = mmap(0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
  if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) return -ENOMEM;
  r->sq_head = (unsigned *)(sq + p.sq_off.head); r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
  r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask); r->sq_array = (unsigned *)(sq + p.sq_off.array);
  r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
  r->cq_head = (unsigned *)(cq + p.cq_off.head); r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
  r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask); r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  r->sq_entries = p.sq_entries; r->cq_entries = p.cq_entries; r->features = p.features; r->pending = 0;
  return 0;
}

/** The next free SQE, zeroed, with user_data set. */
static struct io_uring_sqe *get_sqe(struct ring *r, unsigned char op, int fd, unsigned long long user_data) {
  unsigned tail = *r->sq_tail, i = tail & *r->sq_mask;
  struct io_uring_sqe *s = &r->sqes[i];
  memset(s, 0, sizeof *s);
  s->opcode = op; s->fd = fd; s->user_data = user_data;
  r->sq_array[i] = i;
  __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
  r->pending++;
  return s;
}

/** Submits what is queued and waits for `min` CQEs; the enter's result. */
__attribute__((unused)) static int submit_wait(struct ring *r, unsigned min) {
  int n = sys_enter(r->fd, r->pending, min, min ? IORING_ENTER_GETEVENTS : 0);
  r->pending = 0;
  return n < 0 ? -errno : n;
}

/** Takes one CQE (0 when none waits). */
static int reap(struct ring *r, unsigned long long *ud, int *res) {
  unsigned head = *r->cq_head;
  if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) return 0;
  struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
  *ud = c->user_data; *res = c->res;
  __atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
  return 1;
}

/** Prints every waiting CQE as "tag: user_data=res", by user_data (completion order is the kernel's business). */
static void show(struct ring *r, const char *tag) {
  unsigned long long ud[64]; int res[64], n = 0;
  while (n < 64 && reap(r, &ud[n], &res[n])) n++;
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && ud[j - 1] > ud[j]; j--) {
      unsigned long long t = ud[j]; ud[j] = ud[j - 1]; ud[j - 1] = t;
      int u = res[j]; res[j] = res[j - 1]; res[j - 1] = u;
    }
  printf("%s:", tag);
  for (int i = 0; i < n; i++) printf(" %llu=%s", ud[i], err(res[i]));
  printf("\n");
}

/** Submits what is queued (requests that must wait for input), shows that nothing completed, writes
    `data` to wfd, waits for `n` CQEs and shows them. */
__attribute__((unused)) static void after_write(struct ring *r, int wfd, const char *data, unsigned n) {
  printf("submitted %d\n", submit_wait(r, 0));
  show(r, "before the write");
  write(wfd, data, strlen(data));
  submit_wait(r, n);
  show(r, "after the write");
}
