/*
 * Bare-metal runtime for the lde benchmark programs: the HTIF tohost/fromhost
 * pair, console output through HTIF, a tiny printf, memset and memcpy.
 *
 * Console protocol: a character is sent by storing
 *   (device 1 << 56) | (command 1 << 48) | ch
 * into tohost; the host consumes it and writes tohost back to 0, which we
 * wait for before sending the next one.  Exit is (code << 1) | 1 (start.S).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(8), used));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(8), used));

int putchar(int c) {
  tohost = (1ULL << 56) | (1ULL << 48) | (uint8_t)c;
  while (tohost != 0) {
  }
  return (uint8_t)c;
}

static void put_str(const char *s) {
  while (*s) putchar(*s++);
}

static void put_uint(uint64_t v, unsigned base, int width, char pad) {
  char buf[24];
  int n = 0;
  do {
    unsigned d = (unsigned)(v % base);
    buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v != 0);
  while (n < width) buf[n++] = pad;
  while (n > 0) putchar(buf[--n]);
}

/* Supports %d %i %u %x %c %s %% with an optional l, ll or z length, an
   optional 0 flag and a field width (numbers only). */
int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      putchar(*p);
      continue;
    }
    p++;
    char pad = ' ';
    int width = 0;
    int longs = 0;
    if (*p == '0') {
      pad = '0';
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l' || *p == 'z') {
      longs++;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
        if (v < 0) {
          putchar('-');
          put_uint(-(uint64_t)v, 10, width > 0 ? width - 1 : 0, pad);
        } else {
          put_uint((uint64_t)v, 10, width, pad);
        }
        break;
      }
      case 'u':
      case 'x': {
        uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        put_uint(v, *p == 'u' ? 10 : 16, width, pad);
        break;
      }
      case 'c':
        putchar(va_arg(ap, int));
        break;
      case 's':
        put_str(va_arg(ap, const char *));
        break;
      case '%':
        putchar('%');
        break;
      case '\0':
        p--;
        break;
      default:
        putchar('%');
        putchar(*p);
        break;
    }
  }
  va_end(ap);
  return 0;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  if (((uintptr_t)d & 7) == 0) {
    uint64_t w = (uint8_t)c * 0x0101010101010101ULL;
    for (; n >= 8; n -= 8, d += 8) *(uint64_t *)d = w;
  }
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
    for (; n >= 8; n -= 8, d += 8, s += 8) *(uint64_t *)d = *(const uint64_t *)s;
  }
  while (n--) *d++ = *s++;
  return dst;
}

/* Called by start.S for any trap; start.S then exits with code 0x7ff. */
void rt_trap(uint64_t mcause, uint64_t mepc) {
  printf("trap: mcause=%lx mepc=%lx\n", mcause, mepc);
}
