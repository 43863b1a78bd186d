/* io_uring opcodes through the raw ABI: each step submits and waits, then
   prints its CQEs (user_data=res). Only deterministic facts are printed. */
#include "ring.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <poll.h>

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  printf("setup(0): %s\n", err(sys_setup(0, &p) < 0 ? -errno : 0));
  printf("setup(bad params): %s\n", err(sys_setup(4, (void *)8) < 0 ? -errno : 0));
  p.resv[0] = 1;
  printf("setup(resv): %s\n", err(sys_setup(4, &p) < 0 ? -errno : 0));
  int rc = ring_init(&r, 5, 0);
  if (rc < 0) { printf("ring_init: %s\n", err(rc)); return 1; }
  printf("entries: sq %u cq %u, single mmap %d, nodrop %d, cur pos %d\n", r.sq_entries, r.cq_entries,
         !!(r.features & IORING_FEAT_SINGLE_MMAP), !!(r.features & IORING_FEAT_NODROP), !!(r.features & IORING_FEAT_RW_CUR_POS));
  printf("cloexec: %d\n", fcntl(r.fd, F_GETFD));

  get_sqe(&r, IORING_OP_NOP, -1, 1);
  get_sqe(&r, IORING_OP_NOP, -1, 2);
  printf("submitted %d\n", submit_wait(&r, 2));
  show(&r, "nop");

  char path[] = "/tmp/lde-uring-XXXXXX";
  int fd = mkstemp(path);
  char msg[] = "hello, ring\n";
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_WRITE, fd, 10);
  s->addr = (unsigned long)msg; s->len = sizeof msg - 1; s->off = 0;
  s = get_sqe(&r, IORING_OP_FSYNC, fd, 11);
  s = get_sqe(&r, IORING_OP_FSYNC, fd, 12); s->fsync_flags = 99;
  submit_wait(&r, 3);
  show(&r, "write+fsync");

  char buf[64] = {0};
  s = get_sqe(&r, IORING_OP_READ, fd, 20); s->addr = (unsigned long)buf; s->len = 5; s->off = 7;
  submit_wait(&r, 1);
  show(&r, "read at 7");
  printf("  got '%.5s'\n", buf);
  lseek(fd, 0, SEEK_SET);
  s = get_sqe(&r, IORING_OP_READ, fd, 21); s->addr = (unsigned long)buf; s->len = 6; s->off = (unsigned long long)-1;
  submit_wait(&r, 1);
  show(&r, "read at pos");
  printf("  got '%.6s', offset now %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));

  char a[4] = {0}, b[8] = {0};
  struct iovec iov[2] = {{a, 3}, {b, 5}};
  s = get_sqe(&r, IORING_OP_READV, fd, 30); s->addr = (unsigned long)iov; s->len = 2; s->off = 2;
  submit_wait(&r, 1);
  show(&r, "readv");
  printf("  got '%.3s' '%.5s'\n", a, b);
  struct iovec wv[2] = {{"AB", 2}, {"CDE", 3}};
  s = get_sqe(&r, IORING_OP_WRITEV, fd, 31); s->addr = (unsigned long)wv; s->len = 2; s->off = 20;
  submit_wait(&r, 1);
  show(&r, "writev");
  struct stat st; fstat(fd, &st);
  printf("  size %ld\n", (long)st.st_size);

  /* registered buffers */
  static char fixed[8192];
  struct iovec reg = {fixed, sizeof fixed};
  printf("register: %s\n", err(sys_register(r.fd, IORING_REGISTER_BUFFERS, &reg, 1) < 0 ? -errno : 0));
  printf("register again: %s\n", err(sys_register(r.fd, IORING_REGISTER_BUFFERS, &reg, 1) < 0 ? -errno : 0));
  s = get_sqe(&r, IORING_OP_READ_FIXED, fd, 40); s->addr = (unsigned long)fixed; s->len = 12; s->off = 0; s->buf_index = 0;
  s = get_sqe(&r, IORING_OP_READ_FIXED, fd, 41); s->addr = (unsigned long)fixed + 8190; s->len = 12; s->off = 0;
  s = get_sqe(&r, IORING_OP_READ_FIXED, fd, 42); s->addr = (unsigned long)fixed; s->len = 4; s->buf_index = 3;
  memcpy(fixed + 100, "fixed", 5);
  s = get_sqe(&r, IORING_OP_WRITE_FIXED, fd, 43); s->addr = (unsigned long)fixed + 100; s->len = 5; s->off = 30;
  submit_wait(&r, 4);
  show(&r, "fixed");
  printf("  got '%.11s'\n", fixed);
  printf("unregister: %s\n", err(sys_register(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0) < 0 ? -errno : 0));
  printf("unregister again: %s\n", err(sys_register(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0) < 0 ? -errno : 0));

  /* openat, statx, close */
  s = get_sqe(&r, IORING_OP_OPENAT, AT_FDCWD, 50); s->addr = (unsigned long)path; s->open_flags = O_RDONLY;
  submit_wait(&r, 1);
  unsigned long long ud; int res;
  reap(&r, &ud, &res);
  printf("openat: %llu ok %d\n", ud, res >= 0);
  int fd2 = res;
  static struct statx sx;
  s = get_sqe(&r, IORING_OP_STATX, AT_FDCWD, 51); s->addr = (unsigned long)path; s->len = STATX_SIZE; s->addr2 = (unsigned long)&sx;
  s = get_sqe(&r, IORING_OP_STATX, AT_FDCWD, 52); s->addr = (unsigned long)"/nonexistent"; s->len = STATX_SIZE; s->addr2 = (unsigned long)&sx;
  s = get_sqe(&r, IORING_OP_CLOSE, fd2, 53);
  s = get_sqe(&r, IORING_OP_CLOSE, fd2, 54);
  submit_wait(&r, 4);
  show(&r, "statx+close");
  printf("  statx size %llu\n", (unsigned long long)sx.stx_size);

  /* malformed SQEs and bad pointers */
  /* an SQE that fails at submission ends the submission there (no IORING_SETUP_SUBMIT_ALL) */
  get_sqe(&r, IORING_OP_NOP, -1, 59);
  get_sqe(&r, 200, -1, 60);
  get_sqe(&r, IORING_OP_NOP, -1, 61);
  printf("submitted %d of 3\n", submit_wait(&r, 3));
  show(&r, "bad opcode");
  r.pending = 1;
  printf("submitted %d\n", submit_wait(&r, 1));
  show(&r, "the rest");
  s = get_sqe(&r, IORING_OP_NOP, -1, 62); s->flags = 0x80;
  printf("submitted %d\n", submit_wait(&r, 1));
  show(&r, "bad flags");
  s = get_sqe(&r, IORING_OP_READ, 999, 63); s->addr = (unsigned long)buf; s->len = 4;
  s = get_sqe(&r, IORING_OP_READ, fd, 64); s->addr = 16; s->len = 4; s->off = 0;
  s = get_sqe(&r, IORING_OP_WRITE, fd, 65); s->addr = 16; s->len = 4; s->off = 0;
  s = get_sqe(&r, IORING_OP_READ, fd, 66); s->addr = (unsigned long)buf; s->len = 4; s->off = -5;
  submit_wait(&r, 4);
  show(&r, "bad fd, bad buffer, bad offset");

  /* links: a failure cancels the rest of the chain */
  s = get_sqe(&r, IORING_OP_NOP, -1, 70); s->flags = IOSQE_IO_LINK;
  s = get_sqe(&r, IORING_OP_READ, 999, 71); s->flags = IOSQE_IO_LINK; s->addr = (unsigned long)buf; s->len = 4;
  s = get_sqe(&r, IORING_OP_NOP, -1, 72); s->flags = IOSQE_IO_LINK;
  s = get_sqe(&r, IORING_OP_NOP, -1, 73);
  s = get_sqe(&r, IORING_OP_NOP, -1, 74);
  submit_wait(&r, 5);
  show(&r, "link");
  s = get_sqe(&r, IORING_OP_READ, fd, 75); s->flags = IOSQE_IO_LINK; s->addr = (unsigned long)buf; s->len = 60; s->off = 0;
  s = get_sqe(&r, IORING_OP_NOP, -1, 76);
  submit_wait(&r, 2);
  show(&r, "short read link");

  /* timeouts */
  struct __kernel_timespec ts = {0, 2000000};
  s = get_sqe(&r, IORING_OP_TIMEOUT, -1, 80); s->addr = (unsigned long)&ts; s->len = 1;
  submit_wait(&r, 1);
  show(&r, "timeout");
  s = get_sqe(&r, IORING_OP_TIMEOUT, -1, 81); s->addr = (unsigned long)&ts; s->len = 2;
  submit_wait(&r, 1);
  show(&r, "timeout len 2");
  struct __kernel_timespec long_ts = {10, 0};
  s = get_sqe(&r, IORING_OP_TIMEOUT, -1, 82); s->addr = (unsigned long)&long_ts; s->len = 1; s->off = 2;
  get_sqe(&r, IORING_OP_NOP, -1, 83);
  get_sqe(&r, IORING_OP_NOP, -1, 84);
  submit_wait(&r, 3);
  show(&r, "timeout by count");

  /* a read and a poll on an empty pipe wait for the writer */
  int pp[2]; pipe(pp);
  s = get_sqe(&r, IORING_OP_POLL_ADD, pp[0], 90); s->poll32_events = POLLIN;
  s = get_sqe(&r, IORING_OP_READ, pp[0], 91); s->addr = (unsigned long)buf; s->len = 10; s->off = 0;
  after_write(&r, pp[1], "pipe!", 2);
  printf("  got '%.5s'\n", buf);

  printf("enter on a pipe: %s\n", err(sys_enter(pp[0], 0, 0, 0) < 0 ? -errno : 0));
  printf("enter bad flags: %s\n", err(sys_enter(r.fd, 0, 0, 1u << 20) < 0 ? -errno : 0));
  printf("mmap bad offset: %d\n", mmap(0, 4096, PROT_READ, MAP_SHARED, r.fd, 0x20000000) == MAP_FAILED ? errno : 0);
  unlink(path);
  return 0;
}
