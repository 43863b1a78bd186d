// The machine's speed benchmark: runs every full-size program in bench/bin
// under the bare-metal machine (with the JIT, as lde runs by default),
// checks its output against bench/expected.txt, and prints instructions
// retired, wall time and guest MIPS per program, with the geometric mean of
// the MIPS.
//
// Usage: npm run bench [-- [--jit off] [--no-decode-cache] name ...]   (names select programs, e.g. sieve)
//   --jit off: the interpreter alone (npm run bench:jit puts the two side by side).
//   --no-decode-cache: decode every block each time it runs, to measure the cache.
// This is a benchmark, not a test: nothing here is timed against a limit.

import '../src/cli/wasm-features.js'; // first: V8 flags before any WebAssembly
import { readFileSync } from 'node:fs';
import { runBare } from '../src/machine/bare.js';
import { BIN, fullPrograms } from './programs.js';

function main(): number {
  const args = process.argv.slice(2);
  const decodeCache = !args.includes('--no-decode-cache');
  const jitOff = args.some((a, i) => (a === '--jit' && args[i + 1] === 'off') || a === '--jit=off');
  const only = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--jit');
  const programs = fullPrograms().filter((p) => only.length === 0 || only.includes(p.name));
  if (programs.length === 0) {
    console.error(`bench: no program matches ${only.join(' ')}`);
    return 2;
  }
  console.log(`lde bench: node ${process.version} ${process.arch}, ${jitOff ? 'the interpreter alone (--jit off)' : 'JIT on'}${decodeCache ? '' : ', decoded-instruction cache OFF'}`);
  const head = `${'program'.padEnd(10)} ${'instret'.padStart(13)} ${'seconds'.padStart(9)} ${'MIPS'.padStart(8)}  result`;
  console.log(head);
  console.log('-'.repeat(head.length + 4));
  let logSum = 0;
  let failures = 0;
  for (const p of programs) {
    const elf = readFileSync(BIN + p.file);
    const chunks: Uint8Array[] = [];
    const t0 = process.hrtime.bigint();
    const r = runBare(elf, { console: (b) => chunks.push(b), decodeCache, jit: jitOff ? null : undefined });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const printed = Buffer.concat(chunks).toString('latin1').trim();
    const ok = r.outcome === 'pass' && printed === p.expected;
    if (!ok) failures++;
    const mips = r.instret / secs / 1e6;
    logSum += Math.log(mips);
    const verdict = ok ? 'ok' : `WRONG (${r.outcome} ${r.status}): ${printed || '(no output)'}`;
    console.log(
      `${p.name.padEnd(10)} ${r.instret.toLocaleString('en-US').padStart(13)} ${secs.toFixed(2).padStart(9)} ${mips.toFixed(1).padStart(8)}  ${verdict}`,
    );
  }
  console.log('-'.repeat(head.length + 4));
  console.log(`${'geomean'.padEnd(10)} ${''.padStart(13)} ${''.padStart(9)} ${Math.exp(logSum / programs.length).toFixed(1).padStart(8)}`);
  if (failures > 0) console.log(`${failures} program(s) printed the wrong result: their timings mean nothing`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = main();
