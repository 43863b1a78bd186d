/* signalfd: blocked signals read as signalfd_siginfo records, several at a
 * time, poll, a signal from another process, a new mask, and the errors. */
#include "common.h"
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void rd(const char *what, int fd, int max) {
  struct signalfd_siginfo si[4];
  long r = read(fd, si, max * sizeof si[0]);
  show(what, r);
  for (long i = 0; r > 0 && i < r / (long)sizeof si[0]; i++)
    printf("  signo %u code %d from me %d int %d\n", si[i].ssi_signo, si[i].ssi_code, si[i].ssi_pid == (uint32_t)getpid(), si[i].ssi_int);
}

int main(void) {
  sigset_t m;
  sigemptyset(&m); sigaddset(&m, SIGUSR1); sigaddset(&m, SIGUSR2);
  sigprocmask(SIG_BLOCK, &m, NULL);
  int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
  rd("read, nothing pending", fd, 1);
  struct pollfd p = { fd, POLLIN, 0 };
  show("poll, nothing pending", poll(&p, 1, 0));
  kill(getpid(), SIGUSR2);
  raise(SIGUSR1);
  show("poll, two pending", poll(&p, 1, 0));
  rd("read one", fd, 1);
  union sigval sv = { .sival_int = 1234 };
  sigqueue(getpid(), SIGUSR1, sv);
  rd("read up to four", fd, 4);
  char small[64];
  show("read 64 bytes", read(fd, small, sizeof small));

  int b = signalfd(-1, &m, 0);
  pid_t parent = getpid(), c = fork();
  if (c == 0) { sleep_ms(20); kill(parent, SIGUSR1); _exit(0); }
  rd("blocking read, the child's signal", b, 1);
  waitpid(c, NULL, 0);

  sigset_t only2;
  sigemptyset(&only2); sigaddset(&only2, SIGUSR2);
  show("new mask", signalfd(fd, &only2, 0));
  raise(SIGUSR1);
  rd("read, SIGUSR1 not in the mask", fd, 1);
  sigset_t pend;
  sigpending(&pend);
  printf("SIGUSR1 still pending: %d\n", sigismember(&pend, SIGUSR1));
  show("signalfd on a pipe-less fd 0", signalfd(0, &m, 0));
  show("signalfd closed fd", signalfd(50, &m, 0));
  show("signalfd bad flags", signalfd(-1, &m, 1));
  show("signalfd bad mask pointer", syscall(SYS_signalfd4, -1, 8, 8, 0));
  return 0;
}
