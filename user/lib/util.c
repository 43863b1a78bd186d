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
