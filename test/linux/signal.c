/* signals: SA_SIGINFO handlers and their siginfo, blocking with sigprocmask,
   sigpending, delivery order on unblock, real-time signal queueing, timers
   interrupting pause(), a handler changing a volatile flag seen by a busy
   loop (needs the timer interrupt to preempt user code), SA_RESTART versus
   EINTR on a blocking pipe read, sigaltstack, sigsuspend, and errors.
   Handlers only record; main prints.  Every handler has an empty sa_mask:
   qemu-riscv64 7.2 ignores sa_mask, so sigmask.c tests it separately. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static volatile sig_atomic_t got_signo, got_code, got_pid_ok, got_value, hits;
static volatile int order[16];
static volatile sig_atomic_t norder;

static void on_info(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  got_signo = si->si_signo;
  got_code = si->si_code;
  got_pid_ok = si->si_pid == getpid();
  got_value = si->si_value.sival_int;
  hits++;
  (void)sig;
}

static void record(int sig) {
  if (norder < 16) order[norder++] = sig;
}

static void record_info(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (norder < 16) order[norder++] = sig * 100 + si->si_value.sival_int;
}

/* Installs fn with an empty sa_mask (see sigmask.c for why this file never
   relies on sa_mask). */
static void handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, 0);
}

static void handle_info(int sig, void (*fn)(int, siginfo_t *, void *)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, 0);
}

static const char *code_name(int c) {
  switch (c) {
  case SI_USER: return "SI_USER";
  case SI_QUEUE: return "SI_QUEUE";
  case SI_TKILL: return "SI_TKILL";
  case SI_KERNEL: return "SI_KERNEL";
  case SI_TIMER: return "SI_TIMER";
  default: return "other";
  }
}

static void siginfo(void) {
  handle_info(SIGUSR1, on_info);
  raise(SIGUSR1);
  printf("raise: hits %d signo %d code %s pid ok %d\n", hits, got_signo, code_name(got_code), got_pid_ok);
  kill(getpid(), SIGUSR1);
  printf("kill: hits %d signo %d code %s pid ok %d\n", hits, got_signo, code_name(got_code), got_pid_ok);
  union sigval v = {.sival_int = 4242};
  sigqueue(getpid(), SIGUSR1, v);
  printf("sigqueue: hits %d signo %d code %s value %d\n", hits, got_signo, code_name(got_code), got_value);
  struct sigaction old;
  sigaction(SIGUSR1, 0, &old);
  printf("sigaction reads back SA_SIGINFO %d\n", (old.sa_flags & SA_SIGINFO) != 0);
}

static void print_order(const char *what) {
  printf("%s:", what);
  for (int i = 0; i < norder; i++) printf(" %d", order[i]);
  printf("\n");
  norder = 0;
}

static void blocking(void) {
  sigset_t three, pend, old;
  sigemptyset(&three);
  sigaddset(&three, SIGUSR1);
  sigaddset(&three, SIGUSR2);
  sigaddset(&three, SIGTERM);

  handle(SIGUSR1, record, 0);
  handle(SIGUSR2, record, 0);
  handle(SIGTERM, record, 0);
  sigprocmask(SIG_BLOCK, &three, &old);
  raise(SIGTERM);
  raise(SIGUSR2);
  raise(SIGUSR1);
  raise(SIGUSR1); /* standard signals do not queue: delivered once */
  sigpending(&pend);
  printf("pending USR1 %d USR2 %d TERM %d HUP %d, delivered so far %d\n", sigismember(&pend, SIGUSR1),
         sigismember(&pend, SIGUSR2), sigismember(&pend, SIGTERM), sigismember(&pend, SIGHUP), norder);
  sigprocmask(SIG_SETMASK, &old, 0);
  /* Handlers block only their own signal: the kernel stacks one frame per
     pending signal, lowest number first, so the highest-numbered handler
     runs first.  (sigmask.c covers handlers whose sa_mask blocks the rest.) */
  print_order("unblocked, handlers mask nothing, run order");
  sigpending(&pend);
  printf("pending after unblock USR1 %d\n", sigismember(&pend, SIGUSR1));
}

static volatile sig_atomic_t inside_blocked_self;
static void probe_mask(int sig) {
  sigset_t cur;
  sigprocmask(SIG_SETMASK, 0, &cur);
  inside_blocked_self = sigismember(&cur, sig);
}

static void handler_mask(void) {
  handle(SIGUSR2, probe_mask, 0);
  raise(SIGUSR2);
  sigset_t after;
  sigprocmask(SIG_SETMASK, 0, &after);
  printf("in handler: own signal blocked %d; after return blocked %d\n", inside_blocked_self,
         sigismember(&after, SIGUSR2));
  handle(SIGUSR2, probe_mask, SA_NODEFER);
  raise(SIGUSR2);
  printf("SA_NODEFER: own signal blocked %d\n", inside_blocked_self);
  handle(SIGUSR2, probe_mask, SA_RESETHAND);
  raise(SIGUSR2);
  struct sigaction now;
  sigaction(SIGUSR2, 0, &now);
  printf("SA_RESETHAND: disposition reset to SIG_DFL %d\n", now.sa_handler == SIG_DFL);
}

static void realtime(void) {
  int rt = SIGRTMIN + 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = record_info;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(rt, &sa, 0);
  sigaction(SIGRTMIN, &sa, 0);
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, rt);
  sigaddset(&s, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &s, &old);
  for (int i = 1; i <= 3; i++) sigqueue(getpid(), rt, (union sigval){.sival_int = i});
  sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 9});
  sigprocmask(SIG_SETMASK, &old, 0);
  /* Entries are signal*100 + payload.  RTMIN's frame is set up first, then
     RTMIN+1's on top of it; RTMIN+1's queue drains before RTMIN's handler
     body runs. */
  printf("realtime queued, delivered:");
  for (int i = 0; i < norder; i++) printf(" RTMIN+%d/%d", order[i] / 100 - SIGRTMIN, order[i] % 100);
  printf("\n");
  norder = 0;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

static void timers(void) {
  handle(SIGALRM, on_alarm, 0);
  struct itimerval it = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &it, 0);
  struct itimerval cur;
  getitimer(ITIMER_REAL, &cur);
  printf("getitimer: armed %d, at most 50 ms %d\n", cur.it_value.tv_sec || cur.it_value.tv_usec,
         cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 50000);
  errno = 0;
  int r = pause();
  printf("pause after setitimer 50 ms: %d %s alarms %d\n", r, errname(errno), alarms);

  alarm(1);
  errno = 0;
  r = pause();
  printf("pause after alarm(1): %d %s alarms %d\n", r, errname(errno), alarms);
  alarm(30);
  unsigned left = alarm(0);
  printf("alarm(0) after alarm(30) returns %u\n", left);

  /* Periodic timer: three expiries. */
  struct itimerval per = {{0, 10000}, {0, 10000}};
  alarms = 0;
  setitimer(ITIMER_REAL, &per, 0);
  while (alarms < 3) pause();
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, 0);
  printf("periodic itimer fired %d times\n", alarms);
}

static volatile int flag;
static void set_flag(int sig) {
  (void)sig;
  flag = 1;
}

/* A loop making no system calls: only a timer interrupt can get the signal
   in. */
static void busy_flag(void) {
  handle(SIGALRM, set_flag, 0);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, 0);
  unsigned long spins = 0;
  while (!flag) spins++;
  printf("busy loop saw the handler's flag %d, spun %d\n", flag, spins > 0);
}

static int wake_fd;
static volatile sig_atomic_t wakes;
static void write_byte(int sig) {
  (void)sig;
  wakes++;
  write(wake_fd, "z", 1);
}

static void restart(void) {
  int fds[2];
  pipe(fds);
  wake_fd = fds[1];
  char c = '?';
  struct itimerval it = {{0, 0}, {0, 30000}};

  handle(SIGALRM, write_byte, SA_RESTART);
  setitimer(ITIMER_REAL, &it, 0);
  errno = 0;
  ssize_t r = read(fds[0], &c, 1);
  printf("SA_RESTART read: %zd %s byte %c handler ran %d\n", r, errname(errno), r == 1 ? c : '-', wakes);

  handle(SIGALRM, write_byte, 0);
  setitimer(ITIMER_REAL, &it, 0);
  errno = 0;
  c = '?';
  r = read(fds[0], &c, 1);
  printf("no SA_RESTART read: %zd %s handler ran %d\n", r, errname(errno), wakes);
  r = read(fds[0], &c, 1);
  printf("next read gets the handler's byte: %zd %c\n", r, c);
  close(fds[0]);
  close(fds[1]);
}

static char altstack[65536];
static volatile sig_atomic_t on_alt, ss_onstack;
static void alt_handler(int sig) {
  (void)sig;
  char here;
  on_alt = &here >= altstack && &here < altstack + sizeof altstack;
  stack_t cur;
  sigaltstack(0, &cur);
  ss_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
}

static void alternate(void) {
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  int r = sigaltstack(&ss, 0);
  handle(SIGUSR1, alt_handler, SA_ONSTACK);
  raise(SIGUSR1);
  printf("sigaltstack %d: handler on alternate stack %d, SS_ONSTACK %d\n", r, on_alt, ss_onstack);
  handle(SIGUSR1, alt_handler, 0);
  raise(SIGUSR1);
  printf("without SA_ONSTACK: on alternate stack %d\n", on_alt);
  stack_t cur;
  sigaltstack(0, &cur);
  printf("outside a handler SS_ONSTACK %d\n", (cur.ss_flags & SS_ONSTACK) != 0);
}

static void suspend(void) {
  handle(SIGUSR1, record, 0);
  sigset_t s, old, none;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_BLOCK, &s, &old);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  sigemptyset(&none);
  errno = 0;
  int r = sigsuspend(&none);
  printf("sigsuspend woke: %d %s", r, errname(errno));
  print_order(", handled");
  sigset_t now;
  sigprocmask(SIG_SETMASK, 0, &now);
  printf("mask restored after sigsuspend: USR1 blocked %d\n", sigismember(&now, SIGUSR1));
  waitpid(p, 0, 0);
  sigprocmask(SIG_SETMASK, &old, 0);
}

/* Prints "what: result errno" for a call made before its errno is read. */
#define TRY(what, call)                                  \
  do {                                                   \
    errno = 0;                                           \
    int r_ = (call);                                     \
    printf("%s %d %s\n", what, r_, errname(errno));     \
  } while (0)

static void errors(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  TRY("sigaction(SIGKILL)", sigaction(SIGKILL, &sa, 0));
  TRY("sigaction(SIGSTOP)", sigaction(SIGSTOP, &sa, 0));
  TRY("sigaction(0)", sigaction(0, &sa, 0));
  TRY("sigaction(65)", sigaction(65, &sa, 0));
  TRY("kill(self, 0)", kill(getpid(), 0));
  TRY("kill of a stranger", kill(12345678, SIGTERM));
  TRY("sigprocmask bad how", sigprocmask(99, &sa.sa_mask, 0));
  sigset_t k;
  sigemptyset(&k);
  sigaddset(&k, SIGKILL);
  sigaddset(&k, SIGSTOP);
  sigprocmask(SIG_BLOCK, &k, 0);
  sigprocmask(SIG_SETMASK, 0, &k);
  printf("SIGKILL/SIGSTOP cannot be blocked: %d %d\n", sigismember(&k, SIGKILL), sigismember(&k, SIGSTOP));
  raise(SIGURG);
  raise(SIGCHLD);
  raise(SIGWINCH);
  printf("ignored-by-default signals left us running\n");
  signal(SIGUSR2, SIG_IGN);
  raise(SIGUSR2);
  printf("SIG_IGN USR2 ignored\n");
}

int main(void) {
  siginfo();
  blocking();
  handler_mask();
  realtime();
  timers();
  busy_flag();
  restart();
  alternate();
  suspend();
  errors();
  fflush(stdout);
  signal(SIGTERM, SIG_DFL);
  raise(SIGTERM);
  return 0;
}
