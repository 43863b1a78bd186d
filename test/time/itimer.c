/* getitimer after setitimer(LONG_MAX s) (issue 9). Linux turns each
 * timeval into a ktime_t clamped to KTIME_MAX (kernel/time/itimer.c,
 * ktime_set), so the interval reads back as 9223372036.854775 s and the
 * value as that less the time since boot; never a negative number. */
#include <limits.h>
#include <stdio.h>
#include <sys/time.h>

static void show(const char *what, struct itimerval *o) {
  long s = o->it_value.tv_sec;
  int sane = s > 9223372036L - 100000000L && s <= 9223372036L && o->it_value.tv_usec >= 0 && o->it_value.tv_usec < 1000000;
  printf("%s: interval %ld.%06ld, value %s\n", what, (long)o->it_interval.tv_sec, (long)o->it_interval.tv_usec,
         sane ? "within 3 years below KTIME_MAX" : "wrong");
}

int main(void) {
  struct itimerval v = { { LONG_MAX, 999999 }, { LONG_MAX, 999999 } }, o;
  printf("setitimer = %d\n", setitimer(ITIMER_REAL, &v, 0));
  printf("getitimer = %d\n", getitimer(ITIMER_REAL, &o));
  show("getitimer", &o);
  struct itimerval w = { { 0, 0 }, { 9223372036L, 854775 } };
  printf("setitimer = %d\n", setitimer(ITIMER_REAL, &w, &o));
  show("old", &o);
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  printf("setitimer = %d\n", setitimer(ITIMER_REAL, &off, &o));
  printf("old: interval %ld.%06ld\n", (long)o.it_interval.tv_sec, (long)o.it_interval.tv_usec);
  printf("getitimer = %d\n", getitimer(ITIMER_REAL, &o));
  printf("disarmed: %ld.%06ld %ld.%06ld\n", (long)o.it_interval.tv_sec, (long)o.it_interval.tv_usec, (long)o.it_value.tv_sec, (long)o.it_value.tv_usec);
  return 0;
}
