#!/bin/sh
# Rebuilds the ELF fixtures used by test/elf.test.ts. Each output is a few KiB.
# Needs: riscv64-unknown-elf-gcc, riscv64-linux-gnu-gcc, host gcc (x86-64).
# After rebuilding, re-read the expected values with `readelf -lhs` and update
# the constants in test/elf.test.ts (the live readelf test checks most of them).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Freestanding program: stores to `tohost` (the HTIF convention) and spins.
cat > "$tmp/bare.c" <<'C'
volatile unsigned long tohost __attribute__((section(".tohost"))) = 0;
volatile unsigned long fromhost __attribute__((section(".tohost"))) = 0;
static unsigned long counter = 7;
volatile unsigned long scratch[64];   /* .bss: gives a PT_LOAD with filesz < memsz */
void _start(void) {
  counter += 1;
  scratch[counter & 63] = counter;
  tohost = (scratch[counter & 63] << 1) | 1;
  for (;;) { }
}
C

# Hosted program for the dynamically linked fixture (the TLS variable gives PT_TLS).
cat > "$tmp/hello.c" <<'C'
#include <unistd.h>
static __thread int calls = 1;
int main(void) { calls += 2; write(1, "hi\n", 3); return calls; }
C

common="-Os -nostdlib -ffreestanding -Wl,--build-id=none -fno-asynchronous-unwind-tables"

# 1. static riscv64 ET_EXEC with a `tohost` symbol, .text at 0x80000000
#    (where the machine's RAM starts), headers outside every PT_LOAD.
cat > "$tmp/bare.ld" <<'LD'
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.text .text.*) }
  . = ALIGN(0x1000);
  .tohost : { *(.tohost) }
  .data : { *(.data .data.* .sdata .sdata.*) }
  .bss : { *(.sbss .sbss.* .bss .bss.* COMMON) }
}
LD
riscv64-unknown-elf-gcc $common -march=rv64gc -mabi=lp64d -mcmodel=medany \
  -static -Wl,--no-relax -T "$tmp/bare.ld" -o rv64-static.elf "$tmp/bare.c"

# 2. static-pie riscv64 ET_DYN (no PT_INTERP).
riscv64-linux-gnu-gcc $common -fPIE -static-pie -Wl,--no-dynamic-linker -o rv64-static-pie.elf "$tmp/bare.c"

# 3. dynamically linked riscv64 ET_DYN with PT_INTERP.
riscv64-linux-gnu-gcc -Os -Wl,--build-id=none -fno-asynchronous-unwind-tables \
  -o rv64-dynamic.elf "$tmp/hello.c"

# 4. rv32 ET_EXEC (must be rejected: ELFCLASS32).
riscv64-unknown-elf-gcc $common -march=rv32i -mabi=ilp32 -static -o rv32.elf "$tmp/bare.c"

# 5. x86-64 ET_EXEC (must be rejected: wrong machine).
gcc $common -static -no-pie -Wl,-z,noseparate-code -o x86_64.elf "$tmp/bare.c"

ls -l *.elf
