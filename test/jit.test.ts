// The JIT (src/machine/jit) against its oracle, the interpreter: the same
// run with --jit on and off must reach the same architectural state, print
// the same output and give byte-identical --trace and --stats=json (apart
// from the JIT's own "jit" section). docs/jit.md describes the contract.

import '../src/cli/wasm-features.js'; // first: relaxed SIMD, for the fused multiply-add path
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BareMachine, type BareResult } from '../src/machine/bare.js';
import { BIN as BENCH_BIN, smallPrograms } from '../bench/programs.js';
import * as A from './helpers/asm.js';
import { Rig, CODE, DATA, prng } from './helpers/rig.js';
import { differ } from './helpers/jitfuzz.js';
import { fusedMaddAvailable } from '../src/machine/jit/wasm-fp.js';
import { ROOT, lde } from './helpers/cli.js';
import { Csr } from '../src/machine/csr.js';
import { Mode } from '../src/machine/trap.js';

/** Runs a bare ELF to its end (or maxInsns steps); the result, its output and every register. */
function bare(elf: Uint8Array, jit: boolean, maxInsns: number): { r: BareResult; out: string; regs: string; stats?: string } {
  const chunks: Uint8Array[] = [];
  const m = new BareMachine(elf, { maxInsns, console: (b) => chunks.push(b), jit: jit ? { threshold: 0 } : null });
  let r: BareResult | undefined;
  while ((r = m.step()) === undefined);
  const h = m.board.hart;
  return { r, out: Buffer.concat(chunks).toString('latin1'), regs: `${Array.from(h.x.subarray(0, 64)).join(',')} ${Array.from(h.f).join(',')} ${h.mcause} ${h.mepc} ${h.mtval}`, stats: h.jit && JSON.stringify(h.jit.stats()) };
}

const ELFS = ['test/asm/bin', 'test/bare/bin'].flatMap((d) => readdirSync(ROOT + d).filter((f) => f.endsWith('.elf')).map((f) => `${d}/${f}`));

for (const path of ELFS) {
  test(`bare ${path}: the same with every block compiled (--jit-threshold 0)`, () => {
    const elf = readFileSync(ROOT + path);
    const off = bare(elf, false, 2_000_000), on = bare(elf, true, 2_000_000);
    assert.deepEqual({ ...on, stats: undefined }, { ...off, stats: undefined });
    assert.match(on.stats!, /"regions":[1-9]/, 'nothing was compiled');
    assert.match(on.stats!, /"failures":0/, 'a region failed to compile (it would be interpreted: nothing compared)');
  });
}

for (const p of smallPrograms()) {
  test(`bench ${p.name}: the same state after a million steps with the JIT`, () => {
    const elf = readFileSync(BENCH_BIN + p.file);
    const off = bare(elf, false, 1_000_000), on = bare(elf, true, 1_000_000);
    assert.deepEqual({ ...on, stats: undefined }, { ...off, stats: undefined });
    assert.match(on.stats!, /"failures":0/, 'a region failed to compile');
  });
}

test('differential fuzzing: 150 random RV64IMC programs reach the same state on the interpreter and the WebAssembly JIT', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const d = differ(seed, 'wasm');
    assert.equal(d, undefined, d);
  }
});

test('differential fuzzing: 60 more on the JavaScript backend (the fallback where WebAssembly is missing)', () => {
  for (let seed = 1001; seed <= 1060; seed++) {
    const d = differ(seed, 'js');
    assert.equal(d, undefined, d);
  }
});

/**
 * Self-modifying code (unpriv "Zifencei": fence.i makes earlier stores visible
 * to later fetches; without it the hart may or may not see them). lde's
 * hardware sees a store to decoded code at the next block (the store drops
 * the decoded page at once), and a block already running finishes with the
 * instructions it decoded; compiled code must do exactly the same.
 */
function selfModifying(jit: boolean): { a0: bigint; state: string; invalidations: number } {
  const rig = new Rig(), F = CODE + 0x1000, G = CODE + 0x300;
  rig.hart.setJit(jit ? { threshold: 0 } : undefined);
  rig.prog(CODE, [
    A.addi(5, 0, 8), // 8 calls of F: a0 += 1 each
    A.jal(1, F - (CODE + 4)), A.addi(5, 5, -1), A.bne(5, 0, -8),
    A.sw(6, 7, 0), A.fence_i(), A.jal(1, F - (CODE + 24)), // F becomes a0 += 100; with fence.i
    A.sw(8, 7, 0), A.jal(1, F - (CODE + 32)), // a0 += 1000, no fence.i: seen at the next block
    A.jal(1, G - (CODE + 36)), A.jal(1, G - (CODE + 40)), // G patches its own next instruction: +7 first, +70 after
  ]);
  rig.put(F, [A.addi(10, 10, 1), A.jalr(0, 1, 0)]);
  rig.put(G, [A.sw(9, 12, 4), A.addi(10, 10, 7), A.jalr(0, 1, 0)]);
  rig.set(6, A.addi(10, 10, 100)); rig.set(7, F); rig.set(8, A.addi(10, 10, 1000));
  rig.set(9, A.addi(10, 10, 70)); rig.set(12, G); rig.set(10, 0);
  rig.run(CODE, 200);
  const h = rig.hart;
  return { a0: rig.get(10), state: `${Array.from(h.x.subarray(0, 64)).join(',')} pc=${h.pc} instret=${h.instret}`, invalidations: h.jit?.stats().invalidations ?? 0 };
}

test('self-modifying code: with and without fence.i, the JIT sees what the interpreter sees', () => {
  const off = selfModifying(false), on = selfModifying(true);
  assert.equal(off.a0, 8n + 100n + 1000n + 7n + 70n);
  assert.equal(on.state, off.state);
  assert.ok(on.invalidations >= 3, `only ${on.invalidations} compiled regions were invalidated`);
});

/**
 * A loop whose body crosses a page boundary: a WebAssembly region takes the
 * warm blocks of neighbouring pages (jit/region.ts), so the loop runs without
 * leaving compiled code at the boundary, and ends in the state the interpreter reaches.
 */
function acrossPages(jit: boolean): { state: string; leaves: number; regions: number } {
  const rig = new Rig(), P = CODE + 0x1000;
  rig.hart.setJit(jit ? { threshold: 2 } : undefined);
  rig.prog(P - 12, [A.addi(5, 5, 1), A.addi(10, 10, 3), A.addi(11, 11, 5)]);
  rig.put(P, [A.addi(10, 10, 7), A.bne(5, 6, -16), A.addi(12, 0, 1)]);
  rig.set(6, 2000);
  rig.run(P - 12, 10_000);
  const h = rig.hart, s = h.jit?.stats();
  return { state: `${Array.from(h.x.subarray(0, 64)).join(',')} pc=${h.pc} instret=${h.instret}`, leaves: s?.exits.leave ?? 0, regions: s?.regions ?? 0 };
}

test('a loop across a page boundary stays in one compiled region, in the interpreter\'s state', () => {
  const off = acrossPages(false), on = acrossPages(true);
  assert.equal(on.state, off.state);
  assert.ok(on.regions >= 1, 'nothing was compiled');
  // Before regions took neighbouring pages, every iteration left twice (about 4,000 leaves).
  assert.ok(on.leaves < 10, `${on.leaves} leaves`);
});

/**
 * Region chaining (jit/chain.ts): a loop calls a function 32 KiB away, in a
 * region of its own; each call and return goes from region to region by a
 * tail call, not through Hart.run. Half-way the loop rewrites the function
 * (then fence.i): its region is dropped, no chain may lead to it any more,
 * and the calls after see the new code, as under the interpreter.
 */
function farCalls(jit: boolean): { a0: bigint; state: string; leaves: number; chains: number; invalidations: number } {
  const rig = new Rig(), F = CODE + 0x8000;
  rig.hart.setJit(jit ? { threshold: 2 } : undefined);
  rig.prog(CODE, [
    A.addi(5, 0, 0), A.jal(1, F - (CODE + 4)), A.addi(5, 5, 1), A.bne(5, 6, -8),
    A.sw(8, 7, 0), A.fence_i(), // F's first instruction becomes a0 += 100
    A.addi(5, 0, 0), A.jal(1, F - (CODE + 28)), A.addi(5, 5, 1), A.bne(5, 6, -8),
  ]);
  rig.put(F, [A.addi(10, 10, 1), A.jalr(0, 1, 0)]);
  rig.set(6, 300); rig.set(7, F); rig.set(8, A.addi(10, 10, 100)); rig.set(10, 0);
  rig.run(CODE, 5_000);
  const h = rig.hart, s = h.jit?.stats();
  return { a0: rig.get(10), state: `${Array.from(h.x.subarray(0, 64)).join(',')} pc=${h.pc} instret=${h.instret}`,
    leaves: s?.exits.leave ?? 0, chains: s?.chains ?? 0, invalidations: s?.invalidations ?? 0 };
}

test('region chaining: calls to a far function go region to region, and a rewritten function is never chained to', (t) => {
  const off = farCalls(false), on = farCalls(true);
  assert.equal(off.a0, 300n + 300n * 100n);
  assert.equal(on.state, off.state);
  if (process.env.LDE_JIT === 'off' || new Rig().hart.jit?.backend === 'js') return t.skip('chaining is the WebAssembly backend\'s');
  assert.ok(on.invalidations >= 1, 'the rewritten function was not invalidated');
  // Without chaining, each call and each return leaves: about 1,200 leaves.
  assert.ok(on.chains > 1000, `${on.chains} chains`);
  assert.ok(on.leaves < 50, `${on.leaves} leaves`);
});

/**
 * Misaligned loads and stores inside one page (Linux's boot does millions)
 * in compiled code: each leaves, and the interpreter does it from RAM's
 * bytes (mem.ts; doing them inline, unaligned, made every region's code
 * larger and Linux's boot 0.5 s slower). A misaligned store whose last
 * bytes reach a granule of decoded code rewrites it as under the interpreter.
 */
function misaligned(jit: boolean): { state: string; a0: bigint } {
  const rig = new Rig(), G = CODE + 0x800, page = DATA + 0x1000;
  rig.hart.setJit(jit ? { threshold: 0 } : undefined);
  rig.put(G, [A.addi(10, 10, 1), A.jalr(0, 1, 0)]);
  rig.prog(CODE, [
    A.sd(0, 9, -64), // the code page in the write TLB (through a granule without code)
    A.addi(5, 0, 200), A.addi(7, 0, 0), A.add(7, 7, 13), // x13: the data page
    A.sd(6, 7, 1), A.ld(11, 7, 1), A.sw(11, 7, 10), A.lh(14, 7, 11), A.add(12, 12, 11), A.add(12, 12, 14),
    A.addi(7, 7, 13), A.addi(5, 5, -1), A.bne(5, 0, -32),
    A.jal(1, G - (CODE + 52)), // a0 += 1
    A.sd(8, 9, -4), // misaligned, its high word on G's first instruction: now a0 += 100
    A.jal(1, G - (CODE + 60)),
  ]);
  rig.set(6, 0x0123456789abcdefn); rig.set(13, page); rig.set(9, G); rig.set(8, BigInt(A.addi(10, 10, 100)) << 32n);
  rig.run(CODE, 3_000);
  const h = rig.hart;
  return { state: `${Array.from(h.x.subarray(0, 64)).join(',')} pc=${h.pc} instret=${h.instret} mem=${rig.peek(page + 1, 8)},${rig.peek(page + 2000, 8)}`,
    a0: rig.get(10) };
}

test('misaligned loads and stores inside a page in compiled code: the interpreter\'s results; one reaching decoded code rewrites it', () => {
  const off = misaligned(false), on = misaligned(true);
  assert.equal(off.a0, 101n);
  assert.equal(on.state, off.state);
});

/**
 * `csrr rd, time` in compiled code reads mtime without calling out
 * (wasm-insn.ts readTime): the same values as the interpreter, the cycle
 * counting the instructions before it in its block, in M-mode; and in
 * S-mode with mcounteren.TM clear, the same illegal-instruction trap.
 */
function timeReads(jit: boolean, priv: Mode, mcounteren: bigint): string {
  const rig = new Rig();
  rig.hart.setJit(jit ? { threshold: 0 } : undefined);
  rig.hart.csrWrite(Csr.MCOUNTEREN, mcounteren);
  rig.prog(CODE, [
    A.addi(5, 0, 700),
    A.addi(6, 6, 3), A.addi(7, 7, 1), A.csrr(8, Csr.TIME), // the loop's first block: two instructions, then time
    A.add(10, 10, 8), A.xor(11, 11, 8), A.slli(11, 11, 1), A.addi(5, 5, -1), A.bne(5, 0, -28),
  ]);
  rig.hart.setPriv(priv);
  rig.run(CODE, 10_000);
  const h = rig.hart;
  return `${Array.from(h.x.subarray(0, 64)).join(',')} pc=${h.pc} priv=${h.priv} instret=${h.instret} cycle=${h.cycle} mcause=${h.mcause} mepc=${h.mepc}`;
}

test('csrr time in compiled code: the interpreter\'s values, and its trap where the mode may not read time', () => {
  const off = timeReads(false, Mode.M, 0n);
  assert.ok(rigSum(off) > 0n, 'time was read');
  assert.equal(timeReads(true, Mode.M, 0n), off);
  const deniedOff = timeReads(false, Mode.S, 0n);
  assert.match(deniedOff, /mcause=2 /, 'an illegal instruction');
  assert.equal(timeReads(true, Mode.S, 0n), deniedOff);
  assert.equal(timeReads(true, Mode.S, 2n), timeReads(false, Mode.S, 2n));
});

/** x10 of a timeReads state. */
const rigSum = (state: string): bigint => {
  const w = state.split(' ')[0].split(',').map(Number);
  return (BigInt(w[21]) << 32n) | BigInt(w[20] >>> 0);
};

/**
 * Fused multiply-add: the WebAssembly fast path uses the host's relaxed
 * multiply-add where it rounds once, and emulates it with host doubles
 * otherwise (jit/wasm-fp.ts); both are checked, the interpreter's FPU the oracle. Half the
 * triples are random; half are built so that a*b + c falls at or next to a
 * halfway point between two doubles (a = 1 + 2^-i, b = 1 + 2^-j, c = ±2^k:
 * the product's last bits decide the rounding), where emulations that round
 * twice go wrong.
 */
function fmaResults(jit: false | { fusedMadd: boolean }, triples: number[][]): string {
  const rig = new Rig(), N = triples.length, STRIDE = 56;
  rig.fpOn();
  rig.hart.fpu.fflags = 1; // NX already set: the fast path's case
  rig.hart.setJit(jit ? { threshold: 0, fusedMadd: jit.fusedMadd } : undefined);
  rig.prog(CODE, [
    A.fld(0, 5, 0), A.fld(1, 5, 8), A.fld(2, 5, 16),
    A.fmadd_d(3, 0, 1, 2), A.fsd(3, 5, 24), A.fmsub_d(3, 0, 1, 2), A.fsd(3, 5, 32),
    A.fnmsub_d(3, 0, 1, 2), A.fsd(3, 5, 40), A.fnmadd_d(3, 0, 1, 2), A.fsd(3, 5, 48),
    A.addi(5, 5, STRIDE), A.addi(6, 6, -1), A.bne(6, 0, -48), A.jal(0, 0),
  ]);
  const buf = new Float64Array(N * 7);
  triples.forEach((t, k) => buf.set(t, k * 7));
  rig.board.bus.load(DATA, new Uint8Array(buf.buffer));
  rig.set(5, DATA); rig.set(6, N);
  rig.run(CODE, N * 16 + 10);
  const out = rig.board.bus.ram8.slice(DATA - CODE, DATA - CODE + N * STRIDE);
  return `${Buffer.from(out).toString('hex')} fflags=${rig.hart.fpu.fflags} failures=${rig.hart.jit?.stats().failures ?? 0}`;
}

test('fused multiply-add in compiled code rounds once, as the FPU does, on random and near-halfway operands', (t) => {
  const rnd = prng(7), triples: number[][] = [];
  const sign = () => (rnd() % 2 ? -1 : 1), normal = () => sign() * (1 + rnd() / 2 ** 32) * 2 ** ((rnd() % 400) - 200);
  for (let k = 0; k < 3000; k++) {
    if (k % 2 === 0) triples.push([normal(), normal(), rnd() % 8 === 0 ? 0 : normal()]);
    else {
      const i = 1 + (rnd() % 60), j = 1 + (rnd() % 60), e = (rnd() % 120) - 60;
      triples.push([sign() * (1 + 2 ** -i), sign() * (1 + 2 ** -j), sign() * 2 ** e]);
    }
  }
  // A zero factor: the sum is exact, and its sign is IEEE's (zero plus zero).
  for (let k = 0; k < 200; k++) {
    const z = sign() * 0, c = [0, -0, normal(), 2 ** -1070][k % 4];
    triples.push(k % 2 ? [z, normal(), c] : [normal(), z, c]);
  }
  const off = fmaResults(false, triples);
  for (const fusedMadd of [false, true]) {
    if (fusedMadd && !fusedMaddAvailable()) { t.diagnostic('this host\'s relaxed multiply-add does not round once: only the emulation is checked'); continue; }
    const on = fmaResults({ fusedMadd }, triples);
    assert.match(on, /failures=0$/);
    assert.equal(on, off, fusedMadd ? 'relaxed_madd' : 'emulation');
  }
});

/** `lde run` with --stats=json and --trace: stdout, the status, the trace file and the stats without the "jit" section. */
function runUser(args: string[], jit: string[]): { out: string; status: number; trace: string; stats: unknown; jit: unknown } {
  const dir = mkdtempSync(`${tmpdir()}/lde-jit-`);
  try {
    const r = lde(['run', ...jit, '--stats=json', '--trace', `${dir}/t.json`, ...args]);
    const json = JSON.parse(r.stderr.slice(r.stderr.indexOf('{\n'))) as Record<string, unknown>;
    const jitStats = json.jit;
    delete json.jit;
    return { out: r.stdout, status: r.status, trace: readFileSync(`${dir}/t.json`, 'utf8'), stats: json, jit: jitStats };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('lde run user/bin/syscalls: the system calls are handled inside compiled code (native.ts trapInline), with identical --trace and --stats=json', (t) => {
  const args = ['user/bin/syscalls', '3000'];
  const off = runUser(args, ['--jit', 'off']), on = runUser(args, ['--jit', 'on', '--jit-threshold', '10']);
  assert.equal(on.out, off.out);
  assert.equal(on.status, off.status);
  assert.deepEqual(on.stats, off.stats);
  assert.equal(on.trace, off.trace);
  if (process.env.LDE_JIT === 'off' || new Rig().hart.jit?.backend === 'js') return t.skip('the WebAssembly backend\'s');
  // All but the first few calls (before the loop is compiled) go on in compiled code.
  const inline = (on.jit as { inlineTraps: number }).inlineTraps;
  assert.ok(inline > 2000, `${inline} traps handled inline`);
});

for (const [prog, threshold] of [['hello', '0'], ['signal', '0'], ['hogs', '50'], ['vdsoclock', '10']]) {
  test(`lde run user/bin/${prog}: identical --trace and --stats=json with --jit on (threshold ${threshold}) and off`, () => {
    const args = [`user/bin/${prog}`];
    const off = runUser(args, ['--jit', 'off']), on = runUser(args, ['--jit', 'on', '--jit-threshold', threshold]);
    assert.equal(off.jit, undefined);
    assert.ok(on.jit !== undefined && (on.jit as { regions: number }).regions > 0, 'nothing was compiled');
    assert.equal((on.jit as { failures: number }).failures, 0, 'a region failed to compile');
    assert.equal(on.out, off.out);
    assert.equal(on.status, off.status);
    assert.deepEqual(on.stats, off.stats);
    assert.equal(on.trace, off.trace);
  });
}
