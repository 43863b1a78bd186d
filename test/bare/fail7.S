#include "common.h"
  .section .text.init
  .globl _start
_start:
  HTIF_EXIT(7)
