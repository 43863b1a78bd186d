/*
 * vm.S: Sv39 translation (RISC-V privileged spec 1.12: 4.1.1 (SUM, MXR),
 * 4.1.11 (satp), 4.2.1 (SFENCE.VMA), 4.3.1 (PTE format), 4.3.2 (the
 * translation algorithm, used for Sv39 by 4.4), 3.1.6.3 (MPRV),
 * 3.1.16 (mtval)). lde updates A and D in hardware during the walk.
 *
 * The page tables are built by M in .bss. Virtual layout (S and U):
 *   0x0_4000_0000 + i*4K   4 KiB test pages (l0), see the PG_* list below
 *   0x0_4020_0000          2 MiB page -> PA 0x80200000 (RW)
 *   0x0_4040_0000          misaligned 2 MiB page (PPN[0] != 0)
 *   0x0_4060_0000          2 MiB page -> PA 0x80400000 (U, RW)
 *   0x0_40a0_0000          level-0 PTE that is a pointer (not a leaf)
 *   0x0_8000_0000          1 GiB page -> PA 0x80000000 (RWX): S runs the
 *                          harness and this file 1:1, page tables included
 *   0x1_0000_0000          1 GiB page -> PA 0x80000000, U RWX: U code runs
 *                          at label + 0x80000000 ("the U alias")
 *   0x1_4000_0000          misaligned 1 GiB page (PPN[1] != 0)
 *   0x1_8000_0000          1 GiB page -> PA 0x80000000, read-only
 *   0x1_c000_0000          1 GiB page -> PA 0x80000000, RW, A=0 D=0
 */
#include "harness.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80

#define VA4K(i)   (0x40000000 + (i) * 0x1000)
#define VA_MEGA   0x40200000
#define VA_MEGA_BAD 0x40400000
#define VA_MEGA_U 0x40600000
#define VA_NONLEAF 0x40a00000
#define VA_GIGA_U  0x100000000
#define VA_GIGA_BAD 0x140000000
#define VA_GIGA_RO 0x180000000
#define VA_GIGA_AD 0x1c0000000
#define U_ALIAS   0x80000000      /* U alias = PA + this */
#define PA_MEGA   0x80200000
#define PA_MEGA_U 0x80400000

/* the 4 KiB test pages: VA4K(i) -> data page i unless said otherwise */
#define PG_R        0   /* R                        */
#define PG_RW       1   /* RW                       */
#define PG_X        2   /* X only (code)            */
#define PG_URW      3   /* U RW                     */
#define PG_INVALID  4   /* V=0                      */
#define PG_WONLY    5   /* W without R: reserved    */
#define PG_AD       6   /* RW, A=0 D=0              */
#define PG_URX      7   /* U RX (code)              */
#define PG_STRADDLE 8   /* X, next page invalid     */
#define PG_HOLE     9   /* V=0                      */
#define PG_SPLIT    10  /* X, next page X on another physical page */
#define PG_SPLIT2   11  /*   -> data page 12        */
#define PG_TOHOST   12  /* RW -> tohost's page (QEMU: the test finisher) */
#define PG_FENCE    13  /* RW -> data page 13, later 14 */
#define PG_DIRTY    14  /* RW, A=1 D=0              */
#define PG_RSVD     15  /* RW with PTE bit 54 set (reserved) */
#define PG_XA       16  /* X, A=0 (code)            */
#define PG_EDGE     17  /* X: c.li a0, 9; c.jr ra in its last 4 bytes */
#define PG_UR       18  /* U R                      */
#define PG_UX       19  /* U X only                 */
#define PG_NOMEM    20  /* RW -> PA 0x90000000, where nothing is */
#define PG_AMO_D    21  /* RW, A=1 D=0              */
#define N_PAGES     22
#define PA_NOMEM    0x90000000
#define VA_WALK_NOMEM 0x40c00000  /* its level-1 PTE points at PA_NOMEM */

.macro SET_MSTATUS bits
  li t0, \bits
  csrs mstatus, t0
.endm
.macro CLEAR_MSTATUS bits
  li t0, \bits
  csrc mstatus, t0
.endm

/* table[index] = leaf/pointer to physical `pa` with `flags` (M or S). */
.macro PTE table, index, pa, flags
  la a0, \table
  li a1, \index
  li a3, \flags
  li a2, \pa
  jal ra, set_pte
.endm
.macro PTE_PAGE table, index, page, flags
  la a0, \table
  li a1, \index
  la a2, vm_pages + (\page) * 4096
  li a3, \flags
  jal ra, set_pte
.endm
.macro PTE_TABLE table, index, next
  la a0, \table
  li a1, \index
  la a2, \next
  li a3, PTE_V
  jal ra, set_pte
.endm

/* In the current mode (S, or M with MPRV): `insn` must take page fault
 * `cause` to M with epc = insn and tval = \tval (a register); the handler
 * returns to the next line in \mode. */
.macro FAULT cause, mode, tval, insn:vararg
  EXPECT_TRAP
  RESUME_AT .Lr\@, \mode
.Li\@:
  \insn
  j fail
.Lr\@:
  CHECK_TRAP \cause, MODE_M
  CHECK_EPC .Li\@
  CHECK_TVAL_REG \tval
.endm

/* In M with mstatus |= \bits (MPRV and an MPP): `insn` must take page
 * fault `cause` in M. The handler's mret returns to M but leaves MPP = U
 * (priv 3.3.2), so MPRV is cleared before anything else touches memory. */
.macro FAULT_MPRV bits, cause, tval, insn:vararg
  EXPECT_TRAP
  RESUME_AT .Lr\@, MODE_M
  SET_MSTATUS \bits
.Li\@:
  \insn
  j fail
.Lr\@:
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR
  CHECK_TRAP \cause, MODE_M
  CHECK_EPC .Li\@
  CHECK_TVAL_REG \tval
.endm

/* In S: jalr to \reg must take an instruction page fault to M with epc =
 * tval = \reg. */
.macro FETCH_FAULT reg
  EXPECT_TRAP
  RESUME_AT .Lr\@, MODE_S
  jalr ra, 0(\reg)
  j fail
.Lr\@:
  CHECK_TRAP CAUSE_INSN_PAGE, MODE_M
  LOAD_REC t4, REC_EPC
  CHECK_REGS t4, \reg
  CHECK_TVAL_REG \reg
.endm

/* From M: mret to U at the U alias of `label`. */
.macro GOTO_U label
  li t6, MSTATUS_MPP | MSTATUS_MPIE
  csrc mstatus, t6
  la t6, \label
  li t5, U_ALIAS
  add t6, t6, t5
  csrw mepc, t6
  mret
.endm

/* The recorded epc is the U alias of `label`. */
.macro CHECK_EPC_U label
  la t4, \label
  li t5, U_ALIAS
  add t4, t4, t5
  LOAD_REC t5, REC_EPC
  CHECK_REGS t4, t5
.endm

/* priv 3.1.15: "store, store-conditional, and AMO instructions generate
 * store/AMO exceptions" */
#ifdef QEMU /* QEMU 7.2: an AMO whose read is not permitted takes a load page fault */
#define AMO_NOREAD_FAULT CAUSE_LOAD_PAGE
#else
#define AMO_NOREAD_FAULT CAUSE_STORE_PAGE
#endif

  .text
test_main:
  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  CLEAR_MSTATUS MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPRV

  /* ---- build: data pages hold markers 0x1000 + i at offset 0 ----------- */
  la a0, vm_pages
  li a1, 0x1000
  li a2, N_PAGES
1:
  sd a1, 0(a0)
  li t0, 4096
  add a0, a0, t0
  addi a1, a1, 1
  addi a2, a2, -1
  bnez a2, 1b
  li a0, PA_MEGA
  li a1, 0x2000
  sd a1, 0(a0)
  li a0, PA_MEGA + 0x1238
  li a1, 0x2001
  sd a1, 0(a0)
  li a0, PA_MEGA_U
  li a1, 0x3000
  sd a1, 0(a0)
  /* code pages */
  la a0, vm_pages + PG_X * 4096
  jal ra, put_ret42
  la a0, vm_pages + PG_XA * 4096
  jal ra, put_ret42
  la a0, vm_pages + PG_URX * 4096
  jal ra, put_ret42
  la a0, vm_pages + PG_UX * 4096
  jal ra, put_ret42
  /* addi a0, a0, 1 (0x00150513) at 0xffe of the straddle pages; for the
   * split one, its upper half and then c.jr ra (0x8082) on data page 12 */
  la a0, vm_pages + PG_STRADDLE * 4096 + 0xffe
  li a1, 0x0513
  sh a1, 0(a0)
  la a0, vm_pages + PG_SPLIT * 4096 + 0xffe
  sh a1, 0(a0)
  la a0, vm_pages + 12 * 4096
  li a1, 0x0015
  sh a1, 0(a0)
  li a1, 0x8082
  sh a1, 2(a0)
  la a0, vm_pages + PG_EDGE * 4096 + 0xffc
  li a1, 0x4525                     /* c.li a0, 9 */
  sh a1, 0(a0)
  li a1, 0x8082                     /* c.jr ra */
  sh a1, 2(a0)
  fence.i

  /* ---- build: page tables ---------------------------------------------- */
  PTE root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  PTE root, 4, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  PTE root, 5, 0x80200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE root, 6, 0x80000000, PTE_V | PTE_R | PTE_A
  PTE root, 7, 0x80000000, PTE_V | PTE_R | PTE_W      /* A=0 D=0 */
  PTE_TABLE root, 1, l1
  PTE_TABLE l1, 0, l0
  PTE l1, 1, PA_MEGA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE l1, 2, PA_MEGA + 0x1000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE l1, 3, PA_MEGA_U, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  PTE_TABLE l1, 5, l0b
  PTE_TABLE l0b, 0, l0      /* a pointer at level 0 */
  PTE_PAGE l0, PG_R, PG_R, PTE_V | PTE_R | PTE_A | PTE_D
  PTE_PAGE l0, PG_RW, PG_RW, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_PAGE l0, PG_X, PG_X, PTE_V | PTE_X | PTE_A
  PTE_PAGE l0, PG_URW, PG_URW, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  PTE_PAGE l0, PG_WONLY, PG_WONLY, PTE_V | PTE_W | PTE_A | PTE_D
  PTE_PAGE l0, PG_AD, PG_AD, PTE_V | PTE_R | PTE_W
  PTE_PAGE l0, PG_URX, PG_URX, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
  PTE_PAGE l0, PG_STRADDLE, PG_STRADDLE, PTE_V | PTE_X | PTE_A
  PTE_PAGE l0, PG_SPLIT, PG_SPLIT, PTE_V | PTE_X | PTE_A
  PTE_PAGE l0, PG_SPLIT2, 12, PTE_V | PTE_X | PTE_A
#ifdef QEMU
  PTE l0, PG_TOHOST, QEMU_FINISHER, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
#else
  la a0, l0
  li a1, PG_TOHOST
  la a2, tohost
  li a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  jal ra, set_pte
#endif
  PTE_PAGE l0, PG_FENCE, PG_FENCE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_PAGE l0, PG_DIRTY, PG_DIRTY, PTE_V | PTE_R | PTE_W | PTE_A
  PTE_PAGE l0, PG_RSVD, PG_RSVD, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  la a0, l0 + PG_RSVD * 8
  ld a1, 0(a0)
  li t0, 1 << 54
  or a1, a1, t0
  sd a1, 0(a0)
  PTE_PAGE l0, PG_XA, PG_XA, PTE_V | PTE_X
  PTE_PAGE l0, PG_UR, PG_UR, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D
  PTE_PAGE l0, PG_UX, PG_UX, PTE_V | PTE_X | PTE_U | PTE_A
  PTE_PAGE l0, PG_EDGE, PG_EDGE, PTE_V | PTE_X | PTE_A
  PTE l0, PG_NOMEM, PA_NOMEM, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_PAGE l0, PG_AMO_D, PG_AMO_D, PTE_V | PTE_R | PTE_W | PTE_A
  PTE l1, 6, PA_NOMEM, PTE_V

  /* ---- A. satp (priv 4.1.11) ------------------------------------------- */
  TEST 1
  la s0, root
  srli s0, s0, 12
  li t0, SATP_SV39
  or s0, s0, t0             /* s0 = satp value for the tests */
  csrw satp, s0
  csrr a0, satp
  CHECK_REGS a0, s0
  /* "If satp is written with an unsupported MODE, the entire write has no
   * effect; no fields in satp are modified." Mode 1 is reserved. */
  TEST 2
  li t0, (1 << 60) | 0x12345
  csrw satp, t0
  csrr a0, satp
  CHECK_REGS a0, s0
  sfence.vma
  /* M is not translated: M still runs and reads physical memory. */
  TEST 3
  la a0, vm_pages
  ld a1, 0(a0)
  CHECK_EQ a1, 0x1000

  /* ---- B. S: R/W/X permissions (priv 4.3.1, 4.3.2 step 5) --------------- */
  TEST 4
  GOTO_MODE MODE_S, 1f
1:
  li s1, VA4K(PG_R)
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1000
  TEST 5
  addi s2, s1, 8
  FAULT CAUSE_STORE_PAGE, MODE_S, s2, sd a0, 8(s1)
  TEST 6
  FETCH_FAULT s1
  TEST 7
  li s1, VA4K(PG_RW)
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1001
  li a0, 0xabcd
  sd a0, 16(s1)
  la a1, vm_pages + PG_RW * 4096
  ld a2, 16(a1)             /* the same data through the identity map */
  CHECK_EQ a2, 0xabcd
  TEST 8
  FETCH_FAULT s1
  /* X only: fetch yes, load no (MXR=0), store no */
  TEST 9
  li s1, VA4K(PG_X)
  li a0, 0
  jalr ra, 0(s1)
  CHECK_EQ a0, 42
  TEST 10
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, lw a0, 0(s1)
  TEST 11
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sw a0, 0(s1)
  /* MXR=1: loads from X-only pages succeed (priv 4.1.1). */
  TEST 12
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  lhu a0, 0(s1)
  la a1, vm_pages + PG_X * 4096
  lhu a2, 0(a1)
  CHECK_REGS a0, a2
  TEST 13
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sw a0, 0(s1)
  li t0, MSTATUS_MXR
  csrc sstatus, t0
  /* invalid page: every access faults; stval = the address */
  TEST 14
  li s1, VA4K(PG_INVALID) + 0x123
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, lbu a0, 0(s1)
  TEST 15
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sb a0, 0(s1)
  TEST 16
  li s1, VA4K(PG_INVALID)
  FETCH_FAULT s1
  /* W=1 R=0 is reserved (step 3): page fault for any access */
  TEST 17
  li s1, VA4K(PG_WONLY)
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  TEST 18
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sd a0, 0(s1)
  /* a reserved PTE bit (54) set: page fault ("if any bits or encodings
   * that are reserved for future standard use are set within pte") */
  TEST 19
  li s1, VA4K(PG_RSVD)
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)

  /* ---- C. U pages from S: SUM (priv 4.1.1) ----------------------------- */
  TEST 20
  li s1, VA4K(PG_URW)
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  TEST 21
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sd a0, 0(s1)
  TEST 22
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1003
  li a0, 0x77
  sd a0, 8(s1)
  ld a1, 8(s1)
  CHECK_EQ a1, 0x77
  /* S never executes U pages, even with SUM=1 */
  TEST 23
  li s1, VA4K(PG_URX)
  FETCH_FAULT s1
  li t0, MSTATUS_SUM
  csrc sstatus, t0

  /* ---- D. A and D bits, set by hardware (priv 4.3.1, step 7) ------------ */
  TEST 24
  la s2, l0 + PG_AD * 8
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, 0
  li s1, VA4K(PG_AD)
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1006
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A    /* a load sets A only */
  TEST 25
  sd zero, 8(s1)
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A | PTE_D
  TEST 26
  la s2, l0 + PG_DIRTY * 8
  li s1, VA4K(PG_DIRTY)
  ld a0, 0(s1)
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A
  sd zero, 8(s1)
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A | PTE_D
  /* an instruction fetch sets A */
  TEST 27
  la s2, l0 + PG_XA * 8
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A, 0
  li s1, VA4K(PG_XA)
  li a0, 0
  jalr ra, 0(s1)
  CHECK_EQ a0, 42
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A

  /* ---- E. superpages (priv 4.3.2 steps 4-6, 4.4) ------------------------ */
  TEST 28
  li s1, VA_MEGA
  ld a0, 0(s1)
  CHECK_EQ a0, 0x2000
  li t0, 0x1000
  add t0, s1, t0
  ld a0, 0x238(t0)
  CHECK_EQ a0, 0x2001
  TEST 29
  li a0, 0x2002
  li t0, 0x100000
  add t0, s1, t0
  sd a0, 0(t0)                      /* VA_MEGA + 1 MiB */
  li t1, PA_MEGA + 0x100000
  ld a1, 0(t1)                      /* via the identity gigapage */
  CHECK_EQ a1, 0x2002
  /* misaligned megapage: "if i > 0 and pte.ppn[i-1:0] != 0, this is a
   * misaligned superpage; stop and raise a page-fault exception" */
  TEST 30
  li s1, VA_MEGA_BAD + 8
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  TEST 31
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sd a0, 0(s1)
  /* gigapage, read-only alias of RAM */
  TEST 32
  la a1, vm_pages
  li t0, VA_GIGA_RO - 0x80000000
  add s1, a1, t0
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1000
  TEST 33
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sd a0, 0(s1)
  /* the identity gigapage itself: this code runs through it */
  TEST 34
  auipc a0, 0
  srli a0, a0, 30
  CHECK_EQ a0, 2
  /* misaligned gigapage */
  TEST 35
  li s1, VA_GIGA_BAD + 0x10
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  /* a pointer PTE at level 0 (step 4: "if i < 0, stop and raise a
   * page-fault exception") */
  TEST 36
  li s1, VA_NONLEAF
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  /* not mapped at the top level */
  TEST 37
  li s1, 0x3f000000
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)

  /* ---- F. non-canonical addresses (priv 4.4.1: bits 63-39 must equal
   *         bit 38, "or else a page-fault exception will occur") --------- */
  TEST 38
  li s1, 0x0000008000000000
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  TEST 39
  li s1, 0xffffff7ffffff000
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, sd a0, 0(s1)
  TEST 40
  li s1, 0x8000000080000000         /* would be the identity page if truncated */
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  TEST 41
  li s1, 0x0000010080001000
  FETCH_FAULT s1
  /* sign-extended upper half: canonical, and unmapped here */
  TEST 42
  li s1, 0xffffffc000000000
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)

  /* ---- G. instructions that cross a page boundary (priv 3.1.16: "mtval
   *         will contain the virtual address of the portion of the
   *         instruction that caused the fault, while mepc will point to the
   *         beginning of the instruction") ------------------------------ */
  TEST 43
  li s1, VA4K(PG_STRADDLE) + 0xffe
  li s2, VA4K(PG_HOLE)
  EXPECT_TRAP
  RESUME_AT 2f, MODE_S
  li a0, 0
  jalr ra, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_INSN_PAGE, MODE_M
  LOAD_REC t4, REC_EPC
  CHECK_REGS t4, s1
  CHECK_TVAL_REG s2
  CHECK_EQ a0, 0
  /* the two halves come from two different physical pages */
  TEST 44
  li s1, VA4K(PG_SPLIT) + 0xffe
  li a0, 5
  jalr ra, 0(s1)
  CHECK_EQ a0, 6
  TEST 45
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M

  /* ---- H. U mode (priv 4.3.1: U pages only) ---------------------------- */
  /* U runs from the U alias gigapage; loads from a U page work */
  TEST 46
  li s1, VA4K(PG_URW)
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  ld a0, 0(s1)
3:
  ecall
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
  CHECK_EQ a0, 0x1003
  CHECK_EPC_U 3b
  /* ... loads from an S page do not */
  TEST 47
  li s1, VA4K(PG_RW)
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  ld a0, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_LOAD_PAGE, MODE_M
  CHECK_EPC_U 1b
  CHECK_TVAL_REG s1
  /* store to a U read-only page */
  TEST 48
  li s1, VA4K(PG_UR) + 0x10
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  sd a0, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_STORE_PAGE, MODE_M
  CHECK_EPC_U 1b
  CHECK_TVAL_REG s1
  /* U executes a U X page, not an S one */
  TEST 49
  li s1, VA4K(PG_URX)
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  li a0, 0
  jalr ra, 0(s1)
  ecall
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
  CHECK_EQ a0, 42
  TEST 50
  li s1, VA4K(PG_X)
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  jalr ra, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_INSN_PAGE, MODE_M
  LOAD_REC t4, REC_EPC
  CHECK_REGS t4, s1
  CHECK_TVAL_REG s1
  /* U load from a U X-only page: faults with MXR=0, works with MXR=1 */
  TEST 51
  li s1, VA4K(PG_UX)
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  lhu a0, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_LOAD_PAGE, MODE_M
  CHECK_TVAL_REG s1
  TEST 52
  SET_MSTATUS MSTATUS_MXR
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  lhu a0, 0(s1)
  ecall
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
  la t0, vm_pages + PG_UX * 4096
  lhu a1, 0(t0)
  CHECK_REGS a0, a1
  CLEAR_MSTATUS MSTATUS_MXR
  /* U 2 MiB page */
  TEST 53
  li s1, VA_MEGA_U
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  GOTO_U 1f
1:
  ld a0, 0(s1)
  ecall
2:
  CHECK_TRAP CAUSE_ECALL_U, MODE_M
  CHECK_EQ a0, 0x3000

  /* ---- I. page faults delegated to S (priv 3.1.8) ---------------------- */
  TEST 54
  li t0, (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE) | (1 << CAUSE_INSN_PAGE)
  csrw medeleg, t0
  li s1, VA4K(PG_RW) + 0x20
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  GOTO_U 1f
1:
  sd a0, 0(s1)
  j fail
3:
  CHECK_TRAP CAUSE_STORE_PAGE, MODE_S
  CHECK_EPC_U 1b
  CHECK_TVAL_REG s1
  CHECK_STATUS MSTATUS_SPP, 0
  /* from S to S (horizontal) */
  TEST 55
  li s1, VA4K(PG_INVALID) + 0x40
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
1:
  ld a0, 0(s1)
  j fail
3:
  CHECK_TRAP CAUSE_LOAD_PAGE, MODE_S
  CHECK_EPC 1b
  CHECK_TVAL_REG s1
  CHECK_STATUS MSTATUS_SPP, MSTATUS_SPP
  TEST 56
  li s1, VA4K(PG_HOLE)
  EXPECT_TRAP
  RESUME_AT 3f, MODE_S
  jalr ra, 0(s1)
  j fail
3:
  CHECK_TRAP CAUSE_INSN_PAGE, MODE_S
  LOAD_REC t4, REC_EPC
  CHECK_REGS t4, s1
  CHECK_TVAL_REG s1
  TEST 57
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  csrw medeleg, zero

  /* ---- J. MPRV (priv 3.1.6.3): M loads and stores translated as MPP ----- */
  TEST 58
  li s1, VA4K(PG_R)
  SET_MSTATUS MSTATUS_MPRV | MSTATUS_MPP_S
  ld a0, 0(s1)
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP
  CHECK_EQ a0, 0x1000
  /* a fault under MPRV is taken in M (from M: never delegated) */
  TEST 59
  li t0, 1 << CAUSE_STORE_PAGE
  csrw medeleg, t0
  FAULT_MPRV MSTATUS_MPRV | MSTATUS_MPP_S, CAUSE_STORE_PAGE, s1, sd a0, 0(s1)
  CHECK_STATUS MSTATUS_MPP | MSTATUS_MPRV, MSTATUS_MPP_M | MSTATUS_MPRV
  csrw medeleg, zero
  /* MPP=U: U permissions */
  TEST 60
  SET_MSTATUS MSTATUS_MPRV
  CLEAR_MSTATUS MSTATUS_MPP
  li s1, VA4K(PG_URW)
  ld a0, 0(s1)
  CLEAR_MSTATUS MSTATUS_MPRV
  CHECK_EQ a0, 0x1003
  TEST 61
  li s1, VA4K(PG_RW)
  FAULT_MPRV MSTATUS_MPRV, CAUSE_LOAD_PAGE, s1, ld a0, 0(s1)
  /* MPP=S with SUM=0 / SUM=1 on a U page */
  TEST 62
  li s1, VA4K(PG_URW)
  FAULT_MPRV MSTATUS_MPRV | MSTATUS_MPP_S, CAUSE_LOAD_PAGE, s1, ld a0, 0(s1)
  TEST 63
  SET_MSTATUS MSTATUS_MPRV | MSTATUS_MPP_S | MSTATUS_SUM
  ld a0, 0(s1)
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM
  CHECK_EQ a0, 0x1003
  /* MPP=S with MXR on an X-only page */
  TEST 64
  li s1, VA4K(PG_X)
  SET_MSTATUS MSTATUS_MPRV | MSTATUS_MPP_S | MSTATUS_MXR
  lhu a0, 0(s1)
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_MXR
  la t0, vm_pages + PG_X * 4096
  lhu a1, 0(t0)
  CHECK_REGS a0, a1
  /* MPP=M: no translation */
  TEST 65
  SET_MSTATUS MSTATUS_MPRV | MSTATUS_MPP_M
  la s1, vm_pages
  ld a0, 0(s1)
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP
  CHECK_EQ a0, 0x1000
  /* stores through MPRV land in the translated page */
  TEST 66
  li s1, VA4K(PG_RW)
  li a0, 0x5151
  SET_MSTATUS MSTATUS_MPRV | MSTATUS_MPP_S
  sd a0, 24(s1)
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP
  la t0, vm_pages + PG_RW * 4096
  ld a1, 24(t0)
  CHECK_EQ a1, 0x5151

  /* ---- K. SFENCE.VMA (priv 4.2.1) --------------------------------------- */
  TEST 67
  GOTO_MODE MODE_S, 1f
1:
  li s1, VA4K(PG_FENCE)
  ld a0, 0(s1)
  CHECK_EQ a0, 0x100d
  /* remap to data page 14; sfence.vma for that address */
  la a0, l0
  li a1, PG_FENCE
  la a2, vm_pages + 14 * 4096
  li a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  jal ra, set_pte
  sfence.vma s1, zero
  ld a0, 0(s1)
  CHECK_EQ a0, 0x100e
  /* back, with a global fence */
  TEST 68
  la a0, l0
  li a1, PG_FENCE
  la a2, vm_pages + 13 * 4096
  li a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  jal ra, set_pte
  sfence.vma
  ld a0, 0(s1)
  CHECK_EQ a0, 0x100d
  /* with the current ASID in rs2 (rs1 = x0: all addresses of that ASID) */
  TEST 69
  csrr s2, satp
  srli s2, s2, 44
  li t0, 0xffff
  and s2, s2, t0
  la a0, l0
  li a1, PG_FENCE
  la a2, vm_pages + 14 * 4096
  li a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  jal ra, set_pte
  sfence.vma zero, s2
  ld a0, 0(s1)
  CHECK_EQ a0, 0x100e
  /* address and ASID */
  TEST 70
  la a0, l0
  li a1, PG_FENCE
  la a2, vm_pages + 13 * 4096
  li a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  jal ra, set_pte
  sfence.vma s1, s2
  ld a0, 0(s1)
  CHECK_EQ a0, 0x100d
  /* an invalidated PTE faults after the fence */
  TEST 71
  la a0, l0 + PG_FENCE * 8
  sd zero, 0(a0)
  sfence.vma s1, zero
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  /* a new satp (another root) takes effect after sfence.vma: the same VA,
   * now unmapped, faults (then back). */
  TEST 72
  csrr s3, satp
  PTE root2, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  la a0, root2
  srli a0, a0, 12
  li t0, SATP_SV39
  or a0, a0, t0
  csrw satp, a0
  sfence.vma
  li s1, VA4K(PG_R)
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
  TEST 73
  csrw satp, s3
  sfence.vma
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1000

  /* ---- L. accesses that cross a page, at a page's end ------------------ */
  /* A misaligned load (done in hardware) over two pages whose physical
   * pages are not adjacent: each half is translated (X pages, MXR=1). */
  TEST 74
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  li s1, VA4K(PG_SPLIT) + 0xffe
  ld a0, 0(s1)
  CHECK_EQ a0, 0x0000808200150513
  li t0, MSTATUS_MXR
  csrc sstatus, t0
  /* ... and into an invalid page: a page fault whose stval is in the part
   * that faulted (priv 3.1.16: "the virtual address of the portion of the
   * access that caused the fault"). */
  TEST 75
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  li s1, VA4K(PG_URW) + 0xffc
  EXPECT_TRAP
  RESUME_AT 2f, MODE_S
1:
  ld a0, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_LOAD_PAGE, MODE_M
  CHECK_EPC 1b
  LOAD_REC a1, REC_TVAL
  li t0, VA4K(PG_INVALID)
  bltu a1, t0, fail
  addi t0, t0, 4
  bgeu a1, t0, fail
  TEST 76
  EXPECT_TRAP
  RESUME_AT 2f, MODE_S
1:
  sd a0, 0(s1)
  j fail
2:
  CHECK_TRAP CAUSE_STORE_PAGE, MODE_M
  CHECK_EPC 1b
  LOAD_REC a1, REC_TVAL
  li t0, VA4K(PG_INVALID)
  bltu a1, t0, fail
  addi t0, t0, 4
  bgeu a1, t0, fail
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  /* 16-bit instructions in the last 4 bytes of an executable page whose
   * next page S may not execute: no fault. */
  TEST 77
  li s1, VA4K(PG_EDGE) + 0xffc
  li a0, 0
  jalr ra, 0(s1)
  CHECK_EQ a0, 9

  /* ---- M. access faults through the page tables (priv 4.3.2 steps 2, 8:
   *         a PMA violation is an access fault of the original access type;
   *         stval is the virtual address) ------------------------------- */
  TEST 78
  li s1, VA4K(PG_NOMEM) + 8
  FAULT CAUSE_LOAD_ACCESS, MODE_S, s1, ld a0, 0(s1)
  TEST 79
  FAULT CAUSE_STORE_ACCESS, MODE_S, s1, sd a0, 0(s1)
  TEST 80
  li s1, VA_WALK_NOMEM
#ifdef QEMU /* QEMU 7.2 reports a PTE read that fails as a page fault */
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, ld a0, 0(s1)
#else
  FAULT CAUSE_LOAD_ACCESS, MODE_S, s1, ld a0, 0(s1)
#endif

  /* ---- N. atomics and permissions: LR needs R (load fault), SC and AMOs
   *         need R and W (store/AMO faults, priv 3.1.15) ------------------ */
  TEST 81
  li s1, VA4K(PG_R)
  li a1, 1
  FAULT CAUSE_STORE_PAGE, MODE_S, s1, amoadd.d a0, a1, (s1)
  TEST 82
  li s1, VA4K(PG_X)
  FAULT CAUSE_LOAD_PAGE, MODE_S, s1, lr.d a0, (s1)
  TEST 83
  li s1, VA4K(PG_URW)
  FAULT AMO_NOREAD_FAULT, MODE_S, s1, amoswap.w a0, a1, (s1)
  TEST 84
  li s1, VA4K(PG_WONLY)
  FAULT AMO_NOREAD_FAULT, MODE_S, s1, amoor.d a0, a1, (s1)
  /* an AMO is a write: it sets D */
  TEST 85
  la s2, l0 + PG_AMO_D * 8
  li s1, VA4K(PG_AMO_D)
  li a1, 0x100
  amoor.d a0, a1, (s1)
  CHECK_EQ a0, 0x1000 + PG_AMO_D
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A | PTE_D
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1100 + PG_AMO_D

  /* ---- O. more A/D ----------------------------------------------------- */
  /* software clears D (and fences): the next store sets it again */
  TEST 86
  la s2, l0 + PG_AMO_D * 8
  ld a0, 0(s2)
  li t0, ~PTE_D
  and a0, a0, t0
  sd a0, 0(s2)
  sfence.vma s1, zero
  ld a0, 8(s1)
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A
  sd zero, 8(s1)
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A | PTE_D
  /* A and D of a gigapage leaf */
  TEST 87
  la s2, root + 7 * 8
  la a1, vm_pages
  li t0, VA_GIGA_AD - 0x80000000
  add s1, a1, t0
  ld a0, 0(s1)
  CHECK_EQ a0, 0x1000
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A
  TEST 88
  sd zero, 8(s1)
  ld a0, 0(s2)
  CHECK_BITS a0, PTE_A | PTE_D, PTE_A | PTE_D

  /* ---- P. a trap from M while MPRV=1 and MPP=U: the handler runs with
   *         MPP=M, so its own loads and stores are not translated ------- */
  TEST 89
  ECALL_TO_M 2f
2:
  CHECK_TRAP CAUSE_ECALL_S, MODE_M
  TEST 90
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  EXPECT_TRAP
  RESUME_AT 2f, MODE_M
  SET_MSTATUS MSTATUS_MPRV
1:
  ecall
  j fail
2:
  CLEAR_MSTATUS MSTATUS_MPRV | MSTATUS_MPP
  CHECK_TRAP CAUSE_ECALL_M, MODE_M
  CHECK_EPC 1b
  CHECK_STATUS MSTATUS_MPRV | MSTATUS_MPP, MSTATUS_MPRV | MSTATUS_MPP_M
  TEST 91
  GOTO_MODE MODE_S, 1f
1:

  /* ---- Z. HTIF through a virtual mapping ------------------------------- */
  /* The last check: S stores to tohost at another virtual address; that
   * store must end the run with "pass" (QEMU: the finisher's page). */
  TEST 99
  li s1, VA4K(PG_TOHOST)
#ifdef QEMU
  li a0, 0x5555
  sw a0, 0(s1)
#else
  la a1, tohost
  li t0, 0xfff
  and a1, a1, t0
  add s1, s1, a1
  li a0, 1
  sd a0, 0(s1)
#endif
  DELAY 100000
  j fail

/* ---- helpers (run in M or S; page tables are identity mapped for S) ---- */
/* a0 = table, a1 = index, a2 = physical address, a3 = flags */
set_pte:
  srli a2, a2, 12
  slli a2, a2, 10
  or a2, a2, a3
  slli a1, a1, 3
  add a0, a0, a1
  sd a2, 0(a0)
  ret

/* writes "li a0, 42; ret" at a0 */
put_ret42:
  la a1, tmpl_ret42
  la a2, tmpl_ret42_end
1:
  lhu a3, 0(a1)
  sh a3, 0(a0)
  addi a1, a1, 2
  addi a0, a0, 2
  bltu a1, a2, 1b
  ret

  .balign 4
tmpl_ret42:
  li a0, 42
  ret
  .balign 2
tmpl_ret42_end:

  .bss
  .balign 4096
root:  .space 4096
root2: .space 4096
l1:    .space 4096
l0:    .space 4096
l0b:   .space 4096
vm_pages: .space N_PAGES * 4096
