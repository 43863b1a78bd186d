/* Two CPU-bound children share 100 ms of (virtual) time, 10^8 instructions
   at 1 GHz, or as many milliseconds as the first argument says; each reports
   the CPU time it got, in milliseconds. The timer is what makes this fair. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static long ms(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec * 1000L + t.tv_nsec / 1000000; }

int main(int argc, char **argv) {
  long run = argc > 1 ? atol(argv[1]) : 100;
  long start = ms(CLOCK_MONOTONIC);
  for (int i = 0; i < 2; i++) {
    if (fork() == 0) {
      volatile unsigned long n = 0;
      while (ms(CLOCK_MONOTONIC) - start < run) for (int j = 0; j < 10000; j++) n++;
      printf("child %d cpu_ms %ld\n", i, ms(CLOCK_PROCESS_CPUTIME_ID));
      fflush(stdout);
      _exit(0);
    }
  }
  while (wait(0) > 0) {}
  return 0;
}
