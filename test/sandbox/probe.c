// A guest that tries what test/sandbox-cli.test.ts names on its command
// line, one command after another, and prints one line per command: what
// it read, or the errno name. Commands (each takes a fixed number of words):
//
//   read P          the first line of file P          write P TEXT   create/truncate P, write TEXT
//   ls P            sorted names in directory P       env            each environment entry
//   ids             getuid/geteuid/getgid/getegid/getresuid/getresgid
//   owner P         st_uid and st_gid of P (stat)     mkdir P        mkdir P 0755
//   rename A B      rename(2)                         link A B       link(2)
//   symlink T L     symlink(2)                        unlink P       unlink(2)
//   dir P           open directory P as the saved dirfd   hold P   open P with O_PATH as the saved fd
//   readat P        read P relative to the saved dirfd  writeat P TEXT   create P there
//   cd P            chdir(2)                          cwd            getcwd(3)
//   copy A B        copy file A to B (mode 0755)       exec P ...     execv(P, [P, rest of the words])
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;
static int saved = -1;

static const char *err(void) {
  switch (errno) {
    case ENOENT: return "ENOENT"; case EROFS: return "EROFS"; case EXDEV: return "EXDEV"; case EPERM: return "EPERM";
    case EACCES: return "EACCES"; case ENOTDIR: return "ENOTDIR"; case ELOOP: return "ELOOP"; case EEXIST: return "EEXIST";
    case EISDIR: return "EISDIR"; case EBADF: return "EBADF"; case ENOSYS: return "ENOSYS";
    default: { static char b[32]; snprintf(b, sizeof b, "errno %d", errno); return b; }
  }
}

static void show(const char *what, const char *arg, int fd) {
  if (fd < 0) { printf("%s %s: %s\n", what, arg, err()); return; }
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) { printf("%s %s: %s\n", what, arg, err()); return; }
  buf[n] = 0;
  buf[strcspn(buf, "\n")] = 0;
  for (char *c = buf; *c; c++) if (*c < 32 || *c > 126) *c = '.';
  printf("%s %s: %s\n", what, arg, buf);
}

static void put(const char *what, const char *arg, int fd, const char *text) {
  if (fd < 0 || write(fd, text, strlen(text)) < 0) printf("%s %s: %s\n", what, arg, err());
  else printf("%s %s: ok\n", what, arg);
  if (fd >= 0) close(fd);
}

static void status(const char *what, const char *arg, int r) {
  if (r < 0) printf("%s %s: %s\n", what, arg, err()); else printf("%s %s: ok\n", what, arg);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void ls(const char *p) {
  DIR *d = opendir(p);
  if (!d) { printf("ls %s: %s\n", p, err()); return; }
  char *names[512]; int n = 0;
  for (struct dirent *e; (e = readdir(d)) && n < 512;) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("ls %s:", p);
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
}

static void copy(const char *a, const char *b) {
  int in = open(a, O_RDONLY), out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  char buf[4096]; ssize_t n = 0;
  if (in >= 0 && out >= 0) while ((n = read(in, buf, sizeof buf)) > 0) if (write(out, buf, n) != n) { n = -1; break; }
  status("copy", a, in < 0 || out < 0 || n < 0 ? -1 : 0);
  if (in >= 0) close(in);
  if (out >= 0) close(out);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *c = argv[i], *a = i + 1 < argc ? argv[i + 1] : "", *b = i + 2 < argc ? argv[i + 2] : "";
    if (!strcmp(c, "read")) { show(c, a, open(a, O_RDONLY)); i++; }
    else if (!strcmp(c, "readat")) { show(c, a, openat(saved, a, O_RDONLY)); i++; }
    else if (!strcmp(c, "write")) { put(c, a, open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644), b); i += 2; }
    else if (!strcmp(c, "writeat")) { put(c, a, openat(saved, a, O_WRONLY | O_CREAT | O_TRUNC, 0644), b); i += 2; }
    else if (!strcmp(c, "ls")) { ls(a); i++; }
    else if (!strcmp(c, "env")) { for (char **e = environ; *e; e++) printf("env: %s\n", *e); }
    else if (!strcmp(c, "ids")) {
      uid_t r, e, s; gid_t gr, ge, gs;
      int ru = getresuid(&r, &e, &s), rg = getresgid(&gr, &ge, &gs);
      printf("ids: uid=%u euid=%u gid=%u egid=%u res=%d:%u,%u,%u resg=%d:%u,%u,%u\n", getuid(), geteuid(), getgid(), getegid(),
        ru, r, e, s, rg, gr, ge, gs);
    }
    else if (!strcmp(c, "owner")) { struct stat st; if (stat(a, &st) < 0) printf("owner %s: %s\n", a, err()); else printf("owner %s: %u %u\n", a, st.st_uid, st.st_gid); i++; }
    else if (!strcmp(c, "mkdir")) { status(c, a, mkdir(a, 0755)); i++; }
    else if (!strcmp(c, "rename")) { status(c, a, rename(a, b)); i += 2; }
    else if (!strcmp(c, "link")) { status(c, a, link(a, b)); i += 2; }
    else if (!strcmp(c, "symlink")) { status(c, b, symlink(a, b)); i += 2; }
    else if (!strcmp(c, "unlink")) { status(c, a, unlink(a)); i++; }
    else if (!strcmp(c, "dir")) { saved = open(a, O_RDONLY | O_DIRECTORY); status(c, a, saved); i++; }
    else if (!strcmp(c, "hold")) { saved = open(a, O_PATH); status(c, a, saved); i++; }
    else if (!strcmp(c, "cd")) { status(c, a, chdir(a)); i++; }
    else if (!strcmp(c, "cwd")) { char buf[4096]; printf("cwd: %s\n", getcwd(buf, sizeof buf) ? buf : err()); }
    else if (!strcmp(c, "copy")) { copy(a, b); i += 2; }
    else if (!strcmp(c, "exec")) { fflush(stdout); execv(a, argv + i + 1); printf("exec %s: %s\n", a, err()); return 1; }
    else { printf("unknown command %s\n", c); return 2; }
    fflush(stdout);
  }
  return 0;
}
