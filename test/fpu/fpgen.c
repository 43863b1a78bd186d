/*
 * fpgen: golden-vector generator for lde's F/D arithmetic (src/machine/fpu*.ts).
 *
 * Runs on a RISC-V RV64GC host (here: qemu-riscv64 user mode) and, for a
 * deterministic pseudo-random set of operand bit patterns and every
 * instruction x every static rounding mode, executes the real instruction
 * and prints one line per vector:
 *
 *   <op> <rm> <operand>... -> <result> <fflags>
 *
 * rm is 0..4 (RNE RTZ RDN RUP RMM) or '-' for instructions without a
 * rounding mode; operands and result are 16 hex digits (an f register's
 * full 64 bits, so NaN-boxing is visible, or an x register); fflags is 2
 * hex digits, accrued from zero by that one instruction.
 *
 * Build and run: see Makefile in this directory. With no arguments the
 * output is the committed golden.txt; "fpgen SEED SCALE" draws a different
 * (SCALE times larger) set, for soak testing outside the committed file.
 */
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
typedef u64 (*opfn)(u64 a, u64 b, u64 c, unsigned *fl);

/* ---- instruction wrappers --------------------------------------------- */

#define PRE "fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tcsrw fflags, zero\n\t"
#define POST_F "\n\tcsrr %1, fflags\n\tfmv.x.d %0, ft3"
#define POST_X "\n\tcsrr %1, fflags"
#define BODY(text) \
  u64 r; unsigned f; \
  __asm__ volatile(text : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) \
                   : "ft0", "ft1", "ft2", "ft3", "memory"); \
  *fl = f; return r;

/* f <- op(f, f, [f]) */
#define W_FFF(id, insn, rm) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " ft3, ft0, ft1, " rm POST_F) }
#define W_FF(id, insn, rm) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " ft3, ft0, " rm POST_F) }
#define W_FFFF(id, insn, rm) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " ft3, ft0, ft1, ft2, " rm POST_F) }
#define W_FFF_N(id, insn) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " ft3, ft0, ft1" POST_F) }
/* x <- op(f, [f]) */
#define W_XFF(id, insn) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " %0, ft0, ft1" POST_X) }
#define W_XF(id, insn) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " %0, ft0" POST_X) }
#define W_XF_RM(id, insn, rm) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " %0, ft0, " rm POST_X) }
/* f <- op(x) */
#define W_FX_RM(id, insn, rm) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " ft3, %2, " rm POST_F) }
#define W_FX(id, insn) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE insn " ft3, %2" POST_F) }
/* Exact conversions binutils 2.40 refuses a rounding mode for: encode
   OP-FP (0x53) directly; funct7 0x21 = fcvt.d.s, 0x69 = fcvt.d.[w|wu]. */
#define W_INSN_FF(id, rmn, f7) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE ".insn r 0x53, " #rmn ", " #f7 ", ft3, ft0, f0" POST_F) }
#define W_INSN_FX(id, rmn, f7, rs2) static u64 id(u64 a, u64 b, u64 c, unsigned *fl) { \
  BODY(PRE ".insn r 0x53, " #rmn ", " #f7 ", ft3, %2, " #rs2 POST_F) }

#define RM5(W, id, insn) W(id##_0, insn, "rne") W(id##_1, insn, "rtz") \
  W(id##_2, insn, "rdn") W(id##_3, insn, "rup") W(id##_4, insn, "rmm")
#define FNS5(id) { id##_0, id##_1, id##_2, id##_3, id##_4 }

RM5(W_FFF, fadd_s, "fadd.s") RM5(W_FFF, fsub_s, "fsub.s")
RM5(W_FFF, fmul_s, "fmul.s") RM5(W_FFF, fdiv_s, "fdiv.s")
RM5(W_FF, fsqrt_s, "fsqrt.s")
RM5(W_FFFF, fmadd_s, "fmadd.s") RM5(W_FFFF, fmsub_s, "fmsub.s")
RM5(W_FFFF, fnmsub_s, "fnmsub.s") RM5(W_FFFF, fnmadd_s, "fnmadd.s")
RM5(W_FFF, fadd_d, "fadd.d") RM5(W_FFF, fsub_d, "fsub.d")
RM5(W_FFF, fmul_d, "fmul.d") RM5(W_FFF, fdiv_d, "fdiv.d")
RM5(W_FF, fsqrt_d, "fsqrt.d")
RM5(W_FFFF, fmadd_d, "fmadd.d") RM5(W_FFFF, fmsub_d, "fmsub.d")
RM5(W_FFFF, fnmsub_d, "fnmsub.d") RM5(W_FFFF, fnmadd_d, "fnmadd.d")
RM5(W_FF, fcvt_s_d, "fcvt.s.d")
RM5(W_XF_RM, fcvt_w_s, "fcvt.w.s") RM5(W_XF_RM, fcvt_wu_s, "fcvt.wu.s")
RM5(W_XF_RM, fcvt_l_s, "fcvt.l.s") RM5(W_XF_RM, fcvt_lu_s, "fcvt.lu.s")
RM5(W_XF_RM, fcvt_w_d, "fcvt.w.d") RM5(W_XF_RM, fcvt_wu_d, "fcvt.wu.d")
RM5(W_XF_RM, fcvt_l_d, "fcvt.l.d") RM5(W_XF_RM, fcvt_lu_d, "fcvt.lu.d")
RM5(W_FX_RM, fcvt_s_w, "fcvt.s.w") RM5(W_FX_RM, fcvt_s_wu, "fcvt.s.wu")
RM5(W_FX_RM, fcvt_s_l, "fcvt.s.l") RM5(W_FX_RM, fcvt_s_lu, "fcvt.s.lu")
RM5(W_FX_RM, fcvt_d_l, "fcvt.d.l") RM5(W_FX_RM, fcvt_d_lu, "fcvt.d.lu")
W_INSN_FF(fcvt_d_s_0, 0, 0x21) W_INSN_FF(fcvt_d_s_1, 1, 0x21) W_INSN_FF(fcvt_d_s_2, 2, 0x21)
W_INSN_FF(fcvt_d_s_3, 3, 0x21) W_INSN_FF(fcvt_d_s_4, 4, 0x21)
W_INSN_FX(fcvt_d_w_0, 0, 0x69, x0) W_INSN_FX(fcvt_d_w_1, 1, 0x69, x0) W_INSN_FX(fcvt_d_w_2, 2, 0x69, x0)
W_INSN_FX(fcvt_d_w_3, 3, 0x69, x0) W_INSN_FX(fcvt_d_w_4, 4, 0x69, x0)
W_INSN_FX(fcvt_d_wu_0, 0, 0x69, x1) W_INSN_FX(fcvt_d_wu_1, 1, 0x69, x1) W_INSN_FX(fcvt_d_wu_2, 2, 0x69, x1)
W_INSN_FX(fcvt_d_wu_3, 3, 0x69, x1) W_INSN_FX(fcvt_d_wu_4, 4, 0x69, x1)
W_FFF_N(fmin_s, "fmin.s") W_FFF_N(fmax_s, "fmax.s") W_FFF_N(fsgnj_s, "fsgnj.s")
W_FFF_N(fsgnjn_s, "fsgnjn.s") W_FFF_N(fsgnjx_s, "fsgnjx.s")
W_FFF_N(fmin_d, "fmin.d") W_FFF_N(fmax_d, "fmax.d") W_FFF_N(fsgnj_d, "fsgnj.d")
W_FFF_N(fsgnjn_d, "fsgnjn.d") W_FFF_N(fsgnjx_d, "fsgnjx.d")
W_XFF(feq_s, "feq.s") W_XFF(flt_s, "flt.s") W_XFF(fle_s, "fle.s")
W_XFF(feq_d, "feq.d") W_XFF(flt_d, "flt.d") W_XFF(fle_d, "fle.d")
W_XF(fclass_s, "fclass.s") W_XF(fclass_d, "fclass.d")
W_XF(fmv_x_w, "fmv.x.w") W_XF(fmv_x_d, "fmv.x.d")
W_FX(fmv_w_x, "fmv.w.x") W_FX(fmv_d_x, "fmv.d.x")

/* ---- deterministic operand generation ---------------------------------- */

static u64 seed = 0x9e3779b97f4a7c15ull;
static u64 rnd(void) { /* xorshift64* */
  seed ^= seed >> 12; seed ^= seed << 25; seed ^= seed >> 27;
  return seed * 0x2545f4914f6cdd1dull;
}
static int rn(int n) { return (int)((rnd() >> 33) % (u64)n); }
static u64 rbits(int n) { return n >= 64 ? rnd() : n <= 0 ? 0 : rnd() >> (64 - n); }

static double d_of(u64 x) { double d; memcpy(&d, &x, 8); return d; }
static u64 bits_d(double d) { u64 x; memcpy(&x, &d, 8); return x; }
static float f_of(uint32_t x) { float f; memcpy(&f, &x, 4); return f; }
static uint32_t bits_f(float f) { uint32_t x; memcpy(&x, &f, 4); return x; }

/* Format parameters: S (is_d=0) or D (is_d=1). */
static int MB(int d) { return d ? 52 : 23; }      /* mantissa bits */
static int EMAX(int d) { return d ? 1023 : 127; }
static int BIAS(int d) { return d ? 1023 : 127; }

/* A mantissa with a random number of trailing zeros (exact results, ties). */
static u64 rmant(int d) {
  u64 m = rbits(MB(d));
  if (rn(2)) { int k = rn(MB(d) + 1); m = (m >> k) << k; }
  return m;
}
/* Bits of a normal number 2^e * 1.m (e clamped into the normal range). */
static u64 mk(int d, int sign, int e, u64 m) {
  if (e > EMAX(d)) e = EMAX(d);
  if (e < 1 - BIAS(d)) e = 1 - BIAS(d);
  return ((u64)sign << (d ? 63 : 31)) | ((u64)(e + BIAS(d)) << MB(d)) | m;
}
static u64 subn(int d, int sign) {
  u64 m = rmant(d); if (m == 0) m = 1;
  return ((u64)sign << (d ? 63 : 31)) | m;
}

static const u64 SPEC_D[] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull, 0x7ff4000000000000ull,
  0xfff0000000000123ull, 0x7fffffffffffffffull, 0x0000000000000001ull, 0x8000000000000001ull,
  0x000fffffffffffffull, 0x0010000000000000ull, 0x8010000000000000ull, 0x7fefffffffffffffull,
  0xffefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3fe0000000000000ull,
  0x4000000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,
  0x3ff0000000000001ull, 0x3fefffffffffffffull, 0x0008000000000000ull, 0x7fe0000000000000ull,
};
static const uint32_t SPEC_S[] = {
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
  0x7fa00000, 0xff800123, 0x7fffffff, 0x00000001, 0x80000001, 0x007fffff, 0x00800000,
  0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x40000000,
  0x3fc00000, 0x40200000, 0xc0200000, 0x3f800001, 0x3f7fffff, 0x00400000, 0x7f000000,
};
#define NSPEC (sizeof SPEC_S / sizeof SPEC_S[0])

/* NaN-box a single (occasionally not, to exercise the canonical-NaN rule). */
static u64 box(uint32_t x) {
  int k = rn(40);
  if (k == 0) return (u64)x;                                /* upper bits zero */
  if (k == 1) return (rnd() & 0xffffffff00000000ull) | x;   /* random upper bits */
  if (k == 2) return 0xfffffffe00000000ull | x;             /* almost boxed */
  return 0xffffffff00000000ull | x;
}
static u64 fin(int d, u64 raw) { return d ? raw : box((uint32_t)raw); }

static u64 spec(int d) { int i = rn(NSPEC); return d ? SPEC_D[i] : SPEC_S[i]; }

/* A generic operand (raw bits, not yet boxed). */
static u64 any(int d) {
  int k = rn(20), s = rn(2);
  if (k < 2) return spec(d);
  if (k < 4) return rbits(d ? 64 : 32);
  if (k < 11) return mk(d, s, rn(61) - 30, rmant(d));
  if (k < 15) return mk(d, s, rn(2 * EMAX(d)) - EMAX(d) + 1, rmant(d));
  if (k < 17) return subn(d, s);
  if (k < 19) return mk(d, s, EMAX(d) - rn(4), rmant(d));
  return mk(d, s, 1 - BIAS(d) + rn(4), rmant(d));
}
static int expo(int d, u64 x) { return (int)((x >> MB(d)) & (d ? 0x7ff : 0xff)) - BIAS(d); }
static u64 sbit(int d) { return d ? 1ull << 63 : 1ull << 31; }
static u64 mmask(int d) { return (1ull << MB(d)) - 1; }

/* Operand profiles, by the kind of edge each operation has. */
enum { P_ADD, P_MUL, P_DIV, P_SQRT, P_FMA, P_CMP, P_F2I, P_I2F, P_SD, P_DS, P_MVX };

static void gen_add(int d, u64 *a, u64 *b) {
  int k = rn(10);
  *a = any(d); *b = any(d);
  if (k < 3) { /* near-cancellation */
    *b = (*a ^ sbit(d)) + (u64)(rn(7) - 3);
  } else if (k < 6) { /* b around half an ulp of a: ties, sticky bits */
    int e = expo(d, *a) - MB(d) - 1 + rn(5) - 2;
    *b = mk(d, rn(2), e, rmant(d));
  } else if (k < 7) { /* overflow boundary */
    *a = mk(d, 0, EMAX(d), rmant(d) | (mmask(d) - rbits(3)));
    *b = mk(d, rn(4) == 0, EMAX(d) - rn(MB(d) + 3), rmant(d));
  }
}
/* Factors whose product lies within a few ulps of 2^emin, mostly below it:
   where "tiny after rounding" and "tiny before rounding" disagree. */
static void near_emin(int d, u64 *a, u64 *b) {
  int ea = rn(41) - 20, s = rn(2);
  *a = mk(d, s, ea, rmant(d));
  if (d) *b = bits_d(d_of(mk(1, 0, -1022, 0)) / d_of(*a));
  else *b = bits_f(f_of((uint32_t)mk(0, 0, -126, 0)) / f_of((uint32_t)*a));
  *b -= (u64)rn(4);
}

static void gen_mul(int d, u64 *a, u64 *b) {
  int k = rn(10), s = rn(2), t = rn(2);
  if (rn(8) == 0) { near_emin(d, a, b); return; }
  /* few significant bits make exact products and exact ties likely */
  u64 ma = rn(2) ? rmant(d) : rbits(rn(8)) << (MB(d) - 8);
  u64 mb = rn(2) ? rmant(d) : rbits(rn(8)) << (MB(d) - 8);
  int ea = rn(61) - 30, eb = rn(61) - 30;
  if (k < 2) { eb = EMAX(d) - ea - rn(2); }                     /* near overflow */
  else if (k < 5) { eb = 1 - BIAS(d) - ea - rn(MB(d) + 4); }    /* near/below underflow */
  else if (k < 6) { *a = any(d); *b = any(d); return; }
  else if (k < 7) { ea = 1 - BIAS(d) + rn(10); eb = rn(MB(d) + 4); }
  *a = mk(d, s, ea, ma); *b = mk(d, t, eb, mb);
  if (rn(12) == 0) *a = subn(d, s);
}
static void gen_div(int d, u64 *a, u64 *b) {
  int k = rn(10);
  *a = any(d); *b = any(d);
  if (k < 3) { /* exact quotients: a = b * small */
    double q = (double)(rn(64) + 1) * (rn(2) ? 1 : 0.25);
    if (d) *a = bits_d(d_of(*b) * q);
    else *a = bits_f(f_of((uint32_t)*b) * (float)q);
  } else if (k < 4) { /* division by zero */
    *b = rn(2) ? 0 : sbit(d);
  } else if (k < 5 && rn(2)) { /* quotient within a few ulps of 2^emin */
    *b = mk(d, rn(2), rn(21), rmant(d)); /* a = 2^emin * b exactly, minus ulps */
    if (d) *a = bits_d(d_of(mk(1, 0, -1022, 0)) * d_of(*b)) - (u64)rn(3);
    else *a = bits_f(f_of((uint32_t)mk(0, 0, -126, 0)) * f_of((uint32_t)*b)) - (u64)rn(3);
  } else if (k < 6) { /* quotient near the overflow / underflow thresholds */
    int ea = expo(d, *a);
    int eb = rn(2) ? ea - EMAX(d) + rn(2) : ea + BIAS(d) - 1 + rn(MB(d) + 3);
    *b = mk(d, rn(2), eb, rmant(d));
  }
}
static void gen_sqrt(int d, u64 *a) {
  int k = rn(10);
  *a = any(d);
  if (k < 3) { /* perfect squares and their neighbours */
    u64 n = rbits(d ? 26 : 12) | 1;
    if (d) *a = bits_d((double)n * (double)n) + (u64)(rn(3) - 1);
    else *a = bits_f((float)(n * n)) + (u64)(rn(3) - 1);
  } else if (k < 6) {
    *a &= ~sbit(d);
  }
}
static void gen_fma(int d, u64 *a, u64 *b, u64 *c) {
  int k = rn(10);
  gen_mul(d, a, b);
  if (rn(3) == 0) { *a = any(d); *b = any(d); }
  *c = any(d);
  if (rn(8) == 0) { /* product near 2^emin, addend a few subnormal ulps */
    near_emin(d, a, b);
    *c = (rbits(4) + 1) | (rn(2) ? sbit(d) : 0);
    return;
  }
  if (k < 3) { /* c cancels most of the product */
    if (d) *c = bits_d(-(d_of(*a) * d_of(*b))) + (u64)(rn(5) - 2);
    else *c = bits_f(-(f_of((uint32_t)*a) * f_of((uint32_t)*b))) + (u64)(rn(5) - 2);
  } else if (k < 6) { /* c near half an ulp of the product */
    u64 p = d ? bits_d(d_of(*a) * d_of(*b)) : bits_f(f_of((uint32_t)*a) * f_of((uint32_t)*b));
    int e = expo(d, p) - MB(d) - 1 + rn(5) - 2;
    *c = mk(d, rn(2), e, rmant(d));
  } else if (k < 7) {
    *c = spec(d);
  }
}
static void gen_cmp(int d, u64 *a, u64 *b) {
  int k = rn(6);
  *a = rn(3) ? spec(d) : any(d);
  *b = rn(3) ? spec(d) : any(d);
  if (k == 0) *b = *a;
  else if (k == 1) *b = *a ^ sbit(d);
}
/* Values around the integer-conversion boundaries. */
static u64 gen_f2i(int d) {
  static const double base[] = {
    0, 1, 2, 3, 7, 100, 2147483647.0, 2147483648.0, 4294967295.0, 4294967296.0,
    9223372036854775807.0, 18446744073709551615.0, 4503599627370496.0, 16777216.0,
    1e10, 1e20, 1e30, 123456789.0,
  };
  static const double frac[] = { 0, 0.5, 0.25, 0.75, -0.5, -0.25, 0.5000001, 0.4999999, 1e-300 };
  int k = rn(10);
  if (k == 0) return spec(d);
  if (k == 1) return any(d);
  double v = base[rn(sizeof base / sizeof base[0])] + (double)(rn(5) - 2);
  v += frac[rn(sizeof frac / sizeof frac[0])];
  if (rn(2)) v = -v;
  if (rn(5) == 0) v = d_of(bits_d(v) + (u64)(rn(5) - 2));
  return d ? bits_d(v) : bits_f((float)v) + (u64)(rn(3) - 1);
}
static u64 gen_i2f(int d) {
  int k = rn(8);
  u64 x;
  if (k < 3) x = rbits(rn(65));
  else if (k < 6) { /* odd multipliers just wider than the mantissa: ties */
    int w = MB(d) + 2 + rn(3);
    x = (rbits(w) | (1ull << (w - 1)) | 1) << rn(64 - w);
    x += (u64)(rn(3) - 1);
  } else x = rnd();
  if (rn(2)) x = -x;
  if (rn(4) == 0) x = (x & 0xffffffffull) | (rnd() << 32); /* junk for .w forms */
  if (rn(4) == 0) x = (u64)(int64_t)(int32_t)x;
  return x;
}
/* double operands for fcvt.s.d around the single-precision grid */
static u64 gen_sd(void) {
  int k = rn(10);
  if (k < 2) return any(1);
  uint32_t f = (uint32_t)any(0);
  if (k == 2) f = (uint32_t)(0x7f7fffff - rbits(2)) | (rn(2) ? 0x80000000u : 0);
  if (k == 3) f = (uint32_t)subn(0, rn(2));
  if (k == 4) f = (uint32_t)mk(0, rn(2), -126 + rn(2), rmant(0));
  if (k == 5 && rn(2)) /* just below 2^-126: the tininess boundary */
    return (0x3810000000000000ull - rbits(rn(2) ? 30 : 52)) | (rn(2) ? 1ull << 63 : 0);
  double v = (double)f_of(f);
  if (v != v || v - v != 0) return bits_d(v);
  u64 x = bits_d(v);
  int j = rn(5);
  if (j == 0) return x;
  if (j == 1) return x + ((u64)1 << 28) + (u64)(rn(3) - 1); /* float32 tie +- */
  if (j == 2) return x + rbits(29);
  if (j == 3 && expo(1, x) > -1020) {
    double h = d_of(mk(1, 0, expo(0, f) - 24 - rn(3), 0));
    return bits_d(v + (rn(2) ? h : -h));
  }
  return mk(1, rn(2), rn(2) ? 128 + rn(3) : -150 - rn(30), rmant(1));
}

struct op { const char *name; int prof, d, nrm; opfn fn[5]; };
#define OP5(nm, id, prof, d) { nm, prof, d, 5, FNS5(id) }
#define OP1(nm, id, prof, d) { nm, prof, d, 1, { id } }
static const struct op OPS[] = {
  OP5("fadd.s", fadd_s, P_ADD, 0), OP5("fsub.s", fsub_s, P_ADD, 0),
  OP5("fmul.s", fmul_s, P_MUL, 0), OP5("fdiv.s", fdiv_s, P_DIV, 0),
  OP5("fsqrt.s", fsqrt_s, P_SQRT, 0),
  OP5("fmadd.s", fmadd_s, P_FMA, 0), OP5("fmsub.s", fmsub_s, P_FMA, 0),
  OP5("fnmsub.s", fnmsub_s, P_FMA, 0), OP5("fnmadd.s", fnmadd_s, P_FMA, 0),
  OP5("fadd.d", fadd_d, P_ADD, 1), OP5("fsub.d", fsub_d, P_ADD, 1),
  OP5("fmul.d", fmul_d, P_MUL, 1), OP5("fdiv.d", fdiv_d, P_DIV, 1),
  OP5("fsqrt.d", fsqrt_d, P_SQRT, 1),
  OP5("fmadd.d", fmadd_d, P_FMA, 1), OP5("fmsub.d", fmsub_d, P_FMA, 1),
  OP5("fnmsub.d", fnmsub_d, P_FMA, 1), OP5("fnmadd.d", fnmadd_d, P_FMA, 1),
  OP5("fcvt.s.d", fcvt_s_d, P_SD, 1), OP5("fcvt.d.s", fcvt_d_s, P_DS, 0),
  OP5("fcvt.w.s", fcvt_w_s, P_F2I, 0), OP5("fcvt.wu.s", fcvt_wu_s, P_F2I, 0),
  OP5("fcvt.l.s", fcvt_l_s, P_F2I, 0), OP5("fcvt.lu.s", fcvt_lu_s, P_F2I, 0),
  OP5("fcvt.w.d", fcvt_w_d, P_F2I, 1), OP5("fcvt.wu.d", fcvt_wu_d, P_F2I, 1),
  OP5("fcvt.l.d", fcvt_l_d, P_F2I, 1), OP5("fcvt.lu.d", fcvt_lu_d, P_F2I, 1),
  OP5("fcvt.s.w", fcvt_s_w, P_I2F, 0), OP5("fcvt.s.wu", fcvt_s_wu, P_I2F, 0),
  OP5("fcvt.s.l", fcvt_s_l, P_I2F, 0), OP5("fcvt.s.lu", fcvt_s_lu, P_I2F, 0),
  OP5("fcvt.d.w", fcvt_d_w, P_I2F, 1), OP5("fcvt.d.wu", fcvt_d_wu, P_I2F, 1),
  OP5("fcvt.d.l", fcvt_d_l, P_I2F, 1), OP5("fcvt.d.lu", fcvt_d_lu, P_I2F, 1),
  OP1("fmin.s", fmin_s, P_CMP, 0), OP1("fmax.s", fmax_s, P_CMP, 0),
  OP1("fsgnj.s", fsgnj_s, P_CMP, 0), OP1("fsgnjn.s", fsgnjn_s, P_CMP, 0),
  OP1("fsgnjx.s", fsgnjx_s, P_CMP, 0),
  OP1("feq.s", feq_s, P_CMP, 0), OP1("flt.s", flt_s, P_CMP, 0), OP1("fle.s", fle_s, P_CMP, 0),
  OP1("fclass.s", fclass_s, P_CMP, 0), OP1("fmv.x.w", fmv_x_w, P_CMP, 0),
  OP1("fmv.w.x", fmv_w_x, P_MVX, 0),
  OP1("fmin.d", fmin_d, P_CMP, 1), OP1("fmax.d", fmax_d, P_CMP, 1),
  OP1("fsgnj.d", fsgnj_d, P_CMP, 1), OP1("fsgnjn.d", fsgnjn_d, P_CMP, 1),
  OP1("fsgnjx.d", fsgnjx_d, P_CMP, 1),
  OP1("feq.d", feq_d, P_CMP, 1), OP1("flt.d", flt_d, P_CMP, 1), OP1("fle.d", fle_d, P_CMP, 1),
  OP1("fclass.d", fclass_d, P_CMP, 1), OP1("fmv.x.d", fmv_x_d, P_CMP, 1),
  OP1("fmv.d.x", fmv_d_x, P_MVX, 1),
};

/* Vectors per (op, rounding mode), by profile. */
static int count(int prof) {
  switch (prof) {
    case P_ADD: case P_MUL: case P_DIV: return 200;
    case P_SQRT: return 150;
    case P_FMA: return 130;
    case P_F2I: return 110;
    case P_I2F: return 70;
    case P_SD: case P_DS: return 150;
    case P_MVX: return 60;
    default: return 220; /* P_CMP, no rounding mode */
  }
}

static void print_op(const struct op *o, const char *rm, const u64 *v, int n, u64 r, unsigned fl) {
  printf("%s %s", o->name, rm);
  for (int i = 0; i < n; i++) printf(" %016llx", (unsigned long long)v[i]);
  printf(" -> %016llx %02x\n", (unsigned long long)r, fl);
}

int main(int argc, char **argv) {
  static const char *RM[] = { "0", "1", "2", "3", "4" };
  int scale = 1;
  if (argc > 1) seed = strtoull(argv[1], 0, 0) | 1;
  if (argc > 2) scale = atoi(argv[2]);
  for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
    const struct op *o = &OPS[i];
    int d = o->d;
    for (int m = 0; m < o->nrm; m++) {
      int n = count(o->prof) * scale;
      for (int j = 0; j < n; j++) {
        u64 v[3] = { 0, 0, 0 }, a, b, c;
        int nops = 1;
        switch (o->prof) {
          case P_ADD: gen_add(d, &a, &b); v[0] = fin(d, a); v[1] = fin(d, b); nops = 2; break;
          case P_MUL: gen_mul(d, &a, &b); v[0] = fin(d, a); v[1] = fin(d, b); nops = 2; break;
          case P_DIV: gen_div(d, &a, &b); v[0] = fin(d, a); v[1] = fin(d, b); nops = 2; break;
          case P_SQRT: gen_sqrt(d, &a); v[0] = fin(d, a); break;
          case P_FMA: gen_fma(d, &a, &b, &c);
            v[0] = fin(d, a); v[1] = fin(d, b); v[2] = fin(d, c); nops = 3; break;
          case P_CMP: gen_cmp(d, &a, &b); v[0] = fin(d, a); v[1] = fin(d, b);
            nops = strncmp(o->name, "fclass", 6) == 0 || strncmp(o->name, "fmv", 3) == 0 ? 1 : 2;
            break;
          case P_F2I: v[0] = fin(d, gen_f2i(d)); break;
          case P_I2F: v[0] = gen_i2f(d); break;
          case P_SD: v[0] = gen_sd(); break;
          case P_DS: v[0] = box((uint32_t)(rn(3) ? any(0) : spec(0))); break;
          case P_MVX: v[0] = rn(3) ? rnd() : fin(d, any(d)); break;
        }
        unsigned fl;
        u64 r = o->fn[m](v[0], v[1], v[2], &fl);
        print_op(o, o->nrm == 1 ? "-" : RM[m], v, nops, r, fl);
      }
    }
  }
  return 0;
}
