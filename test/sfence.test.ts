// sfence.vma (priv 4.2.1): with rs1 = x0 it orders every translation; with
// an address, only the leaf PTE that translates that address. lde's TLBs
// hold 4 KiB entries, so a fence for one address drops that page's entries
// and leaves the rest; a superpage's translation is spread over many
// entries, and a fence for any address in it must drop them all (machine
// mmu.ts Superpages). The same checks with the JIT compiling every block.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rig, CODE, DATA, RAM } from './helpers/rig.js';
import { ld, jal } from './helpers/asm.js';

const SATP = 0x180;
const sfence = (rs1: number, rs2 = 0) => (0x12000073 | (rs2 << 20) | (rs1 << 15)) >>> 0;
const ROOT = DATA + 0x1000, L1 = DATA + 0x2000, L0 = DATA + 0x3000;
const P1 = DATA + 0x4000, P2 = DATA + 0x5000, P3 = DATA + 0x6000;
/** Two 2 MiB regions of physical memory a megapage maps in turn. */
const R1 = RAM + 0x200000, R2 = RAM + 0x400000;
const VA4K = 0x40000000, VAMEGA = 0x40200000;
const leaf = (pa: number, x = false) => (BigInt(pa / 4096) << 10n) | (x ? 0xcfn : 0xc7n); // V R W (X) A D
const table = (pa: number) => (BigInt(pa / 4096) << 10n) | 1n;

function rig(jit: boolean): Rig {
  const r = new Rig(8 << 20);
  r.hart.setJit(jit ? { threshold: 0 } : undefined);
  r.poke(ROOT + 2 * 8, 8, leaf(RAM, true)); // VA 0x80000000.. = PA: the code, one gigapage
  r.poke(ROOT + 1 * 8, 8, table(L1)); // VA 0x40000000..: a level-1 table
  r.poke(L1 + 0 * 8, 8, table(L0)); // its first 2 MiB in 4 KiB pages
  r.poke(L1 + 1 * 8, 8, leaf(R1)); // its second 2 MiB: one megapage
  r.poke(L0 + 0 * 8, 8, leaf(P1));
  r.poke(L0 + 1 * 8, 8, leaf(P3));
  r.poke(P1, 8, 111n); r.poke(P2, 8, 222n); r.poke(P3, 8, 333n);
  r.poke(R1, 8, 0x1000n); r.poke(R1 + 0x1000, 8, 0x1001n); r.poke(R2, 8, 0x2000n); r.poke(R2 + 0x1000, 8, 0x2001n);
  r.hart.csrWrite(SATP, (8n << 60n) | BigInt(ROOT / 4096));
  r.hart.setPriv(1);
  r.set(5, VA4K); r.set(6, VA4K + 0x1000); r.set(7, VAMEGA); r.set(28, VAMEGA + 0x1000);
  return r;
}

const loads = [ld(10, 5, 0), ld(11, 6, 0), ld(12, 7, 0), ld(13, 28, 0)];
const got = (r: Rig) => [r.get(10), r.get(11), r.get(12), r.get(13)];

for (const jit of [false, true]) {
  test(`sfence.vma with an address drops that page, and every page of a superpage it lies in (JIT ${jit ? 'on' : 'off'})`, () => {
    const r = rig(jit);
    let end = r.prog(CODE, loads);
    r.run(CODE, 20);
    assert.equal(r.pc(), BigInt(end), 'the loads ran');
    assert.deepEqual(got(r), [111n, 333n, 0x1000n, 0x1001n]);
    // Both 4 KiB pages now map P2; only the first is fenced, and it alone sees its new PTE: the other keeps its old
    // translation in lde's TLB (the spec allows either until it is fenced).
    r.poke(L0 + 0 * 8, 8, leaf(P2)); r.poke(L0 + 1 * 8, 8, leaf(P2));
    const P = CODE + 0x1000;
    end = r.prog(P, [sfence(5), ...loads]);
    r.run(P, 20);
    assert.equal(r.pc(), BigInt(end));
    assert.deepEqual(got(r), [222n, 333n, 0x1000n, 0x1001n]);
    // The megapage now maps R2; a fence for its first page must reach its second page too (the same leaf PTE).
    r.poke(L1 + 1 * 8, 8, leaf(R2));
    const M = CODE + 0x3000;
    r.prog(M, [sfence(7), ...loads]);
    r.run(M, 20);
    assert.deepEqual([r.get(10), r.get(12), r.get(13)], [222n, 0x2000n, 0x2001n]);
    const Q = CODE + 0x2000;
    r.prog(Q, [sfence(0), ...loads]);
    r.run(Q, 20);
    assert.deepEqual(got(r), [222n, 222n, 0x2000n, 0x2001n], 'sfence.vma x0 fences everything');
  });
}

test('sfence.vma is still an ordinary instruction in a run: a jump past it goes on', () => {
  const r = rig(false);
  const end = r.prog(CODE, [sfence(5, 6), jal(0, 4)]);
  r.run(CODE, 10);
  assert.equal(r.pc(), BigInt(end));
});
