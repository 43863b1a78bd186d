/* pagewalk: touches the pages of an anonymous mmap in one of three orders,
 * for comparing page replacement policies (lde experiment swap). Each touch
 * is one read-modify-write of one byte in the page, so the program's page
 * reference string is the order below and little else.
 *
 *   pagewalk [PATTERN [PAGES [ROUNDS]]]
 *
 *   loop     ROUNDS passes over PAGES pages in order (the pattern that
 *            defeats LRU when PAGES exceed RAM)
 *   hotcold  ROUNDS * PAGES touches: 7 of 8 go to a hot eighth of the
 *            pages, 1 of 8 to the cold rest, each page chosen by an LCG
 *   random   ROUNDS * PAGES touches, each page chosen by an LCG
 *
 * Defaults: loop, 64 pages, 4 rounds. The LCG is Knuth's MMIX one, seeded
 * with a constant, so every run touches the same pages and prints the same
 * checksum. An unknown pattern prints the usage and exits with status 2.
 * Exercises: demand paging, swap-out and swap-in (with --mem small and --swap). */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

static unsigned long lcg = 1;

/* A page index below n from the top bits of an MMIX LCG step (the low bits of an LCG are weak). */
static unsigned long next_page(unsigned long n) {
  lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
  return (lcg >> 33) % n;
}

/* One touch: bump a byte whose offset moves with the touch count, fold it into the sum. */
static unsigned long touch(unsigned char *base, unsigned long page, unsigned long step, unsigned long sum) {
  unsigned char *p = base + page * 4096 + (step * 8) % 4096;
  *p = (unsigned char)(*p + page + 1);
  return sum * 31 + *p;
}

int main(int argc, char **argv) {
  const char *pattern = argc > 1 ? argv[1] : "loop";
  unsigned long pages = lde_parse_ulong(argc > 2 ? argv[2] : 0, 64);
  unsigned long rounds = lde_parse_ulong(argc > 3 ? argv[3] : 0, 4);
  int kind = !strcmp(pattern, "loop") ? 0 : !strcmp(pattern, "hotcold") ? 1 : !strcmp(pattern, "random") ? 2 : -1;
  if (kind < 0 || pages < 8) {
    printf("usage: pagewalk [loop|hotcold|random [PAGES>=8 [ROUNDS]]]\n");
    return 2;
  }
  long m = sys_mmap(0, pages * 4096, LINUX_PROT_READ | LINUX_PROT_WRITE,
                    LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
  if (lde_is_err(m)) {
    printf("pagewalk: mmap failed: %ld\n", m);
    return 1;
  }
  unsigned char *base = (unsigned char *)m;
  unsigned long hot = pages / 8, sum = 0, steps = pages * rounds;
  for (unsigned long s = 0; s < steps; s++) {
    unsigned long page;
    if (kind == 0) page = s % pages;
    else if (kind == 1) page = s % 8 != 7 ? next_page(hot) : hot + next_page(pages - hot);
    else page = next_page(pages);
    sum = touch(base, page, s, sum);
  }
  printf("pagewalk: %s over %lu pages, %lu touches, checksum 0x%016lx\n", pattern, pages, steps, sum);
  return 0;
}
