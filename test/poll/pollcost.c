/* The work meter: 200 ppoll scans of argv[1] pollfd entries (default 1),
 * none of them ready. The test compares the kernel time lde charges for
 * 1 and for 1000 entries; the output is the same either way. */
#include "common.h"
#include <poll.h>
#include <stdlib.h>

static struct pollfd fds[1000];

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  int p[2];
  pipe(p);
  for (int i = 0; i < n; i++) { fds[i].fd = p[0]; fds[i].events = POLLIN; }
  int ready = 0;
  for (int i = 0; i < 200; i++) ready += poll(fds, n, 0);
  printf("ready %d\n", ready);
  return 0;
}
