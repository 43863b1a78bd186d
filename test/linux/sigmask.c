/* sigmask: the signal mask while a handler runs is the old mask plus the
   signal itself plus the handler's sa_mask, and that shapes delivery order.
   qemu-riscv64 7.2 reads sa_mask from the wrong offset of the riscv64
   struct sigaction (offset 24, as if there were an sa_restorer field; Linux
   uses offset 16), so under qemu every sa_mask is empty.  This program's
   expected output is therefore Linux's, checked against a native build on
   the host kernel; see README.md. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int order[16];
static volatile int norder;
static volatile int saw_hup_blocked, saw_self_blocked, saw_term_blocked;

static void record(int sig) {
  if (norder < 16) order[norder++] = sig;
}

static void record_info(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (norder < 16) order[norder++] = sig * 100 + si->si_value.sival_int;
}

static void probe(int sig) {
  sigset_t cur;
  sigprocmask(SIG_SETMASK, 0, &cur);
  saw_self_blocked = sigismember(&cur, sig);
  saw_hup_blocked = sigismember(&cur, SIGHUP);
  saw_term_blocked = sigismember(&cur, SIGTERM);
}

static void install(int sig, void (*fn)(int), const sigset_t *mask) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_mask = *mask;
  sigaction(sig, &sa, 0);
}

static void print_order(const char *what) {
  printf("%s:", what);
  for (int i = 0; i < norder; i++) printf(" %d", order[i]);
  printf("\n");
  norder = 0;
}

int main(void) {
  sigset_t m, all, none, after;
  sigemptyset(&m);
  sigaddset(&m, SIGHUP);
  sigfillset(&all);
  sigemptyset(&none);

  install(SIGUSR2, probe, &m);
  struct sigaction back;
  sigaction(SIGUSR2, 0, &back);
  printf("sa_mask reads back: HUP %d TERM %d\n", sigismember(&back.sa_mask, SIGHUP),
         sigismember(&back.sa_mask, SIGTERM));
  raise(SIGUSR2);
  sigprocmask(SIG_SETMASK, 0, &after);
  printf("in handler: own %d, sa_mask's HUP %d, TERM %d; after return: USR2 %d HUP %d\n", saw_self_blocked,
         saw_hup_blocked, saw_term_blocked, sigismember(&after, SIGUSR2), sigismember(&after, SIGHUP));

  /* Handlers that block every signal run one after another, lowest number
     first. */
  sigset_t three, old;
  sigemptyset(&three);
  sigaddset(&three, SIGUSR1);
  sigaddset(&three, SIGUSR2);
  sigaddset(&three, SIGTERM);
  install(SIGUSR1, record, &all);
  install(SIGUSR2, record, &all);
  install(SIGTERM, record, &all);
  sigprocmask(SIG_BLOCK, &three, &old);
  raise(SIGTERM);
  raise(SIGUSR2);
  raise(SIGUSR1);
  sigprocmask(SIG_SETMASK, &old, 0);
  print_order("handlers masking all, order");

  /* Blocking only the other two from one handler: USR1's handler blocks
     USR2 and TERM, so it runs alone; then USR2's (empty mask) is stacked
     under TERM's. */
  sigset_t two;
  sigemptyset(&two);
  sigaddset(&two, SIGUSR2);
  sigaddset(&two, SIGTERM);
  install(SIGUSR1, record, &two);
  install(SIGUSR2, record, &none);
  install(SIGTERM, record, &none);
  sigprocmask(SIG_BLOCK, &three, &old);
  raise(SIGTERM);
  raise(SIGUSR2);
  raise(SIGUSR1);
  sigprocmask(SIG_SETMASK, &old, 0);
  print_order("USR1 masks the others, order");

  /* Real-time signals with a full sa_mask: delivered in signal-number order,
     each signal's queue in sending order. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = record_info;
  sa.sa_flags = SA_SIGINFO;
  sigfillset(&sa.sa_mask);
  int rt = SIGRTMIN + 1;
  sigaction(rt, &sa, 0);
  sigaction(SIGRTMIN, &sa, 0);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, rt);
  sigaddset(&s, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &s, &old);
  for (int i = 1; i <= 3; i++) sigqueue(getpid(), rt, (union sigval){.sival_int = i});
  sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 9});
  sigprocmask(SIG_SETMASK, &old, 0);
  printf("realtime, handlers masking all:");
  for (int i = 0; i < norder; i++) printf(" RTMIN+%d/%d", order[i] / 100 - SIGRTMIN, order[i] % 100);
  printf("\n");
  return 0;
}
