// `lde run` against oracles: the user/ programs and the glibc corpus of
// test/linux must print exactly what they print under qemu-riscv64 (their
// expected files were recorded there), with the same exit status.
// Programs that need kernel features not yet written are skipped by name,
// with the reason, so the list of what is missing stays visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { lde, have, LDE, ROOT } from './helpers/cli.js';
import { LINUX_PROGRAMS, GUEST_ENV, readExpected } from './linux/programs.js';

/** Kernel work still to do (issue 3), by program. */
const PENDING: Record<string, string> = {
  'linux/mmap': 'needs the writable in-memory /tmp for its file mappings',
  'linux/mmapshared': 'needs MAP_SHARED mappings of tmpfs files',
  'linux/files': 'needs the writable in-memory /tmp',
};

const USER_EXPECTED = `${ROOT}user/expected`;
for (const name of readdirSync(USER_EXPECTED).map((f) => f.replace(/\.txt$/, '')).sort()) {
  test(`lde run ${name} (bundled) matches qemu-riscv64`, (t) => {
    if (PENDING[`user/${name}`]) return t.skip(`pending: ${PENDING[`user/${name}`]}`);
    const r = lde(['run', '--max-time', '60', name]);
    assert.equal(`status ${r.status}\n${r.stdout}`, readFileSync(`${USER_EXPECTED}/${name}.txt`, 'utf8'), r.stderr);
    if (r.status > 128) assert.match(r.stderr, /^lde: pid 1 killed by SIG[A-Z]+ at 0x[0-9a-f]+ \(pc 0x[0-9a-f]+\)\n$/);
    else assert.equal(r.stderr, '');
  });
}

test('glibc programs built by the cross compiler match qemu-riscv64', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'make')) return t.skip('riscv64-linux-gnu-gcc not installed: the glibc corpus is not built');
  const out = mkdtempSync(tmpdir() + '/lde-linux-');
  const mk = spawnSync('make', ['-s', '-C', `${ROOT}test/linux`, `OUT=${out}`], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  for (const prog of LINUX_PROGRAMS) {
    await t.test(prog.name, (st) => {
      if (PENDING[`linux/${prog.name}`]) return st.skip(`pending: ${PENDING[`linux/${prog.name}`]}`);
      const r = spawnSync(process.execPath, [LDE, 'run', '--max-time', '60', `${out}/${prog.name}`, ...prog.args],
        { cwd: ROOT, encoding: 'utf8', input: prog.stdin, env: { ...GUEST_ENV }, timeout: 120_000 });
      const want = readExpected(prog.name);
      assert.equal(r.stdout, want.stdout, r.stderr);
      assert.equal(r.status, want.status, r.stderr);
    });
  }
});

const bad: [string, string[], number, RegExp][] = [
  ['a missing program', ['run', '/no/such/program'], 127, /no such file/],
  ['a directory', ['run', 'test'], 126, /is a directory/],
  ['an x86-64 ELF', ['run', 'test/elf/x86_64.elf'], 126, /x86-64, expected RISC-V/],
  ['a dynamically linked ELF', ['run', 'test/elf/rv64-dynamic.elf'], 126, /dynamically linked \(asks for \/lib\/ld-linux-riscv64-lp64d\.so\.1\)/],
  ['a 32-bit ELF', ['run', 'test/elf/rv32.elf'], 126, /32-bit/],
  ['an unsupported tick rate', ['run', '--hz', '7', 'hello'], 2, /--hz: 7 is not a supported tick rate/],
  ['an absurd memory size', ['run', '--mem', '100G', 'hello'], 2, /--mem: 100G is out of range/],
  ['no program', ['run'], 2, /missing PROGRAM/],
];
for (const [what, args, status, msg] of bad) {
  test(`lde run with ${what}: one line, status ${status}`, () => {
    const r = lde(args);
    assert.equal(r.status, status, r.stderr);
    assert.match(r.stderr.split('\n')[0], /^lde: /);
    assert.match(r.stderr, msg);
    if (status !== 2) assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });
}

test('--max-time ends a program that never finishes, naming who held the CPU', () => {
  const r = lde(['run', '--max-time', '1', 'test/elf/rv64-static-pie.elf']);
  assert.equal(r.status, 124);
  assert.match(r.stderr, /^lde: no progress: stopped at 1\.\d+ s of virtual time with pid 1 on the CPU\n$/);
});

test('unknown system calls return ENOSYS instead of stopping the program', () => {
  // The bundled libc program probes its environment; a run must finish either way.
  const r = lde(['run', 'hello', 'x']);
  assert.equal(r.status, 0, r.stderr);
});
