/* atomic: C11 <stdatomic.h> and GCC __atomic/__sync builtins on int and long
   (RISC-V AMOs and LR/SC loops), single-threaded; results must follow the
   C11 definitions exactly, including wrap-around and the failure path of
   compare-exchange.  (mmapshared.c has two processes contending.) */
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

static atomic_int ai = 5;
static atomic_long al = 1L << 40;
static atomic_uint au = UINT_MAX;
static int plain_i = 100;
static long plain_l = -7;

static void c11_int(void) {
  int old = atomic_fetch_add(&ai, 10);
  printf("int fetch_add: old %d new %d\n", old, atomic_load(&ai));
  old = atomic_fetch_sub(&ai, 20);
  printf("int fetch_sub: old %d new %d\n", old, atomic_load(&ai));
  old = atomic_fetch_or(&ai, 0x30);
  printf("int fetch_or: old %d new %#x\n", old, atomic_load(&ai));
  old = atomic_fetch_and(&ai, 0xf0);
  printf("int fetch_and: old %#x new %#x\n", old, atomic_load(&ai));
  old = atomic_fetch_xor(&ai, 0xff);
  printf("int fetch_xor: old %#x new %#x\n", old, atomic_load(&ai));
  old = atomic_exchange(&ai, -42);
  printf("int exchange: old %#x new %d\n", old, atomic_load(&ai));
  int expected = 0;
  bool ok = atomic_compare_exchange_strong(&ai, &expected, 1);
  printf("int cas strong fail: %d expected now %d value %d\n", ok, expected, atomic_load(&ai));
  ok = atomic_compare_exchange_strong(&ai, &expected, 1);
  printf("int cas strong succeed: %d expected %d value %d\n", ok, expected, atomic_load(&ai));
  expected = 1;
  int tries = 0;
  do tries++;
  while (!atomic_compare_exchange_weak(&ai, &expected, expected * 3) && tries < 100);
  printf("int cas weak loop: value %d (took fewer than 100 tries %d)\n", atomic_load(&ai), tries < 100);
  atomic_store_explicit(&ai, INT_MAX, memory_order_release);
  old = atomic_fetch_add_explicit(&ai, 1, memory_order_relaxed);
  printf("int wraps: old %d new %d\n", old, atomic_load_explicit(&ai, memory_order_acquire));
  unsigned u = atomic_fetch_add(&au, 2);
  printf("unsigned wraps: old %u new %u\n", u, atomic_load(&au));
}

static void c11_long(void) {
  long old = atomic_fetch_add(&al, 1L << 40);
  printf("long fetch_add: old %ld new %ld\n", old, atomic_load(&al));
  old = atomic_fetch_sub(&al, 3L << 40);
  printf("long fetch_sub: old %ld new %ld\n", old, atomic_load(&al));
  old = atomic_fetch_or(&al, 0x0f0f0f0f00000000L);
  printf("long fetch_or: old %#lx new %#lx\n", old, (unsigned long)atomic_load(&al));
  old = atomic_fetch_and(&al, 0x7fff0000ffff0000L);
  printf("long fetch_and: old %#lx new %#lx\n", old, (unsigned long)atomic_load(&al));
  old = atomic_fetch_xor(&al, -1L);
  printf("long fetch_xor: old %#lx new %#lx\n", old, (unsigned long)atomic_load(&al));
  old = atomic_exchange(&al, LONG_MIN);
  printf("long exchange: old %#lx new %ld\n", old, atomic_load(&al));
  long expected = LONG_MAX;
  bool ok = atomic_compare_exchange_strong(&al, &expected, 0);
  printf("long cas fail: %d expected now %ld\n", ok, expected);
  ok = atomic_compare_exchange_strong(&al, &expected, 0x123456789L);
  printf("long cas succeed: %d value %#lx\n", ok, atomic_load(&al));
  old = atomic_fetch_sub(&al, 0x123456789L + 1);
  printf("long below zero: old %#lx new %ld\n", old, atomic_load(&al));
  /* the upper half of the word must take part in the comparison */
  atomic_store(&al, 0x100000005L);
  expected = 5;
  ok = atomic_compare_exchange_strong(&al, &expected, 9);
  printf("long cas compares all 64 bits: %d expected now %#lx\n", ok, expected);
}

static void builtins(void) {
  int r = __atomic_add_fetch(&plain_i, 5, __ATOMIC_SEQ_CST);
  printf("__atomic_add_fetch %d\n", r);
  r = __atomic_fetch_nand(&plain_i, 0xf, __ATOMIC_SEQ_CST);
  printf("__atomic_fetch_nand old %d new %d\n", r, plain_i);
  r = __atomic_exchange_n(&plain_i, 77, __ATOMIC_ACQ_REL);
  printf("__atomic_exchange_n old %d new %d\n", r, plain_i);
  int exp = 77;
  bool ok = __atomic_compare_exchange_n(&plain_i, &exp, 78, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
  printf("__atomic_compare_exchange_n %d value %d\n", ok, plain_i);
  long l = __sync_fetch_and_add(&plain_l, 10);
  printf("__sync_fetch_and_add old %ld new %ld\n", l, plain_l);
  ok = __sync_bool_compare_and_swap(&plain_l, 3, 4);
  printf("__sync_bool_compare_and_swap %d value %ld\n", ok, plain_l);
  l = __sync_val_compare_and_swap(&plain_l, 4, 5);
  printf("__sync_val_compare_and_swap returned %ld value %ld\n", l, plain_l);
  l = __sync_lock_test_and_set(&plain_l, 99);
  __sync_synchronize();
  printf("__sync_lock_test_and_set old %ld new %ld\n", l, plain_l);
  __sync_lock_release(&plain_l);
  printf("__sync_lock_release %ld\n", plain_l);
  long m = __atomic_sub_fetch(&plain_l, 1, __ATOMIC_RELAXED);
  printf("__atomic_sub_fetch %ld\n", m);
  printf("lock free: int %d long %d\n", atomic_is_lock_free(&ai), atomic_is_lock_free(&al));
  atomic_thread_fence(memory_order_seq_cst);
  atomic_signal_fence(memory_order_seq_cst);
}

static void counter(void) {
  atomic_long n = 0;
  atomic_int m = 0;
  for (int i = 0; i < 1000000; i++) {
    atomic_fetch_add_explicit(&n, i & 3, memory_order_relaxed);
    int e = atomic_load(&m);
    while (!atomic_compare_exchange_weak(&m, &e, e + 1)) {
    }
  }
  printf("loop: fetch_add sum %ld, cas count %d\n", atomic_load(&n), atomic_load(&m));
}

int main(void) {
  c11_int();
  c11_long();
  builtins();
  counter();
  return 0;
}
