/* spin: pure computation with no system calls: N rounds (default 5000000)
 * of a xorshift64 generator folded into a checksum. The kernel can only get
 * the CPU back through the timer interrupt. Exercises: preemption. */
#include <stdio.h>
#include "syscall.h"

int main(int argc, char **argv) {
  unsigned long n = lde_parse_ulong(argc > 1 ? argv[1] : 0, 5000000);
  unsigned long x = 0x9e3779b97f4a7c15UL, sum = 0;
  for (unsigned long i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum += x ^ i;
  }
  printf("spin: %lu iterations\n", n);
  printf("spin: checksum 0x%016lx\n", sum);
  return 0;
}
