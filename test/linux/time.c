/* time: clocks and sleeps.  Prints only booleans, since every duration
   differs from run to run (and lde's clock is virtual). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static long long ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
  long long prev = ns(CLOCK_MONOTONIC);
  int monotonic = 1;
  for (int i = 0; i < 1000; i++) {
    long long now = ns(CLOCK_MONOTONIC);
    monotonic &= now >= prev;
    prev = now;
  }
  printf("CLOCK_MONOTONIC never goes back over 1000 reads: %d\n", monotonic);

  struct timespec res;
  int r = clock_getres(CLOCK_MONOTONIC, &res);
  printf("clock_getres MONOTONIC: %d, between 1 ns and 10 ms %d\n", r,
         res.tv_sec == 0 && res.tv_nsec >= 1 && res.tv_nsec <= 10000000);

  long long a = ns(CLOCK_MONOTONIC);
  struct timespec fifty = {0, 50000000};
  r = nanosleep(&fifty, 0);
  long long b = ns(CLOCK_MONOTONIC);
  printf("nanosleep 50 ms: returned %d, advanced >= 50 ms %d, < 5 s %d\n", r, b - a >= 50000000,
         b - a < 5000000000LL);

  a = ns(CLOCK_MONOTONIC);
  r = clock_nanosleep(CLOCK_MONOTONIC, 0, &fifty, 0);
  b = ns(CLOCK_MONOTONIC);
  printf("clock_nanosleep relative 50 ms: %d, advanced >= 50 ms %d\n", r, b - a >= 50000000);

  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += 30000000;
  if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
  r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0);
  struct timespec after;
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("clock_nanosleep TIMER_ABSTIME: %d, woke at or after the deadline %d\n", r,
         after.tv_sec > until.tv_sec || (after.tv_sec == until.tv_sec && after.tv_nsec >= until.tv_nsec));

  a = ns(CLOCK_MONOTONIC);
  r = usleep(20000);
  b = ns(CLOCK_MONOTONIC);
  printf("usleep 20 ms: %d, advanced >= 20 ms %d\n", r, b - a >= 20000000);

  struct timespec zero = {0, 0};
  printf("nanosleep 0: %d\n", nanosleep(&zero, 0));
  struct timespec bad = {0, 1000000000};
  errno = 0;
  r = nanosleep(&bad, 0);
  printf("nanosleep tv_nsec = 1e9: %d %s\n", r, errname(errno));
  struct timespec neg = {-1, 0};
  errno = 0;
  r = nanosleep(&neg, 0);
  printf("nanosleep negative: %d %s\n", r, errname(errno));

  struct timeval tv;
  gettimeofday(&tv, 0);
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  time_t t = time(0);
  long long d = (rt.tv_sec - tv.tv_sec) * 1000000LL + (rt.tv_nsec / 1000 - tv.tv_usec);
  printf("gettimeofday and CLOCK_REALTIME agree within 1 s %d, time() too %d, usec < 1e6 %d\n",
         d >= 0 && d < 1000000, t - rt.tv_sec >= -1 && t - rt.tv_sec <= 1, tv.tv_usec < 1000000);

  long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 2000000; i++) x += i;
  long long c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("CLOCK_PROCESS_CPUTIME_ID advances while computing %d\n", c1 > c0);
  long long m0 = ns(CLOCK_MONOTONIC), b0 = ns(CLOCK_BOOTTIME);
  printf("CLOCK_BOOTTIME >= CLOCK_MONOTONIC %d\n", b0 >= m0);
  long long co = ns(CLOCK_MONOTONIC_COARSE), raw = ns(CLOCK_MONOTONIC_RAW);
  printf("MONOTONIC_COARSE and MONOTONIC_RAW readable %d %d\n", co > 0, raw > 0);
  errno = 0;
  r = clock_gettime((clockid_t)12345, &rt);
  printf("clock_gettime bad clock: %d %s\n", r, errname(errno));
  printf("sleep(0) = %u\n", sleep(0));
  return 0;
}
