/* jitpages: code whose hot loop crosses a page boundary, run until lde's JIT
   has compiled it (a region may take neighbouring pages), then the second
   page changed under it in every way a program can: rewritten in place with
   fence.i, replaced by a new mapping (MAP_FIXED), made non-executable
   (SIGSEGV, SEGV_ACCERR at the page), and unmapped (SEGV_MAPERR).  Each run
   must see the code that is there now. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "common.h"

#define PAGE 4096

static uint32_t addi(int rd, int rs1, int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13; }
static uint32_t bne(int rs1, int rs2, int off) {
  uint32_t o = (uint32_t)off;
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (((o >> 1) & 0xf) << 8) |
         (((o >> 11) & 1) << 7) | (1 << 12) | 0x63;
}
#define RET 0x00008067u /* jalr x0, 0(ra) */

static sigjmp_buf env;
static volatile int fault_sig, fault_code, fault_at_page1;
static char *page1;

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  fault_sig = sig;
  fault_code = si->si_code;
  fault_at_page1 = (char *)si->si_addr == page1;
  siglongjmp(env, 1);
}

/* The second page's half of the loop: a0 += k; bne a1, a2, loop; ret. */
static void second_half(char *at, int k) {
  uint32_t code[3] = { addi(10, 10, k), bne(11, 12, -16), RET };
  memcpy(at, code, sizeof code);
}

typedef long (*fn)(long a0, long a1, long n);

static void run(const char *what, fn f) {
  long sum = 0;
  fault_sig = 0;
  if (sigsetjmp(env, 1) == 0) {
    for (int r = 0; r < 40; r++) sum += f(0, 0, 500);
    printf("%-22s sum %ld\n", what, sum);
  } else {
    printf("%-22s %s %s%s\n", what, fault_sig == SIGSEGV ? "SIGSEGV" : "other signal",
           fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other code",
           fault_at_page1 ? " at the second page" : "");
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);

  char *base = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) { perror("mmap"); return 1; }
  page1 = base + PAGE;
  /* The first page's half, at its last 16 bytes: a1 = 0; loop: a1 += 1; a0 += 3; nop. */
  uint32_t first[4] = { addi(11, 0, 0), addi(11, 11, 1), addi(10, 10, 3), addi(0, 0, 0) };
  memcpy(page1 - 16, first, sizeof first);
  second_half(page1, 1);
  __builtin___clear_cache(base, base + 2 * PAGE);
  fn f = (fn)(void *)(page1 - 16);

  run("k = 1", f);
  second_half(page1, 5); /* in place */
  __builtin___clear_cache(page1, page1 + PAGE);
  run("rewritten: k = 5", f);

  char *fresh = mmap(page1, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (fresh != page1) { perror("mmap fixed"); return 1; }
  second_half(page1, 11);
  __builtin___clear_cache(page1, page1 + PAGE);
  run("new mapping: k = 11", f);

  mprotect(page1, PAGE, PROT_READ);
  run("second page read-only", f);
  mprotect(page1, PAGE, PROT_READ | PROT_EXEC);
  run("executable again", f);

  munmap(page1, PAGE);
  run("second page unmapped", f);
  return 0;
}
