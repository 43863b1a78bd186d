// The thread system calls directly: futex's commands and errors, clone3,
// the robust list, membarrier, CPU affinity and /proc/self/task. Only what
// does not depend on the host (CPU count, kernel version) is printed.
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long futex(uint32_t *uaddr, int op, uint32_t val, const void *timeout, uint32_t *uaddr2, uint32_t val3) {
  return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}
static const char *err(long r) { return r == -1 ? strerrorname_np(errno) : "ok"; }

static uint32_t word, word2;
static volatile int ready, woken;
static void *waiterOn(void *arg) {
  uint32_t *w = arg;
  __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
  long r = futex(w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
  return (void *)r;
}
static void *bitWaiter(void *arg) {
  __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
  long r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, (uint32_t)(long)arg);
  __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
  return (void *)r;
}
static void settle(void) { for (int i = 0; i < 20; i++) sched_yield(); }
/** Waits until n other threads of this process are asleep ('S' in /proc/self/task/TID/stat), so a wake finds them all. */
static void asleep(int n) {
  for (;;) {
    int count = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      char path[64], buf[256];
      snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
      FILE *f = fopen(path, "r");
      if (!f) continue;
      size_t len = fread(buf, 1, sizeof buf - 1, f);
      fclose(f);
      buf[len] = 0;
      char *close = strrchr(buf, ')');
      if (close && close[1] == ' ' && close[2] == 'S') count++;
    }
    if (d) closedir(d);
    if (count >= n) return;
    sched_yield();
  }
}

static void futexes(void) {
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  word = 1;
  printf("WAIT on a changed value: %s\n", err(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
  printf("WAIT times out: %s\n", err(futex(&word, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0)));
  struct timespec bad = { 0, 1000000000 };
  printf("WAIT with tv_nsec 1e9: %s\n", err(futex(&word, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0)));
  printf("WAIT unaligned: %s\n", err(futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0)));
  printf("WAIT at a bad address: %s\n", err(futex((uint32_t *)8, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0)));
  printf("WAIT_BITSET with bitset 0: %s\n", err(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0)));
  printf("WAKE with CLOCK_REALTIME: %s\n", err(futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0)));
  printf("unknown command: %s\n", err(futex(&word, 99, 1, NULL, NULL, 0)));
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  now.tv_nsec += 10 * 1000 * 1000;
  if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
  printf("WAIT_BITSET absolute on CLOCK_REALTIME times out: %s\n",
         err(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &now, NULL, FUTEX_BITSET_MATCH_ANY)));
  clock_gettime(CLOCK_MONOTONIC, &now);
  printf("WAIT_BITSET absolute in the past: %s\n", err(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &now, NULL, FUTEX_BITSET_MATCH_ANY)));

  // WAKE wakes as many as asked.
  word = 0; ready = woken = 0;
  pthread_t t[4];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, waiterOn, &word);
  while (ready < 3) sched_yield();
  asleep(3);
  printf("WAKE 2 of 3: %ld\n", futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0));
  while (woken < 2) sched_yield();
  settle();
  printf("woken so far: %d\n", woken);
  printf("a shared WAKE does not wake private waiters: %ld\n", futex(&word, FUTEX_WAKE, 5, NULL, NULL, 0));
  printf("WAKE the rest: %ld\n", futex(&word, FUTEX_WAKE_PRIVATE, 5, NULL, NULL, 0));
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);

  // CMP_REQUEUE: one woken, two moved to word2, then woken there.
  word = 0; word2 = 0; ready = woken = 0;
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, waiterOn, &word);
  while (ready < 3) sched_yield();
  asleep(3);
  printf("CMP_REQUEUE with a stale value: %s\n", err(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 7)));
  printf("CMP_REQUEUE wakes 1, moves 2: %ld\n", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 0));
  printf("WAKE on the old word: %ld\n", futex(&word, FUTEX_WAKE_PRIVATE, 5, NULL, NULL, 0));
  printf("WAKE on the new word: %ld\n", futex(&word2, FUTEX_WAKE_PRIVATE, 5, NULL, NULL, 0));
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);

  // WAKE_OP: word2 += 5, wake one on word, and one on word2 if the old word2 was 0.
  word = 0; word2 = 0; ready = woken = 0;
  pthread_create(&t[0], NULL, waiterOn, &word);
  pthread_create(&t[1], NULL, waiterOn, &word2);
  while (ready < 2) sched_yield();
  asleep(2);
  printf("WAKE_OP: %ld\n", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0)));
  printf("word2 after WAKE_OP: %u\n", word2);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);

  // WAKE_BITSET wakes only the waiters whose bitset meets it.
  word = 0; ready = woken = 0;
  pthread_create(&t[0], NULL, bitWaiter, (void *)1L);
  pthread_create(&t[1], NULL, bitWaiter, (void *)2L);
  while (ready < 2) sched_yield();
  asleep(2);
  printf("WAKE_BITSET 2: %ld\n", futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 5, NULL, NULL, 2));
  printf("WAKE_BITSET 1: %ld\n", futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 5, NULL, NULL, 1));
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
}

// A robust mutex whose owner dies: the next locker gets EOWNERDEAD.
static pthread_mutex_t robust;
static void *lockAndDie(void *arg) { (void)arg; pthread_mutex_lock(&robust); return NULL; }
static void robustList(void) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &a);
  pthread_t t;
  pthread_create(&t, NULL, lockAndDie, NULL);
  pthread_join(t, NULL);
  int e = pthread_mutex_lock(&robust);
  printf("lock after the owner died: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : strerror(e));
  pthread_mutex_consistent(&robust);
  pthread_mutex_unlock(&robust);
  void *head; size_t len;
  printf("get_robust_list: %s, a head is registered: %s\n", err(syscall(SYS_get_robust_list, 0, &head, &len)), head != NULL ? "yes" : "no");
  printf("set_robust_list with a bad length: %s\n", err(syscall(SYS_set_robust_list, head, 23)));
  printf("get_robust_list of no such thread: %s\n", err(syscall(SYS_get_robust_list, 999999, &head, &len)));
}

static void clone3s(void) {
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.exit_signal = SIGCHLD;
  printf("clone3 with size 32: %s\n", err(syscall(SYS_clone3, &ca, 32)));
  ca.flags = CLONE_SIGHAND;
  printf("clone3 CLONE_SIGHAND without CLONE_VM: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
  ca.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
  printf("clone3 a thread with an exit signal: %s\n", err(syscall(SYS_clone3, &ca, sizeof ca)));
  ca.flags = 0;
  long pid = syscall(SYS_clone3, &ca, sizeof ca);
  if (pid == 0) _exit(9);
  int st;
  pid_t w = waitpid((pid_t)pid, &st, 0);
  printf("clone3 as fork: child reaped %s, status %d\n", w == pid ? "yes" : "no", WEXITSTATUS(st));
}

// A handler without SA_RESTART interrupts a FUTEX_WAIT: EINTR.
static void onUsr2(int sig) { (void)sig; }
static volatile pid_t sleeperTid;
static void *interrupted(void *arg) {
  (void)arg;
  sleeperTid = (pid_t)syscall(SYS_gettid);
  uint32_t w = 0;
  long r = futex(&w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  return (void *)(long)(r == -1 ? errno : 0);
}
static void eintr(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onUsr2;
  sigaction(SIGUSR2, &sa, NULL);
  pthread_t t;
  pthread_create(&t, NULL, interrupted, NULL);
  while (sleeperTid == 0) sched_yield();
  asleep(1);
  syscall(SYS_tgkill, getpid(), sleeperTid, SIGUSR2);
  void *r;
  pthread_join(t, &r);
  printf("FUTEX_WAIT interrupted by a handler: %s\n", (long)r == EINTR ? "EINTR" : strerror((int)(long)r));
}

static void *parked(void *arg) { (void)arg; while (!woken) sched_yield(); return NULL; }
static void misc(void) {
  long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  int want = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
  printf("membarrier query has GLOBAL and PRIVATE_EXPEDITED: %s\n", (q & want) == want ? "yes" : "no");
  printf("membarrier PRIVATE_EXPEDITED unregistered: %s\n", err(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)));
  printf("membarrier register: %s\n", err(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0)));
  printf("membarrier PRIVATE_EXPEDITED: %s\n", err(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)));
  printf("membarrier with flags: %s\n", err(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 1, 0)));
  cpu_set_t set;
  CPU_ZERO(&set);
  long n = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
  printf("sched_getaffinity: %s, cpu 0 in the mask: %s\n", n > 0 ? "ok" : "failed", CPU_ISSET(0, &set) ? "yes" : "no");
  printf("sched_getaffinity with 1 byte: %s\n", err(syscall(SYS_sched_getaffinity, 0, 1, &set)));
  CPU_ZERO(&set);
  printf("sched_setaffinity with an empty mask: %s\n", err(syscall(SYS_sched_setaffinity, 0, sizeof set, &set)));
  CPU_SET(0, &set);
  printf("sched_setaffinity to cpu 0: %s\n", err(syscall(SYS_sched_setaffinity, 0, sizeof set, &set)));
  printf("sched_getaffinity of no such thread: %s\n", err(syscall(SYS_sched_getaffinity, 999999, sizeof set, &set)));
  printf("tkill of tid 0: %s\n", err(syscall(SYS_tkill, 0, 0)));
  printf("set_tid_address returns the tid: %s\n", syscall(SYS_set_tid_address, NULL) == syscall(SYS_gettid) ? "yes" : "no");

  woken = 0;
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, parked, NULL);
  DIR *d = opendir("/proc/self/task");
  int entries = 0, self = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    entries++;
    if (atoi(e->d_name) == getpid()) self++;
  }
  if (d) closedir(d);
  woken = 1;
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  printf("/proc/self/task: %d threads, the leader among them: %s\n", entries, self ? "yes" : "no");
}

// The PI word protocol (futex(2)), each errno case of the four PI commands.
static uint32_t piWord;
static void *piWaiter(void *arg) {
  (void)arg;
  long r = futex(&piWord, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  uint32_t seen = piWord;
  long u = futex(&piWord, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  printf("PI waiter: lock %s, word then its tid|WAITERS %d, unlock %s, word %u\n", err(r),
         seen == (0x80000000u | (uint32_t)syscall(SYS_gettid)), err(u), piWord);
  return NULL;
}
static void piFutexes(void) {
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  long r = futex(&piWord, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  printf("LOCK_PI of 0: %s, word is my tid %d\n", err(r), piWord == me);
  // (One call per statement: the order in which a call's arguments are evaluated is unspecified.)
  r = futex(&piWord, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  printf("LOCK_PI again: %s; ", err(r));
  printf("TRYLOCK_PI: %s\n", err(futex(&piWord, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0)));
  r = futex(&piWord, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  printf("UNLOCK_PI: %s, word %u; ", err(r), piWord);
  printf("UNLOCK_PI of 0: %s\n", err(futex(&piWord, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0)));
  piWord = 0x3ffffff0; // no such thread
  printf("LOCK_PI with a dead owner: %s; ", err(futex(&piWord, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0)));
  printf("TRYLOCK_PI: %s\n", err(futex(&piWord, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0)));
  piWord = 0x40000000; // FUTEX_OWNER_DIED, no owner: taken, the bit kept
  r = futex(&piWord, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  printf("TRYLOCK_PI of OWNER_DIED: %s, word OWNER_DIED|tid %d\n", err(r), piWord == (0x40000000u | me));
  piWord = me;
  struct timespec rel = {0, 1000000};
  printf("LOCK_PI|CLOCK_REALTIME: %s; ", err(futex(&piWord, FUTEX_LOCK_PI_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &rel, NULL, 0)));
  printf("LOCK_PI2 bad timeout: %s\n", err(futex(&piWord, FUTEX_LOCK_PI2_PRIVATE, 0, &(struct timespec){0, 1000000000}, NULL, 0)));
  piWord = 0;
  futex(&piWord, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  pthread_t t;
  pthread_create(&t, NULL, piWaiter, NULL);
  asleep(1);
  printf("owner sees WAITERS: %d\n", (piWord & 0x80000000u) != 0);
  futex(&piWord, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  pthread_join(t, NULL);
  struct timespec past = {1, 0}; // an absolute deadline long gone (CLOCK_MONOTONIC for LOCK_PI2)
  piWord = me;
  printf("LOCK_PI2 past deadline on my own lock: %s\n", err(futex(&piWord, FUTEX_LOCK_PI2_PRIVATE, 0, &past, NULL, 0)));
  piWord = 0;
}

// FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI: waiters on a plain word move to a PI lock.
static uint32_t condWord, piLock;
static long rqResult[3];
static uint32_t rqOwned[3];
static void *requeueWaiter(void *arg) {
  long i = (long)arg;
  rqResult[i] = futex(&condWord, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, &piLock, 0);
  rqOwned[i] = (piLock & 0x3fffffff) == (uint32_t)syscall(SYS_gettid);
  futex(&piLock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  return NULL;
}
static void requeuePi(void) {
  printf("CMP_REQUEUE_PI nr_wake 2: %s; ", err(futex(&condWord, FUTEX_CMP_REQUEUE_PI_PRIVATE, 2, (void *)1, &piLock, 0)));
  printf("same word: %s; ", err(futex(&condWord, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &condWord, 0)));
  printf("val3 differs: %s; ", err(futex(&condWord, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &piLock, 5)));
  printf("nobody waits: %ld\n", futex(&condWord, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &piLock, 0));
  printf("WAIT_REQUEUE_PI value differs: %s; ", err(futex(&condWord, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 1, NULL, &piLock, 0)));
  printf("same word: %s\n", err(futex(&condWord, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, &condWord, 0)));
  // One waiter, the lock free: it is given the lock and woken.
  pthread_t t[3];
  pthread_create(&t[0], NULL, requeueWaiter, (void *)0L);
  asleep(1);
  printf("FUTEX_WAKE on a requeue-PI waiter: %s\n", err(futex(&condWord, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));
  long n = futex(&condWord, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)0, &piLock, 0);
  pthread_join(t[0], NULL);
  printf("requeue to a free lock: %ld; the waiter returned %ld owning it: %d; word after its unlock %u\n", n, rqResult[0], rqOwned[0], piLock);
  // Two waiters, the lock held: both join the lock's waiters and get it in turn.
  futex(&piLock, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  for (long i = 1; i < 3; i++) pthread_create(&t[i], NULL, requeueWaiter, (void *)i);
  asleep(2);
  n = futex(&condWord, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)10, &piLock, 0);
  printf("requeue to a held lock: %ld, WAITERS set %d; ", n, (piLock & 0x80000000u) != 0);
  futex(&piLock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
  for (int i = 1; i < 3; i++) pthread_join(t[i], NULL);
  printf("after unlock, each returned %ld %ld owning it %d %d; word %u\n", rqResult[1], rqResult[2], rqOwned[1], rqOwned[2], piLock);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  futexes();
  piFutexes();
  requeuePi();
  eintr();
  robustList();
  clone3s();
  misc();
  return 0;
}
