/* The errno names the socket test programs print, and R(x): "ok" or the name of errno after a call. */
#include <errno.h>
#include <stdio.h>

static const char *en(int e) {
  switch (e) {
  case 0: return "ok"; case EAGAIN: return "EAGAIN"; case EINVAL: return "EINVAL"; case EADDRINUSE: return "EADDRINUSE";
  case ECONNREFUSED: return "ECONNREFUSED"; case ENOENT: return "ENOENT"; case EISCONN: return "EISCONN"; case ENOTCONN: return "ENOTCONN";
  case EOPNOTSUPP: return "EOPNOTSUPP"; case EPROTOTYPE: return "EPROTOTYPE"; case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT"; case EPROTONOSUPPORT: return "EPROTONOSUPPORT"; case ENXIO: return "ENXIO";
  case EROFS: return "EROFS"; case EPIPE: return "EPIPE"; case EBADF: return "EBADF"; case ENOTSOCK: return "ENOTSOCK";
  case EDESTADDRREQ: return "EDESTADDRREQ"; case ENOPROTOOPT: return "ENOPROTOOPT"; case EACCES: return "EACCES";
  case EINPROGRESS: return "EINPROGRESS"; case EADDRNOTAVAIL: return "EADDRNOTAVAIL"; case ECONNRESET: return "ECONNRESET";
  case EMSGSIZE: return "EMSGSIZE"; case ENETUNREACH: return "ENETUNREACH";
  default: { static char b[32]; snprintf(b, sizeof b, "errno %d", e); return b; }
  }
}
#define R(x) ((x) < 0 ? en(errno) : "ok")
