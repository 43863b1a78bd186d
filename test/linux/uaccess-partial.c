/* uaccess-partial: reads whose buffer faults partway (issue 9).  Linux
   copies page by page and a read returns the bytes copied before the fault,
   or EFAULT when there are none; only what it returns is consumed.  A pipe
   is a ring of page-sized buffers (fs/pipe.c: a write tops up the last
   buffer with its length mod 4096 when that fits, then fills fresh pages,
   16 at most), and pipe_read stops before the first buffer it cannot copy
   whole.  /dev/zero, /dev/urandom, getrandom and regular files return the
   short count, and a file's offset moves by what was returned; getdents64
   returns the records copied whole and resumes after them.  Also the
   argument widths Linux uses: readlinkat's bufsiz is an int, getcwd's size
   and getdents64's count are unsigned.  qemu-riscv64 checks the whole
   buffer before the host call, so its oracle is Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %ld\n", what, r);
  fflush(stdout);
}

static char data[65536], sink[65536];

/* Reads what is left in fd (non-blocking) and says how much. */
static void left(int fd) {
  long n = 0, r;
  while ((r = read(fd, sink, sizeof sink)) > 0) n += r;
  printf("  left in the pipe: %ld\n", n);
}

/* Writes: sizes of the writes, in order. */
static void fill(int fd, int a, int b) { write(fd, data, a); if (b) write(fd, data, b); }

static void pipes(char *end) {
  int p[2];
  pipe2(p, O_NONBLOCK);
  fill(p[1], 8192, 0); show("8192 in one write; read 8192 ending 4096 past the hole", read(p[0], end - 4096, 8192)); left(p[0]);
  fill(p[1], 8192, 0); show("8192 in one write; read 8192 from 4196 before the hole", read(p[0], end - 4196, 8192)); left(p[0]);
  fill(p[1], 100, 100); show("100 + 100 (one buffer); read 200 from 150 before", read(p[0], end - 150, 200)); left(p[0]);
  fill(p[1], 4000, 4000); show("4000 + 4000 (two buffers); read 8000 from 4100 before", read(p[0], end - 4100, 8000)); left(p[0]);
  fill(p[1], 100, 5000); show("100 + 5000 (1004 and 4096); read 5100 from 1200 before", read(p[0], end - 1200, 5100)); left(p[0]);
  fill(p[1], 100, 5000); show("100 + 5000 (1004 and 4096); read 5100 from 1000 before", read(p[0], end - 1000, 5100)); left(p[0]);
  show("empty pipe, O_NONBLOCK; read into the hole", read(p[0], end, 10));
  fill(p[1], 300, 0);
  show("300; read 10 from 5 before", read(p[0], end - 5, 10));
  show("300; read 3 from 5 before", read(p[0], end - 5, 3));
  left(p[0]);
  struct iovec v[2] = { { sink, 100 }, { end - 50, 200 } };
  fill(p[1], 200, 200);
  show("200 + 200; readv [{buf, 100}, {50 before, 200}]", readv(p[0], v, 2));
  left(p[0]);
  long n = 0, w;
  while ((w = write(p[1], data, 1000)) > 0) n += w;
  show("1000-byte writes until full: bytes", n);
  left(p[0]);
  close(p[0]); close(p[1]);
}

static void devices(char *end) {
  int z = open("/dev/zero", O_RDONLY), u = open("/dev/urandom", O_RDONLY), nul = open("/dev/null", O_RDONLY);
  show("/dev/zero: read 8192 from 100 before", read(z, end - 100, 8192));
  show("/dev/zero: read 8192 from 5000 before", read(z, end - 5000, 8192));
  show("/dev/zero: read 10 into the hole", read(z, end, 10));
  show("/dev/zero: pread64 8192 from 100 before", pread(z, end - 100, 8192, 0));
  show("/dev/null: read 10 into the hole", read(nul, end, 10));
  show("/dev/urandom: read 8192 from 100 before", read(u, end - 100, 8192));
  show("getrandom 8192 from 100 before", syscall(SYS_getrandom, end - 100, 8192, 0));
  show("getrandom -1 from 100 before", syscall(SYS_getrandom, end - 100, -1L, 0));
  close(z); close(u); close(nul);
}

static void files(char *end) {
  char name[64];
  snprintf(name, sizeof name, "/tmp/uaccess-partial-%d", (int)getpid()); /* the pid keeps parallel runs apart */
  int f = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  unlink(name);
  write(f, data, 10000);
  lseek(f, 0, SEEK_SET);
  show("file: read 10000 from 300 before", read(f, end - 300, 10000));
  show("  offset", lseek(f, 0, SEEK_CUR));
  show("file: read 10000 into the hole", read(f, end, 10000));
  show("  offset", lseek(f, 0, SEEK_CUR));
  show("file: read 10000 into a buffer", read(f, sink, 10000));
  show("  the bytes are the file's", memcmp(sink, data + 300, 9700) == 0);
  show("file at EOF: read 10 into the hole", read(f, end, 10));
  show("file: pread64 10000 from 300 before", pread(f, end - 300, 10000, 0));
  show("file: pread64 past EOF into the hole", pread(f, end, 10, 99999));
  close(f);
}

/* How many struct linux_dirent64 records n bytes at b hold. */
static int records(const char *b, long n) {
  int k = 0;
  for (long o = 0; o < n; k++) o += *(const unsigned short *)(b + o + 16);
  return k;
}

/* 20 files and . and ..: records of 24 bytes each.  Four fit before the hole. */
static void directory(char *end) {
  char dir[64], path[96];
  snprintf(dir, sizeof dir, "/tmp/uaccess-dir-%d", (int)getpid());
  mkdir(dir, 0700);
  for (int i = 0; i < 20; i++) { snprintf(path, sizeof path, "%s/f%02d", dir, i); close(open(path, O_CREAT | O_WRONLY, 0600)); }
  int d = open(dir, O_RDONLY | O_DIRECTORY);
  long r = syscall(SYS_getdents64, d, end - 100, 4096);
  show("getdents64 from 100 before the hole", r);
  if (r > 0) printf("  records %d\n", records(end - 100, r));
  show("getdents64 into the hole", syscall(SYS_getdents64, d, end, 4096));
  r = syscall(SYS_getdents64, d, sink, sizeof sink);
  show("getdents64 the rest", r);
  if (r > 0) printf("  records %d\n", records(sink, r));
  for (int i = 0; i < 20; i++) { snprintf(path, sizeof path, "%s/f%02d", dir, i); unlink(path); }
  rmdir(dir);
  close(d);
}

static void widths(void) {
  char buf[256];
  show("readlinkat bufsiz (1<<32)|5", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, (1UL << 32) | 5));
  show("readlinkat bufsiz -1", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, -1L));
  show("getcwd size -1 > 0", syscall(SYS_getcwd, buf, -1L) > 0);
  show("getcwd size 1<<63 > 0", syscall(SYS_getcwd, buf, 0x8000000000000000UL) > 0);
  int d = open("/", O_RDONLY | O_DIRECTORY);
  show("getdents64 count 1<<63", syscall(SYS_getdents64, d, buf, 0x8000000000000000UL));
  show("getdents64 count (1<<32)|5", syscall(SYS_getdents64, d, buf, (1UL << 32) | 5));
  int p[2];
  pipe(p);
  struct iovec v[2] = { { buf, 10 }, { buf, 0x7fffffffffffffffUL } };
  show("writev [{buf, 10}, {buf, LONG_MAX}]", writev(p[1], v, 2));
  off_t neg = -5;
  int self = open("/proc/self/exe", O_RDONLY);
  show("sendfile offset -5", syscall(SYS_sendfile, p[1], self, &neg, 10));
  close(d); close(p[0]); close(p[1]); close(self);
}

int main(void) {
  for (int i = 0; i < (int)sizeof data; i++) data[i] = 'a' + i % 26;
  char *m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(m + 8192, 4096);
  char *end = m + 8192; /* the first byte of the hole */
  pipes(end);
  devices(end);
  files(end);
  directory(end);
  widths();
  return 0;
}
