// Runs the compiled lde CLI as a user would, for tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const LDE = ROOT + 'bin/lde.cjs';

export interface Run { status: number; stdout: string; stderr: string; }

/**
 * How long a child process may run before a test gives up on it: a guard
 * against hangs only, never an assertion. It is generous because a loaded
 * machine may run a heavy program many times slower than a quiet one; the
 * programs' own limits are virtual time (--max-time), which does not depend on
 * the host's speed.
 */
export const HANG_GUARD_MS = 10 * 60_000;

export function lde(args: string[], input = ''): Run {
  const r = spawnSync(process.execPath, [LDE, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: HANG_GUARD_MS });
  const hung = r.error ? `lde ${args.join(' ')}: ${r.error.message} (hang guard: ${HANG_GUARD_MS / 60_000} min)\n` : '';
  return { status: r.status ?? -1, stdout: r.stdout, stderr: hung + r.stderr };
}

/** True when every named program is on PATH. */
export function have(...tools: string[]): boolean {
  const path = (process.env.PATH ?? '').split(':');
  return tools.every((t) => path.some((d) => existsSync(`${d}/${t}`)));
}
