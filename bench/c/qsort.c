/*
 * Quicksort of pseudo-random signed 64-bit integers (median-of-three pivot,
 * Hoare partition, insertion sort for short ranges, recursion on the smaller
 * side only), REPS times with fresh data.  Each sort is checked for order.
 * Result: a checksum over the sorted arrays.
 */
#include "rt/bench.h"

#ifdef SMALL
#define COUNT 20000
#define REPS 1
#else
#define COUNT 100000
#define REPS 4
#endif

static int64_t data[COUNT];

static void insertion_sort(int64_t *a, long n) {
  for (long i = 1; i < n; i++) {
    int64_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static inline void swap(int64_t *a, int64_t *b) {
  int64_t t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(int64_t *a, long n) {
  while (n > 16) {
    long mid = n / 2;
    if (a[mid] < a[0]) swap(&a[mid], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid]) swap(&a[n - 1], &a[mid]);
    int64_t pivot = a[mid];
    long i = -1, j = n;
    for (;;) {
      do i++; while (a[i] < pivot);
      do j--; while (a[j] > pivot);
      if (i >= j) break;
      swap(&a[i], &a[j]);
    }
    long left = j + 1; /* a[0..j] <= pivot <= a[j+1..n-1] */
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

int main(void) {
  uint64_t seed = 0x0123456789abcdefULL;
  uint64_t check = 0;
  long disorder = 0;
  for (int rep = 0; rep < REPS; rep++) {
    for (long i = 0; i < COUNT; i++) data[i] = (int64_t)bench_rand(&seed);
    quicksort(data, COUNT);
    for (long i = 1; i < COUNT; i++) disorder += data[i - 1] > data[i];
    for (long i = 0; i < COUNT; i += 7) check = (check ^ (uint64_t)data[i]) * 0x100000001B3ULL + (uint64_t)i;
  }
  printf("qsort: count=%d reps=%d disorder=%ld min=%lx max=%lx check=%016lx\n", COUNT, REPS,
         disorder, (unsigned long)data[0], (unsigned long)data[COUNT - 1], (unsigned long)check);
  return 0;
}
