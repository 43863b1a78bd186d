// lde run's observability options end to end through the CLI: --strace,
// --stats[=json], --trace, --diagram, --trace-insns, and determinism (the
// same run twice gives byte-identical traces and stats; --seed changes only
// what is seeded). The oracles: the kernel's own counters (syscall counts in
// --stats=json against the strace log), the program's known system calls
// (user/src/hello.c makes three writes and an exit_group, as qemu-riscv64
// -strace shows), and the disassembler for --trace-insns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { lde, have, type Run } from './helpers/cli.js';
import { RUN } from '../src/cli/commands.js';
import { parseOptions } from '../src/cli/options.js';
import { UsageError } from '../src/cli/args.js';

const tmp = () => mkdtempSync(tmpdir() + '/lde-trace-');

test('--strace prints one line per system call, then the exit line', () => {
  const r = lde(['run', '--strace', 'hello']);
  assert.equal(r.status, 0);
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.replace(/\(.*\)/, '(…)')), [
    '[pid 1] write(…) = 14', '[pid 1] write(…) = 21', '[pid 1] write(…) = 51', '[pid 1] exit_group(…) = ?', '[pid 1] +++ exited with 0 +++']);
  assert.equal(lines[0], '[pid 1] write(1, "hello: argc=1\\n", 14) = 14');
});

test('--strace=FILE writes the log to a file and decodes paths, flags and errno names', () => {
  const file = tmp() + '/log';
  const r = lde(['run', `--strace=${file}`, 'libc']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(file, 'utf8'), /openat\(AT_FDCWD, "\/nonexistent\/dir\/file", O_WRONLY\|O_CREAT\|O_TRUNC, 0644\) = -1 ENOENT \(No such file or directory\)/);
});

test('--stats=json counts what --strace shows, call by call', () => {
  const file = tmp() + '/log';
  const r = lde(['run', `--strace=${file}`, '--stats=json', 'pipe']);
  assert.equal(r.status, 0, r.stderr);
  const stats = JSON.parse(r.stderr);
  const fromLog = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\[pid \d+\] ([a-z_0-9]+)\(/.exec(line);
    if (m) fromLog.set(m[1], (fromLog.get(m[1]) ?? 0) + 1);
  }
  const fromStats = new Map<string, number>(stats.syscalls.map((c: { name: string; count: number }) => [c.name, c.count]));
  assert.deepEqual(new Map([...fromStats].sort()), new Map([...fromLog].sort()));
  assert.ok(stats.contextSwitches.voluntary > 0);
  assert.equal(stats.processes.length, 2);
  assert.equal(stats.userCycles + stats.kernelCycles + stats.idleCycles, stats.cycles);
});

/** lde run --diagram cowfork, made once: the last test also takes it as a run of cowfork without --strace. */
let cowforkDiagram: Run | undefined;
const diagramRun = () => (cowforkDiagram ??= lde(['run', '--diagram', 'cowfork']));

test('--stats prints a perf-stat-like summary ending with the diagram; --diagram prints the diagram alone', () => {
  const r = lde(['run', '--stats', 'cowfork']);
  assert.equal(r.status, 0, r.stderr);
  for (const word of ['clone', 'copy-on-write', 'voluntary', 'involuntary', 'p99', 'USER MODE']) assert.ok(r.stderr.includes(word), `no "${word}" in:\n${r.stderr}`);
  const d = diagramRun();
  assert.equal(d.status, 0);
  assert.ok(d.stderr.includes('USER MODE'));
  assert.ok(!d.stderr.includes('p99'));
  assert.ok(r.stderr.endsWith(d.stderr), 'the stats end with the same diagram');
  assert.ok(!/\x1b\[/.test(r.stderr), 'no color when stderr is not a terminal');
});

test('the same run twice gives byte-identical --trace and --stats=json (forking, segfaulting and preempted programs)', () => {
  for (const prog of [['pipe', '20'], ['segfault'], ['--hz', '1000', 'hogs', '2', '600000', '3']]) {
    const runs = [0, 1].map(() => {
      const file = tmp() + '/trace.json';
      const r = lde(['run', '--trace', file, '--stats=json', ...prog]);
      return { status: r.status, stats: r.stderr, trace: readFileSync(file, 'utf8') };
    });
    assert.equal(runs[0].status, runs[1].status, prog[0]);
    assert.equal(runs[0].stats, runs[1].stats, prog[0]);
    assert.equal(runs[0].trace, runs[1].trace, prog[0]);
    assert.ok(JSON.parse(runs[0].trace).traceEvents.length > 10);
    if (prog.includes('hogs')) assert.ok(JSON.parse(runs[0].stats).contextSwitches.involuntary > 4, 'the hogs were preempted by ticks');
  }
});

test('--seed changes only what is seeded: AT_RANDOM and /dev/urandom differ, time and counts do not', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not installed: cannot build the AT_RANDOM probe');
  const dir = tmp();
  writeFileSync(`${dir}/r.c`, '#include <stdio.h>\n#include <sys/auxv.h>\n#include <fcntl.h>\n#include <unistd.h>\n' +
    'int main(void) { unsigned char *r = (unsigned char *)getauxval(AT_RANDOM), u[4]; int fd = open("/dev/urandom", O_RDONLY);\n' +
    '  read(fd, u, 4); printf("%02x%02x%02x%02x %02x%02x%02x%02x\\n", r[0], r[1], r[2], r[3], u[0], u[1], u[2], u[3]); return 0; }\n');
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/r`, `${dir}/r.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const run = (seed: string) => lde(['run', '--seed', seed, '--stats=json', `${dir}/r`]);
  const [a, a2, b] = [run('1'), run('1'), run('2')];
  assert.equal(a.stdout, a2.stdout);
  assert.notEqual(a.stdout.split(' ')[0], b.stdout.split(' ')[0], 'AT_RANDOM follows the seed');
  assert.notEqual(a.stdout.split(' ')[1], b.stdout.split(' ')[1], '/dev/urandom follows the seed');
  const sa = JSON.parse(a.stderr), sb = JSON.parse(b.stderr);
  assert.deepEqual(sa.syscalls, sb.syscalls);
  assert.deepEqual(sa.exceptions, sb.exceptions);
  const hello = (seed: string) => lde(['run', '--seed', seed, '--stats=json', 'hello']).stderr;
  assert.equal(hello('1'), hello('7'), 'a program that reads no randomness runs identically under any seed');
});

test('--trace-insns prints each instruction the hart starts, disassembled, then the program runs as usual', () => {
  const r = lde(['run', '--trace-insns', 'hello']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, readFileSync('user/expected/hello.txt', 'utf8').split('\n').slice(1).join('\n'));
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.length > 1000);
  assert.match(lines[0], /^ +0x[0-9a-f]+ [0-9a-f ]{8}  [a-z.]+/);
  assert.ok(lines.some((l) => / ecall$/.test(l)));
  // With --strace too, both go to stderr in the order they happened: each call's line right after its ecall.
  const both = lde(['run', '--trace-insns', '--strace', 'hello']).stderr.trimEnd().split('\n');
  const calls = both.flatMap((l, i) => (l.startsWith('[pid 1] write(') ? [i] : []));
  assert.equal(calls.length, 3);
  for (const i of calls) assert.match(both[i - 1], / ecall$/);
});

test('observability options refuse bad values in one line', () => {
  const cases: [string[], RegExp][] = [
    [['--stats=xml'], /^lde: --stats: 'xml' is not a format/],
    [['--trace', '/nonexistent/dir/t.json'], /^lde: --trace: cannot write \/nonexistent\/dir\/t\.json: ENOENT/],
    [['--strace='], /^lde: --strace=FILE: the file name is empty/],
    [['--no-timer', '--hz', '100'], /^lde: --no-timer and --hz: choose one/],
  ];
  // The option parser refuses all but --trace's (the file is opened later) in-process: what lde prints is 'lde: ' and its message.
  for (const [opts, want] of [cases[0], ...cases.slice(2)]) {
    assert.throws(() => parseOptions(RUN, [...opts, 'hello']), (e: unknown) => e instanceof UsageError && want.test(`lde: ${e.message}`), opts.join(' '));
  }
  // Through the command line, one refused by the parser and --trace's: one line, status 2.
  for (const [opts, want] of cases.slice(0, 2)) {
    const r = lde(['run', ...opts, 'hello']);
    assert.equal(r.status, 2, opts.join(' '));
    assert.match(r.stderr, want);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('--strace: a handler interrupting a sleeping call gives strace\'s lines, in strace\'s order (ERESTARTSYS with SA_RESTART, EINTR without)', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not installed: cannot build the signal probe');
  const dir = tmp();
  writeFileSync(`${dir}/r.c`, `#include <signal.h>
#include <string.h>
#include <unistd.h>
static int fds[2];
static void onalrm(int s) { (void)s; write(fds[1], "z", 1); }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = onalrm; sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, 0); pipe(fds); alarm(1);
  char c; if (read(fds[0], &c, 1) != 1 || c != 'z') return 1;
  sa.sa_flags = 0; sigaction(SIGALRM, &sa, 0); alarm(1);
  return read(fds[0], &c, 1) == -1 ? 0 : 2;
}
`);
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/r`, `${dir}/r.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const r = lde(['run', '--strace', `${dir}/r`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n').map((l) => l.replace(/0x[0-9a-f]+/g, 'ADDR'));
  const from = lines.findIndex((l) => l.includes('ERESTARTSYS'));
  assert.deepEqual(lines.slice(from, from + 5), [
    '[pid 1] read(3, ADDR, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
    '[pid 1] --- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---',
    '[pid 1] write(4, "z", 1) = 1',
    '[pid 1] rt_sigreturn({mask=[]}) = 3',
    '[pid 1] read(3, "z", 1) = 1',
  ]);
  const eintr = lines.findIndex((l) => l.includes('EINTR'));
  assert.deepEqual(lines.slice(eintr, eintr + 4), [
    '[pid 1] read(3, ADDR, 1) = -1 EINTR (Interrupted system call)',
    '[pid 1] --- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---',
    '[pid 1] write(4, "z", 1) = 1',
    '[pid 1] rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)',
  ]);
});

test('a sink whose output fails (a full disk) does not change the run: the program\'s status, and one line', () => {
  const r = lde(['run', '--trace', '/dev/full', '--strace=/dev/full', 'hello']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, readFileSync('user/expected/hello.txt', 'utf8').split('\n').slice(1).join('\n'));
  assert.deepEqual(r.stderr.trimEnd().split('\n').sort(), [
    'lde: --strace /dev/full: writing failed (ENOSPC); that output is incomplete',
    'lde: --trace /dev/full: writing failed (ENOSPC); that output is incomplete',
  ]);
  const file = tmp() + '/t.json';
  assert.equal(lde(['run', '--trace', file, 'README.md']).status, 126);
  assert.ok(!existsSync(file), 'a program that cannot start leaves no trace file behind');
});

test('--strace reports an ignored SIGCHLD as strace -f does: after the wait4 it woke, before the parent runs on', () => {
  const r = lde(['run', '--strace', 'cowfork']);
  assert.equal(r.status, 0);
  const lines = r.stderr.split('\n');
  const i = lines.indexOf('[pid 2] +++ exited with 7 +++');
  assert.ok(i > 0, r.stderr);
  assert.deepEqual(lines.slice(i + 1, i + 3), [
    '[pid 1] wait4(2, [{WIFEXITED(s) && WEXITSTATUS(s) == 7}], 0, NULL) = 2',
    '[pid 1] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, si_uid=0, si_status=7, si_utime=0, si_stime=0} ---',
  ]);
  // Reporting it changes nothing: the same run without a tracer (the --diagram run above) has the same output and status.
  const plain = diagramRun();
  assert.equal(plain.status, r.status);
  assert.equal(plain.stdout, r.stdout);
});
