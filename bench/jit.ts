// The JIT's benchmark: every full-size program of bench/bin on the
// interpreter and on the JIT (src/machine/jit), alternately, each checked
// against bench/expected.txt; prints MIPS for both, their ratio, the JIT's
// compile time and geometric means. A benchmark: nothing here is timed
// against a limit.
//
// Usage: npm run bench:jit [-- [--threshold N] [--reps N] name ...]

import { readFileSync } from 'node:fs';
import { BareMachine } from '../src/machine/bare.js';
import { JIT_THRESHOLD } from '../src/machine/jit/jit.js';
import { BIN, fullPrograms } from './programs.js';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

/** One run: MIPS (best of reps) and, with the JIT, its compile time in ms. */
function measure(elf: Uint8Array, expected: string, threshold: number | undefined, reps: number): { mips: number; compileMs: number; ok: boolean } {
  let best = 0, compileMs = 0, ok = true;
  for (let r = 0; r < reps; r++) {
    const chunks: Uint8Array[] = [];
    const m = new BareMachine(elf, { console: (b) => chunks.push(b), jit: threshold === undefined ? undefined : { threshold } });
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
  console.log(`${'program'.padEnd(10)} ${'interp'.padStart(8)} ${'jit'.padStart(8)} ${'ratio'.padStart(7)} ${'compile'.padStart(10)}`);
  let li = 0, lj = 0, bad = 0;
  for (const p of programs) {
    const elf = readFileSync(BIN + p.file);
    const i = measure(elf, p.expected, undefined, reps), j = measure(elf, p.expected, threshold, reps);
    if (!i.ok || !j.ok) bad++;
    li += Math.log(i.mips); lj += Math.log(j.mips);
    console.log(`${p.name.padEnd(10)} ${i.mips.toFixed(1).padStart(8)} ${j.mips.toFixed(1).padStart(8)} ${(j.mips / i.mips).toFixed(2).padStart(6)}x ${j.compileMs.toFixed(1).padStart(7)} ms${i.ok && j.ok ? '' : '  WRONG OUTPUT'}`);
  }
  const gi = Math.exp(li / programs.length), gj = Math.exp(lj / programs.length);
  console.log(`${'geomean'.padEnd(10)} ${gi.toFixed(1).padStart(8)} ${gj.toFixed(1).padStart(8)} ${(gj / gi).toFixed(2).padStart(6)}x`);
  return bad > 0 ? 1 : 0;
}

process.exitCode = main();
