/* Registered files (IORING_REGISTER_FILES, IOSQE_FIXED_FILE) and
   IOSQE_IO_DRAIN: what each registration error gives, a fixed file used by
   its index (also after its descriptor is closed), an empty or missing
   slot, and a drain that holds back what comes after it until everything
   before it has completed. */
#include "ring.h"
#include <fcntl.h>

static const char *reg(struct ring *r, unsigned op, void *arg, unsigned n) { return err(sys_register(r->fd, op, arg, n) < 0 ? -errno : 0); }

/** Prints every waiting CQE in completion order (the order is the point here). */
static void in_order(struct ring *r, const char *tag) {
  unsigned long long ud; int res;
  printf("%s:", tag);
  while (reap(r, &ud, &res)) printf(" %llu=%s", ud, err(res));
  printf("\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  int rc = ring_init(&r, 8, 0);
  if (rc < 0) { printf("ring_init: %s\n", err(rc)); return 1; }
  char path[] = "/tmp/lde-files-XXXXXX";
  int fd = mkstemp(path), pfd[2];
  if (fd < 0 || pipe(pfd) < 0) return 1;
  unlink(path);

  printf("unregister with none: %s\n", reg(&r, IORING_UNREGISTER_FILES, NULL, 0));
  int none[1] = {fd};
  printf("register 0 files: %s\n", reg(&r, IORING_REGISTER_FILES, none, 0));
  int bad[2] = {fd, 999};
  printf("register a bad fd: %s\n", reg(&r, IORING_REGISTER_FILES, bad, 2));
  int self[1] = {r.fd};
  printf("register the ring itself: %s\n", reg(&r, IORING_REGISTER_FILES, self, 1));
  printf("register from a bad pointer: %s\n", reg(&r, IORING_REGISTER_FILES, (void *)8, 2));
  int fds[3] = {fd, -1, pfd[0]};
  printf("register 3, one empty: %s\n", reg(&r, IORING_REGISTER_FILES, fds, 3));
  printf("register again: %s\n", reg(&r, IORING_REGISTER_FILES, fds, 3));

  char buf[16] = {0};
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_WRITE, 0, 1);
  s->flags = IOSQE_FIXED_FILE | IOSQE_IO_LINK; s->addr = (unsigned long)"fixed\n"; s->len = 6; s->off = 0;
  s = get_sqe(&r, IORING_OP_READ, 0, 2);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)buf; s->len = 6; s->off = 0;
  s = get_sqe(&r, IORING_OP_READ, 1, 3);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)buf; s->len = 6;
  s = get_sqe(&r, IORING_OP_READ, 7, 4);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)buf; s->len = 6;
  printf("submitted %d\n", submit_wait(&r, 4));
  show(&r, "fixed write, read, empty slot, past the end");
  printf("read '%.5s'\n", buf);

  close(fd);
  memset(buf, 0, sizeof buf);
  s = get_sqe(&r, IORING_OP_READ, 0, 5);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)buf; s->len = 6; s->off = 0;
  submit_wait(&r, 1);
  show(&r, "its fd closed, the file stays registered");
  s = get_sqe(&r, IORING_OP_OPENAT, AT_FDCWD, 6);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)"/tmp";
  get_sqe(&r, IORING_OP_NOP, -1, 7);
  printf("openat with a fixed file: submitted %d\n", submit_wait(&r, 1));
  show(&r, "cqes");
  r.sq_tail[0]--; /* take back the NOP the submission stopped before */
  r.pending = 0;

  s = get_sqe(&r, IORING_OP_READ, 2, 10);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)buf; s->len = 8;
  s = get_sqe(&r, IORING_OP_NOP, -1, 11);
  s->flags = IOSQE_IO_DRAIN;
  get_sqe(&r, IORING_OP_NOP, -1, 12);
  printf("read, drain, nop: submitted %d\n", submit_wait(&r, 0));
  in_order(&r, "before the write");
  write(pfd[1], "drained", 7);
  submit_wait(&r, 3);
  in_order(&r, "after the write");

  printf("unregister: %s\n", reg(&r, IORING_UNREGISTER_FILES, NULL, 0));
  s = get_sqe(&r, IORING_OP_READ, 0, 13);
  s->flags = IOSQE_FIXED_FILE; s->addr = (unsigned long)buf; s->len = 6;
  submit_wait(&r, 1);
  show(&r, "after unregister");
  return 0;
}
