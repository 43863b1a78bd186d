// Page replacement (src/kernel/mm/replace.ts, --swap-policy), the page
// reference recorder (src/machine/pagerefs.ts) and the offline simulations
// with Bélády's optimum (src/experiment/belady.ts). Oracles: the textbook
// strings, an exhaustive search for the optimum on small strings, and the
// kernel's own FIFO against FIFO simulated on the string the hart recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageTrace } from '../src/machine/index.js';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';
import type { SwapOut } from '../src/kernel/mm/swap.js';
import { PTE_SWAPPED } from '../src/kernel/mm/swap.js';
import { xorshift32, type SwapPolicy } from '../src/kernel/mm/replace.js';
import { distinctPages, simulate, type SimPolicy } from '../src/experiment/belady.js';
import { runBundled } from './helpers/swap-run.js';
import { lde } from './helpers/cli.js';

// Silberschatz, Galvin & Gagne, Operating System Concepts, ch. 10 (virtual
// memory), the reference string used for every policy, with 3 frames.
const SGG = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
// Bélády, Nelson & Shedler (CACM 12(6), 1969): FIFO faults more with more frames.
const ANOMALY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

test('the textbook string: OPT 9 faults, FIFO 15, LRU 12 with 3 frames', () => {
  assert.equal(simulate('opt', SGG, 3).faults, 9);
  assert.equal(simulate('fifo', SGG, 3).faults, 15);
  assert.equal(simulate('lru', SGG, 3).faults, 12);
  assert.equal(simulate('opt', SGG, 3).evictions, 9 - 3);
});

test("Bélády's anomaly: FIFO takes 9 faults with 3 frames and 10 with 4; OPT takes 7 and 6", () => {
  assert.equal(simulate('fifo', ANOMALY, 3).faults, 9);
  assert.equal(simulate('fifo', ANOMALY, 4).faults, 10);
  assert.equal(simulate('opt', ANOMALY, 3).faults, 7);
  assert.equal(simulate('opt', ANOMALY, 4).faults, 6);
});

/** The fewest faults over every possible choice of victim: the definition of the optimum, by brute force. */
function bruteMin(refs: number[], frames: number, i = 0, resident: number[] = []): number {
  if (i === refs.length) return 0;
  const page = refs[i];
  if (resident.includes(page)) return bruteMin(refs, frames, i + 1, resident);
  if (resident.length < frames) return 1 + bruteMin(refs, frames, i + 1, [...resident, page]);
  return 1 + Math.min(...resident.map((_, j) => bruteMin(refs, frames, i + 1, resident.map((p, k) => (k === j ? page : p)))));
}

test('OPT equals the exhaustive minimum on 200 random small strings, and no policy beats it', () => {
  const rand = xorshift32(42);
  for (let n = 0; n < 200; n++) {
    const refs = Array.from({ length: 12 }, () => Math.floor(rand() * 5));
    const frames = 1 + (n % 3);
    const min = bruteMin(refs, frames);
    assert.equal(simulate('opt', refs, frames).faults, min, `refs ${refs.join(',')}, ${frames} frames`);
    for (const p of ['fifo', 'lru', 'clock', 'random'] as SimPolicy[]) {
      assert.ok(simulate(p, refs, frames, n + 1).faults >= min, `${p} below the optimum on ${refs.join(',')}`);
    }
  }
});

test('the recorder collapses repeats and repeats the fetch page before each new data page', () => {
  const t = new PageTrace();
  t.fetch(1); t.data(9); t.data(9); t.fetch(1); t.data(9); t.data(10); t.fetch(2); t.data(10); t.fetch(1);
  assert.deepEqual(t.pages, [1, 9, 1, 10, 2, 10, 1]);
});

const MEM = 2 << 20, SWAP = 16 << 20;

/** pagewalk under one policy; the swap-outs as the kernel reported them, and the reference string when recorded. */
function walk(policy: SwapPolicy, args: string[], record = false, seed = 1) {
  const outs: SwapOut[] = [];
  const trace = record ? new PageTrace() : undefined;
  const r = runBundled('pagewalk', args, { memBytes: MEM, swapBytes: SWAP, swapPolicy: policy, seed, onSwapOut: (e) => outs.push(e), pageTrace: trace });
  assert.equal(r.status, 0, r.stderr);
  return { r, outs, refs: trace?.pages ?? [], ins: r.stats.pageFaults.major };
}

test('the kernel FIFO evicts the oldest page: its page-ins equal FIFO simulated on the string the hart recorded', () => {
  for (const args of [['loop', '640', '2'], ['random', '640', '2']]) {
    const w = walk('fifo', args, true);
    const frames = w.outs[0].resident;
    const sim = simulate('fifo', w.refs, frames);
    assert.equal(w.ins, sim.faults - distinctPages(w.refs), `pagewalk ${args.join(' ')}`);
    assert.ok(w.ins > 0);
  }
});

test('policies differ, each repeats exactly, and OPT on the recorded string is below each', () => {
  const args = ['loop', '640', '2'];
  const runs = (['clock', 'fifo', 'random'] as SwapPolicy[]).map((p) => walk(p, args, true));
  const again = walk('random', args);
  assert.deepEqual(again.outs, runs[2].outs, 'random is seeded: the same pages go out in the same order');
  assert.notDeepEqual(walk('random', args, false, 7).outs.map((o) => o.va), runs[2].outs.map((o) => o.va), 'another seed, other victims');
  assert.notEqual(runs[0].ins, runs[2].ins, 'clock and random differ on a loop');
  for (const w of runs) {
    assert.equal(w.r.stdout, runs[0].r.stdout, 'the policy never changes what the program computes');
    assert.deepEqual(w.refs, runs[0].refs, 'nor the pages it touches');
    const opt = simulate('opt', w.refs, w.outs[0].resident).faults - distinctPages(w.refs);
    assert.ok(opt <= w.ins, `OPT ${opt} > ${w.ins}`);
  }
});

test('recording the reference string changes nothing the kernel does', () => {
  const on = walk('clock', ['hotcold', '1024', '2'], true), off = walk('clock', ['hotcold', '1024', '2']);
  assert.deepEqual(on.outs, off.outs);
  assert.equal(on.ins, off.ins);
  assert.equal(on.r.stats.userInstructions, off.r.stats.userInstructions);
});

test('a swapped-out PTE: V = 0, bit 9 set, the slot in the PPN field', () => {
  const { outs } = walk('clock', ['loop', '640', '1']);
  assert.ok(outs.length > 100);
  for (const o of outs) {
    assert.equal(o.lo & 1, 0);
    assert.equal(o.lo & 0x3ff, PTE_SWAPPED);
    assert.equal((o.lo >>> 10) + o.hi * 2 ** 22, o.slot);
  }
});

test('an unknown policy is refused in one line', () => {
  assert.throws(() => new Kernel({ host: nodeHost(), memBytes: MEM, swapBytes: SWAP, swapPolicy: 'lru' as SwapPolicy }), /swap policy lru: not one of clock, fifo, random/);
});

test('lde run --swap-policy fifo reports the same swap traffic as the kernel run in-process', () => {
  // --sandbox: an empty environment, as in-process (the host's would move the stack, and with it a page of swap traffic).
  const r = lde(['run', '--sandbox', '--mem', '2M', '--swap', '16M', '--swap-policy', 'fifo', '--stats', 'pagewalk', 'loop', '640', '2']);
  assert.equal(r.status, 0, r.stderr);
  const w = walk('fifo', ['loop', '640', '2']);
  assert.match(r.stderr, new RegExp(`swap: ${w.outs.length.toLocaleString('en-US')} pages out, ${w.r.stats.pageFaults.major.toLocaleString('en-US')} in, .*, policy fifo\n`));
  assert.match(lde(['run', '--swap-policy', 'lru', 'hello']).stderr, /swap policy/);
});
