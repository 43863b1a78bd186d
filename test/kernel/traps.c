/* The remaining exception paths, each in its own child: ebreak → SIGTRAP,
   a misaligned AMO → SIGBUS (the machine traps misaligned AMOs), and a
   handled SIGSEGV whose si_addr and si_code the handler reports. */
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/wait.h>

static int status_of(void (*body)(void)) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) { body(); _exit(0); }
  int st;
  waitpid(c, &st, 0);
  return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void brk_(void) { __asm__ volatile("ebreak"); }
static void amo(void) {
  static uint64_t words[2];
  uint32_t *p = (uint32_t *)((char *)words + 2), v = 1, old;
  __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
}
static void on_segv(int s, siginfo_t *si, void *uc) {
  (void)uc;
  printf("handler: sig %d si_addr %p si_code %s\n", s, si->si_addr, si->si_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");
  fflush(stdout);
  _exit(0);
}
static void segv(void) {
  struct sigaction sa = { 0 };
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  *(volatile int *)0x1234 = 1;
}

int main(void) {
  printf("ebreak: status %d\n", status_of(brk_));
  printf("misaligned amoadd.w: status %d\n", status_of(amo));
  printf("handled SIGSEGV: status %d\n", status_of(segv));
  return 0;
}
