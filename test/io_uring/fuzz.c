/* Random SQEs (a fixed seed): every opcode lde runs and some it does not,
   random flags, lengths, offsets and pointers (into a buffer, unmapped, or
   wild), on a file, a pipe, the ring itself, bad fds and registered files,
   with links, drains, cancels of the round before and link timeouts. The
   kernel must answer each with a CQE and never fail; the program prints
   how many it submitted and reaped. Run under lde only (never the host:
   random OPENATs and CLOSEs). */
#include "ring.h"
#include <fcntl.h>
#include <sys/uio.h>

static unsigned long long seed = 0x9e3779b97f4a7c15ull;
static unsigned long long rnd(void) { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed; }

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r = {0};
  if (ring_init(&r, 16, 0) < 0) return 1;
  /* two pages for the kernel to write, then a page it cannot: no request can reach the program's own data */
  char *buf = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mprotect(buf + 8192, 4096, PROT_NONE);
  static struct iovec iov[4];
  iov[0] = (struct iovec){buf, 16}; iov[1] = (struct iovec){buf + 100, 32}; iov[2] = (struct iovec){(void *)8, 4}; iov[3] = (struct iovec){buf + 4000, 100};
  struct iovec reg = {buf, 8192};
  sys_register(r.fd, IORING_REGISTER_BUFFERS, &reg, 1);
  int pp[2]; pipe(pp); /* blocking: reads and polls on it park until the program writes */
  int file = open("/tmp/lde-uring-fuzz", O_RDWR | O_CREAT | O_TRUNC, 0600);
  const int fds[] = {file, pp[0], pp[1], r.fd, -1, 999, 0};
  int fixed[3] = {file, pp[0], -1}; /* for IOSQE_FIXED_FILE, which random flags set */
  sys_register(r.fd, IORING_REGISTER_FILES, fixed, 3);
  const unsigned char ops[] = {0, 1, 2, 3, 4, 5, 6, 11, 14, 15, 18, 19, 21, 22, 23, 26, 27, 13, 7, 9, 40, 60, 255};
  const unsigned long ptrs[] = {(unsigned long)buf, (unsigned long)buf + 8000, (unsigned long)iov, 0, 8, 0x7ffffffff000ul, ~0ul};
  unsigned long submitted = 0, reaped = 0;
  for (int round = 0; round < 2000; round++) {
    unsigned n = 1 + rnd() % 8;
    for (unsigned i = 0; i < n; i++) {
      unsigned char op = ops[rnd() % sizeof ops];
      int fd = fds[rnd() % 7];
      if (op == IORING_OP_CLOSE || op == IORING_OP_OPENAT) fd = op == IORING_OP_CLOSE ? 999 : AT_FDCWD;
      struct io_uring_sqe *s = get_sqe(&r, op, fd, (unsigned long long)round << 8 | i);
      s->flags = (unsigned char)(rnd() % 4 == 0 ? rnd() : rnd() % 8 == 0 ? IOSQE_IO_LINK : 0);
      s->addr = ptrs[rnd() % 7];
      s->len = (unsigned)(rnd() % 3 == 0 ? rnd() : rnd() % 200);
      s->off = rnd() % 3 == 0 ? rnd() : rnd() % 5000;
      s->rw_flags = (int)(rnd() % 4 == 0 ? rnd() : 0);
      s->buf_index = (unsigned short)(rnd() % 3);
      if (op == IORING_OP_TIMEOUT || op == IORING_OP_LINK_TIMEOUT) { s->len = 1; s->addr = (unsigned long)iov; s->off = rnd() % 3; }
      if (op == IORING_OP_ASYNC_CANCEL) { s->addr = rnd() % 2 ? ((unsigned long long)round << 8) - 256 + rnd() % 8 : rnd(); s->off = 0; s->cancel_flags = (unsigned)(rnd() % 8); }
    }
    int got = sys_enter(r.fd, n, 0, 0);
    if (got > 0) submitted += got;
    r.pending = 0;
    __atomic_store_n(r.sq_tail, *r.sq_head, __ATOMIC_RELEASE); /* what was not taken is dropped by the program */
    unsigned long long ud; int res;
    while (reap(&r, &ud, &res)) reaped++;
    if (rnd() % 16 == 0) write(pp[1], "xyz", 3);
  }
  printf("fuzz: survived, submitted %s, reaped %s\n", submitted > 0 ? "some" : "none", reaped > 0 ? "some" : "none");
  unlink("/tmp/lde-uring-fuzz");
  return 0;
}
