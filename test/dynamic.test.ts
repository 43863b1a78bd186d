// Dynamically linked programs (issue 11): the test/linux corpus linked
// against glibc's shared libraries, run under `lde run --sysroot` with
// Debian's riscv64 cross libc (/usr/riscv64-linux-gnu), against the same
// binaries under `qemu-riscv64 -L` with the same sysroot: the oracle. The
// kernel maps the program and its interpreter (ld.so), ld.so maps libc and
// libm with mmap and mprotect, and the program runs as if static.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { have, HANG_GUARD_MS, LDE, ROOT } from './helpers/cli.js';
import { GUEST_ENV, LINUX_PROGRAMS } from './linux/programs.js';

const SYSROOT = '/usr/riscv64-linux-gnu';
/**
 * qemu-riscv64 -L answers /proc/self/exe with the path of its own prefix
 * lookup, not the program's (so `files` and `vfs` differ there, and lde is
 * the one that matches Linux); the corpus's other programs compare whole.
 */
const SAME_AS_QEMU = ['args', 'fork', 'signal', 'stdio', 'time'];

test('dynamically linked glibc programs run with --sysroot as under qemu-riscv64 -L', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'make', 'qemu-riscv64') || !existsSync(`${SYSROOT}/lib/libc.so.6`)) {
    return t.skip('riscv64-linux-gnu-gcc, libc6-riscv64-cross (for /usr/riscv64-linux-gnu) or qemu-riscv64 not installed');
  }
  const out = mkdtempSync(tmpdir() + '/lde-dynamic-');
  try {
    const mk = spawnSync('make', ['-s', '-C', `${ROOT}test/linux`, `OUT=${out}`, 'LDFLAGS=-Wl,--build-id=none', ...SAME_AS_QEMU.map((n) => `${out}/${n}`)], { encoding: 'utf8' });
    assert.equal(mk.status, 0, mk.stderr);
    for (const prog of LINUX_PROGRAMS.filter((p) => SAME_AS_QEMU.includes(p.name))) {
      await t.test(prog.name, () => {
        const bin = `${out}/${prog.name}`, opts = { encoding: 'utf8' as const, input: prog.stdin, env: { ...GUEST_ENV }, timeout: HANG_GUARD_MS, cwd: out };
        const want = spawnSync('qemu-riscv64', ['-L', SYSROOT, bin, ...prog.args], opts);
        const got = spawnSync(process.execPath, [LDE, 'run', '--sysroot', SYSROOT, '--max-time', '60', bin, ...prog.args], opts);
        assert.equal(got.stdout, want.stdout, got.stderr);
        // qemu-riscv64 dies of the guest's fatal signal itself; lde reports it as a shell would: 128 + N.
        assert.equal(got.status, want.status ?? 128 + constants.signals[want.signal!], got.stderr);
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('--sysroot that is not a directory: one line, status 2', () => {
  const bad = spawnSync(process.execPath, [LDE, 'run', '--sysroot', '/no/such/dir', 'hello'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'lde: --sysroot /no/such/dir: not a directory\n');
});
