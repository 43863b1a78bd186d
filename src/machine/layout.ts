// The hart's architectural state: one ArrayBuffer, so that a later JIT can
// read and write it in place (DESIGN.md "State and speed"). Four views share
// it; every 64-bit value is an int32 pair (lo at the lower index, hi next),
// except counters that stay below 2^53, which are float64 slots.
//
// byte  view  words / slots      contents
//    0  x     Int32Array[66]     x0..x31 as (lo, hi) pairs; pair 32 (index 64,
//                                65) is the sink that decoded writes to x0 go to
//  272  f     Int32Array[64]     f0..f31 as (lo, hi) pairs of raw IEEE bits
//                                (single-precision values NaN-boxed: hi = -1)
//  528  s     Int32Array[S_WORDS] pc, mode, CSRs: the S.* indices below
//  728  t     Float64Array[T_SLOTS] cycle, instret, traps, time: the T.* slots
//  768  s     (continued) PMP registers at S.PMPCFG / S.PMPADDR, then fflags, frm
// 1352  end
//
// Values, as the privileged spec defines them: PRIV is the mode (0 U, 1 S,
// 3 M); MSTATUS holds mstatus bits 31..0 (the high word, UXL/SXL and SD, is
// fixed or derived: csr.ts); MIP_SW holds the software-writable pending bits
// and MIP_HW the ones devices and timers drive (mip = their OR, csr.ts);
// EXC is a pending exception's cause + 1 (0: none) and EXC_TVAL its tval;
// RESERVATION is the LR reservation's RAM offset or -1; IRQ_DIRTY is nonzero
// when interrupt state may have changed since the last block boundary.
// MCYCLE_OFF and MINSTRET_OFF are what csrw mcycle/minstret added, modulo
// 2^64. NEXT_TIMER is the cycle at which the next enabled timer comparison
// becomes true (Infinity for none); MTIME_OFFSET is mtime - cycle / 100.

/** Int32 word indices into the state view `s` (byte offset = 528 + 4 * index). */
export const enum S {
  PC = 0, // pair                            byte 528
  PRIV = 2, //                               byte 536
  MSTATUS = 3,
  MIE = 4,
  MIP_SW = 5,
  MIP_HW = 6,
  MEDELEG = 7,
  MIDELEG = 8,
  MCOUNTEREN = 9,
  SCOUNTEREN = 10,
  EXC = 11,
  EXC_TVAL = 12, // pair                     byte 576
  IRQ_DIRTY = 14,
  RESERVATION = 15,
  MTVEC = 16, // pair                        byte 592
  STVEC = 18,
  MEPC = 20,
  SEPC = 22,
  MCAUSE = 24,
  SCAUSE = 26,
  MTVAL = 28,
  STVAL = 30,
  MSCRATCH = 32,
  SSCRATCH = 34,
  SATP = 36,
  MENVCFG = 38,
  SENVCFG = 40,
  MTIMECMP = 42,
  STIMECMP = 44,
  MCYCLE_OFF = 46,
  MINSTRET_OFF = 48, // pair                 byte 720
  // words 50..59 are the float64 view t (bytes 728..767)
  PMPCFG = 60, // 8 pairs: pmpcfg0, 2, .., 14  byte 768
  PMPADDR = 76, // 64 pairs                    byte 832
  FFLAGS = 204, // the FPU's accrued flags and rounding mode (fpu.ts), where compiled code reads them
  FRM = 205,
}

/** Float64 slot indices into the time view `t` (byte offset = 728 + 8 * index). */
export const enum T {
  CYCLE = 0, //                              byte 728
  INSTRET = 1,
  TRAPS = 2, // traps taken since reset
  MTIME_OFFSET = 3,
  NEXT_TIMER = 4, //                         byte 760
}

export const X_OFFSET = 0;
export const X_WORDS = 66;
export const F_OFFSET = 272;
export const F_WORDS = 64;
export const S_OFFSET = 528;
export const S_WORDS = 206;
export const T_OFFSET = 728;
export const T_SLOTS = 5;
export const STATE_BYTES = 1352;

export interface HartState { x: Int32Array; f: Int32Array; s: Int32Array; t: Float64Array; }

/**
 * A zeroed hart state: every register and CSR 0, pc 0, mode U (the hart sets
 * its reset values). At byte `at` of `buf` when given (8-aligned: the bus's
 * WebAssembly memory, where compiled code reaches it), else in a buffer of its own.
 */
export function allocState(buf: ArrayBuffer = new ArrayBuffer(STATE_BYTES), at = 0): HartState {
  return {
    x: new Int32Array(buf, at + X_OFFSET, X_WORDS),
    f: new Int32Array(buf, at + F_OFFSET, F_WORDS),
    s: new Int32Array(buf, at + S_OFFSET, S_WORDS),
    t: new Float64Array(buf, at + T_OFFSET, T_SLOTS),
  };
}

/** The reset values (priv 3.4): mode M, no reservation, timers compare never (all ones), interrupts to be checked. */
export function resetState(s: Int32Array, t: Float64Array): void {
  s[S.PRIV] = 3;
  s[S.RESERVATION] = -1;
  s[S.IRQ_DIRTY] = 1;
  s[S.MTIMECMP] = s[S.MTIMECMP + 1] = -1;
  s[S.STIMECMP] = s[S.STIMECMP + 1] = -1;
  t[T.NEXT_TIMER] = Infinity;
}
