// Runs lde as a user would and sorts the outcome into ok, crash or hang: the
// verdict every fuzzer here shares (docs/fuzzing.md, "What counts as a finding").

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LDE = ROOT + 'dist/src/cli/main.js';

export type Verdict = 'ok' | 'crash' | 'hang';

export interface Outcome {
  verdict: Verdict;
  /** lde's exit status, or -1 when the hang guard killed it. */
  status: number;
  stdout: string;
  stderr: string;
  /** Why a crash or hang is one: the first line that shows it. */
  why: string;
  /** The top frames of lde's stack (LDE_DEBUG=1), when it printed one. */
  frames: string[];
}

export interface RunOptions {
  /** Wall-clock guard in ms: an lde process still running after it is a hang. */
  guardMs: number;
  input?: string;
  cwd?: string;
  /** Allow several stderr lines on a normal run (the guest's own stderr). */
  guestStderr?: boolean;
}

/** The wall-clock guard for a run limited to `maxTime` s of virtual time: many times what it needs. */
export function guardFor(maxTime: number): number {
  return Math.max(30_000, 15_000 * maxTime);
}

/** Runs `lde ARGS` with LDE_DEBUG=1 (so an internal error carries its stack) and classifies it. */
export function runLde(args: string[], o: RunOptions): Outcome {
  const r = spawnSync(process.execPath, [LDE, ...args], {
    cwd: o.cwd ?? ROOT, input: o.input ?? '', encoding: 'latin1', timeout: o.guardMs, killSignal: 'SIGKILL',
    env: { ...process.env, LDE_DEBUG: '1' }, maxBuffer: 64 << 20,
  });
  const stdout = r.stdout ?? '', stderr = r.stderr ?? '';
  const base = { status: r.status ?? -1, stdout, stderr, frames: stackFrames(stderr) };
  if (r.error || r.status === null) {
    const why = r.error ? `no exit after ${o.guardMs / 1000} s of wall time (${r.error.message})` : `lde killed by ${r.signal}`;
    return { ...base, verdict: r.error ? 'hang' : 'crash', why };
  }
  const why = crashWhy(r.status, stderr, o.guestStderr ?? false);
  return { ...base, verdict: why ? 'crash' : 'ok', why: why ?? '' };
}

/** Why this status and stderr are a crash of lde, or undefined when they are not. */
export function crashWhy(status: number, stderr: string, guestStderr: boolean): string | undefined {
  const lines = stderr.split('\n').filter((l) => l !== '');
  const internal = lines.find((l) => /internal error/.test(l));
  if (status === 70 || internal) return internal ?? `status 70: ${lines[0] ?? '(no stderr)'}`;
  if (stackFrames(stderr).length > 0 || lines.some((l) => /^(\w*Error|TypeError|RangeError)\b.*:/.test(l)))
    return `a stack trace on stderr: ${lines[0]}`;
  if (guestStderr && status !== 126) return undefined;
  const lde = lines.filter((l) => l.startsWith('lde: '));
  if (lines.length > 1 || lines.length !== lde.length)
    return `stderr is not a single lde line (${lines.length} lines): ${lines.slice(0, 2).join(' | ')}`;
  return undefined;
}

/** The "at f (file:line:col)" frames of a Node stack on stderr, lde's own files first, at most 6. */
export function stackFrames(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\s+at /.test(l)).map((l) => l.trim().replace(ROOT, '')).slice(0, 6);
}
