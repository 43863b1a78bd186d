/* files: system calls on files and directories, all under a fresh directory
   in /tmp (writable and in memory under lde).  open/read/write/lseek/fstat,
   pread/pwrite, O_APPEND, O_EXCL, holes, ftruncate, rename, unlink, dup,
   fcntl, a directory listing (sorted, since readdir order is unspecified),
   getcwd/chdir, access, /dev/null, and readlink("/proc/self/exe"). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

static char dir[64];

/* Prints "what: result errno-name" for a call made before errno is read. */
#define TRY(what, call)                                    \
  do {                                                     \
    errno = 0;                                             \
    long r_ = (long)(call);                                \
    printf("%s: %ld %s\n", what, r_, errname(errno));      \
  } while (0)

static void basic_io(void) {
  int fd = open("data", O_CREAT | O_EXCL | O_WRONLY, 0644);
  printf("open O_CREAT|O_EXCL: fd >= 3 %d\n", fd >= 3);
  static char buf[10000];
  for (int i = 0; i < 10000; i++) buf[i] = 'a' + i % 23;
  TRY("write 10000", write(fd, buf, sizeof buf));
  TRY("close", close(fd));
  TRY("open O_CREAT|O_EXCL again", open("data", O_CREAT | O_EXCL | O_WRONLY, 0644));
  TRY("open a missing file", open("missing", O_RDONLY));
  TRY("open a missing directory's file", open("nodir/x", O_CREAT | O_WRONLY, 0644));

  fd = open("data", O_RDWR);
  struct stat st;
  fstat(fd, &st);
  printf("fstat: size %lld regular %d mode %o nlink %lu\n", (long long)st.st_size, S_ISREG(st.st_mode),
         st.st_mode & 07777, (unsigned long)st.st_nlink);
  char got[4096];
  long total = 0, reads = 0;
  ssize_t n;
  unsigned long sum = FNV_INIT;
  while ((n = read(fd, got, sizeof got)) > 0) {
    sum = fnv1a(got, n, sum);
    total += n;
    reads++;
  }
  printf("read back %ld bytes in %ld reads, matches %d, at EOF read returns %zd\n", total, reads,
         sum == fnv1a(buf, sizeof buf, FNV_INIT), n);
  TRY("lseek SEEK_SET 100", lseek(fd, 100, SEEK_SET));
  read(fd, got, 5);
  printf("bytes at 100: %.5s\n", got);
  TRY("lseek SEEK_CUR -10", lseek(fd, -10, SEEK_CUR));
  TRY("lseek SEEK_END -1", lseek(fd, -1, SEEK_END));
  TRY("lseek before start", lseek(fd, -20000, SEEK_END));
  TRY("pwrite at 5000", pwrite(fd, "HELLO", 5, 5000));
  memset(got, 0, 16);
  TRY("pread at 4998", pread(fd, got, 9, 4998));
  printf("pread bytes: %.9s, offset unchanged: %ld\n", got, (long)lseek(fd, 0, SEEK_CUR));

  /* A hole: seek past the end and write; the gap reads as zeros. */
  lseek(fd, 20000, SEEK_SET);
  write(fd, "END", 3);
  fstat(fd, &st);
  pread(fd, got, 4, 15000);
  printf("after writing at 20000: size %lld, hole reads zero %d\n", (long long)st.st_size,
         got[0] == 0 && got[1] == 0 && got[2] == 0 && got[3] == 0);
  TRY("ftruncate to 50", ftruncate(fd, 50));
  fstat(fd, &st);
  printf("size now %lld\n", (long long)st.st_size);
  TRY("read at offset past new end", read(fd, got, 10));
  close(fd);

  fd = open("data", O_WRONLY | O_APPEND);
  lseek(fd, 0, SEEK_SET);
  write(fd, "+app", 4);
  printf("O_APPEND writes at the end: offset %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  fd = open("data", O_RDWR | O_TRUNC);
  fstat(fd, &st);
  printf("O_TRUNC empties it: size %lld\n", (long long)st.st_size);
  close(fd);
  fd = open("data", O_RDONLY);
  TRY("write to a read-only fd", write(fd, "x", 1));
  close(fd);
  TRY("read from a bad fd", read(999, got, 1));
  int p[2];
  pipe(p);
  TRY("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
  close(p[0]);
  close(p[1]);
}

static void descriptors(void) {
  int fd = open("data", O_RDWR);
  int d = dup(fd);
  printf("dup gives the lowest free fd %d\n", d == fd + 1);
  write(fd, "shared offset", 13);
  printf("dup shares the offset: %ld\n", (long)lseek(d, 0, SEEK_CUR));
  int d2 = dup2(fd, 50);
  printf("dup2 to 50: %d\n", d2);
  printf("FD_CLOEXEC initially %d\n", fcntl(d2, F_GETFD) & FD_CLOEXEC);
  fcntl(d2, F_SETFD, FD_CLOEXEC);
  printf("FD_CLOEXEC after F_SETFD %d\n", fcntl(d2, F_GETFD) & FD_CLOEXEC);
  int flags = fcntl(fd, F_GETFL);
  printf("F_GETFL access mode O_RDWR %d\n", (flags & O_ACCMODE) == O_RDWR);
  int d3 = fcntl(fd, F_DUPFD, 20);
  printf("F_DUPFD from 20: %d\n", d3);
  int o = open("data", O_RDONLY | O_CLOEXEC);
  printf("O_CLOEXEC sets FD_CLOEXEC %d\n", fcntl(o, F_GETFD) & FD_CLOEXEC);
  close(o);
  close(d3);
  close(d2);
  close(d);
  close(fd);
  TRY("close twice", close(fd));
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void directories(void) {
  mkdir("sub", 0755);
  static const char *names[] = {"zeta", "alpha", "mid", "Beta", ".hidden"};
  for (int i = 0; i < 5; i++) close(open(names[i], O_CREAT | O_WRONLY, 0600));
  mkdir("sub/inner", 0700);
  TRY("mkdir existing", mkdir("sub", 0755));
  DIR *d = opendir(".");
  char *seen[32];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 32) {
    char line[300];
    snprintf(line, sizeof line, "%s %s", e->d_name,
             e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : "other");
    seen[n++] = strdup(line);
  }
  closedir(d);
  qsort(seen, n, sizeof seen[0], cmp);
  printf("readdir found %d entries:", n);
  for (int i = 0; i < n; i++) printf(" [%s]", seen[i]);
  printf("\n");

  struct stat st;
  stat("sub", &st);
  printf("stat sub: dir %d mode %o\n", S_ISDIR(st.st_mode), st.st_mode & 07777);
  TRY("rmdir non-empty", rmdir("sub"));
  TRY("rmdir inner", rmdir("sub/inner"));
  TRY("rmdir sub", rmdir("sub"));
  TRY("unlink a directory", unlink("."));
  TRY("open a directory for writing", open(".", O_WRONLY));
  TRY("rename alpha to omega", rename("alpha", "omega"));
  TRY("stat old name", stat("alpha", &st));
  TRY("stat new name", stat("omega", &st));
  TRY("rename over an existing file", rename("omega", "zeta"));
  for (int i = 0; i < 5; i++) unlink(names[i]);
  TRY("unlink missing", unlink("omega"));
  TRY("stat of a file inside a file", stat("data/x", &st));
}

static void paths(void) {
  char cwd[PATH_MAX];
  getcwd(cwd, sizeof cwd);
  printf("getcwd is the test directory %d\n", strcmp(cwd, dir) == 0);
  chdir("/");
  printf("after chdir(\"/\"): %s\n", getcwd(cwd, sizeof cwd));
  chdir("/tmp");
  printf("after chdir(\"/tmp\"): %s\n", getcwd(cwd, sizeof cwd));
  chdir(dir);
  char small[4];
  errno = 0;
  char *r = getcwd(small, sizeof small);
  printf("getcwd into 4 bytes: %s %s\n", r ? "ok" : "NULL", errname(errno));
  TRY("chdir to a file", chdir("data"));
  TRY("access /tmp W_OK", access("/tmp", W_OK));
  TRY("access data R_OK|W_OK", access("data", R_OK | W_OK));
  TRY("access data X_OK (mode 0644)", access("data", X_OK));
  TRY("access missing F_OK", access("/nonexistent-lde-path", F_OK));
  TRY("access / X_OK", access("/", X_OK));

  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  const char *b = strrchr(exe, '/');
  printf("readlink /proc/self/exe: absolute %d basename %s\n", exe[0] == '/', b ? b + 1 : exe);
  int fd = open("/proc/self/exe", O_RDONLY);
  unsigned char magic[5] = {0};
  read(fd, magic, 4);
  close(fd);
  printf("/proc/self/exe starts with \\x7fELF %d\n", memcmp(magic, "\x7f" "ELF", 4) == 0);
  TRY("readlink of a regular file", readlink("data", exe, sizeof exe));

  fd = open("/dev/null", O_RDWR);
  TRY("write to /dev/null", write(fd, "gone", 4));
  TRY("read from /dev/null", read(fd, exe, 10));
  close(fd);
}

int main(void) {
  umask(022);
  snprintf(dir, sizeof dir, "/tmp/lde-files-%d", (int)getpid());
  printf("mkdir test directory %d\n", mkdir(dir, 0700));
  chdir(dir);
  basic_io();
  descriptors();
  directories();
  paths();
  unlink("data");
  chdir("/");
  TRY("rmdir test directory", rmdir(dir));
  return 0;
}
