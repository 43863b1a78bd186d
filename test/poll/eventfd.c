/* eventfd: the counter, EFD_SEMAPHORE, EFD_NONBLOCK, blocking reads woken by
 * another process, poll, and the errors. */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

static void rd(const char *what, int fd) {
  uint64_t v = 0;
  long r = read(fd, &v, 8);
  show(what, r);
  if (r == 8) printf("  value %llu\n", (unsigned long long)v);
}

static void wr(const char *what, int fd, uint64_t v) { show(what, write(fd, &v, 8)); }

int main(void) {
  int fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
  printf("flags %o cloexec %d\n", fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), fcntl(fd, F_GETFD));
  wr("write 3", fd, 3);
  wr("write 4", fd, 4);
  rd("read", fd);
  rd("read empty", fd);
  struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
  show("poll empty", poll(&p, 1, 0));
  printf("revents %x\n", p.revents);
  wr("write 0xfffffffffffffffe", fd, 0xfffffffffffffffeULL);
  show("poll full", poll(&p, 1, 0));
  printf("revents %x\n", p.revents);
  wr("write 1 more", fd, 1);
  wr("write 2^64-1", fd, ~0ULL);
  rd("read", fd);
  char small[4];
  show("read 4 bytes", read(fd, small, 4));
  show("write 4 bytes", write(fd, small, 4));

  int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
  rd("semaphore read", sem);
  rd("semaphore read", sem);
  rd("semaphore read, empty", sem);
  show("eventfd bad flags", eventfd(0, 0x10));

  int b = eventfd(0, 0);
  long long t0 = now_ms();
  pid_t c = fork();
  if (c == 0) { sleep_ms(20); uint64_t v = 42; write(b, &v, 8); _exit(0); }
  rd("blocking read", b);
  printf("after 20 ms: %s\n", now_ms() - t0 >= 20 ? "yes" : "no");
  waitpid(c, NULL, 0);
  return 0;
}
