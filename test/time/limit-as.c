/* limit-as BYTES PROGRAM [ARGS...]: runs PROGRAM with RLIMIT_AS at BYTES,
 * as `prlimit --as=BYTES` would (for bigtls.c: its TLS mapping then fails). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: limit-as BYTES PROGRAM [ARGS...]\n"); return 2; }
  struct rlimit r = { strtoul(argv[1], 0, 0), strtoul(argv[1], 0, 0) };
  if (setrlimit(RLIMIT_AS, &r)) { perror("setrlimit"); return 1; }
  execv(argv[2], argv + 2);
  perror(argv[2]);
  return 127;
}
