// Properties of lde's kernel that no differential oracle gives (qemu-riscv64
// runs on the host's scheduler): fairness under the timer, a tree of 100
// processes, a fork bomb stopped by RLIMIT_NPROC, and EFAULT for bad pointers
// in every pointer-taking system call (Linux's documented behaviour).
import { VIRTUAL_EPOCH_S } from '../src/kernel/sys/proc.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { lde, have, ROOT } from './helpers/cli.js';

const bin = (() => {
  if (!have('riscv64-linux-gnu-gcc', 'make')) return undefined;
  const out = mkdtempSync(tmpdir() + '/lde-kernel-');
  const mk = spawnSync('make', ['-s', '-C', `${ROOT}test/kernel`, `OUT=${out}`], { encoding: 'utf8' });
  if (mk.status !== 0) throw new Error(`building test/kernel failed:\n${mk.stderr}`);
  return out;
})();
const SKIP = 'riscv64-linux-gnu-gcc not installed: the kernel property programs are not built';

/** The two `child N cpu_ms MS` lines of a fair run, in child order; fails when either is missing. */
function fairShares(stdout: string, what: string): number[] {
  const cpu = [...stdout.matchAll(/^child (\d) cpu_ms (\d+)$/gm)].sort((x, y) => Number(x[1]) - Number(y[1]));
  assert.deepEqual(cpu.map((m) => m[1]), ['0', '1'], `${what}: expected one cpu_ms line per child, got ${JSON.stringify(stdout)}`);
  return cpu.map((m) => Number(m[2]));
}

/** Asserts that each spinner of a fair run of `ms` milliseconds got half of it, ± 10% of the run. */
function assertFair(stdout: string, ms: number, what: string) {
  for (const got of fairShares(stdout, what)) assert.ok(Math.abs(got - ms / 2) <= ms / 10, `${what}: a spinner got ${got} ms of the ${ms}: ${stdout}`);
}

/**
 * One run of fair at HZ 1000 with --stats=json, shared by the tick-rate and
 * determinism tests. 30 ms is 30 ticks, as many as 100 ms has at the default
 * HZ 250, at less than a third of the instructions.
 */
const FAST_MS = 30;
let fastRun: ReturnType<typeof lde> | undefined;
const fastArgs = () => ['run', '--hz', '1000', '--max-time', '30', '--stats=json', `${bin}/fair`, String(FAST_MS)];
const fastOnce = () => (fastRun ??= lde(fastArgs()));

test('two spinners each get 50% ± 10% of 100 ms of virtual time', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--max-time', '30', `${bin}/fair`]); // 100 ms, fair's default
  assert.equal(r.status, 0, r.stderr);
  assertFair(r.stdout, 100, 'default tick rate');
});

test('the fairness holds at every tick rate', (t) => {
  if (!bin) return t.skip(SKIP);
  // HZ 100 needs the whole 100 ms for ten ticks; at HZ 1000, 30 ms has thirty.
  const slow = lde(['run', '--hz', '100', '--max-time', '30', `${bin}/fair`, '100']);
  assert.equal(slow.status, 0, `hz 100: ${slow.stderr}`);
  assertFair(slow.stdout, 100, 'hz 100');
  const fast = fastOnce();
  assert.equal(fast.status, 0, `hz 1000: ${fast.stderr}`);
  assertFair(fast.stdout, FAST_MS, 'hz 1000');
});

test('a tree of 100 processes is created and reaped', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--max-time', '30', `${bin}/tree`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'processes in the tree: 100\n');
});

test('a fork bomb stops at RLIMIT_NPROC and the system keeps running', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--max-time', '30', `${bin}/forkbomb`]);
  assert.equal(r.status, 0, r.stderr);
  // The limit counts the parent too: 40 processes = the parent and 39 children.
  assert.equal(r.stdout, 'forked 39 before EAGAIN\nreaped 39 children killed by SIGTERM; still running\n');
});

test('every pointer-taking system call answers a bad pointer with EFAULT', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', `${bin}/efault`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.pop(), 'kernel still fine');
  assert.ok(lines.length >= 20);
  for (const line of lines) assert.match(line, /EFAULT$/, line);
});

test('the same run twice gives the same output (a deterministic virtual clock)', (t) => {
  if (!bin) return t.skip(SKIP);
  const a = fastOnce(), b = lde(fastArgs());
  assert.equal(a.status, 0, a.stderr);
  fairShares(a.stdout, 'first run'); // two children printed, so there is something to compare
  assert.ok(JSON.parse(a.stderr).cycles > FAST_MS * 1e6, a.stderr); // the whole run ran, counted to the cycle
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stderr, b.stderr);
});

const STOPCONT = `stopped: 1 WIFSTOPPED 1 WSTOPSIG 19
continued: 1 WIFCONTINUED 1
killed: 1 WIFSIGNALED 1 WTERMSIG 9
SIGCHLD handler ran at least twice: 1
with SIGCHLD ignored, wait finds no zombie: 1
`;

test('job control: SIGSTOP, SIGCONT, SIGKILL, SIGCHLD and auto-reaping, as the host kernel does them', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--max-time', '30', `${bin}/stopcont`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, STOPCONT); // recorded from qemu-riscv64 on Linux
  if (have('qemu-riscv64')) assert.equal(spawnSync('qemu-riscv64', [`${bin}/stopcont`], { encoding: 'utf8' }).stdout, r.stdout);
});

test('resource limits are enforced as Linux documents them (getrlimit(2), signal(7))', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--max-time', '30', `${bin}/limits`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    'RLIMIT_NOFILE 10: opened 7 more, then EMFILE', // fds 0-2 are open: 3..9
    'RLIMIT_AS 64M: mmap of 128M fails with ENOMEM',
    'RLIMIT_STACK 256K: deep recursion ends with status 139', // SIGSEGV past the stack limit
    'RLIMIT_CPU 1s: a child burning system time ends with status 152', // SIGXCPU's default action; the same line under qemu-riscv64
    ''].join('\n'));
});

test('out of memory kills the largest process with one line, and the rest runs on', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--mem', '64M', '--max-time', '30', `${bin}/limits`, 'oom']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /out of memory: the hog ends with status 137; its parent goes on\n$/);
  assert.match(r.stderr, /^lde: out of memory: killed pid \d+ \(limits\), which held [\d.]+ MiB\n$/);
});

test('memory pressure: a working set twice --mem runs correctly through swap, with major faults', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--mem', '16M', '--swap', '64M', '--stats', `${bin}/workingset`, '32']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'working set 32 MiB checksum 16711680\n'); // the same program under qemu-riscv64
  const major = /page faults resolved: [\d,]+ minor, ([\d,]+) major/.exec(r.stderr);
  assert.ok(major && Number(major[1].replace(/,/g, '')) > 4096, r.stderr);
  assert.match(r.stderr, /swap: [\d,]+ pages out, [\d,]+ in, 0 of 16,384 slots in use/);
});

test('without swap, the same working set ends in the OOM killer, not a crash', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', '--mem', '16M', `${bin}/workingset`, '32']);
  assert.equal(r.status, 137);
  assert.match(r.stderr, /^lde: out of memory: killed pid 1 \(workingset\)/);
});

test('--realtime: the guest clock follows the host clock (wall-clock epoch); without it, the virtual epoch', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const dir = mkdtempSync(tmpdir() + '/lde-rt-');
  const src = `${dir}/t.c`;
  writeFileSync(src, '#include <stdio.h>\n#include <time.h>\nint main(void) { printf("%ld\\n", (long)time(0)); return 0; }\n');
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/t`, src], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const real = Number(lde(['run', '--realtime', `${dir}/t`]).stdout);
  assert.ok(Math.abs(real - Date.now() / 1000) < 3600, `guest time ${real} is not the host's`);
  assert.equal(lde(['run', `${dir}/t`]).stdout, `${VIRTUAL_EPOCH_S}\n`); // the default epoch (2027-01-01T00:00:00Z) plus a few virtual microseconds
});

test('mremap, futex, sched_yield, setrlimit, sysinfo and rseq are in the system-call table', async () => {
  const { SYSCALLS } = await import('../src/kernel/sys/syscall.js');
  const names = new Set(SYSCALLS.map((s) => s.name));
  for (const n of ['mremap', 'futex', 'sched_yield', 'setrlimit', 'sysinfo', 'rseq', 'getrusage', 'times']) assert.ok(names.has(n as never), n);
});

test('every exception path: ebreak → SIGTRAP, misaligned AMO → SIGBUS, a handled SIGSEGV with si_addr (as under qemu-riscv64)', (t) => {
  if (!bin) return t.skip(SKIP);
  const r = lde(['run', `${bin}/traps`]);
  assert.equal(r.status, 0, r.stderr);
  const want = 'ebreak: status 133\nmisaligned amoadd.w: status 135\nhandler: sig 11 si_addr 0x1234 si_code SEGV_MAPERR\nhandled SIGSEGV: status 0\n';
  assert.equal(r.stdout, want);
  if (have('qemu-riscv64')) assert.equal(spawnSync('qemu-riscv64', [`${bin}/traps`], { encoding: 'utf8' }).stdout, want);
});

test('/proc/self/cmdline holds the arguments, NUL-separated (proc(5)), as under qemu-riscv64', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip(SKIP);
  const dir = mkdtempSync(tmpdir() + '/lde-cmdline-');
  writeFileSync(`${dir}/c.c`, '#include <stdio.h>\n#include <fcntl.h>\n#include <unistd.h>\nint main(void) { char b[256]; int fd = open("/proc/self/cmdline", O_RDONLY); int n = read(fd, b, sizeof b); for (int i = 0; i < n; i++) putchar(b[i] ? b[i] : 124); return 0; }\n');
  assert.equal(spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/c`, `${dir}/c.c`]).status, 0);
  assert.equal(lde(['run', `${dir}/c`, 'one', 'two three']).stdout, `${dir}/c|one|two three|`);
});
