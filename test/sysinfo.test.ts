// System information that tools read (issue 11): statfs and fstatfs (the
// host's answer for / and /proc compared with qemu-riscv64; tmpfs's from
// its budget), /proc/mounts, mountinfo, cpuinfo, meminfo, uptime and
// loadavg (computed expectations and determinism), the id calls and
// fchown/fchownat (chown(2) semantics for root and --sandbox's nobody),
// --strace naming every call of the table, --epoch, and what /tmp is when
// the cwd is the host's /tmp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { have, LDE, ROOT } from './helpers/cli.js';
import { SYSNO } from '../src/kernel/abi/sysno.js';
import { callName } from '../src/kernel/abi/call.js';
import { SYSCALLS } from '../src/kernel/sys/table.js';
import { formatCall } from '../src/kernel/sys/strace.js';
import { VIRTUAL_EPOCH_S } from '../src/kernel/sys/proc.js';
import { RUN } from '../src/cli/commands.js';
import { parseOptions } from '../src/cli/options.js';
import { UsageError } from '../src/cli/args.js';
import type { Process } from '../src/kernel/sched/proc.js';

const SKIP = 'riscv64-linux-gnu-gcc not on PATH: the guest program cannot be built';
let built: { dir: string; exe: string } | undefined;

/** test/sysinfo/sysinfo.c, built once, in a directory directly under the host's /tmp (the cwd test needs that). */
function program(): string {
  if (built) return built.exe;
  const dir = mkdtempSync('/tmp/lde-sysinfo-');
  const exe = `${dir}/sysinfo`;
  const b = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-static', '-o', exe, `${ROOT}test/sysinfo/sysinfo.c`], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  built = { dir, exe };
  return exe;
}
process.on('exit', () => { if (built) rmSync(built.dir, { recursive: true, force: true }); });

function run(args: string[], cwd = ROOT): string {
  const r = spawnSync(process.execPath, [LDE, 'run', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('statfs and fstatfs: / and /proc report what the host reports under qemu-riscv64; errors as Linux', (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64')) return t.skip(`${SKIP}, or qemu-riscv64 missing`);
  const exe = program();
  const q = spawnSync('qemu-riscv64', [exe, 'statfs'], { encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  assert.equal(run([exe, 'statfs']), q.stdout);
});

test('statfs of /tmp: TMPFS_MAGIC, half of --mem in 4 KiB blocks, a 16 KiB file takes 4 blocks and its inode one', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const blocks = (64 << 20) / 2 / 4096;
  // Run from /: a cwd below the host's /tmp (a checkout there) would take a tmpfs inode for its bind.
  assert.equal(run(['--mem', '64M', program(), 'tmp'], '/'),
    `tmp type=0x1021994 bsize=4096 blocks=${blocks} bfree=${blocks}\ntmp after 16K: bfree=${blocks - 5}\n`);
});

test('ids and owners: root may give a tmpfs file away (set-user-ID cleared), nobody may not; EROFS before EPERM', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const common = (id: number, chown: string, owner: string) => [
    `uid ${id} ${id} ${id}`, 'getgroups: 0', 'setuid same: 0', `setuid 1234: ${id === 0 ? '0 errno=0' : '-1 errno=1'}`, 'setresgid -1: 0', chown, owner,
    'chown -1 -1 of 6745: 2745', // as the host kernel does: set-user-ID goes, set-group-ID without group execute stays
    'fchownat /proc/self/stat: -1 errno=30', 'fchownat bad flags: -1 errno=22', 'fchownat same: 0'].join('\n') + '\n';
  assert.equal(run([program(), 'ids']), common(0, 'fchown to 1000: 0 errno=0', 'owner 1000:1000 mode 755'));
  assert.equal(run(['--sandbox', program(), 'ids']), common(65534, 'fchown to 1000: -1 errno=1', 'owner 65534:65534 mode 4755'));
});

test('/proc: mounts and mountinfo list the mount table; cpuinfo, meminfo from --mem and --swap; uptime and loadavg repeat', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const files = ['/proc/mounts', '/proc/self/mountinfo', '/proc/cpuinfo', '/proc/meminfo', '/proc/uptime', '/proc/loadavg'];
  const args = ['--mem', '64M', '--swap', '8M', '--sandbox', program(), 'dump', ...files];
  const out = run(args);
  assert.equal(run(args), out, 'the same run gives the same text');
  const mounts = out.split('== /proc/self/mountinfo')[0];
  assert.match(mounts, /^tmpfs \/tmp tmpfs rw,nosuid,nodev,relatime,size=32768k,mode=1777 0 0$/m);
  assert.match(mounts, /^proc \/proc proc ro,nosuid,nodev,noexec,relatime 0 0$/m);
  assert.match(mounts, /^devtmpfs \/dev devtmpfs /m);
  assert.match(out, /^22 21 0:33 \/ \/tmp rw,nosuid,nodev,relatime - tmpfs tmpfs rw,size=32768k,mode=1777$/m);
  assert.match(out, /^24 23 0:34 \/ \/dev\/shm /m, '/dev/shm lies in /dev (its parent is mount 23)');
  assert.match(out, /^processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicntr_zicsr_zifencei_sstc\nmmu\t\t: sv39\n/m);
  assert.match(out, /^MemTotal: +65536 kB$/m);
  assert.match(out, /^SwapTotal: +8192 kB$/m);
  assert.match(out, /^SwapFree: +8192 kB$/m);
  const free = Number(/^MemFree: +(\d+) kB$/m.exec(out)?.[1]);
  assert.ok(free > 60000 && free < 65536, `MemFree ${free} kB`);
  assert.match(out, /== \/proc\/uptime\n0\.0\d 0\.0\d\n/, 'a program that just started: a few ms of virtual time');
  assert.match(out, /== \/proc\/loadavg\n0\.00 0\.00 0\.00 1\/1 1\n/, 'no 5 s sample yet; one runnable task of one');
});

test('/proc/uptime is virtual time and idle time; /proc/loadavg decays as Linux\'s after two 5 s samples', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const out = run([program(), 'load', '/proc/uptime', '/proc/loadavg']);
  // 11 s asleep: uptime 11 s, nearly all idle. Two samples (at 5.004 and 10.008 s) of one runnable task (the reader)
  // give 1 - e^(-10/60) = 0.15, 1 - e^(-10/300) = 0.03, 1 - e^(-10/900) = 0.01.
  assert.match(out, /^== \/proc\/uptime\n11\.0\d 1[01]\.\d\d\n== \/proc\/loadavg\n0\.15 0\.03 0\.01 1\/1 1\n$/);
  assert.equal(run([program(), 'load', '/proc/uptime', '/proc/loadavg']), out, 'the same run gives the same figures');
});

test('--strace names every call of the table: each formats as name(...), none as syscall_0x', () => {
  const p = { state: 'zombie', pid: 1, reg: () => 0 } as unknown as Process; // decoders read no memory of a zombie
  assert.equal(SYSCALLS.length, Object.keys(SYSNO).length);
  for (const [name, nr] of Object.entries(SYSNO)) {
    assert.equal(callName(nr), name);
    const line = formatCall(p, callName(nr), [1, 2, 3, 4, 5, 6], [], -38, false);
    assert.ok(line.startsWith(`${name}(`) && line.endsWith(' = -1 ENOSYS (Function not implemented)'), line);
  }
  assert.equal(callName(SYSNO.fchown), 'fchown');
});

test('--epoch: now, or seconds since 1970 (0 to 9999-12-31); anything else is one line naming the option', () => {
  const parse = (...a: string[]) => parseOptions(RUN, [...a, 'prog']).options.numberOrWord('--epoch');
  assert.equal(parse(), undefined);
  assert.equal(parse('--epoch', 'now'), 'now');
  assert.equal(parse('--epoch=0'), 0);
  assert.equal(parse('--epoch', '1700000000'), 1700000000);
  for (const bad of ['yesterday', '-1', '1.5', '253402300800', 'NOW', '']) {
    assert.throws(() => parse('--epoch', bad), (e: unknown) => e instanceof UsageError && /^--epoch: /.test(e.message) && !e.message.includes('\n'), bad);
  }
  assert.throws(() => parse('--epoch', 'now', '--realtime'), /--epoch and --realtime: choose one/);
});

test('the guest clock starts at --epoch, by default at VIRTUAL_EPOCH_S (2027-01-01)', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  assert.equal(new Date(VIRTUAL_EPOCH_S * 1000).toISOString(), '2027-01-01T00:00:00.000Z');
  assert.equal(run([program(), 'time']), `time ${VIRTUAL_EPOCH_S}\n`);
  assert.equal(run(['--epoch', '86400', program(), 'time']), 'time 86400\n');
  const now = Number(run(['--epoch', 'now', program(), 'time']).slice(5));
  assert.ok(Math.abs(now - Date.now() / 1000) < 3600, `--epoch now gave ${now}`); // the host clock, within an hour (no wall-time measurement)
});

test('with the cwd at the host\'s /tmp, the guest\'s /tmp is still the tmpfs (mkstemp works) and the cwd is /run/host/tmp', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const exe = program(), rel = `${basename(built!.dir)}/sysinfo`;
  assert.equal(run([exe, 'cwd', rel], '/tmp'), `cwd /run/host/tmp\nmkstemp: ok\n./${rel}: readable\n`);
  assert.equal(run([exe, 'cwd', 'sysinfo'], built!.dir), `cwd ${built!.dir}\nmkstemp: ok\n./sysinfo: readable\n`, 'below /tmp: the same path');
});
