// Runs lde as a user would and sorts the outcome into ok, crash or hang: the
// verdict every fuzzer here shares (docs/fuzzing.md, "What counts as a finding").

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LDE = ROOT + 'bin/lde.cjs';

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
  /**
   * The hang guard in ms of CPU time (RLIMIT_CPU: a loaded machine does not
   * trip it); an lde process still running after 4 times as much wall time
   * is a hang too (one that sleeps).
   */
  guardMs: number;
  input?: string;
  cwd?: string;
  /** Allow several stderr lines on a normal run (the guest's own stderr). */
  guestStderr?: boolean;
}

/**
 * The CPU-time guard for a run limited to `maxTime` s of virtual time: many
 * times what it needs (5000 sysfuzz calls in 2 s of virtual time take about
 * 10 s of CPU).
 */
export function guardFor(maxTime: number): number {
  return Math.max(30_000, 15_000 * maxTime);
}

/** Runs `lde ARGS` with LDE_DEBUG=1 (so an internal error carries its stack) and classifies it. */
export function runLde(args: string[], o: RunOptions): Outcome {
  const cpu = Math.ceil(o.guardMs / 1000);
  const r = spawnSync('sh', ['-c', `ulimit -c 0; ulimit -t ${cpu}; exec "$@"`, 'sh', process.execPath, LDE, ...args], {
    cwd: o.cwd ?? ROOT, input: o.input ?? '', encoding: 'latin1', timeout: 4 * o.guardMs, killSignal: 'SIGKILL',
    env: { ...process.env, LDE_DEBUG: '1' }, maxBuffer: 64 << 20,
  });
  const stdout = r.stdout ?? '', stderr = r.stderr ?? '';
  const base = { status: r.status ?? -1, stdout, stderr, frames: stackFrames(stderr) };
  if (r.error) return { ...base, verdict: 'hang', why: `no exit after ${(4 * cpu)} s of wall time (${r.error.message})` };
  if (r.signal === 'SIGXCPU' || r.signal === 'SIGKILL' && !stderr) return { ...base, verdict: 'hang', why: `over ${cpu} s of CPU time (${r.signal})` };
  if (r.status === null) return { ...base, verdict: 'crash', why: `lde killed by ${r.signal}` };
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
