// The kernel-memory budget (src/kernel/mm/kmem.ts): what a guest can make
// the kernel hold on the host outside guest RAM — pipe pages, open files,
// mappings, directory listings — stops at a share of --mem, each refusal is
// the errno Linux gives when kernel memory runs out, and every byte comes
// back when the objects go. test/kmem/hoard.c is built at test time.
// Before the budget, 64 processes filling pipes under --mem 64M took 2.3 GB
// of host RSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Kernel } from '../src/kernel/kernel.js';
import { KMEM, KMEM_SHARE } from '../src/kernel/mm/kmem.js';
import { MAX_MAP_COUNT } from '../src/kernel/mm/vmas.js';
import { nodeHost } from '../src/cli/host.js';
import { have, LDE, ROOT, HANG_GUARD_MS } from './helpers/cli.js';

const canBuild = have('riscv64-linux-gnu-gcc');
const NO_CC = 'needs riscv64-linux-gnu-gcc (Debian: gcc-riscv64-linux-gnu) to build test/kmem/hoard.c';
const MEM = 16 << 20, BUDGET = MEM * KMEM_SHARE;

let built: string | undefined;
function hoard(): string {
  if (built) return built;
  mkdirSync(`${ROOT}dist`, { recursive: true });
  const dir = mkdtempSync(`${ROOT}dist/kmem-`);
  const r = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-Wall', '-static', '-o', `${dir}/hoard`, `${ROOT}test/kmem/hoard.c`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (built = `${dir}/hoard`);
}

/** Runs hoard in a kernel of MEM bytes; its stdout and the kernel, after the run. */
function run(args: string[]): { out: string; k: Kernel; status: number } {
  let out = '';
  const host = { ...nodeHost(), write: (_fd: 1 | 2, b: Uint8Array) => { out += Buffer.from(b).toString(); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, memBytes: MEM });
  const path = hoard();
  k.spawn(path, readFileSync(path), ['hoard', ...args], []);
  const r = k.run();
  return { out, k, status: r.status };
}

test('pipes: their pages stop at the budget (pipe2 then gives ENFILE), and every byte comes back', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const { out, k, status } = run(['pipes', '6']);
  assert.equal(status, 0, out);
  const total = Number(/pipes total (\d+)/.exec(out)![1]);
  assert.ok(total > BUDGET / 2 && total <= BUDGET, `${total} bytes buffered, budget ${BUDGET}`);
  assert.match(out, /then ENFILE/);
  assert.equal(k.kmem.used, 0, 'all given back after the children were killed');
  assert.ok(k.kmem.peak <= BUDGET);
});

test('open files: ENFILE past the budget (file-max), EMFILE at RLIMIT_NOFILE first when one process fits', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const { out, k, status } = run(['files', '6']);
  assert.equal(status, 0, out);
  assert.match(out, /^child 0: 1020 then EMFILE$/m, 'fds 0-2 and the report pipe\'s write end, then 1020 opens, reach the soft limit of 1024');
  assert.match(out, /then ENFILE$/m);
  const total = Number(/files total (\d+)/.exec(out)![1]);
  // The rest of the budget holds the processes' mappings (about ten VMAs each) and the report pipe: under 32 KiB here.
  assert.ok(total * KMEM.file <= BUDGET && total * KMEM.file + 32768 > BUDGET, `${total} files`);
  assert.equal(k.kmem.used, 0);
});

test('mappings: ENOMEM when the budget has no room for another VMA, before vm.max_map_count', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const { out, k } = run(['vmas']);
  const [, n, err] = /^vmas (\d+) (\w+)$/m.exec(out)!;
  assert.equal(err, 'ENOMEM');
  assert.ok(Number(n) < MAX_MAP_COUNT);
  assert.ok(Number(n) * KMEM.vma <= BUDGET && (Number(n) + 64) * KMEM.vma > BUDGET, `${n} mappings`);
  assert.equal(k.kmem.used, 0);
});

test('host memory stays bounded: 32 processes filling pipes under --mem 64M (before: 2.3 GB of host RSS)', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const dir = mkdtempSync(`${ROOT}dist/kmem-rss-`), wrapper = `${dir}/rss.mjs`;
  writeFileSync(wrapper, `process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'));\n`
    + `await import(${JSON.stringify(pathToFileURL(LDE).href)});\n`);
  const r = spawnSync(process.execPath, [wrapper, 'run', '--mem', '64M', hoard(), 'pipes', '32'], { cwd: ROOT, encoding: 'utf8', timeout: HANG_GUARD_MS });
  assert.equal(r.status, 0, r.stderr);
  const rssMiB = Number(/maxrss (\d+)/.exec(r.stderr)![1]) / 1024;
  // Node itself, 64 MiB of RAM and an 8 MiB budget: far below 400 MiB, and far below what 32 × 1020 pipes of 64 KiB would take.
  assert.ok(rssMiB < 400, `peak host RSS ${rssMiB.toFixed(0)} MiB`);
});
