/*
 * delegation.S: trap routing (medeleg/mideleg), trap vectors, the values of
 * xepc/xcause/xtval, and the mstatus stack on traps and xRET
 * (RISC-V privileged spec 1.12: 3.1.6.1, 3.1.7, 3.1.8, 3.1.14-3.1.16,
 * 3.3.1, 3.3.2, 4.1.1, 4.1.2).
 */
#include "harness.h"

#define UNMAPPED 0x90000000    /* no device and no RAM at this physical address */

.macro SET_MSTATUS bits
  li t0, \bits
  csrs mstatus, t0
.endm
.macro CLEAR_MSTATUS bits
  li t0, \bits
  csrc mstatus, t0
.endm

/* The recorded tval is 0 or the address of `label` (breakpoint: priv 3.1.16
 * lets mtval be zero or the faulting virtual address). */
.macro CHECK_TVAL_ZERO_OR label
  LOAD_REC t4, REC_TVAL
  beqz t4, .Lok\@
  CHECK_ADDR t4, \label
.Lok\@:
.endm

  .text
test_main:
  /* ---- A. ecall causes, no delegation (priv 3.3.1, Table 3.6) ---------- */
  TEST 1
  EXPECT_TRAP
1:
  ecall
  CHECK_TRAP CAUSE_ECALL_M, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_MPP, MSTATUS_MPP_M
  TEST 2
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_MPP, MSTATUS_MPP_S
  TEST 3
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_U, 1f
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_MPP, 0

  /* ---- B. medeleg / mideleg WARL (priv 3.1.8) ------------------------- */
  /* "medeleg[11] ... hardwired to zero": ecall from M cannot be delegated. */
  TEST 4
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
#ifndef QEMU /* QEMU 7.2 lets medeleg[11] be written */
  CHECK_BITS a0, 1 << CAUSE_ECALL_M, 0
#endif
  TEST 5
  li t1, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_PAGE)
  CHECK_BITS a0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_PAGE), (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_PAGE)
  /* Delegating everything still leaves traps taken in M in M. */
  TEST 6
  EXPECT_TRAP
1:
  ecall
  CHECK_TRAP CAUSE_ECALL_M, MODE_M
  CHECK_EPC 1b
  TEST 7
  EXPECT_TRAP
1:
  ebreak
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL_ZERO_OR 1b
  TEST 8
  EXPECT_TRAP
1:
  csrr a0, 0x0ff
  CHECK_TRAP CAUSE_ILLEGAL, MODE_M
  CHECK_EPC 1b
  csrw medeleg, zero
  /* mideleg: only the S-level interrupts are delegable here; M-level bits
   * read as zero. */
  TEST 9
  li t0, -1
  csrw mideleg, t0
  csrr a0, mideleg
  CHECK_BITS a0, MIP_MSIP | MIP_MTIP | MIP_MEIP, 0
  TEST 10
  CHECK_BITS a0, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, zero

  /* ---- C. exceptions delegated to S (priv 3.1.8) ---------------------- */
  /* ecall from U delegated: S handler, scause 8, sepc, stval 0, SPP=U. */
  TEST 11
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  ecall
  j fail
3: /* in S */
  CHECK_TRAP CAUSE_ECALL_U, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_SPP, 0
  TEST 12
  ECALL_TO_M 4f           /* ecall from S is not delegated: back to M */
4:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_STATUS MSTATUS_MPP, MSTATUS_MPP_S
  /* The same medeleg: ecall from S goes to M (bit 9 clear). */
  TEST 13
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_EPC 1b

  /* breakpoint delegated, from U and from S */
  TEST 14
  li t0, (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ILLEGAL)
  csrw medeleg, t0
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  ebreak
  j fail
3:
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL_ZERO_OR 1b
  CHECK_STATUS MSTATUS_SPP, 0
  /* still in S: ebreak here goes to S too (SPP=S), and returns after it */
  TEST 15
  EXPECT_TRAP
1:
  ebreak
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_S
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_SPP, MSTATUS_SPP
  /* compressed c.ebreak: sepc at it, 2-byte instruction */
  TEST 16
  EXPECT_TRAP
1:
  c.ebreak
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL_ZERO_OR 1b
  /* illegal instruction from S, delegated: stval = instruction bits */
  TEST 17
  EXPECT_TRAP
1:
  csrr a0, mstatus
  CHECK_TRAP CAUSE_ILLEGAL, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL_INSN 1b
  TEST 18
  EXPECT_TRAP
1:
  .half 0                  /* the all-zero 16-bit pattern is illegal */
  CHECK_TRAP CAUSE_ILLEGAL, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL_INSN 1b
  TEST 19
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  /* illegal instruction from U, delegated */
  TEST 20
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  csrr a0, sstatus
  j fail
3:
  CHECK_TRAP CAUSE_ILLEGAL, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL_INSN 1b
  CHECK_STATUS MSTATUS_SPP, 0
  TEST 21
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  /* With breakpoint delegated, M's own ebreak stays in M. */
  TEST 22
  EXPECT_TRAP
1:
  ebreak
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_M
  CHECK_EPC 1b
  TEST 23
  csrw medeleg, zero
  /* Not delegated: ebreak from S goes to M. */
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  ebreak
  j fail
2:
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_M
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_MPP, MSTATUS_MPP_S

  /* ---- D. access faults: mtval = the faulting address (priv 3.1.16) ---- */
  TEST 24
  li a1, UNMAPPED
  EXPECT_TRAP
1:
  ld a0, 0(a1)
  CHECK_TRAP CAUSE_LOAD_ACCESS, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL UNMAPPED
  TEST 25
  EXPECT_TRAP
1:
  sw a0, 8(a1)
  CHECK_TRAP CAUSE_STORE_ACCESS, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL UNMAPPED + 8
  TEST 26
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  la ra, 2f
  jalr ra, 0(a1)
  j fail
2:
  CHECK_TRAP CAUSE_INSN_ACCESS, MODE_M
  LOAD_REC a0, REC_EPC
  CHECK_EQ a0, UNMAPPED
  CHECK_TVAL UNMAPPED
  /* delegated load access fault from U: stval */
  TEST 27
  li t0, 1 << CAUSE_LOAD_ACCESS
  csrw medeleg, t0
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  lw a0, 4(a1)
  j fail
3:
  CHECK_TRAP CAUSE_LOAD_ACCESS, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL UNMAPPED + 4
  TEST 28
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  csrw medeleg, zero

  /* ---- E. interrupt delegation (priv 3.1.9) --------------------------- */
  /* A delegated interrupt is never taken in M, whatever MIE and SIE say. */
  TEST 29
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  SET_MSTATUS MSTATUS_MIE | MSTATUS_SIE
  EXPECT_TRAP
  DELAY 100
  CLEAR_MSTATUS MSTATUS_MIE
  CHECK_COUNT 0
  /* ... and is taken at once in S with SIE=1: sepc = the first instruction. */
  TEST 30
  GOTO_MODE MODE_S, 1f     /* SIE stays 1 */
1:
  nop
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  TEST 31
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SSIP
  csrc mip, t0
  /* Delegated, in S with SIE=0: not taken... */
  TEST 32
  csrs mie, t0
  csrs mip, t0
  CLEAR_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  GOTO_MODE MODE_S, 1f
1:
  DELAY 50
  CHECK_COUNT 0
  /* ... until SIE is set: taken right after that csrs (sepc = next). */
  TEST 33
  csrsi sstatus, MSTATUS_SIE
1:
  nop
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_S
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  TEST 34
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SSIP
  csrc mip, t0
  CLEAR_MSTATUS MSTATUS_SIE
  /* Not delegated: an S-level interrupt pending in S traps to M even with
   * MIE=0 (M interrupts are always enabled below M). */
  TEST 35
  csrw mideleg, zero
  li t0, MIP_SSIP
  csrs mie, t0
  csrs mip, t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_S, 1f
1:
  nop
  j fail
2:
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_M
  CHECK_EPC 1b
  CHECK_TVAL 0
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_S
  li t0, MIP_SSIP
  csrc mip, t0

  /* ---- F. vectored trap vectors (priv 3.1.7, 4.1.2) -------------------- */
  /* Vectored mtvec: interrupt cause i goes to BASE + 4*i ... */
  TEST 36
  la t0, mtrap_vector
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  CHECK_REGS a0, t0
  TEST 37
  li t0, MIP_SSIP
  csrs mie, t0
  csrs mip, t0
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
1:
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_M
  CHECK_VEC IRQ_SSI
  CHECK_EPC 1b
  li t0, MIP_SSIP
  csrc mip, t0
  TEST 38
  li t0, MIP_MSIP
  csrs mie, t0
  li t1, CLINT_MSIP
  li t2, 1
  sw t2, 0(t1)
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
  DELAY 20
  csrci mstatus, MSTATUS_MIE
  sw zero, 0(t1)
  CHECK_TRAP INTERRUPT | IRQ_MSI, MODE_M
  CHECK_VEC IRQ_MSI
  TEST 39
  li t1, CLINT_MTIMECMP
  sd zero, 0(t1)
  li t0, MIP_MTIP
  csrs mie, t0
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
  DELAY 20
  csrci mstatus, MSTATUS_MIE
  li t0, -1
  sd t0, 0(t1)
  CHECK_TRAP INTERRUPT | IRQ_MTI, MODE_M
  CHECK_VEC IRQ_MTI
  /* ... and exceptions go to BASE. */
  TEST 40
  EXPECT_TRAP
1:
  ecall
  CHECK_TRAP CAUSE_ECALL_M, MODE_M
  CHECK_VEC 0
  CHECK_EPC 1b
  TEST 41
  EXPECT_TRAP
  ebreak
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_M
  CHECK_VEC 0
  la t0, mtrap_entry
  csrw mtvec, t0
  /* Direct mode: everything at BASE (the harness's direct entry: vec -1). */
  TEST 42
  li t0, MIP_SSIP
  csrs mie, t0
  csrs mip, t0
  EXPECT_TRAP
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_M
  CHECK_VEC -1
  li t0, MIP_SSIP
  csrc mip, t0
  /* Vectored stvec, delegated interrupts and exceptions. */
  TEST 43
  la t0, strap_vector
  ori t0, t0, 1
  csrw stvec, t0
  csrr a0, stvec
  CHECK_REGS a0, t0
  li t0, MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  li t0, MIP_SSIP
  csrs mie, t0
  csrs mip, t0
  SET_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  GOTO_MODE MODE_S, 1f
1:
  nop
  CHECK_TRAP INTERRUPT | IRQ_SSI, MODE_S
  CHECK_VEC IRQ_SSI
  CHECK_EPC 1b
  TEST 44
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_SSIP
  csrc mip, t0
  /* STIP set by M (no Sstc enable), delegated: S vector 5 */
  TEST 45
  li t0, MIP_STIP
  csrs mie, t0
  csrs mip, t0
  EXPECT_TRAP
  GOTO_MODE MODE_S, 1f
1:
  nop
  CHECK_TRAP INTERRUPT | IRQ_STI, MODE_S
  CHECK_VEC IRQ_STI
  CHECK_EPC 1b
  TEST 46
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  li t0, MIP_STIP
  csrc mip, t0
  /* a delegated exception from U goes to the stvec BASE */
  TEST 47
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  ecall
  j fail
3:
  CHECK_TRAP CAUSE_ECALL_U, MODE_S
  CHECK_VEC 0
  CHECK_EPC 1b
  TEST 48
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  la t0, strap_entry
  csrw stvec, t0
  csrw mideleg, zero
  csrw medeleg, zero
  CLEAR_MSTATUS MSTATUS_SIE

  /* ---- G. the mstatus stack on traps (priv 3.1.6.1, 4.1.1) -------------- */
  /* Trap from S with MIE=1 to M: MPIE=1, MIE=0, MPP=S. */
  TEST 49
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  CLEAR_MSTATUS MSTATUS_MPP
  SET_MSTATUS MSTATUS_MPIE | MSTATUS_MPP_S
  la t0, 1f
  csrw mepc, t0
  mret                      /* to S, MIE = MPIE = 1 */
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_S | MSTATUS_MPIE
  /* Trap from U with MIE=0: MPIE=0, MPP=U. */
  TEST 50
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_MODE MODE_U, 1f
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, 0
  /* Trap from M with MIE=1: MPIE=1, MIE=0, MPP=M (nothing pending in mie). */
  TEST 51
  csrw mie, zero
  csrsi mstatus, MSTATUS_MIE
  EXPECT_TRAP
  ecall
  CHECK_TRAP CAUSE_ECALL_M, MODE_M
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_M | MSTATUS_MPIE
  /* ...and the handler's mret restored MIE=1 (and MPIE=1, MPP=U). */
  TEST 52
  CHECK_CSR_BITS mstatus, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE | MSTATUS_MIE
  csrci mstatus, MSTATUS_MIE
  /* mret: MIE <- MPIE, MPIE <- 1, MPP <- U (priv 3.3.2). */
  TEST 53
  CLEAR_MSTATUS MSTATUS_MPIE | MSTATUS_MIE
  SET_MSTATUS MSTATUS_MPP_M
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:
  CHECK_CSR_BITS mstatus, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE
  TEST 54
  SET_MSTATUS MSTATUS_MPP_M     /* MPIE is 1 now */
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:
  CHECK_CSR_BITS mstatus, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE | MSTATUS_MIE
  csrci mstatus, MSTATUS_MIE
  /* mret to M keeps MPRV; mret below M clears it ("If y != M, xRET also
   * sets MPRV=0", priv 3.1.6.3). */
  TEST 55
  SET_MSTATUS MSTATUS_MPP_M | MSTATUS_MPRV
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:
  CHECK_CSR_BITS mstatus, MSTATUS_MPRV, MSTATUS_MPRV
  TEST 56
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  SET_MSTATUS MSTATUS_MPRV
  GOTO_MODE MODE_S, 1f
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
#ifndef QEMU /* QEMU 7.2 does not clear MPRV on mret/sret below M */
  CHECK_STATUS MSTATUS_MPRV, 0
#endif
  CLEAR_MSTATUS MSTATUS_MPRV
  TEST 57
  SET_MSTATUS MSTATUS_MPRV
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  la t0, 1f
  csrw sepc, t0
  CLEAR_MSTATUS MSTATUS_SPP
  sret                          /* to U, from M */
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
#ifndef QEMU /* as above */
  CHECK_STATUS MSTATUS_MPRV, 0
#endif
  CLEAR_MSTATUS MSTATUS_MPRV
  /* sret: SIE <- SPIE, SPIE <- 1, SPP <- U. */
  TEST 58
  CLEAR_MSTATUS MSTATUS_SIE
  SET_MSTATUS MSTATUS_SPP | MSTATUS_SPIE
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  la t0, 1f
  csrw sepc, t0
  sret                          /* to S */
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE | MSTATUS_SIE
  TEST 59
  CLEAR_MSTATUS MSTATUS_SPIE
  SET_MSTATUS MSTATUS_SPP
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  la t0, 1f
  csrw sepc, t0
  sret
1:
  ecall
  j fail
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
  /* Trap to S from U with SIE=1: SPIE=1, SIE=0, SPP=U; from S with SIE=0:
   * SPIE=0, SPP=S. */
  TEST 60
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  SET_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_MODE MODE_U, 1f
1:
  ecall
  j fail
3:
  CHECK_TRAP CAUSE_ECALL_U, MODE_S
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
  TEST 61
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  TEST 62
  li t0, (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U)
  csrw medeleg, t0
  CLEAR_MSTATUS MSTATUS_SIE
  EXPECT_TRAP
  GOTO_MODE MODE_S, 1f
1:
  ebreak
  CHECK_TRAP CAUSE_BREAKPOINT, MODE_S
  CHECK_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP
  /* the handler's sret restored SIE = SPIE = 0, SPIE = 1, SPP = U */
  TEST 63
  csrr a0, sstatus
  CHECK_BITS a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
  TEST 64
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  csrw medeleg, zero

  /* ---- H. xepc and xtvec WARL (priv 3.1.7, 3.1.14) ---------------------- */
  /* IALIGN=16: mepc[0] and sepc[0] read as zero. */
  TEST 65
#ifndef QEMU /* QEMU 7.2 keeps bit 0 of a written mepc/sepc */
  csrr s0, mepc
  li t0, 0x80001233
  csrw mepc, t0
  CHECK_CSR mepc, 0x80001232
  csrw mepc, s0
  TEST 66
  li t0, 0x80004567
  csrw sepc, t0
  CHECK_CSR sepc, 0x80004566
#endif
  /* mtvec/stvec in direct mode hold a 4-byte aligned BASE. */
  TEST 67
  la t0, mtrap_entry
  csrr a0, mtvec
  CHECK_REGS a0, t0

  j pass
