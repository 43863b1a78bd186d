/* waker: an almost idle system. Wakes N times (default 10), every PERIOD ms
 * (default 100) with nanosleep, does WORK rounds of computation (default
 * 20000, about 0.1 ms) and sleeps again. The hart idles in between, so this
 * is the workload for tick modes and idle power: how many ticks, wake-ups
 * and joules does doing nothing cost? Prints counts and a checksum only.
 * Usage: waker [N [PERIOD_MS [WORK]]]. Exercises: nanosleep, idle, the tick. */
#include <stdio.h>
#include "syscall.h"

int main(int argc, char **argv) {
  unsigned long n = lde_parse_ulong(argc > 1 ? argv[1] : 0, 10);
  unsigned long period = lde_parse_ulong(argc > 2 ? argv[2] : 0, 100);
  unsigned long work = lde_parse_ulong(argc > 3 ? argv[3] : 0, 20000);
  struct linux_timespec req = { (long)(period / 1000), (long)(period % 1000) * 1000000L };
  unsigned long x = 0x9e3779b97f4a7c15UL, sum = 0, woke = 0;
  for (unsigned long i = 0; i < n; i++) {
    if (sys_nanosleep(&req, 0) == 0) woke++;
    for (unsigned long j = 0; j < work; j++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      sum += x ^ j;
    }
  }
  printf("waker: woke %lu of %lu times, every %lu ms\n", woke, n, period);
  printf("waker: checksum 0x%016lx\n", sum);
  return woke == n ? 0 : 1;
}
