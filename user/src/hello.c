/* hello: the smallest complete program. Prints its arguments (argv[0] as a
 * base name, since the path differs between runners) and a greeting, then
 * exits 0. Exercises: the initial stack (argc/argv), printf through our
 * stdout stream, write(2), exit_group. */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  printf("hello: argc=%d\n", argc);
  printf("hello: argv[0]=%s\n", name);
  for (int i = 1; i < argc; i++) printf("hello: argv[%d]=%s\n", i, argv[i]);
  printf("hello: hello, world, from a static riscv64 program\n");
  return 0;
}
