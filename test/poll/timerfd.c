/* timerfd: relative and absolute, one-shot and periodic, expiration counts,
 * blocking and nonblocking reads, gettime, poll, epoll, and the errors. */
#include "common.h"
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

static uint64_t expirations(int fd) { uint64_t v = 0; if (read(fd, &v, 8) != 8) return 0; return v; }

int main(void) {
  int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  uint64_t v;
  show("read disarmed", read(t, &v, 8));
  struct itimerspec later = { { 0, 0 }, { 10, 0 } };
  show("settime 10 s", timerfd_settime(t, 0, &later, NULL));
  show("read before the first expiry", read(t, &v, 8));
  struct itimerspec its = { { 0, 50000000 }, { 0, 50000000 } };
  long long set0 = now_ms();
  show("settime 50 ms period", timerfd_settime(t, 0, &its, NULL));
  long long set1 = now_ms();
  sleep_ms(175);
  long long r0 = now_ms();
  uint64_t n = expirations(t);
  long long r1 = now_ms();
  /* However long the sleep really took: the count is that of the 50 ms periods in it (ms clock readings, +-1 ms). */
  long long lo = (r0 - set1 - 1) / 50, hi = (r1 - set0 + 1) / 50;
  printf("expirations after sleeping 175 ms: at least 3, as many as periods passed: %d\n", n >= 3 && (long long)n >= lo && (long long)n <= hi);
  struct itimerspec cur;
  timerfd_gettime(t, &cur);
  printf("interval %ld ns, next within 50 ms: %d\n", cur.it_interval.tv_nsec, cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 50000000);
  struct pollfd p = { t, POLLIN, 0 };
  show("poll until the next expiry", poll(&p, 1, 10000));
  printf("expirations: at least 1: %d\n", expirations(t) >= 1);
  struct itimerspec off = { { 0, 0 }, { 0, 0 } }, old;
  show("disarm", timerfd_settime(t, 0, &off, &old));
  printf("old interval %ld\n", old.it_interval.tv_nsec);
  timerfd_gettime(t, &cur);
  printf("disarmed: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

  int b = timerfd_create(CLOCK_MONOTONIC, 0);
  long long t0 = now_ms();
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  struct itimerspec abs = { { 0, 0 }, now };
  abs.it_value.tv_nsec += 30000000;
  if (abs.it_value.tv_nsec >= 1000000000) { abs.it_value.tv_sec++; abs.it_value.tv_nsec -= 1000000000; }
  show("settime absolute +30 ms", timerfd_settime(b, TFD_TIMER_ABSTIME, &abs, NULL));
  printf("blocking read: %llu expiration(s)\n", (unsigned long long)expirations(b));
  printf("waited 30 ms: %s\n", now_ms() - t0 >= 30 ? "yes" : "no");

  int r = timerfd_create(CLOCK_REALTIME, 0);
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  struct itimerspec past = { { 0, 0 }, { wall.tv_sec - 10, 0 } };
  show("settime realtime, in the past", timerfd_settime(r, TFD_TIMER_ABSTIME, &past, NULL));
  printf("expirations: %llu\n", (unsigned long long)expirations(r));

  int ep = epoll_create1(0);
  struct epoll_event e = { .events = EPOLLIN, .data.u64 = 7 };
  epoll_ctl(ep, EPOLL_CTL_ADD, b, &e);
  struct itimerspec rel = { { 0, 0 }, { 0, 20000000 } };
  timerfd_settime(b, 0, &rel, NULL);
  struct epoll_event got;
  show("epoll_wait for a timerfd", epoll_wait(ep, &got, 1, 1000));
  printf("data %llu, expirations %llu\n", (unsigned long long)got.data.u64, (unsigned long long)expirations(b));

  show("create bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
  show("create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
  show("settime bad flags", timerfd_settime(t, 4, &its, NULL));
  struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
  show("settime tv_nsec 1e9", timerfd_settime(t, 0, &bad, NULL));
  show("settime not a timerfd", timerfd_settime(0, 0, &its, NULL));
  show("settime closed fd", timerfd_settime(55, 0, &its, NULL));
  show("gettime bad pointer", timerfd_gettime(t, (struct itimerspec *)8));
  char small[4];
  show("read 4 bytes", read(t, small, 4));
  return 0;
}
