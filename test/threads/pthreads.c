// glibc pthreads, the acceptance list of issue 11: mutexes (normal,
// recursive, errorcheck, robust with EOWNERDEAD, priority inheritance),
// condition variables (a CLOCK_MONOTONIC timed wait), barriers, rwlocks,
// TLS (__thread, pthread_key_t destructors), pthread_once, cancellation
// (deferred at read, nanosleep and pthread_cond_wait; asynchronous; cleanup
// handlers; PTHREAD_CANCELED), detached threads, pthread_join's values,
// pthread_kill and sigwait. Threads print nothing in racing order: the main
// thread prints what they recorded.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *err(int e) { return e == 0 ? "0" : e == EDEADLK ? "EDEADLK" : e == EPERM ? "EPERM" : e == EBUSY ? "EBUSY" :
  e == EOWNERDEAD ? "EOWNERDEAD" : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : e == ETIMEDOUT ? "ETIMEDOUT" : strerror(e); }

// ---- mutexes ----
static pthread_mutex_t robust;
static void *dieHolding(void *arg) { (void)arg; pthread_mutex_lock(&robust); return NULL; }

static long shared;
static pthread_mutex_t pi;
static void *piAdder(void *arg) {
  for (int i = 0; i < 1000; i++) { pthread_mutex_lock(&pi); shared++; pthread_mutex_unlock(&pi); if (i % 100 == 0) sched_yield(); }
  return arg;
}

static void *timedLocker(void *arg) {
  (void)arg;
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_nsec += 20000000; if (dl.tv_nsec >= 1000000000) { dl.tv_sec++; dl.tv_nsec -= 1000000000; }
  return (void *)(long)pthread_mutex_timedlock(&pi, &dl);
}

static void *piTaker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&pi);
  long seen = shared;
  pthread_mutex_unlock(&pi);
  return (void *)seen;
}

static sem_t holding, mayDie;
static void *holdThenDie(void *arg) {
  pthread_mutex_lock(&robust);
  sem_post(&holding);
  sem_wait(&mayDie);
  return arg;
}
static void *robustWaiter(void *arg) {
  (void)arg;
  int r = pthread_mutex_lock(&robust);
  if (r == EOWNERDEAD) { pthread_mutex_consistent(&robust); pthread_mutex_unlock(&robust); }
  return (void *)(long)r;
}

static void mutexes(void) {
  pthread_mutexattr_t a;
  pthread_mutex_t m;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&m, &a);
  int r1 = pthread_mutex_lock(&m), r2 = pthread_mutex_lock(&m), r3 = pthread_mutex_trylock(&m);
  pthread_mutex_unlock(&m); pthread_mutex_unlock(&m); pthread_mutex_unlock(&m);
  printf("recursive: lock %s, again %s, trylock %s, unlock once more %s\n", err(r1), err(r2), err(r3), err(pthread_mutex_unlock(&m)));
  pthread_mutex_destroy(&m);

  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &a);
  r1 = pthread_mutex_lock(&m); r2 = pthread_mutex_lock(&m); r3 = pthread_mutex_unlock(&m);
  printf("errorcheck: lock %s, relock %s, unlock %s, unlock unlocked %s\n", err(r1), err(r2), err(r3), err(pthread_mutex_unlock(&m)));
  pthread_mutex_destroy(&m);

  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
  pthread_mutex_init(&m, &a);
  pthread_mutex_lock(&m);
  printf("normal: trylock while held %s\n", err(pthread_mutex_trylock(&m)));
  pthread_mutex_unlock(&m);

  // Robust: the owner dies holding it; the next locker gets EOWNERDEAD, makes it consistent.
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &a);
  pthread_t t;
  pthread_create(&t, NULL, dieHolding, NULL);
  pthread_join(t, NULL);
  r1 = pthread_mutex_lock(&robust);
  r2 = pthread_mutex_consistent(&robust);
  pthread_mutex_unlock(&robust);
  printf("robust: lock after the owner died %s, consistent %s, lock again %s\n", err(r1), err(r2), err(pthread_mutex_lock(&robust)));
  pthread_mutex_unlock(&robust);
  // Not made consistent: the mutex becomes unusable.
  pthread_create(&t, NULL, dieHolding, NULL);
  pthread_join(t, NULL);
  r1 = pthread_mutex_lock(&robust);
  pthread_mutex_unlock(&robust);
  printf("robust: not made consistent: %s, then %s\n", err(r1), err(pthread_mutex_lock(&robust)));

  // Priority inheritance (FUTEX_LOCK_PI): mutual exclusion under contention, errorcheck, robust.
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
  pthread_mutex_init(&pi, &a);
  pthread_t adders[3];
  for (int i = 0; i < 3; i++) pthread_create(&adders[i], NULL, piAdder, NULL);
  for (int i = 0; i < 3; i++) pthread_join(adders[i], NULL);
  printf("PI mutex: 3 threads x 1000 increments = %ld\n", shared);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &a);
  r1 = pthread_mutex_lock(&m); r2 = pthread_mutex_lock(&m); r3 = pthread_mutex_trylock(&m);
  printf("PI errorcheck: lock %s, relock %s, trylock %s, unlock %s\n", err(r1), err(r2), err(r3), err(pthread_mutex_unlock(&m)));
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &a);
  pthread_create(&t, NULL, dieHolding, NULL);
  pthread_join(t, NULL);
  r1 = pthread_mutex_lock(&robust);
  r2 = pthread_mutex_consistent(&robust);
  printf("PI robust: lock after the owner died %s, consistent %s, unlock %s\n", err(r1), err(r2), err(pthread_mutex_unlock(&robust)));
  // A timed lock of a held PI mutex, from another thread: ETIMEDOUT at its CLOCK_REALTIME deadline.
  pthread_mutex_lock(&pi);
  pthread_create(&t, NULL, timedLocker, NULL);
  void *res;
  pthread_join(t, &res);
  pthread_mutex_unlock(&pi);
  printf("PI timedlock on a held mutex: %s\n", err((int)(long)res));

  // The kernel hands a contended PI lock over: a waiter sleeps in FUTEX_LOCK_PI until the owner unlocks.
  pthread_mutex_lock(&pi);
  shared = 0;
  pthread_create(&t, NULL, piTaker, NULL);
  struct timespec ts = {0, 5000000};
  // FUTEX_WAITERS in the lock word: the taker sleeps in the kernel.
  int waiters = 0;
  for (int i = 0; i < 2000 && !waiters; i++) { nanosleep(&ts, NULL); waiters = (*(volatile unsigned *)&pi & 0x80000000u) != 0; }
  shared = 1;
  pthread_mutex_unlock(&pi);
  pthread_join(t, &res);
  printf("PI handover: waiter marked %d, the waiter saw the owner's write %ld\n", waiters, (long)res);

  // A robust PI lock whose owner dies while another thread waits: the waiter gets it, with EOWNERDEAD.
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &a);
  sem_init(&holding, 0, 0); sem_init(&mayDie, 0, 0);
  pthread_t owner, waiter;
  pthread_create(&owner, NULL, holdThenDie, NULL);
  sem_wait(&holding);
  pthread_create(&waiter, NULL, robustWaiter, NULL);
  nanosleep(&ts, NULL);
  sem_post(&mayDie);
  pthread_join(owner, NULL);
  pthread_join(waiter, &res);
  printf("PI robust, owner died while a thread waited: %s\n", err((int)(long)res));
}

// ---- condition variables, barriers, rwlocks ----
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static int ready, woken;
static void *condWaiter(void *arg) {
  pthread_mutex_lock(&lock);
  while (!ready) pthread_cond_wait(&cond, &lock);
  woken++;
  pthread_mutex_unlock(&lock);
  return arg;
}

static pthread_barrier_t barrier;
static int before[4], serial;
static void *atBarrier(void *arg) {
  long i = (long)arg;
  before[i] = 1;
  if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_fetch_add(&serial, 1, __ATOMIC_SEQ_CST);
  // Every thread arrived before any left.
  return (void *)(long)(before[0] + before[1] + before[2] + before[3]);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readersIn, maxReaders, value;
static sem_t readersHold;
static void *reader(void *arg) {
  pthread_rwlock_rdlock(&rw);
  int n = __atomic_add_fetch(&readersIn, 1, __ATOMIC_SEQ_CST);
  if (n > maxReaders) maxReaders = n;
  sem_wait(&readersHold); // both readers hold the lock at once
  int v = value;
  __atomic_sub_fetch(&readersIn, 1, __ATOMIC_SEQ_CST);
  pthread_rwlock_unlock(&rw);
  return (void *)(long)v;
}
static void *writer(void *arg) {
  pthread_rwlock_wrlock(&rw);
  int inside = readersIn;
  value = 42;
  pthread_rwlock_unlock(&rw);
  return (void *)(long)(inside == 0 ? (long)arg : -1);
}

static void syncs(void) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&cond, &ca);
  pthread_t t[4];
  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, condWaiter, NULL);
  pthread_mutex_lock(&lock);
  ready = 1;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  printf("cond broadcast woke %d waiters\n", woken);
  struct timespec start, end, dl;
  clock_gettime(CLOCK_MONOTONIC, &start);
  dl = start; dl.tv_nsec += 30000000; if (dl.tv_nsec >= 1000000000) { dl.tv_sec++; dl.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&lock);
  int r = pthread_cond_timedwait(&cond, &lock, &dl);
  pthread_mutex_unlock(&lock);
  clock_gettime(CLOCK_MONOTONIC, &end);
  long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
  printf("cond timedwait on CLOCK_MONOTONIC: %s after >= 30 ms: %d\n", err(r), ms >= 30);

  pthread_barrier_init(&barrier, NULL, 4);
  long sum = 0;
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, atBarrier, (void *)i);
  for (int i = 0; i < 4; i++) { void *v; pthread_join(t[i], &v); sum += (long)v; }
  printf("barrier: each of 4 saw 4 arrivals: %d, one serial thread: %d\n", sum == 16, serial);
  pthread_barrier_destroy(&barrier);

  sem_init(&readersHold, 0, 0);
  pthread_create(&t[0], NULL, reader, NULL);
  pthread_create(&t[1], NULL, reader, NULL);
  while (__atomic_load_n(&readersIn, __ATOMIC_SEQ_CST) < 2) sched_yield();
  pthread_create(&t[2], NULL, writer, (void *)7L);
  printf("rwlock: writer waits while 2 readers hold: trywrlock %s, tryrdlock ", err(pthread_rwlock_trywrlock(&rw)));
  sem_post(&readersHold); sem_post(&readersHold);
  void *v0, *v1, *v2;
  pthread_join(t[0], &v0); pthread_join(t[1], &v1); pthread_join(t[2], &v2);
  printf("(later) %s; readers saw %ld %ld, max readers at once %d, writer alone %ld, value %d\n",
         err(pthread_rwlock_tryrdlock(&rw)), (long)v0, (long)v1, maxReaders, (long)v2, value);
  pthread_rwlock_unlock(&rw);
}

// ---- TLS, pthread_once ----
static __thread int perThread = 5;
static pthread_key_t key;
static int destroyed[4];
static void destructor(void *v) { destroyed[(long)v]++; }
static int onceRuns;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void initOnce(void) { onceRuns++; }
static void *tls(void *arg) {
  long i = (long)arg;
  perThread += (int)i * 10;
  pthread_setspecific(key, (void *)i);
  pthread_once(&once, initOnce);
  sched_yield();
  return (void *)(long)(perThread * 100 + (long)pthread_getspecific(key));
}

static void locals(void) {
  pthread_key_create(&key, destructor);
  pthread_t t[4];
  for (long i = 1; i < 4; i++) pthread_create(&t[i], NULL, tls, (void *)i);
  printf("TLS:");
  for (int i = 1; i < 4; i++) { void *v; pthread_join(t[i], &v); printf(" %ld", (long)v); }
  printf("; main's __thread still %d; destructors ran %d %d %d; once ran %d time\n", perThread, destroyed[1], destroyed[2], destroyed[3], onceRuns);
}

// ---- cancellation ----
static int cleaned[8];
static void cleanup(void *arg) { cleaned[(long)arg]++; }
static int pipefd[2];
static sem_t started;
// Cancelled while asleep in read (arg 0) or nanosleep (arg 1).
static void *blockIn(void *arg) {
  pthread_cleanup_push(cleanup, arg);
  sem_post(&started);
  char c;
  struct timespec ts = {1000, 0};
  if (arg == 0) read(pipefd[0], &c, 1); else nanosleep(&ts, NULL);
  pthread_cleanup_pop(0);
  return NULL;
}
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static void *blockCond(void *arg) {
  pthread_mutex_lock(&lock);
  pthread_cleanup_push(cleanup, arg);
  pthread_cleanup_push((void (*)(void *))pthread_mutex_unlock, &lock);
  sem_post(&started);
  for (;;) pthread_cond_wait(&never, &lock);
  pthread_cleanup_pop(1);
  pthread_cleanup_pop(1);
  return NULL;
}
static volatile unsigned long spins;
static void *spin(void *arg) {
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  pthread_cleanup_push(cleanup, arg);
  sem_post(&started);
  for (;;) spins++;
  pthread_cleanup_pop(0);
  return NULL;
}
static void *disabled(void *arg) {
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
  sem_post(&started);
  struct timespec ts = {0, 20000000};
  nanosleep(&ts, NULL); // not a cancellation point while disabled
  pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
  pthread_testcancel(); // acts on the pending request
  return arg;
}

static void cancels(void) {
  sem_init(&started, 0, 0);
  pipe(pipefd);
  void *(*fns[])(void *) = {blockIn, blockIn, blockCond, spin, disabled};
  const char *names[] = {"read", "nanosleep", "pthread_cond_wait", "asynchronous (a spin loop)", "disabled, then testcancel"};
  for (long i = 0; i < 5; i++) {
    pthread_t t;
    pthread_create(&t, NULL, fns[i], (void *)i);
    sem_wait(&started);
    struct timespec ts = {0, 5000000};
    if (i == 3) while (spins < 1000) sched_yield(); // the spinner runs: cancel it now
    else nanosleep(&ts, NULL); // the others reach their blocking call
    int r = pthread_cancel(t);
    void *res;
    pthread_join(t, &res);
    printf("cancel at %s: cancel %s, joined PTHREAD_CANCELED %d, cleanup ran %d\n", names[i], err(r), res == PTHREAD_CANCELED, cleaned[i]);
  }
  // The mutex the cond waiter held was released by its cleanup handler.
  printf("mutex free after the cancelled cond wait: %s\n", err(pthread_mutex_trylock(&lock)));
  pthread_mutex_unlock(&lock);
}

// ---- detached threads, join values, pthread_kill, sigwait ----
static sem_t detachedDone;
static int detachedRan;
static void *detachedFn(void *arg) { detachedRan = (int)(long)arg; sem_post(&detachedDone); return NULL; }
static void *exitWith(void *arg) { pthread_exit((void *)((long)arg * 3)); }
static volatile sig_atomic_t usr1In;
static void onUsr1(int sig) { (void)sig; usr1In = 1; }
static void *pausing(void *arg) { // waits in sigsuspend, so a SIGUSR1 between the test and the wait is not lost
  sigset_t usr1, open;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, &open);
  while (!usr1In) sigsuspend(&open);
  return arg;
}
static sem_t taken;
static void *sigwaiter(void *arg) {
  sigset_t set; sigemptyset(&set); sigaddset(&set, SIGUSR2);
  int sig, sum = 0;
  for (int i = 0; i < 3; i++) { sigwait(&set, &sig); sum += sig; sem_post(&taken); }
  return (void *)(long)(sum + (long)arg);
}

static void misc(void) {
  sem_init(&detachedDone, 0, 0);
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  pthread_create(&t, &at, detachedFn, (void *)9L);
  sem_wait(&detachedDone);
  int ds;
  pthread_attr_getdetachstate(&at, &ds);
  printf("detached thread ran: %d, detached attr %d\n", detachedRan, ds == PTHREAD_CREATE_DETACHED);
  pthread_t self = pthread_self();
  pthread_detach(pthread_create(&t, NULL, exitWith, (void *)5L) == 0 ? t : self);
  pthread_create(&t, NULL, exitWith, (void *)14L);
  void *v;
  pthread_join(t, &v);
  printf("pthread_exit value %ld; join self %s\n", (long)v, err(pthread_join(self, NULL)));

  signal(SIGUSR1, onUsr1);
  pthread_create(&t, NULL, pausing, (void *)3L);
  struct timespec ts = {0, 5000000};
  nanosleep(&ts, NULL);
  int r = pthread_kill(t, SIGUSR1);
  pthread_join(t, &v);
  printf("pthread_kill %s, the thread's pause ended: %ld, signal 0 to a live thread %s\n", err(r), (long)v, err(pthread_kill(self, 0)));

  sigset_t set; sigemptyset(&set); sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  pthread_create(&t, NULL, sigwaiter, (void *)1000L);
  sem_init(&taken, 0, 0);
  for (int i = 0; i < 3; i++) { kill(getpid(), SIGUSR2); sem_wait(&taken); } // one at a time: a standard signal does not queue
  pthread_join(t, &v);
  printf("sigwait thread: sum of 3 SIGUSR2 + 1000 = %ld\n", (long)v);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  mutexes();
  syncs();
  locals();
  cancels();
  misc();
  return 0;
}
