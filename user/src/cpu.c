/* cpu: CPU-bound workloads for `lde experiment jit`, in plain C (stdio,
 * stdlib, string only) so that the same source builds as this riscv64
 * program and, with the host's cc, as a native one. Each workload runs
 * SCALE rounds of work (0: none, only the set-up) and prints one line with
 * a checksum, never a timing, so every way of running it prints the same.
 * The algorithms are those of bench/c (there bare-metal, here Linux):
 *   sieve    primes below 100,000 by Eratosthenes, SCALE times
 *   sha256   SHA-256 (FIPS 180-4) of a 4 KiB buffer, SCALE times, chained
 *   matmul   a 40x40 integer matrix product, SCALE times, perturbed between
 *   nqueens  every solution of the 8-queens board, SCALE times
 *   qsort    quicksort of 8,192 pseudo-random 64-bit keys, SCALE times
 *   stackvm  a bytecode loop on a small stack machine, SCALE times
 * Usage: cpu [WORKLOAD [SCALE]]; no WORKLOAD runs each once at SCALE 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t rng(uint64_t *s) {      /* xorshift64* */
  uint64_t x = *s;
  x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
  *s = x;
  return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t fnv(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

/* ---- sieve ---- */
#define SIEVE_LIMIT 100000
static uint8_t composite[SIEVE_LIMIT];

static uint64_t sieve(unsigned long scale) {
  uint64_t mix = 0xcbf29ce484222325ULL;
  for (unsigned long r = 0; r < scale; r++) {
    memset(composite, 0, sizeof composite);
    uint32_t count = 0;
    for (uint32_t i = 2; i < SIEVE_LIMIT; i++) {
      if (composite[i]) continue;
      count++;
      for (uint32_t j = i * 2; j < SIEVE_LIMIT; j += i) composite[j] = 1;
    }
    mix = fnv(mix, count + r);
  }
  return mix;
}

/* ---- sha256 ---- */
static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
#define SHA_BYTES 4096
static uint8_t shabuf[SHA_BYTES];

static uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64], v[8];
  for (int t = 0; t < 16; t++) w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  memcpy(v, h, sizeof v);
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[t] + w[t];
    uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
    memmove(v + 1, v, 7 * sizeof v[0]);
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; i++) h[i] += v[i];
}

/* The digest of the buffer (a whole number of blocks, then the padding block), into its first 32 bytes. */
static void sha256_chain(void) {
  uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
  for (int off = 0; off < SHA_BYTES; off += 64) compress(h, shabuf + off);
  uint8_t pad[64] = { 0x80 };
  uint64_t bits = (uint64_t)SHA_BYTES * 8;
  for (int i = 0; i < 8; i++) pad[63 - i] = (uint8_t)(bits >> (8 * i));
  compress(h, pad);
  for (int i = 0; i < 8; i++) for (int k = 0; k < 4; k++) shabuf[4 * i + k] = (uint8_t)(h[i] >> (24 - 8 * k));
}

static uint64_t sha256(unsigned long scale) {
  uint64_t seed = 0x5ea5eed5ea5eed01ULL;
  for (int i = 0; i < SHA_BYTES; i++) shabuf[i] = (uint8_t)rng(&seed);
  for (unsigned long r = 0; r < scale; r++) sha256_chain();
  uint64_t mix = 0xcbf29ce484222325ULL;
  for (int i = 0; i < 32; i++) mix = fnv(mix, shabuf[i]);
  return mix;
}

/* ---- matmul ---- */
#define MN 40
static int64_t MA[MN][MN], MB[MN][MN], MC[MN][MN];

static uint64_t matmul(unsigned long scale) {
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      MA[i][j] = (i * 7 + j * 3) % 11 - 5;
      MB[i][j] = (i * 5 + j * 13) % 17 - 8;
    }
  uint64_t mix = 0xcbf29ce484222325ULL;
  for (unsigned long r = 0; r < scale; r++) {
    for (int i = 0; i < MN; i++)
      for (int j = 0; j < MN; j++) {
        int64_t acc = 0;
        for (int k = 0; k < MN; k++) acc += MA[i][k] * MB[k][j];
        MC[i][j] = acc;
      }
    int64_t trace = 0;
    for (int i = 0; i < MN; i++) trace += MC[i][i];
    mix = fnv(mix, (uint64_t)trace);
    MA[r % MN][(r * 3) % MN] += 1;
    MB[(r * 5) % MN][r % MN] -= 2;
  }
  return mix;
}

/* ---- nqueens ---- */
static uint64_t nodes;

static uint64_t solve(uint32_t all, uint32_t cols, uint32_t d1, uint32_t d2) {
  nodes++;
  if (cols == all) return 1;
  uint64_t count = 0;
  for (uint32_t free = all & ~(cols | d1 | d2); free; ) {
    uint32_t bit = free & -free;
    free ^= bit;
    count += solve(all, cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1);
  }
  return count;
}

static uint64_t nqueens(unsigned long scale) {
  uint64_t mix = 0;
  for (unsigned long r = 0; r < scale; r++) mix = fnv(mix, solve(0xff, 0, 0, 0));
  return fnv(mix, nodes);
}

/* ---- qsort (our own quicksort: the C library's differs between the two builds) ---- */
#define QN 8192
static uint64_t keys[QN];

static void quicksort(uint64_t *a, long lo, long hi) {
  while (lo < hi) {
    uint64_t pivot = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { uint64_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; } else { quicksort(a, i, hi); hi = j; }
  }
}

static uint64_t qsort_work(unsigned long scale) {
  uint64_t seed = 0x9e3779b97f4a7c15ULL, mix = 0;
  for (unsigned long r = 0; r < scale; r++) {
    for (int i = 0; i < QN; i++) keys[i] = rng(&seed);
    quicksort(keys, 0, QN - 1);
    for (int i = 1; i < QN; i++) if (keys[i - 1] > keys[i]) return 0;
    mix = fnv(mix, keys[QN / 2]);
  }
  return mix;
}

/* ---- stackvm: a switch-dispatched bytecode interpreter (indirect jumps) ---- */
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, DUP, JNZ, HALT };
/* x = 0; i = 2000; do { x = (x * 33) ^ (i >> 1) + i; i = i - 1; } while (i); */
static const int32_t prog[] = {
  PUSH, 0, STORE, 0, PUSH, 2000, STORE, 1,
  LOAD, 0, PUSH, 33, MUL, LOAD, 1, PUSH, 1, SHR, LOAD, 1, ADD, XOR, STORE, 0,
  LOAD, 1, PUSH, 1, SUB, DUP, STORE, 1, JNZ, 8, HALT,
};

static uint64_t vm_run(void) {
  int64_t stack[16], vars[2] = { 0, 0 };
  int sp = 0, pc = 0;
  for (;;) {
    int32_t op = prog[pc++];
    switch (op) {
    case PUSH: stack[sp++] = prog[pc++]; break;
    case LOAD: stack[sp++] = vars[prog[pc++]]; break;
    case STORE: vars[prog[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] * (uint64_t)stack[sp]); break;
    case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]); break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case JNZ: { int32_t to = prog[pc++]; if (stack[--sp] != 0) pc = to; break; }
    default: return (uint64_t)vars[0];
    }
  }
}

static uint64_t stackvm(unsigned long scale) {
  uint64_t mix = 0;
  for (unsigned long r = 0; r < scale; r++) mix = fnv(mix, vm_run() + r);
  return mix;
}

static const struct { const char *name; uint64_t (*run)(unsigned long); } WORK[] = {
  { "sieve", sieve }, { "sha256", sha256 }, { "matmul", matmul },
  { "nqueens", nqueens }, { "qsort", qsort_work }, { "stackvm", stackvm },
};
#define NWORK (sizeof WORK / sizeof WORK[0])

int main(int argc, char **argv) {
  unsigned long scale = argc > 2 ? strtoul(argv[2], 0, 10) : 1;
  int ran = 0;
  for (unsigned i = 0; i < NWORK; i++) {
    if (argc > 1 && strcmp(argv[1], WORK[i].name) != 0) continue;
    printf("%s: scale=%lu checksum=%016lx\n", WORK[i].name, scale, (unsigned long)WORK[i].run(scale));
    ran++;
  }
  if (ran == 0) {
    printf("cpu: unknown workload '%s' (sieve, sha256, matmul, nqueens, qsort, stackvm)\n", argv[1]);
    return 2;
  }
  return 0;
}
