/*
 * Double-precision matrix multiply C = A * B (N x N), REPS times, perturbing A
 * between repetitions.  The inner product uses fused multiply-add explicitly
 * (__builtin_fma), so the RISC-V build (fmadd.d) and the host build (libm
 * fma) round identically; nothing else is left to the compiler's choice of
 * contraction (-ffp-contract=off).  Uses fdiv.d, fsqrt.d, fcvt and fmadd.d.
 * Result: the bit pattern of a sum over C, and a Frobenius norm.
 */
#include "rt/bench.h"

#ifdef SMALL
#define N 40
#define REPS 6
#else
#define N 96
#define REPS 16
#endif

static double A[N][N], B[N][N], C[N][N];

static uint64_t bits_of(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

int main(void) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      A[i][j] = (double)((i * 7 + j * 3) % 11 - 5) / (double)(1 + (i + j) % 5);
      B[i][j] = (double)((i * 5 + j * 13) % 17 - 8) / (double)(3 + (i * j) % 7);
    }
  }
  double total = 0.0;
  for (int rep = 0; rep < REPS; rep++) {
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) {
        double acc = 0.0;
        for (int k = 0; k < N; k++) acc = __builtin_fma(A[i][k], B[k][j], acc);
        C[i][j] = acc;
      }
    }
    double trace = 0.0;
    for (int i = 0; i < N; i++) trace += C[i][i];
    total += trace / (double)(rep + 1);
    A[rep % N][(rep * 3) % N] += 0.5;
    B[(rep * 5) % N][rep % N] -= 0.25;
  }
  double sum = 0.0, sq = 0.0;
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      sum += C[i][j];
      sq += C[i][j] * C[i][j];
    }
  }
  double norm = __builtin_sqrt(sq);
  printf("matmul: n=%d reps=%d sum=%016lx norm=%016lx total=%016lx int=%ld\n", N, REPS,
         (unsigned long)bits_of(sum), (unsigned long)bits_of(norm),
         (unsigned long)bits_of(total), (long)(int64_t)(norm * 1000.0));
  return 0;
}
