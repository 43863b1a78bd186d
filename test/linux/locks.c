/* File locks: POSIX record locks between processes (F_SETLK conflicts,
   F_GETLK reporting the holder, F_SETLKW waiting for an unlock, split and
   merged ranges, close dropping a process's locks, EDEADLK), open file
   description locks (F_OFD_*), and flock(2) (shared, exclusive, LOCK_NB,
   conversion, release on close). Two processes meet through a pipe so the
   order of events is fixed. Prints facts only (no pids). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static const char *path = "/tmp/lde-locks-test";

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
  return fcntl(fd, cmd, &f);
}

static const char *typename(short t) { return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?"; }

static void getlk(const char *what, int fd, int cmd, short type, off_t start, off_t len, pid_t expect) {
  struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
  int r = fcntl(fd, cmd, &f);
  printf("%s: %s %s", what, RES(r), typename(f.l_type));
  if (r == 0 && f.l_type != F_UNLCK) printf(" start %ld len %ld pid %s", (long)f.l_start, (long)f.l_len,
                                             f.l_pid == expect ? "holder" : f.l_pid == -1 ? "-1" : "other");
  printf("\n");
}

static void wait_byte(int fd) { char c; if (read(fd, &c, 1) != 1) exit(3); }
static void send_byte(int fd) { if (write(fd, "x", 1) != 1) exit(3); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* both processes print, in an order the pipes fix */
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) { printf("open: %s\n", errname(errno)); return 1; }
  if (write(fd, "0123456789", 10) != 10) return 1;
  int to_child[2], to_parent[2];
  if (pipe(to_child) || pipe(to_parent)) return 1;
  printf("parent write-locks [0,100): %s\n", RES(lk(fd, F_SETLK, F_WRLCK, 0, 100)));
  printf("parent read-locks [50,60) of its own lock: %s\n", RES(lk(fd, F_SETLK, F_RDLCK, 50, 10)));
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    int cfd = open(path, O_RDWR);
    errno = 0;
    printf("child write-lock [10,20): %s\n", RES(lk(cfd, F_SETLK, F_WRLCK, 10, 10)));
    getlk("child F_GETLK write [10,20)", cfd, F_GETLK, F_WRLCK, 10, 10, parent);
    getlk("child F_GETLK read [55,56)", cfd, F_GETLK, F_RDLCK, 55, 1, parent);
    getlk("child F_GETLK read [200,300)", cfd, F_GETLK, F_RDLCK, 200, 100, parent);
    printf("child write-lock [100,110): %s\n", RES(lk(cfd, F_SETLK, F_WRLCK, 100, 10)));
    send_byte(to_parent[1]);
    /* The parent unlocks [0,50) after this byte, then closes its other descriptor. */
    int w = lk(cfd, F_SETLKW, F_WRLCK, 0, 10);
    wait_byte(to_child[0]); /* print after the parent has said it unlocked */
    printf("child waits for [0,10) (F_SETLKW): %s\n", RES(w));
    send_byte(to_parent[1]);
    wait_byte(to_child[0]);
    printf("child F_SETLK [50,60) after the parent closed a descriptor: %s\n", RES(lk(cfd, F_SETLK, F_WRLCK, 50, 10)));
    /* flock: the parent holds LOCK_SH now. */
    int ffd = open(path, O_RDONLY);
    printf("child flock LOCK_SH|LOCK_NB: %s\n", RES(flock(ffd, LOCK_SH | LOCK_NB)));
    printf("child flock LOCK_EX|LOCK_NB: %s\n", RES(flock(ffd, LOCK_EX | LOCK_NB)));
    send_byte(to_parent[1]);
    printf("child flock LOCK_EX (waits): %s\n", RES(flock(ffd, LOCK_EX)));
    close(ffd);
    _exit(0);
  }
  int fd2 = open(path, O_RDONLY);
  wait_byte(to_parent[0]);
  printf("parent unlocks [0,50): %s\n", RES(lk(fd, F_SETLK, F_UNLCK, 0, 50)));
  send_byte(to_child[1]);
  wait_byte(to_parent[0]);
  printf("parent F_SETLK [0,10) now the child holds it: %s\n", RES(lk(fd, F_SETLK, F_WRLCK, 0, 10)));
  close(fd2); /* POSIX: closing any descriptor of the file drops all of the parent's locks on it */
  int sh = open(path, O_RDONLY);
  printf("parent flock LOCK_SH: %s\n", RES(flock(sh, LOCK_SH)));
  send_byte(to_child[1]);
  wait_byte(to_parent[0]);
  close(sh); /* the last reference: the child's LOCK_EX gets it */
  int st;
  waitpid(c, &st, 0);
  printf("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  /* OFD locks: two opens in one process conflict; a classic lock of our own does not. */
  int a = open(path, O_RDWR), b = open(path, O_RDWR);
  printf("OFD write-lock on a: %s\n", RES(lk(a, F_OFD_SETLK, F_WRLCK, 0, 0)));
  printf("OFD write-lock on b: %s\n", RES(lk(b, F_OFD_SETLK, F_WRLCK, 0, 1)));
  getlk("OFD F_OFD_GETLK on b", b, F_OFD_GETLK, F_RDLCK, 5, 1, 0);
  printf("OFD with l_pid set: %s\n", RES(({ struct flock f = { .l_type = F_RDLCK, .l_pid = 1 }; fcntl(b, F_OFD_SETLK, &f); })));
  close(a);
  printf("OFD write-lock on b after a closed: %s\n", RES(lk(b, F_OFD_SETLK, F_WRLCK, 0, 1)));
  printf("flock on a bad fd: %s\n", RES(flock(-1, LOCK_SH)));
  printf("flock with no operation: %s\n", RES(flock(b, LOCK_NB)));
  close(b);
  /* EDEADLK: each holds one byte and waits for the other's; whichever asks second closes the cycle and
     gets EDEADLK (which one depends on timing, so only the count is printed), drops its locks, and the
     other gets its lock. */
  int d = open(path, O_RDWR);
  lk(d, F_SETLK, F_WRLCK, 0, 1);
  pid_t e = fork();
  if (e == 0) {
    int dd = open(path, O_RDWR);
    lk(dd, F_SETLK, F_WRLCK, 1, 1);
    send_byte(to_parent[1]);
    int r = lk(dd, F_SETLKW, F_WRLCK, 0, 1);
    char verdict = r == 0 ? 'o' : errno == EDEADLK ? 'd' : 'e';
    if (verdict == 'd') close(dd); /* give way */
    if (write(to_parent[1], &verdict, 1) != 1) _exit(3);
    _exit(0);
  }
  wait_byte(to_parent[0]);
  usleep(20000);
  int r = lk(d, F_SETLKW, F_WRLCK, 1, 1);
  char mine = r == 0 ? 'o' : errno == EDEADLK ? 'd' : 'e';
  if (mine == 'd') close(d);
  char theirs = 'e';
  if (read(to_parent[0], &theirs, 1) != 1) return 1;
  printf("F_SETLKW on each other's byte: %d EDEADLK, %d granted\n", (mine == 'd') + (theirs == 'd'), (mine == 'o') + (theirs == 'o'));
  if (mine != 'd') close(d);
  waitpid(e, &st, 0);
  unlink(path);
  return 0;
}
