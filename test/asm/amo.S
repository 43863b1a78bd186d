/*
 * amo.S: the A extension: LR/SC and every AMO, .w and .d (RISC-V
 * unprivileged spec, chapter "A": "Load-Reserved/Store-Conditional
 * Instructions" and "Atomic Memory Operations"), and address-misaligned
 * exceptions for them (lde raises them: load misaligned (4) for LR, store/AMO
 * misaligned (6) for SC and AMOs; priv 3.1.15 Table 3.6).
 */
#include "harness.h"

/* Sets the doubleword at amo_buf to `init`, runs `op rd, rs2=operand, (a0)`
 * at amo_buf + off, and checks rd and the whole doubleword afterwards. */
.macro AMO_CHECK op, off, init, operand, rd_val, mem_val
  la a0, amo_buf
  li a1, \init
  sd a1, 0(a0)
  addi a0, a0, \off
  li a2, \operand
  \op a3, a2, (a0)
  CHECK_EQ a3, \rd_val
  la a0, amo_buf
  ld a4, 0(a0)
  CHECK_EQ a4, \mem_val
  ld a4, 8(a0)                      /* the neighbour is untouched */
  CHECK_EQ a4, 0x5a5a5a5a5a5a5a5a
.endm

/* `insn` at a misaligned address traps with `cause`, mtval = the address,
 * and leaves rd (a3) and memory unchanged. */
.macro MISALIGNED cause, off, insn:vararg
  la a0, amo_buf
  li a1, 0x1122334455667788
  sd a1, 0(a0)
  sd a1, 8(a0)
  addi a0, a0, \off
  li a2, 0x99
  li a3, 0xdead
  EXPECT_TRAP
.Lat\@:
  \insn
  CHECK_TRAP \cause, MODE_M
  CHECK_EPC .Lat\@
  CHECK_TVAL_REG a0
  CHECK_EQ a3, 0xdead
  la a0, amo_buf
  ld a4, 0(a0)
  CHECK_EQ a4, 0x1122334455667788
  ld a4, 8(a0)
  CHECK_EQ a4, 0x1122334455667788
.endm

/* priv 3.1.15: "store, store-conditional, and AMO instructions generate
 * store/AMO exceptions". */
#ifdef QEMU /* QEMU 7.2 reports a misaligned AMO as a load misaligned (4) */
#define AMO_MISALIGNED CAUSE_LOAD_MISALIGNED
#else
#define AMO_MISALIGNED CAUSE_STORE_MISALIGNED
#endif

  .text
test_main:
  la a0, amo_buf
  li a1, 0x5a5a5a5a5a5a5a5a
  sd a1, 8(a0)

  /* ---- A. LR/SC ------------------------------------------------------- */
  /* No LR has run since reset: SC fails with code 1 and stores nothing
   * ("SC.W writes zero to rd on success or a nonzero code on failure";
   * code 1 is the unspecified-failure code). */
  TEST 1
  la a0, amo_buf
  li a1, 7
  sd a1, 0(a0)
  li a2, 8
  sc.d a3, a2, (a0)
  CHECK_EQ a3, 1
  ld a4, 0(a0)
  CHECK_EQ a4, 7
  /* LR then SC: success, rd = 0, memory written. */
  TEST 2
  lr.d a3, (a0)
  CHECK_EQ a3, 7
  sc.d a4, a2, (a0)
  CHECK_EQ a4, 0
  ld a5, 0(a0)
  CHECK_EQ a5, 8
  /* "Regardless of success or failure, executing an SC instruction
   * invalidates any reservation held by this hart": a second SC fails. */
  TEST 3
  li a2, 9
  sc.d a4, a2, (a0)
  CHECK_EQ a4, 1
  ld a5, 0(a0)
  CHECK_EQ a5, 8
  /* lr.w sign-extends; sc.w writes only the low word. */
  TEST 4
  li a1, 0x1234567880000000
  sd a1, 0(a0)
  lr.w a3, (a0)
  CHECK_EQ a3, 0xffffffff80000000
  li a2, 0xffffffff00000042
  sc.w a4, a2, (a0)
  CHECK_EQ a4, 0
  ld a5, 0(a0)
  CHECK_EQ a5, 0x1234567800000042
  TEST 5
  sc.w a4, a2, (a0)
  CHECK_EQ a4, 1
  /* lr.w / sc.w on the high word of the doubleword. */
  TEST 6
  addi a1, a0, 4
  lr.w a3, (a1)
  CHECK_EQ a3, 0x12345678
  /* SC to an address outside the LR's reservation set (another page)
   * fails and does not write. */
  TEST 7
  la a0, amo_buf
  la a1, amo_far
  li a2, 0x77
  sd zero, 0(a1)
  lr.d a3, (a0)
  sc.d a4, a2, (a1)
  CHECK_EQ a4, 1
  ld a5, 0(a1)
  CHECK_EQ a5, 0
  /* ... and that failed SC consumed the reservation. */
  TEST 8
  li a2, 0x66
  sc.d a4, a2, (a0)
  CHECK_EQ a4, 1
  /* An LR/SC retry loop as software writes it: atomic increment x100. */
  TEST 9
  sd zero, 0(a0)
  li s0, 100
1:
  lr.d a3, (a0)
  addi a3, a3, 1
  sc.d a4, a3, (a0)
  bnez a4, 1b
  addi s0, s0, -1
  bnez s0, 1b
  ld a5, 0(a0)
  CHECK_EQ a5, 100
  /* aq/rl variants behave the same on one hart. */
  TEST 10
  lr.d.aq a3, (a0)
  li a2, 101
  sc.d.rl a4, a2, (a0)
  CHECK_EQ a4, 0
  lr.w.aqrl a3, (a0)
  CHECK_EQ a3, 101
  li a2, 102
  sc.w.aqrl a4, a2, (a0)
  CHECK_EQ a4, 0
  ld a5, 0(a0)
  CHECK_EQ a5, 102

  /* ---- B. AMOs, .w: 32-bit operation, rd = sign-extended old word ------- */
  TEST 11
  AMO_CHECK amoswap.w, 0, 0x1234567880000001, 0xffffffff0000002a, 0xffffffff80000001, 0x123456780000002a
  TEST 12
  AMO_CHECK amoadd.w, 0, 0x123456787fffffff, 1, 0x7fffffff, 0x1234567880000000
  TEST 13   /* upper half of rs2 ignored; no carry into the next word */
  AMO_CHECK amoadd.w, 0, 0x12345678ffffffff, 0x5555555500000001, -1, 0x1234567800000000
  TEST 14
  AMO_CHECK amoxor.w, 0, 0x12345678f0f0f0f0, 0x0ff00ff0, 0xfffffffff0f0f0f0, 0x12345678ff00ff00
  TEST 15
  AMO_CHECK amoand.w, 0, 0x12345678f0f0f0f0, 0xffffffffff00ff00, 0xfffffffff0f0f0f0, 0x12345678f000f000
  TEST 16
  AMO_CHECK amoor.w, 0, 0x123456780000f0f0, 0x80000001, 0xf0f0, 0x123456788000f0f1
  TEST 17   /* signed 32-bit compare: 0x80000000 < 1 */
  AMO_CHECK amomin.w, 0, 0x1234567880000000, 1, 0xffffffff80000000, 0x1234567880000000
  TEST 18   /* rs2 = 0x00000000ffffffff is -1 as a word */
  AMO_CHECK amomin.w, 0, 0x1234567800000005, 0xffffffff, 5, 0x12345678ffffffff
  TEST 19
  AMO_CHECK amomax.w, 0, 0x1234567880000000, 1, 0xffffffff80000000, 0x1234567800000001
  TEST 20   /* rs2 = 0x0000000100000003 is 3 as a word */
  AMO_CHECK amomax.w, 0, 0x1234567800000005, 0x0000000100000003, 5, 0x1234567800000005
  TEST 21   /* unsigned: 1 < 0x80000000 */
  AMO_CHECK amominu.w, 0, 0x1234567880000000, 1, 0xffffffff80000000, 0x1234567800000001
  TEST 22
  AMO_CHECK amominu.w, 0, 0x12345678ffffffff, 0x0000000700000007, -1, 0x1234567800000007
  TEST 23
  AMO_CHECK amomaxu.w, 0, 0x1234567880000000, 1, 0xffffffff80000000, 0x1234567880000000
  TEST 24
  AMO_CHECK amomaxu.w, 0, 0x1234567800000001, 0xffffffff, 1, 0x12345678ffffffff
  /* on the high word (offset 4) */
  TEST 25
  AMO_CHECK amoadd.w, 4, 0x0000000100000002, 5, 1, 0x0000000600000002
  TEST 26
  AMO_CHECK amoswap.w, 4, 0x8765432100000002, 0x11111111, 0xffffffff87654321, 0x1111111100000002

  /* ---- C. AMOs, .d ------------------------------------------------------ */
  TEST 27
  AMO_CHECK amoswap.d, 0, 0x1122334455667788, 0x8877665544332211, 0x1122334455667788, 0x8877665544332211
  TEST 28   /* carry across bit 32 */
  AMO_CHECK amoadd.d, 0, 0x00000000ffffffff, 1, 0x00000000ffffffff, 0x0000000100000000
  TEST 29
  AMO_CHECK amoadd.d, 0, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000
  TEST 30
  AMO_CHECK amoxor.d, 0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0
  TEST 31
  AMO_CHECK amoand.d, 0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00
  TEST 32
  AMO_CHECK amoor.d, 0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0
  TEST 33
  AMO_CHECK amomin.d, 0, 0x8000000000000000, 1, 0x8000000000000000, 0x8000000000000000
  TEST 34
  AMO_CHECK amomin.d, 0, 5, -3, 5, -3
  TEST 35
  AMO_CHECK amomax.d, 0, 0x8000000000000000, 1, 0x8000000000000000, 1
  TEST 36   /* 0x00000000ffffffff is positive as a doubleword */
  AMO_CHECK amomax.d, 0, 5, 0xffffffff, 5, 0xffffffff
  TEST 37
  AMO_CHECK amominu.d, 0, 0x8000000000000000, 1, 0x8000000000000000, 1
  TEST 38
  AMO_CHECK amominu.d, 0, 1, -1, 1, 1
  TEST 39
  AMO_CHECK amomaxu.d, 0, 0x8000000000000000, 1, 0x8000000000000000, 0x8000000000000000
  TEST 40
  AMO_CHECK amomaxu.d, 0, 1, -1, 1, -1
  /* aq/rl variants */
  TEST 41
  AMO_CHECK amoadd.d.aqrl, 0, 40, 2, 40, 42
  TEST 42
  AMO_CHECK amoor.w.aq, 0, 0x100000000, 3, 0, 0x100000003
  TEST 43
  AMO_CHECK amomaxu.w.rl, 0, 0x200000000, 0x80000000, 0, 0x280000000

  /* ---- D. register corner cases -------------------------------------- */
  /* rd = x0: memory still updated */
  TEST 44
  la a0, amo_buf
  li a1, 10
  sd a1, 0(a0)
  li a2, 5
  amoadd.d x0, a2, (a0)
  ld a4, 0(a0)
  CHECK_EQ a4, 15
  /* rd = rs2: rd gets the old value, memory the old rs2 */
  TEST 45
  li a2, 99
  amoswap.d a2, a2, (a0)
  CHECK_EQ a2, 15
  ld a4, 0(a0)
  CHECK_EQ a4, 99
  /* rs2 = x0: amoswap with zero */
  TEST 46
  amoswap.w a3, x0, (a0)
  CHECK_EQ a3, 99
  ld a4, 0(a0)
  CHECK_EQ a4, 0
  /* rd = rs1 */
  TEST 47
  la a0, amo_buf
  li a1, 1234
  sd a1, 0(a0)
  li a2, 1
  mv a5, a0
  amoadd.d a0, a2, (a0)
  CHECK_EQ a0, 1234
  ld a4, 0(a5)
  CHECK_EQ a4, 1235

  /* ---- E. misaligned: no hardware fix-up for atomics ------------------ */
  TEST 48
  MISALIGNED CAUSE_LOAD_MISALIGNED, 4, lr.d a3, (a0)
  TEST 49
  MISALIGNED CAUSE_LOAD_MISALIGNED, 2, lr.w a3, (a0)
  TEST 50
  MISALIGNED CAUSE_LOAD_MISALIGNED, 1, lr.w a3, (a0)
#ifndef QEMU /* QEMU 7.2 fails an SC whose address differs from the LR's without trapping */
  TEST 51
  MISALIGNED CAUSE_STORE_MISALIGNED, 4, sc.d a3, a2, (a0)
  TEST 52
  MISALIGNED CAUSE_STORE_MISALIGNED, 2, sc.w a3, a2, (a0)
#endif
  TEST 53
  MISALIGNED AMO_MISALIGNED, 2, amoadd.w a3, a2, (a0)
  TEST 54
  MISALIGNED AMO_MISALIGNED, 4, amoswap.d a3, a2, (a0)
  TEST 55
  MISALIGNED AMO_MISALIGNED, 1, amoor.d a3, a2, (a0)
  TEST 56
  MISALIGNED AMO_MISALIGNED, 6, amomaxu.w a3, a2, (a0)
  TEST 57
  MISALIGNED AMO_MISALIGNED, 3, amoxor.w a3, a2, (a0)
  /* Ordinary misaligned loads and stores are done in hardware: no trap. */
  TEST 58
  la a0, amo_buf
  li a1, 0x1122334455667788
  sd a1, 0(a0)
  sd a1, 8(a0)
  EXPECT_TRAP
  ld a3, 3(a0)
  lw a4, 1(a0)
  sd zero, 5(a0)
  CHECK_NO_TRAP
  CHECK_EQ a3, 0x6677881122334455
  CHECK_EQ a4, 0x44556677
  TEST 59
  ld a5, 0(a0)
  CHECK_EQ a5, 0x0000004455667788
  ld a5, 8(a0)
  CHECK_EQ a5, 0x1122330000000000

  j pass

  .data
  .balign 64
amo_buf: .dword 0, 0, 0, 0
  .balign 4096
amo_far: .dword 0
