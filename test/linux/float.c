/* float: libm results printed exactly (%.17g and %a), float/double/integer
   conversions including RISC-V's saturating out-of-range conversions, the
   rounding modes of fenv.h, exception flags, and long double (binary128,
   in software). */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* volatile: the compiler must not fold these at build time. */
static volatile double two = 2.0, one = 1.0, three = 3.0, ten = 10.0, half = 0.5, zero = 0.0;
static volatile double tenth = 0.1, big = 1e308, neg = -2.5, pos = 2.5, tiny = 1e-310;
static volatile float twof = 2.0f, onef = 1.0f, thirdf = 0.333333343f;

static void libm(void) {
  printf("sqrt(2)    %.17g\n", sqrt(two));
  printf("sin(1)     %.17g\n", sin(one));
  printf("cos(1)     %.17g\n", cos(one));
  printf("tan(0.5)   %.17g\n", tan(half));
  printf("exp(1)     %.17g\n", exp(one));
  printf("log(10)    %.17g\n", log(ten));
  printf("log2(3)    %.17g\n", log2(three));
  printf("pow(2,0.5) %.17g\n", pow(two, half));
  printf("atan2(1,3) %.17g\n", atan2(one, three));
  printf("cbrt(10)   %.17g\n", cbrt(ten));
  printf("hypot(1,2) %.17g\n", hypot(one, two));
  printf("fma        %.17g\n", fma(tenth, ten, -one));
  printf("fmod(10,3) %.17g remainder %.17g\n", fmod(ten, three), remainder(ten, three));
  printf("sin(1e22)  %.17g\n", sin(1e22 * one));
  printf("sqrtf(2)   %.9g sinf(1) %.9g expf(1) %.9g\n", sqrtf(twof), sinf(onef), expf(onef));
  printf("1/3        %a %a\n", one / three, (double)(onef / 3.0f));
  printf("floor/ceil/round/trunc(-2.5) %g %g %g %g\n", floor(neg), ceil(neg), round(neg), trunc(neg));
  printf("frexp/ldexp %g %g\n", ldexp(three, 10), scalbn(one, -3));
  printf("tgamma(5) %.17g lgamma(10) %.17g erf(0.5) %.17g\n", tgamma(5 * one), lgamma(ten), erf(half));
}

static void special(void) {
  double inf = one / zero, nan = zero / zero;
  printf("1/0 %g -1/0 %g 0/0 %g (riscv NaNs are positive: canonical NaN)\n", inf, -one / zero, nan);
  printf("isnan %d isinf %d signbit(-0.0) %d nan==nan %d\n", isnan(nan), isinf(inf), signbit(-zero), nan == nan);
  printf("denormal %a min %a max %a eps %a\n", tiny, DBL_MIN, DBL_MAX, DBL_EPSILON);
  printf("sqrt(-1) %g, log(0) %g, fmax(nan,1) %g\n", sqrt(-one), log(zero), fmax(nan, one));
  printf("fmin(-0,+0) signbit %d\n", signbit(fmin(-zero, zero)));
}

static void conversions(void) {
  printf("(float)0.1 = %.9g = %.17g\n", (float)tenth, (double)(float)tenth);
  printf("(double)0.333333343f %.17g\n", (double)thirdf);
  printf("(int)-2.5 %d (int)2.9999 %d (long)1e18 %ld\n", (int)neg, (int)(2.9999 * one), (long)(1e18 * one));
  printf("(unsigned long)1.8e19 %lu\n", (unsigned long)(1.8e19 * one));
  printf("(double)INT64_MAX %.17g (float)16777217 %.9g\n", (double)(INT64_MAX + 0 * (int64_t)one),
         (float)(16777217 + 0 * (int)one));
  /* Out of range and NaN: undefined in C, but RISC-V's fcvt saturates and
     turns NaN into the largest value.  The compiler emits plain fcvt here. */
  volatile double huge = 1e30, nan = zero / zero;
  printf("fcvt saturation: int %d %d %d long %ld unsigned %u from -1: %u\n", (int)huge, (int)-huge, (int)nan,
         (long)nan, (unsigned)huge, (unsigned)-one);
  printf("strtod(\"0x1.8p1\") %g strtod(\"1e-400\") %g strtod(\"nan\") %g\n", strtod("0x1.8p1", 0),
         strtod("1e-400", 0), strtod("nan", 0));
  printf("round trip 0.1+0.2 %.17g\n", tenth + 2 * tenth);
  printf("float sum %.9g, float * %.9g\n", onef / 3.0f + thirdf, thirdf * 3.0f);
}

static const char *mode_name(int m) {
  switch (m) {
  case FE_TONEAREST: return "FE_TONEAREST";
  case FE_UPWARD: return "FE_UPWARD";
  case FE_DOWNWARD: return "FE_DOWNWARD";
  case FE_TOWARDZERO: return "FE_TOWARDZERO";
  default: return "?";
  }
}

static void rounding(void) {
  static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  for (int i = 0; i < 4; i++) {
    int r = fesetround(modes[i]);
    printf("%-13s set %d get %s: rint(2.5) %g rint(-2.5) %g rint(3.5) %g nearbyint(-0.5) %g lrint(2.5) %ld\n",
           mode_name(modes[i]), r, mode_name(fegetround()), rint(pos), rint(neg), rint(pos + one),
           nearbyint(-half), lrint(pos));
    printf("%-13s 1/3 %a -1/3 %a 2/3f %a sqrt(2) %a\n", "", one / three, -one / three,
           (double)(twof / 3.0f), sqrt(two));
  }
  fesetround(FE_TONEAREST);
  printf("fesetround(bogus) %d\n", fesetround(12345) != 0);
}

static void flags(void) {
  static const struct { int bit; const char *name; } names[] = {
      {FE_INVALID, "INVALID"}, {FE_DIVBYZERO, "DIVBYZERO"}, {FE_OVERFLOW, "OVERFLOW"},
      {FE_UNDERFLOW, "UNDERFLOW"}, {FE_INEXACT, "INEXACT"}};
  struct { const char *what; int step; } cases[] = {
      {"1/0", 0}, {"sqrt(-1)", 1}, {"1e308*10", 2}, {"1e-310/1e10", 3}, {"1/3", 4}, {"2*2", 5}};
  for (int c = 0; c < 6; c++) {
    feclearexcept(FE_ALL_EXCEPT);
    volatile double v;
    switch (cases[c].step) {
    case 0: v = one / zero; break;
    case 1: v = sqrt(-one); break;
    case 2: v = big * ten; break;
    case 3: v = tiny / 1e10; break;
    case 4: v = one / three; break;
    default: v = two * two; break;
    }
    (void)v;
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("flags after %-12s", cases[c].what);
    for (int i = 0; i < 5; i++)
      if (f & names[i].bit) printf(" %s", names[i].name);
    printf("\n");
  }
  feraiseexcept(FE_OVERFLOW);
  printf("feraiseexcept OVERFLOW sets it %d\n", fetestexcept(FE_OVERFLOW) == FE_OVERFLOW);
  fenv_t env;
  fegetenv(&env);
  feclearexcept(FE_ALL_EXCEPT);
  fesetenv(&env);
  printf("fesetenv restores it %d\n", fetestexcept(FE_OVERFLOW) == FE_OVERFLOW);
}

static void quad(void) {
  volatile long double x = 2.0L;
  printf("long double: size %zu mant %d sqrtl(2) %.33Lg\n", sizeof(long double), LDBL_MANT_DIG, sqrtl(x));
  printf("1/3L %.36Lg\n", 1.0L / (x + 1.0L));
  printf("(double)(1/3L) %.17g\n", (double)(1.0L / (x + 1.0L)));
}

int main(void) {
  libm();
  special();
  conversions();
  rounding();
  flags();
  quad();
  return 0;
}
