// Sockets (issue 11): AF_UNIX by name and AF_INET/AF_INET6 over the
// loopback, through the C programs in test/sockets/. Each prints facts only
// (results, errno names, lengths, whether a wait lasted its timeout; never a
// port number or a pid), so its output is the same on any machine.
// Oracle: qemu-riscv64 running the same static binary, whose socket calls
// go to the host's Linux kernel (differential). --publish is checked with
// node's net client against a C server in the guest, and --net outbound
// with a C client in the guest and node's net server (test/sockets/publish/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
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

/** A host TCP port free now (the kernel's pick for port 0, given back). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

/** Sends msg to 127.0.0.1:port, shuts down writing, and collects the answer until the server closes; '' and the error code when it resets. */
function exchange(port: number, msg: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const c = connect(port, '127.0.0.1', () => c.end(msg));
    c.setEncoding('utf8').on('data', (d: string) => { got += d; });
    c.on('error', (e: NodeJS.ErrnoException) => resolve(`${got}<${e.code}>`));
    c.on('close', () => resolve(got));
  });
}

test('--publish: host clients reach a guest server (IPv4 and IPv6 listeners); bytes and ends go both ways; outbound connects are ENETUNREACH', async (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not on PATH: --publish not checked');
  const dir = mkdtempSync(`${tmpdir()}/lde-publish-`);
  try {
    const bin = `${dir}/echo`;
    assert.equal((await run('riscv64-linux-gnu-gcc', ['-O1', '-static', '-o', bin, `${DIR}publish/echo.c`])).status, 0);
    for (const family of ['4', '6']) {
      const [hostPort, unused] = [await freePort(), await freePort()];
      const child = spawn(process.execPath, [LDE, 'run', '--publish', `${hostPort}:8080`, '--publish', `${unused}:9090`, bin, '8080', family],
        { timeout: HANG_GUARD_MS, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const listening = new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; if (out.includes('listening')) resolve(); }));
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      await listening;
      const nobody = await exchange(unused, 'anyone?');
      assert.ok(nobody === '' || nobody.startsWith('<'), `a port with no guest listener gives nothing back: ${nobody}`);
      assert.equal(await exchange(hostPort, 'hello'), 'HELLO');
      assert.equal(await exchange(hostPort, 'x'.repeat(300_000)), 'X'.repeat(65_536)); // more than a socket queue holds: flow control
      assert.equal(await exit, 0);
      assert.equal(out, 'outbound connect: ENETUNREACH\nlistening\nserved 2\n');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--net outbound: a guest connect outside the loopback goes through the host (and a closed port is ECONNREFUSED)', async (t) => {
  const ip = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
  if (!have('riscv64-linux-gnu-gcc') || ip === undefined) return t.skip('needs riscv64-linux-gnu-gcc and a host IPv4 address outside the loopback');
  const dir = mkdtempSync(`${tmpdir()}/lde-outbound-`);
  const server = createServer({ allowHalfOpen: true }, (c) => { let d = ''; c.on('data', (b) => { d += b; }).on('end', () => c.end(`pong:${d}`)); });
  try {
    const bin = `${dir}/outbound`;
    assert.equal((await run('riscv64-linux-gnu-gcc', ['-O1', '-static', '-o', bin, `${DIR}publish/outbound.c`])).status, 0);
    await new Promise<void>((resolve) => server.listen(0, ip, resolve));
    const port = (server.address() as { port: number }).port, closed = await freePort();
    const guest = [bin, ip, String(port), String(closed)];
    assert.deepEqual(await run(process.execPath, [LDE, 'run', '--net', 'outbound', ...guest]),
      { status: 0, stdout: 'got [pong:ping]\nnon-blocking connect: EINPROGRESS\nSO_ERROR: ECONNREFUSED\n' });
    assert.deepEqual(await run(process.execPath, [LDE, 'run', ...guest]), { status: 1, stdout: 'connect: Network is unreachable\n' });
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
