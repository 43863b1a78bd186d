// Address spaces over PhysMem (src/kernel/mm): page tables in guest RAM that
// the hart's own walker (src/machine/mmu.ts) agrees with, PTEs named by their
// physical address, the swap round trip and mremap's move. Oracles: the
// machine's walk() (priv 4.3.2) reading the same tables, and the bytes
// written before a page moved or went to swap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Board, walk, Access, Mode, PTE_A, PTE_R, PTE_U, PTE_V, PTE_W, ptePa } from '../src/machine/index.js';
import { Frames } from '../src/kernel/mm/frames.js';
import { AddressSpace, PROT_READ, PROT_WRITE } from '../src/kernel/mm/vm.js';
import { Swap } from '../src/kernel/mm/swap.js';
import { pageFault } from '../src/kernel/mm/fault.js';
import { copyIn, copyOut } from '../src/kernel/mm/uaccess.js';

function space(memBytes = 1 << 20): { board: Board; frames: Frames; as: AddressSpace } {
  const board = new Board({ memBytes });
  const frames = new Frames(board.bus);
  const as = new AddressSpace(board.bus, frames);
  as.addVma({ start: 0x10000, end: 0x20000, prot: PROT_READ | PROT_WRITE, kind: 'anon' });
  return { board, frames, as };
}

/** The physical address the hart itself would use for a U-mode read of va, or -1. */
function hartSees(board: Board, as: AddressSpace, va: number): number {
  const pa = walk(board.bus, { satpPpn: as.root / 4096, priv: Mode.U, sum: false, mxr: false }, va, 0, Access.READ);
  return pa < 0 ? -1 : pa;
}

test('map writes a PTE that the machine\'s walker follows to the same frame', () => {
  const { board, frames, as } = space();
  const pa = frames.alloc();
  assert.ok(as.map(0x12000, pa, AddressSpace.pteFlags(PROT_READ | PROT_WRITE)));
  assert.equal(hartSees(board, as, 0x12345), pa + 0x345);
  const p = as.lookup(0x12000)!;
  assert.equal(p.pa, pa);
  assert.equal(p.flags & (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A), PTE_V | PTE_R | PTE_W | PTE_U | PTE_A);
  assert.equal(ptePa(board.phys.read32(p.w), board.phys.read32(p.w + 4)), pa); // w is the PTE's own physical address
});

test('moveRange moves the page, not its bytes, and leaves the old address unmapped', () => {
  const { board, as } = space();
  assert.equal(pageFault(as, 0x13000, Access.WRITE), 'demand-zero');
  assert.ok(copyOut(as, 0x13010, Uint8Array.of(1, 2, 3)));
  const frame = as.lookup(0x13000)!.pa;
  as.addVma({ start: 0x40000, end: 0x41000, prot: PROT_READ | PROT_WRITE, kind: 'anon' });
  assert.ok(as.moveRange(0x13000, 0x40000, 0x1000));
  assert.equal(as.lookup(0x13000), undefined);
  assert.equal(hartSees(board, as, 0x13000), -1);
  assert.equal(as.lookup(0x40000)!.pa, frame);
  assert.deepEqual([...copyIn(as, 0x40010, 3)!], [1, 2, 3]);
  assert.ok(as.moveRange(0x14000, 0x41000, 0x1000), 'nothing to move is not a failure');
});

test('a page evicted to swap comes back with its bytes on the next touch, in another frame if need be', () => {
  const { board, frames, as } = space();
  const spaces = [as];
  const swap = new Swap(64 * 4096, () => spaces, () => {});
  as.swap = swap;
  assert.equal(pageFault(as, 0x15000, Access.WRITE), 'demand-zero');
  assert.ok(copyOut(as, 0x15ff0, Uint8Array.of(9, 8, 7)));
  const w = as.lookup(0x15000)!.w;
  board.phys.write32(w, board.phys.read32(w) & ~PTE_A); // not used lately: the clock takes it at once
  const before = frames.inUse;
  assert.ok(swap.evictOne());
  assert.equal(frames.inUse, before - 1);
  assert.equal(as.lookup(0x15000), undefined);
  assert.ok(as.swapSlot(0x15000) >= 0);
  assert.equal(hartSees(board, as, 0x15000), -1, 'V = 0: the hart faults');
  assert.equal(pageFault(as, 0x15ff0, Access.READ), 'swap-in');
  assert.deepEqual([...copyIn(as, 0x15ff0, 3)!], [9, 8, 7]);
  assert.equal(as.swapSlot(0x15000), -1);
  assert.equal(swap.used, 0);
});
