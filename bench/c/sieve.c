/*
 * Sieve of Eratosthenes over a byte array, repeated PASSES times.
 * Result: the number of primes below LIMIT and a checksum over them.
 */
#include "rt/bench.h"

#ifdef SMALL
#define LIMIT 200000
#define PASSES 1
#else
#define LIMIT 2000000
#define PASSES 3
#endif

static uint8_t composite[LIMIT];

static uint32_t sieve(void) {
  memset(composite, 0, sizeof composite);
  composite[0] = composite[1] = 1;
  for (uint32_t i = 2; (uint64_t)i * i < LIMIT; i++) {
    if (composite[i]) continue;
    for (uint32_t j = i * i; j < LIMIT; j += i) composite[j] = 1;
  }
  uint32_t count = 0;
  for (uint32_t i = 0; i < LIMIT; i++) count += composite[i] == 0;
  return count;
}

int main(void) {
  uint32_t count = 0;
  for (int pass = 0; pass < PASSES; pass++) count = sieve();
  uint64_t sum = 0, mix = 0;
  for (uint32_t i = 2; i < LIMIT; i++) {
    if (!composite[i]) {
      sum += i;
      mix = (mix ^ i) * 0x100000001B3ULL;
    }
  }
  printf("sieve: limit=%u primes=%u sum=%lu mix=%016lx\n", (unsigned)LIMIT, count,
         (unsigned long)sum, (unsigned long)mix);
  return 0;
}
