/* longcalls: an interactive process beside one that makes long system
 * calls, the workload for kernel preemption (--preempt). The parent forks
 *   - the long-call child: maps MIB MiB (default 32), touches every page,
 *     then CALLS times (default 20) mprotects the whole range read-only and
 *     back (a page-table walk per call, thousands of PTEs), and forks a
 *     child that exits at once (fork copies every PTE); with MIB 0 it
 *     only forks, so its kernel time is fork's fixed, straight-line part;
 *   - the interactive child: NAPS times (default 40) sleeps 1 ms and does
 *     a little work, like a process that answers key presses.
 * While the first is in the kernel, the second waits for it: how long
 * depends on where the kernel may be preempted. The parent waits for both
 * and prints counts only. Usage: longcalls [CALLS [NAPS [MIB]]].
 * Exercises: mprotect, fork, nanosleep, wait4, kernel preemption. */
#include <stdio.h>
#include "syscall.h"

#define PAGE 4096UL
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20

static LDE_NORETURN void long_calls(unsigned long calls, unsigned long mib) {
  unsigned long len = mib << 20, done = 0;
  char *p = 0;
  if (len > 0) {
    p = (char *)sys_mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ((long)p < 0 && (long)p > -4096) sys_exit_group(2);
    for (unsigned long off = 0; off < len; off += PAGE) p[off] = 1;
  }
  for (unsigned long i = 0; i < calls; i++) {
    long a = len > 0 ? sys_mprotect(p, len, PROT_READ) : 0;
    long b = len > 0 ? sys_mprotect(p, len, PROT_READ | PROT_WRITE) : 0;
    long pid = sys_fork();
    if (pid == 0) sys_exit_group(0);
    int status = 0;
    if (a == 0 && b == 0 && pid > 0 && sys_wait4((int)pid, &status, 0, 0) == pid && status == 0) done++;
  }
  sys_exit_group(done == calls ? 0 : 1);
}

static LDE_NORETURN void interactive(unsigned long naps) {
  struct linux_timespec req = { 0, 1000000 };
  unsigned long x = 1, ok = 0;
  for (unsigned long i = 0; i < naps; i++) {
    if (sys_nanosleep(&req, 0) == 0) ok++;
    for (int j = 0; j < 1000; j++) x = x * 6364136223846793005UL + 1442695040888963407UL;
  }
  sys_exit_group(ok == naps && x != 0 ? 0 : 1);
}

int main(int argc, char **argv) {
  unsigned long calls = lde_parse_ulong(argc > 1 ? argv[1] : 0, 20);
  unsigned long naps = lde_parse_ulong(argc > 2 ? argv[2] : 0, 40);
  unsigned long mib = lde_parse_ulong(argc > 3 ? argv[3] : 0, 32);
  long l = sys_fork();
  if (l == 0) long_calls(calls, mib);
  long i = sys_fork();
  if (i == 0) interactive(naps);
  int sl = -1, si = -1;
  sys_wait4((int)l, &sl, 0, 0);
  sys_wait4((int)i, &si, 0, 0);
  printf("longcalls: %lu long calls over %lu MiB: %s\n", calls, mib, sl == 0 ? "ok" : "failed");
  printf("longcalls: %lu naps of 1 ms: %s\n", naps, si == 0 ? "ok" : "failed");
  return sl == 0 && si == 0 ? 0 : 1;
}
