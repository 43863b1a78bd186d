// A directory fd refers to the directory, not its path: after the directory
// is renamed, openat(fd, "x", O_CREAT) creates x in it (issue 9). argv[1] is
// a writable scratch directory (under lde: a --rw directory).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void say(const char *what, int r) {
  printf("%s: %d%s%s\n", what, r < 0 ? -1 : r >= 0 && r < 3 ? r : 3, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return 2;
  say("mkdir a", mkdir("a", 0755));
  say("mkdir a/sub", mkdir("a/sub", 0755));
  int fd = open("a", O_RDONLY | O_DIRECTORY);
  say("open a", fd < 0 ? fd : 0);
  say("rename a b", rename("a", "b"));
  int x = openat(fd, "x", O_CREAT | O_WRONLY, 0644);
  say("openat(fd, x, O_CREAT)", x < 0 ? x : 0);
  if (x >= 0) { say("write x", (int)write(x, "hi", 2) == 2 ? 0 : -1); close(x); }
  struct stat st;
  say("stat b/x", stat("b/x", &st));
  say("stat a/x", stat("a/x", &st));
  say("fstatat(fd, sub)", fstatat(fd, "sub", &st, 0));
  say("mkdirat(fd, new)", mkdirat(fd, "new", 0755));
  say("stat b/new", stat("b/new", &st));
  int sub = openat(fd, "sub", O_RDONLY | O_DIRECTORY);
  say("openat(fd, sub)", sub < 0 ? sub : 0);
  say("rename b c", rename("b", "c"));
  say("openat(sub, y, O_CREAT)", openat(sub, "y", O_CREAT | O_WRONLY, 0644) < 0 ? -1 : 0);
  say("stat c/sub/y", stat("c/sub/y", &st));
  say("fchdir(fd)", fchdir(fd));
  char cwd[4096];
  say("getcwd ends in /c", getcwd(cwd, sizeof cwd) && strlen(cwd) >= 2 && strcmp(cwd + strlen(cwd) - 2, "/c") == 0 ? 0 : -1);
  say("unlinkat(fd, x)", unlinkat(fd, "x", 0));
  return 0;
}
