#define _GNU_SOURCE
/* System information a tool reads: statfs f_type of /, /proc and /tmp,
   fstatfs of a pipe, the ids, chown semantics, and the /proc files. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static void fstype(const char *path) {
  struct statfs s;
  if (statfs(path, &s) != 0) { printf("statfs %s: errno %d\n", path, errno); return; }
  printf("statfs %s: type=0x%lx namelen=%ld bsize=%ld\n", path, (long)s.f_type, (long)s.f_namelen, (long)s.f_bsize);
}

static void dump(const char *path) {
  char buf[8192];
  int fd = open(path, O_RDONLY);
  if (fd < 0) { printf("open %s: errno %d\n", path, errno); return; }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) n = 0;
  buf[n] = 0;
  printf("== %s\n%s", path, buf);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "statfs";
  if (!strcmp(mode, "statfs")) {
    fstype("/");
    fstype("/proc");
    fstype("/proc/self");
    int p[2];
    struct statfs s;
    pipe(p);
    printf("fstatfs pipe: %d type=0x%lx\n", fstatfs(p[0], &s), (long)s.f_type);
    printf("statfs missing: %d errno=%d\n", statfs("/no/such/dir", &s), errno);
    printf("statfs bad pointer: %d errno=%d\n", statfs("/", (struct statfs *)8), errno);
    printf("fstatfs bad fd: %d errno=%d\n", fstatfs(99, &s), errno);
    return 0;
  }
  if (!strcmp(mode, "tmp")) {
    struct statfs s;
    statfs("/tmp", &s);
    printf("tmp type=0x%lx bsize=%ld blocks=%ld bfree=%ld\n", (long)s.f_type, (long)s.f_bsize, (long)s.f_blocks, (long)s.f_bfree);
    int fd = open("/tmp/x", O_CREAT | O_WRONLY, 0644);
    static char page[4096 * 4];
    write(fd, page, sizeof page);
    statfs("/tmp", &s);
    printf("tmp after 16K: bfree=%ld\n", (long)s.f_bfree);
    return 0;
  }
  if (!strcmp(mode, "ids")) {
    uid_t r, e, sv;
    getresuid(&r, &e, &sv);
    printf("uid %u %u %u\n", r, e, sv);
    printf("getgroups: %d\n", getgroups(0, NULL));
    printf("setuid same: %d\n", setuid(getuid()));
    // In a child: root's setuid(1234) succeeds, and the rest must run with the first ids.
    fflush(stdout);
    if (fork() == 0) { errno = 0; printf("setuid 1234: %d errno=%d\n", setuid(1234), errno); fflush(stdout); _exit(0); }
    wait(NULL);
    printf("setresgid -1: %d\n", setresgid(-1, -1, -1));
    int fd = open("/tmp/f", O_CREAT | O_WRONLY, 04755);
    fchmod(fd, 04755);
    errno = 0;
    printf("fchown to 1000: %d errno=%d\n", fchown(fd, 1000, 1000), errno);
    struct stat st;
    fstat(fd, &st);
    printf("owner %u:%u mode %o\n", st.st_uid, st.st_gid, st.st_mode & 07777);
    fchmod(fd, 06745);
    fchown(fd, -1, -1);
    fstat(fd, &st);
    printf("chown -1 -1 of 6745: %o\n", st.st_mode & 07777);
    errno = 0;
    printf("fchownat /proc/self/stat: %d errno=%d\n", fchownat(AT_FDCWD, "/proc/self/stat", 0, 0, 0), errno);
    errno = 0;
    printf("fchownat bad flags: %d errno=%d\n", fchownat(AT_FDCWD, "/tmp/f", 0, 0, 0x4), errno);
    printf("fchownat same: %d\n", fchownat(AT_FDCWD, "/tmp/f", -1, -1, AT_SYMLINK_NOFOLLOW));
    return 0;
  }
  if (!strcmp(mode, "time")) {
    printf("time %ld\n", (long)time(NULL));
    return 0;
  }
  if (!strcmp(mode, "cwd")) {
    char cwd[4096], name[] = "/tmp/lua_XXXXXX";
    printf("cwd %s\n", getcwd(cwd, sizeof cwd));
    int fd = mkstemp(name);
    printf("mkstemp: %s\n", fd >= 0 ? "ok" : strerror(errno));
    printf("./%s: %s\n", argv[2], access(argv[2], R_OK) == 0 ? "readable" : strerror(errno));
    return 0;
  }
  if (!strcmp(mode, "load")) sleep(11);
  for (int i = 2; i < argc; i++) dump(argv[i]);
  return 0;
}
