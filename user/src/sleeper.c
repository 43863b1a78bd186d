/* sleeper: sleeps 100 ms twice with nanosleep and measures the time that
 * passed on CLOCK_MONOTONIC (the raw syscall, no vDSO). The elapsed time is
 * printed floored to 100 ms, so the output is the same on every runner: a
 * sleeping process does not run, and the kernel wakes it from its timer.
 * Exercises: nanosleep, blocking, the timer as a wake-up source, clock_gettime. */
#include <stdio.h>
#include "syscall.h"

int main(void) {
  struct linux_timespec t0, t1, req = { 0, 100 * 1000 * 1000 };
  if (sys_clock_gettime(LINUX_CLOCK_MONOTONIC, &t0) != 0) {
    printf("sleeper: clock_gettime failed\n");
    return 1;
  }
  long r1 = sys_nanosleep(&req, 0);
  long r2 = sys_nanosleep(&req, 0);
  sys_clock_gettime(LINUX_CLOCK_MONOTONIC, &t1);
  long ms = (t1.sec - t0.sec) * 1000 + (t1.nsec - t0.nsec) / 1000000;
  printf("sleeper: nanosleep(100 ms) twice: %s\n", r1 == 0 && r2 == 0 ? "ok" : "failed");
  printf("sleeper: elapsed %ld ms (CLOCK_MONOTONIC, floored to 100 ms)\n", ms / 100 * 100);
  return r1 == 0 && r2 == 0 && ms >= 200 ? 0 : 1;
}
