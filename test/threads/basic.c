// Threads under lde and qemu-riscv64: create/join, mutexes, condition
// variables, barriers, TLS, pthread_once, detached threads, a timed wait
// that times out, and the thread ids. Output is deterministic.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *square(void *arg) { long n = (long)arg; return (void *)(n * n); }

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *add(void *arg) {
  for (int i = 0; i < 2000; i++) { pthread_mutex_lock(&lock); counter++; pthread_mutex_unlock(&lock); if (i % 500 == 0) sched_yield(); }
  return arg;
}

#define SLOTS 4
static int queue[SLOTS], head, tail, count;
static pthread_cond_t notEmpty = PTHREAD_COND_INITIALIZER, notFull = PTHREAD_COND_INITIALIZER;
static void *producer(void *arg) {
  for (int i = 1; i <= 50; i++) {
    pthread_mutex_lock(&lock);
    while (count == SLOTS) pthread_cond_wait(&notFull, &lock);
    queue[tail] = i; tail = (tail + 1) % SLOTS; count++;
    pthread_cond_signal(&notEmpty);
    pthread_mutex_unlock(&lock);
  }
  return arg;
}
static void *consumer(void *arg) {
  long sum = 0;
  for (int i = 0; i < 50; i++) {
    pthread_mutex_lock(&lock);
    while (count == 0) pthread_cond_wait(&notEmpty, &lock);
    sum += queue[head]; head = (head + 1) % SLOTS; count--;
    pthread_cond_signal(&notFull);
    pthread_mutex_unlock(&lock);
  }
  return (void *)sum;
}

static pthread_barrier_t barrier;
static int arrived[3];
static void *meet(void *arg) {
  long i = (long)arg;
  arrived[i] = 1;
  int r = pthread_barrier_wait(&barrier);
  int all = arrived[0] + arrived[1] + arrived[2];
  return (void *)(long)(all * 10 + (r == PTHREAD_BARRIER_SERIAL_THREAD));
}

static __thread int tls = 7;
static __thread char tlsName[16];
static void *tlsWork(void *arg) {
  long i = (long)arg;
  tls += (int)i;
  snprintf(tlsName, sizeof tlsName, "t%ld", i);
  sched_yield();
  return (void *)(long)(tls * 100 + (tlsName[1] - '0'));
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int onceRuns;
static void initOnce(void) { onceRuns++; }
static void *callOnce(void *arg) { pthread_once(&once, initOnce); return arg; }

static pthread_mutex_t detLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t detDone = PTHREAD_COND_INITIALIZER;
static int detached;
static void *detachedWork(void *arg) {
  pthread_mutex_lock(&detLock); detached++; pthread_cond_signal(&detDone); pthread_mutex_unlock(&detLock);
  return arg;
}

static pid_t tids[2];
static void *ids(void *arg) {
  long i = (long)arg;
  tids[i] = (pid_t)syscall(SYS_gettid);
  return (void *)(long)(getpid() == (pid_t)(long)0 ? -1 : getpid());
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pthread_t t[8];
  void *r;
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, square, (void *)(i + 2));
  for (int i = 0; i < 4; i++) { pthread_join(t[i], &r); printf("join %d: %ld\n", i, (long)r); }

  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, add, (void *)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  printf("counter: %ld\n", counter);

  pthread_create(&t[0], NULL, consumer, NULL);
  pthread_create(&t[1], NULL, producer, NULL);
  pthread_join(t[1], NULL); pthread_join(t[0], &r);
  printf("consumed sum: %ld\n", (long)r);

  pthread_barrier_init(&barrier, NULL, 3);
  int serial = 0;
  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, meet, (void *)i);
  for (int i = 0; i < 3; i++) { pthread_join(t[i], &r); printf("barrier %d saw %ld\n", i, (long)r / 10); serial += (long)r % 10; }
  printf("serial threads: %d\n", serial);

  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, tlsWork, (void *)(i + 1));
  for (int i = 0; i < 3; i++) { pthread_join(t[i], &r); printf("tls %d: %ld\n", i, (long)r); }
  printf("main tls: %d\n", tls);

  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, callOnce, NULL);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  printf("once ran %d time(s)\n", onceRuns);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 0; i < 2; i++) pthread_create(&t[i], &attr, detachedWork, NULL);
  pthread_mutex_lock(&detLock);
  while (detached < 2) pthread_cond_wait(&detDone, &detLock);
  pthread_mutex_unlock(&detLock);
  printf("detached threads done: %d\n", detached);

  pthread_mutex_lock(&lock);
  struct timespec before, deadline, after;
  clock_gettime(CLOCK_REALTIME, &before);
  deadline = before;
  deadline.tv_nsec += 50 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
  int e = pthread_cond_timedwait(&notEmpty, &lock, &deadline);
  clock_gettime(CLOCK_REALTIME, &after);
  pthread_mutex_unlock(&lock);
  long waited = (after.tv_sec - before.tv_sec) * 1000000000L + (after.tv_nsec - before.tv_nsec);
  printf("timedwait: %s, waited at least 50 ms: %s\n", e == ETIMEDOUT ? "ETIMEDOUT" : strerror(e), waited >= 50000000L ? "yes" : "no");

  for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, ids, (void *)i);
  for (int i = 0; i < 2; i++) { pthread_join(t[i], &r); printf("thread %d: getpid is the process's: %s\n", i, (pid_t)(long)r == getpid() ? "yes" : "no"); }
  pid_t me = (pid_t)syscall(SYS_gettid);
  printf("main: gettid == getpid: %s; threads' tids differ from it and each other: %s\n", me == getpid() ? "yes" : "no",
         tids[0] != me && tids[1] != me && tids[0] != tids[1] ? "yes" : "no");
  return 0;
}
