// CoreMark four ways: native x86-64, qemu-riscv64, `lde run --realtime
// --jit off` and `--jit on`, each timed by CoreMark's own clock (its
// "Iterations/Sec" line; with --realtime lde's clock is the host's), with the
// ratios against native and qemu. CoreMark is third-party code and is not in
// the repository: docs/coremark.md is the recipe for the two builds, which
// this reads from the environment. A benchmark: nothing is timed against a
// limit.
//
//   LDE_COREMARK=/path/coremark-rv64 [LDE_COREMARK_NATIVE=/path/coremark-x86] \
//     npm run bench:coremark [-- --iterations N] [--lde-iterations N]
//
// --iterations (default 3000) is for native and qemu, --lde-iterations
// (default 300) for lde: the interpreter runs some hundred iterations a
// second. Every way's CRCs that do not depend on the count (seedcrc,
// crclist, crcmatrix, crcstate) must agree.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { coremarkArgs, coremarkCrcs } from '../src/experiment/coremark.js';

const LDE = fileURLToPath(new URL('../../bin/lde.cjs', import.meta.url));

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

interface Way { name: string; argv: (n: number) => string[]; iterations: number }
interface Result { perSec?: number; secs?: number; crcs: string; error?: string }

/** Runs one way and reads CoreMark's own report. */
function run(way: Way): Result {
  const [cmd, ...rest] = way.argv(way.iterations);
  const r = spawnSync(cmd, rest, { encoding: 'utf8', input: '', maxBuffer: 1 << 24 });
  if (r.error) return { crcs: '', error: r.error.message };
  const perSec = /^Iterations\/Sec\s*:\s*([\d.]+)/m.exec(r.stdout), secs = /^Total time \(secs\)\s*:\s*([\d.]+)/m.exec(r.stdout);
  // The final CRC depends on the iteration count; the others do not.
  const crcs = coremarkCrcs(r.stdout).split('; ').filter((c) => !c.includes('crcfinal')).join('; ');
  if (!perSec) return { crcs, error: `no Iterations/Sec line (status ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? ''}` };
  return { perSec: Number(perSec[1]), secs: secs ? Number(secs[1]) : undefined, crcs };
}

function main(): number {
  const rv = process.env.LDE_COREMARK, native = process.env.LDE_COREMARK_NATIVE;
  if (!rv) {
    console.log('bench:coremark: skipped: LDE_COREMARK is not set. Build CoreMark as a static riscv64 Linux binary (docs/coremark.md) and set LDE_COREMARK to it (and LDE_COREMARK_NATIVE to a native build).');
    return 0;
  }
  if (!existsSync(rv)) { console.log(`bench:coremark: LDE_COREMARK=${rv}: no such file`); return 1; }
  const args = process.argv.slice(2), n = arg(args, '--iterations', 3000), nLde = arg(args, '--lde-iterations', 300);
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-riscv64'], { stdio: 'ignore' }).status === 0;
  const ways: Way[] = [
    ...(native ? [{ name: 'native x86-64', argv: (k: number) => [native, ...coremarkArgs(k)], iterations: n }] : []),
    ...(qemu ? [{ name: 'qemu-riscv64', argv: (k: number) => ['qemu-riscv64', rv, ...coremarkArgs(k)], iterations: n }] : []),
    ...(['off', 'on'] as const).map((j) => ({ name: `lde --jit ${j}`, argv: (k: number) => [process.execPath, LDE, 'run', '--realtime', '--jit', j, rv, ...coremarkArgs(k)], iterations: nLde })),
  ];
  console.log(`lde bench:coremark: node ${process.version} ${process.arch}; ${rv}${native ? ` and ${native}` : ' (LDE_COREMARK_NATIVE unset: no native row)'}${qemu ? '' : '; qemu-riscv64 not installed: no qemu row'}`);
  console.log(`${'way'.padEnd(14)} ${'iterations'.padStart(10)} ${'secs'.padStart(7)} ${'iter/s'.padStart(10)} ${'vs native'.padStart(10)} ${'lde/qemu'.padStart(9)}`);
  const results = ways.map((w) => ({ w, r: run(w) }));
  const of = (name: string) => results.find((x) => x.w.name === name)?.r.perSec;
  const nat = of('native x86-64'), q = of('qemu-riscv64');
  let bad = 0;
  const crcs = results.find((x) => x.r.crcs)?.r.crcs;
  for (const { w, r } of results) {
    if (r.error || r.perSec === undefined) { bad++; console.log(`${w.name.padEnd(14)} ${String(w.iterations).padStart(10)}  ${r.error}`); continue; }
    const same = r.crcs === crcs;
    if (!same) bad++;
    const vsNat = nat ? `${(nat / r.perSec).toFixed(1)}x` : '-', vsQ = q && w.name.startsWith('lde') ? (r.perSec / q).toFixed(3) : '-';
    console.log(`${w.name.padEnd(14)} ${String(w.iterations).padStart(10)} ${(r.secs ?? 0).toFixed(2).padStart(7)} ${r.perSec.toFixed(1).padStart(10)} ${vsNat.padStart(10)} ${vsQ.padStart(9)}${same ? '' : `  CRCs DIFFER: ${r.crcs}`}`);
  }
  console.log(`CRCs (${crcs}): ${bad ? 'NOT the same on every way' : 'the same on every way'}. lde/qemu is lde's speed as a fraction of qemu's (the issue's target for the JIT: 0.5).`);
  return bad ? 1 : 0;
}

process.exitCode = main();
