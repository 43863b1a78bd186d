// The VMA list and the range walks (issue 9): what they do, and that the
// work they report (src/kernel/mm/work.ts) follows what is mapped, never a
// range's length. Oracles: a naive VMA model (a page-by-page set, checked
// against the list after every random step), the machine's own page walk
// (priv 4.3.2), frame counts, and the work meter's counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Board, walk, Access, Mode } from '../src/machine/index.js';
import { Frames } from '../src/kernel/mm/frames.js';
import { AddressSpace, carve, forkSpace, PROT_READ, PROT_WRITE, PTE_W, PTE_COW, USER_TOP } from '../src/kernel/mm/vm.js';
import { VmaList } from '../src/kernel/mm/vmas.js';
import { SharedAnon } from '../src/kernel/mm/shmem.js';
import { Swap } from '../src/kernel/mm/swap.js';
import { Work } from '../src/kernel/mm/work.js';
import { pageFault } from '../src/kernel/mm/fault.js';
import { copyIn, copyOut } from '../src/kernel/mm/uaccess.js';

const PAGE = 4096, GiB = 2 ** 30, RW = PROT_READ | PROT_WRITE;

function space(memBytes = 4 << 20): { board: Board; frames: Frames; as: AddressSpace } {
  const board = new Board({ memBytes });
  const frames = new Frames(board.bus);
  return { board, frames, as: new AddressSpace(board.bus, frames) };
}

function hartSees(board: Board, as: AddressSpace, va: number): number {
  return walk(board.bus, { satpPpn: as.root / PAGE, priv: Mode.U, sum: false, mxr: false }, va, 0, Access.READ);
}

test('24,576 one-page mappings that cannot merge cost a bounded number of VMA visits each, top-down and contiguous', () => {
  const work = new Work(), list = new VmaList(work), top = 0x2000000000, n = 24576;
  for (let i = 0; i < n; i++) {
    const at = list.findFree(PAGE, top, PAGE);
    assert.equal(at, top - (i + 1) * PAGE);
    list.insert({ start: at, end: at + PAGE, prot: i & 1 ? PROT_READ : RW, kind: 'anon' });
  }
  assert.equal(list.count, n);
  assert.equal(list.bytes, n * PAGE);
  assert.ok(work.items < 8 * n, `${work.items} VMA visits for ${n} mmaps: not O(1) each`);
  work.reset();
  list.remove(top - n * PAGE, top);
  assert.equal(list.count, 0);
  assert.ok(work.items <= n + 2, `removing ${n} VMAs visited ${work.items}`);
});

test('the VMA list agrees with a page-by-page model through 3,000 random maps, unmaps, reprotects and top-down searches', () => {
  const list = new VmaList(new Work()), top = 256 * PAGE, model = new Map<number, number>(); // page → prot
  let seed = 7;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return Math.floor(seed / 65536) % n; };
  for (let step = 0; step < 3000; step++) {
    const a = (1 + rand(255)) * PAGE, len = (1 + rand(8)) * PAGE, b = Math.min(a + len, top), prot = 1 + rand(3);
    const r = rand(20), op = r < 3 ? 0 : r < 11 ? 1 : r < 14 ? 2 : 3;
    if (op === 0) {
      list.insert({ start: a, end: b, prot, kind: 'anon' });
      for (let p = a; p < b; p += PAGE) model.set(p, prot);
    } else if (op === 1) {
      list.remove(a, b);
      for (let p = a; p < b; p += PAGE) model.delete(p);
    } else if (op === 2) {
      let covered = true;
      for (let p = a; p < b; p += PAGE) covered &&= model.has(p);
      assert.equal(list.covers(a, b), covered);
      if (covered) { list.protect(a, b, prot); for (let p = a; p < b; p += PAGE) model.set(p, prot); }
    } else {
      let want = -1; // the highest free run of len bytes below top, at or above PAGE
      for (let s = top - len; s >= PAGE && want < 0; s -= PAGE) {
        let free = true;
        for (let p = s; p < s + len; p += PAGE) free &&= !model.has(p);
        if (free) want = s;
      }
      assert.equal(list.findFree(len, top, PAGE), want, `step ${step}: findFree(${len})`);
      if (want >= 0) { list.insert({ start: want, end: want + len, prot, kind: 'anon' }); for (let p = want; p < want + len; p += PAGE) model.set(p, prot); }
    }
    for (let p = PAGE; p < top; p += PAGE) assert.equal(list.find(p)?.prot, model.get(p), `step ${step}: page 0x${p.toString(16)}`);
    assert.equal(list.bytes, model.size * PAGE);
    for (let i = 1; i < list.count; i++) {
      const [x, y] = [list.all[i - 1], list.all[i]];
      assert.ok(x.end <= y.start, 'sorted, not overlapping');
      assert.ok(x.end < y.start || x.prot !== y.prot, 'alike neighbours merged');
    }
  }
});

test('unmapping all of user space visits only the tables and pages that exist, and frees the emptied tables', () => {
  const { board, frames, as } = space();
  const base = frames.inUse;
  const pages = [0x10000, 37 * GiB + 0x5000, 200 * GiB + 0x7000];
  for (const va of pages) { as.addVma({ start: va, end: va + PAGE, prot: RW, kind: 'anon' }); assert.equal(pageFault(as, va, Access.WRITE), 'demand-zero'); }
  assert.equal(frames.inUse, base + 3 * 3, 'three pages, each with its own level-1 and level-0 table');
  frames.work.reset();
  carve(as, 0, USER_TOP);
  assert.equal(frames.work.pages, 3);
  assert.ok(frames.work.items <= 1 + 3 * 2 + 3, `${frames.work.items} items: the root, two tables per page, the VMAs`);
  assert.equal(frames.inUse, base, 'pages and tables all freed');
  for (const va of pages) assert.ok(hartSees(board, as, va) < 0, 'the hart faults');
  assert.equal(as.vmas.length, 0);
});

test('mprotect over 100 GiB changes the present pages only, and a page shared after fork stays copy-on-write through RO and back to RW', () => {
  const { frames, as } = space();
  const start = 8 * GiB, end = start + 100 * GiB;
  as.addVma({ start, end, prot: RW, kind: 'anon' });
  for (const va of [start, start + 60 * GiB]) { assert.equal(pageFault(as, va, Access.WRITE), 'demand-zero'); assert.ok(copyOut(as, va, Uint8Array.of(9))); }
  const child = new AddressSpace(as.bus, frames);
  assert.ok(forkSpace(as, child));
  frames.work.reset();
  child.list.protect(start, end, PROT_READ);
  child.protectRange(start, end, PROT_READ, false);
  assert.equal(frames.work.pages, 2);
  child.list.protect(start, end, RW);
  child.protectRange(start, end, RW, false);
  const pte = child.lookup(start)!;
  assert.equal(pte.flags & PTE_W, 0, 'the frame is still the parent\'s too: not writable');
  assert.ok(pte.flags & PTE_COW);
  assert.ok(copyOut(child, start, Uint8Array.of(1)));
  assert.deepEqual([...copyIn(as, start, 1)!], [9], 'the parent\'s page is unchanged');
  assert.deepEqual([...copyIn(child, start, 1)!], [1]);
});

test('shared anonymous memory: 100 GiB costs no frame, the child\'s first touch is the parent\'s page, and the last user frees it', () => {
  const { frames, as } = space();
  const base = frames.inUse, start = 8 * GiB;
  as.addVma({ start, end: start + 100 * GiB, prot: RW, kind: 'shared', shm: new SharedAnon(frames), pgoff: 0 });
  assert.equal(frames.inUse, base, 'nothing allocated at mmap time');
  const child = new AddressSpace(as.bus, frames);
  assert.ok(forkSpace(as, child));
  const va = start + 70 * GiB + 0x123;
  assert.ok(copyOut(child, va, Uint8Array.of(42)), 'the child touches the page first');
  assert.deepEqual([...copyIn(as, va, 1)!], [42], 'and the parent sees its write');
  assert.equal(as.lookup(va)!.pa, child.lookup(va)!.pa);
  const shm = as.vmas[0].shm!;
  assert.equal(shm.resident, 1);
  as.list.protect(start + 10 * GiB, start + 20 * GiB, PROT_READ); // a split: three VMAs, one object
  as.unmapRange(va, va + 1); // MADV_DONTNEED: the object keeps the page
  assert.deepEqual([...copyIn(as, va, 1)!], [42]);
  child.destroy();
  assert.equal(shm.resident, 1, 'the parent still maps it');
  carve(as, start, start + 100 * GiB);
  assert.equal(shm.resident, 0);
  assert.equal(frames.inUse, base, 'the shared frame, the child\'s space and the carved range\'s tables are all freed');
});

test('shared pages are never swapped out', () => {
  const { frames, as } = space();
  const spaces = [as];
  const swap = new Swap(16 * PAGE, () => spaces, () => {});
  as.swap = swap;
  as.addVma({ start: 0x10000, end: 0x20000, prot: RW, kind: 'shared', shm: new SharedAnon(frames), pgoff: 0 });
  for (let va = 0x10000; va < 0x14000; va += PAGE) assert.equal(pageFault(as, va, Access.WRITE), 'demand-zero');
  assert.equal(swap.evictOne(), false);
  assert.equal(swap.used, 0);
});
