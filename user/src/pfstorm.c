/* pfstorm: a storm of page faults. Touches N pages (default 1024) of a fresh
 * anonymous mmap and N pages (at most 1024) of a large .bss array, each page
 * for the first time, then reads them all back into a checksum. Every first
 * touch is a page fault that the kernel resolves by mapping a zeroed frame.
 * Exercises: demand paging of mmap and .bss, munmap. */
#include <stdio.h>
#include "syscall.h"

#define BSS_PAGES 1024
static unsigned char bss[BSS_PAGES * 4096];   /* 4 MiB, no bytes in the ELF */

static unsigned long touch(unsigned char *base, unsigned long pages, unsigned long pagesz) {
  for (unsigned long i = 0; i < pages; i++) {
    unsigned char *p = base + i * pagesz;
    if (p[0] != 0 || p[pagesz - 1] != 0) return 0;   /* fresh pages are zero */
    p[(i * 97) % pagesz] = (unsigned char)(i * 31 + 7);
  }
  unsigned long sum = 0;
  for (unsigned long i = 0; i < pages; i++)
    sum = sum * 1000003 + base[i * pagesz + (i * 97) % pagesz];
  return sum;
}

int main(int argc, char **argv) {
  unsigned long n = lde_parse_ulong(argc > 1 ? argv[1] : 0, 1024);
  unsigned long pagesz = lde_getauxval(LINUX_AT_PAGESZ);
  if (pagesz == 0) pagesz = 4096;
  unsigned long nbss = n;
  while (nbss * pagesz > sizeof bss) nbss--;

  long m = sys_mmap(0, n * pagesz, LINUX_PROT_READ | LINUX_PROT_WRITE,
                    LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
  if (lde_is_err(m)) {
    printf("pfstorm: mmap failed: %ld\n", m);
    return 1;
  }
  unsigned long a = touch((unsigned char *)m, n, pagesz);
  unsigned long b = touch(bss, nbss, pagesz);
  long u = sys_munmap((void *)m, n * pagesz);

  printf("pfstorm: touched %lu pages of an anonymous mmap\n", n);
  printf("pfstorm: touched %lu pages of .bss\n", nbss);
  printf("pfstorm: checksum 0x%016lx\n", a ^ (b << 1));
  printf("pfstorm: munmap: %s\n", u == 0 ? "ok" : "failed");
  return a != 0 && (nbss == 0 || b != 0) && u == 0 ? 0 : 1;
}
