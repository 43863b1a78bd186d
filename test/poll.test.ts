// Waiting for many things (issue 11): ppoll, pselect6, epoll, eventfd,
// timerfd, signalfd and O_NONBLOCK, through the C programs in test/poll/.
// Each prints facts only (results, errno names, revents, whether a wait
// lasted at least its timeout), so its output is the same on any machine.
// Oracle: qemu-riscv64 running the same static binary with the same stdin
// (differential); native.c holds what qemu gets wrong (no epoll_pwait2, no
// check of signalfd4's sizemask) and is compared with a native build on the
// host's Linux kernel instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT, HANG_GUARD_MS } from './helpers/cli.js';

const DIR = `${ROOT}test/poll/`;
const INPUT = 'one\ntwo words\n\nlast';
const QEMU_PROGRAMS = readdirSync(DIR).filter((f) => f.endsWith('.c') && f !== 'native.c').map((f) => f.slice(0, -2)).sort();

function build(cc: string, name: string, dir: string): string {
  const out = `${dir}/${name}-${cc === 'cc' ? 'host' : 'rv'}`;
  const r = spawnSync(cc, ['-O1', '-Wall', ...(cc === 'cc' ? [] : ['-static']), '-o', out, `${DIR}${name}.c`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cc} ${name}.c failed:\n${r.stderr}`);
  return out;
}

/** A program's status and stdout with INPUT on stdin; the timeout is a hang guard, never an assertion. */
function run(cmd: string, args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(cmd, args, { input: INPUT, encoding: 'utf8', timeout: HANG_GUARD_MS });
  return { status: r.status, stdout: r.stdout };
}

function ldeRun(bin: string): { status: number | null; stdout: string } {
  const r = lde(['run', '--max-time', '30', bin], INPUT);
  return { status: r.status, stdout: r.stdout };
}

test('test/poll programs under lde print what they print under qemu-riscv64', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64')) return t.skip('riscv64-linux-gnu-gcc or qemu-riscv64 not on PATH: test/poll not run');
  const dir = mkdtempSync(`${tmpdir()}/lde-poll-`);
  try {
    for (const name of QEMU_PROGRAMS) {
      await t.test(name, () => {
        const bin = build('riscv64-linux-gnu-gcc', name, dir);
        const want = run('qemu-riscv64', [bin]);
        assert.equal(want.status, 0, `${name} under qemu-riscv64: status ${want.status}`);
        assert.deepEqual(ldeRun(bin), want);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('native.c (epoll_pwait2, signalfd4 sizemask) under lde prints what it prints on the host Linux kernel', (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'cc') || process.platform !== 'linux') return t.skip('needs riscv64-linux-gnu-gcc, cc and a Linux host');
  const dir = mkdtempSync(`${tmpdir()}/lde-poll-`);
  try {
    const want = run(build('cc', 'native', dir), []);
    assert.equal(want.status, 0);
    assert.deepEqual(ldeRun(build('riscv64-linux-gnu-gcc', 'native', dir)), want);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
