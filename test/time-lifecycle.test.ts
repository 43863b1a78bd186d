// Process lifecycle (issue 9): orphans, zombies, wait with bad pointers,
// fault loops and the start code's message. Oracles: the host's Linux for
// the *.expected files (re-checked natively here; qemu-riscv64 where it
// agrees with Linux), Linux's kernel/fork.c and kernel/exit.c for the
// limits, and the CLI's --max-time contract (status 124, one line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { have, lde, ROOT } from './helpers/cli.js';
import { build, canBuild, expected, nativeLinux, runProgram, SKIP_BUILD, withTmp } from './time-helpers.js';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';

// Linux, not qemu-riscv64, is the oracle for orphan.c: qemu's fork path refuses clone with an exit signal other than SIGCHLD.
for (const [name, qemuAgrees] of [['orphan', false], ['wait-efault', true]] as const) {
  test(`${name}.c under lde prints what it prints on Linux (${name}.expected)`, (t) => {
    if (!canBuild) return t.skip(SKIP_BUILD);
    withTmp((dir) => {
      const bin = build('riscv64-linux-gnu-gcc', name, dir);
      const r = lde(['run', '--max-time', '10', bin]);
      assert.equal(r.status, 0, `lde run ${name}: status ${r.status}\n${r.stderr}`);
      assert.equal(r.stdout, expected(name));
      if (qemuAgrees && have('qemu-riscv64')) assert.equal(runProgram('qemu-riscv64', [bin]).stdout, expected(name), 'qemu-riscv64 disagrees');
    });
  });

  test(`${name}.expected is what the host's Linux prints`, (t) => {
    if (!nativeLinux) return t.skip('not on Linux with cc: the recorded output is not re-checked');
    withTmp((dir) => {
      const r = runProgram(build('cc', name, dir), []);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, expected(name));
    });
  });
}

// kernel/fork.c copy_process: EAGAIN once RLIMIT_NPROC or threads-max (RAM / (8 * THREAD_SIZE), 16 KiB on riscv64)
// is reached, counting every task until it is reaped.
test('unreaped zombies count: fork gives EAGAIN at RLIMIT_NPROC and at threads-max, not 20,000 zombies later', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'zombies', dir);
    let r = lde(['run', '--mem', '64M', bin, '20000', 'inf']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'forked 511, then EAGAIN\nreaped 511\n', '64 MiB / 128 KiB = 512 tasks, the parent among them');
    r = lde(['run', bin, '20000', '100']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'forked 99, then EAGAIN\nreaped 99\n');
  });
});

test('a zombie keeps only what wait needs: no registers, files, signal queues or limits (kernel API)', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'zombies', dir);
    const k = new Kernel({ host: nodeHost(), memBytes: 32 << 20 });
    k.spawn(bin, readFileSync(bin), ['zombies', '1000', 'inf', 'keep'], []);
    const r = k.run();
    assert.equal(r.status, 125, r.message); // the parent pauses for ever, its zombies unreaped
    const zombies = [...k.procs.values()].filter((p) => p.state === 'zombie');
    assert.equal(zombies.length, k.maxTasks - 1);
    assert.equal(k.maxTasks, 256);
    for (const z of zombies) {
      assert.equal(z.x.length + z.f.length + z.files.length + z.sigInfo.size + z.sigQueue.size + z.rlimits.size + z.sigActions.length, 0, `pid ${z.pid}`);
      assert.equal(z.as.vmas.length, 0, `pid ${z.pid}: its address space is destroyed`);
      assert.equal(z.exitStatus, ((z.pid - 2) & 0x7f) << 8, `pid ${z.pid}: its status stays for wait`);
    }
  });
});

test('a fault loop under a SIGSEGV handler stops at --max-time; an unmapped handler dies of SIGSEGV', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'faultloop', dir);
    let r = lde(['run', '--max-time', '0.01', bin, 'handler']);
    assert.equal(r.status, 124, r.stderr);
    assert.match(r.stderr, /^lde: no progress: stopped at 0\.010 s of virtual time \(--max-time\); pid 1 \(faultloop\)/);
    r = lde(['run', '--max-time', '5', bin, 'nodefer']);
    assert.equal(r.status, 128 + 11, r.stderr);
    assert.match(r.stderr, /killed by SIGSEGV \(bad signal stack\)/);
  });
});

test('the start code names the program, not lde, when thread-local storage cannot be allocated', (t) => {
  if (!canBuild || !have('riscv64-unknown-elf-gcc', 'make')) return t.skip('riscv64-unknown-elf-gcc (picolibc) or make not on PATH');
  // Under a directory the guest sees as the host's (its /tmp is in memory), so that limit-as can exec it.
  withTmp((dir) => {
    const made = spawnSync('make', ['-s', '-C', `${ROOT}user`, `SRC=${ROOT}test/time`, `BIN=${dir}`, `BUILD=${dir}/build`, `${dir}/bigtls`], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const limit = build('riscv64-linux-gnu-gcc', 'limit-as', dir);
    const r = lde(['run', limit, String(256 << 20), `${dir}/bigtls`]);
    assert.equal(r.status, 127, r.stderr);
    assert.equal(r.stderr, `${dir}/bigtls: cannot allocate thread-local storage\n`);
  }, `${ROOT}dist/time-`);
});
