/* stdio.c: stdin, stdout and stderr for picolibc's stdio, over fds 0, 1, 2.
 *
 * picolibc's "tiny stdio" leaves the three standard streams to the
 * application: it declares `FILE *const stdout` and calls the stream's
 * put/get/flush functions (FDEV_SETUP_STREAM in <stdio.h>). Ours buffer a
 * line at a time, whatever the fd is connected to, so every complete line
 * is one write(2) at the moment it is printed. That keeps the syscall
 * pattern of a program the same on a terminal, a pipe or a file, and means
 * a fork or a fatal signal never duplicates or loses a complete line.
 * exit() flushes what is left through a destructor; _exit() does not.
 */
#include <stdio.h>
#include <unistd.h>
#include "syscall.h"

#define LDE_STDIO_BUF 1024

struct lde_stream {
  FILE file;                /* first, so a FILE * is a struct lde_stream * */
  int fd;
  unsigned int len;         /* output: bytes waiting; input: bytes buffered */
  unsigned int pos;         /* input: next byte to hand out */
  char *buf;                /* LDE_STDIO_BUF bytes, in .bss (not in the ELF) */
};

static int out_flush(FILE *f) {
  struct lde_stream *s = (struct lde_stream *)f;
  unsigned int done = 0;
  while (done < s->len) {
    long n = sys_write(s->fd, s->buf + done, s->len - done);
    if (n == -LINUX_EINTR) continue;
    if (n <= 0) {                        /* error: drop the buffer, report it */
      s->len = 0;
      return EOF;
    }
    done += (unsigned int)n;
  }
  s->len = 0;
  return 0;
}

static int out_put(char c, FILE *f) {
  struct lde_stream *s = (struct lde_stream *)f;
  s->buf[s->len++] = c;
  if (c == '\n' || s->len == LDE_STDIO_BUF) return out_flush(f);
  return 0;
}

static int in_get(FILE *f) {
  struct lde_stream *s = (struct lde_stream *)f;
  if (s->pos == s->len) {
    /* Before blocking on input, show any prompt waiting on stdout. */
    fflush(stdout);
    long n;
    do n = sys_read(s->fd, s->buf, LDE_STDIO_BUF); while (n == -LINUX_EINTR);
    if (n < 0) return _FDEV_ERR;
    if (n == 0) return _FDEV_EOF;
    s->len = (unsigned int)n;
    s->pos = 0;
  }
  return (unsigned char)s->buf[s->pos++];
}

static char in_buf[LDE_STDIO_BUF], out_buf[LDE_STDIO_BUF], err_buf[LDE_STDIO_BUF];

static struct lde_stream lde_stdin = {
  .file = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ), .fd = 0, .buf = in_buf,
};
static struct lde_stream lde_stdout = {
  .file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE), .fd = 1, .buf = out_buf,
};
static struct lde_stream lde_stderr = {
  .file = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE), .fd = 2, .buf = err_buf,
};

FILE *const stdin = &lde_stdin.file;
FILE *const stdout = &lde_stdout.file;
FILE *const stderr = &lde_stderr.file;

/* picolibc's exit() runs the .fini_array (__libc_fini_array) before _exit. */
__attribute__((destructor)) static void lde_stdio_flush(void) {
  out_flush(stdout);
  out_flush(stderr);
}
