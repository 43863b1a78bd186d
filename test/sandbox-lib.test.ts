// The library's default (issue 9: "the library API exposes nothing by
// default"): a Kernel built from code without naming host directories gives
// its guest no host file; `binds: wholeHost()` asks for what `lde run` shows.
// Oracle: the host's /etc/passwd, which the guest reads only when asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Kernel, nodeHost, wholeHost, type KernelOptions } from '../src/index.js'; // the package's entry point
import { have, ROOT } from './helpers/cli.js';

/** The probe's output for these commands, run by a Kernel made with `opts` (stdout captured). */
function run(exe: string, opts: Partial<KernelOptions>, cmds: string[]): string[] {
  const chunks: Uint8Array[] = [];
  const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { chunks.push(b.slice()); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, maxCycles: 10e9, ...opts });
  k.spawn(exe, readFileSync(exe), ['probe', ...cmds], []);
  assert.equal(k.run().status, 0);
  return Buffer.concat(chunks).toString().trimEnd().split('\n');
}

test('new Kernel() without binds shows no host file; binds: wholeHost() shows the host read-only', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) { t.skip('riscv64-linux-gnu-gcc not on PATH: the probe cannot be built'); return; }
  const dir = mkdtempSync(`${tmpdir()}/lde-sandbox-lib-`);
  try {
    const exe = `${dir}/probe`;
    const r = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-static', '-o', exe, `${ROOT}test/sandbox/probe.c`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const cmds = ['read', '/etc/passwd', 'ls', '/', 'read', '/proc/self/exe', 'ids'];
    assert.deepEqual(run(exe, {}, cmds), ['read /etc/passwd: ENOENT', 'ls /: dev proc tmp', 'read /proc/self/exe: ENOENT',
      'ids: uid=0 euid=0 gid=0 egid=0 res=0:0,0,0 resg=0:0,0,0']);
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0];
    const whole = run(exe, { binds: wholeHost() }, cmds);
    assert.equal(whole[0], `read /etc/passwd: ${passwd}`);
    assert.deepEqual(run(exe, { user: { uid: 1000, gid: 100 } }, ['ids']), ['ids: uid=1000 euid=1000 gid=100 egid=100 res=0:1000,1000,1000 resg=0:100,100,100']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
