#include "common.h"
/* wfi with the machine timer armed 1 second (10,000,000 ticks) ahead: the
   clock must skip forward instead of spinning; then check mtime advanced. */
  .section .text.init
  .globl _start
_start:
  la t0, trap
  csrw mtvec, t0
  li t1, 0x200bff8        # mtime
  ld t2, 0(t1)
  li t3, 10000000
  add t2, t2, t3
  li t1, 0x2004000        # mtimecmp
  sd t2, 0(t1)
  li t0, 0x80             # mie.MTIE
  csrw mie, t0
  wfi                     # MIE=0: wakes without trapping
  li t1, 0x200bff8
  ld t4, 0(t1)
  bltu t4, t2, bad        # mtime must have reached mtimecmp
  csrr t5, mip
  andi t5, t5, 0x80
  beqz t5, bad            # MTIP pending
  HTIF_EXIT(0)
bad:
  HTIF_EXIT(3)
trap:
  HTIF_EXIT(4)
