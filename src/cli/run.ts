// `lde run [options] PROGRAM [ARGS…]` (DESIGN.md): runs a static riscv64
// Linux program under the kernel. The exit status is the program's own, or
// 128+N when signal N killed it (with one line on stderr saying so).

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../kernel/kernel.js';
import { ExecError } from '../kernel/loader.js';
import { MAX_MEM } from '../machine/index.js';
import { parseArgs, parseCount, parseSize, UsageError } from './args.js';
import { readInput } from './bare.js';
import { nodeHost } from './host.js';
import { Status, fail } from './status.js';

const USAGE = 'usage: lde run [--hz N] [--mem SIZE] [--seed N] [--max-time SECONDS] [--rw DIR] PROGRAM [ARGS...]';
const BUNDLED = fileURLToPath(new URL('../../../user/bin/', import.meta.url));
const HZ = [0, 100, 250, 300, 1000];

/** A host path, or the name of a bundled program (user/bin/NAME). */
function locate(name: string): string {
  if (name.includes('/') || existsSync(name)) return name;
  return existsSync(BUNDLED + name) ? BUNDLED + name : name;
}

export async function runCommand(argv: string[]): Promise<number> {
  const { opts, rest } = parseArgs(argv, ['--hz', '--mem', '--seed', '--max-time', '--rw'], []);
  if (rest.length === 0) throw new UsageError(`missing PROGRAM\n${USAGE}`);
  const hz = opts.has('--hz') ? parseCount('--hz', String(opts.get('--hz')), 0, 1000) : 250;
  if (!HZ.includes(hz)) throw new UsageError(`--hz: ${hz} is not a supported tick rate (100, 250, 300 or 1000)`);
  const memBytes = opts.has('--mem') ? parseSize('--mem', String(opts.get('--mem')), 1 << 20, MAX_MEM) : undefined;
  if (memBytes !== undefined && memBytes % 4096 !== 0) throw new UsageError('--mem: must be a multiple of 4 KiB');
  const seed = opts.has('--seed') ? parseCount('--seed', String(opts.get('--seed')), 0, 2 ** 32 - 1) : 1;
  const maxTime = opts.has('--max-time') ? parseCount('--max-time', String(opts.get('--max-time')), 1, 1e6) : undefined;
  const [name, ...args] = rest;
  const path = locate(name);
  const bytes = readInput(path);
  const host = nodeHost();
  const rw = opts.has('--rw') ? [rwDir(String(opts.get('--rw')))] : [];
  const kernel = new Kernel({ host, hz, memBytes, seed, rw, maxCycles: maxTime === undefined ? undefined : maxTime * 1e9 });
  try {
    kernel.spawn(path, bytes, [name, ...args], envFor());
  } catch (e) {
    if (e instanceof ExecError) return fail(Status.CANNOT_EXEC, `${name}: ${e.message}`);
    throw e;
  }
  const r = kernel.run();
  if (r.message) process.stderr.write(`lde: ${r.message}\n`);
  return r.status;
}

/** --rw DIR: an existing host directory, made absolute. */
function rwDir(dir: string): string {
  const abs = resolve(dir);
  try { if (statSync(abs).isDirectory()) return abs; } catch { /* reported below */ }
  throw new UsageError(`--rw: ${dir} is not a directory`);
}

/** The guest's environment: the host's, as a shell would pass it. */
function envFor(): string[] {
  return Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
}
