// A small S-mode kernel that checks an SBI firmware against the SBI v2.0
// specification (test/firmware.test.ts runs it under `lde boot`): the boot
// registers, Base, TIME with a real timer interrupt, HSM with a second hart,
// IPI, RFENCE, DBCN, the redirect of an exception S-mode did not delegate,
// and SRST, which ends the run with the status the test expects. The
// oracle is the same kernel under qemu-system-riscv64 with OpenSBI.
#include <stdint.h>

#include "sbi.h"

enum { BASE = 0x10, TIME = 0x54494D45, IPI = 0x735049, RFENCE = 0x52464E43, HSM = 0x48534D, SRST = 0x53525354, DBCN = 0x4442434E };

static void putx(unsigned long v) {
  char b[19] = "0x";
  int n = 2;
  for (int i = 60; i >= 0; i -= 4) if ((v >> i) || i == 0 || n > 2) b[n++] = "0123456789abcdef"[(v >> i) & 15];
  b[n] = 0;
  puts_(b);
}
static void line(const char *what, long v) { puts_(what); putc_(' '); putd(v); putc_('\n'); }

static inline unsigned long csr_time(void) { unsigned long t; asm volatile("rdtime %0" : "=r"(t)); return t; }

static volatile int timer_seen, ipi_seen[4], illegal_seen, secondary_up;
static volatile long secondary_hartid, secondary_opaque;
static volatile unsigned long illegal_tval;

void trap(void) {
  unsigned long cause, epc, tval;
  asm volatile("csrr %0, scause; csrr %1, sepc; csrr %2, stval" : "=r"(cause), "=r"(epc), "=r"(tval));
  long hart;
  asm volatile("mv %0, tp" : "=r"(hart));
  if ((long)cause < 0 && (cause & 0xff) == 5) { // supervisor timer
    timer_seen++;
    sbi(TIME, 0, -1, 0, 0); // no next event: STIP drops
  } else if ((long)cause < 0 && (cause & 0xff) == 1) { // supervisor software (IPI)
    ipi_seen[hart]++;
    asm volatile("csrc sip, %0" :: "r"(2));
  } else if (cause == 2) { // illegal instruction: the firmware redirected it
    illegal_seen++;
    illegal_tval = tval;
    asm volatile("csrw sepc, %0" :: "r"(epc + 4));
  } else {
    puts_("unexpected trap "); putx(cause); puts_(" at "); putx(epc); putc_('\n');
    sbi(SRST, 0, 0, 1, 0);
  }
}

void ksecondary(long hartid, long opaque) {
  asm volatile("mv tp, %0" :: "r"(hartid));
  asm volatile("csrs sie, %0; csrs sstatus, 2" :: "r"(2)); // SSIE, SIE
  secondary_hartid = hartid;
  secondary_opaque = opaque;
  secondary_up = 1;
  while (!ipi_seen[hartid]) asm volatile("wfi");
  sbi(HSM, 1, 0, 0, 0); // hart_stop: never returns
  puts_("hart_stop returned\n");
}

extern char secondary[];

void kmain(long hartid, uint8_t *dtb) {
  asm volatile("mv tp, %0" :: "r"(hartid));
  line("hartid", hartid);
  line("dtb magic ok", dtb[0] == 0xd0 && dtb[1] == 0x0d && dtb[2] == 0xfe && dtb[3] == 0xed);
  struct sbiret r = sbi(BASE, 0, 0, 0, 0);
  puts_("spec version "); putd(r.value >> 24); putc_('.'); putd(r.value & 0xffffff); putc_('\n');
  line("impl id nonzero", sbi(BASE, 1, 0, 0, 0).value != 0);
  long exts[] = {TIME, IPI, RFENCE, HSM, SRST, DBCN, 0x12345678};
  for (int i = 0; i < 7; i++) { puts_("probe "); putx(exts[i]); line("", sbi(BASE, 3, exts[i], 0, 0).value); }
  line("unknown extension error", sbi(0x0a000000, 0, 0, 0, 0).error);
  line("unknown base function error", sbi(BASE, 99, 0, 0, 0).error);

  // TIME: a timer interrupt 1 ms ahead, taken in a wfi.
  asm volatile("csrs sie, %0; csrs sstatus, 2" :: "r"(0x20 | 0x2)); // STIE, SSIE; SIE
  unsigned long t0 = csr_time();
  sbi(TIME, 0, t0 + 10000, 0, 0);
  while (!timer_seen) asm volatile("wfi");
  line("timer interrupts", timer_seen);
  line("timer waited at least 1 ms", csr_time() - t0 >= 10000);

  // An exception S did not delegate reaches S anyway: a read of an M-mode CSR from S is illegal.
  unsigned long v;
  asm volatile("csrr %0, mscratch" : "=r"(v));
  line("illegal instruction redirected", illegal_seen);
  puts_("stval "); putx(illegal_tval); putc_('\n');

  // DBCN: console_write from a buffer in memory, by physical address.
  if (sbi(BASE, 3, DBCN, 0, 0).value) {
    static const char msg[] = "dbcn console_write\n";
    r = sbi(DBCN, 0, sizeof msg - 1, (long)msg, 0);
    line("dbcn wrote", r.value);
    line("dbcn bad address error", sbi(DBCN, 0, 4, 0x1000, 0).error);
    line("dbcn write_byte", sbi(DBCN, 2, '!', 0, 0).error);
  }

  // HSM and IPI with a second hart, when there is one.
  r = sbi(HSM, 2, 1, 0, 0);
  if (r.error == 0) {
    line("hart 1 status before start", r.value);
    line("hart_start", sbi(HSM, 0, 1, (long)secondary, 0x1234abcd).error);
    line("hart_start again", sbi(HSM, 0, 1, (long)secondary, 0).error);
    while (!secondary_up) ;
    line("secondary hartid", secondary_hartid);
    puts_("secondary opaque "); putx(secondary_opaque); putc_('\n');
    line("hart 1 status", sbi(HSM, 2, 1, 0, 0).value);
    line("send_ipi", sbi(IPI, 0, 1 << 1, 0, 0).error);
    while (sbi(HSM, 2, 1, 0, 0).value != 1) ;
    line("hart 1 took the ipi, then stopped", ipi_seen[1]);
  } else {
    line("one hart: hart_get_status(1) error", r.error);
  }
  line("rfence fence.i", sbi(RFENCE, 0, 1, 0, 0).error);
  line("rfence bad hart", sbi(RFENCE, 1, 1, 60, 0).error);
  line("srst bad type", sbi(SRST, 0, 7, 0, 0).error);
  puts_("shutdown\n");
  sbi(SRST, 0, 0, hartid == 0 ? 0 : 1, 0); // shutdown, no reason: status 0
  puts_("shutdown returned\n");
}
