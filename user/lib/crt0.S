/* crt0.S: the entry point of every lde guest program.
 *
 * A Linux kernel (and qemu-riscv64, and lde) starts a static program at
 * e_entry with the initial stack laid out as
 *
 *   sp ->  argc
 *          argv[0] ... argv[argc-1], NULL
 *          envp[0] ... NULL
 *          auxv: (type, value) pairs ... (AT_NULL, 0)
 *          ... the strings they point to
 *
 * and sp 16-byte aligned. Every other register is unspecified except that
 * a0 may hold a function for atexit (dynamic linking only; ignored here).
 */
#include <lde/sysno.h>

  .section .text._start, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  /* gp anchors the linker's gp-relative accesses; it must be set before
   * any of them, so this instruction must not itself be relaxed into one. */
  .option push
  .option norelax
  lla   gp, __global_pointer$
  .option pop
  li    ra, 0               /* the outermost frame: nothing to return to */
  li    s0, 0

  ld    s1, 0(sp)           /* s1 = argc */
  addi  s2, sp, 8           /* s2 = argv */
  slli  t0, s1, 3
  add   s3, s2, t0
  addi  s3, s3, 8           /* s3 = envp = &argv[argc + 1] */
  andi  sp, sp, -16         /* the psABI's alignment (Linux already gives it) */

  mv    a0, s1              /* __lde_init(argc, argv, envp): auxv, TLS, */
  mv    a1, s2              /* environ, constructors                     */
  mv    a2, s3
  call  __lde_init

  mv    a0, s1              /* status = main(argc, argv, envp) */
  mv    a1, s2
  mv    a2, s3
  call  main

  /* exit(status): picolibc runs atexit handlers and destructors (our stdio
   * flush) and calls _exit, which is exit_group. */
  call  exit

  /* Not reached; if it were, end the process all the same. */
  li    a7, SYS_exit_group
  ecall
  .size _start, . - _start
