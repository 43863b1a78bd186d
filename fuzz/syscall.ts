// The syscall fuzzer's driver: runs user/bin/sysfuzz under `lde run
// --max-time T` for a seed, classifies the run (lde.ts), and on a crash or
// hang finds the call that did it and tries to cut the reproducer down to
// that call alone, or the last few calls of its batch.

import { Outcome, ROOT, guardFor, runLde } from './lde.js';
import { Finding, Tally, crashSite } from './finding.js';

export const SYSFUZZ = ROOT + 'user/bin/sysfuzz';

export interface SyscallOptions {
  calls: number;
  /** Virtual seconds per run (--max-time). */
  maxTime: number;
  /** Leave out the classes issue 9 lists (sysfuzz -t). */
  tame: boolean;
  /** Calls per forked batch (sysfuzz -b). */
  batch: number;
  /** Working directory for lde (a scratch directory). */
  cwd: string;
}

interface Progress { made: number; next: number; }

/** Calls made, and the first call of the batch that did not report, from sysfuzz's progress lines. */
export function progress(stdout: string, first: number): Progress {
  let made = 0, next = first;
  for (const m of stdout.matchAll(/sysfuzz: calls (\d+)-(\d+): ([^\n]*)/g)) {
    const lo = Number(m[1]), hi = Number(m[2]);
    const at = /at call (\d+)/.exec(m[3]!);
    made += (at ? Number(at[1]) + 1 : hi + 1) - lo;
    next = hi + 1;
  }
  return { made, next };
}

function argv(o: SyscallOptions, seed: number, count: number, first = 0, batch = o.batch, verbose = false): string[] {
  const flags = [...(o.tame ? ['-t'] : []), ...(verbose ? ['-v'] : []), '-f', String(first), '-b', String(batch)];
  return ['run', '--max-time', String(o.maxTime), SYSFUZZ, ...flags, String(seed), String(count)];
}

function run(o: SyscallOptions, args: string[]): Outcome {
  return runLde(args, { guardMs: guardFor(o.maxTime), cwd: o.cwd });
}

/** Runs one seed; adds its calls and any finding to `tally`. */
export function fuzzSyscallSeed(seed: number, o: SyscallOptions, tally: Tally): void {
  const out = run(o, argv(o, seed, o.calls));
  const p = progress(out.stdout, 0);
  tally.items += p.made;
  tally.runs++;
  if (out.verdict === 'ok') return;
  tally.findings.push(locate(seed, p.next, o, out));
}

/** The call that crashed or hung lde in the batch starting at `start`, cut down if it can be. */
function locate(seed: number, start: number, o: SyscallOptions, first: Outcome): Finding {
  const end = Math.min(start + o.batch, o.calls);
  const v = run(o, argv(o, seed, end, start, o.batch, true));
  const shown = [...v.stdout.matchAll(/sysfuzz: call (\d+): (\d+)\(([^)\n]*)\)/g)];
  const last = shown[shown.length - 1];
  const base = { fuzzer: 'syscall' as const, verdict: first.verdict, why: first.why, frames: first.frames };
  if (!last || v.verdict !== first.verdict)
    return { ...base, repro: cmd(o, seed, o.calls, 0, o.batch), signature: signature(first, '?') };
  const n = Number(last[1]);
  const call = `syscall ${last[2]}(${last[3]!.trim()})`;
  for (const from of [n, Math.max(start, n - 9), start]) {
    const r = from === start ? v : run(o, argv(o, seed, n + 1, from, n + 1 - from, true));
    if (r.verdict === first.verdict) {
      const calls = n + 1 - from === 1 ? 'that call alone' : `calls ${from}..${n}`;
      return { ...base, why: `${first.why} [call ${n}: ${call}; ${calls}]`, repro: cmd(o, seed, n + 1, from, n + 1 - from),
               frames: r.frames.length ? r.frames : first.frames, signature: signature(r, last[2]!) };
    }
  }
  return { ...base, repro: cmd(o, seed, end, start, o.batch), signature: signature(first, last[2]!) };
}

function signature(out: Outcome, nr: string): string {
  return out.verdict === 'hang' ? `hang in syscall ${nr}` : `crash at ${crashSite(out.frames) || out.why.slice(0, 60)}`;
}

function cmd(o: SyscallOptions, seed: number, count: number, first: number, batch: number): string {
  return `node dist/src/cli/main.js ${argv(o, seed, count, first, batch, true).join(' ').replace(ROOT, '')}`;
}
