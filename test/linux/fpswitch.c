/* fpswitch: the FP registers and fcsr belong to each task, whatever the
   kernel does between two of its instructions. Two processes and two
   threads compute at once, each in its own rounding mode, yielding the CPU
   every few steps; a signal handler that computes in another rounding mode
   interrupts a computation in the middle, many times; a child changes its
   mode and must not change its parent's. Every result is printed exactly
   (%a), so a register or a rounding mode lost or mixed up at a context
   switch, a signal or a system call shows. */
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* A computation whose last bits depend on the rounding mode, with values kept
   in FP registers across a system call (sched_yield) every 8 steps. */
static double work(int mode, int steps, double seed) {
  fesetround(mode);
  register double a = seed, b = 1.0 / 3.0, c = 0.1;
  for (int i = 1; i <= steps; i++) {
    a = a * 1.0000001 + b / (double)i;
    b = b * 0.999999 + c;
    c = c / 3.0 + a * 1e-9;
    if (i % 8 == 0) sched_yield();
  }
  return a + b + c;
}

static const char *name(int mode) {
  switch (mode) {
  case FE_TONEAREST: return "nearest";
  case FE_UPWARD: return "upward";
  case FE_DOWNWARD: return "downward";
  case FE_TOWARDZERO: return "towardzero";
  }
  return "?";
}

static volatile sig_atomic_t handled;
static volatile double inHandler;

static void onUsr1(int sig) {
  (void)sig;
  int saved = fegetround();
  fesetround(FE_DOWNWARD);
  volatile double x = 1.0;
  for (int i = 0; i < 5; i++) x = x / 3.0 + 0.7;
  inHandler = x;
  fesetround(saved == FE_TONEAREST ? FE_UPWARD : FE_TONEAREST); /* the kernel must undo this on return */
  handled++;
}

struct job { int mode; int steps; double seed; double out; };

static void *thread(void *arg) {
  struct job *j = arg;
  j->out = work(j->mode, j->steps, j->seed);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);

  /* Two processes at once, each its own mode. */
  pid_t pid = fork();
  if (pid == 0) {
    double r = work(FE_UPWARD, 4000, 2.0);
    printf("child   %-10s %a mode still %s\n", name(FE_UPWARD), r, name(fegetround()));
    _exit(0);
  }
  double r = work(FE_DOWNWARD, 4000, 2.0);
  int status;
  waitpid(pid, &status, 0);
  printf("parent  %-10s %a mode still %s\n", name(FE_DOWNWARD), r, name(fegetround()));

  /* Two threads at once, and main in a third mode. */
  struct job j1 = { FE_TOWARDZERO, 3000, 1.5, 0 }, j2 = { FE_UPWARD, 3000, 1.5, 0 };
  pthread_t t1, t2;
  pthread_create(&t1, NULL, thread, &j1);
  pthread_create(&t2, NULL, thread, &j2);
  double m = work(FE_TONEAREST, 3000, 1.5);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("thread  %-10s %a\n", name(j1.mode), j1.out);
  printf("thread  %-10s %a\n", name(j2.mode), j2.out);
  printf("main    %-10s %a\n", name(FE_TONEAREST), m);

  /* A handler that computes, in its own mode, in the middle of a computation. */
  signal(SIGUSR1, onUsr1);
  fesetround(FE_UPWARD);
  register double a = 1.0, b = 0.5;
  for (int i = 1; i <= 200; i++) {
    a = a * 1.001 + b / (double)i;
    if (i % 10 == 0) raise(SIGUSR1);
    b = b + a * 1e-3;
  }
  printf("signals %d handler %a loop %a mode still %s\n", (int)handled, inHandler, a + b, name(fegetround()));
  return 0;
}
