// `lde run` against oracles: the user/ programs and the glibc corpus of
// test/linux must print exactly what they print under qemu-riscv64 (their
// expected files were recorded there), with the same exit status.
// Programs that need kernel features not yet written are skipped by name,
// with the reason, so the list of what is missing stays visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { lde, have, HANG_GUARD_MS, LDE, ROOT } from './helpers/cli.js';
import { LINUX_PROGRAMS, GUEST_ENV, builtCorpus, readExpected } from './linux/programs.js';

/** Kernel work still to do (issue 3), by program. */
const PENDING: Record<string, string> = {
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
  const out = builtCorpus();
  for (const prog of LINUX_PROGRAMS) {
    await t.test(prog.name, (st) => {
      if (PENDING[`linux/${prog.name}`]) return st.skip(`pending: ${PENDING[`linux/${prog.name}`]}`);
      const r = spawnSync(process.execPath, [LDE, 'run', '--max-time', '60', `${out}/${prog.name}`, ...prog.args],
        { cwd: ROOT, encoding: 'utf8', input: prog.stdin, env: { ...GUEST_ENV }, timeout: HANG_GUARD_MS });
      const want = readExpected(prog.name);
      assert.equal(r.stdout, want.stdout, r.stderr);
      assert.equal(r.status, want.status, r.stderr);
    });
  }
});

/** The bundled hello program cut off in its program headers. */
function truncated(): string {
  const p = mkdtempSync(tmpdir() + '/lde-trunc-') + '/hello';
  writeFileSync(p, readFileSync(`${ROOT}user/bin/hello`).subarray(0, 100));
  return p;
}

const bad: [string, string[], number, RegExp][] = [
  ['a missing program', ['run', '/no/such/program'], 127, /no such file/],
  ['a directory', ['run', 'test'], 126, /is a directory/],
  ['an x86-64 ELF', ['run', 'test/elf/x86_64.elf'], 126, /x86-64, expected RISC-V/],
  ['a dynamically linked ELF with no interpreter in sight', ['run', '--sysroot', 'test', 'test/elf/rv64-dynamic.elf'], 126, /its interpreter \/lib\/ld-linux-riscv64-lp64d\.so\.1: no such file/],
  ['a 32-bit ELF', ['run', 'test/elf/rv32.elf'], 126, /32-bit/],
  ['a truncated ELF', ['run', truncated()], 126, /truncated/],
  ['a text file', ['run', 'README.md'], 126, /not an ELF/],
  ['a tick rate below 10', ['run', '--hz', '7', 'hello'], 2, /--hz: 7 is out of range \(10 to 10000\)/],
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
  const r = lde(['run', '--max-time', '0.1', 'test/elf/rv64-static-pie.elf']);
  assert.equal(r.status, 124);
  assert.match(r.stderr, /^lde: no progress: stopped at 0\.1\d+ s of virtual time \(--max-time\); pid 1 \(rv64-static-pie\.elf\) had held the CPU since 0\.\d+ s\n$/);
});

test('--no-timer: the kernel never programs the timer, so a spinner keeps the CPU until --max-time, and the line says so', () => {
  const r = lde(['run', '--no-timer', '--max-time', '0.05', '--stats=json', 'hogs']);
  assert.equal(r.status, 124);
  const line = r.stderr.split('\n')[0];
  assert.match(line, /^lde: no progress: stopped at 0\.05\d* s of virtual time \(--max-time\); pid (\d+) \(hogs\) had held the CPU since 0\.\d+ s with [1-9] other process(es)? waiting to run: there is no timer interrupt to take it back$/);
  const stats = JSON.parse(r.stderr.slice(r.stderr.indexOf('\n') + 1));
  assert.equal(stats.ticks.total, 0);
  assert.equal(stats.interrupts.length, 0);
});

test('--max-time takes fractions of a second and refuses absurd values in one line', () => {
  for (const bad of ['0', '-1', 'abc', '1e9', '0.0001']) {
    const r = lde(['run', '--max-time', bad, 'hello']);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /^lde: --max-time: .* is not a number of seconds from 0\.001 to 1000000\n/);
  }
});

test('unknown system calls return ENOSYS instead of stopping the program', () => {
  // The bundled libc program probes its environment; a run must finish either way.
  const r = lde(['run', 'hello', 'x']);
  assert.equal(r.status, 0, r.stderr);
});

/** The --rw test's guest: argv[1] is the --rw directory, argv[2] a host file under the host's /tmp, argv[3] a host directory outside both. */
const RW_PROGRAM = String.raw`
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
static char p[4096];
static const char *at(const char *dir, const char *name) { snprintf(p, sizeof p, "%s/%s", dir, name); return p; }
#define TRY(what, call) do { errno = 0; long r_ = (long)(call); printf("%s: %s\n", what, r_ >= 0 ? "ok" : strerror(errno)); } while (0)
int main(int argc, char **argv) {
  const char *rw = argv[1], *hidden = argv[2], *ro = argv[3];
  int fd;
  TRY("create in the --rw directory", fd = open(at(rw, "new.txt"), O_CREAT | O_WRONLY | O_EXCL, 0644));
  TRY("write", write(fd, "written by the guest\n", 21));
  close(fd);
  fd = open(at(rw, "new.txt"), O_WRONLY | O_APPEND);
  TRY("append", write(fd, "and appended\n", 13));
  close(fd);
  TRY("mkdir", mkdir(at(rw, "sub"), 0755));
  close(open(at(rw, "sub/inner.txt"), O_CREAT | O_WRONLY, 0644));
  char from[4096];
  strcpy(from, at(rw, "sub/inner.txt"));
  TRY("rename", rename(from, at(rw, "moved.txt")));
  fd = open(at(rw, "trunc.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644);
  write(fd, "0123456789", 10);
  TRY("ftruncate", ftruncate(fd, 4));
  close(fd);
  close(open(at(rw, "gone.txt"), O_CREAT | O_WRONLY, 0644));
  TRY("unlink", unlink(at(rw, "gone.txt")));
  TRY("mkdir another", mkdir(at(rw, "empty"), 0755));
  TRY("rmdir it", rmdir(at(rw, "empty")));
  struct stat st;
  TRY("stat the new file", stat(at(rw, "new.txt"), &st));
  printf("size %lld\n", (long long)st.st_size);
  TRY("create outside", open(at(ro, "lde-rw-denied"), O_CREAT | O_WRONLY, 0644));
  TRY("mkdir outside", mkdir(at(ro, "lde-rw-denied"), 0755));
  TRY("open a host file for writing", open(at(ro, "package.json"), O_WRONLY));
  TRY("unlink a host file", unlink(at(ro, "package.json")));
  TRY("access W_OK outside", access(at(ro, "package.json"), W_OK));
  strcpy(from, at(rw, "moved.txt"));
  TRY("rename out of the --rw directory", rename(from, at(ro, "lde-rw-denied")));
  TRY("stat a host file under the host's /tmp", stat(hidden, &st));
  TRY("create in the in-memory /tmp", open("/tmp/lde-rw-guest", O_CREAT | O_WRONLY, 0644));
  return 0;
}
`;

test('--rw DIR: a guest program writes under DIR on the host, gets EROFS elsewhere, and never sees the host /tmp', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not installed: the --rw test program is not built');
  const work = mkdtempSync(tmpdir() + '/lde-rw-build-');
  const dir = mkdtempSync(tmpdir() + '/lde-rw-dir-');
  try {
    writeFileSync(`${work}/rw.c`, RW_PROGRAM);
    writeFileSync(`${work}/hidden.txt`, 'the host /tmp');
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${work}/rw`, `${work}/rw.c`], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const r = lde(['run', '--rw', dir, `${work}/rw`, dir, `${work}/hidden.txt`, ROOT.replace(/\/$/, '')]);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, [
      'create in the --rw directory: ok', 'write: ok', 'append: ok', 'mkdir: ok', 'rename: ok', 'ftruncate: ok',
      'unlink: ok', 'mkdir another: ok', 'rmdir it: ok', 'stat the new file: ok', 'size 34',
      'create outside: Read-only file system', 'mkdir outside: Read-only file system',
      'open a host file for writing: Read-only file system', 'unlink a host file: Read-only file system',
      'access W_OK outside: Read-only file system', 'rename out of the --rw directory: Invalid cross-device link',
      'stat a host file under the host\'s /tmp: No such file or directory', 'create in the in-memory /tmp: ok', '',
    ].join('\n'));
    assert.equal(r.status, 0);
    assert.equal(readFileSync(`${dir}/new.txt`, 'utf8'), 'written by the guest\nand appended\n');
    assert.equal(readFileSync(`${dir}/trunc.txt`, 'utf8'), '0123');
    assert.deepEqual(readdirSync(dir).sort(), ['moved.txt', 'new.txt', 'sub', 'trunc.txt']);
    assert.deepEqual(readdirSync(`${dir}/sub`), []);
    assert.ok(!existsSync(`${ROOT}lde-rw-denied`), 'a file appeared outside the --rw directory');
    assert.ok(!existsSync(`${tmpdir()}/lde-rw-guest`), 'the guest wrote to the host /tmp');
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
