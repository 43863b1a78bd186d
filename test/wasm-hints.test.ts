// The JIT's branch hints (src/machine/jit/wasm-code.ts): every region's
// module carries a "metadata.code.branch_hint" section (the WebAssembly
// branch-hinting proposal) marking its slow paths and exits unlikely, so
// that V8 lays them out of line. V8 takes a hint's offset on trust, so each
// is checked here against the module itself: it must point at a `br_if` or
// an `if` of the region's function, every hint unlikely, in increasing order.

import '../src/cli/wasm-features.js'; // first: the V8 flags the CLI runs with
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BareMachine } from '../src/machine/bare.js';
import { BIN, smallPrograms } from '../bench/programs.js';

/** An unsigned LEB128 at bytes[at]: its value and the offset after it. */
function uleb(bytes: Uint8Array, at: number): [number, number] {
  let v = 0, shift = 0, b;
  do { b = bytes[at++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [v, at];
}

/** The module's sections: id, the custom section's name, and the payload's range. */
function sections(bytes: Uint8Array): { id: number; name: string; start: number; end: number }[] {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = uleb(bytes, at + 1);
    let name = '', start = body;
    if (id === 0) { const [n, s] = uleb(bytes, body); name = new TextDecoder().decode(bytes.subarray(s, s + n)); start = s + n; }
    out.push({ id, name, start, end: body + size });
    at = body + size;
  }
  return out;
}

/** Runs every small bench program with the JIT at threshold 0 and keeps the bytes of every module it compiles. */
function regionModules(): Uint8Array[] {
  const seen: Uint8Array[] = [];
  const Real = WebAssembly.Module;
  (WebAssembly as { Module: unknown }).Module = function Module(b: Uint8Array) { seen.push(b.slice()); return new Real(b as Uint8Array<ArrayBuffer>); };
  try {
    for (const p of smallPrograms()) {
      const m = new BareMachine(readFileSync(BIN + p.file), { console: () => {}, jit: { threshold: 0 } });
      while (m.step() === undefined);
    }
  } finally { (WebAssembly as { Module: unknown }).Module = Real; }
  // (The multiply-add probe, wasm-fp.ts, is a module too: a region is the one that exports "run".)
  return seen.filter((b) => new TextDecoder().decode(b).includes('\x03run'));
}

test('every branch hint of every compiled region points at a br_if or an if of its function, and says unlikely', () => {
  const mods = regionModules();
  assert.ok(mods.length >= 6, `only ${mods.length} regions compiled`);
  let hinted = 0;
  for (const bytes of mods) {
    const secs = sections(bytes);
    const hint = secs.find((s) => s.id === 0 && s.name === 'metadata.code.branch_hint');
    const code = secs.find((s) => s.id === 10)!;
    assert.ok(hint !== undefined, 'no branch-hint section');
    assert.ok(secs.indexOf(hint) < secs.indexOf(code), 'the hints must come before the code section');
    // The code section: one function body; hint offsets count from its first byte (the locals).
    const [count, at] = uleb(bytes, code.start);
    assert.equal(count, 1);
    const [size, body] = uleb(bytes, at);
    const [funcs, h0] = uleb(bytes, hint.start);
    let h = h0;
    assert.equal(funcs, 1);
    let fn, n;
    [fn, h] = uleb(bytes, h);
    assert.equal(fn, 1, 'the region function follows its one import, the helper');
    [n, h] = uleb(bytes, h);
    let last = -1;
    for (let k = 0; k < n; k++) {
      let off, len;
      [off, h] = uleb(bytes, h);
      [len, h] = uleb(bytes, h);
      assert.equal(len, 1);
      assert.equal(bytes[h++], 0, 'a hint that is not "unlikely"');
      assert.ok(off > last && off < size, `offset ${off} out of order or past the body (${size} bytes)`);
      last = off;
      assert.ok(bytes[body + off] === 0x0d || bytes[body + off] === 0x04, `offset ${off}: opcode 0x${bytes[body + off].toString(16)} is neither br_if nor if`);
      hinted++;
    }
    assert.equal(h, hint.end, 'the section has bytes past its hints');
  }
  assert.ok(hinted > 100, `only ${hinted} hints`);
});
