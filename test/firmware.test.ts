// lde's SBI firmware and `lde boot` (src/firmware). test/firmware/sbitest.c
// is a small S-mode kernel that exercises the SBI calls and prints what it
// sees. The oracle is the same kernel under qemu-system-riscv64 with Debian's
// OpenSBI, which implements SBI 1.0: the lines that SBI 2.0 changes (the
// version, and DBCN, new in 2.0) are the only ones allowed to differ. The
// machine itself is checked the same way: OpenSBI's own fw_dynamic.bin runs
// on lde's hart in M-mode and boots the same kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, lde, ROOT, HANG_GUARD_MS } from './helpers/cli.js';

const DIR = `${ROOT}test/firmware/`;
const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
/** Lines SBI 2.0 (lde) and OpenSBI's SBI 1.0 print differently. */
const SBI2_ONLY = /^(spec version|probe 0x4442434e|dbcn|!dbcn)/;

let built: string | undefined;
function kernel(): string {
  if (built) return built;
  const out = mkdtempSync(`${tmpdir()}/lde-sbitest-`) + '/sbitest';
  const cc = spawnSync('riscv64-unknown-elf-gcc', ['-O1', '-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-nostdlib',
    '-ffreestanding', '-fno-builtin', '-T', `${DIR}link.ld`, '-o', out, `${DIR}start.S`, `${DIR}sbitest.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  return (built = out);
}

const expected = (): string => readFileSync(`${DIR}sbitest.expected`, 'utf8');
const common = (text: string): string[] => text.replace(/\r/g, '').split('\n').filter((l) => !SBI2_ONLY.test(l));

test('an S-mode kernel sees SBI 2.0 from lde boot: base, timer, HSM with a second hart, IPI, RFENCE, DBCN, a redirected trap, shutdown', (t) => {
  if (!have('riscv64-unknown-elf-gcc')) return t.skip('riscv64-unknown-elf-gcc not installed: test/firmware/sbitest.c not built');
  const r = lde(['boot', '--kernel', kernel(), '--smp', '2', '--max-time', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, expected());
  const one = lde(['boot', '--kernel', kernel(), '--max-time', '1']);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /^one hart: hart_get_status\(1\) error -3$/m);
});

test('lde boot --stats and --trace show the guest as the hart sees it: its SBI ecalls to M, its traps, per-hart mode time', (t) => {
  if (!have('riscv64-unknown-elf-gcc')) return t.skip('riscv64-unknown-elf-gcc not installed: test/firmware/sbitest.c not built');
  const dir = mkdtempSync(`${tmpdir()}/lde-boottrace-`);
  try {
    const r = lde(['boot', '--kernel', kernel(), '--smp', '2', '--max-time', '1', '--stats', '--trace', `${dir}/t.json`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected(), 'the trace changes nothing the guest sees');
    assert.match(r.stderr, /^lde: stats: hart 0: U-mode [\d.]+% \(\d[\d,]* instructions\), S-mode [\d.]+%/m);
    const ecalls = /^lde: stats: environment call from S-mode +M +([\d,]+)$/m.exec(r.stderr);
    assert.ok(ecalls, r.stderr);
    const sbi = /^lde: stats: SBI calls: (.*)$/m.exec(r.stderr)![1].split(', ').reduce((n, kv) => n + Number(kv.split(' ')[1].replace(/,/g, '')), 0);
    assert.equal(Number(ecalls[1].replace(/,/g, '')), sbi, 'every SBI call is one ecall from S taken to M');
    const events = JSON.parse(readFileSync(`${dir}/t.json`, 'utf8')) as { traceEvents: { name: string; ph: string; tid: number }[] };
    const traps = events.traceEvents.filter((e) => e.ph === 'i' && e.name === 'trap: environment call from S-mode');
    assert.equal(traps.length, sbi, 'the trace has an instant for each');
    assert.deepEqual([...new Set(traps.map((e) => e.tid))].sort(), [0, 1], 'on both harts\' tracks');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same kernel under qemu-system-riscv64 and OpenSBI prints the same, apart from what SBI 2.0 adds', (t) => {
  if (!have('riscv64-unknown-elf-gcc', 'qemu-system-riscv64')) return t.skip('riscv64-unknown-elf-gcc or qemu-system-riscv64 not installed (Debian: qemu-system-misc)');
  // One TCG thread: the two harts take turns, so a busy host cannot starve one of them.
  const q = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-accel', 'tcg,thread=single', '-smp', '2', '-m', '256M', '-bios', 'default', '-kernel', kernel(),
    '-nographic', '-monitor', 'none'], { encoding: 'utf8', timeout: HANG_GUARD_MS });
  assert.equal(q.status, 0, q.stderr);
  const fromKernel = q.stdout.replace(/\r/g, '').slice(q.stdout.replace(/\r/g, '').indexOf('hartid 0'));
  assert.deepEqual(common(fromKernel), common(expected()));
});

test("OpenSBI's fw_dynamic runs on lde's machine in M-mode and boots the same kernel (lde boot --bios FILE)", (t) => {
  if (!have('riscv64-unknown-elf-gcc') || !existsSync(OPENSBI)) return t.skip(`riscv64-unknown-elf-gcc or ${OPENSBI} (Debian: opensbi) not installed`);
  const r = lde(['boot', '--bios', OPENSBI, '--kernel', kernel(), '--smp', '2', '--max-time', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /OpenSBI v\d/);
  assert.match(r.stdout, /Platform HART Count\s+: 2/);
  // A second hart_start of hart 1 races with its start: OpenSBI answers -3 while it is START_PENDING and -6 once it is
  // STARTED (SBI v2.0 HSM), and on lde's harts OpenSBI's warm boot of hart 1 may finish first. Either is the spec's.
  const racy = (lines: string[]) => lines.map((l) => l.replace(/^hart_start again (-3|-6)$/, 'hart_start again (pending or started)'));
  assert.deepEqual(racy(common(r.stdout.slice(r.stdout.indexOf('hartid 0')))), racy(common(expected())));
});

test('lde boot refuses what it cannot boot with one line', () => {
  const dir = mkdtempSync(`${tmpdir()}/lde-boot-`);
  try {
    const cases: [string[], number, RegExp][] = [
      [['boot'], 2, /missing --kernel FILE/],
      [['boot', '--kernel', `${dir}/nothing`], 127, /no such file/],
      [['boot', '--kernel', `${ROOT}README.md`], 126, /not a Linux Image .* and not an ELF/],
      [['boot', '--kernel', `${ROOT}user/bin/hello`, '--bios', 'none', '--mem', '16M'], 126, /outside|does not fit in RAM/],
      [['boot', '--kernel', `${ROOT}user/bin/hello`, '--smp', '9'], 2, /--smp/],
      [['boot', '--kernel', `${ROOT}user/bin/hello`, '--initrd', `${dir}/none`], 127, /no such file/],
    ];
    for (const [args, status, msg] of cases) {
      const r = lde(args);
      assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
