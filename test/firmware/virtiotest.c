// A bare S-mode virtio driver, written from the OASIS virtio 1.2
// specification (4.2.2 MMIO registers, 3.1.1 driver initialization, 2.7
// split virtqueues, 5.2 block device, 5.4 entropy device), for whatever
// device is in the virt board's first virtio-mmio slot. test/virtio.test.ts
// runs it under `lde boot --drive IMAGE` (or `--rng`) and under
// qemu-system-riscv64 with the same device there: both must print the same
// lines. The image holds byte (i * 7 + i / 512) & 0xff at offset i.
#include <stdint.h>

#include "sbi.h"

static void line(const char *what, unsigned long v) { puts_(what); putc_(' '); putd((long)v); putc_('\n'); }

#define MMIO 0x10001000UL
static volatile uint32_t *reg(unsigned off) { return (volatile uint32_t *)(MMIO + off); }
enum { MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEATURES = 0x010, DEV_FEATURES_SEL = 0x014, DRV_FEATURES = 0x020,
  DRV_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
  INT_STATUS = 0x060, INT_ACK = 0x064, STATUS = 0x070, DESC_LO = 0x080, DESC_HI = 0x084, DRIVER_LO = 0x090, DRIVER_HI = 0x094,
  DEVICE_LO = 0x0a0, DEVICE_HI = 0x0a4, CONFIG = 0x100 };
enum { ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8 };

#define QN 8
struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
static struct desc descs[QN] __attribute__((aligned(16)));
static struct { uint16_t flags, idx, ring[QN], used_event; } avail __attribute__((aligned(2)));
static struct { uint16_t flags, idx; struct { uint32_t id, len; } ring[QN]; uint16_t avail_event; } used __attribute__((aligned(4)));
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t data[4096], status_;

/** Waits for the device to return buffer number `want` (a bounded wait: a device that never answers ends the run). */
static void wait_used(uint16_t want) {
  for (long spins = 0; *(volatile uint16_t *)&used.idx != want; spins++) {
    if (spins > 200000000) { puts_("no answer from the device\n"); sbi(0x53525354, 0, 0, 1, 0); }
  }
  asm volatile("fence rw, rw" ::: "memory");
}

/** Makes the chain at descriptor 0 available (2.7.13), notifies, and waits for it; returns its used length. */
static uint32_t submit(void) {
  avail.ring[avail.idx % QN] = 0;
  asm volatile("fence rw, rw" ::: "memory");
  uint16_t want = used.idx + 1;
  avail.idx++;
  asm volatile("fence rw, rw" ::: "memory");
  *reg(QUEUE_NOTIFY) = 0;
  wait_used(want);
  return used.ring[(want - 1) % QN].len;
}

/** One request: header, data (device-writable for IN), status; returns the status, and the used length in *len. */
static int request(uint32_t type, uint64_t sector, uint32_t bytes, int write_data, uint32_t *len) {
  hdr.type = type; hdr.reserved = 0; hdr.sector = sector;
  status_ = 0xff;
  descs[0] = (struct desc){(uint64_t)&hdr, 16, 1, 1};
  int n = 1;
  if (bytes) { descs[1] = (struct desc){(uint64_t)data, bytes, (uint16_t)(1 | (write_data ? 0 : 2)), 2}; n = 2; }
  descs[n] = (struct desc){(uint64_t)&status_, 1, 2, 0};
  if (bytes == 0) descs[0].next = 1;
  *len = submit();
  return *(volatile uint8_t *)&status_;
}

static unsigned long sum(uint32_t bytes) {
  unsigned long s = 0;
  for (uint32_t i = 0; i < bytes; i++) s = s * 31 + data[i];
  return s & 0xffffffff;
}

void ksecondary(long hartid, long opaque) { (void)hartid; (void)opaque; }
void trap(void) { puts_("unexpected trap\n"); sbi(0x53525354, 0, 0, 1, 0); }

/** 3.1.1: reset, ACKNOWLEDGE, DRIVER, features (VERSION_1 and `want` of the low word), FEATURES_OK, queue 0, DRIVER_OK; the low word offered. */
static uint32_t init(uint32_t want) {
  *reg(STATUS) = 0;
  *reg(STATUS) = ACKNOWLEDGE;
  *reg(STATUS) = ACKNOWLEDGE | DRIVER;
  *reg(DEV_FEATURES_SEL) = 1;
  uint32_t hi = *reg(DEV_FEATURES);
  line("offers VERSION_1", hi & 1);
  *reg(DEV_FEATURES_SEL) = 0;
  uint32_t lo = *reg(DEV_FEATURES);
  *reg(DRV_FEATURES_SEL) = 0; *reg(DRV_FEATURES) = lo & want;
  *reg(DRV_FEATURES_SEL) = 1; *reg(DRV_FEATURES) = 1;
  *reg(STATUS) = ACKNOWLEDGE | DRIVER | FEATURES_OK;
  line("features ok", (*reg(STATUS) & FEATURES_OK) != 0);
  *reg(QUEUE_SEL) = 0;
  line("queue max >= 8", *reg(QUEUE_NUM_MAX) >= QN);
  *reg(QUEUE_NUM) = QN;
  *reg(DESC_LO) = (uint32_t)(uint64_t)descs; *reg(DESC_HI) = (uint32_t)((uint64_t)descs >> 32);
  *reg(DRIVER_LO) = (uint32_t)(uint64_t)&avail; *reg(DRIVER_HI) = (uint32_t)((uint64_t)&avail >> 32);
  *reg(DEVICE_LO) = (uint32_t)(uint64_t)&used; *reg(DEVICE_HI) = (uint32_t)((uint64_t)&used >> 32);
  *reg(QUEUE_READY) = 1;
  *reg(STATUS) = ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK;
  return lo;
}

static void block(void) {
  uint32_t lo = init(1u << 9);
  line("offers FLUSH", (lo >> 9) & 1);
  line("offers RO", (lo >> 5) & 1);
  uint64_t cap = *reg(CONFIG) | (uint64_t)*reg(CONFIG + 4) << 32;
  line("capacity", cap);

  uint32_t len;
  int st = request(0, 0, 2048, 0, &len); // IN, sectors 0..3
  line("read 0..3 status", st); line("read 0..3 used len", len); line("read 0..3 sum", sum(2048));
  int ok = 1;
  for (uint32_t i = 0; i < 2048; i++) if (data[i] != (uint8_t)(i * 7 + i / 512)) ok = 0;
  line("read 0..3 matches the image", ok);
  line("interrupt status", *reg(INT_STATUS) & 1);
  *reg(INT_ACK) = *reg(INT_STATUS);
  line("interrupt status after ack", *reg(INT_STATUS) & 1);

  for (uint32_t i = 0; i < 512; i++) data[i] = (uint8_t)(255 - i);
  st = request(1, 5, 512, 1, &len); // OUT, sector 5
  line("write 5 status", st); line("write 5 used len", len);
  for (uint32_t i = 0; i < 512; i++) data[i] = 0;
  st = request(0, 5, 512, 0, &len);
  ok = 1;
  for (uint32_t i = 0; i < 512; i++) if (data[i] != (uint8_t)(255 - i)) ok = 0;
  line("read 5 back status", st); line("read 5 back matches", ok);
  st = request(0, 6, 512, 0, &len);
  line("read 6 sum", sum(512));

  line("read past the end status", request(0, cap - 1, 1024, 0, &len));
  line("write past the end status", request(1, cap, 512, 1, &len));
  line("flush status", request(4, 0, 0, 0, &len));
  line("unknown type status", request(99, 0, 0, 0, &len));
}

/** One device-writable buffer of n bytes; returns the used length. */
static uint32_t fill(uint32_t n) {
  descs[0] = (struct desc){(uint64_t)data, n, 2, 0};
  return submit();
}

static void entropy(void) {
  init(0);
  for (int i = 0; i < 64; i++) data[i] = 0;
  uint32_t len = fill(64);
  line("entropy used len in 1..64", len >= 1 && len <= 64);
  int nonzero = 0;
  for (uint32_t i = 0; i < len; i++) nonzero |= data[i];
  line("entropy bytes not all zero", nonzero != 0);
  uint8_t first[64];
  for (uint32_t i = 0; i < len; i++) first[i] = data[i];
  uint32_t len2 = fill(64);
  int same = len2 == len;
  for (uint32_t i = 0; i < len && i < len2; i++) if (data[i] != first[i]) same = 0;
  line("entropy second read differs", !same);
}

void kmain(long hartid, uint8_t *dtb) {
  (void)hartid; (void)dtb;
  line("magic ok", *reg(MAGIC) == 0x74726976);
  line("version", *reg(VERSION));
  uint32_t id = *reg(DEVICE_ID);
  line("device id", id);
  if (*reg(VERSION) != 2) puts_("not the modern (version 2) interface\n");
  else if (id == 2) block();
  else if (id == 4) entropy();
  puts_("done\n");
  sbi(0x53525354, 0, 0, 0, 0); // SRST shutdown: status 0
}
