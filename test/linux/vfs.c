/* vfs: the file system beyond files.c, under a fresh directory in /tmp
   (in memory under lde).  Create, write, read, seek, holes, truncate;
   umask and modes; unlink of an open file; hard and symbolic links;
   rename and its errors; the *at calls relative to a directory fd;
   getdents64 records; stat, statx, utimensat, access; path and pointer
   errors (ENAMETOOLONG, EFAULT); the devices; /proc/self (stat, maps, fd,
   exe, cwd).  It prints only what any Linux file system prints: no inode
   numbers, no times, no directory sizes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static char dir[64];
static char buf[65536];

#define TRY(what, call)                                    \
  do {                                                     \
    errno = 0;                                             \
    long r_ = (long)(call);                                \
    printf("%s: %ld %s\n", what, r_, errname(errno));      \
  } while (0)

/* Like TRY for calls that return a descriptor: prints "fd" instead of its number. */
#define TRYFD(what, call)                                              \
  do {                                                                 \
    errno = 0;                                                         \
    int fd_ = (call);                                                  \
    printf("%s: %s %s\n", what, fd_ >= 0 ? "fd" : "-1", errname(errno)); \
    if (fd_ >= 0) close(fd_);                                          \
  } while (0)

static void put(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  write(fd, text, strlen(text));
  close(fd);
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, 0);
}

static void io(void) {
  int fd = open("f", O_CREAT | O_RDWR, 0666);
  for (int i = 0; i < 3000; i++) buf[i] = 'A' + i % 26;
  TRY("write 3000", write(fd, buf, 3000));
  TRY("lseek SEEK_END 0", lseek(fd, 0, SEEK_END));
  TRY("lseek SEEK_END +1000", lseek(fd, 1000, SEEK_END));
  TRY("write after the gap", write(fd, "tail", 4));
  struct stat st;
  fstat(fd, &st);
  printf("size %lld\n", (long long)st.st_size);
  memset(buf, 1, 1000);
  TRY("pread in the gap", pread(fd, buf, 1000, 3000));
  int zero = 1;
  for (int i = 0; i < 1000; i++) zero &= buf[i] == 0;
  printf("gap reads zero %d\n", zero);
  TRY("pwrite past the end", pwrite(fd, "far", 3, 10000));
  TRY("offset unchanged by pwrite", lseek(fd, 0, SEEK_CUR));
  fstat(fd, &st);
  printf("size %lld, blocks cover the written bytes %d\n", (long long)st.st_size, st.st_blocks * 512 >= 4000);
  TRY("lseek SEEK_SET 26", lseek(fd, 26, SEEK_SET));
  TRY("read 5", read(fd, buf, 5));
  printf("read: %.5s\n", buf);
  TRY("read at EOF", (lseek(fd, 0, SEEK_END), read(fd, buf, 10)));
  TRY("lseek bad whence", lseek(fd, 0, 9));
  TRY("lseek negative", lseek(fd, -1, SEEK_SET));
  TRY("ftruncate grow to 20000", ftruncate(fd, 20000));
  TRY("pread past the old end", pread(fd, buf, 100, 15000));
  printf("grown part zero %d\n", buf[0] == 0 && buf[99] == 0);
  TRY("ftruncate shrink to 10", ftruncate(fd, 10));
  TRY("pread at 5", pread(fd, buf, 100, 5));
  printf("kept: %.5s\n", buf);
  TRY("ftruncate negative", ftruncate(fd, -1));
  close(fd);
  TRY("truncate by path to 3", truncate("f", 3));
  stat("f", &st);
  printf("size %lld\n", (long long)st.st_size);
  TRY("truncate a directory", truncate(".", 0));
  TRY("truncate a missing file", truncate("nope", 0));
  fd = open("f", O_RDONLY);
  TRY("ftruncate a read-only fd", ftruncate(fd, 0));
  TRY("write to a read-only fd", write(fd, "x", 1));
  close(fd);
  fd = open("f", O_WRONLY);
  TRY("read from a write-only fd", read(fd, buf, 1));
  TRY("pread from a write-only fd", pread(fd, buf, 1, 0));
  close(fd);

  fd = open("f", O_RDWR | O_APPEND);
  TRY("O_APPEND write", write(fd, "++", 2));
  TRY("O_APPEND pwrite at 0 appends too", pwrite(fd, "--", 2, 0));
  pread(fd, buf, 10, 0);
  printf("content: %.7s\n", buf);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_APPEND);
  lseek(fd, 0, SEEK_SET);
  write(fd, "XY", 2);
  pread(fd, buf, 10, 0);
  printf("after clearing O_APPEND with F_SETFL: %.7s\n", buf);
  close(fd);
  fd = open("f", O_RDONLY | O_TRUNC);
  fstat(fd, &st);
  printf("O_RDONLY|O_TRUNC empties it: size %lld\n", (long long)st.st_size);
  close(fd);

  put("src", "sendfile moves these bytes");
  int in = open("src", O_RDONLY), out = open("dst", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  off_t off = 9;
  TRY("sendfile from offset 9", sendfile(out, in, &off, 100));
  printf("offset now %ld, input offset %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
  close(in);
  close(out);
  fd = open("dst", O_RDONLY);
  memset(buf, 0, 64);
  read(fd, buf, 64);
  printf("dst: %s\n", buf);
  close(fd);
  TRY("fsync", (fd = open("dst", O_RDONLY), fsync(fd)));
  TRY("fdatasync", fdatasync(fd));
  close(fd);
  sync();
  unlink("src");
  unlink("dst");
}

static void modes(void) {
  struct stat st;
  stat("f", &st);
  printf("created 0666 under umask 022: mode %o regular %d nlink %lu\n", st.st_mode & 07777, S_ISREG(st.st_mode),
         (unsigned long)st.st_nlink);
  umask(077);
  close(open("private", O_CREAT | O_WRONLY, 0666));
  mkdir("privdir", 0777);
  umask(022);
  stat("private", &st);
  printf("under umask 077: file %o", st.st_mode & 07777);
  stat("privdir", &st);
  printf(", directory %o\n", st.st_mode & 07777);
  TRY("chmod 4755", chmod("private", 04755));
  stat("private", &st);
  printf("mode %o\n", st.st_mode & 07777);
  int fd = open("private", O_RDONLY);
  TRY("fchmod 0600", fchmod(fd, 0600));
  fstat(fd, &st);
  printf("mode %o\n", st.st_mode & 07777);
  close(fd);
  mkdir("sticky", 01777);
  stat("sticky", &st);
  printf("mkdir 01777: mode %o\n", st.st_mode & 07777);
  stat("/tmp", &st);
  printf("/tmp is a sticky world-writable directory %d\n", S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777);
  unlink("private");
  rmdir("privdir");
  rmdir("sticky");
}

static void unlink_open(void) {
  put("doomed", "still here");
  int a = open("doomed", O_RDWR), b = open("doomed", O_RDONLY);
  TRY("unlink while open", unlink("doomed"));
  struct stat st;
  TRY("stat the name", stat("doomed", &st));
  fstat(a, &st);
  printf("fstat: nlink %lu size %lld\n", (unsigned long)st.st_nlink, (long long)st.st_size);
  memset(buf, 0, 32);
  TRY("read through the first fd", read(a, buf, 32));
  printf("read: %s\n", buf);
  TRY("write more", write(a, " and more", 9));
  memset(buf, 0, 32);
  TRY("read through the second fd", read(b, buf, 32));
  printf("read: %s\n", buf);
  TRY("ftruncate the unlinked file", ftruncate(a, 5));
  fstat(b, &st);
  printf("size through the other fd %lld\n", (long long)st.st_size);
  close(a);
  close(b);
  TRYFD("create the name again", open("doomed", O_CREAT | O_EXCL | O_WRONLY, 0644));
  unlink("doomed");
}

static void links(void) {
  put("orig", "linked data");
  struct stat a, b;
  TRY("link", link("orig", "hard"));
  stat("orig", &a);
  stat("hard", &b);
  printf("nlink %lu %lu, same inode %d\n", (unsigned long)a.st_nlink, (unsigned long)b.st_nlink,
         a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  TRY("link over an existing name", link("orig", "hard"));
  TRY("link a directory", link(".", "dirlink"));
  TRY("link a missing file", link("missing", "x"));
  TRY("unlink the original", unlink("orig"));
  stat("hard", &b);
  int fd = open("hard", O_RDONLY);
  memset(buf, 0, 32);
  read(fd, buf, 32);
  close(fd);
  printf("the other name: nlink %lu, reads %s\n", (unsigned long)b.st_nlink, buf);

  TRY("symlink", symlink("hard", "sym"));
  TRY("symlink over an existing name", symlink("x", "sym"));
  TRY("symlink to an empty target", symlink("", "empty"));
  memset(buf, 0, 32);
  TRY("readlink", readlink("sym", buf, sizeof buf));
  printf("target: %s\n", buf);
  TRY("readlink into 2 bytes", readlink("sym", buf, 2));
  TRY("readlink of a regular file", readlink("hard", buf, sizeof buf));
  TRY("readlink with size 0", readlink("sym", buf, 0));
  lstat("sym", &a);
  stat("sym", &b);
  printf("lstat: link %d size %lld; stat: regular %d size %lld\n", S_ISLNK(a.st_mode), (long long)a.st_size,
         S_ISREG(b.st_mode), (long long)b.st_size);
  fd = open("sym", O_RDONLY);
  memset(buf, 0, 32);
  read(fd, buf, 32);
  close(fd);
  printf("open through the link reads %s\n", buf);
  TRYFD("open O_NOFOLLOW", open("sym", O_RDONLY | O_NOFOLLOW));
  symlink("made-by-open", "dangling");
  TRYFD("open a dangling link", open("dangling", O_RDONLY));
  TRYFD("open it O_CREAT|O_EXCL", open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));
  TRYFD("open it O_CREAT", open("dangling", O_CREAT | O_WRONLY, 0644));
  TRY("the target now exists", stat("made-by-open", &a));
  symlink("loop2", "loop1");
  symlink("loop1", "loop2");
  TRY("stat a symlink loop", stat("loop1", &a));
  TRY("lstat it", lstat("loop1", &a));
  mkdir("realdir", 0755);
  put("realdir/inside", "x");
  symlink("realdir", "dirsym");
  TRY("stat through a directory link", stat("dirsym/inside", &a));
  TRY("mkdir over a symlink", mkdir("dirsym", 0755));
  TRY("rmdir a symlink", rmdir("dirsym"));
  TRY("unlink a symlink to a directory", unlink("dirsym"));
  TRY("the directory is still there", stat("realdir/inside", &a));
  const char *names[] = {"hard", "sym", "dangling", "made-by-open", "loop1", "loop2", "realdir/inside"};
  for (unsigned i = 0; i < sizeof names / sizeof *names; i++) unlink(names[i]);
  rmdir("realdir");
}

static void renames(void) {
  struct stat a, b;
  put("r1", "one");
  put("r2", "two");
  stat("r1", &a);
  TRY("rename to a new name", rename("r1", "r3"));
  stat("r3", &b);
  printf("inode kept %d, old name: ", a.st_ino == b.st_ino);
  TRY("stat", stat("r1", &a));
  TRY("rename over an existing file", rename("r3", "r2"));
  int fd = open("r2", O_RDONLY);
  memset(buf, 0, 8);
  read(fd, buf, 8);
  close(fd);
  printf("r2 now reads %s\n", buf);
  TRY("rename a file to itself", rename("r2", "r2"));
  mkdir("d1", 0755);
  mkdir("d1/child", 0755);
  mkdir("d2", 0755);
  mkdir("full", 0755);
  put("full/x", "x");
  TRY("rename a directory into itself", rename("d1", "d1/child/d1"));
  TRY("rename a file over a directory", rename("r2", "d2"));
  TRY("rename a directory over a file", rename("d2", "r2"));
  TRY("rename a directory over a non-empty one", rename("d2", "full"));
  TRY("rename a directory over an empty one", rename("d1", "d2"));
  TRY("its child moved with it", stat("d2/child", &a));
  TRY("rename a missing file", rename("missing", "x"));
  TRY("rename into a missing directory", rename("r2", "nodir/x"));
  TRY("rename with a trailing slash on a file", rename("r2", "r4/"));
  TRY("rename .", rename(".", "x"));
  TRY("rename onto ..", rename("r2", "d2/.."));
  TRY("renameat2 RENAME_NOREPLACE onto a file", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "full/x", 1));
  TRY("renameat2 RENAME_NOREPLACE to a new name", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "r5", 1));
  TRY("renameat2 with unknown flags", syscall(SYS_renameat2, AT_FDCWD, "r5", AT_FDCWD, "r6", 8));
  unlink("r5");
  unlink("full/x");
  rmdir("full");
  rmdir("d2/child");
  rmdir("d2");
}

static void at_calls(void) {
  mkdir("d", 0755);
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  TRY("mkdirat", mkdirat(dfd, "sub", 0755));
  TRYFD("openat O_CREAT", openat(dfd, "file", O_CREAT | O_WRONLY, 0644));
  struct stat st;
  TRY("fstatat", fstatat(dfd, "file", &st, 0));
  TRY("faccessat", faccessat(dfd, "file", R_OK | W_OK, 0));
  TRY("symlinkat", symlinkat("file", dfd, "link"));
  memset(buf, 0, 16);
  TRY("readlinkat", readlinkat(dfd, "link", buf, 16));
  printf("target %s\n", buf);
  TRY("fstatat AT_SYMLINK_NOFOLLOW", (fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW), S_ISLNK(st.st_mode)));
  TRY("fstatat AT_EMPTY_PATH on the directory", (fstatat(dfd, "", &st, AT_EMPTY_PATH), S_ISDIR(st.st_mode)));
  TRY("fstatat with an empty path", fstatat(dfd, "", &st, 0));
  TRY("fstatat with bad flags", fstatat(dfd, "file", &st, 0x2));
  TRY("unlinkat a directory without AT_REMOVEDIR", unlinkat(dfd, "sub", 0));
  TRY("unlinkat a file with AT_REMOVEDIR", unlinkat(dfd, "file", AT_REMOVEDIR));
  TRY("unlinkat with bad flags", unlinkat(dfd, "file", 0x1));
  TRY("unlinkat AT_REMOVEDIR", unlinkat(dfd, "sub", AT_REMOVEDIR));
  int ffd = open("f", O_RDONLY);
  TRYFD("openat relative to a file", openat(ffd, "x", O_RDONLY));
  TRYFD("openat relative to a bad fd", openat(999, "x", O_RDONLY));
  TRYFD("openat absolute with a bad fd", openat(999, "/tmp", O_RDONLY | O_DIRECTORY));
  TRY("rename the open directory", rename("d", "d-renamed"));
  TRY("fstatat through the fd after the rename", fstatat(dfd, "file", &st, 0));
  TRY("fchdir to a file", fchdir(ffd));
  TRY("fchdir", fchdir(dfd));
  char cwd[PATH_MAX];
  getcwd(cwd, sizeof cwd);
  printf("cwd ends with /d-renamed %d\n", strlen(cwd) > 10 && strcmp(cwd + strlen(cwd) - 10, "/d-renamed") == 0);
  TRY("stat file", stat("file", &st));
  chdir("..");
  int pfd = open("d-renamed", O_PATH);
  TRY("read an O_PATH fd", read(pfd, buf, 1));
  TRY("fstat an O_PATH fd", (fstat(pfd, &st), S_ISDIR(st.st_mode)));
  TRY("fstatat relative to an O_PATH fd", fstatat(pfd, "link", &st, 0));
  close(pfd);
  close(ffd);
  close(dfd);
  unlink("d-renamed/link");
  unlink("d-renamed/file");
  rmdir("d-renamed");
}

static void errors(void) {
  mkdir("e", 0755);
  put("e/file", "x");
  TRY("rmdir a non-empty directory", rmdir("e"));
  TRY("rmdir a file", rmdir("e/file"));
  TRY("rmdir .", rmdir("e/."));
  TRY("rmdir ..", rmdir("e/.."));
  TRY("unlink a directory", unlink("e"));
  TRY("unlink .", unlink("."));
  TRY("unlink with a trailing slash", unlink("e/file/"));
  TRY("mkdir an existing directory", mkdir("e", 0755));
  TRY("mkdir .", mkdir(".", 0755));
  TRY("mkdir with a trailing slash", mkdir("e/new/", 0755));
  TRY("rmdir with a trailing slash", rmdir("e/new/"));
  TRY("mkdir in a missing directory", mkdir("nodir/x", 0755));
  TRYFD("O_CREAT|O_EXCL on an existing file", open("e/file", O_CREAT | O_EXCL | O_WRONLY, 0644));
  TRYFD("O_CREAT|O_EXCL on a directory", open("e", O_CREAT | O_EXCL | O_RDONLY, 0644));
  TRYFD("O_CREAT on a directory", open("e", O_CREAT | O_RDONLY, 0644));
  TRYFD("open a directory O_RDWR", open("e", O_RDWR));
  TRYFD("O_DIRECTORY on a file", open("e/file", O_RDONLY | O_DIRECTORY));
  TRYFD("a file with a trailing slash", open("e/file/", O_RDONLY));
  TRYFD("O_CREAT with a trailing slash", open("e/new/", O_CREAT | O_WRONLY, 0644));
  TRYFD("a path through a file", open("e/file/x", O_RDONLY));
  TRYFD("O_TMPFILE read-only", open("e", O_TMPFILE | O_RDONLY, 0600));
  int fd = open("e", O_RDONLY | O_DIRECTORY);
  TRY("read a directory", read(fd, buf, 10));
  TRY("write a directory", write(fd, buf, 10));
  TRY("ftruncate a directory", ftruncate(fd, 0));
  close(fd);

  char name[300];
  memset(name, 'n', 256);
  name[256] = 0;
  TRYFD("create a 256-byte name", open(name, O_CREAT | O_WRONLY, 0644));
  struct stat st;
  TRY("stat a 256-byte name", stat(name, &st));
  name[255] = 0;
  TRYFD("create a 255-byte name", open(name, O_CREAT | O_WRONLY, 0644));
  TRY("unlink it", unlink(name));
  static char path[5000];
  memset(path, 'p', sizeof path);
  for (int i = 100; i < 4990; i += 100) path[i] = '/';
  path[4095] = 0;
  TRY("stat a 4095-byte path", stat(path, &st));
  path[4095] = 'p';
  path[4096] = 0;
  TRY("stat a 4096-byte path", stat(path, &st));
  char *volatile bad = (char *)8; /* an unmapped address the compiler cannot see through */
  TRY("open a bad pointer", open(bad, O_RDONLY));
  TRY("mkdir a bad pointer", mkdir(bad, 0755));
  TRY("stat into a bad pointer", stat("e", (struct stat *)bad));
  fd = open("e/file", O_RDWR);
  TRY("read into a bad pointer", read(fd, bad, 1));
  TRY("write from a bad pointer", write(fd, bad, 1));
  close(fd);
  fd = open("e", O_RDONLY | O_DIRECTORY);
  TRY("getdents64 into a bad pointer", syscall(SYS_getdents64, fd, bad, 4096));
  close(fd);
  unlink("e/file");
  rmdir("e");
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void listing(void) {
  mkdir("ls", 0755);
  put("ls/a", "1");
  put("ls/bb", "22");
  mkdir("ls/ccc-dir", 0755);
  symlink("a", "ls/link");
  int fd = open("ls", O_RDONLY | O_DIRECTORY);
  TRY("getdents64 with a 1-byte buffer", syscall(SYS_getdents64, fd, buf, 1));
  char *seen[16];
  int n = 0, aligned = 1, terminated = 1, inodes = 1;
  long got;
  while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long off = 0; off < got;) {
      struct dirent64 *d = (struct dirent64 *)(buf + off);
      aligned &= d->d_reclen % 8 == 0;
      terminated &= memchr(d->d_name, 0, d->d_reclen - 19) != 0;
      char path[300], line[300];
      snprintf(path, sizeof path, "ls/%s", d->d_name);
      struct stat st;
      lstat(path, &st);
      inodes &= st.st_ino == d->d_ino;
      const char *t = d->d_type == DT_DIR ? "dir" : d->d_type == DT_REG ? "file" : d->d_type == DT_LNK ? "link" : "?";
      snprintf(line, sizeof line, "%s %s", d->d_name, t);
      if (n < 16) seen[n++] = strdup(line);
      off += d->d_reclen;
    }
  }
  qsort(seen, n, sizeof *seen, cmp);
  printf("getdents64 found %d:", n);
  for (int i = 0; i < n; i++) printf(" [%s]", seen[i]);
  printf("\nreclen 8-aligned %d, names NUL-terminated %d, d_ino is st_ino %d\n", aligned, terminated, inodes);
  TRY("at the end", syscall(SYS_getdents64, fd, buf, sizeof buf));
  lseek(fd, 0, SEEK_SET);
  int calls = 0;
  while (syscall(SYS_getdents64, fd, buf, 32) > 0) calls++;
  printf("after rewinding, a 32-byte buffer takes one call per entry: %d\n", calls == n);
  close(fd);
  DIR *d = opendir("ls");
  readdir(d);
  readdir(d);
  long pos = telldir(d);
  char rest1[200] = "", rest2[200] = "";
  struct dirent *e;
  while ((e = readdir(d))) strcat(rest1, e->d_name);
  seekdir(d, pos);
  while ((e = readdir(d))) strcat(rest2, e->d_name);
  closedir(d);
  printf("seekdir to telldir repeats the rest %d\n", strcmp(rest1, rest2) == 0 && rest1[0] != 0);
  fd = open("f", O_RDONLY);
  TRY("getdents64 on a file", syscall(SYS_getdents64, fd, buf, sizeof buf));
  close(fd);
  TRY("getdents64 on a bad fd", syscall(SYS_getdents64, 999, buf, sizeof buf));
  struct stat st;
  mkdir("ls/ccc-dir/x", 0755);
  stat("ls", &st);
  printf("a directory with 1 subdirectory: nlink %lu\n", (unsigned long)st.st_nlink);
  rmdir("ls/ccc-dir/x");
  unlink("ls/a");
  unlink("ls/bb");
  unlink("ls/link");
  rmdir("ls/ccc-dir");
  rmdir("ls");
}

static void times_and_statx(void) {
  struct stat a, b;
  put("t", "time");
  stat("t", &a);
  printf("mtime within 2 s of time() %d\n", labs((long)(a.st_mtime - time(0))) <= 2);
  sleep_ms(30);
  int fd = open("t", O_WRONLY | O_APPEND);
  write(fd, "!", 1);
  fstat(fd, &b);
  close(fd);
  printf("a write moves mtime forward %d\n", b.st_mtim.tv_sec * 1000000000L + b.st_mtim.tv_nsec >
                                               a.st_mtim.tv_sec * 1000000000L + a.st_mtim.tv_nsec);
  sleep_ms(30);
  chmod("t", 0600);
  stat("t", &a);
  printf("chmod moves ctime, not mtime: %d %d\n",
         a.st_ctim.tv_sec * 1000000000L + a.st_ctim.tv_nsec > b.st_ctim.tv_sec * 1000000000L + b.st_ctim.tv_nsec,
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);
  struct timespec ts[2] = {{1000000000, 5}, {1234567890, 123456789}};
  TRY("utimensat", utimensat(AT_FDCWD, "t", ts, 0));
  stat("t", &a);
  printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)a.st_atim.tv_sec, a.st_atim.tv_nsec, (long)a.st_mtim.tv_sec,
         a.st_mtim.tv_nsec);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {42, 0}};
  fd = open("t", O_RDONLY);
  TRY("futimens with UTIME_OMIT", futimens(fd, omit));
  close(fd);
  stat("t", &a);
  printf("atime %ld mtime %ld\n", (long)a.st_atim.tv_sec, (long)a.st_mtim.tv_sec);
  struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  TRY("utimensat with a bad nsec", utimensat(AT_FDCWD, "t", bad, 0));

  struct statx sx;
  stat("t", &a);
  TRY("statx", statx(AT_FDCWD, "t", 0, STATX_BASIC_STATS, &sx));
  printf("statx: basic mask %d size %llu mode %o ino matches %d nlink %u\n",
         (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, (unsigned long long)sx.stx_size,
         sx.stx_mode & 07777, sx.stx_ino == a.st_ino, sx.stx_nlink);
  printf("statx mtime %lld.%09u\n", (long long)sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);
  fd = open("t", O_RDONLY);
  TRY("statx AT_EMPTY_PATH", (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx), sx.stx_size));
  close(fd);
  TRY("statx with bad flags", statx(AT_FDCWD, "t", 0x1, STATX_BASIC_STATS, &sx));
  TRY("statx with a reserved mask bit", statx(AT_FDCWD, "t", 0, 0x80000000U, &sx));
  TRY("statx of a missing file", statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx));

  chmod("t", 0644);
  TRY("access F_OK", access("t", F_OK));
  TRY("access R_OK|W_OK", access("t", R_OK | W_OK));
  TRY("access X_OK on 0644", access("t", X_OK));
  chmod("t", 0744);
  TRY("access X_OK on 0744", access("t", X_OK));
  TRY("access a bad mode", access("t", 8));
  symlink("missing", "dangle");
  TRY("faccessat on a dangling link", faccessat(AT_FDCWD, "dangle", F_OK, 0));
  TRY("... with AT_SYMLINK_NOFOLLOW", faccessat(AT_FDCWD, "dangle", F_OK, AT_SYMLINK_NOFOLLOW));
  TRY("faccessat AT_EACCESS", faccessat(AT_FDCWD, "t", R_OK, AT_EACCESS));
  TRY("faccessat2 with bad flags", syscall(SYS_faccessat2, AT_FDCWD, "t", F_OK, 0x4));
  unlink("dangle");
  unlink("t");
}

static void devices(void) {
  int fd = open("/dev/null", O_RDWR);
  TRY("write /dev/null", write(fd, "gone", 4));
  TRY("read /dev/null", read(fd, buf, 10));
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(buf, 7, 100);
  TRY("read /dev/zero", read(fd, buf, 100));
  printf("zeros %d\n", buf[0] == 0 && buf[99] == 0);
  TRY("write a read-only /dev/zero", write(fd, "x", 1));
  close(fd);
  fd = open("/dev/full", O_RDWR);
  TRY("write /dev/full", write(fd, "x", 1));
  TRY("read /dev/full", read(fd, buf, 8));
  close(fd);
  fd = open("/dev/urandom", O_RDONLY);
  TRY("read /dev/urandom", read(fd, buf, 32));
  close(fd);
  struct stat st;
  stat("/dev/null", &st);
  printf("/dev/null: char %d %u:%u mode %o\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev),
         st.st_mode & 0777);
  stat("/dev/zero", &st);
  printf("/dev/zero: char %d %u:%u\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
  stat("/dev/urandom", &st);
  printf("/dev/urandom: char %d %u:%u\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
  memset(buf, 0, 64);
  readlink("/dev/stdin", buf, 64);
  printf("/dev/stdin -> %s\n", buf);
  memset(buf, 0, 64);
  readlink("/dev/fd", buf, 64);
  printf("/dev/fd -> %s\n", buf);
}

static void proc(void) {
  char text[4096];
  memset(text, 0, sizeof text);
  readlink("/proc/self", text, sizeof text);
  printf("/proc/self is the pid %d\n", atoi(text) == getpid());
  memset(text, 0, sizeof text);
  readlink("/proc/self/exe", text, sizeof text);
  printf("/proc/self/exe: absolute %d basename %s\n", text[0] == '/', strrchr(text, '/') ? strrchr(text, '/') + 1 : text);
  char cwd[PATH_MAX];
  getcwd(cwd, sizeof cwd);
  memset(text, 0, sizeof text);
  readlink("/proc/self/cwd", text, sizeof text);
  printf("/proc/self/cwd is the cwd %d\n", strcmp(text, cwd) == 0);

  FILE *f = fopen("/proc/self/stat", "r");
  int pid = 0, ppid = 0;
  char comm[64] = "", state = 0;
  fscanf(f, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid);
  fclose(f);
  printf("/proc/self/stat: pid %d comm %s ppid %d\n", pid == getpid(), comm, ppid == getppid());

  f = fopen("/proc/self/maps", "r");
  int lines = 0, bad = 0, sorted = 1, stack = 0, text_rx = 0;
  unsigned long last = 0;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi, off, ino;
    unsigned maj, min;
    char perms[8], path[400] = "";
    int n = sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %399s", &lo, &hi, perms, &off, &maj, &min, &ino, path);
    lines++;
    if (n < 7 || lo >= hi || strlen(perms) != 4) bad++;
    if (lo < last) sorted = 0;
    last = hi;
    if (strcmp(path, "[stack]") == 0) stack = 1;
    const char *base = strrchr(path, '/');
    if (base && strcmp(base + 1, "vfs") == 0 && strcmp(perms, "r-xp") == 0) text_rx = 1;
  }
  fclose(f);
  printf("/proc/self/maps: lines parse %d, sorted %d, [stack] %d, r-xp text of vfs %d\n", lines > 2 && bad == 0,
         sorted, stack, text_rx);

  put("fdfile", "via proc");
  int fd = open("fdfile", O_RDONLY);
  lseek(fd, 4, SEEK_SET);
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  memset(text, 0, sizeof text);
  readlink(link, text, sizeof text);
  printf("/proc/self/fd/N names the file %d\n", strncmp(text, cwd, strlen(cwd)) == 0 && strcmp(text + strlen(cwd), "/fdfile") == 0);
  struct stat a, b;
  stat(link, &a);
  fstat(fd, &b);
  printf("stat through it is the file %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  int again = open(link, O_RDONLY);
  memset(text, 0, 16);
  read(again, text, 16);
  printf("reopened at offset 0: %s\n", text);
  close(again);
  int pfd[2];
  pipe(pfd);
  snprintf(link, sizeof link, "/proc/self/fd/%d", pfd[0]);
  memset(text, 0, sizeof text);
  readlink(link, text, sizeof text);
  printf("a pipe reads as pipe:[...] %d\n", strncmp(text, "pipe:[", 6) == 0);
  close(pfd[0]);
  close(pfd[1]);

  int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
  int has0 = 0, has1 = 0, has2 = 0, hasfd = 0;
  long got;
  while ((got = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0)
    for (long off = 0; off < got;) {
      struct dirent64 *d = (struct dirent64 *)(buf + off);
      has0 |= strcmp(d->d_name, "0") == 0;
      has1 |= strcmp(d->d_name, "1") == 0;
      has2 |= strcmp(d->d_name, "2") == 0;
      hasfd |= atoi(d->d_name) == fd && d->d_name[0] != '.';
      off += d->d_reclen;
    }
  close(dfd);
  printf("/proc/self/fd lists 0 1 2 and the open file: %d %d %d %d\n", has0, has1, has2, hasfd);
  close(fd);
  unlink("fdfile");
  dfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
  int maps = 0, stat_ = 0, exe = 0, fdd = 0;
  while ((got = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0)
    for (long off = 0; off < got;) {
      struct dirent64 *d = (struct dirent64 *)(buf + off);
      maps |= strcmp(d->d_name, "maps") == 0;
      stat_ |= strcmp(d->d_name, "stat") == 0;
      exe |= strcmp(d->d_name, "exe") == 0 && d->d_type == DT_LNK;
      fdd |= strcmp(d->d_name, "fd") == 0 && d->d_type == DT_DIR;
      off += d->d_reclen;
    }
  TRY("fstatat relative to /proc/self", fstatat(dfd, "stat", &a, 0));
  close(dfd);
  printf("/proc/self lists maps %d stat %d exe (link) %d fd (dir) %d\n", maps, stat_, exe, fdd);
  fd = open("/proc/self/exe", O_RDONLY);
  unsigned char magic[4] = {0};
  read(fd, magic, 4);
  close(fd);
  printf("/proc/self/exe opens the ELF %d\n", memcmp(magic, "\x7f" "ELF", 4) == 0);
}

int main(void) {
  umask(022);
  snprintf(dir, sizeof dir, "/tmp/lde-vfs-%d", (int)getpid());
  TRY("mkdir the test directory", mkdir(dir, 0700));
  chdir(dir);
  io();
  modes();
  unlink_open();
  links();
  renames();
  at_calls();
  errors();
  listing();
  times_and_statx();
  devices();
  proc();
  unlink("f");
  chdir("/");
  TRY("rmdir the test directory", rmdir(dir));
  struct stat st;
  TRY("it is gone", stat(dir, &st));
  return 0;
}
