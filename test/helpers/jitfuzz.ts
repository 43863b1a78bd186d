// The JIT's differential fuzzer: random valid RV64IMC instruction sequences
// (ALU, M with edge operands, integer and FP loads and stores of every width and alignment, forward branches
// and jumps, a counted loop around the body, rare faulting loads and
// ecalls), run on the interpreter and on the JIT (src/machine/jit) from the
// same state, in the same budget slices; the architectural state after each
// slice must agree. The oracle is the interpreter. Used by test/jit.test.ts
// (fixed seeds, a few hundred programs) and fuzz/jit.ts (many more).

import * as A from './asm.js';
import { Rig, CODE, DATA, prng } from './rig.js';
import type { JitBackend } from '../../src/machine/jit/jit.js';

/** x31 holds DATA, x30 counts the loop down, x29 holds 0 (a faulting base); the body writes only x1..x28. */
const BASE = 31, COUNT = 30, ZERO_BASE = 29;

type Item = { insn: number } | { branch: (off: number) => number; to: number; len: 2 | 4 };

const R_OPS = [A.add, A.sub, A.sll, A.slt, A.sltu, A.xor, A.srl, A.sra, A.or, A.and, A.addw, A.subw, A.sllw, A.srlw, A.sraw,
  A.mul, A.mulh, A.mulhsu, A.mulhu, A.div, A.divu, A.rem, A.remu, A.mulw, A.divw, A.divuw, A.remw, A.remuw];
const I_OPS = [A.addi, A.slti, A.sltiu, A.xori, A.ori, A.andi, A.addiw];
const SH_OPS: [(rd: number, rs1: number, sh: number) => number, number][] = [[A.slli, 63], [A.srli, 63], [A.srai, 63], [A.slliw, 31], [A.srliw, 31], [A.sraiw, 31]];
const LOADS = [A.lb, A.lh, A.lw, A.ld, A.lbu, A.lhu, A.lwu, A.flw, A.fld];
const STORES = [A.sb, A.sh, A.sw, A.sd, A.fsw, A.fsd];
const BRANCHES = [A.beq, A.bne, A.blt, A.bge, A.bltu, A.bgeu];

/** One program: the items of its body, the loop count, the initial registers and the data bytes. */
export interface FuzzCase { code: number[]; regs: bigint[]; data: Uint8Array; threshold: number; slices: number[]; fpu: boolean }

export function makeCase(seed: number, bodyLen = 40): FuzzCase {
  const rnd = prng(seed), pick = <T>(a: readonly T[]) => a[rnd() % a.length];
  const reg = () => 1 + (rnd() % 28), src = () => rnd() % 32;
  const imm12 = () => (rnd() % 4096) - 2048;
  const body: Item[] = [], traps = rnd() % 4 === 0; // one program in four may fault or ecall

  for (let k = 0; k < bodyLen; k++) {
    const r = rnd() % 100;
    if (r < 25) body.push({ insn: pick(R_OPS)(reg(), src(), src()) });
    else if (r < 40) body.push({ insn: pick(I_OPS)(reg(), src(), imm12()) });
    else if (r < 48) { const [op, max] = pick(SH_OPS); body.push({ insn: op(reg(), src(), rnd() % (max + 1)) }); }
    else if (r < 52) body.push({ insn: rnd() % 2 ? A.lui(reg(), rnd() % (1 << 20)) : A.auipc(reg(), rnd() % (1 << 20)) });
    else if (r < 64) body.push({ insn: pick(LOADS)(reg(), BASE, rnd() % 248) });
    else if (r < 74) body.push({ insn: pick(STORES)(src(), BASE, rnd() % 248) });
    else if (r < 84) { const op = pick(BRANCHES), a = src(), b = src(); body.push({ branch: (off) => op(a, b, off), to: k + 1 + (rnd() % 4), len: 4 }); }
    else if (r < 87) body.push({ branch: (off) => A.jal(rnd() % 2 ? 0 : reg(), off), to: k + 1 + (rnd() % 3), len: 4 });
    else if (r < 95) body.push({ insn: compressed(rnd, reg) });
    else if (r < 96 && traps) body.push({ insn: pick(LOADS)(reg(), ZERO_BASE, rnd() % 64) }); // access fault: to the handler
    else if (r < 97 && traps) body.push({ insn: A.ecall() });
    else body.push({ insn: A.fence() });
  }
  const items: Item[] = [{ insn: A.addi(COUNT, 0, 2 + (rnd() % 12)) }, ...body.map((it) => ('to' in it ? { ...it, to: it.to + 1 } : it)),
    { insn: A.addi(COUNT, COUNT, -1) }, { branch: (off) => A.bne(COUNT, 0, off), to: 1, len: 4 }];
  const regs = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : randomValue(rnd)));
  regs[BASE] = BigInt(DATA); regs[ZERO_BASE] = 0n;
  const data = new Uint8Array(256).map(() => rnd() & 0xff);
  const slices = Array.from({ length: 6 }, () => 1 + (rnd() % 300));
  // The FPU is on in most programs; off, every FP load and store is an illegal instruction.
  return { code: layout(items), regs, data, threshold: [0, 0, 1, 2][rnd() % 4], slices, fpu: rnd() % 8 !== 0 };
}

function compressed(rnd: () => number, reg: () => number): number {
  const c = () => 8 + (rnd() % 8), nz = () => { const v = (rnd() % 63) - 31; return v === 0 ? 1 : v; };
  switch (rnd() % 8) {
    case 0: return A.c_addi(reg(), nz());
    case 1: return A.c_addiw(reg(), nz());
    case 2: return A.c_li(reg(), nz());
    case 3: return A.c_mv(reg(), reg());
    case 4: return A.c_add(reg(), reg());
    case 5: return A.c_sub(c(), c());
    case 6: return A.c_slli(reg(), 1 + (rnd() % 63));
    default: return A.c_xor(c(), c());
  }
}

/** Edge values: 0, -1, the most negative 64-bit and 32-bit numbers (division by zero, and overflow). */
const EDGES = [0n, 0xffffffffffffffffn, 0x8000000000000000n, 0xffffffff80000000n];

function randomValue(rnd: () => number): bigint {
  const v = (BigInt(rnd()) << 32n) | BigInt(rnd());
  switch (rnd() % 6) {
    case 0: return BigInt.asUintN(64, BigInt.asIntN(32, v)); // sign-extended 32-bit
    case 1: return v & 0xffn;
    case 2: return EDGES[rnd() % EDGES.length];
    default: return v;
  }
}

/** Lays the items out (2 or 4 bytes each), resolving branch targets to byte offsets; ends with `j .`. */
function layout(items: Item[]): number[] {
  const len = (it: Item) => ('insn' in it ? ((it.insn & 3) === 3 ? 4 : 2) : it.len);
  const at: number[] = [];
  let pos = 0;
  for (const it of items) { at.push(pos); pos += len(it); }
  at.push(pos);
  return [...items.map((it, k) => ('insn' in it ? it.insn : it.branch(at[Math.min(it.to, items.length)] - at[k]))), A.jal(0, 0)];
}

/** Runs a case on a fresh rig, JIT on (at the case's threshold) or off; returns the state after each slice. */
export function runCase(c: FuzzCase, jit: boolean, backend: JitBackend = 'wasm'): string[] {
  const rig = new Rig();
  if (c.fpu) rig.fpOn();
  rig.hart.setJit(jit ? { threshold: c.threshold, backend } : undefined);
  rig.put(CODE, c.code);
  rig.board.bus.load(DATA, c.data);
  c.regs.forEach((v, i) => { if (i > 0) rig.set(i, v); });
  rig.hart.pc = CODE;
  return c.slices.map((n) => { rig.hart.run(n); return snapshot(rig); });
}

function snapshot(rig: Rig): string {
  const h = rig.hart, regs = Array.from({ length: 32 }, (_, i) => rig.get(i).toString(16));
  const data = Buffer.from(rig.board.bus.ram8.subarray(DATA - CODE, DATA - CODE + 256)).toString('hex');
  return `pc=${rig.pc().toString(16)} instret=${h.instret} cycle=${h.cycle} traps=${h.traps} mepc=${h.mepc.toString(16)} ` +
    `mcause=${h.mcause} mtval=${h.mtval.toString(16)} mstatus=${h.mstatus} x=${regs.join(',')} f=${Array.from(h.f).join(',')} data=${data}`;
}

/** The first difference between the interpreter and the JIT on seed `seed`, or undefined when they agree. */
export function differ(seed: number, backend: JitBackend = 'wasm'): string | undefined {
  const c = makeCase(seed), a = runCase(c, false), b = runCase(c, true, backend);
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return `seed ${seed}, slice ${k}:\n interpreter ${a[k]}\n jit         ${b[k]}`;
  return undefined;
}
