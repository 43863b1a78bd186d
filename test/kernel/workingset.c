/* Memory pressure: a working set larger than RAM, touched repeatedly; with
   --swap the least-recently-used pages go out and come back on major faults. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
/* Touches a working set of argv[1] MiB and checksums it twice over. */
int main(int argc, char **argv) {
  size_t mb = argc > 1 ? atoi(argv[1]) : 32, n = mb << 20;
  unsigned char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (size_t i = 0; i < n; i += 512) p[i] = (unsigned char)(i >> 9);
  unsigned long sum = 0;
  for (int pass = 0; pass < 2; pass++) for (size_t i = 0; i < n; i += 512) sum += p[i];
  printf("working set %zu MiB checksum %lu\n", mb, sum);
  return 0;
}
