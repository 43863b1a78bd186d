/* socketpair(AF_UNIX): a stream pair between two processes (joined writes, EOF
   and EPIPE when the peer is gone, SHUT_WR), a datagram pair (boundaries,
   truncation, recvmsg, EAGAIN), SO_TYPE, and the errors for other families
   and non-sockets. Prints facts only. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include "common.h"
/* Readiness: poll's bits as the pair changes, and epoll waking on a datagram. */
static void readiness(void) {
  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  struct pollfd p[2] = { { sv[0], POLLIN | POLLOUT | POLLRDHUP, 0 }, { sv[1], POLLIN | POLLRDHUP, 0 } };
  poll(p, 2, 0); printf("fresh: %x %x\n", p[0].revents, p[1].revents);
  write(sv[0], "x", 1);
  poll(p, 2, 0); printf("after write: %x %x\n", p[0].revents, p[1].revents);
  shutdown(sv[0], SHUT_WR);
  poll(p, 2, 0); printf("after SHUT_WR: %x %x\n", p[0].revents, p[1].revents);
  close(sv[0]);
  p[1].events = POLLIN | POLLOUT | POLLRDHUP;
  poll(p + 1, 1, 0); printf("peer closed: %x\n", p[1].revents);
  int d[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, d[1], &ev);
  if (fork() == 0) { usleep(5000); send(d[0], "hi", 2, 0); _exit(0); }
  int n = epoll_wait(ep, &out, 1, 1000);
  printf("epoll_wait: %d data %u events %x\n", n, out.data.u32, out.events);
  }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  printf("socketpair stream: %s\n", RES(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)));
  printf("write %ld, write %ld\n", (long)write(sv[0], "hello ", 6), (long)send(sv[0], "world", 5, 0));
  char b[64] = { 0 };
  printf("read joins: %ld [%s]\n", (long)read(sv[1], b, sizeof b), b);
  pid_t c = fork();
  if (c == 0) { close(sv[1]); char m[32] = { 0 }; long n = recv(sv[0], m, sizeof m, 0); printf("child got %ld [%s]\n", n, m); write(sv[0], "pong", 4); _exit(0); }
  close(sv[0]);
  usleep(10000);
  write(sv[1], "ping", 4);
  memset(b, 0, sizeof b);
  printf("parent got %ld [%s]\n", (long)read(sv[1], b, sizeof b), b);
  waitpid(c, 0, 0);
  printf("after the child exits: read %ld\n", (long)read(sv[1], b, sizeof b));
  signal(SIGPIPE, SIG_IGN);
  errno = 0; printf("write to a gone peer: %s\n", RES(write(sv[1], "x", 1)));
  int d[2];
  printf("socketpair dgram: %s\n", RES(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, d)));
  send(d[0], "one", 3, 0); send(d[0], "second", 6, 0);
  memset(b, 0, sizeof b);
  long n1 = recv(d[1], b, 2, 0);
  printf("dgram recv 2 of 3: %ld [%.2s]\n", n1, b);
  struct iovec iov = { b, sizeof b };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  memset(b, 0, sizeof b);
  long n2 = recvmsg(d[1], &mh, 0);
  printf("recvmsg: %ld [%s] flags %d\n", n2, b, mh.msg_flags);
  errno = 0; printf("recv on empty nonblocking: %s\n", RES(recv(d[1], b, 1, 0)));
  int t, len = sizeof t;
  getsockopt(d[0], SOL_SOCKET, SO_TYPE, &t, (socklen_t *)&len);
  printf("SO_TYPE %d len %d\n", t, len);
  errno = 0; printf("socketpair AF_INET: %s\n", RES(socketpair(AF_INET, SOCK_STREAM, 0, d)));
  int pp[2]; pipe(pp);
  errno = 0; printf("recv on a pipe: %s\n", RES(recv(pp[0], b, 1, MSG_DONTWAIT)));
  shutdown(sv[1], SHUT_WR);
  int s2[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, s2);
  shutdown(s2[0], SHUT_WR);
  printf("read after peer SHUT_WR: %ld\n", (long)read(s2[1], b, 1));
  readiness();
  return 0;
}
