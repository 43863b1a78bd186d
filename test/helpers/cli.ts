// Runs the compiled lde CLI as a user would, for tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const LDE = ROOT + 'dist/src/cli/main.js';

export interface Run { status: number; stdout: string; stderr: string; }

export function lde(args: string[], input = ''): Run {
  const r = spawnSync(process.execPath, [LDE, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** True when every named program is on PATH. */
export function have(...tools: string[]): boolean {
  const path = (process.env.PATH ?? '').split(':');
  return tools.every((t) => path.some((d) => existsSync(`${d}/${t}`)));
}
