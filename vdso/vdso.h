/*
 * lde's vDSO data page (the [vvar] page, mapped read-only one page below the
 * vDSO's text). The kernel (src/kernel/mm/vdso.ts) writes it; the vDSO reads
 * it under the sequence count. Little-endian, every field naturally aligned.
 *
 *   offset  size  field
 *    0      4     seq         odd while the kernel writes; bumped twice per update
 *    4      4     clock_ok    1: the time CSR may be read; 0: every clock takes the ecall
 *    8      8     cycle_last  the value of the time CSR at which the bases hold
 *   16      8     mult        ns = mono_ns + (((time - cycle_last) * mult) >> shift)
 *   24      4     shift
 *   28      4     (zero)
 *   32      8     mono_ns     CLOCK_MONOTONIC at cycle_last, in ns
 *   40      8     real_sec    CLOCK_REALTIME - CLOCK_MONOTONIC: whole seconds
 *   48      8     real_nsec   ... and nanoseconds (< 10^9)
 *   56      4     hwprobe_keys  how many riscv_hwprobe keys are cached (0: the ecall)
 *   60      4     (zero)
 *   64      8*16  hwprobe     the answer for every hart to key 0, 1, ... (written at boot)
 */
#ifndef LDE_VDSO_H
#define LDE_VDSO_H

#define LDE_HWPROBE_MAX 16

#ifndef __ASSEMBLER__
#include <stdint.h>

struct lde_vdso_data {
  uint32_t seq;
  uint32_t clock_ok;
  uint64_t cycle_last;
  uint64_t mult;
  uint32_t shift;
  uint32_t zero;
  uint64_t mono_ns;
  uint64_t real_sec;
  uint64_t real_nsec;
  uint32_t hwprobe_keys;
  uint32_t zero2;
  uint64_t hwprobe[LDE_HWPROBE_MAX];
};
#endif

#endif
