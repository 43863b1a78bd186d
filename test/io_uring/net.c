/* io_uring on sockets: SEND and RECV on an AF_UNIX pair, a RECV that waits
   for data, an ACCEPT that waits for a loopback TCP connection, and
   POLL_ADD on a socket. Only deterministic facts are printed. */
#include "ring.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct ring r;
  int rc = ring_init(&r, 8, 0);
  if (rc < 0) { printf("ring_init: %s\n", err(rc)); return 1; }
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char buf[32] = {0};
  struct io_uring_sqe *s = get_sqe(&r, IORING_OP_SEND, sv[0], 1);
  s->addr = (unsigned long)"ping"; s->len = 4;
  s = get_sqe(&r, IORING_OP_RECV, sv[1], 2); s->addr = (unsigned long)buf; s->len = sizeof buf;
  s->flags = 0;
  submit_wait(&r, 2);
  show(&r, "send+recv");
  printf("  got '%s'\n", buf);

  memset(buf, 0, sizeof buf);
  s = get_sqe(&r, IORING_OP_RECV, sv[0], 3); s->addr = (unsigned long)buf; s->len = sizeof buf;
  s = get_sqe(&r, IORING_OP_POLL_ADD, sv[0], 4); s->poll32_events = POLLIN;
  after_write(&r, sv[1], "pong", 2);
  printf("  got '%s'\n", buf);

  s = get_sqe(&r, IORING_OP_RECV, r.fd, 5); s->addr = (unsigned long)buf; s->len = 4;
  s = get_sqe(&r, IORING_OP_SEND, sv[0], 6); s->addr = 16; s->len = 4;
  submit_wait(&r, 2);
  show(&r, "recv on a non-socket, send from a bad buffer");

  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 4);
  socklen_t al = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &al);
  struct sockaddr_in peer; socklen_t pl = sizeof peer;
  s = get_sqe(&r, IORING_OP_ACCEPT, l, 7); s->addr = (unsigned long)&peer; s->addr2 = (unsigned long)&pl;
  printf("submitted %d\n", submit_wait(&r, 0));
  show(&r, "before connect");
  int c = socket(AF_INET, SOCK_STREAM, 0);
  printf("connect: %d\n", connect(c, (struct sockaddr *)&a, sizeof a));
  submit_wait(&r, 1);
  unsigned long long ud; int res;
  reap(&r, &ud, &res);
  printf("accept: %llu ok %d, peer family %d, len %u\n", ud, res >= 0, peer.sin_family, (unsigned)pl);
  s = get_sqe(&r, IORING_OP_SEND, c, 8); s->addr = (unsigned long)"tcp!"; s->len = 4;
  s->flags = IOSQE_IO_LINK;
  s = get_sqe(&r, IORING_OP_RECV, res, 9); s->addr = (unsigned long)buf; s->len = 4;
  submit_wait(&r, 2);
  show(&r, "send then recv (linked)");
  printf("  got '%.4s'\n", buf);
  return 0;
}
