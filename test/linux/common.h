/* Shared helpers for the test/linux corpus.  Every program prints only
   deterministic facts: no addresses, pids, timings or host-specific values. */
#ifndef LDE_TEST_COMMON_H
#define LDE_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>

/* The symbolic name of an errno value, so expected files read "EPIPE", not 32. */
static inline const char *errname(int e) {
  switch (e) {
  case 0: return "OK";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ESRCH: return "ESRCH";
  case EINTR: return "EINTR";
  case EIO: return "EIO";
  case EBADF: return "EBADF";
  case ECHILD: return "ECHILD";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EINVAL: return "EINVAL";
  case ESPIPE: return "ESPIPE";
  case EROFS: return "EROFS";
  case EPIPE: return "EPIPE";
  case ERANGE: return "ERANGE";
  case ENOSYS: return "ENOSYS";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  case ELOOP: return "ELOOP";
  case EBUSY: return "EBUSY";
  case EXDEV: return "EXDEV";
  case ENOSPC: return "ENOSPC";
  case EFBIG: return "EFBIG";
  case ENXIO: return "ENXIO";
  case EMLINK: return "EMLINK";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case EDEADLK: return "EDEADLK";
  case ENOTSOCK: return "ENOTSOCK";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case ENOTCONN: return "ENOTCONN";
  case EISCONN: return "EISCONN";
  default: return "E?";
  }
}

/* "ok" or the errno name of a call that returned r (0 or more is success). */
#define RES(r) ((r) >= 0 ? "ok" : errname(errno))

/* 64-bit FNV-1a over a byte range: the checksum every program uses. */
static inline unsigned long fnv1a(const void *p, unsigned long n, unsigned long h) {
  const unsigned char *b = (const unsigned char *)p;
  for (unsigned long i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3UL;
  return h;
}
#define FNV_INIT 0xcbf29ce484222325UL

#endif
