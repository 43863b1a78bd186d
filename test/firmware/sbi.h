// What the test kernels (sbitest.c, blktest.c) share: an SBI call, and
// printing through the legacy console_putchar, which every firmware has
// (OpenSBI 1.x lacks DBCN).
#ifndef LDE_TEST_SBI_H
#define LDE_TEST_SBI_H

struct sbiret { long error; long value; };

static struct sbiret sbi(long eid, long fid, long a0, long a1, long a2) {
  register long r0 asm("a0") = a0, r1 asm("a1") = a1, r2 asm("a2") = a2;
  register long r6 asm("a6") = fid, r7 asm("a7") = eid;
  asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){r0, r1};
}

static void putc_(char c) { sbi(1, 0, c, 0, 0); }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putd(long v) {
  char b[24];
  int n = 0;
  if (v < 0) { putc_('-'); v = -v; }
  do b[n++] = '0' + v % 10; while (v /= 10);
  while (n) putc_(b[--n]);
}

#endif
