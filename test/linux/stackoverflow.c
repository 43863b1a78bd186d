/* stackoverflow: unbounded recursion runs off the 8 MiB stack.  Linux kills
   the process with SIGSEGV: expected status 139 (128 + 11), and nothing is
   printed after "recursing". */
#include <stdio.h>

static unsigned long down(unsigned long depth) {
  volatile unsigned char frame[1024];
  frame[0] = (unsigned char)depth;
  frame[1023] = (unsigned char)(depth >> 8);
  if (depth > (1UL << 40)) return 0; /* never true: silences -Winfinite-recursion */
  return down(depth + 1) + frame[0] + frame[1023];
}

int main(void) {
  printf("recursing\n");
  fflush(stdout);
  unsigned long r = down(0);
  printf("returned %lu: the stack never ran out\n", r);
  return 0;
}
