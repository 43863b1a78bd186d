/* uring MODE [N [BATCH|CPU]]: N small file operations (default 100000),
 * half 64-byte writes and half 64-byte reads at rotating offsets of a /tmp
 * file, made by MODE: `sys` (one pwrite64/pread64 system call each), `uring`
 * (io_uring, BATCH SQEs per io_uring_enter, default 8) or `sqpoll`
 * (IORING_SETUP_SQPOLL: SQEs go in, CQEs come out, io_uring_enter only to
 * wake the poller). Without CPU the poller shares the program's hart: with
 * the ring full and nothing done, sched_yield gives it the hart. With CPU
 * the poller is pinned there (IORING_SETUP_SQ_AFF; run with --smp) and the
 * program spins on the CQ, making no system call. Prints the count and
 * whether every operation moved its 64 bytes. The io_uring structures are written here from the ABI
 * (include/uapi/linux/io_uring.h), with no liburing (`lde experiment
 * io_uring`). */
#include <stdio.h>
#include <string.h>
#include "syscall.h"

#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#define OP_READ 22
#define OP_WRITE 23
#define SETUP_SQPOLL 2u
#define SETUP_SQ_AFF 4u
#define ENTER_GETEVENTS 1u
#define ENTER_SQ_WAKEUP 2u
#define SQ_NEED_WAKEUP 1u
#define RING_ENTRIES 64u
#define BLOCK 64

struct sqe { unsigned char opcode, flags; unsigned short ioprio; int fd; unsigned long off, addr; unsigned len, op_flags;
             unsigned long user_data; unsigned short buf_index, personality; int file_index; unsigned long addr3, pad; };
struct cqe { unsigned long user_data; int res; unsigned flags; };
struct sq_off { unsigned head, tail, ring_mask, ring_entries, flags, dropped, array, resv1; unsigned long user_addr; };
struct cq_off { unsigned head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1; unsigned long user_addr; };
struct params { unsigned sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd, resv[3];
                struct sq_off sq; struct cq_off cq; };

static volatile unsigned *sq_head, *sq_tail, *sq_flags, *sq_array, *cq_head, *cq_tail;
static unsigned sq_mask, cq_mask;
static struct sqe *sqes;
static struct cqe *cqes;
static char buf[2][BLOCK];
static unsigned long good;

static int setup(unsigned flags, unsigned cpu) {
  struct params p;
  memset(&p, 0, sizeof p);
  p.flags = flags;
  p.sq_thread_cpu = cpu;
  p.sq_thread_idle = 50;
  int fd = (int)lde_syscall2(SYS_io_uring_setup, RING_ENTRIES, LDE_L(&p));
  if (fd < 0) return fd;
  unsigned long size = p.sq.array + p.sq_entries * 4, cqsize = p.cq.cqes + p.cq_entries * sizeof(struct cqe);
  if (cqsize > size) size = cqsize;
  char *ring = (char *)sys_mmap(0, size, 3, 1, fd, 0);
  sqes = (struct sqe *)sys_mmap(0, p.sq_entries * sizeof(struct sqe), 3, 1, fd, 0x10000000);
  if ((long)ring < 0 || (long)sqes < 0) return -12;
  sq_head = (unsigned *)(ring + p.sq.head); sq_tail = (unsigned *)(ring + p.sq.tail); sq_flags = (unsigned *)(ring + p.sq.flags);
  sq_array = (unsigned *)(ring + p.sq.array); sq_mask = *(unsigned *)(ring + p.sq.ring_mask);
  cq_head = (unsigned *)(ring + p.cq.head); cq_tail = (unsigned *)(ring + p.cq.tail); cq_mask = *(unsigned *)(ring + p.cq.ring_mask);
  cqes = (struct cqe *)(ring + p.cq.cqes);
  return fd;
}

/** Queues operation i (even: a write, odd: a read of what it wrote). */
static void queue(int file, unsigned long i) {
  unsigned tail = *sq_tail, slot = tail & sq_mask;
  /* the SQE as its eight 64-bit words, each stored once (as liburing's io_uring_prep_rw stores each field;
     picolibc's memset would copy byte by byte): opcode and fd, off, addr, len, user_data, the rest zero */
  volatile unsigned long *w = (volatile unsigned long *)&sqes[slot];
  w[0] = (unsigned long)(i & 1 ? OP_READ : OP_WRITE) | (unsigned long)(unsigned)file << 32;
  w[1] = (i / 2 % 64) * BLOCK; w[2] = (unsigned long)buf[i & 1]; w[3] = BLOCK; w[4] = i; w[5] = 0; w[6] = 0; w[7] = 0;
  sq_array[slot] = slot;
  __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
}

/** Takes every waiting CQE; how many. */
static unsigned long reap(void) {
  unsigned long n = 0;
  unsigned head = *cq_head;
  while (head != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) { good += cqes[head & cq_mask].res == BLOCK; head++; n++; }
  __atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
  return n;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "sys";
  unsigned long n = lde_parse_ulong(argc > 2 ? argv[2] : 0, 100000), batch = lde_parse_ulong(argc > 3 ? argv[3] : 0, 8);
  int pinned = argc > 3 && mode[1] == 'q';
  unsigned cpu = (unsigned)batch;
  if (batch == 0 || batch > RING_ENTRIES) batch = RING_ENTRIES;
  int file = (int)sys_openat(-100, "/tmp/uring.dat", 0102 /* O_RDWR|O_CREAT */, 0600);
  memset(buf[0], 'x', BLOCK);
  if (strcmp(mode, "sys") == 0) {
    for (unsigned long i = 0; i < n; i++)
      good += lde_syscall4(i & 1 ? SYS_pread64 : SYS_pwrite64, file, LDE_L(buf[i & 1]), BLOCK, (long)(i / 2 % 64) * BLOCK) == BLOCK;
  } else if (strcmp(mode, "uring") == 0 || strcmp(mode, "sqpoll") == 0) {
    int sqpoll = mode[1] == 'q';
    int ring = setup(sqpoll ? SETUP_SQPOLL | (pinned ? SETUP_SQ_AFF : 0) : 0, pinned ? cpu : 0);
    if (ring < 0) { printf("uring: io_uring_setup failed: %d\n", ring); return 1; }
    unsigned long sent = 0, done = 0;
    while (done < n) {
      unsigned long k = n - sent < batch ? n - sent : batch;
      if (sqpoll) {
        while (sent < n && sent - done < RING_ENTRIES) queue(file, sent++);
        if (__atomic_load_n(sq_flags, __ATOMIC_ACQUIRE) & SQ_NEED_WAKEUP) lde_syscall6(SYS_io_uring_enter, ring, 0, 0, ENTER_SQ_WAKEUP, 0, 0);
        else if (!pinned && sent - done == RING_ENTRIES && *cq_head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) sys_sched_yield();
      } else {
        for (unsigned long j = 0; j < k; j++) queue(file, sent++);
        lde_syscall6(SYS_io_uring_enter, ring, (long)k, (long)k, ENTER_GETEVENTS, 0, 0);
      }
      done += reap();
    }
  } else {
    printf("usage: uring sys|uring [N [BATCH]], uring sqpoll [N [CPU]]\n");
    return 2;
  }
  printf("uring: %s made %lu operations\n", mode, n);
  printf("uring: every one moved 64 bytes: %s\n", good == n ? "yes" : "no");
  return good == n ? 0 : 1;
}
