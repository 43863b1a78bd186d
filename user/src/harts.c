/* harts: threads on several harts (lde run --smp N), made with raw clone.
 *
 *   harts par T W      T threads each run W xorshift rounds on their own
 *                      data (embarrassingly parallel); prints the checksum
 *   harts lock T W     T threads each add 1 to one counter W times under a
 *                      futex mutex (lock contention); prints the total
 *   harts percpu T W   the same count kept in per-thread counters, summed
 *   harts amo T W      T threads amoadd.d to one counter W times
 *   harts lrsc T W     the same with an lr.d/sc.d loop
 *   harts unmap T W    T-1 threads compute while the main thread maps,
 *                      touches and unmaps a page W times (TLB shootdowns)
 *   harts getcpu T     pins itself to each of harts 0..T-1 in turn
 *                      (sched_setaffinity) and reports where getcpu says
 *                      it runs
 *   harts segv         a thread reads a page in a loop; the main thread
 *                      unmaps it; the reader's next load faults: SIGSEGV
 *                      ends the process (status 139), as on Linux
 *
 * The totals are exact (T * W) on any number of harts when the atomics, the
 * mutex and the reservations are right. Output has no tids or timings, so
 * qemu-riscv64 prints the same. Threads use no libc: only raw system calls
 * and their own stacks (picolibc's errno is shared). */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

#define MAXT 16
#define STACK 16384
#define FLAGS (LINUX_CLONE_VM | LINUX_CLONE_FS | LINUX_CLONE_FILES | LINUX_CLONE_SIGHAND | LINUX_CLONE_THREAD | \
               0x00040000UL /* CLONE_SYSVSEM */ | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_CLEARTID)
#define FUTEX_WAIT 0 /* shared: the kernel's wake at a thread's exit is a shared one, as glibc's pthread_join waits */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static unsigned long work, nthreads;
static volatile long counter;
static int mutex;
static volatile int started, stop;
static volatile unsigned long *shared_page;
static struct { unsigned long v; char pad[56]; } slot[MAXT];
static int tids[MAXT];
static char stacks[MAXT][STACK] __attribute__((aligned(16)));

static long futex(int *uaddr, int op, int val) {
  return lde_syscall6(SYS_futex, LDE_L(uaddr), op, val, 0, 0, 0);
}

/* clone a thread running fn(arg) on its own stack; its tid is cleared (and
 * futex-woken) at exit. ctid goes in both a3 and a4: the tls argument is
 * ignored without CLONE_SETTLS, whichever order the kernel reads. */
static long spawn(void (*fn)(long), long arg, int *ctid) {
  unsigned long *sp = (unsigned long *)(stacks[arg] + STACK) - 2;
  sp[0] = (unsigned long)fn;
  sp[1] = (unsigned long)arg;
  register long a0 __asm__("a0") = (long)FLAGS;
  register long a1 __asm__("a1") = (long)sp;
  register long a2 __asm__("a2") = (long)ctid;
  register long a3 __asm__("a3") = (long)ctid;
  register long a4 __asm__("a4") = (long)ctid;
  register long a7 __asm__("a7") = SYS_clone;
  __asm__ volatile("ecall\n"
                   "bnez a0, 1f\n"
                   "ld t0, 0(sp)\n"
                   "ld a0, 8(sp)\n"
                   "jalr t0\n"
                   "li a0, 0\n"
                   "li a7, 93\n" /* exit: this thread only */
                   "ecall\n"
                   "1:\n"
                   : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "t0", "ra", "memory");
  return a0;
}

/* Waits until every thread has exited (CLONE_CHILD_CLEARTID clears its tid). */
static void join(unsigned long n) {
  for (unsigned long i = 0; i < n; i++) {
    int t;
    while ((t = __atomic_load_n(&tids[i], __ATOMIC_ACQUIRE)) != 0) futex(&tids[i], FUTEX_WAIT, t);
  }
}

/* Drepper's mutex ("Futexes are tricky", mutex 2): 0 free, 1 held, 2 held with waiters. */
static void lock(int *m) {
  int c = 0;
  if (__atomic_compare_exchange_n(m, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  if (c != 2) c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
  while (c != 0) {
    futex(m, FUTEX_WAIT_PRIVATE, 2);
    c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
  }
}

static void unlock(int *m) {
  if (__atomic_fetch_sub(m, 1, __ATOMIC_RELEASE) != 1) {
    __atomic_store_n(m, 0, __ATOMIC_RELEASE);
    futex(m, FUTEX_WAKE_PRIVATE, 1);
  }
}

static unsigned long crunch(unsigned long seed, unsigned long n) {
  unsigned long x = seed * 0x9e3779b97f4a7c15UL + 1, sum = 0;
  for (unsigned long i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    sum += x ^ i;
  }
  return sum;
}

static void par(long i) { slot[i].v = crunch(i, work); }
static void locked(long i) { (void)i; for (unsigned long k = 0; k < work; k++) { lock(&mutex); counter++; unlock(&mutex); } }
static void percpu(long i) { for (unsigned long k = 0; k < work; k++) slot[i].v++; }
static void amo(long i) { (void)i; for (unsigned long k = 0; k < work; k++) __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED); }

static void lrsc(long i) {
  (void)i;
  for (unsigned long k = 0; k < work; k++) {
    long old, fail;
    /* The forward branch (to the next instruction) ends a decoded block, so
     * a hart's turn can end between the lr and the sc: then another hart's
     * store must break the reservation. */
    __asm__ volatile("1: lr.d %0, (%2)\n"
                     "addi %0, %0, 1\n"
                     "beqz %0, 2f\n"
                     "2: sc.d %1, %0, (%2)\n"
                     "bnez %1, 1b\n"
                     : "=&r"(old), "=&r"(fail) : "r"(&counter) : "memory");
  }
}

static void compute(long i) {
  unsigned long sum = 0;
  while (!stop) sum += crunch(i, 1000);
  slot[i].v = sum;
}

static void reader(long i) {
  (void)i;
  unsigned long sum = 0;
  for (;;) {
    sum += shared_page[0];
    started = 1;
  }
}

static int run_threads(void (*fn)(long)) {
  for (unsigned long i = 0; i < nthreads; i++) {
    if (lde_is_err(spawn(fn, (long)i, &tids[i]))) { printf("harts: clone failed\n"); return 1; }
  }
  join(nthreads);
  return 0;
}

static int unmap_loop(void) {
  for (unsigned long i = 1; i < nthreads; i++) spawn(compute, (long)i, &tids[i]);
  unsigned long touched = 0;
  for (unsigned long k = 0; k < work; k++) {
    long p = sys_mmap(0, 4096, LINUX_PROT_READ | LINUX_PROT_WRITE, LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
    if (lde_is_err(p)) { printf("harts: mmap failed\n"); return 1; }
    *(volatile unsigned long *)p = k;
    touched += *(volatile unsigned long *)p == k;
    sys_munmap((void *)p, 4096);
  }
  stop = 1;
  for (unsigned long i = 1; i < nthreads; i++) {
    int t;
    while ((t = __atomic_load_n(&tids[i], __ATOMIC_ACQUIRE)) != 0) futex(&tids[i], FUTEX_WAIT, t);
  }
  printf("harts unmap: %lu pages mapped, touched and unmapped beside %lu threads\n", touched, nthreads - 1);
  return 0;
}

static int getcpu_loop(void) {
  for (unsigned long c = 0; c < nthreads; c++) {
    unsigned long mask = 1UL << c;
    long r = lde_syscall3(SYS_sched_setaffinity, 0, sizeof mask, LDE_L(&mask));
    unsigned cpu = 99;
    lde_syscall3(SYS_getcpu, LDE_L(&cpu), 0, 0);
    printf("pinned to cpu %lu: %s, getcpu says %s\n", c, r == 0 ? "ok" : "failed", cpu == c ? "that cpu" : "another");
  }
  return 0;
}

static int segv(void) {
  long p = sys_mmap(0, 4096, LINUX_PROT_READ | LINUX_PROT_WRITE, LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS, -1, 0);
  shared_page = (volatile unsigned long *)p;
  shared_page[0] = 1;
  spawn(reader, 0, &tids[0]);
  while (!started) lde_syscall0(SYS_sched_yield);
  printf("harts segv: the reader runs; unmapping its page\n");
  fflush(stdout);
  sys_munmap((void *)p, 4096);
  while (!stop) lde_syscall0(SYS_sched_yield); /* the reader's fault ends the process */
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "par";
  nthreads = lde_parse_ulong(argc > 2 ? argv[2] : 0, 4);
  work = lde_parse_ulong(argc > 3 ? argv[3] : 0, 100000);
  if (nthreads < 1 || nthreads > MAXT) { printf("harts: 1 to %d threads\n", MAXT); return 2; }
  if (!strcmp(mode, "segv")) return segv();
  if (!strcmp(mode, "getcpu")) return getcpu_loop();
  if (!strcmp(mode, "unmap")) return unmap_loop();
  void (*fn)(long) = !strcmp(mode, "par") ? par : !strcmp(mode, "lock") ? locked : !strcmp(mode, "percpu") ? percpu
                   : !strcmp(mode, "amo") ? amo : !strcmp(mode, "lrsc") ? lrsc : 0;
  if (fn == 0) { printf("usage: harts par|lock|percpu|amo|lrsc|unmap T W | getcpu T | segv\n"); return 2; }
  if (run_threads(fn)) return 1;
  unsigned long sum = counter;
  for (unsigned long i = 0; i < nthreads; i++) sum += slot[i].v;
  if (fn == par) printf("harts par: %lu threads x %lu rounds, checksum 0x%016lx\n", nthreads, work, sum);
  else printf("harts %s: %lu threads x %lu = %lu (expected %lu)\n", mode, nthreads, work, sum, nthreads * work);
  return 0;
}
