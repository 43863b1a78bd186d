/* ppoll's temporary signal mask (like sigsuspend), EINTR, the restored mask,
 * its timespec, and its errors. */
#include "common.h"
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>


static int blocked(int s) { sigset_t m; sigprocmask(SIG_BLOCK, NULL, &m); return sigismember(&m, s); }

int main(void) {
  int p[2];
  pipe(p);
  sigset_t block, empty;
  usr1_pending(&block, &empty);
  struct pollfd f = { p[0], POLLIN, 0 };
  struct timespec ts = { 0, 20000000 };
  show("ppoll, SIGUSR1 pending and still blocked", ppoll(&f, 1, &ts, &block));
  printf("handler ran: %d\n", got);
  show("ppoll, mask lets SIGUSR1 in", ppoll(&f, 1, NULL, &empty));
  printf("handler ran: %d, SIGUSR1 blocked again: %d\n", got, blocked(SIGUSR1));

  got = 0;
  long long t0 = now_ms();
  pid_t parent = getpid(), c = fork();
  if (c == 0) { sleep_ms(20); kill(parent, SIGUSR1); _exit(0); }
  show("ppoll until the child's signal", ppoll(&f, 1, NULL, &empty));
  printf("handler ran: %d, after 20 ms: %s, blocked again: %d\n", got, now_ms() - t0 >= 20 ? "yes" : "no", blocked(SIGUSR1));
  waitpid(c, NULL, 0);

  struct timespec bad = { 0, 1000000000 };
  show("ppoll tv_nsec 1e9", ppoll(&f, 1, &bad, NULL));
  show("ppoll sigsetsize 4", syscall(SYS_ppoll, &f, 1, NULL, &empty, 4));
  show("ppoll bad timespec pointer", syscall(SYS_ppoll, &f, 1, (void *)8, NULL, 8));
  show("ppoll bad sigmask pointer", syscall(SYS_ppoll, &f, 1, NULL, (void *)8, 8));
  struct timespec left = { 0, 30000000 };
  show("raw ppoll timeout", syscall(SYS_ppoll, &f, 1, &left, NULL, 8));
  printf("timespec left %ld %ld\n", (long)left.tv_sec, left.tv_nsec);
  write(p[1], "x", 1);
  struct timespec lots = { 5, 0 };
  show("raw ppoll ready", syscall(SYS_ppoll, &f, 1, &lots, NULL, 8));
  long long left_ns = lots.tv_sec * 1000000000LL + lots.tv_nsec;
  printf("time left is at most 5 s and over 4 s: %d\n", left_ns <= 5000000000LL && left_ns > 4000000000LL);
  return 0;
}
