#include "common.h"
  .section .text.init
  .globl _start
_start:
  la a0, msg              # print "hello from htif\n" through the HTIF console (device 1, command 1)
  la t1, tohost
1:
  lbu t2, 0(a0)
  beqz t2, 3f
  li t3, 0x0101
  slli t3, t3, 48
  or t3, t3, t2
  sd t3, 0(t1)
2:
  ld t4, 0(t1)            # wait for the host to consume it
  bnez t4, 2b
  addi a0, a0, 1
  j 1b
3:
  li t0, 0x10000000       # and "uart ok\n" through the 16550 THR
  la a0, umsg
4:
  lbu t2, 0(a0)
  beqz t2, 5f
  sb t2, 0(t0)
  addi a0, a0, 1
  j 4b
5:
  HTIF_EXIT(0)
  .data
msg: .asciz "hello from htif\n"
umsg: .asciz "uart ok\n"
