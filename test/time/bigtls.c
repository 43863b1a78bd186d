/* A program whose thread-local storage cannot be allocated (issue 9): the
 * start code's one line names the program (argv[0]), not lde. Built with
 * lde's own start code (make -C user SRC=../test/time); run it with a low
 * RLIMIT_AS (limit-as.c) so that the mapping for its TLS fails. */
#include <stdio.h>

__thread char big[1536u << 20]; /* 1.5 GiB of .tbss */

int main(int argc, char **argv) {
  (void)argv;
  volatile char *p = big;
  p[argc] = 1;
  printf("allocated %d\n", p[argc]);
  return 0;
}
