// RISC-V F and D extensions: the arithmetic behind every OP-FP, FMADD-family
// and FP/integer move or convert instruction, exact to IEEE 754-2008 as
// the unprivileged spec's F and D chapters specify it: five rounding modes, the
// five accrued flags, tininess after rounding, canonical NaNs, NaN-boxing.
//
// Register files are shared with the hart: f holds the 32 FP registers and x
// the 32 integer registers, register i as f[2*i] (low 32 bits) and f[2*i+1]
// (high 32 bits). rd/rs1/rs2/rs3 are register numbers 0..31 and rm is an
// already-resolved rounding mode 0..4 (RNE RTZ RDN RUP RMM). Every method
// writes its result into f or x and ORs the exception flags into fflags.
//
// The value-level arithmetic is in fpu-arith.ts and fpu-cvt.ts; this class
// does register access, NaN-boxing and the NV rules that need operand bits.

import {
  NV, NAN, CANON_S, CANON_D_HI, classS, classD, isSNaNBitsS, isSNaNBitsD,
} from './fpu-bits.js';
import {
  addS, mulS, divS, sqrtS, fmaS, addD, mulD, divD, sqrtD, fmaD,
} from './fpu-arith.js';
import { roundS } from './fpu-round.js';
import { toInt, fromInt, W, WU, L, LU } from './fpu-cvt.js';

export class Fpu {
  /** fflags and frm, in the hart's state when it gives them (compiled code reads them there: jit/wasm-fp.ts). */
  private readonly fcsr: Int32Array;
  /** Accrued exception flags (NV DZ OF UF NX = 16 8 4 2 1). */
  get fflags(): number { return this.fcsr[0]; }
  set fflags(v: number) { this.fcsr[0] = v; }
  /** Dynamic rounding mode; the hart resolves rm = 7 to it before calling. */
  get frm(): number { return this.fcsr[1]; }
  set frm(v: number) { this.fcsr[1] = v; }
  private readonly f: Int32Array;
  private readonly x: Int32Array;
  // Float views of the same memory as f: fd[i] is register i as a double,
  // fs[2*i] its low word as a single. Operands are read through these rather
  // than by copying two int32 words into a scratch buffer: a 64-bit load
  // right after two 32-bit stores to the same place misses store-to-load
  // forwarding and costs ~14 ns, an order of magnitude more than the add.
  // Only non-NaN values are stored through them, so no NaN bits get lost.
  private readonly fd: Float64Array;
  private readonly fs: Float32Array;

  /** f and x must each hold 64 elements; f must start 8-byte aligned in its buffer; fcsr: [fflags, frm]. */
  constructor(f: Int32Array, x: Int32Array, fcsr: Int32Array = new Int32Array(2)) {
    this.fcsr = fcsr;
    if (f.length < 64 || x.length < 64) throw new RangeError('Fpu: register files need 64 int32 each');
    if (f.byteOffset % 8 !== 0) throw new RangeError('Fpu: f must be 8-byte aligned in its ArrayBuffer');
    this.f = f;
    this.x = x;
    this.fd = new Float64Array(f.buffer, f.byteOffset, 32);
    this.fs = new Float32Array(f.buffer, f.byteOffset, 64);
  }

  // ---- register access ------------------------------------------------------
  // unpriv D, "NaN Boxing of Narrower Values": operands not "correctly
  // NaN-boxed, i.e., all upper FLEN-n bits are 1" read as the canonical NaN.

  /** Encoding of single operand i: its low word if NaN-boxed, else canonical NaN. */
  private bitsS(i: number): number {
    return this.f[2 * i + 1] === -1 ? this.f[2 * i] : CANON_S;
  }
  private s(i: number): number {
    return this.f[2 * i + 1] === -1 ? this.fs[2 * i] : NAN[0];
  }
  private d(i: number): number {
    return this.fd[i];
  }
  private snanS(i: number): boolean {
    return this.f[2 * i + 1] === -1 && isSNaNBitsS(this.f[2 * i]);
  }
  private snanD(i: number): boolean {
    return isSNaNBitsD(this.f[2 * i + 1], this.f[2 * i]);
  }
  /** Writes single v (binary32-exact, or NaN for the canonical NaN), boxed. */
  private ws(rd: number, v: number): void {
    if (v !== v) this.f[2 * rd] = CANON_S;
    else this.fs[2 * rd] = v;
    this.f[2 * rd + 1] = -1;
  }
  private wd(rd: number, v: number): void {
    if (v !== v) { this.f[2 * rd] = 0; this.f[2 * rd + 1] = CANON_D_HI; } else this.fd[rd] = v;
  }
  /** Writes a 32-bit value into x[rd], sign-extended; x0 stays zero. */
  private wx(rd: number, v: number): void {
    if (rd !== 0) { this.x[2 * rd] = v; this.x[2 * rd + 1] = v >> 31; }
  }

  // NV for a NaN result: an sNaN operand, or an invalid operation (a NaN
  // produced from non-NaN operands: inf-inf, 0*inf, 0/0, inf/inf, sqrt(<0)).
  private nv2S(a: number, b: number, rs1: number, rs2: number): void {
    if ((a === a && b === b) || this.snanS(rs1) || this.snanS(rs2)) this.fflags |= NV;
  }
  private nv2D(a: number, b: number, rs1: number, rs2: number): void {
    if ((a === a && b === b) || this.snanD(rs1) || this.snanD(rs2)) this.fflags |= NV;
  }
  // unpriv F, "Single-Precision Floating-Point Computational Instructions":
  // NV "when the multiplicands are inf and zero, even when the addend is a quiet NaN".
  private nv3(a: number, b: number, c: number, sn: boolean): void {
    const p = a * b;
    if (sn || (p !== p && a === a && b === b) || (a === a && b === b && c === c)) this.fflags |= NV;
  }

  // ---- single precision -----------------------------------------------------

  fadd_s(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.s(rs1), b = this.s(rs2), r = addS(this, a, b, rm);
    if (r !== r) this.nv2S(a, b, rs1, rs2);
    this.ws(rd, r);
  }
  fsub_s(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.s(rs1), b = this.s(rs2), r = addS(this, a, -b, rm);
    if (r !== r) this.nv2S(a, b, rs1, rs2);
    this.ws(rd, r);
  }
  fmul_s(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.s(rs1), b = this.s(rs2), r = mulS(this, a, b, rm);
    if (r !== r) this.nv2S(a, b, rs1, rs2);
    this.ws(rd, r);
  }
  fdiv_s(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.s(rs1), b = this.s(rs2), r = divS(this, a, b, rm);
    if (r !== r) this.nv2S(a, b, rs1, rs2);
    this.ws(rd, r);
  }
  fsqrt_s(rd: number, rs1: number, rm: number): void {
    const a = this.s(rs1), r = sqrtS(this, a, rm);
    if (r !== r) this.nv2S(a, 0, rs1, rs1);
    this.ws(rd, r);
  }
  private fmaS(rd: number, rs1: number, rs2: number, rs3: number, rm: number, na: boolean, nc: boolean): void {
    const a = this.s(rs1), b = this.s(rs2), c = this.s(rs3);
    const r = fmaS(this, na ? -a : a, b, nc ? -c : c, rm);
    if (r !== r) this.nv3(a, b, c, this.snanS(rs1) || this.snanS(rs2) || this.snanS(rs3));
    this.ws(rd, r);
  }
  /** rs1*rs2 + rs3 */
  fmadd_s(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaS(rd, rs1, rs2, rs3, rm, false, false);
  }
  /** rs1*rs2 - rs3 */
  fmsub_s(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaS(rd, rs1, rs2, rs3, rm, false, true);
  }
  /** -(rs1*rs2) + rs3 */
  fnmsub_s(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaS(rd, rs1, rs2, rs3, rm, true, false);
  }
  /** -(rs1*rs2) - rs3 */
  fnmadd_s(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaS(rd, rs1, rs2, rs3, rm, true, true);
  }
  // unpriv F, "Single-Precision Floating-Point Computational Instructions":
  // "the value -0.0 is considered to be less than the value +0.0"; one NaN
  // operand gives the other, two give the canonical NaN; sNaN sets NV.
  fmin_s(rd: number, rs1: number, rs2: number): void {
    this.ws(rd, this.minMax(this.s(rs1), this.s(rs2), false, this.snanS(rs1) || this.snanS(rs2)));
  }
  fmax_s(rd: number, rs1: number, rs2: number): void {
    this.ws(rd, this.minMax(this.s(rs1), this.s(rs2), true, this.snanS(rs1) || this.snanS(rs2)));
  }
  fsgnj_s(rd: number, rs1: number, rs2: number): void {
    this.f[2 * rd] = (this.bitsS(rs1) & 0x7fffffff) | (this.bitsS(rs2) & 0x80000000);
    this.f[2 * rd + 1] = -1;
  }
  fsgnjn_s(rd: number, rs1: number, rs2: number): void {
    this.f[2 * rd] = (this.bitsS(rs1) & 0x7fffffff) | (~this.bitsS(rs2) & 0x80000000);
    this.f[2 * rd + 1] = -1;
  }
  fsgnjx_s(rd: number, rs1: number, rs2: number): void {
    this.f[2 * rd] = this.bitsS(rs1) ^ (this.bitsS(rs2) & 0x80000000);
    this.f[2 * rd + 1] = -1;
  }
  // unpriv F, "Single-Precision Floating-Point Compare Instructions": feq.s "only
  // sets the invalid operation exception flag if either input is a signaling
  // NaN"; flt.s/fle.s set it "if either input is NaN".
  feq_s(rd: number, rs1: number, rs2: number): void {
    const a = this.s(rs1), b = this.s(rs2);
    if (this.snanS(rs1) || this.snanS(rs2)) this.fflags |= NV;
    this.wx(rd, a === b ? 1 : 0);
  }
  flt_s(rd: number, rs1: number, rs2: number): void {
    const a = this.s(rs1), b = this.s(rs2);
    if (a !== a || b !== b) this.fflags |= NV;
    this.wx(rd, a < b ? 1 : 0);
  }
  fle_s(rd: number, rs1: number, rs2: number): void {
    const a = this.s(rs1), b = this.s(rs2);
    if (a !== a || b !== b) this.fflags |= NV;
    this.wx(rd, a <= b ? 1 : 0);
  }
  fclass_s(rd: number, rs1: number): void {
    this.wx(rd, classS(this.bitsS(rs1)));
  }
  fcvt_w_s(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.s(rs1), rm, W); }
  fcvt_wu_s(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.s(rs1), rm, WU); }
  fcvt_l_s(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.s(rs1), rm, L); }
  fcvt_lu_s(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.s(rs1), rm, LU); }
  fcvt_s_w(rd: number, rs1: number, rm: number): void { this.ws(rd, fromInt(this, this.x, rs1, W, true, rm)); }
  fcvt_s_wu(rd: number, rs1: number, rm: number): void { this.ws(rd, fromInt(this, this.x, rs1, WU, true, rm)); }
  fcvt_s_l(rd: number, rs1: number, rm: number): void { this.ws(rd, fromInt(this, this.x, rs1, L, true, rm)); }
  fcvt_s_lu(rd: number, rs1: number, rm: number): void { this.ws(rd, fromInt(this, this.x, rs1, LU, true, rm)); }
  // Transfers ignore boxing. unpriv D, "NaN Boxing of Narrower Values": "A
  // narrower n-bit transfer out of the floating-point registers will transfer
  // the lower n bits of the register ignoring the upper FLEN-n bits.
  fmv_x_w(rd: number, rs1: number): void { this.wx(rd, this.f[2 * rs1]); }
  fmv_w_x(rd: number, rs1: number): void {
    this.f[2 * rd] = this.x[2 * rs1];
    this.f[2 * rd + 1] = -1;
  }

  // ---- double precision -----------------------------------------------------

  fadd_d(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.d(rs1), b = this.d(rs2), r = addD(this, a, b, rm);
    if (r !== r) this.nv2D(a, b, rs1, rs2);
    this.wd(rd, r);
  }
  fsub_d(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.d(rs1), b = this.d(rs2), r = addD(this, a, -b, rm);
    if (r !== r) this.nv2D(a, b, rs1, rs2);
    this.wd(rd, r);
  }
  fmul_d(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.d(rs1), b = this.d(rs2), r = mulD(this, a, b, rm);
    if (r !== r) this.nv2D(a, b, rs1, rs2);
    this.wd(rd, r);
  }
  fdiv_d(rd: number, rs1: number, rs2: number, rm: number): void {
    const a = this.d(rs1), b = this.d(rs2), r = divD(this, a, b, rm);
    if (r !== r) this.nv2D(a, b, rs1, rs2);
    this.wd(rd, r);
  }
  fsqrt_d(rd: number, rs1: number, rm: number): void {
    const a = this.d(rs1), r = sqrtD(this, a, rm);
    if (r !== r) this.nv2D(a, 0, rs1, rs1);
    this.wd(rd, r);
  }
  private fmaD(rd: number, rs1: number, rs2: number, rs3: number, rm: number, na: boolean, nc: boolean): void {
    const a = this.d(rs1), b = this.d(rs2), c = this.d(rs3);
    const r = fmaD(this, na ? -a : a, b, nc ? -c : c, rm);
    if (r !== r) this.nv3(a, b, c, this.snanD(rs1) || this.snanD(rs2) || this.snanD(rs3));
    this.wd(rd, r);
  }
  fmadd_d(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaD(rd, rs1, rs2, rs3, rm, false, false);
  }
  fmsub_d(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaD(rd, rs1, rs2, rs3, rm, false, true);
  }
  fnmsub_d(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaD(rd, rs1, rs2, rs3, rm, true, false);
  }
  fnmadd_d(rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
    this.fmaD(rd, rs1, rs2, rs3, rm, true, true);
  }
  fmin_d(rd: number, rs1: number, rs2: number): void {
    this.wd(rd, this.minMax(this.d(rs1), this.d(rs2), false, this.snanD(rs1) || this.snanD(rs2)));
  }
  fmax_d(rd: number, rs1: number, rs2: number): void {
    this.wd(rd, this.minMax(this.d(rs1), this.d(rs2), true, this.snanD(rs1) || this.snanD(rs2)));
  }
  fsgnj_d(rd: number, rs1: number, rs2: number): void {
    this.f[2 * rd] = this.f[2 * rs1];
    this.f[2 * rd + 1] = (this.f[2 * rs1 + 1] & 0x7fffffff) | (this.f[2 * rs2 + 1] & 0x80000000);
  }
  fsgnjn_d(rd: number, rs1: number, rs2: number): void {
    this.f[2 * rd] = this.f[2 * rs1];
    this.f[2 * rd + 1] = (this.f[2 * rs1 + 1] & 0x7fffffff) | (~this.f[2 * rs2 + 1] & 0x80000000);
  }
  fsgnjx_d(rd: number, rs1: number, rs2: number): void {
    this.f[2 * rd] = this.f[2 * rs1];
    this.f[2 * rd + 1] = this.f[2 * rs1 + 1] ^ (this.f[2 * rs2 + 1] & 0x80000000);
  }
  feq_d(rd: number, rs1: number, rs2: number): void {
    const a = this.d(rs1), b = this.d(rs2);
    if (this.snanD(rs1) || this.snanD(rs2)) this.fflags |= NV;
    this.wx(rd, a === b ? 1 : 0);
  }
  flt_d(rd: number, rs1: number, rs2: number): void {
    const a = this.d(rs1), b = this.d(rs2);
    if (a !== a || b !== b) this.fflags |= NV;
    this.wx(rd, a < b ? 1 : 0);
  }
  fle_d(rd: number, rs1: number, rs2: number): void {
    const a = this.d(rs1), b = this.d(rs2);
    if (a !== a || b !== b) this.fflags |= NV;
    this.wx(rd, a <= b ? 1 : 0);
  }
  fclass_d(rd: number, rs1: number): void {
    this.wx(rd, classD(this.f[2 * rs1 + 1], this.f[2 * rs1]));
  }
  fcvt_w_d(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.d(rs1), rm, W); }
  fcvt_wu_d(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.d(rs1), rm, WU); }
  fcvt_l_d(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.d(rs1), rm, L); }
  fcvt_lu_d(rd: number, rs1: number, rm: number): void { toInt(this, this.x, rd, this.d(rs1), rm, LU); }
  fcvt_d_w(rd: number, rs1: number, rm: number): void { this.wd(rd, fromInt(this, this.x, rs1, W, false, rm)); }
  fcvt_d_wu(rd: number, rs1: number, rm: number): void { this.wd(rd, fromInt(this, this.x, rs1, WU, false, rm)); }
  fcvt_d_l(rd: number, rs1: number, rm: number): void { this.wd(rd, fromInt(this, this.x, rs1, L, false, rm)); }
  fcvt_d_lu(rd: number, rs1: number, rm: number): void { this.wd(rd, fromInt(this, this.x, rs1, LU, false, rm)); }
  fmv_x_d(rd: number, rs1: number): void {
    if (rd !== 0) { this.x[2 * rd] = this.f[2 * rs1]; this.x[2 * rd + 1] = this.f[2 * rs1 + 1]; }
  }
  fmv_d_x(rd: number, rs1: number): void {
    this.f[2 * rd] = this.x[2 * rs1];
    this.f[2 * rd + 1] = this.x[2 * rs1 + 1];
  }

  // ---- between the formats --------------------------------------------------

  fcvt_s_d(rd: number, rs1: number, rm: number): void {
    const v = this.d(rs1);
    if (v !== v) { if (this.snanD(rs1)) this.fflags |= NV; this.ws(rd, NAN[0]); return; }
    this.ws(rd, roundS(this, v, 0, rm));
  }
  /** Exact; rm is accepted (the encoding has the field) and has no effect. */
  fcvt_d_s(rd: number, rs1: number, _rm: number): void {
    const v = this.s(rs1);
    if (v !== v && this.snanS(rs1)) this.fflags |= NV;
    this.wd(rd, v);
  }

  /** fmin/fmax on values; sn: some operand is a signaling NaN. */
  private minMax(a: number, b: number, max: boolean, sn: boolean): number {
    if (sn) this.fflags |= NV;
    if (a !== a) return b; // NaN when both are: canonical
    if (b !== b) return a;
    if (a === b) return a !== 0 ? a : (1 / a > 0) === max ? a : b; // -0 < +0
    return (a < b) !== max ? a : b;
  }
}
