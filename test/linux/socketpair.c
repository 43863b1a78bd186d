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
#include "common.h"
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
  return 0;
}
