/* poll (glibc: ppoll) on pipes: readiness, POLLHUP, POLLERR, POLLNVAL, a
 * timeout that really waits, a wake-up from another process, O_NONBLOCK,
 * and the errors. */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void) {
  int p[2];
  char buf[100];
  signal(SIGPIPE, SIG_IGN);
  pipe(p);
  struct pollfd f[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { -1, POLLIN, 0 } };
  show("poll empty", poll(f, 3, 0));
  printf("revents %x %x %x\n", f[0].revents, f[1].revents, f[2].revents);
  write(p[1], "hi", 2);
  show("poll data", poll(f, 3, 0));
  printf("revents %x %x\n", f[0].revents, f[1].revents);
  read(p[0], buf, sizeof buf);

  long long t0 = now_ms();
  show("poll timeout 50ms", poll(f, 1, 50));
  long long dt = now_ms() - t0;
  printf("waited at least 50 ms: %s, and under 2 s: %s\n", dt >= 50 ? "yes" : "no", dt < 2000 ? "yes" : "no");

  t0 = now_ms();
  pid_t c = fork();
  if (c == 0) { sleep_ms(30); write(p[1], "late", 4); _exit(0); }
  show("poll waits for the writer", poll(f, 1, -1));
  printf("revents %x, after the writer's 30 ms: %s\n", f[0].revents, now_ms() - t0 >= 30 ? "yes" : "no");
  show("read", read(p[0], buf, sizeof buf));
  waitpid(c, NULL, 0);

  /* O_NONBLOCK through fcntl: an empty pipe reads EAGAIN; a full one writes EAGAIN and is not POLLOUT. */
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
  fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
  printf("F_GETFL has O_NONBLOCK: %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
  show("read empty nonblocking", read(p[0], buf, sizeof buf));
  long total = 0, n;
  while ((n = write(p[1], buf, sizeof buf)) > 0) total += n;
  show("write full", n);
  printf("pipe holds %ld\n", total);
  show("poll full pipe for POLLOUT", poll(&f[1], 1, 0));
  while (read(p[0], buf, sizeof buf) > 0) {}

  close(p[1]);
  show("poll after the writer closed", poll(f, 1, 0));
  printf("revents %x\n", f[0].revents);
  show("read at EOF", read(p[0], buf, sizeof buf));

  int q[2];
  pipe2(q, O_NONBLOCK);
  printf("pipe2 O_NONBLOCK: %d\n", (fcntl(q[0], F_GETFL) & O_NONBLOCK) != 0);
  show("read empty pipe2 O_NONBLOCK", read(q[0], buf, sizeof buf));
  close(q[0]);
  struct pollfd w = { q[1], POLLOUT, 0 };
  show("poll after the reader closed", poll(&w, 1, 0));
  printf("revents %x\n", w.revents);

  struct pollfd bad = { 99, POLLIN, 0 };
  show("poll closed fd", poll(&bad, 1, 0));
  printf("revents %x\n", bad.revents);
  show("poll bad pointer", syscall(SYS_ppoll, 8, 1, NULL, NULL, 8));
  struct rlimit rl = { 64, 64 };
  setrlimit(RLIMIT_NOFILE, &rl);
  show("poll nfds over RLIMIT_NOFILE", syscall(SYS_ppoll, f, 65, NULL, NULL, 8));
  show("poll nfds 0 with a timeout", poll(NULL, 0, 10));
  return 0;
}
