/* More file I/O: preadv/pwritev at an offset (the file offset stays),
   preadv2/pwritev2 with offset -1 (the file offset moves) and RWF flags,
   copy_file_range with and without offsets, fallocate growing a file and
   KEEP_SIZE, posix_fadvise, readahead, sync_file_range, close_range (close
   and CLOEXEC), memfd_create, getcpu (the cpu number is the host's under qemu: only its range
   is printed), and the errors each gives. Prints facts only. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common.h"

static long size_of(int fd) { struct stat st; return fstat(fd, &st) == 0 ? (long)st.st_size : -1; }

int main(void) {
  const char *path = "/tmp/lde-fileio-a", *path2 = "/tmp/lde-fileio-b";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  char a[] = "hello ", b[] = "vectored world";
  struct iovec w[2] = { { a, 6 }, { b, 14 } };
  printf("pwritev at 4: %ld, offset %ld\n", (long)pwritev(fd, w, 2, 4), (long)lseek(fd, 0, SEEK_CUR));
  char r1[8] = { 0 }, r2[16] = { 0 };
  struct iovec r[2] = { { r1, 5 }, { r2, 15 } };
  long n = preadv(fd, r, 2, 4);
  printf("preadv at 4: %ld [%s][%s], offset %ld\n", n, r1, r2, (long)lseek(fd, 0, SEEK_CUR));
  printf("the hole reads as zeros: %d\n", (int)({ char z[4]; pread(fd, z, 4, 0) == 4 && !z[0] && !z[3]; }));
  printf("pwritev2 at -1 (the file offset): %ld, offset %ld\n", (long)pwritev2(fd, w, 1, -1, 0), (long)lseek(fd, 0, SEEK_CUR));
  errno = 0; printf("preadv2 with RWF_HIPRI: %s\n", RES(preadv2(fd, r, 1, 0, RWF_HIPRI)));
  errno = 0; printf("preadv2 with an unknown flag: %s\n", RES(preadv2(fd, r, 1, 0, 0x4000)));
  errno = 0; printf("preadv at -5: %s\n", RES(preadv(fd, r, 1, -5)));
  int pfd[2]; pipe(pfd);
  errno = 0; printf("preadv on a pipe: %s\n", RES(preadv(pfd[0], r, 1, 0)));
  errno = 0; printf("pwritev on a read-only fd: %s\n", RES(pwritev(pfd[0], w, 1, 0)));
  /* copy_file_range */
  int out = open(path2, O_RDWR | O_CREAT | O_TRUNC, 0600);
  loff_t in_off = 10, out_off = 2;
  long c = copy_file_range(fd, &in_off, out, &out_off, 8, 0);
  printf("copy_file_range with offsets: %ld, in_off %ld, out_off %ld, out offset %ld\n", c, (long)in_off, (long)out_off, (long)lseek(out, 0, SEEK_CUR));
  lseek(fd, 4, SEEK_SET);
  c = copy_file_range(fd, NULL, out, NULL, 5, 0);
  char got[16] = { 0 };
  pread(out, got, 15, 0);
  printf("copy_file_range from the offsets: %ld, fd offset %ld, out offset %ld, out holds [%s]\n", c, (long)lseek(fd, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR), got);
  errno = 0; printf("copy_file_range with flags: %s\n", RES(copy_file_range(fd, NULL, out, NULL, 5, 1)));
  errno = 0; printf("copy_file_range from a pipe: %s\n", RES(copy_file_range(pfd[0], NULL, out, NULL, 5, 0)));
  c = copy_file_range(fd, &(loff_t){ 1000 }, out, NULL, 5, 0);
  printf("copy_file_range past the end: %ld\n", c);
  /* fallocate */
  printf("fallocate 0..4096: %s, size %ld\n", RES(fallocate(out, 0, 0, 4096)), size_of(out));
  printf("fallocate KEEP_SIZE to 8192: %s, size %ld\n", RES(fallocate(out, FALLOC_FL_KEEP_SIZE, 0, 8192)), size_of(out));
  errno = 0; printf("fallocate len 0: %s\n", RES(fallocate(out, 0, 0, 0)));
  errno = 0; printf("fallocate on a pipe: %s\n", RES(fallocate(pfd[1], 0, 0, 10)));
  errno = 0; printf("fallocate PUNCH_HOLE alone: %s\n", RES(fallocate(out, FALLOC_FL_PUNCH_HOLE, 0, 10)));
  /* advice */
  printf("posix_fadvise SEQUENTIAL: %s\n", errname(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)));
  printf("posix_fadvise bad advice: %s\n", errname(posix_fadvise(fd, 0, 0, 99)));
  printf("posix_fadvise on a pipe: %s\n", errname(posix_fadvise(pfd[0], 0, 0, POSIX_FADV_NORMAL)));
  errno = 0; printf("readahead: %s\n", RES(readahead(fd, 0, 4096)));
  errno = 0; printf("readahead on a pipe: %s\n", RES(readahead(pfd[0], 0, 4096)));
  errno = 0; printf("sync_file_range: %s\n", RES(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE)));
  errno = 0; printf("sync_file_range bad flags: %s\n", RES(sync_file_range(fd, 0, 0, 64)));
  /* close_range */
  int x = dup(fd), y = dup(fd), z = dup(fd);
  printf("close_range CLOEXEC: %s, flags %d\n", RES(syscall(SYS_close_range, x, x, 4)), fcntl(x, F_GETFD));
  printf("close_range [y, z]: %s, y %s, z %s, x still open %d\n", RES(syscall(SYS_close_range, y, z, 0)),
         RES(fcntl(y, F_GETFD)), RES(fcntl(z, F_GETFD)), fcntl(x, F_GETFD) >= 0);
  errno = 0; printf("close_range first > last: %s\n", RES(syscall(SYS_close_range, 9, 3, 0)));
  errno = 0; printf("close_range bad flags: %s\n", RES(syscall(SYS_close_range, 3, 9, 64)));
  printf("close_range to ~0: %s, fd still open %d\n", RES(syscall(SYS_close_range, 100, ~0U, 0)), fcntl(fd, F_GETFD) >= 0);
  unsigned cpu = 99, node = 99;
  long g = syscall(SYS_getcpu, &cpu, &node, NULL);
  printf("getcpu: %s, a cpu the process may run on %d, node %u, sched_getcpu agrees %d\n", RES(g), cpu < 1024, node, sched_getcpu() >= 0 && cpu < 1024);
  /* memfd_create: an anonymous in-memory file */
  int m = memfd_create("lde-test", MFD_CLOEXEC);
  printf("memfd_create: %s, cloexec %d, write %ld, size %ld\n", RES(m), fcntl(m, F_GETFD), (long)write(m, "abc", 3), size_of(m));
  char link[64] = { 0 }, fdpath[32];
  snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", m);
  readlink(fdpath, link, sizeof link - 1);
  printf("its name: %s\n", link);
  printf("ftruncate to 8192: %s, size %ld, nlink %ld\n", RES(ftruncate(m, 8192)), size_of(m), ({ struct stat st; fstat(m, &st); (long)st.st_nlink; }));
  char longname[300];
  memset(longname, 'n', sizeof longname - 1); longname[sizeof longname - 1] = 0;
  errno = 0; printf("memfd_create with a 299-byte name: %s\n", RES(memfd_create(longname, 0)));
  longname[249] = 0;
  int m2 = memfd_create(longname, 0);
  printf("memfd_create with a 249-byte name: %s\n", RES(m2));
  errno = 0; printf("memfd_create with a bad name pointer: %s\n", RES(memfd_create((char *)8, 0)));
  errno = 0; printf("memfd_create with an unknown flag: %s\n", RES(memfd_create("x", 0x100)));
  close(m); close(m2);
  unlink(path); unlink(path2);
  return 0;
}
