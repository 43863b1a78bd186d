/* Bare-metal helpers for the CLI tests: HTIF tohost/fromhost and exit. */
#define HTIF_EXIT(code) li t0, ((code) << 1) | 1; la t1, tohost; sd t0, 0(t1); 1: j 1b
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
