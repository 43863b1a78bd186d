// tmpfs counts inodes and names against its size (issue 9): creating empty
// files, directories or symlinks in /tmp must end in ENOSPC rather than grow
// without bound. argv[1]: "files", "dirs" or "symlinks"; argv[2]: the most to
// try. Prints how many were made and the errno that stopped it, then checks
// that removing them all frees the space (one more can be made).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char target[4000];

static int make(const char *kind, const char *name) {
  if (strcmp(kind, "dirs") == 0) return mkdir(name, 0755);
  if (strcmp(kind, "symlinks") == 0) return symlink(target, name);
  int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
  return fd < 0 ? -1 : close(fd);
}

static int removeOne(const char *kind, const char *name) {
  return strcmp(kind, "dirs") == 0 ? rmdir(name) : unlink(name);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *kind = argv[1];
  long max = atol(argv[2]);
  memset(target, 'x', sizeof target - 1);
  if (mkdir("/tmp/names", 0755) != 0 || chdir("/tmp/names") != 0) { perror("/tmp/names"); return 1; }
  char name[32];
  long n = 0;
  int err = 0;
  for (; n < max; n++) {
    snprintf(name, sizeof name, "f%ld", n);
    if (make(kind, name) != 0) { err = errno; break; }
  }
  printf("%s: made %ld, stopped by %s\n", kind, n, err ? strerror(err) : "the limit asked");
  for (long i = 0; i < n; i++) {
    snprintf(name, sizeof name, "f%ld", i);
    if (removeOne(kind, name) != 0) { printf("remove %s: %s\n", name, strerror(errno)); return 1; }
  }
  printf("after removing them: make again %s\n", make(kind, "again") == 0 ? "ok" : strerror(errno));
  return 0;
}
