// Host resources stay bounded by the file systems (issue 9), with guest
// programs from test/fs/ built at test time:
//
// - bigfile.c reads a sparse host file of 5 GiB at high offsets, and maps
//   its last page: lde must pread at the guest's offset (before: EIO for a
//   file over 2 GiB), and
//   print what qemu-riscv64 prints, which is also computed here from the
//   bytes the test wrote. Opening a 1 GiB file twice under --mem 64M must
//   not read it into host memory (before: 2.1 GB of host RSS).
// - tmpfs-names.c makes empty files, directories and symlinks in /tmp until
//   ENOSPC: tmpfs charges INODE_COST per inode, NAME_COST per name and a
//   page per long symlink target against its size, half of --mem (before:
//   100,000 files and 40,000 symlinks were all made).
// - rename-dirfd.c renames a directory under --rw while an fd holds it: the
//   fd follows the directory, as on Linux (rename-dirfd.expected, recorded
//   under qemu-riscv64, which runs on the host kernel; before: ENOENT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { have, lde, LDE, ROOT, HANG_GUARD_MS } from './helpers/cli.js';
import { INODE_COST, NAME_COST } from '../src/kernel/fs/tmpfs.js';

const DIR = `${ROOT}test/fs/`;
const canBuild = have('riscv64-linux-gnu-gcc');
const GiB = 2 ** 30;

/** A scratch directory the guest sees at its host path (the guest's /tmp is its own tmpfs, so not under /tmp). */
function scratch(): string {
  mkdirSync(`${ROOT}dist`, { recursive: true });
  return mkdtempSync(`${ROOT}dist/fs-scratch-`);
}

function build(name: string, dir: string): string {
  const out = `${dir}/${name}`;
  const r = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-Wall', '-static', '-o', out, `${DIR}${name}.c`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `riscv64-linux-gnu-gcc ${name}.c failed:\n${r.stderr}`);
  return out;
}

/** A sparse file of `size` bytes holding `chunks` at their offsets, zeros elsewhere. */
function sparse(path: string, size: number, chunks: [number, string][]): void {
  const fd = openSync(path, 'w');
  try {
    for (const [off, text] of chunks) writeSync(fd, Buffer.from(text), 0, text.length, off);
    ftruncateSync(fd, size);
  } finally { closeSync(fd); }
}

/** lde run with its peak host RSS (process.resourceUsage, KiB) read at exit. */
function ldeRss(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string; rssKiB: number } {
  const wrapper = `${dir}/rss.mjs`;
  writeFileSync(wrapper, `process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'));\n`
    + `await import(${JSON.stringify(pathToFileURL(LDE).href)});\n`);
  const r = spawnSync(process.execPath, [wrapper, 'run', ...args], { cwd: ROOT, input: '', encoding: 'utf8', timeout: HANG_GUARD_MS });
  const m = /maxrss (\d+)/.exec(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, rssKiB: m ? Number(m[1]) : NaN };
}

const hex = (s: string) => [...Buffer.from(s)].map((b) => ` ${b.toString(16).padStart(2, '0')}`).join('');

test('a 5 GiB sparse host file is read and mapped at high offsets, as under qemu-riscv64 (pread at the guest offset)', (t) => {
  if (!canBuild) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
  const dir = scratch();
  try {
    const prog = build('bigfile', dir), big = `${dir}/big`, size = 5 * GiB + 112;
    sparse(big, size, [[0, 'HEADhead'], [3 * GiB + 5, 'threeGiB'], [5 * GiB + 100, 'fiveGiB!end']]);
    const offsets = [0, 3 * GiB + 5, 3 * GiB + 1, size - 2, 2 * size, 5 * GiB + 100]; // the last also names the page to mmap
    const r = lde(['run', '--mem', '64M', prog, big, ...offsets.map(String)]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `size ${size}`);
    assert.ok(lines.includes(`pread(${3 * GiB + 5}) = 8${hex('threeGiB')}`), r.stdout);
    assert.ok(lines.includes(`lseek+read(${3 * GiB + 1}) = 8${hex('\0\0\0\0thre')}`), r.stdout);
    assert.ok(lines.includes(`pread(${5 * GiB + 100}) = 8${hex('fiveGiB!')}`), r.stdout);
    assert.ok(lines.includes(`pread(${size - 2}) = 2${hex('d\0')}`), r.stdout);
    assert.ok(lines.includes(`pread(${2 * size}) = 0`), r.stdout);
    assert.ok(lines.includes(`SEEK_END ${size}`), r.stdout);
    assert.ok(lines.includes(`mmap(${5 * GiB})[104] =${hex('GiB!end\0')}`), r.stdout);
    if (have('qemu-riscv64')) {
      const q = spawnSync('qemu-riscv64', [prog, big, ...offsets.map(String)], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.stdout, q.stdout, 'lde and qemu-riscv64 disagree');
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a 1 GiB host file opened twice under --mem 64M is not read into host memory (peak RSS well under 1 GiB)', (t) => {
  if (!canBuild) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
  const dir = scratch();
  try {
    const prog = build('bigfile', dir), one = `${dir}/one`;
    sparse(one, GiB, [[GiB - 8, '1GiBend']]);
    const r = ldeRss(dir, ['--mem', '64M', prog, one, String(GiB - 8)]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(`pread(${GiB - 8}) = 8${hex('1GiBend')} 00`), r.stdout);
    assert.ok(r.stdout.includes(`mmap(${GiB - 4096})[4088] =${hex('1GiBend')} 00`), r.stdout);
    // Before: 2.1 GB. After: about 70 MB (Node, the kernel and --mem's frames as touched). The bound has ample slack.
    assert.ok(r.rssKiB < 512 * 1024, `peak host RSS ${r.rssKiB} KiB`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

// /tmp/names costs one inode and one name before the program starts counting.
const CASES: { kind: string; mem: number; max: number; cost: number }[] = [
  { kind: 'files', mem: 64, max: 100_000, cost: INODE_COST + NAME_COST },
  { kind: 'dirs', mem: 16, max: 100_000, cost: INODE_COST + NAME_COST },
  { kind: 'symlinks', mem: 8, max: 40_000, cost: INODE_COST + NAME_COST + 4096 }, // a 3,999-byte target takes a page
];

for (const { kind, mem, max, cost } of CASES) {
  test(`tmpfs: ${kind} in /tmp under --mem ${mem}M end in ENOSPC at the documented charge, and removing them frees it`, (t) => {
    if (!canBuild) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
    const dir = scratch();
    try {
      const prog = build('tmpfs-names', dir);
      // From /, so that no host cwd under /tmp takes its own directories in the tmpfs (a checkout in /tmp would).
      const r = spawnSync(process.execPath, [LDE, 'run', '--mem', `${mem}M`, prog, kind, String(max)], { cwd: '/', encoding: 'utf8', timeout: HANG_GUARD_MS });
      assert.equal(r.status, 0, r.stderr);
      const budget = mem * 2 ** 20 / 2 - (INODE_COST + NAME_COST);
      const made = Math.floor(budget / cost);
      assert.equal(r.stdout, `${kind}: made ${made}, stopped by No space left on device\nafter removing them: make again ok\n`);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test('a directory fd under --rw follows its directory through renames (openat O_CREAT, mkdirat, fchdir), as on Linux', (t) => {
  if (!canBuild) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
  const dir = scratch();
  try {
    const prog = build('rename-dirfd', dir), rw = `${dir}/rw`, expected = readFileSync(`${DIR}rename-dirfd.expected`, 'utf8');
    mkdirSync(rw);
    const r = lde(['run', '--rw', rw, prog, rw]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected);
    assert.equal(readFileSync(`${rw}/c/sub/y`, 'utf8'), '', 'the file made through the held fd is on the host, where Linux puts it');
    if (have('qemu-riscv64')) {
      rmSync(rw, { recursive: true, force: true });
      mkdirSync(rw);
      const q = spawnSync('qemu-riscv64', [prog, rw], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(q.stdout, expected, 'qemu-riscv64 (the host kernel) disagrees with the recorded output');
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
