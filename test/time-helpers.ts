// Shared by the time-* tests (issue 9, slice "time"): builds the C
// reproducers in test/time/ for riscv64 (static glibc) or for the host, and
// runs them under lde, qemu-riscv64 or natively.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, ROOT } from './helpers/cli.js';

export const TIME_DIR = `${ROOT}test/time/`;
export const canBuild = have('riscv64-linux-gnu-gcc');
export const SKIP_BUILD = 'riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built';
export const nativeLinux = process.platform === 'linux' && have('cc');

/** Compiles test/time/NAME.c with cc into dir; returns the binary's path. */
export function build(cc: 'riscv64-linux-gnu-gcc' | 'cc', name: string, dir: string): string {
  const out = `${dir}/${name}`;
  const r = spawnSync(cc, ['-O1', '-Wall', ...(cc === 'cc' ? [] : ['-static']), '-o', out, `${TIME_DIR}${name}.c`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cc} ${name}.c failed:\n${r.stderr}`);
  return out;
}

/** A program's stdout and status, stdin at EOF; a guard (never an assertion) against hangs. */
export function runProgram(cmd: string, args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(cmd, args, { input: '', encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout };
}

/** test/time/NAME.expected: what the program prints on Linux (recorded natively, re-checked when the host is Linux). */
export function expected(name: string): string { return readFileSync(`${TIME_DIR}${name}.expected`, 'utf8'); }

/** Runs fn with a fresh temporary directory, removed after. */
export function withTmp<T>(fn: (dir: string) => T, base = `${tmpdir()}/lde-time-`): T {
  const dir = mkdtempSync(base);
  try { return fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}
