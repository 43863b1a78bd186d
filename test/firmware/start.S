# An S-mode test kernel's entry, as a firmware starts it: a0 = hartid, a1 = devicetree.
# Each hart gets 4 KiB of stack; the trap vector saves the caller-saved registers and calls trap() in C.
  .section .text.entry
  .globl _start
_start:
  la t1, kmain
  j common

  .globl secondary
secondary:                 # hart_start's entry: a0 = hartid, a1 = opaque
  la t1, ksecondary
common:                    # a stack per hart, the trap vector, then the C entry in t1
  la sp, stacks
  addi t0, a0, 1
  slli t0, t0, 12
  add sp, sp, t0
  la t0, vector
  csrw stvec, t0
  jalr t1
1: wfi
  j 1b

  .align 4
vector:
  addi sp, sp, -128
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd a1, 16(sp)
  sd a2, 24(sp)
  sd a3, 32(sp)
  sd a4, 40(sp)
  sd a5, 48(sp)
  sd a6, 56(sp)
  sd a7, 64(sp)
  sd t0, 72(sp)
  sd t1, 80(sp)
  sd t2, 88(sp)
  sd t3, 96(sp)
  sd t4, 104(sp)
  sd t5, 112(sp)
  sd t6, 120(sp)
  call trap
  ld ra, 0(sp)
  ld a0, 8(sp)
  ld a1, 16(sp)
  ld a2, 24(sp)
  ld a3, 32(sp)
  ld a4, 40(sp)
  ld a5, 48(sp)
  ld a6, 56(sp)
  ld a7, 64(sp)
  ld t0, 72(sp)
  ld t1, 80(sp)
  ld t2, 88(sp)
  ld t3, 96(sp)
  ld t4, 104(sp)
  ld t5, 112(sp)
  ld t6, 120(sp)
  addi sp, sp, 128
  sret

  .bss
  .align 12
stacks:
  .space 4096 * 4
