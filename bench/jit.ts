// The JIT's benchmark: every full-size program of bench/bin on the
// interpreter, on the JIT's JavaScript backend and on its WebAssembly
// backend (src/machine/jit), one after the other, each checked against
// bench/expected.txt; prints MIPS for each, the ratios to the interpreter,
// the WebAssembly backend's compile time and geometric means. A benchmark:
// nothing here is timed against a limit.
//
// Usage: npm run bench:jit [-- [--threshold N] [--reps N] name ...]

import '../src/cli/wasm-features.js'; // first: V8 flags before any WebAssembly
import { readFileSync } from 'node:fs';
import { BareMachine } from '../src/machine/bare.js';
import { JIT_THRESHOLD, type JitBackend } from '../src/machine/jit/jit.js';
import { BIN, fullPrograms } from './programs.js';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

/** One run: MIPS (best of reps) and, with the JIT, its compile time in ms. */
function measure(elf: Uint8Array, expected: string, threshold: number | undefined, reps: number, backend: JitBackend = 'wasm'): { mips: number; compileMs: number; ok: boolean } {
  let best = 0, compileMs = 0, ok = true;
  for (let r = 0; r < reps; r++) {
    const chunks: Uint8Array[] = [];
    const m = new BareMachine(elf, { console: (b) => chunks.push(b), jit: threshold === undefined ? null : { threshold, backend } });
    const t0 = process.hrtime.bigint();
    let res;
    while ((res = m.step()) === undefined);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    ok &&= res.outcome === 'pass' && Buffer.concat(chunks).toString('latin1').trim() === expected;
    best = Math.max(best, res.instret / secs / 1e6);
    compileMs = m.board.hart.jit?.stats().compileMs ?? 0;
  }
  return { mips: best, compileMs, ok };
}

function main(): number {
  const args = process.argv.slice(2);
  const threshold = arg(args, '--threshold', JIT_THRESHOLD), reps = arg(args, '--reps', 1);
  const only = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const programs = fullPrograms().filter((p) => only.length === 0 || only.includes(p.name));
  console.log(`lde bench:jit: node ${process.version} ${process.arch}, threshold ${threshold}, best of ${reps}`);
  console.log('MIPS; ratios to the interpreter; compile: the WebAssembly backend\'s, on the main thread');
  const cols = ['interp', 'js', 'wasm', 'js/int', 'wasm/int', 'compile'];
  console.log(`${'program'.padEnd(10)} ${cols.map((c) => c.padStart(9)).join(' ')}`);
  const logs = [0, 0, 0];
  let bad = 0;
  for (const p of programs) {
    const elf = readFileSync(BIN + p.file);
    const i = measure(elf, p.expected, undefined, reps), j = measure(elf, p.expected, threshold, reps, 'js');
    const w = measure(elf, p.expected, threshold, reps, 'wasm');
    if (!i.ok || !j.ok || !w.ok) bad++;
    [i, j, w].forEach((r, k) => { logs[k] += Math.log(r.mips); });
    const cells = [i.mips.toFixed(1), j.mips.toFixed(1), w.mips.toFixed(1), `${(j.mips / i.mips).toFixed(2)}x`, `${(w.mips / i.mips).toFixed(2)}x`, `${w.compileMs.toFixed(1)} ms`];
    console.log(`${p.name.padEnd(10)} ${cells.map((c) => c.padStart(9)).join(' ')}${i.ok && j.ok && w.ok ? '' : '  WRONG OUTPUT'}`);
  }
  const [gi, gj, gw] = logs.map((l) => Math.exp(l / programs.length));
  const cells = [gi.toFixed(1), gj.toFixed(1), gw.toFixed(1), `${(gj / gi).toFixed(2)}x`, `${(gw / gi).toFixed(2)}x`, ''];
  console.log(`${'geomean'.padEnd(10)} ${cells.map((c) => c.padStart(9)).join(' ')}`);
  return bad > 0 ? 1 : 0;
}

process.exitCode = main();
