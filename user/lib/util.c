/* util.c: small helpers the programs share. */
#include "syscall.h"

unsigned long lde_parse_ulong(const char *s, unsigned long dflt) {
  if (s == 0 || *s == 0) return dflt;
  unsigned long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return dflt;
    v = v * 10 + (unsigned long)(*s - '0');
  }
  return v;
}

int lde_read_full(int fd, void *buf, unsigned long n) {
  unsigned char *p = buf;
  while (n > 0) {
    long r = sys_read(fd, p, n);
    if (r == -LINUX_EINTR) continue;
    if (r <= 0) return (int)r;            /* 0: end of file */
    p += r;
    n -= (unsigned long)r;
  }
  return 1;
}

int lde_write_full(int fd, const void *buf, unsigned long n) {
  const unsigned char *p = buf;
  while (n > 0) {
    long r = sys_write(fd, p, n);
    if (r == -LINUX_EINTR) continue;
    if (r <= 0) return 0;
    p += r;
    n -= (unsigned long)r;
  }
  return 1;
}
