// lde run --strace and --stats: minimal forms (issue 4 completes them), with
// the program's own syscalls as the oracle (user/src/hello.c makes three
// writes and an exit_group, checked under qemu-riscv64 -strace when written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { lde } from './helpers/cli.js';

test('--strace prints one line per system call with its result', () => {
  const r = lde(['run', '--strace', 'hello']);
  assert.equal(r.status, 0);
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.replace(/\(.*\)/, '(…)')), [
    '[pid 1] write(…) = 14', '[pid 1] write(…) = 21', '[pid 1] write(…) = 51', '[pid 1] exit_group(…) = 0']);
  assert.match(lines[0], /^\[pid 1\] write\(1, 0x[0-9a-f]+, 14\) = 14$/);
});

test('--strace=FILE writes the log to a file and decodes paths and errno names', () => {
  const file = mkdtempSync(tmpdir() + '/lde-strace-') + '/log';
  const r = lde(['run', `--strace=${file}`, 'libc']);
  assert.equal(r.status, 0, r.stderr);
  const log = readFileSync(file, 'utf8');
  assert.match(log, /openat\(-100, "\/nonexistent\/dir\/file", \d+\) = -1 ENOENT/);
});

test('--stats summarizes instructions, processes, ticks, switches and system calls', () => {
  const r = lde(['run', '--stats', 'pipe']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^lde: stats: [\d,]+ instructions in [\d.]+ s of virtual time/m);
  assert.match(r.stderr, /^lde: stats: 2 processes exited \(0 by a signal\)/m);
  assert.match(r.stderr, /context switches: [1-9][\d,]* voluntary/);
  assert.match(r.stderr, /system calls: .*clone 1/);
});
