# tour.S — a user program for the machine's kernel port (lde demo, test/port.test.ts).
# Linux riscv64 syscall ABI: a7 = number, a0.. = arguments, ecall.
# It exercises the three ways into the kernel: ecall (write, getpid),
# the timer (a long spin), and an exception (a load from an unmapped page).
  .section .rodata
hello: .ascii "tour: hello from U-mode via ecall\n"
  .set hello_len, . - hello
bye: .ascii "tour: spun, made 1000 getpid calls; now touching unmapped memory\n"
  .set bye_len, . - bye

  .section .text
  .globl _start
_start:
  li a0, 1                # write(1, hello, hello_len)
  la a1, hello
  li a2, hello_len
  li a7, 64
  ecall
  li t0, 20000000         # spin: ~40M instructions, preempted by timer ticks it never sees
1:
  addi t0, t0, -1
  bnez t0, 1b
  li t1, 1000             # 1000 getpid() round trips
2:
  li a7, 172
  ecall
  addi t1, t1, -1
  bnez t1, 2b
  li a0, 1                # write(1, bye, bye_len)
  la a1, bye
  li a2, bye_len
  li a7, 64
  ecall
  li t2, 0x40000000       # a load from an unmapped page: a page fault
  ld t3, 0(t2)
  li a0, 0                # not reached: exit(0)
  li a7, 93
  ecall

