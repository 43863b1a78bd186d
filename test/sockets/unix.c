/* AF_UNIX sockets by name (unix(7)): socket(2) with its flags, bind to a path
   (a socket inode: S_IFSOCK, EADDRINUSE, unlink) and to an abstract name,
   autobind, listen/accept/connect (blocking, non-blocking, readiness of the
   listener), datagrams with addresses, the names getsockname/getpeername
   report, SCM_RIGHTS, SCM_CREDENTIALS, SO_PEERCRED and the common options.
   Prints facts only, so qemu-riscv64 (the host kernel) prints the same. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

static socklen_t mk(struct sockaddr_un *a, const char *path) {
  memset(a, 0, sizeof *a); a->sun_family = AF_UNIX; strcpy(a->sun_path, path);
  return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}
static socklen_t mkabs(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a); a->sun_family = AF_UNIX; strcpy(a->sun_path + 1, name);
  return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}
static void names(const char *what, int fd) {
  struct sockaddr_un a; socklen_t l = sizeof a;
  memset(&a, 0x55, sizeof a);
  int r = getsockname(fd, (struct sockaddr *)&a, &l);
  printf("%s: getsockname %s len %u", what, R(r), (unsigned)l);
  if (r == 0 && l > 2) printf(" %s", a.sun_path[0] ? a.sun_path : "(abstract)");
  l = sizeof a;
  r = getpeername(fd, (struct sockaddr *)&a, &l);
  printf(", getpeername %s", R(r));
  if (r == 0) { printf(" len %u", (unsigned)l); if (l > 2) printf(" %s", a.sun_path[0] ? a.sun_path : "(abstract)"); }
  printf("\n");
}

static void creation(void) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  printf("socket stream: %s, O_NONBLOCK %d, FD_CLOEXEC %d\n", R(s), !!(fcntl(s, F_GETFL) & O_NONBLOCK), !!(fcntl(s, F_GETFD) & FD_CLOEXEC));
  int t, d, pr; socklen_t l = sizeof t;
  getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &l); getsockopt(s, SOL_SOCKET, SO_DOMAIN, &d, &l); getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &pr, &l);
  printf("SO_TYPE %d SO_DOMAIN %d SO_PROTOCOL %d\n", t, d, pr);
  struct stat st; fstat(s, &st);
  printf("fstat: S_ISSOCK %d\n", S_ISSOCK(st.st_mode));
  close(s);
  errno = 0; printf("socket(AF_UNIX, stream, 7): %s\n", R(socket(AF_UNIX, SOCK_STREAM, 7)));
  errno = 0; printf("socket(1234, stream): %s\n", R(socket(1234, SOCK_STREAM, 0)));
  errno = 0; printf("socket(AF_INET, seqpacket): %s\n", R(socket(AF_INET, SOCK_SEQPACKET, 0)));
  errno = 0; printf("socket(AF_INET, stream, udp): %s\n", R(socket(AF_INET, SOCK_STREAM, 17)));
}

static void paths(void) {
  struct sockaddr_un a; socklen_t l = mk(&a, "srv.sock");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  names("unbound", s);
  printf("bind srv.sock: %s\n", R(bind(s, (struct sockaddr *)&a, l)));
  struct stat st;
  printf("stat: %s S_ISSOCK %d perms %o\n", R(stat("srv.sock", &st)), S_ISSOCK(st.st_mode), st.st_mode & 0777);
  errno = 0; printf("bind again: %s\n", R(bind(s, (struct sockaddr *)&a, l)));
  int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0; printf("bind taken path: %s\n", R(bind(s2, (struct sockaddr *)&a, l)));
  errno = 0; printf("open socket inode: %s\n", R(open("srv.sock", O_RDONLY)));
  errno = 0; printf("connect before listen: %s\n", R(connect(s2, (struct sockaddr *)&a, l)));
  errno = 0; printf("listen: %s\n", R(listen(s, 1)));
  names("listener", s);
  int sd = socket(AF_UNIX, SOCK_DGRAM, 0);
  errno = 0; printf("dgram connect to a stream listener: %s\n", R(connect(sd, (struct sockaddr *)&a, l)));
  printf("connect: %s\n", R(connect(s2, (struct sockaddr *)&a, l)));
  names("client", s2);
  errno = 0; printf("connect again: %s\n", R(connect(s2, (struct sockaddr *)&a, l)));
  struct sockaddr_un from; socklen_t fl = sizeof from;
  int c = accept(s, (struct sockaddr *)&from, &fl);
  printf("accept: %s addrlen %u\n", R(c), (unsigned)fl);
  names("accepted", c);
  write(s2, "hello", 5);
  char b[16] = { 0 };
  printf("read %ld [%s]\n", (long)read(c, b, sizeof b), b);
  int ac; socklen_t al = sizeof ac;
  getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &ac, &al);
  int ac2; getsockopt(c, SOL_SOCKET, SO_ACCEPTCONN, &ac2, &al);
  printf("SO_ACCEPTCONN listener %d accepted %d\n", ac, ac2);
  struct ucred cr; socklen_t cl = sizeof cr;
  getsockopt(s2, SOL_SOCKET, SO_PEERCRED, &cr, &cl);
  printf("SO_PEERCRED: len %u pid is mine %d uid %u\n", (unsigned)cl, cr.pid == getpid(), cr.uid);
  close(c); close(s2);
  errno = 0; printf("connect missing path: %s\n", R(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&(struct sockaddr_un){ AF_UNIX, "nope.sock" }, sizeof(struct sockaddr_un))));
  close(s);
  int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0; printf("connect after the listener closed: %s\n", R(connect(s3, (struct sockaddr *)&a, l)));
  printf("unlink: %s, stat after: %s\n", R(unlink("srv.sock")), R(stat("srv.sock", &st)));
  errno = 0; printf("connect after unlink: %s\n", R(connect(s3, (struct sockaddr *)&a, l)));
  l = mk(&a, "nodir/x.sock");
  errno = 0; printf("bind in a missing directory: %s\n", R(bind(s3, (struct sockaddr *)&a, l)));
  errno = 0; printf("bind short address: %s\n", R(bind(s3, (struct sockaddr *)&a, 1)));
  a.sun_family = AF_INET;
  errno = 0; printf("bind AF_INET address: %s\n", R(bind(s3, (struct sockaddr *)&a, l)));
  errno = 0; printf("listen unbound: %s\n", R(listen(s3, 1)));
  close(s3); close(sd);
}

static void backlog(void) {
  char name[64]; snprintf(name, sizeof name, "lde-test-%d", getpid());
  struct sockaddr_un a; socklen_t l = mkabs(&a, name);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  printf("bind abstract: %s\n", R(bind(s, (struct sockaddr *)&a, l)));
  socklen_t al0 = sizeof a; struct sockaddr_un got0;
  getsockname(s, (struct sockaddr *)&got0, &al0);
  printf("abstract name: len is 2 + 1 + strlen %d, same bytes %d\n", al0 == l, memcmp(&got0, &a, l) == 0);
  int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0; printf("bind same abstract: %s\n", R(bind(s2, (struct sockaddr *)&a, l)));
  listen(s, 1);
  errno = 0; printf("accept nothing waiting: %s\n", R(accept(s, 0, 0)));
  struct pollfd p = { s, POLLIN | POLLOUT, 0 };
  printf("listener poll idle: %d %x\n", poll(&p, 1, 0), p.revents);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = 9 }, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  int c[4];
  for (int i = 0; i < 4; i++) {
    c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0; printf("nonblocking connect %d: %s\n", i, R(connect(c[i], (struct sockaddr *)&a, l)));
  }
  printf("listener poll: %d %x\n", poll(&p, 1, 0), p.revents);
  printf("epoll: %d data %u\n", epoll_wait(ep, &out, 1, 0), out.data.u32);
  printf("epoll again (edge): %d\n", epoll_wait(ep, &out, 1, 0));
  int n = 0;
  while (accept4(s, 0, 0, SOCK_CLOEXEC) >= 0) n++;
  printf("accepted %d, then %s\n", n, en(errno));
  for (int i = 0; i < 4; i++) close(c[i]);
  /* a blocking accept woken by a child's connect */
  int fl = fcntl(s, F_GETFL); fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
  if (fork() == 0) { usleep(20000); int k = socket(AF_UNIX, SOCK_STREAM, 0); connect(k, (struct sockaddr *)&a, l); write(k, "late", 4); _exit(0); }
  int k = accept(s, 0, 0);
  char b[8] = { 0 };
  printf("blocking accept: %s, read %ld [%s]\n", R(k), (long)read(k, b, sizeof b - 1), b);
  wait(0);
  close(k); close(s); close(s2); close(ep);
  s = socket(AF_UNIX, SOCK_DGRAM, 0);
  printf("autobind: %s\n", R(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t))));
  struct sockaddr_un got; socklen_t gl = sizeof got;
  getsockname(s, (struct sockaddr *)&got, &gl);
  printf("autobind name: len %u abstract %d\n", (unsigned)gl, got.sun_path[0] == 0);
  close(s);
}

static void datagrams(void) {
  struct sockaddr_un a, b; socklen_t la = mk(&a, "d1.sock"), lb = mk(&b, "d2.sock");
  int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  bind(s1, (struct sockaddr *)&a, la); bind(s2, (struct sockaddr *)&b, lb);
  printf("sendto d2: %ld\n", (long)sendto(s1, "one", 3, 0, (struct sockaddr *)&b, lb));
  int anon = socket(AF_UNIX, SOCK_DGRAM, 0);
  printf("sendto d2 from unbound: %ld\n", (long)sendto(anon, "two", 3, 0, (struct sockaddr *)&b, lb));
  char buf[16]; struct sockaddr_un from; socklen_t fl;
  for (int i = 0; i < 3; i++) {
    memset(buf, 0, sizeof buf); fl = sizeof from; memset(&from, 0, sizeof from);
    errno = 0;
    long n = recvfrom(s2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("recvfrom: %ld [%s] from len %u %s\n", n, n > 0 ? buf : en(errno), (unsigned)fl, n > 0 && fl > 2 ? from.sun_path : "-");
  }
  errno = 0; printf("send unconnected: %s\n", R(send(s1, "x", 1, 0)));
  errno = 0; printf("sendto missing: %s\n", R(sendto(s1, "x", 1, 0, (struct sockaddr *)&(struct sockaddr_un){ AF_UNIX, "none.sock" }, sizeof(struct sockaddr_un))));
  printf("connect dgram: %s\n", R(connect(s1, (struct sockaddr *)&b, lb)));
  names("connected dgram", s1);
  printf("send connected: %ld\n", (long)send(s1, "three", 5, 0));
  fl = sizeof from;
  long n = recvfrom(s2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("got %ld from %s\n", n, from.sun_path);
  int st = socket(AF_UNIX, SOCK_STREAM, 0);
  errno = 0; printf("stream sendto unconnected: %s\n", R(sendto(st, "x", 1, 0, (struct sockaddr *)&b, lb)));
  errno = 0; printf("stream send unconnected: %s\n", R(send(st, "x", 1, MSG_NOSIGNAL)));
  errno = 0; printf("stream recv unconnected: %s\n", R(recv(st, buf, 1, MSG_DONTWAIT)));
  close(s2);
  errno = 0; printf("send to closed peer: %s\n", R(send(s1, "x", 1, 0)));
  errno = 0; printf("send again: %s\n", R(send(s1, "x", 1, 0)));
  close(s1); close(anon); close(st);
  unlink("d1.sock"); unlink("d2.sock");
}

static void rights(void) {
  int sv[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  int pp[2]; pipe(pp);
  char c = 'R'; struct iovec iov = { &c, 1 };
  union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } u;
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = CMSG_SPACE(2 * sizeof(int)) };
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(2 * sizeof(int));
  memcpy(CMSG_DATA(h), pp, 2 * sizeof(int));
  printf("sendmsg 2 fds: %ld\n", (long)sendmsg(sv[0], &m, 0));
  close(pp[0]); close(pp[1]);
  union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } r;
  char got = 0; struct iovec riov = { &got, 1 };
  struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = r.b, .msg_controllen = sizeof r.b };
  printf("recvmsg: %ld [%c] flags %x controllen %lu\n", (long)recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC), got, rm.msg_flags, (unsigned long)rm.msg_controllen);
  struct cmsghdr *rh = CMSG_FIRSTHDR(&rm);
  int fds[2]; memcpy(fds, CMSG_DATA(rh), sizeof fds);
  printf("cmsg level %d type %d len %lu, cloexec %d\n", rh->cmsg_level, rh->cmsg_type, (unsigned long)rh->cmsg_len, !!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC));
  write(fds[1], "through", 7);
  char b[16] = { 0 };
  printf("pipe through passed fds: %ld [%s]\n", (long)read(fds[0], b, sizeof b), b);
  /* a control buffer with room for one descriptor of two (Linux: the other is closed and MSG_CTRUNC set; qemu-riscv64 hands
     the host a larger buffer, so only the length is compared here) */
  int p2[2]; pipe(p2);
  memcpy(CMSG_DATA(h), p2, 2 * sizeof(int));
  sendmsg(sv[0], &m, 0);
  close(p2[0]);
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } small;
  rm.msg_control = small.b; rm.msg_controllen = CMSG_LEN(sizeof(int));
  printf("recvmsg small: %ld controllen %lu\n", (long)recvmsg(sv[1], &rm, 0), (unsigned long)rm.msg_controllen);
  int only; memcpy(&only, CMSG_DATA(CMSG_FIRSTHDR(&rm)), sizeof only);
  signal(SIGPIPE, SIG_IGN);
  errno = 0; printf("write to p2 (its reader came through): %s\n", R(write(p2[1], "x", 1)));
  /* never received: the passed descriptions are closed with the socket */
  int p3[2]; pipe(p3);
  memcpy(CMSG_DATA(h), p3, sizeof(int)); h->cmsg_len = CMSG_LEN(sizeof(int)); m.msg_controllen = CMSG_SPACE(sizeof(int));
  sendmsg(sv[0], &m, 0);
  close(p3[0]);
  errno = 0; printf("write while in flight: %s\n", R(write(p3[1], "x", 1)));
  close(sv[1]);
  errno = 0; printf("write after the socket closed: %s\n", R(write(p3[1], "x", 1)));
  /* errors */
  int bad = 999;
  memcpy(CMSG_DATA(h), &bad, sizeof bad);
  errno = 0; printf("sendmsg bad fd: %s\n", R(sendmsg(sv[0], &m, 0)));
  close(sv[0]);
}

static void credentials(void) {
  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int on = 1;
  printf("SO_PASSCRED: %s\n", R(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on)));
  write(sv[0], "c", 1);
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred))]; } r;
  char got; struct iovec iov = { &got, 1 };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = r.b, .msg_controllen = sizeof r.b };
  printf("recvmsg: %ld controllen %lu\n", (long)recvmsg(sv[1], &m, 0), (unsigned long)m.msg_controllen);
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  struct ucred cr; memcpy(&cr, CMSG_DATA(h), sizeof cr);
  printf("cmsg type %d, pid is mine %d, uid %u gid %u\n", h->cmsg_type, cr.pid == getpid(), cr.uid, cr.gid);
  struct ucred pc; socklen_t l = sizeof pc;
  getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &pc, &l);
  printf("SO_PEERCRED socketpair: pid is mine %d\n", pc.pid == getpid());
  close(sv[0]); close(sv[1]);
}

static void options(void) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0), v; socklen_t l = sizeof v;
  getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &l); printf("SO_SNDBUF %d\n", v);
  v = 10000; setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
  getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &l); printf("SO_SNDBUF after 10000: %d\n", v);
  v = 1; setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
  getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l); printf("SO_RCVBUF after 1: %d\n", v);
  v = 1; printf("SO_REUSEADDR: %s", R(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v)));
  getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &l); printf(" -> %d\n", v);
  v = 1; setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
  getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &l); printf("SO_KEEPALIVE -> %d\n", v);
  struct linger lg = { 1, 5 }; socklen_t ll = sizeof lg;
  printf("SO_LINGER: %s", R(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg)));
  memset(&lg, 0, sizeof lg); getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &ll); printf(" -> %d %d len %u\n", lg.l_onoff, lg.l_linger, (unsigned)ll);
  getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &l); printf("SO_ERROR %d\n", v);
  errno = 0; printf("unknown option: %s\n", R(getsockopt(s, SOL_SOCKET, 9999, &v, &l)));
  errno = 0; printf("TCP level on AF_UNIX: %s\n", R(getsockopt(s, 6, 1, &v, &l)));
  errno = 0; printf("short setsockopt: %s\n", R(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2)));
  short sv16; socklen_t sl = sizeof sv16;
  printf("short getsockopt SO_TYPE: %s len %u\n", R(getsockopt(s, SOL_SOCKET, SO_TYPE, &sv16, &sl)), (unsigned)sl);
  /* SO_RCVTIMEO really times out */
  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  struct timeval tv = { 0, 200000 }, back; socklen_t tl = sizeof back;
  printf("SO_RCVTIMEO: %s", R(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)));
  getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &tl); printf(" -> %ld.%06ld\n", (long)back.tv_sec, (long)back.tv_usec);
  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
  char c; errno = 0; long n = read(sv[0], &c, 1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("read with SO_RCVTIMEO: %ld %s, waited at least 200 ms: %d\n", n, en(errno), ms >= 200);
  tv.tv_usec = 2000000;
  errno = 0; printf("SO_SNDTIMEO bad usec: %s\n", R(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv)));
  close(s); close(sv[0]); close(sv[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/lde-sock-XXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) { perror("mkdtemp"); return 1; }
  creation();
  paths();
  backlog();
  datagrams();
  rights();
  credentials();
  options();
  chdir("/"); rmdir(dir);
  return 0;
}
