// lde run --sandbox, --ro, --rw and --env, from the command line with a real
// guest (test/sandbox/probe.c, built with the glibc cross compiler): what the
// guest can see, write and learn about itself, and the escapes that must
// fail. Oracles: the host's own files (what a bind shows and where a write
// lands), Linux's errnos for the same operations across mounts (rename(2),
// link(2): EXDEV; a read-only mount: EROFS), and the documented promises in
// docs/sandbox.md (uid 65534, empty environment, nothing but the binds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT } from './helpers/cli.js';
import { RUN } from '../src/cli/commands.js';
import { parseOptions } from '../src/cli/options.js';
import { UsageError } from '../src/cli/args.js';

const canBuild = have('riscv64-linux-gnu-gcc');
const NO_CC = 'riscv64-linux-gnu-gcc not on PATH: the probe cannot be built';

/** A scratch tree: probe, data/ (bound read-only), out/ (bound writable), secret/ (never bound). */
function setup(): string {
  const dir = mkdtempSync(`${tmpdir()}/lde-sandbox-`);
  const r = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-Wall', '-static', '-o', `${dir}/probe`, `${ROOT}test/sandbox/probe.c`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const d of ['data', 'out', 'secret', 'w/d']) mkdirSync(`${dir}/${d}`, { recursive: true });
  writeFileSync(`${dir}/data/f.txt`, 'bound file\n');
  writeFileSync(`${dir}/secret/secret.txt`, 'SECRET\n');
  symlinkSync('/etc/passwd', `${dir}/data/abs`);
  symlinkSync('../'.repeat(12) + 'etc/passwd', `${dir}/data/rel`);
  symlinkSync('../secret', `${dir}/data/up`);
  symlinkSync(`${dir}/secret`, `${dir}/w/evil`);
  return dir;
}

let scratch: string | undefined;
function tree(): string { return (scratch ??= setup()); }
test.after(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); });

/** Runs the probe under lde with options, then its commands; the lines it printed. */
function probe(opts: string[], cmds: string[]): string[] {
  const r = lde(['run', ...opts, `${tree()}/probe`, ...cmds]);
  assert.equal(r.status, 0, `status ${r.status}: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n');
}

test('without --sandbox the guest sees the host read-only, its environment, and is root (the default, kept)', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0];
  const out = probe(['--env', 'LDE_SANDBOX_TEST=1'], ['read', '/etc/passwd', 'ids', 'write', `${ROOT}package.json`, 'y', 'env']);
  assert.equal(out[0], `read /etc/passwd: ${passwd}`);
  assert.equal(out[1], 'ids: uid=0 euid=0 gid=0 egid=0 res=0:0,0,0 resg=0:0,0,0');
  assert.equal(out[2], `write ${ROOT}package.json: EROFS`);
  assert.ok(out.includes('env: LDE_SANDBOX_TEST=1') && out.includes(`env: PATH=${process.env.PATH}`), out.join('\n'));
});

/**
 * One run of the probe under --sandbox with data/ bound read-only, shared by
 * the next two tests: what / holds and refuses, then the environment (which
 * prints nothing when empty), the ids and the owners.
 */
let sandboxed: string[] | undefined;
const sandboxedRun = () => (sandboxed ??= probe(['--sandbox', '--ro', `${tree()}/data:/data`], [
  'read', '/etc/passwd', 'ls', '/', 'write', '/x', 'y', 'mkdir', '/y', 'cwd',
  'env', 'ids', 'owner', '/data/f.txt', 'owner', '/tmp', 'write', '/tmp/t', 'x', 'owner', '/tmp/t']));

test('--sandbox: /etc/passwd is not there, / holds only /dev, /proc, /tmp and the binds, and / is read-only', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  assert.deepEqual(sandboxedRun().slice(0, 5), ['read /etc/passwd: ENOENT', 'ls /: data dev proc tmp', 'write /x: EROFS', 'mkdir /y: EROFS', 'cwd: /']);
});

test('--sandbox: the environment is empty but for --env, and the ids are 65534, also as every file\'s owner', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  assert.deepEqual(probe(['--sandbox', '--env', 'A=b', '--env', 'C=d=e', '--env', 'A=z'], ['env']), ['env: A=z', 'env: C=d=e']);
  // The shared run's env printed no line: after cwd come the ids.
  assert.deepEqual(sandboxedRun().slice(5), ['ids: uid=65534 euid=65534 gid=65534 egid=65534 res=0:65534,65534,65534 resg=0:65534,65534,65534',
    'owner /data/f.txt: 65534 65534', 'owner /tmp: 65534 65534', 'write /tmp/t: ok', 'owner /tmp/t: 65534 65534']);
});

test('--ro HOST:GUEST shows the host directory at GUEST, read-only; a plain --ro DIR at its own path', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const data = `${tree()}/data`;
  const out = probe(['--sandbox', '--ro', `${data}:/srv/data`, '--ro', data],
    ['ls', '/srv/data', 'read', '/srv/data/f.txt', 'read', `${data}/f.txt`, 'write', '/srv/data/f.txt', 'no', 'ls', '/srv']);
  assert.deepEqual(out, [`ls /srv/data: ${readdirSync(data).sort().join(' ')}`, 'read /srv/data/f.txt: bound file',
    `read ${data}/f.txt: bound file`, 'write /srv/data/f.txt: EROFS', 'ls /srv: data']);
  assert.equal(readFileSync(`${data}/f.txt`, 'utf8'), 'bound file\n');
});

test('--ro binds the riscv64 glibc directory where a program looks for it (docs/sandbox.md example)', (t) => {
  const lib = '/usr/riscv64-linux-gnu/lib';
  if (!canBuild || !existsSync(`${lib}/libc.so.6`)) { t.skip(`${lib} or the cross compiler is missing`); return; }
  const out = probe(['--sandbox', '--ro', `${lib}:/lib`], ['read', '/lib/ld-linux-riscv64-lp64d.so.1', 'owner', '/lib/libc.so.6']);
  assert.match(out[0], /^read \/lib\/ld-linux-riscv64-lp64d\.so\.1: \.ELF/);
  assert.equal(out[1], 'owner /lib/libc.so.6: 65534 65534');
});

test('--rw HOST:GUEST: writes land in the host directory and nowhere else; /tmp stays in memory', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const out = `${tree()}/out`;
  const lines = probe(['--sandbox', '--rw', `${out}:/out`], ['write', '/out/w.txt', 'written', 'mkdir', '/out/sub', 'write', '/out/sub/s', 'deep',
    'write', '/tmp/t.txt', 'in memory', 'read', '/out/w.txt']);
  assert.deepEqual(lines, ['write /out/w.txt: ok', 'mkdir /out/sub: ok', 'write /out/sub/s: ok', 'write /tmp/t.txt: ok', 'read /out/w.txt: written']);
  assert.equal(readFileSync(`${out}/w.txt`, 'utf8'), 'written');
  assert.equal(readFileSync(`${out}/sub/s`, 'utf8'), 'deep');
  assert.equal(existsSync('/tmp/t.txt') && readFileSync('/tmp/t.txt', 'utf8') === 'in memory', false);
  assert.equal(existsSync('/out'), false);
});

test('a later bind covers what an earlier one showed under its path, as a later mount does', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const out = probe(['--sandbox', '--ro', `${tree()}/data:/m/inner`, '--ro', `${tree()}/out:/m`], ['read', '/m/inner/f.txt']);
  assert.deepEqual(out, ['read /m/inner/f.txt: ENOENT']);
  const kept = probe(['--sandbox', '--ro', `${tree()}/out:/m`, '--ro', `${tree()}/data:/m/inner`], ['read', '/m/inner/f.txt']);
  assert.deepEqual(kept, ['read /m/inner/f.txt: bound file']);
});

test('escapes through symlinks, "..", /proc/self/root and links across binds all fail', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const out = probe(['--sandbox', '--ro', `${tree()}/data:/data`, '--rw', `${tree()}/out:/out`], [
    'read', '/data/abs', 'read', '/data/rel', 'read', '/data/up/secret.txt', 'read', '/data/../secret/secret.txt',
    'read', '/proc/self/root/etc/passwd', 'read', '/proc/1/root/etc/passwd', 'cd', '/data', 'read', '../../../../etc/passwd',
    'link', '/data/f.txt', '/out/l', 'rename', '/data/f.txt', '/out/r', 'symlink', '/etc/passwd', '/out/s',
    'write', '/out/o', 'x', 'rename', '/out/o', '/tmp/o', 'link', '/out/o', '/tmp/l']);
  assert.deepEqual(out, ['read /data/abs: ENOENT', 'read /data/rel: ENOENT', 'read /data/up/secret.txt: ENOENT',
    'read /data/../secret/secret.txt: ENOENT', 'read /proc/self/root/etc/passwd: ENOENT', 'read /proc/1/root/etc/passwd: ENOENT',
    'cd /data: ok', 'read ../../../../etc/passwd: ENOENT', 'link /data/f.txt: EXDEV', 'rename /data/f.txt: EXDEV', 'symlink /out/s: EPERM',
    'write /out/o: ok', 'rename /out/o: EXDEV', 'link /out/o: EXDEV']);
  assert.deepEqual(readdirSync(`${tree()}/out`).filter((n) => ['l', 'r', 's'].includes(n)), []);
});

/**
 * The guest holds a directory (a dirfd and its cwd), renames it away, and
 * renames a symlink that points outside into its place: the host would
 * follow that symlink under the held path. Before binds were confined
 * (confine.ts), writeat created secret/planted on the host.
 */
function renameSwap(opts: string[], w: string): string[] {
  rmSync(`${tree()}/w/d2`, { recursive: true, force: true });
  if (!existsSync(`${tree()}/w/evil`)) symlinkSync(`${tree()}/secret`, `${tree()}/w/evil`);
  rmSync(`${tree()}/w/d`, { recursive: true, force: true }); // the symlink a previous run renamed there, not its target
  mkdirSync(`${tree()}/w/d`, { recursive: true });
  return probe(opts, ['dir', `${w}/d`, 'cd', `${w}/d`, 'rename', `${w}/d`, `${w}/d2`, 'rename', `${w}/evil`, `${w}/d`,
    'readat', 'secret.txt', 'writeat', 'planted', 'x', 'read', 'secret.txt', 'write', 'planted2', 'y',
    'read', '/proc/self/fd/3/secret.txt', 'read', '/proc/self/cwd/secret.txt']);
}

test('a held directory swapped for a symlink by rename does not lead out of a --rw bind (sandbox and default)', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  for (const [opts, w] of [[['--sandbox', '--rw', `${tree()}/w:/w`], '/w'], [['--rw', `${tree()}/w`], `${tree()}/w`]] as const) {
    const out = renameSwap([...opts], w);
    assert.deepEqual(out.slice(0, 4), [`dir ${w}/d: ok`, `cd ${w}/d: ok`, `rename ${w}/d: ok`, `rename ${w}/evil: ok`]);
    // The dirfd follows its directory to d2, as on Linux, so writeat creates d2/planted, inside the bind; nothing else gets through.
    assert.equal(out[5], 'writeat planted: ok');
    assert.deepEqual(readdirSync(`${tree()}/w/d2`), ['planted']);
    for (const line of [out[4], ...out.slice(6)]) assert.match(line, /: (ENOENT|ENOTDIR)$/, `${opts.join(' ')}: ${out.join('\n')}`);
    assert.deepEqual(readdirSync(`${tree()}/secret`), ['secret.txt']);
  }
});

test('a held file swapped for a symlink by rename (through another bind of its directory) is not followed when reopened', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const w = mkdtempSync(`${tree()}/hold-`);
  writeFileSync(`${w}/f`, 'mine\n');
  symlinkSync(`${tree()}/secret/secret.txt`, `${w}/evil`);
  // The same directory read-only at /r (a file there is read whole, following nothing) and writable at /w.
  const out = probe(['--sandbox', '--rw', `${w}:/w`, '--ro', `${w}:/r`], ['read', '/w/evil', 'hold', '/r/f', 'read', '/proc/self/fd/3',
    'rename', '/w/f', '/w/f2', 'rename', '/w/evil', '/w/f', 'read', '/proc/self/fd/3']);
  assert.deepEqual(out.slice(0, 5), ['read /w/evil: ENOENT', 'hold /r/f: ok', 'read /proc/self/fd/3: mine', 'rename /w/f: ok', 'rename /w/evil: ok']);
  assert.notEqual(out[5], 'read /proc/self/fd/3: SECRET');
  assert.match(out[5], /: (ENOENT|ELOOP)$/);
});

test('/proc/self/exe of a program that unlinked itself does not read the host file at its guest path', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  const secret = `${tree()}/secret`, w = mkdtempSync(`${tree()}/exe-`);
  // The guest sees w at the host path of secret/: it copies itself to secret.txt there, runs it, and unlinks it.
  const out = probe(['--sandbox', '--rw', `${w}:${secret}`], ['copy', '/proc/self/exe', `${secret}/secret.txt`,
    'exec', `${secret}/secret.txt`, 'unlink', `${secret}/secret.txt`, 'read', '/proc/self/exe']);
  assert.deepEqual(out, ['copy /proc/self/exe: ok', `unlink ${secret}/secret.txt: ok`, 'read /proc/self/exe: ENOENT']);
});

test('--sandbox: the working directory is the host cwd\'s place in a bind, else /', (t) => {
  if (!canBuild) { t.skip(NO_CC); return; }
  // lde() runs from the repository root.
  assert.deepEqual(probe(['--sandbox', '--ro', `${ROOT}test:/src/test`, '--ro', `${ROOT}:/src`], ['cwd']), ['cwd: /src']);
  assert.deepEqual(probe(['--sandbox', '--ro', `${ROOT}test:/t`], ['cwd']), ['cwd: /']);
});

test('a bundled program runs under --sandbox and finds itself (exec re-runs /proc/self/exe)', () => {
  // It prints what qemu-riscv64 printed (user/expected), as it does without --sandbox.
  const [status, ...out] = readFileSync(`${ROOT}user/expected/exec.txt`, 'utf8').split('\n');
  const boxed = lde(['run', '--sandbox', 'exec']);
  assert.equal(`status ${boxed.status}`, status, boxed.stderr);
  assert.equal(boxed.stdout, out.join('\n'));
});

test('bad --ro, --rw and --env values: one line naming the option, status 2', () => {
  const hello = ['hello'];
  const cases: [string[], RegExp][] = [
    [['--ro', '/no/such/dir'], /^lde: --ro: \/no\/such\/dir is not a directory$/],
    [['--rw', '/no/such/dir:/x'], /^lde: --rw: \/no\/such\/dir is not a directory$/],
    [['--ro', '/usr:'], /^lde: --ro: '\/usr:' has an empty GUEST path/],
    [['--ro', ':/x'], /^lde: --ro: ':\/x' has an empty HOST path/],
    [['--ro', '/usr:lib'], /^lde: --ro: GUEST path 'lib' is not absolute/],
    [['--rw', '/usr:/proc/x'], /^lde: --rw: \/proc\/x is under \/proc, which the kernel provides$/],
    [['--env', 'NOEQUALS'], /^lde: --env: 'NOEQUALS' is not NAME=VALUE/],
    [['--env', '=v'], /^lde: --env: '=v' is not NAME=VALUE/],
  ];
  // Each value through the parser lde run uses (what lde prints is 'lde: ' and its message) ...
  const message = (opts: string[]) => {
    try { parseOptions(RUN, ['--sandbox', ...opts, ...hello]); } catch (e) { if (e instanceof UsageError) return `lde: ${e.message}`; throw e; }
    assert.fail(`${opts.join(' ')} was accepted`);
  };
  for (const [opts, want] of cases) assert.match(message(opts), want, opts.join(' '));
  // ... and one of each option through the command line: that message as its one line on stderr, status 2.
  for (const [opts] of [cases[0], cases[1], cases[6]]) {
    const r = lde(['run', '--sandbox', ...opts, ...hello]);
    assert.equal(r.status, 2, `${opts.join(' ')}: status ${r.status}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${message(opts)}\n`);
  }
});
