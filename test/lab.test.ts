// The browser lab (src/web, docs/lab.md). Three parts:
//  - its Node-testable pieces: the in-memory filesystem, and the page-table
//    reader checked against the kernel's own walk (AddressSpace.leaves);
//  - `lde lab`: the server's headers, its refusal of paths outside the lab;
//  - the page itself in a real browser: Debian's chromium driven by
//    playwright-core (never a downloaded browser). It loads the page, sees
//    the first program's output, types into the shell, walks a system call
//    in step mode, reads the page tables, runs a dropped ELF and one
//    experiment, and takes a screenshot. Skipped, with a message, where
//    /usr/bin/chromium is missing; CI installs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemFs } from '../src/web/memfs.js';
import { pageTree, vaText } from '../src/web/pagetable.js';
import type { PageNode } from '../src/web/protocol.js';
import { fileFor } from '../src/cli/lab.js';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';
import { LDE, ROOT, lde } from './helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const LAB = join(ROOT, 'dist/lab');

test('MemFs: the bundled programs read-only at their paths', () => {
  const fs = new MemFs();
  fs.add('/bin/hello', new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(fs.readdir('/'), ['bin']);
  assert.deepEqual(fs.readdir('/bin'), ['hello']);
  const st = fs.stat('/bin/hello');
  assert.ok(typeof st === 'object' && st.kind === 'file' && st.size === 4);
  assert.equal(fs.stat('/bin/nope'), -2);
  assert.equal(fs.stat('/bin/hello/x'), -20);
  const h = fs.open('/bin/hello', { write: false, create: false, excl: false, trunc: false }, 0);
  assert.ok(typeof h === 'object');
  assert.deepEqual([...(h.read(1, 10) as Uint8Array)], [2, 3, 4]);
  assert.equal((h.read(9, 10) as Uint8Array).length, 0);
  assert.equal(fs.open('/bin/hello', { write: true, create: false, excl: false, trunc: false }, 0), -30);
  assert.equal(fs.open('/bin/new', { write: true, create: true, excl: false, trunc: false }, 0o644), -30);
  assert.equal(fs.mkdir(), -30);
});

/** Every page the tree maps, by virtual address. */
function pagesOf(nodes: PageNode[]): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (n: PageNode) => {
    for (const r of n.leaves) for (let i = 0; i < r.pages; i++) out.set((BigInt(r.va) + BigInt(i * 4096)).toString(16), Number(r.pa) + i * 4096);
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}

test('the page-table panel reads the same leaves as the kernel walks (AddressSpace.leaves)', () => {
  const kernel = new Kernel({ host: { ...nodeHost(), cwd: '/' }, hz: 250 });
  const bytes = readFileSync(join(ROOT, 'user/bin/pfstorm'));
  const p = kernel.spawn('/bin/pfstorm', bytes, ['pfstorm'], []);
  const satp = (8n << 60n) | BigInt(p.as.root / 4096);
  const tree = pageTree(kernel.board.phys, p.pid, 'pfstorm', satp, []);
  // The panel shows addresses as the hart does, sign-extended from bit 38 (the kernel's trampoline page is at the top).
  const mine = pagesOf(tree.nodes), theirs = new Map([...p.as.leaves()].map(([va, , pa]) => [(va >= 2 ** 38 ? BigInt.asUintN(64, BigInt(va) | ~((1n << 39n) - 1n)) : BigInt(va)).toString(16), pa]));
  assert.ok(theirs.size > 3, `pfstorm's image maps pages (${theirs.size})`);
  assert.deepEqual([...mine].sort(), [...theirs].sort());
  // Upper-half addresses as the hart sees them: bit 38 copied up to bit 63 (priv 4.4.1).
  assert.equal(vaText(2 ** 38), '0xffffffc000000000');
  assert.equal(vaText(0x7ffffff000), '0xfffffffffffff000');
  assert.equal(vaText(0x3ffffff000), '0x3ffffff000');
  assert.equal(tree.root, `0x${p.as.root.toString(16)}`);
  assert.ok(tree.tables >= 3, 'a root, a level-1 and a level-0 table at least');
  assert.equal(tree.truncated, false);
});

test('lde lab serves only files under the lab', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lde-lab-'));
  writeFileSync(join(dir, 'index.html'), 'x');
  assert.equal(fileFor(dir, '/'), join(dir, 'index.html'));
  assert.equal(fileFor(dir, '/index.html?x=1'), join(dir, 'index.html'));
  assert.equal(fileFor(dir, '/../etc/passwd'), undefined);
  assert.equal(fileFor(dir, '/%2e%2e/%2e%2e/etc/passwd'), undefined);
  assert.equal(fileFor(dir, '/nope.js'), undefined);
  assert.equal(fileFor(dir, '/%E0%A4%A'), undefined);
});

/** Starts `lde lab --port 0` and resolves with its address. */
function serve(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [LDE, 'lab', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '', err = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve({ url: m[0], child });
    });
    child.stderr!.on('data', (b: Buffer) => { err += b; });
    child.on('exit', (code) => reject(new Error(`lde lab exited with ${code}: ${err}`)));
  });
}

test('lde lab: the address, the isolation headers, 404 outside the lab', { skip: !existsSync(join(LAB, 'index.html')) && 'dist/lab is not built (npm run build:lab)' }, async () => {
  const { url, child } = await serve();
  try {
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.match(await page.text(), /<title>lde lab/);
    const programs = await (await fetch(new URL('programs/index.json', url))).json() as string[];
    assert.ok(programs.includes('hello') && programs.includes('sh'), `the bundled programs are listed: ${programs.join(' ')}`);
    assert.equal((await fetch(new URL('programs/hello', url))).headers.get('content-type'), 'application/octet-stream');
    assert.equal((await fetch(url + '..%2f..%2fpackage.json')).status, 404);
    assert.equal((await fetch(url, { method: 'POST' })).status, 405);
  } finally {
    child.kill('SIGTERM');
  }
});

test('lde lab --port refuses a port that is not a number, with one line', async () => {
  const r = spawn(process.execPath, [LDE, 'lab', '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  r.stderr!.on('data', (b: Buffer) => { err += b; });
  const status = await new Promise((done) => r.on('exit', done));
  assert.equal(status, 2);
  assert.equal(err.trim().split('\n').length, 1, err);
  assert.match(err, /^lde: .*--port/);
});

const noBrowser = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing (apt-get install chromium): the page is not tested in a browser`
  : !existsSync(join(LAB, 'index.html')) ? 'dist/lab is not built (npm run build:lab)' : false;

test('the lab in chromium: a program, the shell, step mode, page tables, a dropped ELF, an experiment, a screenshot', { skip: noBrowser, timeout: 10 * 60_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const { url, child } = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const errors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    const wait = { timeout: 5 * 60_000 };
    const runs = (n: number) => page.waitForFunction((k) => Number(document.body.dataset.runs ?? 0) >= k, n, wait);
    const screen = () => page.evaluate(() => document.getElementById('transcript')?.textContent ?? '');
    const shows = (text: string) => page.waitForFunction((s) => document.getElementById('transcript')?.textContent?.includes(s), text, wait);
    await page.goto(url);
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'lde lab makes the page cross-origin isolated');
    // Accessibility, checked by axe-core in the page as it is at each point: no serious or critical violation.
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8') });
    const accessible = async (where: string) => {
      const found = await page.evaluate(async () => {
        const r = await (globalThis as unknown as { axe: { run(d: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document);
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      });
      assert.deepEqual(found, [], `accessibility, ${where}`);
    };

    // The first program runs by itself: hello, with three arguments.
    await runs(1);
    assert.match(await screen(), /hello: argv\[3\]=lab/);
    assert.match(await page.textContent('#status') ?? '', /exit status 0/);
    t.diagnostic(`first program done ${await page.evaluate(() => document.body.dataset.firstRunS)} s after the page opened`);
    // The diagram's counts come from the run: hello makes system calls and returns from each.
    await accessible('after the first run');
    const count = async (key: string) => Number((await page.textContent(`text.count[data-count=${key}]`))?.replace(/,/g, ''));
    assert.ok(await count('syscalls') >= 3, 'system calls counted on the diagram');
    assert.equal(await count('processes'), 1);

    // The shell: typed input reaches the guest's terminal; each command is a program.
    await page.click('#chapters button:text-is("A shell")');
    await shows('$ ');
    await page.click('#terminal');
    await page.keyboard.type('hello typed\r');
    await shows('argv[1]=typed');
    await page.keyboard.type('segfault\r');
    await shows('killed by signal 11');
    await page.keyboard.type('exit 3\r');
    await runs(2);
    assert.match(await page.textContent('#status') ?? '', /exit status 3/);

    // Step mode: one getppid from ecall to sret, with the CSRs the spec says the trap writes.
    await page.click('#tab-step');
    await page.check('#stepmode');
    await page.selectOption('#program', 'syscalls');
    await page.fill('#args', '5');
    await page.click('#run');
    const csr = async (name: string) => BigInt(await page.textContent(`#step th:text-is("${name}") + td`) ?? 'x');
    let sawGetppid = false;
    for (let walk = 0; walk < 8 && !sawGetppid; walk++) {
      for (let step = 1; step <= 5; step++) {
        await page.waitForFunction((s) => document.querySelector<HTMLElement>('#step')?.dataset.step === String(s), step, wait);
        const title = await page.textContent('#step h3') ?? '';
        if (step === 1) assert.match(title, /ecall in U-mode/);
        if (step === 2) {
          assert.equal(await csr('scause'), 8n, 'scause 8: environment call from U-mode');
          assert.equal((await csr('sstatus')) >> 8n & 1n, 0n, 'SPP = U');
          assert.equal((await csr('sstatus')) >> 1n & 1n, 0n, 'SIE cleared');
        }
        if (step === 3 && /getppid/.test(title)) sawGetppid = true;
        if (step === 5) assert.match(await page.textContent('#step') ?? '', /mode U/);
        await page.click('#next');
      }
    }
    assert.ok(sawGetppid, 'a getppid was walked');
    await accessible('in step mode');
    await page.click('#tab-pages');
    assert.match(await page.textContent('#pages') ?? '', /pid 1 \(syscalls\): satp 0x8/);
    assert.match(await page.textContent('#pages') ?? '', /level 0 table/);
    await accessible('with the page tables shown');
    await page.click('#tab-step');
    await page.uncheck('#stepmode');
    await runs(3);
    assert.match(await screen(), /5/);

    // A dropped ELF (here chosen through the file input) runs as /bin/NAME.
    await page.setInputFiles('#file', { name: 'mine', mimeType: 'application/octet-stream', buffer: readFileSync(join(ROOT, 'user/bin/hello')) });
    await runs(4);
    assert.match(await screen(), /hello: argv\[0\]=mine/);
    // Something that is not an ELF: one line, and the page goes on.
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a program') });
    await page.waitForFunction(() => /notes\.txt: /.test(document.getElementById('status')?.textContent ?? ''), null, wait);

    // One experiment, with the CLI's table and conclusion, and its chart drawn by vega.
    await page.click('#tab-exp');
    await page.selectOption('#experiment', 'no-timer');
    await page.click('#exp-run');
    await page.waitForFunction(() => document.body.dataset.experiment === 'done' || document.body.dataset.experiment === 'error', null, wait);
    assert.equal(await page.evaluate(() => document.body.dataset.experiment), 'done');
    // The same table and conclusion as the CLI prints: experiments are deterministic, and both hosts run the same code.
    const cli = lde(['experiment', 'no-timer']);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(await page.textContent('#exp-result pre'), cli.stdout, 'the page shows what `lde experiment no-timer` prints');
    assert.ok(await page.locator('#exp-plot svg').count() >= 1, 'a chart');
    await accessible('with an experiment\'s result');

    // The JIT keeps the interpreter's contract in the page too: the same run gives the same stats either way.
    await page.click('#tab-stats');
    const statsWith = async (jit: boolean, k: number) => {
      await page.setChecked('#jit', jit);
      await page.selectOption('#program', 'cpu');
      await page.fill('#args', 'sieve 1');
      await page.click('#run');
      await runs(k);
      return page.textContent('#stats');
    };
    const on = await statsWith(true, 5), off = await statsWith(false, 6);
    assert.match(on ?? '', /instructions/);
    assert.equal(on, off, '--jit on and off: the same stats');

    // A phone: one column, nothing wider than the screen, the console before the trade-offs.
    await page.setViewportSize({ width: 390, height: 844 });
    // The console refits itself on the resize event (FitAddon): wait for the layout to settle, then measure.
    const fits = await page.waitForFunction(() => document.documentElement.scrollWidth <= innerWidth, null, { timeout: 60_000 }).then(() => true, () => false);
    assert.ok(fits, `no sideways scrolling on a phone (${await page.evaluate(() => `${document.documentElement.scrollWidth} > ${innerWidth}`)})`);
    const y = async (sel: string) => (await page.locator(sel).boundingBox())!.y;
    assert.ok(await y('#terminal') < await y('#controls'), 'the console comes before the trade-offs');
    await accessible('on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    const shot = join(mkdtempSync(join(tmpdir(), 'lde-lab-')), 'lab.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual([...readFileSync(shot).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
});
