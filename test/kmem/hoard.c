// Tries to make the kernel hold host memory outside guest RAM, and says how
// far it got: test/kmem.test.ts checks that the kernel-memory budget
// (src/kernel/mm/kmem.ts) stopped it, and that everything came back.
//   hoard pipes N   N children each make pipes and fill them until refused
//   hoard files N   N children each open /dev/null until refused
//   hoard vmas      one-page mappings of alternating protection until refused
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];

/** In a child: fills pipes (or opens files) until refused; writes "<bytes or count> <errno>" to the report pipe, then waits to be killed. */
static void child(int report, int pipes) {
  long held = 0;
  int err = 0;
  for (;;) {
    if (pipes) {
      int fds[2];
      if (pipe2(fds, O_NONBLOCK) < 0) { err = errno; break; }
      ssize_t n;
      while ((n = write(fds[1], buf, sizeof buf)) > 0) held += n;
      if (n < 0 && errno != EAGAIN) { err = errno; break; }
    } else {
      if (open("/dev/null", O_RDONLY) < 0) { err = errno; break; }
      held++;
    }
  }
  char line[64];
  int len = snprintf(line, sizeof line, "%ld %d\n", held, err);
  write(report, line, len);
  pause();
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (strcmp(argv[1], "vmas") == 0) {
    long n = 0;
    for (;; n++) {
      void *a = mmap(0, 4096, (n & 1) ? PROT_READ : PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (a == MAP_FAILED) { printf("vmas %ld %s\n", n, strerrorname_np(errno)); return 0; }
    }
  }
  int pipes = strcmp(argv[1], "pipes") == 0, kids = argc > 2 ? atoi(argv[2]) : 4;
  int report[2];
  if (pipe(report) < 0) return 1;
  pid_t pid[64];
  for (int k = 0; k < kids; k++) {
    pid[k] = fork();
    if (pid[k] < 0) return 1;
    if (pid[k] == 0) { close(report[0]); child(report[1], pipes); _exit(0); }
  }
  FILE *in = fdopen(report[0], "r");
  long total = 0;
  for (int k = 0; k < kids; k++) {
    long held; int err;
    if (fscanf(in, "%ld %d", &held, &err) != 2) return 1;
    total += held;
    printf("child %d: %ld then %s\n", k, held, strerrorname_np(err));
  }
  for (int k = 0; k < kids; k++) { kill(pid[k], SIGKILL); waitpid(pid[k], 0, 0); }
  printf("%s total %ld\n", argv[1], total);
  return 0;
}
