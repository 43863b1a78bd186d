// Bad user pointers (issue 8, bugs 2 and 3), differential: two guest
// programs, test/sys/efault.c and test/sys/clone-settid.c, run under lde and
// must print what they print on Linux, recorded in test/sys/*.expected from
// a native build on Linux 6.18 and re-checked against the host kernel here
// whenever it is Linux with a C compiler.
//
// Why not qemu-riscv64 for efault.c: qemu-user locks the guest buffer before
// it makes the host call, so it answers EFAULT before EBADF, accepts a
// partly bad iovec array (a short read), and its getdents64 consumes
// entries before it finds the buffer bad. clone-settid.c is also checked
// against qemu-riscv64, which agrees with Linux there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT } from './helpers/cli.js';

const DIR = `${ROOT}test/sys/`;
const PROGRAMS = ['efault', 'clone-settid'];
const canBuild = have('riscv64-linux-gnu-gcc');
const nativeLinux = process.platform === 'linux' && have('cc');

function build(cc: string, src: string, out: string, flags: string[]): void {
  const r = spawnSync(cc, ['-O1', '-Wall', ...flags, '-o', out, src], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cc} ${src} failed:\n${r.stderr}`);
}

/** stdout of a program run with stdin at EOF, and its exit status. */
function run(cmd: string, args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(cmd, args, { input: '', encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout };
}

for (const name of PROGRAMS) {
  const expected = () => readFileSync(`${DIR}${name}.expected`, 'utf8');

  test(`${name}.c under lde prints what it prints on Linux (${name}.expected)`, (t) => {
    if (!canBuild) { t.skip('riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built'); return; }
    const tmp = mkdtempSync(`${tmpdir()}/lde-sys-`);
    try {
      build('riscv64-linux-gnu-gcc', `${DIR}${name}.c`, `${tmp}/${name}`, ['-static']);
      const r = lde(['run', `${tmp}/${name}`]);
      assert.equal(r.status, 0, `lde run ${name}: status ${r.status}\n${r.stderr}`);
      assert.equal(r.stdout, expected());
      if (name === 'clone-settid' && have('qemu-riscv64')) {
        const q = run('qemu-riscv64', [`${tmp}/${name}`]);
        assert.equal(q.stdout, expected(), 'qemu-riscv64 disagrees with the recorded Linux output');
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test(`${name}.expected is what the host's Linux kernel prints`, (t) => {
    if (!nativeLinux) { t.skip('not on Linux with cc: the recorded output is not re-checked'); return; }
    const tmp = mkdtempSync(`${tmpdir()}/lde-sys-`);
    try {
      build('cc', `${DIR}${name}.c`, `${tmp}/${name}`, []);
      const r = run(`${tmp}/${name}`, []);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, expected());
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
