/* recurse: deep recursion within the default 8 MiB stack.  6000 frames of a
   1 KiB array each (about 6.5 MiB), so the stack must grow far below its
   first page; then mutual recursion, a 256 KiB frame, and alloca.  Results
   combine every frame so that no frame can be optimised away.
   stackoverflow.c goes past 8 MiB. */
#include <alloca.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

static unsigned long deep(int depth) {
  volatile unsigned char frame[1024];
  for (int i = 0; i < 1024; i += 64) frame[i] = (unsigned char)(depth + i);
  if (depth == 0) return 1;
  unsigned long below = deep(depth - 1);
  unsigned long mine = 0;
  for (int i = 0; i < 1024; i += 64) mine += frame[i]; /* still intact after the call */
  return below * 31 + mine;
}

static int is_odd(unsigned n);
static int is_even(unsigned n) {
  volatile char pad[200];
  pad[0] = (char)n;
  return n == 0 ? 1 : is_odd(n - 1) + pad[0] * 0;
}
static int is_odd(unsigned n) {
  volatile char pad[200];
  pad[0] = (char)n;
  return n == 0 ? 0 : is_even(n - 1) + pad[0] * 0;
}

static unsigned long big_frame(void) {
  volatile unsigned char buf[256 * 1024];
  for (unsigned i = 0; i < sizeof buf; i += 4096) buf[i] = (unsigned char)(i >> 12);
  unsigned long s = 0;
  for (unsigned i = 0; i < sizeof buf; i += 4096) s += buf[i];
  return s;
}

static unsigned long with_alloca(unsigned n) {
  unsigned char *p = alloca(n);
  memset(p, 0x5a, n);
  return fnv1a(p, n, FNV_INIT);
}

static unsigned long ackermann(unsigned long m, unsigned long n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

int main(void) {
  printf("deep(6000) = %016lx\n", deep(6000));
  printf("deep(6000) again = %016lx\n", deep(6000));
  printf("is_even(20000) %d is_odd(20001) %d\n", is_even(20000), is_odd(20001));
  printf("256 KiB frame sum %lu\n", big_frame());
  printf("alloca 1 MiB checksum %016lx\n", with_alloca(1 << 20));
  printf("ackermann(2, 1000) = %lu\n", ackermann(2, 1000));
  return 0;
}
