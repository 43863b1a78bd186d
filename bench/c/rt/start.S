# Bare-metal entry for the lde benchmark programs (RV64GC, machine mode).
#
#   _start: enable the FPU (mstatus.FS = Initial), install a trap handler,
#           set sp to a stack in .bss, zero .bss, call main(), and hand main's
#           return value to _exit.
#   _exit:  write (code << 1) | 1 to tohost and wait forever.
#   trap:   any trap is a bug in a benchmark or in the emulator: report it as
#           exit code 0x7ff (status 0xfff) after printing mcause and mepc.

    .file   "start.S"

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    li      t0, (1 << 13)           # mstatus.FS = Initial
    csrs    mstatus, t0
    csrwi   fcsr, 0
    la      t0, trap_entry
    csrw    mtvec, t0
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    tail    _exit

    .globl _exit
_exit:
    slli    a0, a0, 1
    ori     a0, a0, 1
    la      t0, tohost
3:  sd      a0, 0(t0)
    j       3b

    .align 2
trap_entry:
    la      sp, __stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    call    rt_trap
    li      a0, 0x7ff
    tail    _exit

    .section .bss.stack, "aw", @nobits
    .align 4
    .space 65536
__stack_top:
