/* A shell's `while read line` loop as BusyBox's read builtin runs it: ppoll
 * on fd 0 for input, then read a byte at a time up to the newline. stdin is
 * the test's input. */
#include "common.h"
#include <poll.h>

int main(void) {
  char line[256];
  int n = 0, len = 0;
  for (;;) {
    struct pollfd p = { 0, POLLIN, 0 };
    if (poll(&p, 1, -1) != 1 || !(p.revents & (POLLIN | POLLHUP))) { printf("poll failed\n"); return 1; }
    char c;
    long r = read(0, &c, 1);
    if (r <= 0) break;
    if (c != '\n' && len < (int)sizeof line - 1) { line[len++] = c; continue; }
    line[len] = 0;
    printf("line %d: %s\n", ++n, line);
    len = 0;
  }
  if (len > 0) { line[len] = 0; printf("last line %d: %s\n", ++n, line); }
  printf("eof after %d lines\n", n);
  return 0;
}
