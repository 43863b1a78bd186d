// Threads (issue 11): static glibc programs using pthreads, built from
// test/threads/*.c at test time, run under `lde run` and compared with an
// oracle: qemu-riscv64, or a native build on the host Linux kernel where
// qemu-user is wrong (execve of a riscv64 program needs binfmt_misc; qemu
// has no robust lists or clone3 and an extra thread of its own in
// /proc/self/task). Also --strace's `[pid TID]` lines and --trace's tracks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { have, lde, HANG_GUARD_MS, type Run } from './helpers/cli.js';

const DIR = fileURLToPath(new URL('../../test/threads/', import.meta.url));
const PROGRAMS = ['basic', 'lifecycle', 'syscalls', 'sigroup', 'pthreads', 'creds', 'rseq'];

/** Runs cmd and gives its status and output as lde() does. */
function host(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: tmpdir(), timeout: HANG_GUARD_MS });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function build(cc: string, src: string, out: string, flags: string[]): void {
  const r = spawnSync(cc, [...flags, '-pthread', '-O1', '-o', out, src], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cc} ${src} failed:\n${r.stderr}`);
}

/** The run's status and stdout, for comparison with the oracle's. */
const shown = (r: Run) => `status ${r.status}\n${r.stdout}`;

test('pthreads under lde match qemu-riscv64 or the host kernel', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64')) return t.skip('riscv64-linux-gnu-gcc or qemu-riscv64 not on PATH: threads not tested');
  const out = mkdtempSync(tmpdir() + '/lde-threads-');
  const native = have('cc');
  try {
    for (const p of PROGRAMS) {
      build('riscv64-linux-gnu-gcc', `${DIR}${p}.c`, `${out}/${p}`, ['-static']);
      if (native && p !== 'rseq') build('cc', `${DIR}${p}.c`, `${out}/${p}-native`, []); // rseq.c is riscv64 assembly
    }
    const cases: [string, string[], 'qemu' | 'linux'][] = [
      ['basic', [], 'qemu'],
      ['lifecycle', ['thread-exit'], 'qemu'],
      ['lifecycle', ['group-exit'], 'qemu'],
      ['lifecycle', ['kill'], 'qemu'],
      ['lifecycle', ['stop'], 'qemu'],
      ['lifecycle', ['exec'], 'linux'],
      ['syscalls', [], 'linux'],
      ['sigroup', [], 'qemu'],
      ['pthreads', [], 'linux'], // qemu-riscv64 has no robust lists: a PI robust mutex whose owner died crashes it
      ['creds', [], 'qemu'], // needs root: qemu-riscv64 passes the set*id calls to the host kernel
    ];
    for (const [prog, args, oracle] of cases) {
      await t.test(`${prog} ${args.join(' ')} (oracle: ${oracle})`, (tt) => {
        if (oracle === 'linux' && !native) return tt.skip('no native cc: the host-kernel oracle is unavailable');
        if (prog === 'creds' && process.getuid?.() !== 0) return tt.skip('not root: qemu-riscv64 cannot show what root may do with its ids');
        const want = oracle === 'qemu' ? host('qemu-riscv64', [`${out}/${prog}`, ...args]) : host(`${out}/${prog}-native`, args);
        const got = lde(['run', '--max-time', '30', `${out}/${prog}`, ...args]);
        assert.equal(shown(got), shown(want), got.stderr);
      });
    }

    // qemu-riscv64 7.2 has no rseq (ENOSYS): the oracle is rseq(2), its errno list and its abort rule.
    await t.test('rseq: registration errors, cpu_id, critical sections aborted on preemption and on signals, SIGSEGV for a bad signature', () => {
      const r = lde(['run', '--hz', '10000', '--max-time', '30', `${out}/rseq`]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, [
        'too short: EINVAL; misaligned: EINVAL',
        'register: 0, cpu_id 0, cpu_id_start 0',
        'again: EBUSY; other signature: EPERM; other area: EINVAL; bad flags: EINVAL',
        'unregister with another signature: EPERM; another area: EINVAL',
        'unregister: 0, cpu_id -1; again: EINVAL',
        'short pass commits: 1',
        'preempted: 40 passes, some aborted: 1, some committed: 1, cpu_id 0',
        'signals: 40 passes, some aborted: 1, alarms came: 1',
        'bad signature: killed by SIGSEGV: 1', ''].join('\n'));
    });

    await t.test('--strace shows each thread as [pid TID], as strace -f does', () => {
      const r = lde(['run', '--strace', `${out}/lifecycle`, 'thread-exit']);
      assert.equal(r.status, 0, r.stderr);
      const clone = r.stderr.match(/^\[pid (\d+)\] clone\(child_stack=0x[0-9a-f]+, flags=CLONE_VM\|CLONE_FS\|CLONE_FILES\|CLONE_SIGHAND\|CLONE_THREAD\|.*\) = (\d+)$/m);
      assert.ok(clone, r.stderr.slice(0, 4000));
      const tid = clone[2];
      assert.notEqual(tid, clone[1]);
      assert.match(r.stderr, new RegExp(`^\\[pid ${tid}\\] set_robust_list\\(0x[0-9a-f]+, 24\\) = 0$`, 'm'));
      assert.match(r.stderr, new RegExp(`^\\[pid ${tid}\\] exit\\(0\\) = \\?\\n\\[pid ${tid}\\] \\+\\+\\+ exited with 0 \\+\\+\\+$`, 'm'));
      // getpid in a thread is the process's id, gettid its own.
      assert.match(r.stderr, new RegExp(`^\\[pid ${clone[1]}\\] exit\\(0\\) = \\?$`, 'm'), 'the leader leaves with exit(2) (pthread_exit), not exit_group');
    });

    await t.test('--trace gives every thread its own track', () => {
      const file = `${out}/trace.json`;
      const r = lde(['run', '--trace', file, `${out}/lifecycle`, 'thread-exit']);
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents?: { name: string; args: { name?: string } }[] };
      const names = (j.traceEvents ?? []).filter((e) => e.name === 'thread_name').map((e) => e.args.name);
      // The parent, the forked child, and its two threads (quitter, survivor).
      for (const pid of [1, 2, 3, 4]) assert.ok(names.includes(`lifecycle (pid ${pid})`), names.join(', '));
    });

    await t.test('a timed condition wait ends at its deadline in virtual time', () => {
      // --vdso off: the clock_gettime that reads the wake-up time must be a system call, for strace to show it.
      const r = lde(['run', '--vdso', 'off', '--strace', `${out}/basic`]);
      assert.equal(r.status, 0, r.stderr);
      const m = r.stderr.match(/futex\(0x[0-9a-f]+, FUTEX_WAIT_BITSET_PRIVATE\|FUTEX_CLOCK_REALTIME, 0, \{tv_sec=(\d+), tv_nsec=(\d+)\}, FUTEX_BITSET_MATCH_ANY\) = -1 ETIMEDOUT \(Connection timed out\)\n(?:.*\n)*?.*clock_gettime\(CLOCK_REALTIME, \{tv_sec=(\d+), tv_nsec=(\d+)\}\) = 0/);
      assert.ok(m, r.stderr.slice(-4000));
      // The wait ends at its deadline: the next clock_gettime reads it, plus the idle state's exit latency (machine/power.ts) and a little kernel work.
      const deadline = Number(m[1]) * 1e9 + Number(m[2]), woke = Number(m[3]) * 1e9 + Number(m[4]);
      assert.ok(woke >= deadline && woke - deadline < 2_000_000, `deadline ${deadline}, read ${woke}`);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
