/*
 * Shared header for the lde benchmark programs.
 *
 * Bare metal (the default): printf and friends come from rt.c and reach the
 * emulator's console through HTIF.  With -DHOST the same program builds for
 * the host with the C library, so host gcc is the oracle for the expected
 * output line (bench/expected.txt).
 *
 * Each program picks its workload size from SMALL: the full size is what
 * bench/run.ts times; the -DSMALL variant is what test/bench-programs.test.ts
 * runs through the emulator.
 */
#ifndef LDE_BENCH_H
#define LDE_BENCH_H

#include <stdint.h>
#include <stddef.h>

#ifdef HOST
#include <stdio.h>
#include <string.h>
#else
int printf(const char *fmt, ...);
int putchar(int c);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
#endif

/* xorshift64*: the pseudo-random source every program uses. */
static inline uint64_t bench_rand(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

#endif
