/* epoll: level- and edge-triggered, EPOLLONESHOT, the ready list's order,
 * ADD/MOD/DEL and their errors, the epoll fd polled and nested, timeouts. */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int wait_show(const char *what, int ep, int max, int ms) {
  struct epoll_event ev[8];
  int n = epoll_wait(ep, ev, max, ms);
  show(what, n);
  for (int i = 0; i < n; i++) printf("  events %x data %llu\n", ev[i].events, (unsigned long long)ev[i].data.u64);
  return n;
}

static void add(int ep, int fd, uint32_t events, uint64_t data) {
  struct epoll_event e = { .events = events, .data.u64 = data };
  show("epoll_ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
}

int main(void) {
  int a[2], b[2];
  pipe(a); pipe(b);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  printf("FD_CLOEXEC: %d\n", fcntl(ep, F_GETFD) & FD_CLOEXEC);
  add(ep, a[0], EPOLLIN, 1);
  wait_show("LT, nothing yet", ep, 8, 0);
  write(a[1], "x", 1);
  wait_show("LT, data", ep, 8, 0);
  wait_show("LT, same data again", ep, 8, 0);

  int et = epoll_create1(0);
  add(et, a[0], EPOLLIN | EPOLLET, 2);
  wait_show("ET, data", et, 8, 0);
  wait_show("ET, no new event", et, 8, 0);
  write(a[1], "y", 1);
  wait_show("ET, a new write", et, 8, 0);

  int one = epoll_create1(0);
  add(one, a[0], EPOLLIN | EPOLLONESHOT, 3);
  wait_show("ONESHOT, first", one, 8, 0);
  write(a[1], "z", 1);
  wait_show("ONESHOT, disabled", one, 8, 0);
  struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 33 };
  show("epoll_ctl MOD rearms", epoll_ctl(one, EPOLL_CTL_MOD, a[0], &e));
  wait_show("ONESHOT, rearmed", one, 8, 0);

  /* The ready list's order: LT items rotate when maxevents cuts the list short. */
  int rr = epoll_create1(0);
  write(b[1], "w", 1);
  add(rr, a[0], EPOLLIN, 10);
  add(rr, b[0], EPOLLIN, 20);
  add(rr, b[1], EPOLLOUT, 30);
  wait_show("round robin 1", rr, 1, 0);
  wait_show("round robin 2", rr, 1, 0);
  wait_show("round robin 3", rr, 2, 0);
  wait_show("all", rr, 8, 0);

  /* Errors. */
  add(rr, a[0], EPOLLIN, 11);
  show("MOD not added", epoll_ctl(ep, EPOLL_CTL_MOD, b[0], &e));
  show("DEL not added", epoll_ctl(ep, EPOLL_CTL_DEL, b[0], NULL));
  show("DEL", epoll_ctl(rr, EPOLL_CTL_DEL, b[1], NULL));
  show("DEL again", epoll_ctl(rr, EPOLL_CTL_DEL, b[1], NULL));
  show("ADD itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
  show("ADD to a pipe", epoll_ctl(a[0], EPOLL_CTL_ADD, b[0], &e));
  int reg = open("/proc/self/exe", O_RDONLY);
  show("ADD a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &e));
  show("ADD closed fd", epoll_ctl(ep, EPOLL_CTL_ADD, 77, &e));
  show("bad op", epoll_ctl(ep, 9, b[0], &e));
  show("ADD bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, b[0], (struct epoll_event *)8));
  struct epoll_event evs[2];
  show("wait maxevents 0", syscall(SYS_epoll_pwait, ep, evs, 0, 0, NULL, 8));
  show("wait on a pipe", epoll_wait(a[0], evs, 2, 0));
  show("wait bad events pointer", syscall(SYS_epoll_pwait, ep, 8, 2, 0, NULL, 8));
  show("epoll_create1 bad flags", epoll_create1(1));

  /* The epoll fd is pollable, and nests. */
  char buf[16];
  read(a[0], buf, sizeof buf);
  read(b[0], buf, sizeof buf);
  struct pollfd pf = { ep, POLLIN, 0 };
  show("poll the epoll fd, nothing ready", poll(&pf, 1, 0));
  int outer = epoll_create1(0);
  add(outer, ep, EPOLLIN, 99);
  wait_show("outer, nothing", outer, 8, 0);
  show("ADD the outer epoll to the inner (a loop)", epoll_ctl(ep, EPOLL_CTL_ADD, outer, &e));
  int chain[6];
  chain[0] = outer;
  for (int i = 1; i < 6; i++) {
    chain[i] = epoll_create1(0);
    struct epoll_event ce = { .events = EPOLLIN };
    show("nest one deeper", epoll_ctl(chain[i], EPOLL_CTL_ADD, chain[i - 1], &ce));
  }
  long long t0 = now_ms();
  pid_t c = fork();
  if (c == 0) { sleep_ms(20); write(a[1], "late", 4); _exit(0); }
  wait_show("outer waits for the child's write", outer, 8, -1);
  printf("after 20 ms: %s\n", now_ms() - t0 >= 20 ? "yes" : "no");
  show("poll the epoll fd", poll(&pf, 1, 0));
  printf("revents %x\n", pf.revents);
  waitpid(c, NULL, 0);
  read(a[0], buf, sizeof buf);

  t0 = now_ms();
  wait_show("timeout 30 ms", ep, 8, 30);
  long long dt = now_ms() - t0;
  printf("waited 30 ms: %s, and under 2 s: %s\n", dt >= 30 ? "yes" : "no", dt < 2000 ? "yes" : "no");
  close(a[1]);
  wait_show("hangup", ep, 8, 0);
  return 0;
}
