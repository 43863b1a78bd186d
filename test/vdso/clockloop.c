/*
 * The vDSO oracle program: glibc's clock_gettime, called N times
 * (argv[1], default 200000). With a vDSO (AT_SYSINFO_EHDR) glibc calls
 * __vdso_clock_gettime and the loop makes no system call. It prints what it
 * can check about itself: whether the auxv names a vDSO, the symbols and
 * versions that vDSO's dynamic symbol table exports (parsed here from the
 * mapped image), and whether the clocks behaved (monotonic, agreeing).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

static void list_symbols(unsigned long base)
{
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
  const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
  const Elf64_Dyn *dyn = 0;
  for (int i = 0; i < eh->e_phnum; i++)
    if (ph[i].p_type == PT_DYNAMIC)
      dyn = (const Elf64_Dyn *)(base + ph[i].p_vaddr);
  if (!dyn) {
    printf("no PT_DYNAMIC\n");
    return;
  }
  const Elf64_Sym *sym = 0;
  const char *str = 0;
  const Elf32_Word *hash = 0;
  const Elf64_Half *versym = 0;
  const Elf64_Verdef *verdef = 0;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    unsigned long p = base + dyn->d_un.d_ptr;
    switch (dyn->d_tag) {
    case DT_SYMTAB: sym = (const Elf64_Sym *)p; break;
    case DT_STRTAB: str = (const char *)p; break;
    case DT_HASH: hash = (const Elf32_Word *)p; break;
    case DT_VERSYM: versym = (const Elf64_Half *)p; break;
    case DT_VERDEF: verdef = (const Elf64_Verdef *)p; break;
    }
  }
  if (!sym || !str || !hash) {
    printf("incomplete dynamic section\n");
    return;
  }
  for (unsigned i = 1; i < hash[1]; i++) {
    if (ELF64_ST_BIND(sym[i].st_info) != STB_GLOBAL || ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC)
      continue;
    const char *ver = "";
    if (versym && verdef) {
      for (const Elf64_Verdef *d = verdef;; d = (const Elf64_Verdef *)((const char *)d + d->vd_next)) {
        if (d->vd_ndx == (versym[i] & 0x7fff)) {
          ver = str + ((const Elf64_Verdaux *)((const char *)d + d->vd_aux))->vda_name;
          break;
        }
        if (!d->vd_next)
          break;
      }
    }
    printf("symbol %s@%s\n", str + sym[i].st_name, ver);
  }
}

static volatile sig_atomic_t caught;
static void on_usr1(int sig) { caught = sig; }

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 200000;
  unsigned long ehdr = getauxval(AT_SYSINFO_EHDR);
  printf("vdso %s\n", ehdr ? "yes" : "no");
  if (ehdr && argc > 2)
    list_symbols(ehdr);

  struct timespec first, prev, ts;
  clock_gettime(CLOCK_MONOTONIC, &first);
  prev = first;
  long back = 0;
  for (long i = 0; i < n; i++) {
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ts.tv_sec < prev.tv_sec || (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec))
      back++;
    prev = ts;
  }
  printf("calls %ld\n", n);
  printf("went back %ld\n", back);
  printf("advanced %s\n", prev.tv_sec > first.tv_sec || prev.tv_nsec > first.tv_nsec ? "yes" : "no");

  /* The wall clock three ways: they agree to within a second. */
  struct timespec rt;
  struct timeval tv;
  clock_gettime(CLOCK_REALTIME, &rt);
  gettimeofday(&tv, 0);
  time_t t = time(0);
  printf("wall agree %s\n", tv.tv_sec - rt.tv_sec <= 1 && t - tv.tv_sec <= 1 && rt.tv_sec > 1600000000 ? "yes" : "no");
  struct timespec res;
  printf("getres %d %ld\n", clock_getres(CLOCK_MONOTONIC, &res), res.tv_nsec);
  printf("bad clock %d\n", clock_gettime(99, &ts));
  struct timespec cpu;
  printf("cpu clock %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu));

  /* Sleeps end when the clock says so, also for lengths that are not whole clock ticks (150 ns). */
  int reached = 1;
  for (int clk = 0; clk < 2; clk++) {
    struct timespec until, after;
    clock_gettime(clk, &until);
    until.tv_nsec += 150;
    if (until.tv_nsec >= 1000000000) { until.tv_nsec -= 1000000000; until.tv_sec++; }
    clock_nanosleep(clk, TIMER_ABSTIME, &until, 0);
    clock_gettime(clk, &after);
    if (after.tv_sec < until.tv_sec || (after.tv_sec == until.tv_sec && after.tv_nsec < until.tv_nsec)) reached = 0;
  }
  printf("absolute sleeps reached their time: %s\n", reached ? "yes" : "no");

  /* A handler returns through __vdso_rt_sigreturn (or the kernel's page). */
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  printf("signal returned %d\n", caught);

  /* A process may unmap its vDSO (and then must not take a signal); its fork child has none either. */
  if (ehdr)
    munmap((void *)(ehdr - 4096), 2 * 4096);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[256];
    int found = 0;
    while (maps && fgets(line, sizeof line, maps))
      if (strstr(line, "[vdso]") || strstr(line, "[vvar]"))
        found = 1;
    printf("child after munmap maps a vdso: %s\n", found ? "yes" : "no");
    fflush(stdout);
    if (ehdr) /* the page is gone: a read faults (no vDSO: the same death, by hand) */
      (void)*(volatile char *)ehdr;
    else
      raise(SIGSEGV);
    _exit(0);
  }
  int st;
  waitpid(child, &st, 0);
  printf("child: exited %d, killed by %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return 0;
}
