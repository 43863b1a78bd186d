#include "common.h"
/* Writes one byte to every 4 KiB page of RAM above the program, then reads
   them back: the host must then hold the whole guest RAM (RSS test). */
  .section .text.init
  .globl _start
_start:
  la t0, end_of_image
  li t1, 0x88000000        # end of the default 128 MiB
  li t2, 4096
1:
  sb t2, 0(t0)
  add t0, t0, t2
  bltu t0, t1, 1b
  la t0, end_of_image
2:
  lbu t3, 0(t0)
  bne t3, zero, bad        # 4096 & 0xff == 0
  add t0, t0, t2
  bltu t0, t1, 2b
  HTIF_EXIT(0)
bad:
  HTIF_EXIT(2)
  .data
  .align 12
end_of_image: .dword 0
