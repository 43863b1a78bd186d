/* signal: signal delivery and return, twice.
 *
 * 1. A SIGUSR1 handler installed with SA_SIGINFO; kill(getpid(), SIGUSR1).
 *    The kernel delivers the signal on the way out of kill: it builds a
 *    signal frame (siginfo, ucontext) on the user stack, enters the handler
 *    with ra pointing at the kernel's sigreturn trampoline (riscv64 has no
 *    SA_RESTORER), and the handler's return lands in rt_sigreturn, which
 *    restores the registers and the signal mask.
 * 2. A SIGSEGV handler that recovers: a store to address 0x10 faults; the
 *    handler checks si_addr, moves the saved pc past the 4-byte store in
 *    the ucontext, and returns; rt_sigreturn resumes at the new pc.
 *
 * Exercises: rt_sigaction, kill, signal frames, rt_sigreturn, fault signals.
 */
#include <stdio.h>
#include "syscall.h"

static volatile int usr1_signo, usr1_code, usr1_pid_ok, usr1_blocked, usr1_count;
static volatile int segv_count, segv_code;
static void *volatile segv_addr;

static int blocked(int sig) {
  linux_sigset_t cur = 0;
  sys_rt_sigprocmask(LINUX_SIG_BLOCK, 0, &cur);
  return (cur & LINUX_SIGBIT(sig)) != 0;
}

static void on_usr1(int sig, struct linux_siginfo *info, void *uc) {
  (void)uc;
  usr1_count++;
  usr1_signo = info->signo;
  usr1_code = info->code;
  usr1_pid_ok = info->pid == sys_getpid();
  usr1_blocked = blocked(sig);            /* a signal is blocked during its own handler */
  printf("signal: in the SIGUSR1 handler: sig=%d si_signo=%d\n", sig, info->signo);
}

static void on_segv(int sig, struct linux_siginfo *info, void *ucv) {
  (void)sig;
  struct linux_ucontext *uc = ucv;
  segv_count++;
  segv_addr = info->addr;
  segv_code = info->code;
  uc->mcontext.regs[0] += 4;              /* skip the faulting (uncompressed) store */
}

int main(void) {
  if (lde_sigaction(LINUX_SIGUSR1, on_usr1, 0) != 0) {
    printf("signal: rt_sigaction failed\n");
    return 1;
  }
  printf("signal: sending SIGUSR1 to myself\n");
  long r = sys_kill((int)sys_getpid(), LINUX_SIGUSR1);
  printf("signal: back in main, kill returned %ld\n", r);
  printf("signal: handler ran %d time(s), si_signo=%d, si_code=%s, si_pid is my pid: %s\n",
         usr1_count, usr1_signo, usr1_code == LINUX_SI_USER ? "SI_USER" : "other",
         usr1_pid_ok ? "yes" : "no");
  printf("signal: SIGUSR1 was blocked inside its handler: %s\n", usr1_blocked ? "yes" : "no");
  printf("signal: and unblocked again after rt_sigreturn: %s\n", !blocked(LINUX_SIGUSR1) ? "yes" : "no");

  if (lde_sigaction(LINUX_SIGSEGV, on_segv, 0) != 0) {
    printf("signal: rt_sigaction(SIGSEGV) failed\n");
    return 1;
  }
  printf("signal: storing to address 0x10 with a SIGSEGV handler installed\n");
  volatile long after = 0;
  __asm__ volatile(".option push\n\t.option norvc\n\t"
                   "sd %0, 0(%1)\n\t"
                   ".option pop" : : "r"(1L), "r"(0x10L) : "memory");
  after = 1;
  printf("signal: recovered: handler ran %d time(s), si_addr=%p, si_code=%s\n",
         segv_count, segv_addr, segv_code == LINUX_SEGV_MAPERR ? "SEGV_MAPERR" : "other");
  printf("signal: execution resumed after the faulting store: %s\n", after ? "yes" : "no");
  int ok = usr1_count == 1 && usr1_signo == LINUX_SIGUSR1 && usr1_code == LINUX_SI_USER &&
           usr1_pid_ok && usr1_blocked && !blocked(LINUX_SIGUSR1) && r == 0 &&
           segv_count == 1 && segv_addr == (void *)0x10 && segv_code == LINUX_SEGV_MAPERR;
  return ok ? 0 : 1;
}
