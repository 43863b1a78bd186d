// CoreMark in `lde experiment jit`, when the host names a build of it:
// LDE_COREMARK, a static riscv64 Linux binary (run by lde and by
// qemu-riscv64), and LDE_COREMARK_NATIVE, a native build of the same source.
// CoreMark is third-party code and stays out of the repository;
// docs/coremark.md is the recipe for both builds. Its own timer cannot be
// used in lde (the experiment runs in virtual time), so every way is timed
// the same way, by the host: N iterations against 1, the faster of two runs
// each, (wall(N) - wall(1)) / (N - 1) per iteration. Every way must print
// the same CRCs (seedcrc, crclist, crcmatrix, crcstate, crcfinal) at lde's N.

import type { JitOptions } from '../machine/index.js';
import type { Column, ExperimentContext, HostRunner, Row, RunSpec, Table } from './types.js';
import { commandLine } from './runner.js';
import { round } from './measure.js';
import { hostWay, ldeWay, type Measured } from './host-ways.js';

/** What the CoreMark part adds to the experiment: a table and a sentence, or a note saying why there is none. */
export interface Section { table?: Table; conclusion?: string; note?: string; commands?: Record<string, string> }

/** CoreMark's arguments for N iterations: seeds 0, 0, 0x66 (its performance run), then N, 7, 1, 2000 (as its Makefile's run1). */
export const coremarkArgs = (n: number) => ['0x0', '0x0', '0x66', String(n), '7', '1', '2000'];

/** The CRC lines of a CoreMark run (what must agree between ways). */
export function coremarkCrcs(stdout: string): string {
  return stdout.split('\n').filter((l) => /^(seedcrc|\[\d+\]crc\w+)\s*:/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim()).join('; ');
}

const HOW = 'set LDE_COREMARK to a static riscv64 CoreMark binary (and LDE_COREMARK_NATIVE to a native build) to add it: docs/coremark.md has the recipe.';

const COLUMNS: Column[] = [
  { key: 'way', title: 'way' },
  { key: 'perSec', title: 'iterations/s', digits: 0 },
  { key: 'vsNative', title: 'vs native', unit: '×', digits: 1 },
  { key: 'vsQemu', title: 'vs qemu', unit: '×', digits: 2 },
  { key: 'crc', title: 'CRCs' },
];

/** Iterations: `off` on the interpreter, `on` on the JIT (enough that compiling and V8's tier-up are a small part), `host` natively and under qemu. */
export interface CoremarkSizes { off: number; on: number; host: number }

export async function coremarkSection(ctx: ExperimentContext, ext: HostRunner, n: CoremarkSizes, jitOn: JitOptions): Promise<Section> {
  const path = ext.env('LDE_COREMARK');
  if (!path) return { note: `CoreMark: not run; ${HOW}` };
  const bytes = ext.readFile(path);
  if (!bytes) return { note: `CoreMark: cannot read LDE_COREMARK (${path}).` };
  const nativePath = ext.env('LDE_COREMARK_NATIVE');
  const commands: Record<string, string> = {};
  const lde = async (jit: RunSpec['jit'], iterations: number) => {
    const mode = `--jit ${jit ? 'on' : 'off'}`;
    commands[`coremark, ${mode}`] = commandLine({ program: 'coremark', args: coremarkArgs(iterations), jit, file: { path, bytes } });
    return (await ldeWay(ctx, (size, k) => ({ label: `coremark ${size}, ${mode}, run ${k}`, program: 'coremark', args: coremarkArgs(size), untraced: true, jit, file: { path, bytes } }), { timed: iterations, base: 1 })).m;
  };
  const off = await lde(false, n.off), on = await lde(jitOn, n.on);
  // CoreMark's final CRC depends on the iteration count: the JIT's is checked on a run the size of the interpreter's.
  if (n.on !== n.off) {
    const check = await ctx.run({ label: `coremark ${n.off}, --jit on, check`, program: 'coremark', args: coremarkArgs(n.off), untraced: true, jit: jitOn, file: { path, bytes } });
    on.output = check.stdout;
  }
  const z = { check: n.off, timed: n.host, base: 1 };
  if (nativePath) commands['coremark, native'] = [nativePath, ...coremarkArgs(n.host)].join(' ');
  if (ext.has('qemu-riscv64')) commands['coremark, qemu-riscv64'] = ['qemu-riscv64', path, ...coremarkArgs(n.host)].join(' ');
  const native: Measured = !nativePath ? { missing: 'LDE_COREMARK_NATIVE is not set' } : await hostWay(ext, (k) => [nativePath, ...coremarkArgs(k)], z);
  const qemu: Measured = !ext.has('qemu-riscv64') ? { missing: 'qemu-riscv64 is not installed' } : await hostWay(ext, (k) => ['qemu-riscv64', path, ...coremarkArgs(k)], z);
  const want = coremarkCrcs(off.output ?? '');
  const ways: [string, Measured][] = [['native x86-64', native], ['qemu-riscv64', qemu], ['lde --jit off', off], ['lde --jit on', on]];
  const per = (m: Measured) => (m.nsPerUnit && m.nsPerUnit > 0 ? 1e9 / m.nsPerUnit : undefined);
  const nat = per(native), q = per(qemu);
  const rows: Row[] = ways.map(([way, m]) => {
    const it = per(m), crc = m.output === undefined ? '' : coremarkCrcs(m.output);
    return {
      way, perSec: it === undefined ? '—' : round(it, 0),
      vsNative: it && nat ? round(nat / it, 1) : '—', vsQemu: it && q ? round(q / it, 2) : '—',
      crc: m.missing ?? (way === 'lde --jit off' ? (want ? `reference (${want.split('; ').pop()})` : 'no CRC lines printed') : crc === want ? 'same' : `DIFFERS: ${crc}`),
    };
  });
  const r = (way: string) => rows.find((x) => x.way === way)!;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const jitQ = num(r('lde --jit on').vsQemu), offQ = num(r('lde --jit off').vsQemu);
  const agree = rows.every((x) => !String(x.crc).startsWith('DIFFERS'));
  const conclusion = `CoreMark (${path}, ${n.off} iterations on the interpreter, ${n.on} on the JIT, ${n.host} on the host): ` +
    `lde ran ${r('lde --jit off').perSec} iterations/s with the interpreter and ${r('lde --jit on').perSec} with the JIT` +
    (jitQ !== undefined && offQ !== undefined ? `, ${offQ}× and ${jitQ}× slower than qemu-riscv64 (the issue's target for the JIT: at most 2×, i.e. 0.5× qemu's speed)` : '') +
    `; ${agree ? 'every way printed the same CRCs' : 'the CRCs differ between ways (see the table)'}.`;
  return {
    table: { title: 'CoreMark: iterations per host second (N iterations against 1, the faster of two runs each); its own "Iterations/Sec" is virtual time in lde, so it is not used', columns: COLUMNS, rows },
    conclusion, commands,
  };
}
