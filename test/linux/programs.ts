// The test/linux corpus, as data: how each program is run and what it must
// produce.  test/linux-qemu.test.ts uses this to validate the expected files
// under qemu-riscv64; the lde differential test runs the same binaries under
// `lde run` with the same arguments, environment and stdin, and compares
// against the same expected files.  See test/linux/README.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** test/linux/ in the source tree (this file runs from dist/test/linux/). */
export const LINUX_DIR = fileURLToPath(new URL('../../../test/linux/', import.meta.url));

/** The whole environment each program is given: nothing is inherited. */
export const GUEST_ENV: Readonly<Record<string, string>> = { LDE_TEST_VAR: 'hello, world = 1' };

/**
 * Where a program's expected file comes from:
 * - 'qemu': recorded from qemu-riscv64, and checked against it.
 * - 'linux': Linux's behaviour, which qemu-riscv64 gets wrong; recorded from
 *   and checked against a native build of the same source on the host
 *   kernel (the program uses nothing architecture-specific).
 */
export type Oracle = 'qemu' | 'linux';

export interface LinuxProgram {
  /** Source test/linux/<name>.c, binary <OUT>/<name>, expected/<name>.txt. */
  name: string;
  args: string[];
  stdin: string;
  oracle: Oracle;
}

function program(name: string, more: Partial<LinuxProgram> = {}): LinuxProgram {
  return { name, args: [], stdin: '', oracle: 'qemu', ...more };
}

export const LINUX_PROGRAMS: readonly LinuxProgram[] = [
  program('args', { args: ['alpha', 'two words', '', 'γ-δ'] }),
  program('atomic'),
  program('files'),
  program('float'),
  program('fpswitch'),
  program('fork'),
  program('jitpages'),
  program('malloc'),
  program('mmap'),
  program('fileio'),
  program('locks'),
  program('socketpair'),
  program('mmapshared'),
  program('orphans', { oracle: 'linux' }),
  program('pipe'),
  program('procfs', { oracle: 'linux' }),
  program('recurse'),
  program('sigmask', { oracle: 'linux' }),
  program('signal'),
  program('stackoverflow'),
  program('stdio', { stdin: 'line one\nsecond line\n\nno newline' }),
  program('time'),
  program('vfs'),
  program('uaccess-range', { stdin: 'stdin line\n' }),
  program('uaccess-partial', { oracle: 'linux' }),
];

export interface Expected {
  /** What a shell reports: the exit status, or 128+N for death by signal N. */
  status: number;
  stdout: string;
}

/** The exit status a shell would report for a child_process result. */
export function shellStatus(status: number | null, signal: NodeJS.Signals | null): number {
  if (status !== null) return status;
  if (signal !== null) return 128 + constants.signals[signal];
  throw new Error('child_process gave neither an exit status nor a signal');
}

/** Expected-file text: the line `status N`, then the exact stdout bytes. */
export function formatExpected(e: Expected): string {
  return `status ${e.status}\n${e.stdout}`;
}

export function parseExpected(text: string, file = 'expected file'): Expected {
  const m = /^status (\d+)\n/.exec(text);
  if (!m) throw new Error(`${file}: first line must be "status N"`);
  return { status: Number(m[1]), stdout: text.slice(m[0].length) };
}

export function expectedPath(name: string): string {
  return `${LINUX_DIR}expected/${name}.txt`;
}

export function readExpected(name: string): Expected {
  const file = expectedPath(name);
  return parseExpected(readFileSync(file, 'utf8'), file);
}

/**
 * The corpus built once per content: `make -j2` into a directory named by a hash of the sources, the Makefile and
 * the compiler's version, under the system's temp dir. The test files that need it (run.test.ts, linux-qemu.test.ts)
 * run in parallel processes: each builds into its own directory and renames it into place, and whoever is second
 * uses the first one's. Returns the directory, or throws make's stderr.
 */
export function builtCorpus(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(LINUX_DIR).filter((f) => /\.(c|h)$|^Makefile$/.test(f)).sort()) h.update(f).update(readFileSync(LINUX_DIR + f));
  h.update(spawnSync('riscv64-linux-gnu-gcc', ['--version'], { encoding: 'utf8' }).stdout ?? '');
  const dir = `${tmpdir()}/lde-linux-corpus-${h.digest('hex').slice(0, 16)}`;
  if (existsSync(`${dir}/.done`)) return dir;
  const mine = mkdtempSync(`${tmpdir()}/lde-linux-build-`);
  const mk = spawnSync('make', ['-s', '-j2', '-C', LINUX_DIR, `OUT=${mine}`], { encoding: 'utf8' });
  if (mk.status !== 0) throw new Error(`make failed:\n${mk.stderr}`);
  writeFileSync(`${mine}/.done`, '');
  try {
    renameSync(mine, dir);
  } catch {
    rmSync(mine, { recursive: true, force: true }); // the other test file got there first
  }
  return dir;
}
