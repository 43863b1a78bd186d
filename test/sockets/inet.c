/* AF_INET and AF_INET6 between processes over the loopback (ip(7), ipv6(7),
   tcp(7), udp(7)): TCP listen/connect/accept4, blocking and non-blocking
   connect (EINPROGRESS, then writable and SO_ERROR), refused connects, data
   with MSG_PEEK/MSG_DONTWAIT/MSG_WAITALL, shutdown, EPIPE, a reset, bind
   conflicts and SO_REUSEADDR, v4-mapped peers of an AF_INET6 listener, and
   UDP datagrams with addresses and connect. Ports are ephemeral (bound to
   0) and never printed, so qemu-riscv64 (the host kernel) prints the same. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

static struct sockaddr_in v4(const char *ip, int port) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}
static int portOf(int fd) {
  struct sockaddr_in6 a; socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin6_port);
}
static int listener4(void) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = v4("127.0.0.1", 0);
  bind(s, (struct sockaddr *)&a, sizeof a);
  listen(s, 8);
  return s;
}
static const char *bits(int fd) {
  static char b[64];
  struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
  poll(&p, 1, 0);
  snprintf(b, sizeof b, "%s%s%s%s%s", p.revents & POLLIN ? "IN " : "", p.revents & POLLOUT ? "OUT " : "",
           p.revents & POLLRDHUP ? "RDHUP " : "", p.revents & POLLHUP ? "HUP " : "", p.revents & POLLERR ? "ERR " : "");
  return b;
}

static void tcp(void) {
  int fresh = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a; socklen_t l = sizeof a;
  printf("unbound getsockname: %s len %u family %d port %d\n", R(getsockname(fresh, (struct sockaddr *)&a, &l)), (unsigned)l, a.sin_family, ntohs(a.sin_port));
  printf("fresh poll: %s\n", bits(fresh));
  errno = 0; printf("getpeername unconnected: %s\n", R(getpeername(fresh, (struct sockaddr *)&a, &l)));
  errno = 0; printf("recv unconnected: %s\n", R(recv(fresh, &a, 1, MSG_DONTWAIT)));
  errno = 0; printf("send unconnected: %s\n", R(send(fresh, "x", 1, MSG_NOSIGNAL)));
  int t, p, d; socklen_t il = sizeof t;
  getsockopt(fresh, SOL_SOCKET, SO_TYPE, &t, &il); getsockopt(fresh, SOL_SOCKET, SO_PROTOCOL, &p, &il); getsockopt(fresh, SOL_SOCKET, SO_DOMAIN, &d, &il);
  printf("SO_TYPE %d SO_PROTOCOL %d SO_DOMAIN %d\n", t, p, d);
  struct ucred pc; socklen_t pcl = sizeof pc;
  printf("SO_PEERCRED: %s pid %d uid %d gid %d\n", R(getsockopt(fresh, SOL_SOCKET, SO_PEERCRED, &pc, &pcl)), pc.pid, (int)pc.uid, (int)pc.gid);
  int one = 1; setsockopt(fresh, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int nd = 0; getsockopt(fresh, IPPROTO_TCP, TCP_NODELAY, &nd, &il); printf("TCP_NODELAY %d\n", nd);
  close(fresh);

  int s = listener4(), port = portOf(s);
  printf("listener port ephemeral: %d\n", port >= 32768 && port <= 60999);
  int acc; getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &acc, &il); printf("SO_ACCEPTCONN %d\n", acc);
  printf("listener poll idle: %s\n", bits(s));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to = v4("127.0.0.1", port);
  printf("connect: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  errno = 0; printf("connect again: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  printf("listener poll with one waiting: %s\n", bits(s));
  struct sockaddr_in peer; socklen_t pl = sizeof peer;
  int sv = accept4(s, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK);
  struct sockaddr_in cn; socklen_t cl = sizeof cn; getsockname(c, (struct sockaddr *)&cn, &cl);
  printf("accept4: %s len %u, peer is the client's name %d, nonblock %d\n", R(sv), (unsigned)pl,
         peer.sin_port == cn.sin_port && peer.sin_addr.s_addr == cn.sin_addr.s_addr, !!(fcntl(sv, F_GETFL) & O_NONBLOCK));
  printf("client poll: %s\n", bits(c));
  send(c, "hello", 5, 0); send(c, " world", 6, 0);
  char b[32] = { 0 };
  printf("peek %ld [%s]\n", (long)recv(sv, b, sizeof b, MSG_PEEK), b);
  memset(b, 0, sizeof b);
  printf("recv %ld [%s]\n", (long)recv(sv, b, sizeof b, 0), b);
  errno = 0; printf("recv empty nonblocking: %s\n", R(recv(sv, b, sizeof b, 0)));
  errno = 0; printf("recv MSG_DONTWAIT on blocking: %s\n", R(recv(c, b, sizeof b, MSG_DONTWAIT)));
  if (fork() == 0) { usleep(20000); send(sv, "ab", 2, 0); usleep(20000); send(sv, "cd", 2, 0); _exit(0); }
  memset(b, 0, sizeof b);
  printf("MSG_WAITALL: %ld [%s]\n", (long)recv(c, b, 4, MSG_WAITALL), b);
  wait(0);
  printf("shutdown SHUT_WR: %s\n", R(shutdown(c, SHUT_WR)));
  printf("server recv after SHUT_WR: %ld, poll %s\n", (long)recv(sv, b, sizeof b, 0), bits(sv));
  errno = 0; printf("send after SHUT_WR: %s\n", R(send(c, "x", 1, MSG_NOSIGNAL)));
  send(sv, "back", 4, 0);
  memset(b, 0, sizeof b);
  printf("half-closed client still reads: %ld [%s]\n", (long)recv(c, b, sizeof b, 0), b);
  close(sv);
  printf("client after the server closed: recv %ld, poll %s\n", (long)recv(c, b, sizeof b, 0), bits(c));
  close(c);

  /* EPIPE after the peer has gone: the first write is answered by a reset */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&to, sizeof to);
  sv = accept(s, 0, 0);
  close(sv);
  signal(SIGPIPE, SIG_IGN);
  errno = 0; printf("write 1 to a closed peer: %s\n", R(write(c, "x", 1)));
  errno = 0; printf("write 2: %s\n", R(write(c, "x", 1)));
  close(c);
  /* a close with unread data resets the connection */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&to, sizeof to);
  sv = accept(s, 0, 0);
  send(c, "unread", 6, 0);
  close(sv);
  printf("after a reset: poll %s\n", bits(c));
  errno = 0; printf("recv after a reset: %s\n", R(recv(c, b, sizeof b, 0)));
  errno = 0; printf("recv again: %ld\n", (long)recv(c, b, sizeof b, 0));
  close(c);

  /* non-blocking connect */
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  errno = 0; printf("non-blocking connect: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u32 = 1 }, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
  int n = epoll_wait(ep, &out, 1, 1000);
  int err = -1; il = sizeof err; getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &il);
  printf("epoll: %d events %x, SO_ERROR %d\n", n, out.events, err);
  errno = 0; printf("connect after it completed: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  sv = accept(s, 0, 0);
  close(sv); close(c); close(ep);
  close(s);

  /* nobody listening */
  c = socket(AF_INET, SOCK_STREAM, 0);
  errno = 0; printf("connect to a closed port: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  close(c);
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  errno = 0; printf("non-blocking connect to a closed port: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  struct pollfd pf = { c, POLLOUT, 0 };
  poll(&pf, 1, 1000);
  printf("poll: %s\n", bits(c));
  err = -1; getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &il);
  printf("SO_ERROR %s, then poll %s\n", en(err), bits(c));
  close(c);
}

static void binding(void) {
  int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in x = v4("127.0.0.1", 0);
  bind(a, (struct sockaddr *)&x, sizeof x);
  x.sin_port = htons(portOf(a));
  errno = 0; printf("bind a taken port: %s\n", R(bind(b, (struct sockaddr *)&x, sizeof x)));
  struct sockaddr_in any = v4("0.0.0.0", portOf(a));
  errno = 0; printf("bind the wildcard on it: %s\n", R(bind(b, (struct sockaddr *)&any, sizeof any)));
  struct sockaddr_in other = v4("127.0.0.2", portOf(a));
  errno = 0; printf("bind 127.0.0.2 on it: %s\n", R(bind(b, (struct sockaddr *)&other, sizeof other)));
  close(b);
  errno = 0; printf("bind again: %s\n", R(bind(a, (struct sockaddr *)&x, sizeof x)));
  close(a);
  int on = 1;
  a = socket(AF_INET, SOCK_STREAM, 0); b = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on); setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  x.sin_port = 0; bind(a, (struct sockaddr *)&x, sizeof x); x.sin_port = htons(portOf(a));
  printf("SO_REUSEADDR both: %s\n", R(bind(b, (struct sockaddr *)&x, sizeof x)));
  printf("listen a: %s\n", R(listen(a, 1)));
  errno = 0; printf("listen b: %s\n", R(listen(b, 1)));
  close(a); close(b);
  a = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in far = v4("10.1.2.3", 0);
  errno = 0; printf("bind a non-local address: %s\n", R(bind(a, (struct sockaddr *)&far, sizeof far)));
  errno = 0; printf("bind short: %s\n", R(bind(a, (struct sockaddr *)&x, 8)));
  struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
  errno = 0; printf("bind AF_INET6 address to AF_INET: %s\n", R(bind(a, (struct sockaddr *)&six, sizeof six)));
  errno = 0; printf("listen unbound: %s, bound %d\n", R(listen(a, 1)), portOf(a) >= 32768);
  close(a);
}

static void six(void) {
  int s = socket(AF_INET6, SOCK_STREAM, 0), v = -1; socklen_t l = sizeof v;
  getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l);
  printf("IPV6_V6ONLY default %d\n", v);
  struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
  printf("bind [::]:0: %s\n", R(bind(s, (struct sockaddr *)&a, sizeof a)));
  listen(s, 4);
  int port = portOf(s);
  int c4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to4 = v4("127.0.0.1", port);
  printf("AF_INET connect to the v6 listener: %s\n", R(connect(c4, (struct sockaddr *)&to4, sizeof to4)));
  struct sockaddr_in6 peer; socklen_t pl = sizeof peer;
  int sv = accept(s, (struct sockaddr *)&peer, &pl);
  char txt[64]; inet_ntop(AF_INET6, &peer.sin6_addr, txt, sizeof txt);
  printf("accepted: len %u family %d peer %s\n", (unsigned)pl, peer.sin6_family, txt);
  struct sockaddr_in6 me; socklen_t ml = sizeof me; getsockname(sv, (struct sockaddr *)&me, &ml);
  inet_ntop(AF_INET6, &me.sin6_addr, txt, sizeof txt);
  printf("accepted socket's own name: %s\n", txt);
  close(sv); close(c4);
  int c6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 to6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = htons(port) };
  printf("connect [::1]: %s\n", R(connect(c6, (struct sockaddr *)&to6, sizeof to6)));
  sv = accept(s, (struct sockaddr *)&peer, &pl);
  inet_ntop(AF_INET6, &peer.sin6_addr, txt, sizeof txt);
  printf("peer %s\n", txt);
  close(sv); close(c6); close(s);
  s = socket(AF_INET6, SOCK_STREAM, 0);
  int on = 1;
  printf("IPV6_V6ONLY set: %s\n", R(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on)));
  bind(s, (struct sockaddr *)&a, sizeof a); listen(s, 4);
  errno = 0; printf("IPV6_V6ONLY after bind: %s\n", R(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on)));
  c4 = socket(AF_INET, SOCK_STREAM, 0);
  to4.sin_port = htons(portOf(s));
  errno = 0; printf("AF_INET connect to a v6-only listener: %s\n", R(connect(c4, (struct sockaddr *)&to4, sizeof to4)));
  close(c4); close(s);
  errno = 0; printf("IPV6_V6ONLY on AF_INET: %s\n", R(setsockopt(c4 = socket(AF_INET, SOCK_STREAM, 0), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on)));
  close(c4);
}

static void udp(void) {
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in x = v4("127.0.0.1", 0);
  bind(b, (struct sockaddr *)&x, sizeof x);
  struct sockaddr_in to = v4("127.0.0.1", portOf(b));
  printf("sendto: %ld, then %ld\n", (long)sendto(a, "first", 5, 0, (struct sockaddr *)&to, sizeof to), (long)sendto(a, "2nd", 3, 0, (struct sockaddr *)&to, sizeof to));
  printf("sender autobound: %d\n", portOf(a) >= 32768);
  char buf[16] = { 0 }; struct sockaddr_in from; socklen_t fl = sizeof from;
  long n = recvfrom(b, buf, 3, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom 3 of 5: %ld [%.3s] from len %u, is the sender %d\n", n, buf, (unsigned)fl, ntohs(from.sin_port) == portOf(a));
  memset(buf, 0, sizeof buf);
  printf("next: %ld [%s]\n", (long)recv(b, buf, sizeof buf, MSG_TRUNC), buf);
  errno = 0; printf("empty: %s\n", R(recv(b, buf, sizeof buf, 0)));
  errno = 0; printf("send unconnected: %s\n", R(send(a, "x", 1, 0)));
  struct sockaddr_in nobody = v4("127.0.0.1", portOf(b));
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  printf("connect: %s\n", R(connect(c, (struct sockaddr *)&to, sizeof to)));
  struct sockaddr_in pn; socklen_t pnl = sizeof pn;
  printf("getpeername: %s\n", R(getpeername(c, (struct sockaddr *)&pn, &pnl)));
  printf("send connected: %ld\n", (long)send(c, "conn", 4, 0));
  printf("got %ld\n", (long)recv(b, buf, sizeof buf, 0));
  /* a connected socket takes datagrams from its peer only */
  struct sockaddr_in cme = v4("127.0.0.1", portOf(c));
  sendto(a, "stranger", 8, 0, (struct sockaddr *)&cme, sizeof cme);
  sendto(b, "peer", 4, 0, (struct sockaddr *)&cme, sizeof cme);
  memset(buf, 0, sizeof buf);
  printf("connected recv: %ld [%s]\n", (long)recv(c, buf, sizeof buf, 0), buf);
  close(b);
  printf("send to the closed port: %ld\n", (long)send(c, "x", 1, 0));
  errno = 0; printf("next recv: %s\n", R(recv(c, buf, sizeof buf, MSG_DONTWAIT)));
  errno = 0; printf("then: %s\n", R(recv(c, buf, sizeof buf, MSG_DONTWAIT)));
  (void)nobody;
  struct sockaddr_in un = { .sin_family = AF_UNSPEC };
  printf("connect AF_UNSPEC: %s\n", R(connect(c, (struct sockaddr *)&un, sizeof un)));
  errno = 0; printf("getpeername after: %s\n", R(getpeername(c, (struct sockaddr *)&pn, &pnl)));
  errno = 0; printf("shutdown unconnected UDP: %s\n", R(shutdown(a, SHUT_RDWR)));
  static char big[70000];
  errno = 0; printf("sendto 70000 bytes: %s\n", R(sendto(a, big, sizeof big, 0, (struct sockaddr *)&to, sizeof to)));
  close(a); close(c);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  tcp();
  binding();
  six();
  udp();
  return 0;
}
