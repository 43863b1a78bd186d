/* illegal: reads the machine-mode CSR mstatus from U-mode. The hart raises
 * an illegal-instruction exception and the process dies of SIGILL: status
 * 132 (128 + 4). Exercises: the privilege check done by the hardware. */
#include <stdio.h>
#include "syscall.h"

int main(void) {
  printf("illegal: reading mstatus (a machine-mode CSR) in U-mode\n");
  unsigned long v;
  __asm__ volatile(".option push\n\t.option arch, +zicsr\n\t"
                   "csrr %0, mstatus\n\t.option pop" : "=r"(v));
  printf("illegal: still alive, mstatus=%lx (wrong)\n", v);
  return 1;
}
