/* Where every signal handler returns (its ra): rt_sigreturn(2). */
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
