// What `lde experiment jit` and its CoreMark part share: a way's measurement
// (host ns per unit of work, with start-up taken off, and what it printed),
// the same for a program run on the host beside lde (native, qemu-riscv64,
// through HostRunner), and for one run in lde with the JIT off or on.
// Host wall time varies run to run: the faster of two runs counts.

import type { ExperimentContext, HostRunner, RunOutcome, RunSpec } from './types.js';

/** One way's measurement of one program. */
export interface Measured {
  /** Host ns per unit of work (start-up taken off). */
  nsPerUnit?: number;
  /** What it printed at the size lde ran (compared with the interpreter's). */
  output?: string;
  /** Why this way has no numbers: not available on this host, a failed build, a failed run. */
  missing?: string;
}

/** The faster of two runs' wall ns. */
export async function best(run: () => Promise<number>): Promise<number> {
  return Math.min(await run(), await run());
}

/** The sizes a way runs at: `check` for its output, `timed` and `base` (twice each) for its time per unit, (timed - base) apart. */
export interface Sizes { check: number; timed: number; base: number }

/** A program on the host: argv(size), at the sizes given. Any failure is the way's `missing`. */
export async function hostWay(ext: HostRunner, argv: (size: number) => string[], z: Sizes): Promise<Measured> {
  try {
    const check = await ext.run(argv(z.check));
    if (check.status !== 0) return { missing: `exit status ${check.status}`, output: check.stdout };
    const w = await best(async () => (await ext.run(argv(z.timed))).wallNs);
    const w0 = await best(async () => (await ext.run(argv(z.base))).wallNs);
    return { nsPerUnit: Math.max(0, w - w0) / (z.timed - z.base), output: check.stdout };
  } catch (e) {
    return { missing: `could not run: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** A program in lde: spec(size, k) at z.timed (also the output checked) and z.base, twice each; the faster timed run is kept. */
export async function ldeWay(ctx: ExperimentContext, spec: (size: number, k: number) => RunSpec, z: Omit<Sizes, 'check'>): Promise<{ m: Measured; run: RunOutcome; insns: number }> {
  const a = await ctx.run(spec(z.timed, 1)), b = await ctx.run(spec(z.timed, 2));
  const c = await ctx.run(spec(z.base, 1)), d = await ctx.run(spec(z.base, 2));
  const fast = a.wallNs <= b.wallNs ? a : b;
  const failed = [a, c].find((r) => r.status !== 0);
  const m: Measured = { nsPerUnit: Math.max(0, fast.wallNs - Math.min(c.wallNs, d.wallNs)) / (z.timed - z.base), output: a.stdout };
  if (failed) m.missing = `exit status ${failed.status}${failed.message ? `: ${failed.message}` : ''}`;
  return { m, run: fast, insns: (a.instret ?? 0) - (c.instret ?? 0) };
}

/** How a way's output compares with the reference: 'same', 'DIFFERS', or undefined when it printed nothing to compare. */
export function compare(m: Measured, reference: string | undefined): 'same' | 'DIFFERS' | undefined {
  if (m.output === undefined) return undefined;
  return m.output === reference ? 'same' : 'DIFFERS';
}
