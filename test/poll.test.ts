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
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, LDE, ROOT, HANG_GUARD_MS } from './helpers/cli.js';
import { DEFAULT_COSTS } from '../src/kernel/cost.js';

const DIR = `${ROOT}test/poll/`;
const INPUT = 'one\ntwo words\n\nlast';
const QEMU_PROGRAMS = readdirSync(DIR).filter((f) => f.endsWith('.c') && f !== 'native.c').map((f) => f.slice(0, -2)).sort();

/** Compiles test/poll/NAME.c with cc (static for riscv64) into dir, in the background; the binary's path. */
async function build(cc: string, name: string, dir: string): Promise<string> {
  const out = `${dir}/${name}-${cc === 'cc' ? 'host' : 'rv'}`;
  const r = await run(cc, ['-O1', '-Wall', ...(cc === 'cc' ? [] : ['-static']), '-o', out, `${DIR}${name}.c`]);
  assert.equal(r.status, 0, `${cc} ${name}.c failed:\n${r.stderr}`);
  return out;
}

interface Ran { status: number | null; stdout: string; stderr?: string; }

/** A program's status and stdout with INPUT on stdin, run in the background (the programs run side by side); the timeout is a hang guard, never an assertion. */
function run(cmd: string, args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { timeout: HANG_GUARD_MS });
    let stdout = '', stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    c.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout, stderr }));
    c.stdin.end(INPUT);
  });
}

const ldeRun = (bin: string): Promise<Ran> => run(process.execPath, [LDE, 'run', '--max-time', '30', bin]);

/** fn over items, at most n at a time; the results in the items' order. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]); } };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

test('test/poll programs under lde print what they print under qemu-riscv64', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64')) return t.skip('riscv64-linux-gnu-gcc or qemu-riscv64 not on PATH: test/poll not run');
  const dir = mkdtempSync(`${tmpdir()}/lde-poll-`);
  try {
    const bins = await pool(QEMU_PROGRAMS, 3, (name) => build('riscv64-linux-gnu-gcc', name, dir));
    // lde runs three at a time while qemu runs the programs one by one (every printed timing fact holds under load).
    const ldeRuns = pool(bins, 3, ldeRun);
    const wants: Ran[] = [];
    for (const bin of bins) wants.push(await run('qemu-riscv64', [bin]));
    const gots = await ldeRuns;
    for (const [i, name] of QEMU_PROGRAMS.entries()) {
      await t.test(name, () => {
        const [want, got] = [wants[i], gots[i]];
        assert.equal(want.status, 0, `${name} under qemu-riscv64: status ${want.status}`);
        assert.deepEqual(got, want);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('native.c (epoll_pwait2, signalfd4 sizemask) under lde prints what it prints on the host Linux kernel', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'cc') || process.platform !== 'linux') return t.skip('needs riscv64-linux-gnu-gcc, cc and a Linux host');
  const dir = mkdtempSync(`${tmpdir()}/lde-poll-`);
  try {
    const [host, rv] = await Promise.all([build('cc', 'native', dir), build('riscv64-linux-gnu-gcc', 'native', dir)]);
    const [want, got] = await Promise.all([run(host, []), ldeRun(rv)]);
    assert.equal(want.status, 0);
    assert.deepEqual(got, want);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The kernel cycles of a run, from --stats. */
function kernelCycles(stderr: string): number {
  const m = /stats:\s+([\d,]+)\s+kernel\s/.exec(stderr);
  assert.ok(m, stderr);
  return Number(m[1].replace(/,/g, ''));
}

test('ppoll charges each pollfd it scans to virtual time (the work meter, one item per entry)', async (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not on PATH: pollcost.c not built');
  const dir = mkdtempSync(`${tmpdir()}/lde-poll-`);
  try {
    const bin = await build('riscv64-linux-gnu-gcc', 'pollcost', dir);
    const [one, many] = await Promise.all(['1', '1000'].map((n) => run(process.execPath, [LDE, 'run', '--stats', bin, n])));
    assert.equal(one.stdout, 'ready 0\n');
    assert.equal(many.stdout, 'ready 0\n');
    // 200 scans of 999 more entries, at least DEFAULT_COSTS.item cycles each (cost.ts).
    assert.ok(kernelCycles(many.stderr ?? '') - kernelCycles(one.stderr ?? '') >= 200 * 999 * DEFAULT_COSTS.item);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
