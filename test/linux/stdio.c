/* stdio: printf conversions, fputs/puts/fwrite, stdin reading, and the
   buffering rules.  stdout is a pipe under the test (not a tty), so glibc
   buffers it fully; stderr is unbuffered.  stderr is pointed at stdout's pipe
   with dup2 so that the order in which bytes reach the pipe is visible. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static void formats(void) {
  printf("int %d %i %u %x %X %o %#x %#o\n", -42, 17, 4000000000u, 0xbeef, 0xbeef, 8, 255, 8);
  printf("limits %d %d %u\n", INT_MIN, INT_MAX, UINT_MAX);
  printf("long %ld %lu %lx\n", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
  printf("int64 %" PRId64 " %" PRIu64 " %" PRIx64 "\n", INT64_MIN, UINT64_MAX, (uint64_t)1 << 63);
  printf("short %hd %hhu\n", (short)-2, (unsigned char)300);
  printf("pad [%5d] [%-5d] [%05d] [%+d] [% d] [%*d]\n", 42, 42, 42, 42, 42, 6, 7);
  printf("char %c%c%c str [%s] [%10s] [%-10s] [%.3s] [%*.*s]\n", 'l', 'd', 'e', "hi", "right",
         "left", "truncate", 6, 2, "xyz");
  printf("double %f %.2f %.0f %e %E %g %g %g\n", 3.14159, 2.675, 0.5, 12345.678, 0.00012, 0.0001,
         1e20, 100000.0);
  printf("hex-float %a %a %A\n", 1.0, -0.1, 255.5);
  printf("special %f %f %f %g %.1f\n", INFINITY, -INFINITY, NAN, -0.0, 0.05);
  printf("precision %.17g %.17g %.9g\n", 0.1, 1.0 / 3.0, (double)(0.1f));
  printf("nil %p size %zu %zd ptrdiff %td\n", (void *)0, (size_t)123, (ssize_t)-5, (ptrdiff_t)-9);
  int n1 = 0, n2 = 0;
  printf("count%n %s%n\n", &n1, "abc", &n2);
  printf("%%n gave %d %d\n", n1, n2);
  char buf[8];
  const char *volatile hello = "hello world";
  int len = snprintf(buf, sizeof buf, "%s", hello);
  printf("snprintf %d [%s]\n", len, buf);
  char big[64];
  sprintf(big, "%08.3f|%-8x|%+.2e", -3.14159, 0xabc, 123456.0);
  printf("sprintf [%s]\n", big);
}

static void writers(void) {
  fputs("fputs line\n", stdout);
  puts("puts line");
  putchar('p');
  putchar('\n');
  fwrite("fwrite 12345\n", 1, 13, stdout);
  fprintf(stdout, "fprintf %s\n", "stdout");
  printf("ret %d\n", printf("%s", ""));
}

static void input(void) {
  char line[64];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    n++;
    size_t l = strlen(line);
    if (l && line[l - 1] == '\n') line[--l] = 0;
    printf("stdin %d len %zu [%s]\n", n, l, line);
  }
  printf("stdin eof %d error %d lines %d\n", feof(stdin) != 0, ferror(stdin) != 0, n);
}

/* write(2) of a string literal, bypassing stdio. */
#define say(s) write(1, s, sizeof(s) - 1)

/* Builds ordering evidence: each pair shows which of two writes reached the
   pipe first. */
static void buffering(void) {
  fflush(stdout);
  dup2(1, 2);
  printf("A1 printf (fully buffered)\n");
  fprintf(stderr, "B1 stderr (unbuffered, first)\n");
  fflush(stdout);
  printf("C1 printf (buffered)\n");
  say("D1 write(2) (bypasses the buffer, first)\n");
  fflush(stdout);

  FILE *line = fdopen(dup(1), "w");
  setvbuf(line, NULL, _IOLBF, 0);
  fputs("E1 line-buffered, partial", line);
  say("F1 write(2) first\n");
  fputs(" ... completed\n", line);
  say("G1 write(2) after the newline\n");
  fclose(line);

  FILE *none = fdopen(dup(1), "w");
  setvbuf(none, NULL, _IONBF, 0);
  fputs("H1 unbuffered, first\n", none);
  printf("I1 printf (buffered)\n");
  fputs("J1 unbuffered, second\n", none);
  fflush(stdout);
  fclose(none);

  /* glibc writes straight through when a user buffer is under 128 bytes, so
     the buffer here is 256. */
  static char block[256];
  FILE *full = fdopen(dup(1), "w");
  setvbuf(full, block, _IOFBF, sizeof block);
  fputs("K1 fully buffered in 256 bytes, newline does not flush\n", full);
  say("L1 write(2) first\n");
  fflush(full);
  for (int i = 0; i < 10; i++) fprintf(full, "M%d %s\n", i, "forty bytes of text to fill the buffer");
  say("N1 write(2) after the first 256-byte flushes\n");
  fclose(full);

  for (int i = 0; i < 300; i++) printf("bulk line %03d %s\n", i, "................");
  fprintf(stderr, "O1 stderr before the bulk lines flush\n");
  printf("last line, flushed by exit\n");
}

int main(void) {
  formats();
  writers();
  input();
  buffering();
  return 0;
}
