// Threads that end in different ways, signals to a threaded process, and
// execve from a thread; chosen by argv[1]. Output is deterministic.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }
static volatile int stage;
// qemu-riscv64 cannot run execve of a riscv64 program without binfmt_misc: the exec case is checked against a native build.

// A thread ends with exit(2) (pthread_exit) while the others go on; then the main thread does too.
static void *quitter(void *arg) { (void)arg; pthread_exit((void *)42); }
static void *survivor(void *arg) {
  pthread_t main_thread = (pthread_t)arg;
  while (stage == 0) sched_yield();
  printf("survivor: still running after the quitter ended\n");
  void *r;
  int e = pthread_join(main_thread, &r);
  printf("survivor: joined the main thread: %d, result %ld\n", e, (long)r);
  return NULL; // the last thread: the process exits 0
}
static int threadExit(void) {
  pthread_t q, s;
  void *r;
  pthread_create(&q, NULL, quitter, NULL);
  pthread_join(q, &r);
  printf("main: quitter returned %ld\n", (long)r);
  pthread_create(&s, NULL, survivor, (void *)pthread_self());
  stage = 1;
  pthread_exit((void *)7); // the leader ends first; the process lives on in the survivor
}

// exit_group from a thread ends every thread: the main one is in pthread_join.
static void *ender(void *arg) { (void)arg; printf("ender: exiting with 3\n"); exit(3); }
static int groupExit(void) {
  pthread_t t;
  pthread_create(&t, NULL, ender, NULL);
  pthread_join(t, NULL);
  printf("main: not reached\n");
  return 0;
}

// kill(getpid()) goes to a thread that does not block the signal.
static volatile pid_t handledBy;
static void onUsr1(int sig) { (void)sig; handledBy = gettid_(); }
static volatile pid_t workerTid;
static void *waiter(void *arg) {
  (void)arg;
  // A thread starts with its creator's mask, SIGUSR1 blocked; this one takes SIGUSR1 only inside
  // sigsuspend, so a signal that comes between the test and the wait is not lost (it waits in the
  // process's pending set, the main thread blocking it too, until sigsuspend unblocks it here).
  sigset_t open;
  pthread_sigmask(SIG_BLOCK, NULL, &open);
  sigdelset(&open, SIGUSR1);
  workerTid = gettid_();
  while (handledBy == 0) sigsuspend(&open);
  return NULL;
}
static int killProcess(void) {
  signal(SIGUSR1, onUsr1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  pthread_t t;
  pthread_create(&t, NULL, waiter, NULL);
  while (workerTid == 0) sched_yield();
  kill(getpid(), SIGUSR1);
  pthread_join(t, NULL);
  printf("SIGUSR1 handled by the worker thread: %s\n", handledBy == workerTid ? "yes" : "no");
  // tgkill to the main thread, which blocks it: pending there until unblocked.
  handledBy = 0;
  syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
  sigset_t pending;
  sigpending(&pending);
  printf("pending on the main thread while blocked: %s\n", sigismember(&pending, SIGUSR1) ? "yes" : "no");
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  printf("handled by the main thread after unblocking: %s\n", handledBy == gettid_() ? "yes" : "no");
  printf("tgkill with the wrong tgid: %s\n", syscall(SYS_tgkill, getpid() + 1000, gettid_(), 0) == -1 ? "ESRCH" : "ok");
  return 0;
}

// execve from a thread that is not the leader: it takes the leader's pid.
static void *execer(void *arg) {
  (void)arg;
  char pid[32];
  snprintf(pid, sizeof pid, "%d", getpid());
  char *argv[] = { "lifecycle", "execed", pid, NULL };
  execv("/proc/self/exe", argv);
  printf("execv failed\n");
  return NULL;
}
static void *sleeper(void *arg) { (void)arg; for (;;) pause(); }
static int execFromThread(void) {
  pthread_t t, s;
  pthread_create(&s, NULL, sleeper, NULL);
  pthread_create(&t, NULL, execer, NULL);
  pthread_join(t, NULL);
  printf("main: not reached\n");
  return 1;
}
static int execed(const char *oldPid) {
  printf("after execve: pid kept: %s, tid is the pid: %s\n", atoi(oldPid) == getpid() ? "yes" : "no", gettid_() == getpid() ? "yes" : "no");
  return 5;
}

// SIGSTOP stops every thread (a group stop); SIGCONT continues them all.
static int out[2];
static volatile int stopNow;
static void *writer(void *arg) {
  (void)arg;
  while (!stopNow) { if (write(out[1], "x", 1) != 1) sched_yield(); }
  return NULL;
}
static int stopGroup(void) {
  pthread_t t;
  pthread_create(&t, NULL, writer, NULL);
  for (;;) pause(); // the parent ends this with SIGKILL
}
static int parentOfStopped(pid_t c) {
  int st;
  char one;
  read(out[0], &one, 1); // the child's writer thread is running
  kill(c, SIGSTOP);
  waitpid(c, &st, WUNTRACED);
  printf("parent: stopped by %d\n", WIFSTOPPED(st) ? WSTOPSIG(st) : -1);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  char buf[4096];
  while (read(out[0], buf, sizeof buf) > 0) {}
  struct timespec ts = { 0, 50 * 1000 * 1000 };
  nanosleep(&ts, NULL);
  printf("parent: nothing written while stopped: %s\n", read(out[0], buf, 1) < 0 ? "yes" : "no");
  kill(c, SIGCONT);
  waitpid(c, &st, WCONTINUED);
  printf("parent: continued: %s\n", WIFCONTINUED(st) ? "yes" : "no");
  nanosleep(&ts, NULL);
  printf("parent: written again after SIGCONT: %s\n", read(out[0], buf, 1) == 1 ? "yes" : "no");
  kill(c, SIGKILL);
  pid_t w = waitpid(c, &st, 0);
  printf("parent: reaped the child: %s, killed by %d\n", w == c ? "yes" : "no", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 2 && strcmp(argv[1], "execed") == 0) return execed(argv[2]);
  const char *what = argc > 1 ? argv[1] : "";
  // Each case runs in a child, so the parent reports how the process ended.
  if (strcmp(what, "stop") == 0) pipe(out);
  pid_t c = fork();
  if (c > 0 && strcmp(what, "stop") == 0) return parentOfStopped(c);
  if (c == 0) {
    if (strcmp(what, "stop") == 0) return stopGroup();
    if (strcmp(what, "thread-exit") == 0) return threadExit();
    if (strcmp(what, "group-exit") == 0) return groupExit();
    if (strcmp(what, "kill") == 0) return killProcess();
    if (strcmp(what, "exec") == 0) return execFromThread();
    return 100;
  }
  int st;
  pid_t w = waitpid(c, &st, 0);
  printf("parent: reaped the child: %s, ", w == c ? "yes" : "no");
  if (WIFEXITED(st)) printf("exited %d\n", WEXITSTATUS(st)); else printf("killed by %d\n", WTERMSIG(st));
  return 0;
}
