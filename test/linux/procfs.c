/* procfs: what /proc tells about processes, where qemu-riscv64 cannot be
   the oracle (it fakes /proc/self/stat with a state of "0" and lets
   /proc/PID through to the host).  /proc/self/stat field by field
   (52 fields, state R, CPU time in clock ticks, vsize and rss), a child's
   state as it sleeps in read (S) and after it exits (Z, with its exit
   code), /proc/PID gone once reaped, /proc/self/status, comm, maps with
   [heap] and [stack], uptime and meminfo. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

/* Reads /proc/PID/stat into fields[1..n] (fields[2] is comm without parens); returns n. */
static int stat_fields(int pid, char fields[64][64]) {
  char path[64], text[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t len = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[len] = 0;
  char *open = strchr(text, '('), *close = strrchr(text, ')');
  if (!open || !close) return 0;
  *close = 0;
  int n = 1;
  snprintf(fields[n++], 64, "%.*s", (int)(open - text - 1), text);
  snprintf(fields[n++], 64, "%s", open + 1);
  for (char *tok = strtok(close + 2, " \n"); tok && n < 64; tok = strtok(0, " \n")) snprintf(fields[n++], 64, "%s", tok);
  return n - 1;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, 0);
}

/* Polls a process's state letter until it is `want` (at most 2 s). */
static char wait_state(int pid, char want) {
  char fields[64][64];
  for (int i = 0; i < 200; i++) {
    if (stat_fields(pid, fields) >= 3 && fields[3][0] == want) return want;
    sleep_ms(10);
  }
  return stat_fields(pid, fields) >= 3 ? fields[3][0] : '?';
}

static void self_stat(void) {
  char fields[64][64];
  void *heap = malloc(1000);
  int n = stat_fields(getpid(), fields);
  printf("/proc/self/stat: %d fields, pid %d, comm %s, state %s, ppid %d, threads %s\n", n,
         atoi(fields[1]) == getpid(), fields[2], fields[3], atoi(fields[4]) == getppid(), fields[20]);
  printf("rss > 0 %d, vsize covers rss %d\n", atol(fields[24]) > 0, atol(fields[23]) >= atol(fields[24]) * sysconf(_SC_PAGESIZE));
  struct timespec t0, t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  volatile unsigned long spin = 0;
  do {
    for (int i = 0; i < 100000; i++) spin++;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  } while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 60000000L);
  stat_fields(getpid(), fields);
  long ticks = atol(fields[14]) + atol(fields[15]);
  long cpu = (t.tv_sec * 1000000000L + t.tv_nsec) / 10000000L;
  printf("after 60 ms of CPU: utime+stime >= 4 ticks %d, not beyond the CPU clock %d\n", ticks >= 4, ticks <= cpu + 2);
  free(heap);
}

static void child_states(void) {
  int p[2];
  pipe(p);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    char b;
    close(p[1]);
    read(p[0], &b, 1);
    _exit(7);
  }
  close(p[0]);
  printf("a child blocked in read: %c\n", wait_state(c, 'S'));
  char fields[64][64];
  stat_fields(c, fields);
  printf("its ppid is us %d, comm %s\n", atoi(fields[4]) == getpid(), fields[2]);
  write(p[1], "x", 1);
  close(p[1]);
  printf("after it exits: %c\n", wait_state(c, 'Z'));
  int n = stat_fields(c, fields);
  printf("zombie: exit code field %s, vsize %s, rss %s\n", n >= 52 ? fields[52] : "?", fields[23], fields[24]);
  int st;
  waitpid(c, &st, 0);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d", c);
  struct stat sb;
  errno = 0;
  int r = stat(path, &sb);
  printf("after waitpid, /proc/PID: %d %s\n", r, errname(errno));
}

static void text_files(void) {
  char line[256];
  FILE *f = fopen("/proc/self/status", "r");
  int name = 0, state = 0, pid = 0, ppid = 0;
  while (fgets(line, sizeof line, f)) {
    name |= strcmp(line, "Name:\tprocfs\n") == 0;
    state |= strcmp(line, "State:\tR (running)\n") == 0;
    if (strncmp(line, "Pid:\t", 5) == 0) pid = atoi(line + 5) == getpid();
    if (strncmp(line, "PPid:\t", 6) == 0) ppid = atoi(line + 6) == getppid();
  }
  fclose(f);
  printf("/proc/self/status: Name %d State %d Pid %d PPid %d\n", name, state, pid, ppid);
  f = fopen("/proc/self/comm", "r");
  fgets(line, sizeof line, f);
  fclose(f);
  printf("/proc/self/comm: %s", line);
  char *big = malloc(100);
  f = fopen("/proc/self/maps", "r");
  int heap = 0, stack = 0;
  while (fgets(line, sizeof line, f)) {
    char perms[8] = "";
    sscanf(line, "%*x-%*x %7s", perms);
    if (strstr(line, "[heap]")) heap = strcmp(perms, "rw-p") == 0;
    if (strstr(line, "[stack]")) stack = strcmp(perms, "rw-p") == 0;
  }
  fclose(f);
  free(big);
  printf("/proc/self/maps: [heap] rw-p %d, [stack] rw-p %d\n", heap, stack);
  f = fopen("/proc/uptime", "r");
  double up = 0, idle = -1;
  int got = fscanf(f, "%lf %lf", &up, &idle);
  fclose(f);
  printf("/proc/uptime: two numbers %d, up > 0 %d\n", got == 2, up > 0);
  f = fopen("/proc/meminfo", "r");
  fgets(line, sizeof line, f);
  fclose(f);
  long kb = 0;
  printf("/proc/meminfo starts with MemTotal %d\n", sscanf(line, "MemTotal: %ld kB", &kb) == 1 && kb > 0);
}

int main(void) {
  self_stat();
  child_states();
  text_files();
  return 0;
}
