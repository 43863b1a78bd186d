/* The cases qemu-riscv64 gets wrong (it has no epoll_pwait2, and does not
 * check signalfd4's sizemask): checked against a native build on the host's
 * Linux kernel instead. */
#include "common.h"
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

int main(void) {
  int p[2];
  pipe(p);
  int ep = epoll_create1(0);
  struct epoll_event e = { .events = EPOLLIN, .data.u64 = 5 }, evs[2];
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
  struct timespec ts = { 0, 25000000 };
  long long t0 = now_ms();
  show("epoll_pwait2 25 ms", syscall(SYS_epoll_pwait2, ep, evs, 2, &ts, NULL, 8));
  printf("waited 25 ms: %s\n", now_ms() - t0 >= 25 ? "yes" : "no");
  write(p[1], "x", 1);
  show("epoll_pwait2 ready", syscall(SYS_epoll_pwait2, ep, evs, 2, NULL, NULL, 8));
  printf("data %llu\n", (unsigned long long)evs[0].data.u64);
  struct timespec bad = { 0, -1 };
  show("epoll_pwait2 tv_nsec -1", syscall(SYS_epoll_pwait2, ep, evs, 2, &bad, NULL, 8));
  show("epoll_pwait2 bad timespec pointer", syscall(SYS_epoll_pwait2, ep, evs, 2, 8, NULL, 8));
  sigset_t m;
  sigemptyset(&m);
  show("epoll_pwait sigsetsize 4", syscall(SYS_epoll_pwait, ep, evs, 2, 0, &m, 4));
  show("signalfd4 sizemask 4", syscall(SYS_signalfd4, -1, &m, 4, 0));
  return 0;
}
