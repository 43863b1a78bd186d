/* A TCP client for the --net outbound test (test/sockets.test.ts): connects
   to argv[1]:argv[2] (an address of the host outside the loopback), sends
   "ping", shuts down writing and prints what comes back; then connects
   without blocking to argv[3] (a closed port) and prints what SO_ERROR says. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
  inet_pton(AF_INET, argv[1], &a.sin_addr);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { printf("connect: %s\n", strerror(errno)); return 1; }
  write(s, "ping", 4);
  shutdown(s, SHUT_WR);
  char buf[64] = { 0 }; size_t n = 0; ssize_t r;
  while (n < sizeof buf - 1 && (r = read(s, buf + n, sizeof buf - 1 - n)) > 0) n += r;
  printf("got [%s]\n", buf);
  close(s);
  a.sin_port = htons(atoi(argv[3]));
  s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int c = connect(s, (struct sockaddr *)&a, sizeof a);
  printf("non-blocking connect: %s\n", c == 0 ? "ok" : errno == EINPROGRESS ? "EINPROGRESS" : strerror(errno));
  struct pollfd p = { s, POLLOUT, 0 };
  poll(&p, 1, 10000);
  int err = 0; socklen_t l = sizeof err;
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &l);
  printf("SO_ERROR: %s\n", err == ECONNREFUSED ? "ECONNREFUSED" : strerror(err));
  return 0;
}
