// Credentials (credentials(7), setresuid(2), setgroups(2)): per process,
// inherited by fork, shared by a process's threads through glibc's setxid
// broadcast (SIGSETXID to every thread), root versus an unprivileged
// process, and /proc/self/status's Uid:, Gid: and Groups: lines. Run as
// root; each change happens in a child, in turn.
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *e(int r) { return r == 0 ? "0" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" : strerror(errno); }

static void ids(const char *what) {
  uid_t r, ef, s; gid_t gr, ge, gs;
  getresuid(&r, &ef, &s); getresgid(&gr, &ge, &gs);
  gid_t list[16];
  int n = getgroups(16, list);
  printf("%s: uid %u %u %u fsuid %d, gid %u %u %u fsgid %d, groups", what, r, ef, s, setfsuid(-1), gr, ge, gs, setfsgid(-1));
  for (int i = 0; i < n; i++) printf(" %u", list[i]);
  printf("\n");
}

static void status(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7)) {
      line[strcspn(line, "\n")] = 0;
      size_t n = strlen(line);
      while (n > 0 && line[n - 1] == ' ') line[--n] = 0; // Linux before 4.11 ends Groups: with a space
      printf("  %s\n", line);
    }
  if (f) fclose(f);
}

static void inChild(void (*fn)(void)) {
  pid_t c = fork();
  if (c == 0) { fn(); fflush(stdout); _exit(0); }
  waitpid(c, NULL, 0);
}

static void dropAndBack(void) {
  printf("setresuid(1000, 1001, 0): %s\n", e(setresuid(1000, 1001, 0)));
  ids("after");
  status();
  errno = 0;
  printf("unprivileged setuid(5): %s; setgroups: %s; setresuid(1000, 7, -1): %s\n", e(setuid(5)), e(setgroups(0, NULL)), e(setresuid(1000, 7, -1)));
  printf("setuid(0) back to the saved id: %s\n", e(setuid(0)));
  ids("after");
  printf("setreuid(-1, 1000): %s\n", e(setreuid(-1, 1000)));
  ids("after");
  printf("setreuid(1000, 1000) drops the saved 0: %s\n", e(setreuid(1000, 1000)));
  ids("after");
  printf("setuid(0) now: %s; setfsuid(0) returns the old %d, and does not change it: ", e(setuid(0)), setfsuid(0));
  printf("%d\n", setfsuid(-1));
  pid_t c = fork();
  if (c == 0) { ids("its child"); fflush(stdout); _exit(0); }
  waitpid(c, NULL, 0);
}

static void groupsAndGids(void) {
  gid_t list[] = {30, 5, 17};
  printf("setgroups(30, 5, 17): %s; setgroups(-1): %s\n", e(setgroups(3, list)), e(setgroups(-1, list)));
  printf("getgroups(1, ...) when 3: %d %s\n", getgroups(1, list), errno == EINVAL ? "EINVAL" : "?");
  printf("setregid(100, 200): %s; setfsgid(300) returns %d\n", e(setregid(100, 200)), setfsgid(300));
  ids("after");
  status();
  printf("setgid(-1): %s; setuid(-1): %s\n", e(setgid(-1)), e(setuid(-1)));
}

static pthread_barrier_t b1, b2;
static unsigned seen[2];
static void *worker(void *arg) {
  pthread_barrier_wait(&b1);
  pthread_barrier_wait(&b2);
  seen[(long)arg] = (unsigned)syscall(SYS_getuid); // the thread's own credentials
  return NULL;
}
static void threads(void) {
  pthread_barrier_init(&b1, NULL, 3); pthread_barrier_init(&b2, NULL, 3);
  pthread_t t[2];
  for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  pthread_barrier_wait(&b1);
  printf("setuid(2000) with 2 threads: %s\n", e(setuid(2000)));
  pthread_barrier_wait(&b2);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  printf("each thread's own getuid: %u %u\n", seen[0], seen[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  ids("start");
  status();
  inChild(dropAndBack);
  inChild(groupsAndGids);
  inChild(threads);
  ids("parent unchanged");
  return 0;
}
