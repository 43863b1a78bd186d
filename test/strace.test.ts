// --strace decodes system calls as strace does (src/kernel/sys/strace.ts). The
// oracles: strace's own formats (its sources: string_quote, printsiginfo,
// print_wait_status, the xlat tables) for the pure decoders; the known system
// calls of the bundled programs (user/src/*.c) and of a probe compiled here
// for the lines of real runs; and an invariant for the rest: decoding has no
// side effects, so a traced run is the same run as an untraced one (the
// probe checks it from inside: a page that only the decoder could have
// faulted in must still fault when the program touches it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { lde, have, ROOT, type Run } from './helpers/cli.js';
import { formatExit, formatSiginfo, quote, sigsetText, waitStatusText, STRERROR } from '../src/kernel/sys/strace.js';
import { ERRNO_NAMES } from '../src/kernel/errno.js';

const tmp = () => mkdtempSync(tmpdir() + '/lde-strace-');

interface Traced { status: number; stdout: string; stderr: string; lines: string[] }

/**
 * Runs PROGRAM under --strace=FILE, with --stats=json too (its counts go to
 * stderr, which no test here reads otherwise): the exit status, stdout,
 * stderr and the log's lines. A run is made once per argument list and shared
 * by the tests that look at it, as the untraced runs are: each costs a
 * process.
 */
const tracedRuns = new Map<string, Traced>();
function strace(args: string[]): Traced {
  const key = args.join('\0');
  let r = tracedRuns.get(key);
  if (!r) {
    const file = tmp() + '/log';
    const run = lde(['run', `--strace=${file}`, '--stats=json', ...args]);
    r = { ...run, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
    tracedRuns.set(key, r);
  }
  return r;
}

/** The same run without --strace, with --stats=json; shared the same way. */
const plainRuns = new Map<string, Run>();
function plain(args: string[]): Run {
  const key = args.join('\0');
  let r = plainRuns.get(key);
  if (!r) plainRuns.set(key, (r = lde(['run', '--stats=json', ...args])));
  return r;
}

/** The --stats=json object on stderr (after any line lde printed before it). */
const statsOf = (r: { stderr: string }) => JSON.parse(r.stderr.slice(r.stderr.indexOf('{')));

function has(lines: string[], want: string | RegExp): void {
  const ok = lines.some((l) => (typeof want === 'string' ? l === want : want.test(l)));
  assert.ok(ok, `no line ${want} in:\n${lines.join('\n')}`);
}

// ---- the pure decoders, against strace's formats ----------------------------------

test('strings are quoted as strace quotes them: C escapes, octal as short as the next byte allows', () => {
  const b = (...xs: (number | string)[]) => Uint8Array.from(xs.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])));
  assert.equal(quote(b('hi\n\t"\\', 12, 11, 13)), '"hi\\n\\t\\"\\\\\\f\\v\\r"');
  assert.equal(quote(b(1, 1, '7', 0)), '"\\1\\0017\\0"');
  assert.equal(quote(b(0x7f, 0xff, 'A')), '"\\177\\377A"');
  assert.equal(quote(b(0x35, 0xc6), true), '"\\x35\\xc6"');
});

test('signal sets name their signals without SIG, and invert when 2/3 or more are set', () => {
  const bit = (s: number) => 1n << BigInt(s - 1);
  assert.equal(sigsetText(0n), '[]');
  assert.equal(sigsetText(bit(2) | bit(10)), '[INT USR1]');
  assert.equal(sigsetText(bit(32) | bit(35) | bit(64)), '[RTMIN RT_3 RT_32]');
  assert.equal(sigsetText(~(bit(32) | bit(33)) & (2n ** 64n - 1n)), '~[RTMIN RT_1]', "glibc's sigfillset");
  assert.equal(sigsetText(2n ** 64n - 1n), '~[]');
});

test('wait statuses read as the W* macros that take them apart', () => {
  assert.equal(waitStatusText(0), '[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]');
  assert.equal(waitStatusText(7 << 8), '[{WIFEXITED(s) && WEXITSTATUS(s) == 7}]');
  assert.equal(waitStatusText(9), '[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]');
  assert.equal(waitStatusText(0x80 | 11), '[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]');
  assert.equal(waitStatusText((19 << 8) | 0x7f), '[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]');
  assert.equal(waitStatusText(0xffff), '[{WIFCONTINUED(s)}]');
});

test('siginfo is decoded per signal and per origin, as strace prints it', () => {
  assert.equal(formatSiginfo(11, { code: 1, addr: 0x10 }), '{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}');
  assert.equal(formatSiginfo(11, { code: 2, addr: 0x1000 }), '{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x1000}');
  assert.equal(formatSiginfo(11, { code: 0x80, addr: 0 }), '{si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL}');
  assert.equal(formatSiginfo(7, { code: 1, addr: 0x1001 }), '{si_signo=SIGBUS, si_code=BUS_ADRALN, si_addr=0x1001}');
  assert.equal(formatSiginfo(4, { code: 1, addr: 0x10138 }), '{si_signo=SIGILL, si_code=ILL_ILLOPC, si_addr=0x10138}');
  assert.equal(formatSiginfo(5, { code: 1, addr: 0x1000 }), '{si_signo=SIGTRAP, si_code=TRAP_BRKPT, si_addr=0x1000}');
  assert.equal(formatSiginfo(14, { code: 0x80 }), '{si_signo=SIGALRM, si_code=SI_KERNEL}');
  assert.equal(formatSiginfo(15, { code: 0, pid: 2 }), '{si_signo=SIGTERM, si_code=SI_USER, si_pid=2, si_uid=0}');
  assert.equal(formatSiginfo(6, { code: -6, pid: 1 }), '{si_signo=SIGABRT, si_code=SI_TKILL, si_pid=1, si_uid=0}');
  assert.equal(formatSiginfo(35, { code: -1, pid: 1, value: 42n }), '{si_signo=SIGRT_3, si_code=SI_QUEUE, si_pid=1, si_uid=0, si_int=42, si_ptr=0x2a}');
  assert.equal(formatSiginfo(17, { code: 1, pid: 2, status: 0 }),
    '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, si_uid=0, si_status=0, si_utime=0, si_stime=0}');
  assert.equal(formatSiginfo(17, { code: 2, pid: 3, status: 9 }),
    '{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=3, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0}');
  assert.equal(formatSiginfo(17, { code: 5, pid: 3, status: 19 }),
    '{si_signo=SIGCHLD, si_code=CLD_STOPPED, si_pid=3, si_uid=0, si_status=SIGSTOP, si_utime=0, si_stime=0}');
  assert.equal(formatSiginfo(17, { code: 6, pid: 3, status: 18 }),
    '{si_signo=SIGCHLD, si_code=CLD_CONTINUED, si_pid=3, si_uid=0, si_status=SIGCONT, si_utime=0, si_stime=0}');
});

test('exit lines say core dumped only when the wait status has WCOREDUMP (lde writes no core, like RLIMIT_CORE 0)', () => {
  assert.equal(formatExit(0), 'exited with 0');
  assert.equal(formatExit(42 << 8), 'exited with 42');
  assert.equal(formatExit(11), 'killed by SIGSEGV');
  assert.equal(formatExit(11 | 0x80), 'killed by SIGSEGV (core dumped)');
  assert.equal(formatExit(9), 'killed by SIGKILL');
  assert.equal(formatExit(15), 'killed by SIGTERM');
  assert.equal(formatExit(13), 'killed by SIGPIPE');
});

test("every errno the kernel can return has glibc's strerror message", () => {
  for (const name of Object.values(ERRNO_NAMES)) assert.ok(STRERROR[name], `${name} has no message`);
  assert.equal(STRERROR.ENOENT, 'No such file or directory');
  assert.equal(STRERROR.EAGAIN, 'Resource temporarily unavailable');
  assert.equal(STRERROR.ENOTTY, 'Inappropriate ioctl for device');
});

// ---- real runs of the bundled programs --------------------------------------------------

test('hello: each write shows its string, cut at 32 bytes', () => {
  const r = strace(['hello']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.lines, [
    '[pid 1] write(1, "hello: argc=1\\n", 14) = 14',
    '[pid 1] write(1, "hello: argv[0]=hello\\n", 21) = 21',
    '[pid 1] write(1, "hello: hello, world, from a stat"..., 51) = 51',
    '[pid 1] exit_group(0) = ?',
    '[pid 1] +++ exited with 0 +++',
  ]);
  // The run is the one qemu-riscv64 recorded (user/expected, which an untraced run also prints).
  assert.equal(r.stdout, readFileSync(`${ROOT}user/expected/hello.txt`, 'utf8').split('\n').slice(1).join('\n'));
});

test('segfault and illegal: the fault signal with its si_code and address, then a core-dumping kill', () => {
  const s = strace(['segfault']);
  assert.equal(s.status, 139);
  assert.deepEqual(s.lines.slice(-2), [
    '[pid 1] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---',
    '[pid 1] +++ killed by SIGSEGV +++',
  ]);
  const i = strace(['illegal']);
  has(i.lines, /^\[pid 1\] --- SIGILL \{si_signo=SIGILL, si_code=ILL_ILLOPC, si_addr=0x[0-9a-f]+\} ---$/);
  has(i.lines, '[pid 1] +++ killed by SIGILL +++');
});

test('cowfork and pipe: clone, the child under its own pid, wait4 with the decoded status, pipe2 fds', () => {
  const c = strace(['cowfork']);
  assert.equal(c.status, 0);
  has(c.lines, '[pid 1] clone(child_stack=NULL, flags=SIGCHLD) = 2');
  has(c.lines, '[pid 2] getppid() = 1');
  has(c.lines, '[pid 2] exit_group(7) = ?');
  has(c.lines, '[pid 2] +++ exited with 7 +++');
  has(c.lines, '[pid 1] wait4(2, [{WIFEXITED(s) && WEXITSTATUS(s) == 7}], 0, NULL) = 2');
  const p = strace(['pipe', '3']);
  assert.equal(p.status, 0);
  has(p.lines, '[pid 1] pipe2([3, 4], 0) = 0');
  has(p.lines, '[pid 1] write(4, "\\2\\0\\0\\0\\0\\0\\0\\0", 8) = 8');
  has(p.lines, '[pid 2] read(3, "\\2\\0\\0\\0\\0\\0\\0\\0", 8) = 8'); // a read that slept: its buffer is shown as filled
  has(p.lines, '[pid 2] read(3, "", 8) = 0');
  has(p.lines, '[pid 1] wait4(2, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 2');
});

test('signal: sigaction structs, kill by name, SI_USER siginfo, rt_sigprocmask sets, rt_sigreturn', () => {
  const r = strace(['signal']);
  assert.equal(r.status, 0);
  has(r.lines, /^\[pid 1\] rt_sigaction\(SIGUSR1, \{sa_handler=0x[0-9a-f]+, sa_mask=\[\], sa_flags=SA_SIGINFO\}, NULL, 8\) = 0$/);
  has(r.lines, '[pid 1] kill(1, SIGUSR1) = 0');
  has(r.lines, '[pid 1] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=1, si_uid=0} ---');
  has(r.lines, '[pid 1] rt_sigprocmask(SIG_BLOCK, NULL, [USR1], 8) = 0');
  has(r.lines, '[pid 1] rt_sigreturn({mask=[]}) = 0');
  has(r.lines, '[pid 1] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---');
});

test('libc: open flags and mode, errors with their strerror, brk in hex, an unknown call in hex', () => {
  const r = strace(['libc']);
  assert.equal(r.status, 0);
  has(r.lines, '[pid 1] close(-1) = -1 EBADF (Bad file descriptor)');
  has(r.lines, '[pid 1] openat(AT_FDCWD, "/nonexistent/lde-libc-check", O_RDONLY) = -1 ENOENT (No such file or directory)');
  has(r.lines, '[pid 1] openat(AT_FDCWD, "/nonexistent/dir/file", O_WRONLY|O_CREAT|O_TRUNC, 0644) = -1 ENOENT (No such file or directory)');
  has(r.lines, /^\[pid 1\] brk\(NULL\) = 0x[0-9a-f]+$/);
  has(r.lines, /^\[pid 1\] syscall_0x270f\((0x[0-9a-f]+|0), (0x[0-9a-f]+|0), (0x[0-9a-f]+|0), (0x[0-9a-f]+|0), (0x[0-9a-f]+|0), (0x[0-9a-f]+|0)\) = -1 ENOSYS \(Function not implemented\)$/);
  has(r.lines, /^\[pid 1\] gettimeofday\(\{tv_sec=\d+, tv_usec=\d+\}, NULL\) = 0$/);
});

test('exec and sleeper: execve with argv and an env count (decoded before the image is replaced), timespecs', () => {
  const e = strace(['exec']);
  assert.equal(e.status, 0);
  has(e.lines, /^\[pid 1\] readlinkat\(AT_FDCWD, "\/proc\/self\/exe", "[^"]*"(\.\.\.)?, \d+\) = \d+$/);
  const env = Object.keys(process.env).length;
  has(e.lines, new RegExp(`^\\[pid 1\\] execve\\("[^"]+/exec", \\["[^"]+/exec", "4", "1"\\], 0x[0-9a-f]+ /\\* ${env} vars \\*/\\) = 0$`));
  const s = strace(['sleeper']);
  has(s.lines, '[pid 1] nanosleep({tv_sec=0, tv_nsec=100000000}, NULL) = 0');
  has(s.lines, /^\[pid 1\] clock_gettime\(CLOCK_MONOTONIC, \{tv_sec=0, tv_nsec=\d+\}\) = 0$/);
});

// ---- decoding has no side effects ------------------------------------------------------

// The programs whose traced runs the tests above made, and pfstorm (page
// faults: a decoder that touched a page the program had not would change
// them); the untraced runs are made here.
const SAME = [['cowfork'], ['pipe', '3'], ['segfault'], ['signal'], ['pfstorm'], ['exec'], ['libc']];

test('a run with --strace is the same run: same stdout and exit status as without', () => {
  for (const args of SAME) {
    const traced = strace(args), untraced = plain(args);
    assert.equal(traced.status, untraced.status, args.join(' '));
    assert.equal(traced.stdout, untraced.stdout, args.join(' '));
    assert.ok(traced.lines.length > 2, args.join(' '));
  }
});

test('--strace changes no count: --stats=json is the same with and without it', () => {
  for (const args of SAME) assert.deepEqual(statsOf(strace(args)), statsOf(plain(args)), args.join(' '));
});

// ---- a glibc probe, compiled here --------------------------------------------------------

const PROBE = `#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static void onchld(int sig) { (void)sig; }
static long minflt(void) { struct rusage ru; getrusage(RUSAGE_SELF, &ru); return ru.ru_minflt; }
int main(void) {
  open("/nonexistent/lde-strace", O_RDONLY | O_CLOEXEC);
  char *fresh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  write(-1, fresh, 10); /* fails before the kernel reads the buffer: only a decoder could fault it in */
  long before = minflt();
  char first = *(volatile char *)fresh;
  printf("touching the fresh page after write(-1) faulted it in: %s\\n", minflt() - before == 1 && first == 0 ? "yes" : "no");
  fflush(stdout);
  int p[2];
  pipe2(p, O_CLOEXEC);
  write(p[1], "ab\\n\\t\\"\\\\\\001\\0017", 10);
  char buf[16];
  read(p[0], buf, sizeof buf);
  struct timespec ts = { 0, 1000 };
  nanosleep(&ts, NULL);
  sigset_t s;
  sigemptyset(&s); sigaddset(&s, SIGINT); sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_BLOCK, &s, NULL);
  signal(SIGCHLD, onchld);
  pid_t c = fork();
  if (c == 0) _exit(3);
  int st;
  while (waitpid(c, &st, 0) < 0) {}
  return WEXITSTATUS(st) == 3 ? 0 : 1;
}
`;

test('a glibc probe: openat ENOENT, unread buffers in hex, escapes, sigsets, fork, SIGCHLD, wait4; and no side effect', (t) => {
  if (!have('riscv64-linux-gnu-gcc')) return t.skip('riscv64-linux-gnu-gcc not installed: cannot build the strace probe');
  const dir = tmp();
  writeFileSync(`${dir}/probe.c`, PROBE);
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O1', '-o', `${dir}/probe`, `${dir}/probe.c`], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const plain = lde(['run', `${dir}/probe`]);
  const r = strace([`${dir}/probe`]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(r.status, 0);
  assert.equal(plain.stdout, 'touching the fresh page after write(-1) faulted it in: yes\n');
  assert.equal(r.stdout, plain.stdout, 'decoding faulted a page in');
  has(r.lines, '[pid 1] openat(AT_FDCWD, "/nonexistent/lde-strace", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)');
  has(r.lines, /^\[pid 1\] mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$/);
  has(r.lines, /^\[pid 1\] write\(-1, 0x[0-9a-f]+, 10\) = -1 EBADF \(Bad file descriptor\)$/);
  has(r.lines, /^\[pid 1\] getrusage\(RUSAGE_SELF, \{ru_utime=\{tv_sec=0, tv_usec=\d+\}, ru_stime=\{tv_sec=0, tv_usec=\d+\}, \.\.\.\}\) = 0$/);
  has(r.lines, '[pid 1] pipe2([3, 4], O_CLOEXEC) = 0');
  has(r.lines, '[pid 1] write(4, "ab\\n\\t\\"\\\\\\1\\0017\\0", 10) = 10');
  has(r.lines, '[pid 1] read(3, "ab\\n\\t\\"\\\\\\1\\0017\\0", 16) = 10');
  has(r.lines, '[pid 1] clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, NULL) = 0');
  has(r.lines, '[pid 1] rt_sigprocmask(SIG_BLOCK, [INT USR1], NULL, 8) = 0');
  has(r.lines, /^\[pid 1\] rt_sigaction\(SIGCHLD, \{sa_handler=0x[0-9a-f]+, sa_mask=\[CHLD\], sa_flags=SA_RESTART\}, \{sa_handler=SIG_DFL, sa_mask=\[\], sa_flags=0\}, 8\) = 0$/);
  has(r.lines, /^\[pid 1\] clone\(child_stack=NULL, flags=CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD, child_tidptr=0x[0-9a-f]+\) = 2$/);
  has(r.lines, '[pid 2] exit_group(3) = ?');
  has(r.lines, '[pid 1] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---');
  has(r.lines, '[pid 1] wait4(2, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 2');
  has(r.lines, '[pid 1] +++ exited with 0 +++');
});
