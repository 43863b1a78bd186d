/*
 * lde's own bare-metal test harness for the privileged architecture
 * (RISC-V privileged spec 1.12). Written for this project; include it once
 * at the top of each test file, then define `test_main` in .text.
 *
 * Conventions
 *   s11     the current check number (TEST n). A failing check exits with
 *           status n and prints "FAIL check n" on the UART.
 *   t4-t6   scratch for the CHECK_* and mode macros; tests keep nothing in
 *           them across a macro.
 *   a7      must not hold FAIL_MAGIC except in `fail`.
 *
 * Exit: HTIF tohost (lde): 1 = pass, (n << 1) | 1 = fail n. Built with
 * -DQEMU the harness also writes the QEMU virt test finisher at 0x100000
 * (0x5555 = pass, (n << 16) | 0x3333 = fail n), so the same test can run on
 * QEMU as a second oracle.
 *
 * Traps: one M-mode and one S-mode handler (plus 16-entry vector tables for
 * the vectored-mode tests) record each trap in `trap_rec`:
 *   count, cause, epc, tval, status (mstatus or sstatus as the handler saw it
 *   on entry), mode (3 = M handler, 1 = S handler), vec (vector entry taken,
 *   -1 for the direct entry), and a log of the first 8 causes.
 * A trap is only allowed while "armed" (EXPECT_TRAPS n allows n traps); any
 * other trap is reported as unexpected and the test fails with its details.
 * After recording, the handler returns to
 *   - the one-shot resume address set by RESUME_AT (optionally changing
 *     xPP so that xRET lands in another mode), else
 *   - the next instruction for an exception (xepc + 2 or 4, read from the
 *     instruction's low bits), or xepc itself for an interrupt.
 * For an interrupt the handler clears that cause's enable bit (mie or sie),
 * so that returning does not take the same interrupt again.
 *
 * `fail` works from any mode: it executes ecall with a7 = FAIL_MAGIC; the S
 * handler forwards such an ecall to M with another ecall, and the M handler
 * reports. So the S handler's code and data must stay reachable at their
 * physical addresses whenever S-mode runs with translation on (vm.S maps RAM
 * 1:1 for S).
 */
#ifndef LDE_ASM_HARNESS_H
#define LDE_ASM_HARNESS_H

/* ---- architectural constants (priv 1.12) ----------------------------- */
#define MODE_U 0
#define MODE_S 1
#define MODE_M 3

#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_MPP_M (3 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_DIRTY   (3 << 13)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)
#define MSTATUS_UXL   (3 << 32)
#define MSTATUS_SXL   (3 << 34)
#define MSTATUS_SD    (1 << 63)

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_MTIP (1 << IRQ_MTI)
#define MIP_SEIP (1 << IRQ_SEI)
#define MIP_MEIP (1 << IRQ_MEI)

#define CAUSE_INSN_MISALIGNED 0
#define CAUSE_INSN_ACCESS     1
#define CAUSE_ILLEGAL         2
#define CAUSE_BREAKPOINT      3
#define CAUSE_LOAD_MISALIGNED 4
#define CAUSE_LOAD_ACCESS     5
#define CAUSE_STORE_MISALIGNED 6
#define CAUSE_STORE_ACCESS    7
#define CAUSE_ECALL_U         8
#define CAUSE_ECALL_S         9
#define CAUSE_ECALL_M         11
#define CAUSE_INSN_PAGE       12
#define CAUSE_LOAD_PAGE       13
#define CAUSE_STORE_PAGE      15
#define INTERRUPT (1 << 63)

#define MENVCFG_STCE (1 << 63)
#define SATP_SV39 (8 << 60)

/* counteren bits */
#define CNT_CY 1
#define CNT_TM 2
#define CNT_IR 4

/* QEMU virt / lde board */
#define CLINT_BASE     0x2000000
#define CLINT_MSIP     0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME    0x200bff8
#define PLIC_BASE      0xc000000
#define UART_BASE      0x10000000
#define UART_IRQ       10
#define QEMU_FINISHER  0x100000

#define FAIL_MAGIC 0x4641494c

/* trap_rec fields */
#define REC_COUNT  0
#define REC_ARMED  8
#define REC_CAUSE  16
#define REC_EPC    24
#define REC_TVAL   32
#define REC_STATUS 40
#define REC_MODE   48
#define REC_VEC    56
#define REC_RESUME 64
#define REC_RMODE  72
#define REC_LOG    80
#define REC_SIZE   144

/* ---- check macros ----------------------------------------------------- */

.macro TEST n
  li s11, \n
.endm

/* reg == val */
.macro CHECK_EQ reg, val
  li t6, \val
  beq \reg, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* reg != val */
.macro CHECK_NE reg, val
  li t6, \val
  bne \reg, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* ra == rb */
.macro CHECK_REGS ra, rb
  beq \ra, \rb, .Lok\@
  j fail
.Lok\@:
.endm

/* (reg & mask) == val */
.macro CHECK_BITS reg, mask, val
  li t6, \mask
  and t5, \reg, t6
  li t6, \val
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* reg == address of label */
.macro CHECK_ADDR reg, label
  la t6, \label
  beq \reg, t6, .Lok\@
  j fail
.Lok\@:
.endm

.macro CHECK_CSR csr, val
  csrr t5, \csr
  CHECK_EQ t5, \val
.endm

.macro CHECK_CSR_BITS csr, mask, val
  csrr t5, \csr
  CHECK_BITS t5, \mask, \val
.endm

/* ---- trap expectation ------------------------------------------------- */

/* Allows the next n traps; clears the record and any resume request. */
.macro EXPECT_TRAPS n
  la t6, trap_rec
  sd zero, REC_COUNT(t6)
  li t5, -1
  sd t5, REC_CAUSE(t6)
  sd t5, REC_MODE(t6)
  sd t5, REC_EPC(t6)
  sd t5, REC_TVAL(t6)
  sd zero, REC_RESUME(t6)
  sd zero, REC_RMODE(t6)
  li t5, \n
  sd t5, REC_ARMED(t6)
.endm

.macro EXPECT_TRAP
  EXPECT_TRAPS 1
.endm

/* No further trap is allowed. */
.macro DISARM
  la t6, trap_rec
  sd zero, REC_ARMED(t6)
.endm

/* The next trap returns to `label` in `mode` (MODE_U/S/M; the S handler
 * accepts only U and S). Use after EXPECT_TRAP(S). */
.macro RESUME_AT label, mode
  la t6, trap_rec
  la t5, \label
  sd t5, REC_RESUME(t6)
  li t5, 0x10 | (\mode)
  sd t5, REC_RMODE(t6)
.endm

/* Same, without changing the mode the handler returns to. */
.macro RESUME_HERE label
  la t6, trap_rec
  la t5, \label
  sd t5, REC_RESUME(t6)
  sd zero, REC_RMODE(t6)
.endm

/* Loads field `off` of trap_rec into reg (reg must not be t6). */
.macro LOAD_REC reg, off
  la t6, trap_rec
  ld \reg, \off(t6)
.endm

.macro CHECK_REC off, val
  LOAD_REC t5, \off
  CHECK_EQ t5, \val
.endm

.macro CHECK_COUNT n
  CHECK_REC REC_COUNT, \n
.endm

.macro CHECK_NO_TRAP
  CHECK_COUNT 0
  DISARM
.endm

/* Exactly one trap, with this cause (add INTERRUPT for interrupts), taken
 * by the handler of `mode` (MODE_M or MODE_S). */
.macro CHECK_TRAP cause, mode
  CHECK_COUNT 1
  CHECK_REC REC_CAUSE, \cause
  CHECK_REC REC_MODE, \mode
  DISARM
.endm

/* The i-th trap since EXPECT_TRAPS had this cause. */
.macro CHECK_LOG i, cause
  CHECK_REC (REC_LOG + 8 * (\i)), \cause
.endm

.macro CHECK_EPC label
  LOAD_REC t5, REC_EPC
  CHECK_ADDR t5, \label
.endm

.macro CHECK_TVAL val
  CHECK_REC REC_TVAL, \val
.endm

.macro CHECK_TVAL_REG reg
  LOAD_REC t5, REC_TVAL
  CHECK_REGS t5, \reg
.endm

.macro CHECK_TVAL_ADDR label
  LOAD_REC t5, REC_TVAL
  CHECK_ADDR t5, \label
.endm

/* The recorded tval holds the bits of the instruction at `label` (16 or 32
 * bits, as its low two bits say): priv 3.1.16, illegal-instruction mtval. */
.macro CHECK_TVAL_INSN label
  la t4, \label
  lhu t5, 0(t4)
  andi t6, t5, 3
  addi t6, t6, -3
  bnez t6, .Lc\@
  lhu t6, 2(t4)
  slli t6, t6, 16
  or t5, t5, t6
.Lc\@:
  LOAD_REC t4, REC_TVAL
  CHECK_REGS t4, t5
.endm

/* (recorded status & mask) == val */
.macro CHECK_STATUS mask, val
  LOAD_REC t5, REC_STATUS
  CHECK_BITS t5, \mask, \val
.endm

.macro CHECK_VEC n
  CHECK_REC REC_VEC, \n
.endm

/* ---- mode changes ----------------------------------------------------- */

/* From M: mret to `label` in `mode`, with MPIE = 0 (so MIE ends up 0). */
.macro GOTO_MODE mode, label
  li t6, MSTATUS_MPP | MSTATUS_MPIE
  csrc mstatus, t6
  li t6, (\mode) << 11
  csrs mstatus, t6
  la t6, \label
  csrw mepc, t6
  mret
.endm

/* From S (or M): sret to `label` in `mode` (U or S), with SPIE = 0. */
.macro SRET_TO mode, label
  li t6, MSTATUS_SPP | MSTATUS_SPIE
  csrc sstatus, t6
  .if (\mode) == MODE_S
  li t6, MSTATUS_SPP
  csrs sstatus, t6
  .endif
  la t6, \label
  csrw sepc, t6
  sret
.endm

/* From U or S (ecall not delegated): back to M at `label`. */
.macro ECALL_TO_M label
  EXPECT_TRAP
  RESUME_AT \label, MODE_M
  ecall
  j fail
.endm

/* Busy loop of about n iterations (clobbers t5). */
.macro DELAY n
  li t5, \n
.Lloop\@:
  addi t5, t5, -1
  bnez t5, .Lloop\@
.endm

/* ======================================================================== */
/* The harness code.                                                         */
/* ======================================================================== */

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la t0, mtrap_entry
  csrw mtvec, t0
  la sp, harness_stack_top
  la t0, harness_msave
  csrw mscratch, t0
  la t0, strap_entry
  csrw stvec, t0
  la t0, harness_ssave
  csrw sscratch, t0
  csrw mie, zero
  csrw mip, zero
  csrw medeleg, zero
  csrw mideleg, zero
  csrw satp, zero
  /* PMP: one NAPOT region over everything, RWX, so that S and U may touch
   * memory on implementations that enforce PMP (QEMU does; lde does not). */
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li s11, 0
  li a7, 0
  DISARM
  j test_main

/* ---- M-mode trap entry: direct, and a 16-entry vector table ------------- */
  .balign 256
  .globl mtrap_vector
mtrap_vector:
  .option push
  .option norvc
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j mvec_\n
  .endr
  .option pop
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
mvec_\n:
  csrrw sp, mscratch, sp
  sd t0, 0(sp)
  li t0, \n
  j mtrap_common
  .endr

  .balign 4
  .globl mtrap_entry
mtrap_entry:
  csrrw sp, mscratch, sp
  sd t0, 0(sp)
  li t0, -1
mtrap_common:
  sd t1, 8(sp)
  sd t2, 16(sp)
  sd t3, 24(sp)
  mv t3, t0                       /* vector entry */
  csrr t0, mcause
  bltz t0, 1f
  /* fail's ecall (from any mode) */
  li t1, FAIL_MAGIC
  bne a7, t1, 1f
  li t1, CAUSE_ECALL_U
  beq t0, t1, report_fail
  li t1, CAUSE_ECALL_S
  beq t0, t1, report_fail
  li t1, CAUSE_ECALL_M
  beq t0, t1, report_fail
1:
  la t1, trap_rec
  ld t2, REC_ARMED(t1)
  blez t2, m_unexpected
  addi t2, t2, -1
  sd t2, REC_ARMED(t1)
  sd t0, REC_CAUSE(t1)
  sd t3, REC_VEC(t1)
  csrr t2, mepc
  sd t2, REC_EPC(t1)
  csrr t2, mtval
  sd t2, REC_TVAL(t1)
  csrr t2, mstatus
  sd t2, REC_STATUS(t1)
  li t2, MODE_M
  sd t2, REC_MODE(t1)
  ld t2, REC_COUNT(t1)
  andi t3, t2, 7
  slli t3, t3, 3
  add t3, t3, t1
  sd t0, REC_LOG(t3)
  addi t2, t2, 1
  sd t2, REC_COUNT(t1)
  bgez t0, 2f
  li t2, 1                        /* interrupt: disable its source */
  sll t2, t2, t0
  csrc mie, t2
2:
  ld t2, REC_RESUME(t1)
  bnez t2, 4f
  bltz t0, 5f                     /* interrupt: return to mepc */
  csrr t2, mepc                   /* exception: skip the instruction */
  lhu t3, 0(t2)
  andi t3, t3, 3
  addi t3, t3, -3
  addi t2, t2, 2
  bnez t3, 3f
  addi t2, t2, 2
3:
  csrw mepc, t2
  j 5f
4:
  csrw mepc, t2
  sd zero, REC_RESUME(t1)
5:
  ld t2, REC_RMODE(t1)
  beqz t2, 6f
  sd zero, REC_RMODE(t1)
  andi t2, t2, 3
  slli t2, t2, 11
  li t3, MSTATUS_MPP
  csrc mstatus, t3
  csrs mstatus, t2
6:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  csrrw sp, mscratch, sp
  mret

/* ---- S-mode trap entry -------------------------------------------------- */
  .balign 256
  .globl strap_vector
strap_vector:
  .option push
  .option norvc
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j svec_\n
  .endr
  .option pop
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
svec_\n:
  csrrw sp, sscratch, sp
  sd t0, 0(sp)
  li t0, \n
  j strap_common
  .endr

  .balign 4
  .globl strap_entry
strap_entry:
  csrrw sp, sscratch, sp
  sd t0, 0(sp)
  li t0, -1
strap_common:
  sd t1, 8(sp)
  sd t2, 16(sp)
  sd t3, 24(sp)
  mv t3, t0
  csrr t0, scause
  bltz t0, 1f
  li t1, FAIL_MAGIC
  bne a7, t1, 1f
  ecall                           /* fail from U: forward to M */
1:
  la t1, trap_rec
  ld t2, REC_ARMED(t1)
  blez t2, s_unexpected
  addi t2, t2, -1
  sd t2, REC_ARMED(t1)
  sd t0, REC_CAUSE(t1)
  sd t3, REC_VEC(t1)
  csrr t2, sepc
  sd t2, REC_EPC(t1)
  csrr t2, stval
  sd t2, REC_TVAL(t1)
  csrr t2, sstatus
  sd t2, REC_STATUS(t1)
  li t2, MODE_S
  sd t2, REC_MODE(t1)
  ld t2, REC_COUNT(t1)
  andi t3, t2, 7
  slli t3, t3, 3
  add t3, t3, t1
  sd t0, REC_LOG(t3)
  addi t2, t2, 1
  sd t2, REC_COUNT(t1)
  bgez t0, 2f
  li t2, 1
  sll t2, t2, t0
  csrc sie, t2
2:
  ld t2, REC_RESUME(t1)
  bnez t2, 4f
  bltz t0, 5f
  csrr t2, sepc
  lhu t3, 0(t2)
  andi t3, t3, 3
  addi t3, t3, -3
  addi t2, t2, 2
  bnez t3, 3f
  addi t2, t2, 2
3:
  csrw sepc, t2
  j 5f
4:
  csrw sepc, t2
  sd zero, REC_RESUME(t1)
5:
  ld t2, REC_RMODE(t1)
  beqz t2, 6f
  sd zero, REC_RMODE(t1)
  andi t2, t2, 3
  li t3, MODE_S
  bgtu t2, t3, s_bad_resume
  slli t2, t2, 8
  li t3, MSTATUS_SPP
  csrc sstatus, t3
  csrs sstatus, t2
6:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  csrrw sp, sscratch, sp
  sret

s_bad_resume:
  li a4, 2
  j 7f
s_unexpected:
  li a4, 1
7:
  csrr a1, scause
  csrr a2, sepc
  csrr a3, stval
  li a7, FAIL_MAGIC
  ecall
  j .

/* ---- failure reports (M-mode only; never return) ------------------------ */
m_unexpected:
  la a0, str_fail
  jal ra, h_puts
  jal ra, h_putcheck
  la a0, str_unexp_m
  jal ra, h_puts
  csrr a1, mcause
  csrr a2, mepc
  csrr a3, mtval
  jal ra, h_putregs
  j h_exit_fail

report_fail:
  mv s10, a4
  la a0, str_fail
  jal ra, h_puts
  jal ra, h_putcheck
  li t0, 1
  bne s10, t0, 1f
  la a0, str_unexp_s
  jal ra, h_puts
  jal ra, h_putregs
  j h_exit_fail
1:
  li t0, 2
  bne s10, t0, 2f
  la a0, str_bad_resume
  jal ra, h_puts
2:
  la a0, str_nl
  jal ra, h_puts
  j h_exit_fail

h_exit_fail:
  mv a0, s11
  bnez a0, 1f
  li a0, 255
1:
  j harness_exit

/* "check N" */
h_putcheck:
  mv s9, ra
  la a0, str_check
  jal ra, h_puts
  mv a0, s11
  jal ra, h_putdec
  mv ra, s9
  ret

/* ": cause=a1 epc=a2 tval=a3\n" */
h_putregs:
  mv s9, ra
  mv s8, a2
  mv s7, a3
  la a0, str_cause
  jal ra, h_puts
  mv a0, a1
  jal ra, h_puthex
  la a0, str_epc
  jal ra, h_puts
  mv a0, s8
  jal ra, h_puthex
  la a0, str_tval
  jal ra, h_puts
  mv a0, s7
  jal ra, h_puthex
  la a0, str_nl
  jal ra, h_puts
  mv ra, s9
  ret

/* a0 = byte; clobbers t0, t1, t2 */
h_putc:
  li t0, UART_BASE
  li t2, 100000
1:
  lbu t1, 5(t0)
  andi t1, t1, 0x20
  bnez t1, 2f
  addi t2, t2, -1
  bnez t2, 1b
2:
  sb a0, 0(t0)
  ret

/* a0 = NUL-terminated string */
h_puts:
  mv s6, ra
  mv s5, a0
1:
  lbu a0, 0(s5)
  beqz a0, 2f
  jal ra, h_putc
  addi s5, s5, 1
  j 1b
2:
  mv ra, s6
  ret

/* a0 = value, printed as 0x + 16 hex digits */
h_puthex:
  mv s6, ra
  mv s5, a0
  li a0, '0'
  jal ra, h_putc
  li a0, 'x'
  jal ra, h_putc
  li s4, 60
1:
  srl a0, s5, s4
  andi a0, a0, 15
  li t0, 10
  blt a0, t0, 2f
  addi a0, a0, 'a' - 10
  j 3f
2:
  addi a0, a0, '0'
3:
  jal ra, h_putc
  addi s4, s4, -4
  bgez s4, 1b
  mv ra, s6
  ret

/* a0 = unsigned value, printed in decimal */
h_putdec:
  mv s3, ra
  la s5, harness_numbuf + 31
  sb zero, 0(s5)
  li t0, 10
1:
  remu t1, a0, t0
  divu a0, a0, t0
  addi t1, t1, '0'
  addi s5, s5, -1
  sb t1, 0(s5)
  bnez a0, 1b
  mv a0, s5
  jal ra, h_puts
  mv ra, s3
  ret

/* ---- exit --------------------------------------------------------------- */
  .globl pass
pass:
  li a0, 0
  j harness_exit

/* a0 = 0 (pass) or the failing check number (M-mode) */
  .globl harness_exit
harness_exit:
#ifdef QEMU
  li t0, QEMU_FINISHER
  li t1, 0x5555
  beqz a0, 1f
  slli t1, a0, 16
  li t2, 0x3333
  or t1, t1, t2
1:
  sw t1, 0(t0)
#endif
  slli t1, a0, 1
  ori t1, t1, 1
  la t0, tohost
  sd t1, 0(t0)
2:
  j 2b

  .globl fail
fail:
  li a7, FAIL_MAGIC
  ecall
  j fail

/* ---- data --------------------------------------------------------------- */
  .section .tohost, "aw", @progbits
  .balign 64
  .globl tohost
tohost: .dword 0
  .balign 64
  .globl fromhost
fromhost: .dword 0

  .section .data
  .balign 64
  .globl trap_rec
trap_rec: .fill REC_SIZE / 8, 8, 0
  .balign 64
harness_msave: .fill 8, 8, 0
harness_ssave: .fill 8, 8, 0
harness_numbuf: .fill 32, 1, 0
str_fail: .asciz "FAIL "
str_check: .asciz "check "
str_unexp_m: .asciz ": unexpected trap to M"
str_unexp_s: .asciz ": unexpected trap to S"
str_bad_resume: .asciz ": RESUME_AT M-mode from the S handler"
str_cause: .asciz ": cause="
str_epc: .asciz " epc="
str_tval: .asciz " tval="
str_nl: .asciz "\n"

  .section .bss
  .balign 16
harness_stack: .space 4096
harness_stack_top:

  .text
#endif
