/*
 * interrupts.S: interrupt sources, enables, priority, wfi and Sstc
 * (RISC-V privileged spec 1.12: 3.1.6.1, 3.1.9, 3.2.1 (mtime/mtimecmp),
 * 3.3.3 (WFI), 4.1.3 (sip/sie); Sstc 1.0; QEMU virt board layout: CLINT at
 * 0x2000000, PLIC at 0xc000000 with context 0 = hart 0 M-mode, UART 16550
 * at 0x10000000 on PLIC source 10).
 *
 * Timer waits are bounded loops, so the file also runs on QEMU (whose mtime
 * follows the host clock) as well as on lde (whose mtime follows retired
 * instructions).
 */
#include "harness.h"

#define PLIC_PRIO(n)   (PLIC_BASE + 4 * (n))
#define PLIC_ENABLE0   (PLIC_BASE + 0x2000)
#define PLIC_THRESH0   (PLIC_BASE + 0x200000)
#define PLIC_CLAIM0    (PLIC_BASE + 0x200004)
#define UART_IER       (UART_BASE + 1)
#define UART_IER_THRI  0x02

.macro SET_MSTATUS bits
  li t0, \bits
  csrs mstatus, t0
.endm
.macro CLEAR_MSTATUS bits
  li t0, \bits
  csrc mstatus, t0
.endm

/* Spins until at least n traps are recorded (bounded). */
.macro WAIT_COUNT n
  li t4, 20000000
.Lw\@:
  LOAD_REC t5, REC_COUNT
  li t6, \n
  bgeu t5, t6, .Ld\@
  addi t4, t4, -1
  bnez t4, .Lw\@
.Ld\@:
.endm

/* Spins until (csr & bit) != 0 (bounded); then checks it. */
.macro WAIT_CSR csr, bit
  li t4, 20000000
.Lw\@:
  csrr t5, \csr
  li t6, \bit
  and t5, t5, t6
  bnez t5, .Ld\@
  addi t4, t4, -1
  bnez t4, .Lw\@
.Ld\@:
  CHECK_CSR_BITS \csr, \bit, \bit
.endm

/* a0 = mtime */
.macro READ_MTIME reg
  li t6, CLINT_MTIME
  ld \reg, 0(t6)
.endm

.macro SET_MTIMECMP reg
  li t6, CLINT_MTIMECMP
  sd \reg, 0(t6)
.endm

  .text
test_main:
  li t0, -1
  SET_MTIMECMP t0
  csrw menvcfg, zero

  /* ---- A. machine timer (priv 3.2.1, 3.1.9) --------------------------- */
  TEST 1
  CHECK_CSR_BITS mip, MIP_MTIP, 0
  TEST 2
  READ_MTIME s0
  DELAY 2000
  READ_MTIME s1
  bleu s1, s0, fail               /* mtime advances */
  TEST 3
  READ_MTIME s0
  li t0, 1000
  add s0, s0, t0
  SET_MTIMECMP s0
  CHECK_CSR_BITS mip, MIP_MTIP, 0 /* not yet: 1000 ticks away */
  TEST 4
  li t0, MIP_MTIP
  csrw mie, t0
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
  WAIT_COUNT 1
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_MTI, MODE_M
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_M | MSTATUS_MPIE
  TEST 5
  READ_MTIME s1
  bltu s1, s0, fail               /* it fired no earlier than mtimecmp */
  /* MTIP is a level: still pending until mtimecmp moves. */
  TEST 6
  CHECK_CSR_BITS mip, MIP_MTIP, MIP_MTIP
  TEST 7
  li t0, -1
  SET_MTIMECMP t0
  CHECK_CSR_BITS mip, MIP_MTIP, 0
  /* MTIP and MSIP are read-only in mip (priv 3.1.9). */
  TEST 8
  li t0, MIP_MTIP | MIP_MSIP
  csrs mip, t0
  CHECK_CSR_BITS mip, MIP_MTIP | MIP_MSIP, 0
  TEST 9
  SET_MTIMECMP zero
  WAIT_CSR mip, MIP_MTIP
  li t0, MIP_MTIP
  csrc mip, t0
  CHECK_CSR_BITS mip, MIP_MTIP, MIP_MTIP
  li t0, -1
  SET_MTIMECMP t0

  /* ---- B. mip bits writable from M; the sip/sie views (priv 3.1.9, 4.1.3) */
  TEST 10
  li t0, MIP_SSIP
  csrs mip, t0
  CHECK_CSR_BITS mip, MIP_SSIP, MIP_SSIP
  csrc mip, t0
  CHECK_CSR_BITS mip, MIP_SSIP, 0
  TEST 11
  li t0, MIP_STIP
  csrs mip, t0
  CHECK_CSR_BITS mip, MIP_STIP, MIP_STIP
  csrc mip, t0
  CHECK_CSR_BITS mip, MIP_STIP, 0
  TEST 12
  li t0, MIP_SEIP
  csrs mip, t0
  CHECK_CSR_BITS mip, MIP_SEIP, MIP_SEIP
  csrc mip, t0
  CHECK_CSR_BITS mip, MIP_SEIP, 0
  /* Not delegated: invisible in sip and sie. */
  TEST 13
  csrw mideleg, zero
  li t0, MIP_SSIP | MIP_STIP
  csrs mip, t0
  csrw mie, t0
  CHECK_CSR_BITS sip, MIP_SSIP | MIP_STIP, 0
  TEST 14
  CHECK_CSR_BITS sie, MIP_SSIP | MIP_STIP, 0
  /* Delegated: visible. */
  TEST 15
  li t0, MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  CHECK_CSR_BITS sip, MIP_SSIP | MIP_STIP, MIP_SSIP | MIP_STIP
  TEST 16
  CHECK_CSR_BITS sie, MIP_SSIP | MIP_STIP, MIP_SSIP | MIP_STIP
  csrw mie, zero
  csrw mip, zero
  /* sip.SSIP is writable from S when delegated; sip.STIP is not. */
  TEST 17
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  csrsi sip, MIP_SSIP
  li t0, MIP_STIP
  csrs sip, t0
  csrr s0, sip
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_BITS s0, MIP_SSIP | MIP_STIP, MIP_SSIP
  TEST 18
  CHECK_CSR_BITS mip, MIP_SSIP | MIP_STIP, MIP_SSIP
  csrw mip, zero
  csrw mideleg, zero

  /* ---- C. machine software interrupt via CLINT msip ------------------- */
  TEST 19
  li s0, CLINT_MSIP
  li t0, 1
  sw t0, 0(s0)
  WAIT_CSR mip, MIP_MSIP
  TEST 20
  lw t0, 0(s0)
  CHECK_EQ t0, 1
  /* pending and enabled in mie, but MIE=0: not taken */
  TEST 21
  li t0, MIP_MSIP
  csrw mie, t0
  EXPECT_TRAP
  DELAY 100
  CHECK_COUNT 0
  /* Taken right after the write that enables it: "evaluated immediately
   * following ... an explicit write to a CSR on which these interrupt trap
   * conditions expressly depend (including mip, mie, mstatus, and
   * mideleg)" (priv 3.1.9). */
  TEST 22
  li a0, 0
  csrsi mstatus, MSTATUS_MIE
1:
  addi a0, a0, 1
  addi a0, a0, 1
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_MSI, MODE_M
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE
  CHECK_EQ a0, 2
  TEST 23
  CHECK_CSR_BITS mie, MIP_MSIP, 0    /* the harness disabled it */
  /* MIE=1 first, then the mie write enables it */
  TEST 24
  csrsi mstatus, MSTATUS_MIE
  EXPECT_TRAP
  li t0, MIP_MSIP
  csrs mie, t0
1:
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_MSI, MODE_M
  CHECK_EPC 1b
  /* ... and mret restoring MIE=1 takes it at the mret target. */
  TEST 25
  li t0, MIP_MSIP
  csrs mie, t0
  EXPECT_TRAP
  SET_MSTATUS MSTATUS_MPP_M | MSTATUS_MPIE
  la t0, 1f
  csrw mepc, t0
  mret
1:
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_MSI, MODE_M
  CHECK_EPC 1b
  /* Clearing msip clears MSIP. */
  TEST 26
  sw zero, 0(s0)
  li t4, 1000000
3:
  csrr t5, mip
  andi t5, t5, MIP_MSIP
  beqz t5, 4f
  addi t4, t4, -1
  bnez t4, 3b
4:
  CHECK_CSR_BITS mip, MIP_MSIP, 0
  /* A delegated interrupt made M-level by a write to mideleg is taken at
   * once (MIE=1, mie.SSIE=1, SSIP pending). */
  TEST 27
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
  nop
  csrw mideleg, zero
1:
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_M
  CHECK_EPC 1b
  li t0, MIP_SSIP
  csrc mip, t0
  /* Setting a pending bit in mip with everything enabled: taken at once. */
  TEST 28
  li t0, MIP_STIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  EXPECT_TRAP
  csrs mip, t0
1:
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_STI, MODE_M
  CHECK_EPC 1b
  li t0, MIP_STIP
  csrc mip, t0

  /* ---- D. priority: MEI > MSI > MTI > SEI > SSI > STI (priv 3.1.9) ------ */
  /* MEI: UART THR-empty interrupt through PLIC source 10, context 0. */
  TEST 29
  li t0, PLIC_PRIO(UART_IRQ)
  li t1, 1
  sw t1, 0(t0)
  li t0, PLIC_ENABLE0
  li t1, 1 << UART_IRQ
  sw t1, 0(t0)
  li t0, PLIC_THRESH0
  sw zero, 0(t0)
  li t0, UART_IER
  li t1, UART_IER_THRI
  sb t1, 0(t0)
  WAIT_CSR mip, MIP_MEIP
  TEST 30
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  SET_MTIMECMP zero
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrs mip, t0
  WAIT_CSR mip, MIP_MSIP
  WAIT_CSR mip, MIP_MTIP
  CHECK_CSR_BITS mip, MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP, MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP
  TEST 31
  li t0, MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP
  csrw mie, t0
  EXPECT_TRAPS 6
  csrsi mstatus, MSTATUS_MIE
1:
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_COUNT 6
  CHECK_EPC 1b
#ifndef QEMU /* QEMU 7.2 takes the lowest-numbered pending interrupt first */
  TEST 32
  CHECK_LOG 0, INTERRUPT | IRQ_MEI
  TEST 33
  CHECK_LOG 1, INTERRUPT | IRQ_MSI
  TEST 34
  CHECK_LOG 2, INTERRUPT | IRQ_MTI
  TEST 35
  CHECK_LOG 3, INTERRUPT | IRQ_SEI
  TEST 36
  CHECK_LOG 4, INTERRUPT | IRQ_SSI
  TEST 37
  CHECK_LOG 5, INTERRUPT | IRQ_STI
#endif
  /* clean up every source; the PLIC claim returns the UART's id */
  TEST 38
  li t0, PLIC_CLAIM0
  lw a0, 0(t0)
  CHECK_EQ a0, UART_IRQ
  li t1, UART_IER
  sb zero, 0(t1)
  sw a0, 0(t0)
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  li t0, -1
  SET_MTIMECMP t0
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrc mip, t0
  li t0, PLIC_ENABLE0
  sw zero, 0(t0)
  DELAY 1000
  CHECK_CSR_BITS mip, MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP, 0
  DISARM

  /* ---- E. which mode takes what, and when (priv 3.1.6.1, 3.1.9) -------- */
  /* S-level interrupts delegated to S are always enabled in U (SIE=0). */
  TEST 39
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  CLEAR_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  nop
  j fail
3:
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_S
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, 0
  TEST 40
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SSIP
  csrc mip, t0
  /* M-level interrupts are always enabled in S and U, whatever MIE says. */
  TEST 41
  csrw mideleg, zero
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  WAIT_CSR mip, MIP_MSIP
  li t0, MIP_MSIP
  csrw mie, t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  nop
  j fail
2:
  CHECK_TRAP INTERRUPT | IRQ_MSI, MODE_M
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_S
  TEST 42
  li t0, MIP_MSIP
  csrw mie, t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_U, 1f
1:
  nop
  j fail
2:
  CHECK_TRAP INTERRUPT | IRQ_MSI, MODE_M
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, 0
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  /* An S-level interrupt that is not delegated goes to M from U. */
  TEST 43
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_U, 1f
1:
  nop
  j fail
2:
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_M
  CHECK_EPC 1b
  li t0, MIP_SSIP
  csrc mip, t0
  /* The machine timer from U. */
  TEST 44
  li t0, MIP_MTIP
  csrw mie, t0
  READ_MTIME t0
  addi t0, t0, 200
  SET_MTIMECMP t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_U, 1f
1:
  j 1b
2:
  CHECK_TRAP INTERRUPT | IRQ_MTI, MODE_M
  CHECK_STATUS MSTATUS_MPP, 0
  li t0, -1
  SET_MTIMECMP t0
  /* S with SIE=1, a delegated interrupt and a non-delegated one pending:
   * the M-level one is taken first (to M), then the S one (to S). */
  TEST 45
  li t0, MIP_SSIP
  csrw mideleg, t0
  li t0, MIP_SSIP | MIP_STIP
  csrw mie, t0
  csrs mip, t0
  SET_MSTATUS MSTATUS_SIE
  EXPECT_TRAPS 2
  GOTO_MODE MODE_S, 1f
1:
  nop
  CHECK_COUNT 2
  CHECK_LOG 0, INTERRUPT | IRQ_STI
  CHECK_LOG 1, INTERRUPT | IRQ_SSI
  CHECK_REC REC_MODE, MODE_S
  TEST 46
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SSIP | MIP_STIP
  csrc mip, t0
  csrw mideleg, zero
  CLEAR_MSTATUS MSTATUS_SIE

  /* ---- F. wfi (priv 3.3.3) --------------------------------------------- */
  /* "the hart must resume if a locally enabled interrupt becomes pending":
   * MIE=0, mie.MTIE=1. No trap; MTIP is pending afterwards. */
  TEST 47
  csrw mie, zero
  csrci mstatus, MSTATUS_MIE
  li t0, MIP_MTIP
  csrw mie, t0
  READ_MTIME s0
  li t0, 2000
  add s0, s0, t0
  SET_MTIMECMP s0
  EXPECT_TRAP
  wfi
  li t4, 20000000           /* wfi may also return early: wait for MTIP */
3:
  csrr t5, mip
  andi t5, t5, MIP_MTIP
  bnez t5, 4f
  addi t4, t4, -1
  bnez t4, 3b
4:
  CHECK_COUNT 0
  CHECK_CSR_BITS mip, MIP_MTIP, MIP_MTIP
  TEST 48
  READ_MTIME s1
  bltu s1, s0, fail
  /* then enabling MIE takes it at once */
  TEST 49
  csrsi mstatus, MSTATUS_MIE
1:
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_MTI, MODE_M
  CHECK_EPC 1b
  li t0, -1
  SET_MTIMECMP t0
  /* wfi returns at once when an enabled interrupt is already pending,
   * even one delegated to S ("even if it has been delegated to a
   * less-privileged mode"), and takes no trap in M. */
  TEST 50
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  SET_MSTATUS MSTATUS_MIE | MSTATUS_SIE
  EXPECT_TRAP
  wfi
  nop
  CLEAR_MSTATUS MSTATUS_MIE | MSTATUS_SIE
  CHECK_NO_TRAP
  li t0, MIP_SSIP
  csrc mip, t0
  csrw mideleg, zero
  csrw mie, zero

  /* ---- G. Sstc: stimecmp (Sstc 1.0) ----------------------------------- */
  TEST 51
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  csrr a0, menvcfg
  CHECK_BITS a0, MENVCFG_STCE, MENVCFG_STCE
  TEST 52
  li t0, -1
  csrw stimecmp, t0
  CHECK_CSR stimecmp, -1
  /* With STCE=1, mip.STIP reflects stimecmp and M cannot write it. */
  TEST 53
  li t0, MIP_STIP
  csrs mip, t0
  CHECK_CSR_BITS mip, MIP_STIP, 0
  TEST 54
  csrw stimecmp, zero
  WAIT_CSR mip, MIP_STIP
  li t0, MIP_STIP
  csrc mip, t0
  CHECK_CSR_BITS mip, MIP_STIP, MIP_STIP
  li t0, -1
  csrw stimecmp, t0
  CHECK_CSR_BITS mip, MIP_STIP, 0
  /* S access to stimecmp needs mcounteren.TM ... */
  TEST 55
  csrw mcounteren, zero
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  csrr a0, stimecmp
  j fail
2:
  CHECK_TRAP CAUSE_ILLEGAL, MODE_M
  CHECK_EPC 1b
  /* ... and STCE. */
  TEST 56
  csrwi mcounteren, CNT_TM
  li t0, MENVCFG_STCE
  csrc menvcfg, t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  csrr a0, stimecmp
  j fail
2:
  CHECK_TRAP CAUSE_ILLEGAL, MODE_M
  CHECK_EPC 1b
  /* The supervisor timer delegated to S, set up from S. */
  TEST 57
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, MIP_STIP
  csrw mideleg, t0
  csrw mie, t0
  SET_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  GOTO_MODE MODE_S, 1f
1:
  rdtime s0
  addi s0, s0, 500
  csrw stimecmp, s0
  CHECK_CSR_BITS sip, MIP_STIP, 0
  WAIT_COUNT 1
  CHECK_TRAP INTERRUPT | IRQ_STI, MODE_S
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  TEST 58
  rdtime s1
  bltu s1, s0, fail
  CHECK_CSR_BITS sip, MIP_STIP, MIP_STIP
  TEST 59
  li t0, -1
  csrw stimecmp, t0
  CHECK_CSR_BITS sip, MIP_STIP, 0
  TEST 60
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  /* The supervisor timer from U, delegated (SIE does not matter in U). */
  TEST 61
  CLEAR_MSTATUS MSTATUS_SIE
  li t0, MIP_STIP
  csrw mie, t0
  rdtime t0
  addi t0, t0, 300
  csrw stimecmp, t0
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  j 1b
3:
  CHECK_TRAP INTERRUPT | IRQ_STI, MODE_S
  CHECK_STATUS MSTATUS_SPP, 0
  li t0, -1
  csrw stimecmp, t0
  TEST 62
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  /* Not delegated: the supervisor timer goes to M. */
  TEST 63
  csrw mideleg, zero
  li t0, MIP_STIP
  csrw mie, t0
  csrw stimecmp, zero
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
  WAIT_COUNT 1
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_STI, MODE_M
  li t0, -1
  csrw stimecmp, t0
  /* wfi wakes for a delegated supervisor timer, MIE=SIE=0, no trap. */
  TEST 64
  li t0, MIP_STIP
  csrw mideleg, t0
  csrw mie, t0
  rdtime t0
  addi t0, t0, 1000
  csrw stimecmp, t0
  EXPECT_TRAP
  wfi
  li t4, 20000000
3:
  csrr t5, mip
  andi t5, t5, MIP_STIP
  bnez t5, 4f
  addi t4, t4, -1
  bnez t4, 3b
4:
  CHECK_NO_TRAP
  CHECK_CSR_BITS mip, MIP_STIP, MIP_STIP
  li t0, -1
  csrw stimecmp, t0
  csrw mie, zero
  csrw mideleg, zero
  csrw menvcfg, zero

  /* ---- H. more --------------------------------------------------------- */
  /* the time CSR is mtime */
  TEST 65
  READ_MTIME a0
  rdtime a1
  READ_MTIME a2
  bltu a1, a0, fail
  bltu a2, a1, fail
  /* sret that sets SIE takes a pending delegated interrupt at its target */
  TEST 66
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  CLEAR_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  GOTO_MODE MODE_S, 1f
1:
  la t0, 3f
  csrw sepc, t0
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  sret
  j fail
3:
  nop
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_S
  CHECK_EPC 3b
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  TEST 67
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SSIP
  csrc mip, t0
  /* S-level priority, all delegated, in S: SEI > SSI > STI */
  TEST 68
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  SET_MSTATUS MSTATUS_SIE
  EXPECT_TRAPS 3
  GOTO_MODE MODE_S, 1f
1:
  nop
  CHECK_COUNT 3
  CHECK_REC REC_MODE, MODE_S
  CHECK_EPC 1b
#ifndef QEMU /* QEMU 7.2 takes the lowest-numbered pending interrupt first */
  TEST 69
  CHECK_LOG 0, INTERRUPT | IRQ_SEI
  CHECK_LOG 1, INTERRUPT | IRQ_SSI
  CHECK_LOG 2, INTERRUPT | IRQ_STI
#endif
  TEST 70
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrc mip, t0
  csrw mideleg, zero
  csrw mie, zero
  CLEAR_MSTATUS MSTATUS_SIE
  /* MEIP is read-only in mip: the PLIC drives it (priv 3.1.9) */
  TEST 71
  li t0, MIP_MEIP
  csrs mip, t0
  CHECK_CSR_BITS mip, MIP_MEIP, 0
  /* sie writes from S reach only delegated bits (priv 4.1.3) */
  TEST 72
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, zero
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  li t0, -1
  csrw sie, t0
  csrr s0, sie
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_BITS s0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP, MIP_SSIP
  CHECK_CSR_BITS mie, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP, MIP_SSIP
  csrw mie, zero
  csrw mideleg, zero

  j pass
