/* malloc: many sizes, small ones from brk and large ones that glibc serves
   with mmap, realloc growth and shrinkage (mremap for mmapped chunks),
   calloc zeroing, alignment, and a randomised allocate/free workload whose
   contents are checksummed. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void fill(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 31 + seed);
}

static int check(const unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(i * 31 + seed)) return 0;
  return 1;
}

static int zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

static void sizes(void) {
  static const size_t sz[] = {1, 7, 16, 24, 100, 1000, 4096, 65536, 131072, 200000,
                              512 << 10, 1 << 20, 2 << 20};
  for (unsigned i = 0; i < sizeof sz / sizeof sz[0]; i++) {
    unsigned char *p = malloc(sz[i]);
    fill(p, sz[i], i);
    printf("malloc %8zu aligned16 %d usable>=size %d sum %016lx\n", sz[i],
           ((uintptr_t)p & 15) == 0, malloc_usable_size(p) >= sz[i], fnv1a(p, sz[i], FNV_INIT));
    free(p);
  }
}

static void reallocs(void) {
  size_t n = 10;
  unsigned char *p = malloc(n);
  fill(p, n, 5);
  int ok = 1;
  while (n < (1u << 20)) {
    size_t m = n * 3;
    p = realloc(p, m);
    ok &= check(p, n, 5);
    fill(p, m, 5);
    n = m;
  }
  printf("realloc grew to %zu preserved %d\n", n, ok);
  p = realloc(p, 1000);
  printf("realloc shrink preserved %d\n", check(p, 1000, 5));
  p = realloc(p, 0);
  printf("realloc(p, 0) returns %s\n", p ? "a pointer" : "NULL");
  free(p);
  unsigned char *q = realloc(NULL, 64);
  fill(q, 64, 9);
  printf("realloc(NULL) works %d\n", check(q, 64, 9));
  free(q);
}

static void callocs(void) {
  unsigned char *dirty = malloc(50000);
  memset(dirty, 0xa5, 50000);
  free(dirty);
  unsigned char *c = calloc(50000, 1);
  printf("calloc after dirty free zero %d\n", zero(c, 50000));
  free(c);
  unsigned char *big = calloc(1 << 19, 4);
  printf("calloc 2 MiB zero %d\n", zero(big, 2 << 20));
  memset(big, 1, 2 << 20);
  free(big);
  big = calloc(2 << 20, 1);
  printf("calloc again zero %d\n", zero(big, 2 << 20));
  free(big);
  volatile size_t half = SIZE_MAX / 2, most = SIZE_MAX - 4096;
  errno = 0;
  void *over = calloc(half, 4);
  printf("calloc overflow %s %s\n", over ? "pointer" : "NULL", errname(errno));
  errno = 0;
  void *huge = malloc(most);
  printf("malloc huge %s %s\n", huge ? "pointer" : "NULL", errname(errno));
}

static void aligned(void) {
  void *p = 0;
  int r = posix_memalign(&p, 4096, 10000);
  printf("posix_memalign %d page aligned %d\n", r, ((uintptr_t)p & 4095) == 0);
  free(p);
  p = aligned_alloc(64, 640);
  printf("aligned_alloc 64 %d\n", ((uintptr_t)p & 63) == 0);
  free(p);
  r = posix_memalign(&p, 3, 10);
  printf("posix_memalign bad alignment %s\n", errname(r));
}

#define SLOTS 256
static void workload(void) {
  static unsigned char *slot[SLOTS];
  static size_t len[SLOTS];
  unsigned long sum = FNV_INIT;
  int bad = 0;
  for (int round = 0; round < 1000; round++) {
    unsigned i = next() % SLOTS;
    if (slot[i]) {
      bad += !check(slot[i], len[i], i);
      sum = fnv1a(slot[i], len[i] < 64 ? len[i] : 64, sum);
      if (next() & 1) {
        free(slot[i]);
        slot[i] = 0;
        continue;
      }
    }
    uint64_t r = next();
    size_t n = (r & 63) == 0 ? 100000 + r % 100000 : 1 + (r >> 8) % 2000;
    slot[i] = slot[i] ? realloc(slot[i], n) : malloc(n);
    len[i] = n;
    fill(slot[i], n, i);
  }
  for (int i = 0; i < SLOTS; i++) {
    if (slot[i]) bad += !check(slot[i], len[i], i);
    free(slot[i]);
  }
  printf("workload corrupt %d checksum %016lx\n", bad, sum);
}

static void brk_direct(void) {
  char *a = sbrk(0);
  char *b = sbrk(8192);
  char *c = sbrk(0);
  printf("sbrk returned old break %d grew by %ld\n", a == b, (long)(c - a));
  memset(b, 7, 8192);
  sbrk(-8192);
  printf("sbrk shrink back %d\n", (char *)sbrk(0) == a);
}

int main(void) {
  sizes();
  reallocs();
  callocs();
  aligned();
  workload();
  brk_direct();
  return 0;
}
