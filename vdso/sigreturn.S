/* Where every signal handler returns (its ra): rt_sigreturn(2).
 *
 * This file is linked first (vdso/Makefile), so this is the first code of
 * the vDSO, and no FDE covers the address just before it. An unwinder
 * (libgcc's, when glibc cancels a thread from a signal handler) looks for
 * the FDE of ra - 1. It finds none, so it falls back to recognizing
 * `li a7, 139; ecall` at ra and reads the signal frame (libgcc's riscv
 * linux-unwind.h), as for a kernel without a vDSO. Had a function of
 * vdso.c come first, ra - 1 would lie in that function's FDE, and the
 * unwind would loop: pthread_cancel of a thread blocked in read() hung. */
#include <lde/sysno.h>

	.text
	.globl	__vdso_rt_sigreturn
	.type	__vdso_rt_sigreturn, @function
	.balign	4
__vdso_rt_sigreturn:
	.cfi_startproc
	.cfi_signal_frame
	li	a7, SYS_rt_sigreturn
	ecall
	.cfi_endproc
	.size	__vdso_rt_sigreturn, . - __vdso_rt_sigreturn
