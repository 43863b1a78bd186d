// Sockets (issue 11): AF_UNIX by name and AF_INET/AF_INET6 over the
// loopback, through the C programs in test/sockets/. Each prints facts only
// (results, errno names, lengths, whether a wait lasted its timeout; never a
// port number or a pid), so its output is the same on any machine.
// Oracle: qemu-riscv64 running the same static binary, whose socket calls
// go to the host's Linux kernel (differential).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, LDE, ROOT, HANG_GUARD_MS } from './helpers/cli.js';

const DIR = `${ROOT}test/sockets/`;
const PROGRAMS = readdirSync(DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();

interface Ran { status: number | null; stdout: string; }

/** A program's status and stdout (the timeout is a hang guard, never an assertion). */
function run(cmd: string, args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { timeout: HANG_GUARD_MS, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout }));
  });
}

test('test/sockets programs under lde print what they print under qemu-riscv64', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64')) return t.skip('riscv64-linux-gnu-gcc or qemu-riscv64 not on PATH: test/sockets not run');
  const dir = mkdtempSync(`${tmpdir()}/lde-sockets-`);
  try {
    const bins = await Promise.all(PROGRAMS.map(async (name) => {
      const out = `${dir}/${name}`;
      const r = await run('riscv64-linux-gnu-gcc', ['-O1', '-Wall', '-static', '-o', out, `${DIR}${name}.c`]);
      assert.equal(r.status, 0, `riscv64-linux-gnu-gcc ${name}.c failed`);
      return out;
    }));
    const gots = Promise.all(bins.map((bin) => run(process.execPath, [LDE, 'run', '--max-time', '60', bin])));
    const wants: Ran[] = [];
    for (const bin of bins) wants.push(await run('qemu-riscv64', [bin]));
    const got = await gots;
    for (const [i, name] of PROGRAMS.entries()) {
      await t.test(name, () => {
        assert.equal(wants[i].status, 0, `${name} under qemu-riscv64: status ${wants[i].status}`);
        assert.deepEqual(got[i], wants[i]);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
