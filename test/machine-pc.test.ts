// Every 64-bit pc survives exactly (issue 8, bug 1): a control transfer to an
// address a JS double cannot hold (above 2^53) must record that address, bit
// for bit, in xepc and xtval of the fetch fault. Oracle: the privileged spec,
// 3.1.14/3.1.16 (mepc "is written with the virtual address of the
// instruction that was interrupted or that encountered the exception"; for a
// fetch access or page fault, mtval "will contain the faulting virtual
// address"), 4.4.1 (Sv39: a non-canonical address is a page fault), and the
// cause numbers of Table 3.6 (1 instruction access fault, 12 instruction page fault).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rig, CODE, DATA, HANDLER, RAM, hex } from './helpers/rig.js';
import { jalr, csrw, mret, ecall, CSR } from './helpers/asm.js';

const MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, STVEC = 0x105, MEDELEG = 0x302, SATP = 0x180;

/** Targets that a double rounds: 2^63 - 2, 2^63 + 2, 2^56 - 2 (the top of the 56-bit physical space), and -2^53 - 2. */
const TARGETS = [0x7ffffffffffffffen, 0x8000000000000002n, 0x00fffffffffffffen, 0xffdffffffffffffen];

function csr(rig: Rig, n: number): string { return hex(rig.hart.csrRead(n)!); }

test('jalr from M-mode to a 64-bit address: mcause 1, mepc = mtval = the target exactly', () => {
  for (const target of TARGETS) {
    const rig = new Rig();
    rig.put(CODE, [jalr(0, 1, 0)]);
    rig.set(1, target);
    rig.run(CODE, 2); // the jalr, then the faulting fetch (a trap: one step)
    assert.equal(rig.hart.pc, HANDLER, `${hex(target)}: at the handler`);
    assert.equal(csr(rig, MCAUSE), '0x1', `${hex(target)}: instruction access fault`);
    assert.equal(csr(rig, MEPC), hex(target), 'mepc');
    assert.equal(csr(rig, MTVAL), hex(target), 'mtval');
  }
});

test('mret to a 64-bit mepc: the fetch fault records it exactly', () => {
  for (const target of TARGETS) {
    const rig = new Rig();
    rig.put(CODE, [csrw(CSR.mepc, 1), mret()]);
    rig.set(1, target);
    rig.hart.mstatus |= 3 << 11; // MPP = M: mret stays in M
    rig.run(CODE, 3);
    assert.equal(csr(rig, MCAUSE), '0x1', `${hex(target)}: instruction access fault`);
    assert.equal(csr(rig, MEPC), hex(target), 'mepc');
    assert.equal(csr(rig, MTVAL), hex(target), 'mtval');
  }
});

test('a trap whose handler address is above 2^53: the handler fetch fault records mtvec exactly', () => {
  const rig = new Rig();
  rig.put(CODE, [ecall()]);
  rig.hart.mtvec = 0x7ffffffffffffffcn;
  rig.run(CODE, 2); // ecall traps to mtvec, whose fetch traps again
  assert.equal(csr(rig, MCAUSE), '0x1');
  assert.equal(csr(rig, MEPC), '0x7ffffffffffffffc');
  assert.equal(csr(rig, MTVAL), '0x7ffffffffffffffc');
});

/** Sv39 with one 1 GiB leaf: VA 0x80000000.. = PA 0x80000000.., RWX, A and D set, supervisor only. */
function enterSv39(rig: Rig): void {
  const root = DATA + 0x1000;
  rig.poke(root + 2 * 8, 8, (BigInt(RAM / 4096) << 10n) | 0xcfn); // V R W X A D
  rig.hart.csrWrite(SATP, (8n << 60n) | BigInt(root / 4096));
  rig.hart.setPriv(1);
}

test('jalr from S-mode under Sv39 to a non-canonical address: page fault 12 with the exact address, in M and delegated to S', () => {
  for (const target of TARGETS) {
    for (const delegate of [false, true]) {
      const rig = new Rig();
      rig.put(CODE, [jalr(0, 1, 0)]);
      rig.set(1, target);
      if (delegate) {
        rig.hart.csrWrite(MEDELEG, 1n << 12n);
        rig.hart.csrWrite(STVEC, BigInt(HANDLER));
      }
      enterSv39(rig);
      rig.run(CODE, 2);
      const [cause, epc, tval] = delegate ? [SCAUSE, SEPC, STVAL] : [MCAUSE, MEPC, MTVAL];
      const what = `${hex(target)} ${delegate ? 'delegated' : 'to M'}`;
      assert.equal(rig.hart.priv, delegate ? 1 : 3, `${what}: mode`);
      assert.equal(csr(rig, cause), '0xc', `${what}: instruction page fault`);
      assert.equal(csr(rig, epc), hex(target), `${what}: xepc`);
      assert.equal(csr(rig, tval), hex(target), `${what}: xtval`);
    }
  }
});
