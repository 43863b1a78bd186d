#include "common.h"
  .section .text.init
  .globl _start
_start:
  csrw mie, zero          # nothing enabled: wfi can never wake
  wfi
  j _start
