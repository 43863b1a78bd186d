/*
 * lde's vDSO: the calls a riscv64 Linux program may make without entering
 * the kernel. The time calls read the time CSR (rdtime, allowed in U-mode by
 * scounteren.TM) and the data page (vdso.h) under its sequence count; every
 * clock or case they cannot serve falls back to the ecall, as on Linux.
 */
#include "vdso.h"
#include <syscall.h> /* user/lib: lde_syscallN and the SYS_* numbers */

struct timespec64 { int64_t tv_sec; int64_t tv_nsec; };
struct timeval64 { int64_t tv_sec; int64_t tv_usec; };
struct timezone32 { int32_t tz_minuteswest; int32_t tz_dsttime; };

#define NSEC_PER_SEC 1000000000ull
#define VDSO_EXPORT __attribute__((visibility("default")))

/* Defined by the linker script: the data page, one page below the text. */
extern const struct lde_vdso_data lde_vdso_data __attribute__((visibility("hidden")));

/*
 * CLOCK_MONOTONIC in ns, and the realtime offset, read consistently: retry
 * while the kernel is writing (seq odd) or wrote meanwhile (seq moved).
 * Returns 0, or -1 when the counter may not be used.
 */
static inline __attribute__((always_inline)) int read_base(uint64_t *mono, uint64_t *rsec, uint64_t *rnsec)
{
  const volatile struct lde_vdso_data *d = &lde_vdso_data;
  for (;;) {
    uint32_t seq = d->seq;
    if (seq & 1)
      continue;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (!d->clock_ok)
      return -1;
    uint64_t now;
    __asm__ volatile("rdtime %0" : "=r"(now));
    int64_t delta = (int64_t)(now - d->cycle_last);
    if (delta < 0)
      delta = 0;
    *mono = d->mono_ns + (((uint64_t)delta * d->mult) >> d->shift);
    *rsec = d->real_sec;
    *rnsec = d->real_nsec;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (d->seq == seq)
      return 0;
  }
}

/* The clocks served here: REALTIME (0), MONOTONIC (1), MONOTONIC_RAW (4), the coarse ones (5, 6), BOOTTIME (7). */
static int is_realtime(long clk) { return clk == 0 || clk == 5; }
static int served(long clk) { return clk == 0 || clk == 1 || (clk >= 4 && clk <= 7); }

static inline __attribute__((always_inline)) int now_in(long clk, struct timespec64 *ts)
{
  uint64_t mono, rsec, rnsec;
  if (read_base(&mono, &rsec, &rnsec) < 0)
    return -1;
  uint64_t sec = mono / NSEC_PER_SEC, nsec = mono % NSEC_PER_SEC;
  if (is_realtime(clk)) {
    sec += rsec;
    nsec += rnsec;
    if (nsec >= NSEC_PER_SEC) {
      nsec -= NSEC_PER_SEC;
      sec++;
    }
  }
  ts->tv_sec = (int64_t)sec;
  ts->tv_nsec = (int64_t)nsec;
  return 0;
}

VDSO_EXPORT int __vdso_clock_gettime(long clk, struct timespec64 *ts)
{
  if (served(clk) && now_in(clk, ts) == 0)
    return 0;
  return (int)lde_syscall2(SYS_clock_gettime, clk, (long)ts);
}

VDSO_EXPORT int __vdso_gettimeofday(struct timeval64 *tv, struct timezone32 *tz)
{
  struct timespec64 ts;
  if (now_in(0, &ts) < 0)
    return (int)lde_syscall2(SYS_gettimeofday, (long)tv, (long)tz);
  if (tv) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  if (tz) {
    tz->tz_minuteswest = 0;
    tz->tz_dsttime = 0;
  }
  return 0;
}

/* Every clock lde knows ticks in nanoseconds; others (and bad ones) get the kernel's answer. */
VDSO_EXPORT int __vdso_clock_getres(long clk, struct timespec64 *res)
{
  if (!served(clk))
    return (int)lde_syscall2(SYS_clock_getres, clk, (long)res);
  if (res) {
    res->tv_sec = 0;
    res->tv_nsec = 1;
  }
  return 0;
}

/* The hart is the kernel's to know: the ecall, as Linux's riscv64 vDSO does. */
VDSO_EXPORT int __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
  return (int)lde_syscall3(SYS_getcpu, (long)cpu, (long)node, (long)cache);
}

struct riscv_hwprobe { int64_t key; uint64_t value; };

/*
 * The answers for every hart come from the data page, which the kernel
 * filled at boot; a key it did not fill is unknown: key -1, value 0, as from
 * the system call. A CPU set or flags (RISCV_HWPROBE_WHICH_CPUS) take the
 * ecall, as in Linux's vDSO when it cannot tell that the harts are alike.
 */
VDSO_EXPORT int __vdso_riscv_hwprobe(struct riscv_hwprobe *pairs, unsigned long count, unsigned long cpusetsize,
                                     void *cpus, unsigned flags)
{
  const volatile struct lde_vdso_data *d = &lde_vdso_data;
  uint32_t known = d->hwprobe_keys;
  if (flags != 0 || cpusetsize != 0 || cpus != 0 || known == 0)
    return (int)lde_syscall5(SYS_riscv_hwprobe, (long)pairs, (long)count, (long)cpusetsize, (long)cpus, flags);
  for (unsigned long i = 0; i < count; i++) {
    uint64_t key = (uint64_t)pairs[i].key;
    if (key < known) {
      pairs[i].value = d->hwprobe[key];
    } else {
      pairs[i].key = -1;
      pairs[i].value = 0;
    }
  }
  return 0;
}
