/*
 * csr_priv.S: CSR access rules and privileged-instruction traps
 * (RISC-V privileged spec 1.12, chapters 2 and 3; Zicsr; Zicntr).
 *
 * Every check runs its instruction in a chosen mode (entered with mret from
 * M) and comes back to M through the trap it expects, or through an ecall
 * when it expects none.
 */
#include "harness.h"

/* Runs `insn` in `mode`: expects an illegal-instruction trap to M with
 * mepc = the instruction, mtval = its bits and MPP = mode (priv 3.1.16:
 * "mtval ... written with the faulting instruction bits"). */
.macro ILLEGAL_IN mode, insn:vararg
  EXPECT_TRAP
  RESUME_AT .Lback\@, MODE_M
  GOTO_MODE \mode, .Lgo\@
.Lgo\@:
  \insn
  j fail
.Lback\@:
  CHECK_TRAP CAUSE_ILLEGAL, MODE_M
  CHECK_EPC .Lgo\@
  CHECK_TVAL_INSN .Lgo\@
  CHECK_STATUS MSTATUS_MPP, (\mode) << 11
.endm

/* Runs `insn` in `mode`, then ecall: that ecall must be the only trap. */
.macro OK_IN mode, insn:vararg
  EXPECT_TRAP
  RESUME_AT .Lback\@, MODE_M
  GOTO_MODE \mode, .Lgo\@
.Lgo\@:
  \insn
.Lecall\@:
  ecall
  j fail
.Lback\@:
  CHECK_TRAP CAUSE_ECALL_U + (\mode), MODE_M
  CHECK_EPC .Lecall\@
.endm

.macro SET_MSTATUS bits
  li t0, \bits
  csrs mstatus, t0
.endm
.macro CLEAR_MSTATUS bits
  li t0, \bits
  csrc mstatus, t0
.endm

  .text
test_main:
  /* ---- A. privilege level encoded in csr[9:8] (priv 2.1) ---------------- */
  TEST 1
  ILLEGAL_IN MODE_U, csrr a0, sstatus
  TEST 2
  ILLEGAL_IN MODE_U, csrr a0, mstatus
  TEST 3
  ILLEGAL_IN MODE_S, csrr a0, mstatus
  TEST 4
  ILLEGAL_IN MODE_S, csrw mscratch, a0
  TEST 5
  ILLEGAL_IN MODE_U, csrr a0, sscratch
  TEST 6
  ILLEGAL_IN MODE_S, csrr a0, mepc
  TEST 7
  ILLEGAL_IN MODE_U, csrrs a0, satp, x0
  TEST 8
  OK_IN MODE_S, csrr a0, sstatus
  TEST 9
  OK_IN MODE_S, csrr a0, sscratch
  TEST 10
  OK_IN MODE_M, csrr a0, sstatus
  TEST 11
  OK_IN MODE_M, csrr a0, sepc
  /* A standard user-level CSR number that no extension defines. */
  TEST 12
  ILLEGAL_IN MODE_M, csrr a0, 0x0ff

  /* ---- B. read-only CSRs: csr[11:10] = 3 (priv 2.1) -------------------- */
  TEST 13
  OK_IN MODE_M, csrr a0, mvendorid
  TEST 14
  ILLEGAL_IN MODE_M, csrw mvendorid, a0
  TEST 15
  ILLEGAL_IN MODE_M, csrw mhartid, zero
  /* Zicsr: "if rs1=x0, then the instruction will not write to the CSR at
   * all" and "For CSRRSI and CSRRCI, if the uimm[4:0] field is zero, then
   * these instructions will not write to the CSR": no trap. */
  TEST 16
  OK_IN MODE_M, csrrs a0, mvendorid, x0
  TEST 17
  OK_IN MODE_M, csrrc a0, marchid, x0
  TEST 18
  OK_IN MODE_M, csrrsi a0, mimpid, 0
  TEST 19
  OK_IN MODE_M, csrrci a0, mhartid, 0
  TEST 20
  csrr a0, mhartid
  CHECK_EQ a0, 0
  /* "if rs1 specifies a register holding a zero value other than x0, the
   * instruction will still attempt to write the unmodified value back". */
  TEST 21
  li a1, 0
#ifndef QEMU /* QEMU 7.2 skips the write check when the mask value is 0 */
  ILLEGAL_IN MODE_M, csrrs a0, mvendorid, a1
#endif
  TEST 22
  ILLEGAL_IN MODE_M, csrrwi a0, mimpid, 0
  TEST 23
  OK_IN MODE_M, csrr a0, cycle
  TEST 24
  ILLEGAL_IN MODE_M, csrw cycle, a0
  TEST 25
  ILLEGAL_IN MODE_M, csrwi instret, 0
  TEST 26
  OK_IN MODE_M, csrrci a0, time, 0
  TEST 27
  ILLEGAL_IN MODE_M, csrrsi a0, time, 1

  /* csrrs/csrrc read-modify-write (on mtval: no trap in between). */
  TEST 28
  li a0, 0x0ff0
  csrw mtval, a0
  li a1, 0x000f
  csrrs a2, mtval, a1
  CHECK_EQ a2, 0x0ff0
  CHECK_CSR mtval, 0x0fff
  TEST 29
  li a1, 0x00f0
  csrrc a2, mtval, a1
  CHECK_EQ a2, 0x0fff
  CHECK_CSR mtval, 0x0f0f
  TEST 30
  csrrs a2, mtval, x0
  csrrc a3, mtval, x0
  CHECK_EQ a2, 0x0f0f
  CHECK_EQ a3, 0x0f0f
  CHECK_CSR mtval, 0x0f0f
  TEST 31
  csrrwi a2, mtval, 5
  CHECK_EQ a2, 0x0f0f
  csrrsi a2, mtval, 0x10
  csrrci a3, mtval, 1
  CHECK_EQ a2, 5
  CHECK_EQ a3, 0x15
  CHECK_CSR mtval, 0x14

  /* ---- C. mret and sret (priv 3.3.2) ----------------------------------- */
  TEST 32
  ILLEGAL_IN MODE_S, mret
  TEST 33
  ILLEGAL_IN MODE_U, mret
  TEST 34
  ILLEGAL_IN MODE_U, sret
  /* sret in S with TSR=0 returns to SPP (S here) at sepc. */
  TEST 35
  CLEAR_MSTATUS MSTATUS_TSR
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  la t0, 3f
  csrw sepc, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  sret
  j fail
3:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_EPC 3b
  /* TSR=1: "attempts to execute SRET while executing in S-mode will raise
   * an illegal instruction exception" (priv 3.1.6.5). */
  TEST 36
  SET_MSTATUS MSTATUS_TSR
  ILLEGAL_IN MODE_S, sret
  /* TSR does not affect M-mode: sret from M to S. */
  TEST 37
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  la t0, 1f
  csrw sepc, t0
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  sret
  j fail
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_EPC 1b
  CLEAR_MSTATUS MSTATUS_TSR
  TEST 38
  ILLEGAL_IN MODE_U, sret

  /* ---- D. TVM (priv 3.1.6.5) ------------------------------------------- */
  TEST 39
  SET_MSTATUS MSTATUS_TVM
  ILLEGAL_IN MODE_S, csrr a0, satp
  TEST 40
  ILLEGAL_IN MODE_S, csrw satp, zero
  TEST 41
  ILLEGAL_IN MODE_S, sfence.vma
  TEST 42
  ILLEGAL_IN MODE_S, sfence.vma a0, a1
  TEST 43
  OK_IN MODE_M, csrr a0, satp
  TEST 44
  OK_IN MODE_M, sfence.vma
  TEST 45
  CLEAR_MSTATUS MSTATUS_TVM
  OK_IN MODE_S, csrr a0, satp
  TEST 46
  OK_IN MODE_S, sfence.vma
  /* sfence.vma is never legal in U (priv 3.3.2 / 4.2.1). */
  TEST 47
  ILLEGAL_IN MODE_U, sfence.vma

  /* ---- E. WFI and TW (priv 3.1.6.5, 3.3.3) ----------------------------- */
  TEST 48
  SET_MSTATUS MSTATUS_TW
  ILLEGAL_IN MODE_S, wfi
  TEST 49
  ILLEGAL_IN MODE_U, wfi
  TEST 50
  CLEAR_MSTATUS MSTATUS_TW
  /* "When S-mode is implemented, then executing WFI in U-mode causes an
   * illegal instruction exception" (no interrupt can end this wait). */
  ILLEGAL_IN MODE_U, wfi
  /* TW=0 in S: wfi is legal. Keep a locally enabled interrupt pending that
   * cannot trap (SSI delegated to S, SIE=0 in S) so that it returns. */
  TEST 51
  li t0, MIP_SSIP
  csrs mideleg, t0
  csrs mie, t0
  csrs mip, t0
  CLEAR_MSTATUS MSTATUS_SIE
  OK_IN MODE_S, wfi
  /* M ignores TW: wfi with the same interrupt pending, MIE=0. */
  TEST 52
  SET_MSTATUS MSTATUS_TW
  OK_IN MODE_M, wfi
  CLEAR_MSTATUS MSTATUS_TW
  li t0, MIP_SSIP
  csrc mip, t0
  csrc mie, t0
  csrc mideleg, t0

  /* ---- F. counters and mcounteren/scounteren (priv 3.1.11, 4.1.3) ------- */
  TEST 53
  csrw mcounteren, zero
  csrw scounteren, zero
  ILLEGAL_IN MODE_S, rdcycle a0
  TEST 54
  ILLEGAL_IN MODE_S, rdtime a0
  TEST 55
  ILLEGAL_IN MODE_S, rdinstret a0
  TEST 56
  ILLEGAL_IN MODE_U, rdcycle a0
  TEST 57
  csrwi scounteren, CNT_CY | CNT_TM | CNT_IR
  ILLEGAL_IN MODE_U, rdcycle a0     /* mcounteren gates U too */
  TEST 58
  csrwi mcounteren, CNT_CY | CNT_TM | CNT_IR
  csrw scounteren, zero
  OK_IN MODE_S, rdcycle a0
  TEST 59
  OK_IN MODE_S, rdtime a0
  TEST 60
  OK_IN MODE_S, rdinstret a0
  TEST 61
  ILLEGAL_IN MODE_U, rdcycle a0
  TEST 62
  ILLEGAL_IN MODE_U, rdtime a0
  TEST 63
  ILLEGAL_IN MODE_U, rdinstret a0
  TEST 64
  csrwi scounteren, CNT_CY
  OK_IN MODE_U, rdcycle a0
  TEST 65
  ILLEGAL_IN MODE_U, rdtime a0
  TEST 66
  csrwi scounteren, CNT_TM | CNT_IR
  OK_IN MODE_U, rdtime a0
  TEST 67
  OK_IN MODE_U, rdinstret a0
  TEST 68
  ILLEGAL_IN MODE_U, rdcycle a0
  /* M ignores both registers. */
  TEST 69
  csrw mcounteren, zero
  csrw scounteren, zero
  OK_IN MODE_M, rdcycle a0
  TEST 70
  OK_IN MODE_M, rdtime a0
  /* hpmcounter3 is gated by bit 3 the same way (priv 3.1.11) */
  TEST 106
  ILLEGAL_IN MODE_S, csrr a0, hpmcounter3
  TEST 107
  csrwi mcounteren, 8
  OK_IN MODE_S, csrr a0, hpmcounter3
  TEST 108
  ILLEGAL_IN MODE_U, csrr a0, hpmcounter3
  csrw mcounteren, zero
  /* Counters count. */
  TEST 71
  rdcycle a0
  nop
  nop
  rdcycle a1
  sub a2, a1, a0
  CHECK_NE a2, 0
  bltz a2, fail
  TEST 72
  rdinstret a0
  rdinstret a1
  sub a2, a1, a0
#ifdef QEMU /* QEMU without -icount derives instret from host time */
  bltz a2, fail
#else
  CHECK_EQ a2, 1      /* the first rdinstret retired in between */
#endif
  TEST 73
  li a0, 1000000
  csrw minstret, a0
  csrr a1, minstret
  sub a2, a1, a0
  bltz a2, fail
#ifndef QEMU
  li t0, 2
  bge a2, t0, fail
#endif
  TEST 74
  li a0, 5000000
  csrw mcycle, a0
  csrr a1, mcycle
  sub a2, a1, a0
  bltz a2, fail
#ifndef QEMU /* QEMU without -icount counts host clock ticks in mcycle */
  li t0, 1000
  bge a2, t0, fail
#endif
  TEST 75
  rdtime a0
  DELAY 1000
  rdtime a1
  bltu a1, a0, fail

  /* ---- G. mstatus WARL fields and the sstatus view (priv 3.1.6, 4.1.1) -- */
  TEST 76
  CLEAR_MSTATUS MSTATUS_MPP
  SET_MSTATUS MSTATUS_MPP_S
  CHECK_CSR_BITS mstatus, MSTATUS_MPP, MSTATUS_MPP_S
  TEST 77
  SET_MSTATUS MSTATUS_MPP_M
  CHECK_CSR_BITS mstatus, MSTATUS_MPP, MSTATUS_MPP_M
  TEST 78
  CLEAR_MSTATUS MSTATUS_MPP
  CHECK_CSR_BITS mstatus, MSTATUS_MPP, 0
  /* MPP is WARL over {U, S, M}: 2 (reserved) must read back as a legal value. */
  TEST 79
  csrr a0, mstatus
  li t0, ~MSTATUS_MPP
  and a0, a0, t0
  li t0, 2 << 11
  or a0, a0, t0
  csrw mstatus, a0
  csrr a1, mstatus
  srli a1, a1, 11
  andi a1, a1, 3
#ifndef QEMU /* QEMU 7.2 keeps the reserved value 2 in MPP */
  CHECK_NE a1, 2
#endif
  CLEAR_MSTATUS MSTATUS_MPP
  /* SXL = UXL = 2 (64-bit) in mstatus; UXL = 2 in sstatus (priv 3.1.6.2). */
  TEST 80
  CHECK_CSR_BITS mstatus, MSTATUS_UXL | MSTATUS_SXL, (2 << 32) | (2 << 34)
  TEST 81
  CHECK_CSR_BITS sstatus, MSTATUS_UXL | MSTATUS_SXL, 2 << 32
  /* sstatus is a view of mstatus: writes land in mstatus... */
  TEST 82
  CLEAR_MSTATUS MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrs sstatus, t0
  CHECK_CSR_BITS mstatus, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  TEST 83
  CLEAR_MSTATUS MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MXR
  CHECK_CSR_BITS sstatus, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SPIE | MSTATUS_SUM
  CLEAR_MSTATUS MSTATUS_SPIE | MSTATUS_SUM
  /* ...and M-only fields are invisible in sstatus and not writable through it. */
  TEST 84
  SET_MSTATUS MSTATUS_MPIE | MSTATUS_MPP_M | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
  CHECK_CSR_BITS sstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV, 0
  TEST 85
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
  csrc sstatus, t0
  CHECK_CSR_BITS mstatus, MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV, MSTATUS_MPIE | MSTATUS_MPP_M | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
  CLEAR_MSTATUS MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
  TEST 86
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP_M | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV
  csrs sstatus, t0
  CHECK_CSR_BITS mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV, 0
  /* misa is read-only here: a write changes nothing (WARL), and it says
   * RV64 with A C D F I M S U. */
  TEST 87
  csrr a0, misa
  csrw misa, zero
  csrr a1, misa
  CHECK_REGS a0, a1
  TEST 88
  li t0, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
  and a2, a0, t0
  CHECK_REGS a2, t0
  srli a2, a0, 62
  CHECK_EQ a2, 2

  /* ---- H. FS (priv 3.1.6.6) -------------------------------------------- */
  TEST 89
  CLEAR_MSTATUS MSTATUS_FS
  ILLEGAL_IN MODE_M, fadd.d f0, f1, f2
  TEST 90
  ILLEGAL_IN MODE_M, csrr a0, fcsr
  TEST 91
  ILLEGAL_IN MODE_M, frflags a0
  TEST 92
  ILLEGAL_IN MODE_M, fmv.x.d a0, f1
  TEST 93
  ILLEGAL_IN MODE_M, fld f0, 0(sp)
  TEST 94
  ILLEGAL_IN MODE_S, fsw f0, 0(sp)
  TEST 95
  ILLEGAL_IN MODE_U, fmv.w.x f0, a0
  TEST 96
  ILLEGAL_IN MODE_M, fcvt.d.l f3, a0
  /* FS=Initial: an FP register write makes FS Dirty and sets SD. */
  TEST 97
  SET_MSTATUS MSTATUS_FS_INITIAL
  CHECK_CSR_BITS mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_INITIAL
  li a0, 0x4000000000000000
  OK_IN MODE_M, fmv.d.x f1, a0
  TEST 98
  CHECK_CSR_BITS mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  TEST 99
  CHECK_CSR_BITS sstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  fmv.x.d a1, f1
  CHECK_EQ a1, 0x4000000000000000
  /* Writing fcsr is an FP state change too. */
  TEST 100
  CLEAR_MSTATUS MSTATUS_FS
  SET_MSTATUS MSTATUS_FS_INITIAL
  csrwi fcsr, 0
  CHECK_CSR_BITS mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  /* Clean (2): SD clear; an FP load makes it Dirty. */
  TEST 101
  CLEAR_MSTATUS MSTATUS_FS
  SET_MSTATUS 2 << 13
  CHECK_CSR_BITS mstatus, MSTATUS_FS | MSTATUS_SD, 2 << 13
  la a0, fp_two
  fld f5, 0(a0)
  CHECK_CSR_BITS mstatus, MSTATUS_FS | MSTATUS_SD, MSTATUS_FS_DIRTY | MSTATUS_SD
  /* FP works in S and U once FS is on, and dirties FS from there too. */
  TEST 102
  CLEAR_MSTATUS MSTATUS_FS
  SET_MSTATUS MSTATUS_FS_INITIAL
  OK_IN MODE_U, fadd.d f6, f5, f5
  CHECK_CSR_BITS mstatus, MSTATUS_FS, MSTATUS_FS_DIRTY
  TEST 103
  fmv.x.d a0, f6
  CHECK_EQ a0, 0x4010000000000000   /* 4.0 */
  TEST 104
  CLEAR_MSTATUS MSTATUS_FS
  ILLEGAL_IN MODE_U, fadd.d f6, f5, f5
  TEST 105
  ILLEGAL_IN MODE_S, fsflags a0

  j pass

  .data
  .balign 8
fp_two: .double 2.0
