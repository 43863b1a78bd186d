/*
 * N-queens by recursive backtracking over bitmasks: counts every solution
 * for boards BOARD_MIN..BOARD_MAX and the number of search nodes visited.
 */
#include "rt/bench.h"

#ifdef SMALL
#define BOARD_MIN 4
#define BOARD_MAX 10
#else
#define BOARD_MIN 4
#define BOARD_MAX 12
#endif

static uint64_t nodes;

static uint64_t solve(uint32_t all, uint32_t cols, uint32_t diag1, uint32_t diag2) {
  nodes++;
  if (cols == all) return 1;
  uint64_t count = 0;
  uint32_t free = all & ~(cols | diag1 | diag2);
  while (free) {
    uint32_t bit = free & -free;
    free ^= bit;
    count += solve(all, cols | bit, ((diag1 | bit) << 1) & all, (diag2 | bit) >> 1);
  }
  return count;
}

int main(void) {
  uint64_t mix = 0;
  uint64_t total = 0;
  for (int n = BOARD_MIN; n <= BOARD_MAX; n++) {
    uint64_t s = solve((1u << n) - 1, 0, 0, 0);
    total += s;
    mix = mix * 31 + s;
  }
  printf("nqueens: n=%d..%d solutions=%lu nodes=%lu mix=%lx\n", BOARD_MIN, BOARD_MAX,
         (unsigned long)total, (unsigned long)nodes, (unsigned long)mix);
  return 0;
}
