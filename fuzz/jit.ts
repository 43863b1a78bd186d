// npm run fuzz:jit -- [COUNT] [SEED] [wasm|js]
// The JIT's differential fuzzer at scale: COUNT random RV64IMC programs
// (default 20,000) from seed SEED (default 1) upward, each run on the
// interpreter and on the JIT (its WebAssembly backend unless js is given) (test/helpers/jitfuzz.ts); prints every seed
// whose state differs, with both states. Exit status 1 on any difference.
// test/jit.test.ts runs the first 150 seeds.

import { differ } from '../test/helpers/jitfuzz.js';

function main(): number {
  const count = Number(process.argv[2] ?? 20_000), first = Number(process.argv[3] ?? 1), backend = process.argv[4] ?? 'wasm';
  if (!Number.isInteger(count) || !Number.isInteger(first) || (backend !== 'wasm' && backend !== 'js')) throw new Error('usage: npm run fuzz:jit -- [COUNT] [SEED] [wasm|js]');
  let bad = 0;
  const t0 = Date.now();
  for (let seed = first; seed < first + count; seed++) {
    const d = differ(seed, backend);
    if (d !== undefined) { bad++; console.log(d); }
    if ((seed - first + 1) % 1000 === 0) console.error(`fuzz:jit: ${seed - first + 1} programs, ${bad} differ (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  console.log(`fuzz:jit: ${count} programs from seed ${first}: ${bad} differ`);
  return bad > 0 ? 1 : 0;
}

process.exitCode = main();
