/* A TCP server for the --publish test (test/sockets.test.ts): listens on the
   guest port argv[1] (IPv4, or IPv6 with argv[2] = "6"), says "listening",
   then serves two connections one after the other: reads until the client
   shuts down writing (the first with blocking reads, the second waiting in
   poll), answers with what it read in capitals, and closes. First it tries
   an outbound connect (TEST-NET-1, 192.0.2.1), which lde refuses. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(int c, int usePoll) {
  char buf[4096], all[65536]; size_t n = 0;
  for (;;) {
    if (usePoll) { struct pollfd p = { c, POLLIN, 0 }; poll(&p, 1, -1); }
    ssize_t r = read(c, buf, sizeof buf);
    if (r <= 0) break;
    for (ssize_t i = 0; i < r && n < sizeof all; i++) all[n++] = toupper((unsigned char)buf[i]);
  }
  for (size_t off = 0; off < n;) { ssize_t w = write(c, all + off, n - off); if (w <= 0) break; off += w; }
  close(c);
}

int main(int argc, char **argv) {
  int six = argc > 2 && strcmp(argv[2], "6") == 0, port = atoi(argv[1]), one = 1;
  int o = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in far = { .sin_family = AF_INET, .sin_port = htons(80), .sin_addr.s_addr = htonl(0xc0000201) };
  printf("outbound connect: %s\n", connect(o, (struct sockaddr *)&far, sizeof far) == 0 ? "ok" : errno == ENETUNREACH ? "ENETUNREACH" : strerror(errno));
  close(o);
  int s = socket(six ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
  if ((six ? bind(s, (struct sockaddr *)&a6, sizeof a6) : bind(s, (struct sockaddr *)&a4, sizeof a4)) < 0 || listen(s, 4) < 0) { perror("bind/listen"); return 1; }
  printf("listening\n");
  fflush(stdout);
  for (int i = 0; i < 2; i++) {
    struct sockaddr_in6 peer; socklen_t l = sizeof peer;
    int c = accept(s, (struct sockaddr *)&peer, &l);
    if (c < 0) { perror("accept"); return 1; }
    serve(c, i == 1);
  }
  printf("served 2\n");
  return 0;
}
