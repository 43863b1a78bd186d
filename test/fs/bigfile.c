// Reads a large (sparse) host file at high offsets: lde must pread at the
// guest's offset instead of reading the file whole (issue 9). argv[1] is the
// file; argv[2..] are decimal offsets to read 8 bytes at. Run twice over the
// same file with two descriptors open, as the "opened twice" case.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, long long r, const unsigned char *b) {
  printf("%s = %lld", what, r);
  if (r < 0) printf(" (%s)", strerror(errno));
  for (long long i = 0; i < r; i++) printf(" %02x", b[i]);
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int a = open(argv[1], O_RDONLY), b = open(argv[1], O_RDONLY);
  if (a < 0 || b < 0) { perror("open"); return 1; }
  struct stat st;
  fstat(a, &st);
  printf("size %lld\n", (long long)st.st_size);
  unsigned char buf[8];
  for (int i = 2; i < argc; i++) {
    long long off = atoll(argv[i]);
    char what[64];
    snprintf(what, sizeof what, "pread(%lld)", off);
    show(what, pread(a, buf, 8, off), buf);
    snprintf(what, sizeof what, "lseek+read(%lld)", off);
    long long s = lseek(b, off, SEEK_SET);
    if (s != off) printf("lseek %lld\n", s);
    show(what, read(b, buf, 8), buf);
  }
  printf("SEEK_END %lld\n", (long long)lseek(b, 0, SEEK_END));
  printf("SEEK_END-4 %lld\n", (long long)lseek(b, -4, SEEK_END));
  show("read at end-4", read(b, buf, 8), buf);
  errno = 0;
  show("pread(2^62)", pread(a, buf, 8, 1LL << 62), buf);
  // A private mapping of the file's last page, at an offset past 4 GiB (argv: the page's offset, last).
  long long last = atoll(argv[argc - 1]) / 4096 * 4096;
  unsigned char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, a, last);
  if (m == MAP_FAILED) printf("mmap(%lld) failed: %s\n", last, strerror(errno));
  else {
    long long at = st.st_size > last ? (st.st_size - last > 8 ? st.st_size - last - 8 : 0) : 0;
    printf("mmap(%lld)[%lld] =", last, at);
    for (int i = 0; i < 8; i++) printf(" %02x", m[at + i]);
    printf("\n");
    munmap(m, 4096);
  }
  close(a);
  close(b);
  return 0;
}
