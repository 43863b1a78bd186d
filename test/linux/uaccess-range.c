/* uaccess-range: lengths and buffers that cannot be user memory (issue 9).
   A length with bit 63 set is a size_t no user buffer can have: Linux's
   access_ok() fails and the call is EFAULT before the file is touched, for
   every kind of file (read(2): "EFAULT buf is outside your accessible
   address space").  A read whose buffer lies wholly in an unmapped page
   fails with nothing consumed: the pipe and stdin keep their bytes.
   fcntl's record-lock commands read the struct flock first (EFAULT when it
   runs into an unmapped page) and check its fields.  qemu-riscv64 and Linux
   agree on every line; stdin is "stdin line\n" from the manifest. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define BIT63 0x8000000000000000UL

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %ld\n", what, r);
  fflush(stdout);
}

/* Reads what is left in fd (non-blocking) and says how much. */
static void left(int fd) {
  static char sink[65536];
  long n = 0, r;
  while ((r = read(fd, sink, sizeof sink)) > 0) n += r;
  printf("  left in the pipe: %ld\n", n);
}

static void lengths(void) {
  char buf[64] = "0123456789";
  int p[2];
  show("write(1, buf, 1<<63)", syscall(SYS_write, 1, buf, BIT63));
  show("write(1, buf, -1)", syscall(SYS_write, 1, buf, -1L));
  char name[64];
  snprintf(name, sizeof name, "/tmp/uaccess-range-%d", (int)getpid()); /* the pid keeps parallel runs apart */
  int t = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  show("pwrite64(tmpfile, buf, 1<<63, 0)", syscall(SYS_pwrite64, t, buf, BIT63, 0));
  show("pwrite64(tmpfile, buf, -1, 0)", syscall(SYS_pwrite64, t, buf, -1L, 0));
  unlink(name);
  int z = open("/dev/zero", O_RDONLY);
  show("read(/dev/zero, buf, 1<<63)", syscall(SYS_read, z, buf, BIT63));
  show("read(/dev/zero, buf, 1<<63 | 4096)", syscall(SYS_read, z, buf, BIT63 | 4096));
  show("pread64(/dev/zero, buf, 1<<63, 0)", syscall(SYS_pread64, z, buf, BIT63, 0));
  int u = open("/dev/urandom", O_RDONLY);
  show("read(/dev/urandom, buf, -1)", syscall(SYS_read, u, buf, -1L));
  int h = open("/etc/passwd", O_RDONLY); /* a host file lde shows read-only, as qemu-user does */
  show("read(host file, buf, -1)", syscall(SYS_read, h, buf, -1L));
  show("pread64(host file, buf, 1<<63, 0)", syscall(SYS_pread64, h, buf, BIT63, 0));
  show("lseek(host file) after", lseek(h, 0, SEEK_CUR));
  pipe2(p, O_NONBLOCK);
  show("write(pipe, \"hello\", 5)", write(p[1], "hello", 5));
  show("read(pipe, buf, 1<<63)", syscall(SYS_read, p[0], buf, BIT63));
  show("read(pipe, buf, -1)", syscall(SYS_read, p[0], buf, -1L));
  struct iovec big = { buf, BIT63 };
  show("readv(pipe, [{buf, 1<<63}], 1)", syscall(SYS_readv, p[0], &big, 1));
  show("writev(pipe, [{buf, 1<<63}], 1)", syscall(SYS_writev, p[1], &big, 1));
  struct iovec halves[2] = { { buf, 1UL << 62 }, { buf, 1UL << 62 } };
  show("writev(pipe, [{buf, 1<<62}, {buf, 1<<62}], 2)", syscall(SYS_writev, p[1], halves, 2));
  left(p[0]);
  show("read(0, buf, 1<<63)", syscall(SYS_read, 0, buf, BIT63));
  show("read(0, buf, -1)", syscall(SYS_read, 0, buf, -1L));
  show("sendfile(pipe, host file, NULL, -1)", syscall(SYS_sendfile, p[1], h, 0, -1L));
  show("sendfile(pipe, host file, NULL, 1<<63)", syscall(SYS_sendfile, p[1], h, 0, BIT63));
  left(p[0]);
  close(p[0]); close(p[1]); close(z); close(u); close(h); close(t);
}

/* The reproducer: 384 bytes in a pipe, a read into a buffer that is
   partly (then wholly) unmapped. */
static void failed_reads(char *hole) {
  static char data[384], got[384];
  int p[2];
  memset(data, 'x', sizeof data);
  pipe2(p, O_NONBLOCK);
  show("write(pipe, 384 bytes)", write(p[1], data, 384));
  show("read(pipe, 100 bytes before a hole, 384)", read(p[0], hole - 100, 384));
  show("read(pipe, the hole, 384)", read(p[0], hole, 384));
  show("read(pipe, buf, 384)", read(p[0], got, 384));
  show("  the bytes are the ones written", memcmp(got, data, 384) == 0);
  show("read(0, the hole, 384)", read(0, hole, 384));
  memset(got, 0, sizeof got);
  show("read(0, buf, 384)", read(0, got, 384));
  printf("  stdin still held \"%.*s\"\n", (int)strcspn(got, "\n"), got);
  close(p[0]); close(p[1]);
}

static void dump(const struct flock *l) {
  printf("  {l_type=%d, l_whence=%d, l_start=%ld, l_len=%ld, l_pid=%d}\n", l->l_type, l->l_whence, (long)l->l_start, (long)l->l_len, l->l_pid);
}

#define LOCK(t, w, s, n, p) (memset(&l, 0, sizeof l), l.l_type = (t), l.l_whence = (w), l.l_start = (s), l.l_len = (n), l.l_pid = (p))

static void locks(char *hole) {
  char name[64];
  snprintf(name, sizeof name, "/tmp/uaccess-lock-%d", (int)getpid());
  int f = open(name, O_RDWR | O_CREAT | O_EXCL, 0600), r = open(name, O_RDONLY);
  unlink(name);
  struct flock l;
  LOCK(F_WRLCK, SEEK_SET, 10, 20, 1234); show("F_GETLK F_WRLCK", fcntl(f, F_GETLK, &l)); dump(&l);
  LOCK(F_RDLCK, SEEK_CUR, 0, 0, 0); show("F_GETLK F_RDLCK", fcntl(f, F_GETLK, &l)); dump(&l);
  LOCK(F_UNLCK, SEEK_SET, 0, 0, 0); show("F_GETLK F_UNLCK", fcntl(f, F_GETLK, &l));
  LOCK(7, SEEK_SET, 0, 0, 0); show("F_GETLK l_type 7", fcntl(f, F_GETLK, &l));
  LOCK(F_WRLCK, 5, 0, 0, 0); show("F_GETLK l_whence 5", fcntl(f, F_GETLK, &l));
  LOCK(F_WRLCK, SEEK_SET, -1, 0, 0); show("F_GETLK l_start -1", fcntl(f, F_GETLK, &l));
  LOCK(F_WRLCK, SEEK_SET, 5, -10, 0); show("F_GETLK l_len -10 from 5", fcntl(f, F_GETLK, &l));
  LOCK(F_WRLCK, SEEK_SET, 10, -10, 0); show("F_GETLK l_len -10 from 10", fcntl(f, F_GETLK, &l)); dump(&l);
  LOCK(F_WRLCK, SEEK_SET, 0, 0, 5); show("F_OFD_GETLK l_pid 5", fcntl(f, F_OFD_GETLK, &l));
  LOCK(F_WRLCK, SEEK_SET, 0, 0, 0); show("F_OFD_GETLK", fcntl(f, F_OFD_GETLK, &l)); dump(&l);
  LOCK(F_WRLCK, SEEK_SET, 0, 0, 0); show("F_SETLK F_WRLCK on O_RDONLY", fcntl(r, F_SETLK, &l));
  LOCK(F_RDLCK, SEEK_SET, 0, 0, 0); show("F_SETLK F_RDLCK on O_RDONLY", fcntl(r, F_SETLK, &l));
  LOCK(F_UNLCK, SEEK_SET, 0, 0, 0); show("F_SETLK F_UNLCK on O_RDONLY", fcntl(r, F_SETLK, &l));
  LOCK(9, SEEK_SET, 0, 0, 0); show("F_SETLK l_type 9", fcntl(f, F_SETLK, &l));
  LOCK(F_WRLCK, 7, 0, 0, 0); show("F_SETLKW l_whence 7", fcntl(f, F_SETLKW, &l));
  LOCK(F_WRLCK, SEEK_SET, 0, 0, 3); show("F_OFD_SETLK l_pid 3", fcntl(f, F_OFD_SETLK, &l));
  LOCK(F_WRLCK, SEEK_SET, 0, 0, 0); show("F_SETLKW F_WRLCK", fcntl(f, F_SETLKW, &l));
  struct flock *edge = (struct flock *)(hole - 8); /* l_type and l_whence mapped, l_start not */
  memset(edge, 0, 8);
  edge->l_type = F_WRLCK;
  show("F_GETLK, struct running into a hole", fcntl(f, F_GETLK, edge));
  printf("  l_type after: %d\n", edge->l_type);
  show("F_SETLK, struct running into a hole", fcntl(f, F_SETLK, edge));
  show("F_OFD_GETLK, struct running into a hole", fcntl(f, F_OFD_GETLK, edge));
  show("F_GETLK NULL", fcntl(f, F_GETLK, NULL));
  show("F_SETLK kernel address", syscall(SYS_fcntl, f, F_SETLK, 0xffffffc000000000UL));
  struct flock *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  show("F_GETLK read-only struct", fcntl(f, F_GETLK, ro));
  close(f); close(r);
}

int main(void) {
  char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(m + 4096, 4096);
  lengths();
  failed_reads(m + 4096);
  locks(m + 4096);
  return 0;
}
