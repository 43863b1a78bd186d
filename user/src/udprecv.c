/* udprecv [PORT [MS [WORK [RCVBUF]]]]: the receiver of `lde experiment
 * coalescing` (docs/nic.md). Binds an AF_INET SOCK_DGRAM socket to PORT
 * (default 5000) on every address, and receives datagrams for MS ms of
 * CLOCK_MONOTONIC (default 20), doing WORK rounds of per-packet work on each
 * (default 50: a rotate-and-add loop, a few hundred instructions; what an
 * application does with a packet). Each datagram from lde's traffic source
 * starts with a 64-bit big-endian sequence number. Prints how many it
 * received, the first and last sequence numbers, and how many were missing
 * in between (gaps: lost in the ring or at the socket). A receive timeout
 * (SO_RCVTIMEO, 10 ms) keeps it from waiting for ever when nothing comes.
 * RCVBUF, when given, is set with SO_RCVBUF. */
#include <stdio.h>
#include <stdlib.h>
#include "syscall.h"

#define AF_INET 2
#define SOCK_DGRAM 2
#define SOL_SOCKET 1
#define SO_RCVBUF 8
#define SO_RCVTIMEO 20

struct sockaddr_in4 { unsigned short family, port; unsigned addr; unsigned char zero[8]; };

static long now_ns(void) {
  struct linux_timespec ts;
  sys_clock_gettime(1 /* CLOCK_MONOTONIC */, &ts);
  return ts.sec * 1000000000L + ts.nsec;
}

/* The per-packet work: WORK rounds of a rotate-and-add over the payload. */
static unsigned work(const unsigned char *p, long n, long rounds) {
  unsigned h = 0;
  long mask = n >= 32 ? 31 : 7;
  for (long r = 0; r < rounds; r++) h = ((h << 5) | (h >> 27)) + p[r & mask];
  return h;
}

int main(int argc, char **argv) {
  long port = argc > 1 ? atol(argv[1]) : 5000, ms = argc > 2 ? atol(argv[2]) : 20, rounds = argc > 3 ? atol(argv[3]) : 50;
  int fd = (int)lde_syscall3(SYS_socket, AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) { printf("udprecv: socket: error %d\n", fd); return 1; }
  struct linux_timeval tv = { 0, 10000 };
  lde_syscall5(SYS_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, LDE_L(&tv), sizeof tv);
  if (argc > 4) { int rb = atoi(argv[4]); lde_syscall5(SYS_setsockopt, fd, SOL_SOCKET, SO_RCVBUF, LDE_L(&rb), sizeof rb); }
  struct sockaddr_in4 a = { AF_INET, (unsigned short)(((port & 0xff) << 8) | ((port >> 8) & 0xff)), 0, { 0 } };
  long r = lde_syscall3(SYS_bind, fd, LDE_L(&a), sizeof a);
  if (r < 0) { printf("udprecv: bind to port %ld: error %ld\n", port, r); return 1; }
  unsigned char buf[2048];
  unsigned long count = 0, first = 0, last = 0, gaps = 0, sum = 0;
  long start = now_ns(), end = start + ms * 1000000L;
  while (now_ns() < end) {
    long n = lde_syscall6(SYS_recvfrom, fd, LDE_L(buf), sizeof buf, 0, 0, 0);
    if (n < 8) continue; /* the timeout (EAGAIN), or not one of ours */
    unsigned long seq = 0;
    for (int i = 0; i < 8; i++) seq = (seq << 8) | buf[i];
    if (count == 0) first = seq;
    else if (seq > last + 1) gaps += seq - last - 1;
    last = seq;
    count++;
    sum += work(buf, n, rounds);
  }
  long took = now_ns() - start;
  printf("udprecv: port %ld, %ld ms: received %lu packets (%lu per second)", port, ms, count, took > 0 ? (unsigned long)((count * 1000000000.0) / took) : 0UL);
  if (count > 0) printf(", first seq %lu, last seq %lu, %lu missing between", first, last, gaps);
  printf("\n");
  return sum == 1 ? 2 : 0; /* keeps the work from being optimized away */
}
