// Process-directed signals in a thread group (signal(7)): the group's shared
// pending set, sigpending in every thread, sigwaitinfo/sigtimedwait/sigwait
// in any thread, signalfd, a blocked SIG_DFL signal whose default is to
// ignore it (kept pending while blocked), and the real-time signals'
// default action. Output is deterministic: threads print only in turn.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int has(int sig) { sigset_t s; sigpending(&s); return sigismember(&s, sig); }
static pid_t tid(void) { return (pid_t)syscall(SYS_gettid); }

static sem_t go, done;
static volatile pid_t handledBy;
static pid_t workerTid;

static void onUsr2(int sig) { (void)sig; handledBy = tid(); }

// The worker: sees the group's pending SIGUSR1 and takes it with sigwaitinfo.
static void *worker(void *arg) {
  (void)arg;
  workerTid = tid();
  sem_post(&done);
  sem_wait(&go);
  printf("worker: SIGUSR1 pending here too: %d\n", has(SIGUSR1));
  siginfo_t si;
  sigset_t set; sigemptyset(&set); sigaddset(&set, SIGUSR1);
  int s = sigwaitinfo(&set, &si);
  printf("worker: sigwaitinfo = %s, si_code %s, si_pid is getpid: %d\n", s == SIGUSR1 ? "SIGUSR1" : "?",
         si.si_code == SI_USER ? "SI_USER" : "?", si.si_pid == getpid());
  printf("worker: tgkill'ed SIGUSR1 to main is not pending here: %d\n", !has(SIGUSR1));
  // Unblocks SIGUSR2: the group's next SIGUSR2 is handled here, the one thread that does not block it.
  sigemptyset(&set); sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  sem_post(&done);
  sem_wait(&go);
  return NULL;
}

// A dedicated signal thread: sigwait for SIGTERM and SIGHUP, count them.
static int got[3];
static void *waiter(void *arg) {
  (void)arg;
  sigset_t set; sigemptyset(&set); sigaddset(&set, SIGTERM); sigaddset(&set, SIGHUP);
  for (int i = 0; i < 3; i++) { int sig; sigwait(&set, &sig); got[i] = sig; sem_post(&done); }
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sem_init(&go, 0, 0); sem_init(&done, 0, 0);

  // A blocked SIGCHLD with SIG_DFL stays pending (its default is to ignore it) and a signalfd reads it.
  sigset_t chld; sigemptyset(&chld); sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  pid_t c = fork();
  if (c == 0) _exit(7);
  waitpid(c, NULL, 0);
  printf("blocked SIGCHLD pending after the child's exit: %d\n", has(SIGCHLD));
  int fd = signalfd(-1, &chld, SFD_CLOEXEC);
  struct signalfd_siginfo ssi;
  ssize_t n = read(fd, &ssi, sizeof ssi);
  printf("signalfd: %zd bytes, signo %s, code CLD_EXITED %d, pid is the child %d, status %d\n", n,
         ssi.ssi_signo == SIGCHLD ? "SIGCHLD" : "?", ssi.ssi_code == CLD_EXITED, (pid_t)ssi.ssi_pid == c, ssi.ssi_status);
  close(fd);
  printf("SIGCHLD pending after the read: %d\n", has(SIGCHLD));

  // SIGWINCH, blocked: pending; unblocked with SIG_DFL: discarded, the process goes on.
  sigset_t winch; sigemptyset(&winch); sigaddset(&winch, SIGWINCH);
  sigprocmask(SIG_BLOCK, &winch, NULL);
  kill(getpid(), SIGWINCH);
  printf("blocked SIGWINCH pending: %d\n", has(SIGWINCH));
  sigprocmask(SIG_UNBLOCK, &winch, NULL);
  printf("after unblocking SIGWINCH: pending %d, still running\n", has(SIGWINCH));
  // An unblocked SIGURG with SIG_DFL is discarded at once.
  kill(getpid(), SIGURG);
  printf("unblocked SIGURG pending: %d\n", has(SIGURG));
  // A blocked signal set to SIG_IGN is discarded by sigaction.
  sigset_t usr; sigemptyset(&usr); sigaddset(&usr, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr, NULL);
  kill(getpid(), SIGUSR1);
  signal(SIGUSR1, SIG_IGN);
  printf("SIGUSR1 pending after SIG_IGN: %d\n", has(SIGUSR1));
  signal(SIGUSR1, SIG_DFL);

  // Every thread blocks SIGUSR1 and SIGUSR2: a process-directed SIGUSR1 is the group's, seen and taken by either.
  sigset_t both; sigemptyset(&both); sigaddset(&both, SIGUSR1); sigaddset(&both, SIGUSR2);
  sigaddset(&both, SIGTERM); sigaddset(&both, SIGHUP);
  sigprocmask(SIG_BLOCK, &both, NULL);
  signal(SIGUSR2, onUsr2);
  pthread_t w; pthread_create(&w, NULL, worker, NULL);
  sem_wait(&done);
  kill(getpid(), SIGUSR1);
  printf("main: SIGUSR1 pending: %d\n", has(SIGUSR1));
  syscall(SYS_tgkill, getpid(), tid(), SIGUSR1); // thread-directed: main's own
  sem_post(&go);
  sem_wait(&done);
  printf("main: its own SIGUSR1 still pending: %d\n", has(SIGUSR1));
  sigset_t u1; sigemptyset(&u1); sigaddset(&u1, SIGUSR1);
  struct timespec zero = {0, 0};
  printf("main: sigtimedwait takes it: %d\n", sigtimedwait(&u1, NULL, &zero) == SIGUSR1);
  errno = 0;
  int r = sigtimedwait(&u1, NULL, &zero);
  printf("main: again, nothing: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  struct timespec tenms = {0, 10000000};
  errno = 0;
  r = sigtimedwait(&u1, NULL, &tenms);
  printf("main: 10 ms wait: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));

  // The worker unblocked SIGUSR2: a process-directed SIGUSR2 runs the handler there.
  kill(getpid(), SIGUSR2);
  for (int i = 0; i < 1000 && handledBy == 0; i++) usleep(1000);
  printf("SIGUSR2 handled by the worker: %d\n", handledBy == workerTid);
  sem_post(&go);
  pthread_join(w, NULL);

  // A dedicated sigwait thread receives the group's SIGTERM and SIGHUP, in turn.
  pthread_t t; pthread_create(&t, NULL, waiter, NULL);
  int sigs[3] = {SIGTERM, SIGHUP, SIGTERM};
  for (int i = 0; i < 3; i++) { kill(getpid(), sigs[i]); sem_wait(&done); }
  pthread_join(t, NULL);
  printf("sigwait thread got: %s %s %s\n", strsignal(got[0]), strsignal(got[1]), strsignal(got[2]));

  // Real-time signals queue each instance, with its value.
  int rt = SIGRTMIN + 2;
  sigset_t rts; sigemptyset(&rts); sigaddset(&rts, rt);
  sigprocmask(SIG_BLOCK, &rts, NULL);
  for (int i = 1; i <= 3; i++) sigqueue(getpid(), rt, (union sigval){.sival_int = i * 10});
  for (int i = 0; i < 3; i++) {
    siginfo_t si;
    int s = sigwaitinfo(&rts, &si);
    printf("queued real-time signal %d: value %d, code SI_QUEUE %d\n", s - SIGRTMIN, si.si_value.sival_int, si.si_code == SI_QUEUE);
  }
  // A real-time signal's default action is to terminate.
  c = fork();
  if (c == 0) { sigprocmask(SIG_UNBLOCK, &rts, NULL); raise(rt); _exit(0); }
  int st;
  waitpid(c, &st, 0);
  printf("child killed by SIGRTMIN+2: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == rt);
  return 0;
}
