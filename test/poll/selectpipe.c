/* select and pselect (both pselect6): fd_sets, the timeval select writes
 * back, EBADF and EINVAL, pselect's signal mask. */
#include "common.h"
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>


int main(void) {
  int p[2];
  pipe(p);
  fd_set r, w;
  FD_ZERO(&r); FD_ZERO(&w); FD_SET(p[0], &r); FD_SET(p[1], &w);
  struct timeval tv = { 0, 0 };
  show("select empty", select(p[1] + 1, &r, &w, NULL, &tv));
  printf("read set %d, write set %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
  FD_ZERO(&r); FD_SET(p[0], &r);
  tv.tv_sec = 0; tv.tv_usec = 40000;
  long long t0 = now_ms();
  show("select timeout 40ms", select(p[0] + 1, &r, NULL, NULL, &tv));
  printf("waited 40 ms: %s, timeval %ld %ld, read set %d\n", now_ms() - t0 >= 40 ? "yes" : "no", (long)tv.tv_sec, (long)tv.tv_usec, FD_ISSET(p[0], &r));
  pid_t c = fork();
  if (c == 0) { sleep_ms(20); write(p[1], "x", 1); _exit(0); }
  FD_ZERO(&r); FD_SET(p[0], &r);
  tv.tv_sec = 5; tv.tv_usec = 0;
  show("select waits for the writer", select(p[0] + 1, &r, NULL, NULL, &tv));
  printf("read set %d, timeval left between 4 and 5 s: %d\n", FD_ISSET(p[0], &r), tv.tv_sec == 4);
  waitpid(c, NULL, 0);

  FD_ZERO(&r); FD_SET(p[0], &r);
  show("select, data ready, NULL timeout", select(p[0] + 1, &r, NULL, NULL, NULL));
  FD_ZERO(&r); FD_SET(40, &r);
  show("select closed fd", select(41, &r, NULL, NULL, NULL));
  show("select nfds -1", select(-1, NULL, NULL, NULL, NULL));
  tv.tv_sec = -1; tv.tv_usec = 0;
  show("select tv_sec -1", select(1, NULL, NULL, NULL, &tv));
  show("select bad set pointer", select(p[0] + 1, (fd_set *)8, NULL, NULL, NULL));

  sigset_t block, empty;
  usr1_pending(&block, &empty);
  char b;
  read(p[0], &b, 1);
  FD_ZERO(&r); FD_SET(p[0], &r);
  struct timespec ts = { 0, 10000000 };
  show("pselect, SIGUSR1 still blocked", pselect(p[0] + 1, &r, NULL, NULL, &ts, &block));
  FD_ZERO(&r); FD_SET(p[0], &r);
  show("pselect, mask lets SIGUSR1 in", pselect(p[0] + 1, &r, NULL, NULL, NULL, &empty));
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  printf("handler ran: %d, blocked again: %d\n", got, sigismember(&m, SIGUSR1));
  return 0;
}
