/* Very long sleeps (issue 9). Linux clamps every deadline to KTIME_MAX
 * (ktime_set, ktime_add_safe): nanosleep({LONG_MAX, 0}) sleeps for ever.
 * lde must not push its clock there: with nothing else to run the run ends
 * at once with one line, or at --max-time. argv[1] picks the sleep; each
 * prints "woke" if it ever returns. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void nap(time_t s, long ns) {
  struct timespec t = { s, ns };
  printf("nanosleep = %d\n", nanosleep(&t, 0));
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "nanosleep";
  setvbuf(stdout, 0, _IONBF, 0);
  if (!strcmp(what, "nanosleep")) nap(LONG_MAX, 0);
  else if (!strcmp(what, "max-ns")) nap(LONG_MAX, 999999999);
  else if (!strcmp(what, "200-days")) nap(200L * 86400, 0);
  else if (!strcmp(what, "1000-s")) nap(1000, 0);
  else if (!strcmp(what, "abstime")) {
    struct timespec t = { LONG_MAX, 999999999 };
    printf("clock_nanosleep = %d\n", clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, 0));
  } else if (!strcmp(what, "monotonic")) {
    struct timespec t = { LONG_MAX / 2, 0 };
    printf("clock_nanosleep = %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, 0));
  } else if (!strcmp(what, "alarm")) {
    struct itimerval v = { { LONG_MAX, 999999 }, { LONG_MAX, 999999 } };
    printf("setitimer = %d\n", setitimer(ITIMER_REAL, &v, 0));
    pause();
  } else if (!strcmp(what, "loop")) {
    /* Every kind in turn, for ever: the first one must end the run. */
    for (;;) { nap(LONG_MAX, 0); nap(200L * 86400, 0); alarm(UINT_MAX); pause(); }
  } else if (!strcmp(what, "spinner")) {
    /* A child spins while its parent sleeps for ever: only --max-time ends it. */
    if (fork() == 0) for (;;) { }
    nap(LONG_MAX, 0);
  }
  printf("woke\n");
  return 0;
}
