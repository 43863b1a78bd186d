// The vDSO (docs/vdso.md): vdso/vdso.so is built from vdso/ and committed,
// and src/kernel/mm/vdso-image.ts carries the same bytes for the kernel.
//
// - The committed .so rebuilds byte for byte from its source (when the cross
//   compiler is present), and the generated TypeScript matches it.
// - It exports what Linux's riscv64 vDSO exports, version LINUX_4.15, and
//   needs no relocation (read with src/elf/dynsym.ts).
// - The kernel writes the data page at boot and maps both pages with the
//   right permissions; --vdso off maps nothing.
// - The sequence count: __vdso_clock_gettime run on a bare hart against a
//   data page the test writes. It returns the page's values when the count is
//   even, spins while it is odd and returns the new values once the writer
//   is done, and takes the ecall when the page says the counter is off.
// - Oracle: test/vdso/clockloop.c, a static glibc program, under lde with
//   --vdso on and off and under qemu-riscv64: the same facts printed, and
//   with the vDSO its 200,000 clock_gettime calls make no system call
//   (--stats=json), without it 200,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, LDE, ROOT } from './helpers/cli.js';
import { Rig, RAM, DATA } from './helpers/rig.js';
import { jal } from './helpers/asm.js';
import { parseElf } from '../src/elf/elf.js';
import { dynamicSymbols } from '../src/elf/dynsym.js';
import { vdsoBytes, VVAR, VVAR_VA, VDSO_VA } from '../src/kernel/mm/vdso.js';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';
import { StatsSink } from '../src/trace/stats.js';
import { PTE_R, PTE_U, PTE_W, PTE_X } from '../src/machine/index.js';

const SO = `${ROOT}vdso/vdso.so`;
const EXPORTS = ['__vdso_clock_getres', '__vdso_clock_gettime', '__vdso_getcpu', '__vdso_gettimeofday', '__vdso_riscv_hwprobe', '__vdso_rt_sigreturn'];

test('src/kernel/mm/vdso-image.ts holds vdso/vdso.so', () => {
  const r = spawnSync(process.execPath, [`${ROOT}scripts/gen-vdso.mjs`, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(vdsoBytes(), new Uint8Array(readFileSync(SO)));
});

test('vdso/vdso.so rebuilds from vdso/ byte for byte', (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'make')) return t.skip('riscv64-linux-gnu-gcc or make not on PATH: vdso/ not rebuilt');
  const dir = mkdtempSync(`${tmpdir()}/lde-vdso-`);
  try {
    const r = spawnSync('make', ['-s', '-C', `${ROOT}vdso`, `OUT=${dir}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Buffer.compare(readFileSync(`${dir}/vdso.so`), readFileSync(SO)) === 0, 'vdso/vdso.so is stale: run make -C vdso && node scripts/gen-vdso.mjs');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("the vDSO exports Linux riscv64's symbols at LINUX_4.15, in one PT_LOAD at 0, with no relocations", () => {
  const bytes = new Uint8Array(readFileSync(SO)), image = parseElf(bytes);
  assert.equal(image.type, 'dyn');
  assert.equal(image.loads.length, 1);
  assert.equal(image.loads[0].vaddr, 0n);
  assert.equal(image.loads[0].memsz, image.loads[0].filesz);
  const funcs = dynamicSymbols(image, bytes).filter((s) => s.type === 2);
  assert.deepEqual(funcs.map((s) => s.name).sort(), EXPORTS);
  for (const s of funcs) assert.equal(s.version, 'LINUX_4.15', s.name);
  // __vdso_rt_sigreturn is the first code, so no FDE covers the address before it (vdso/sigreturn.S: unwinders use ra - 1).
  const first = funcs.reduce((m, f) => (f.value < m.value ? f : m));
  assert.equal(first.name, '__vdso_rt_sigreturn');
  const text = new TextDecoder('latin1').decode(bytes);
  assert.ok(text.includes('linux-vdso.so.1'), 'soname');
  const r = have('riscv64-linux-gnu-readelf') ? spawnSync('riscv64-linux-gnu-readelf', ['-r', SO], { encoding: 'utf8' }).stdout : 'There are no relocations';
  assert.match(r, /There are no relocations/);
});

test('the kernel writes the data page once at boot (count 2) and maps [vvar] read-only and [vdso] read-execute into a process', () => {
  const k = new Kernel({ host: nodeHost() });
  const v = k.vdso!, rd = (off: number) => k.board.phys.read64(v.data + off);
  assert.equal(v.seq, 2);
  assert.equal(k.board.phys.read32(v.data + VVAR.CLOCK_OK), 1);
  assert.equal(rd(VVAR.MULT), 100n);
  assert.equal(rd(VVAR.REAL_SEC) * 1_000_000_000n + rd(VVAR.REAL_NSEC), BigInt(k.epochNs));
  const as = k.newAddressSpace();
  const data = as.lookup(VVAR_VA)!, text = as.lookup(VDSO_VA)!;
  assert.equal(data.pa, v.data);
  assert.equal(data.flags & (PTE_R | PTE_W | PTE_X | PTE_U), PTE_R | PTE_U);
  assert.equal(text.flags & (PTE_R | PTE_W | PTE_X | PTE_U), PTE_R | PTE_X | PTE_U);
  assert.equal(as.sigreturn, v.symbols.get('__vdso_rt_sigreturn'));
  assert.deepEqual(as.vmas.filter((m) => m.kind === 'vvar' || m.kind === 'vdso').map((m) => [m.kind, m.start]), [['vvar', VVAR_VA], ['vdso', VDSO_VA]]);
  assert.equal(new Kernel({ host: nodeHost(), vdso: false }).vdso, undefined);
});

// ---- the sequence count, on a bare hart (M-mode: no translation; the counters are readable) ----

const PAGE = RAM + 0xa0000, TEXT = PAGE + 4096, STOP = RAM + 0x90000, TS = DATA + 0x100, SP = DATA + 0x8000;

function bareVdso(): { rig: Rig; entry: (name: string) => number } {
  const rig = new Rig(), bytes = vdsoBytes();
  rig.putBytes(TEXT, bytes);
  rig.put(STOP, [jal(0, 0)]);
  const syms = new Map(dynamicSymbols(parseElf(bytes), bytes).map((s) => [s.name, s.value]));
  return { rig, entry: (name) => TEXT + syms.get(name)! };
}

function writePage(rig: Rig, seq: number, ok: number, mult: number, monoNs: bigint): void {
  const v = new DataView(new ArrayBuffer(56));
  v.setUint32(VVAR.SEQ, seq, true);
  v.setUint32(VVAR.CLOCK_OK, ok, true);
  v.setBigUint64(VVAR.CYCLE_LAST, 0n, true);
  v.setBigUint64(VVAR.MULT, BigInt(mult), true);
  v.setUint32(VVAR.SHIFT, 0, true);
  v.setBigUint64(VVAR.MONO_NS, monoNs, true);
  v.setBigUint64(VVAR.REAL_SEC, 1000n, true);
  v.setBigUint64(VVAR.REAL_NSEC, 999_999_999n, true);
  rig.board.phys.writeBytes(PAGE, new Uint8Array(v.buffer));
}

function call(rig: Rig, fn: number, clk: number, budget: number): void {
  rig.set(1, STOP); rig.set(2, SP); rig.set(10, clk); rig.set(11, TS);
  rig.run(fn, budget);
}

const tsAt = (rig: Rig): [bigint, bigint] => [rig.board.phys.read64(TS), rig.board.phys.read64(TS + 8)];

test('__vdso_clock_gettime returns the data page’s clock when the count is even, with the realtime offset carried', () => {
  const { rig, entry } = bareVdso();
  writePage(rig, 2, 1, 0, 7_500_000_001n);
  call(rig, entry('__vdso_clock_gettime'), 1, 500);
  assert.equal(rig.hart.pc, STOP);
  assert.equal(rig.get(10), 0n);
  assert.deepEqual(tsAt(rig), [7n, 500_000_001n]);
  call(rig, entry('__vdso_clock_gettime'), 0, 500);
  assert.deepEqual(tsAt(rig), [1008n, 500_000_000n]); // 7.500000001 + 1000.999999999
  // With mult 100 the reading moves with the time CSR: between the hart's mtime before and after the call.
  writePage(rig, 4, 1, 100, 0n);
  const before = rig.hart.mtime();
  call(rig, entry('__vdso_clock_gettime'), 1, 500);
  const [s, ns] = tsAt(rig), got = Number(s) * 1e9 + Number(ns);
  assert.ok(got >= before * 100 && got <= rig.hart.mtime() * 100, `${got} not within [${before * 100}, ${rig.hart.mtime() * 100}]`);
});

test('__vdso_clock_gettime spins while the count is odd and returns the values written before the count turned even', () => {
  const { rig, entry } = bareVdso(), fn = entry('__vdso_clock_gettime');
  writePage(rig, 3, 1, 0, 1_000_000_000n); // a writer is mid-update
  call(rig, fn, 1, 20_000);
  assert.notEqual(rig.hart.pc, STOP, 'returned while the count was odd');
  assert.ok(rig.hart.pc >= TEXT && rig.hart.pc < TEXT + 4096, 'left the vDSO');
  writePage(rig, 4, 1, 0, 2_000_000_000n); // the writer finishes
  rig.hart.run(20_000);
  assert.equal(rig.hart.pc, STOP);
  assert.deepEqual(tsAt(rig), [2n, 0n]);
});

test('__vdso_clock_gettime takes the ecall for a clock it does not serve, and when the page turns the counter off', () => {
  const { rig, entry } = bareVdso(), fn = entry('__vdso_clock_gettime');
  writePage(rig, 2, 1, 0, 0n);
  call(rig, fn, 2, 500); // CLOCK_PROCESS_CPUTIME_ID: the kernel's
  assert.equal(rig.hart.csrRead(0x342), 11n, 'ecall from M'); // mcause
  assert.equal(rig.get(17), 113n); // a7 = clock_gettime
  writePage(rig, 2, 0, 0, 0n);
  call(rig, fn, 1, 500);
  assert.equal(rig.hart.csrRead(0x342), 11n);
  assert.equal(rig.get(17), 113n);
  assert.equal(rig.get(10), 1n);
});

// ---- the oracle: a static glibc program ----

interface Run { status: number | null; stdout: string; stderr: string; }
const lde = (args: string[]): Run => spawnSync(process.execPath, [LDE, 'run', ...args], { encoding: 'utf8' });

function syscalls(stderr: string): Map<string, number> {
  const stats = JSON.parse(stderr.slice(stderr.indexOf('{'))) as { syscalls: { name: string; count: number }[] };
  return new Map(stats.syscalls.map((s) => [s.name, s.count]));
}

/** Builds test/vdso/clockloop.c (static glibc) into a temporary directory and hands its path to use. */
function withClockloop(use: (bin: string) => void): void {
  const dir = mkdtempSync(`${tmpdir()}/lde-vdso-`);
  try {
    const bin = `${dir}/clockloop`;
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-o', bin, `${ROOT}test/vdso/clockloop.c`], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    use(bin);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('a static glibc program finds the vDSO and its 200,000 clock_gettime calls make no system call; --vdso off and qemu-riscv64 agree', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not on PATH: test/vdso/clockloop.c not built');
  withClockloop((bin) => {
    const on = lde(['--stats=json', bin, '200000', 'symbols']), off = lde(['--vdso', 'off', '--stats=json', bin, '200000', 'symbols']);
    assert.equal(on.status, 0, on.stderr);
    assert.equal(off.status, 0, off.stderr);
    const lines = on.stdout.split('\n');
    assert.equal(lines[0], 'vdso yes');
    assert.deepEqual(lines.filter((l) => l.startsWith('symbol ')).sort(), EXPORTS.map((s) => `symbol ${s}@LINUX_4.15`));
    assert.equal(off.stdout.split('\n')[0], 'vdso no');
    const facts = (s: string) => s.split('\n').filter((l) => !l.startsWith('symbol ') && !l.startsWith('vdso '));
    assert.deepEqual(facts(on.stdout), facts(off.stdout));
    assert.match(on.stdout, /went back 0\n/);
    assert.match(on.stdout, /signal returned 10\n/);
    // With the vDSO: only the two calls it sends on (a bad clock, a CPU-time clock). Without: every call.
    const nOn = syscalls(on.stderr), nOff = syscalls(off.stderr);
    assert.equal(nOn.get('clock_gettime'), 2);
    assert.equal(nOn.get('gettimeofday') ?? 0, 0);
    assert.ok((nOff.get('clock_gettime') ?? 0) >= 200_000, `--vdso off: ${nOff.get('clock_gettime')} clock_gettime calls`);
    if (have('qemu-riscv64')) {
      const q = spawnSync('qemu-riscv64', [bin, '1000'], { encoding: 'utf8' });
      assert.equal(q.status, 0, q.stderr);
      assert.deepEqual(facts(q.stdout).filter((l) => !l.startsWith('calls ')), facts(off.stdout).filter((l) => !l.startsWith('calls ')));
    }
  });
});

/** A program run in this process (no CLI start-up): its stdout and its system calls by name. */
function runHere(path: string, args: string[], vdso: boolean): { status: number; stdout: string; calls: Map<string, number> } {
  const out: string[] = [], dec = new TextDecoder();
  const k = new Kernel({ host: { ...nodeHost(), write: (fd, b) => { if (fd === 1) out.push(dec.decode(b)); } }, vdso });
  const stats = new StatsSink();
  k.trace.attach(stats);
  k.spawn(path, readFileSync(path), [path, ...args], []);
  const r = k.run();
  return { status: r.status, stdout: out.join(''), calls: new Map(stats.summary().syscalls.map((c) => [c.name, c.count])) };
}

test('user/bin/vdsoclock, with no C library, finds the symbols glibc finds and serves its calls with no system call; --vdso off: one each', (t) => {
  const N = 5000, bin = `${ROOT}user/bin/vdsoclock`;
  const on = runHere(bin, ['clock', String(N)], true), off = runHere(bin, ['clock', String(N)], false);
  assert.equal(on.stdout, `vdsoclock: ${N} clock_gettime(CLOCK_MONOTONIC) calls through the vdso, 0 failed, 0 went back\n`);
  assert.equal(off.stdout, `vdsoclock: ${N} clock_gettime(CLOCK_MONOTONIC) calls through the ecall, 0 failed, 0 went back\n`);
  assert.equal(on.calls.get('clock_gettime') ?? 0, 0);
  assert.equal(off.calls.get('clock_gettime'), N + 1); // the first read, then N
  const tod = runHere(bin, ['tod', String(N)], true);
  assert.equal(tod.status, 0);
  assert.equal(tod.calls.get('gettimeofday') ?? 0, 0);
  const syms = runHere(bin, ['symbols'], true);
  const found = syms.stdout.split('\n').filter((l) => l.endsWith(' found')).map((l) => l.replace(/^vdsoclock: (\S+)@LINUX_4\.15 found$/, '$1')).sort();
  assert.deepEqual(found, EXPORTS);
  assert.match(syms.stdout, /__vdso_clock_gettime@LINUX_2\.6 absent/); // the version is checked, not only the name
  assert.match(runHere(bin, ['symbols'], false).stdout, /^vdsoclock: vdso no\n(.* absent\n){7}$/);
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not on PATH: the glibc oracle (test/vdso/clockloop.c) not built');
  withClockloop((glibc) => {
    // glibc's own lookup (getauxval, then the dynamic symbol table clockloop.c walks) finds the same six.
    const g = runHere(glibc, ['0', 'symbols'], true);
    assert.deepEqual(g.stdout.split('\n').filter((l) => l.startsWith('symbol ')).map((l) => l.slice(7).replace(/@LINUX_4\.15$/, '')).sort(), found);
    // And its loop makes as many system calls as vdsoclock's: N more calls make N more system calls without the vDSO, none with it.
    const count = (vdso: boolean, n: number) => runHere(glibc, [String(n)], vdso).calls.get('clock_gettime') ?? 0;
    assert.equal(count(false, N) - count(false, 0), N);
    assert.equal(count(true, N) - count(true, 0), 0);
  });
});

test('__vdso_riscv_hwprobe answers every-hart queries from the data page with what the ecall answers, and sends the rest to the kernel', () => {
  const bin = `${ROOT}user/bin/vdsoclock`, on = runHere(bin, ['hwprobe'], true), off = runHere(bin, ['hwprobe'], false);
  assert.equal(on.status, 0, on.stdout);
  // Linux's Documentation/arch/riscv/hwprobe.rst, for lde's rv64gc harts: ids 0, IMA, F+D and C, misaligned
  // scalar accesses fast, no Zicboz, the top of Sv39 user space, a 10 MHz time CSR; -5 and 10 are unknown.
  const values = ['0', '0', '0', '0x1', '0x3', '0x3', '0', '0x3fffffffff', '0x989680', '0x3'];
  assert.equal(on.stdout, [
    'vdsoclock: riscv_hwprobe through the vdso: 0, through the ecall: 0',
    ...values.map((v, key) => `vdsoclock: key ${key} = ${v}`), 'vdsoclock: key -1 = 0', 'vdsoclock: key -1 = 0',
    'vdsoclock: the vdso and the ecall agree: yes',
    'vdsoclock: IMA_EXT_0 for hart 0: 0 0x3',
    'vdsoclock: harts with F, D and C: 0 0x1', // RISCV_HWPROBE_WHICH_CPUS keeps hart 0
    'vdsoclock: harts with V: 0 0', // and drops it: no vector unit
    'vdsoclock: errors: flags 2 -22, no hart -22, bad pairs -14', // EINVAL, EINVAL, EFAULT
    ''].join('\n'));
  assert.equal(off.stdout, on.stdout.replace('through the vdso', 'through the ecall'));
  // The every-hart query made no system call through the vDSO; the explicit ecall, the CPU set, WHICH_CPUS twice and the errors did.
  assert.equal(on.calls.get('riscv_hwprobe'), 1 + 3 + 3);
  assert.equal(off.calls.get('riscv_hwprobe'), 1 + 1 + 3 + 3);
});
