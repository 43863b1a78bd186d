// The guest's terminal (docs/terminal.md), driven through a pseudo-terminal:
// script(1) (util-linux, in Debian's essential bsdutils) runs lde on a pty
// and the test types keys into it and reads the screen. Every wait is for
// text to appear on the screen, with the hang guard as its only limit: no
// durations are asserted.
// - test/tty/termios.c under lde and under qemu-riscv64 (on the host's own
//   pty) prints the same screen: the default settings, canonical editing,
//   end of file, VMIN, ^C, job control from a background group (SIGTTIN,
//   tcsetpgrp), poll and FIONREAD on a line (oracle:
//   the host kernel's tty, through qemu).
// - busybox sh (LDE_RVROOT) is a shell with job control: a pipeline, a
//   background job, ^C and ^Z, fg and bg, kill, and vi editing a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { have, LDE, ROOT, HANG_GUARD_MS } from './helpers/cli.js';
import { ECHO, ICANON, ICRNL, IGNCR, INLCR, ISIG, Ldisc, NOFLSH, ONLCR, OPOST, VMIN, VTIME } from '../src/kernel/fs/ldisc.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A program on a pseudo-terminal: keys in, the screen (every byte written to the pty) out. */
class Screen {
  text = '';
  private readonly child: ChildProcess;
  private readonly waiters: (() => void)[] = [];
  readonly done: Promise<number | null>;
  constructor(argv: string[]) {
    this.child = spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], { env: { ...process.env, SHELL: '/bin/sh', TERM: 'xterm' } });
    this.child.stdout!.setEncoding('latin1').on('data', (d: string) => { this.text += d; for (const w of this.waiters.splice(0)) w(); });
    this.done = new Promise((resolve) => this.child.on('close', (status) => { for (const w of this.waiters.splice(0)) w(); resolve(status); }));
  }

  /** Waits until `what` is on the screen after offset `from`; returns the offset just past it. */
  async until(what: string, from = 0, again?: string): Promise<number> {
    const limit = Date.now() + HANG_GUARD_MS;
    for (;;) {
      const at = this.text.indexOf(what, from);
      if (at >= 0) return at + what.length;
      if (this.child.exitCode !== null || Date.now() > limit) assert.fail(`never saw ${JSON.stringify(what)} on the screen:\n${this.text.slice(from)}`);
      const before = this.text.length;
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 1000); });
      // Nothing new for a second: ask again (a job control change shows only when the shell next looks).
      if (again !== undefined && this.text.length === before) this.type(again);
    }
  }

  type(keys: string): void { this.child.stdin!.write(Buffer.from(keys, 'latin1')); }

  close(): void { this.child.stdin!.end(); }

  /** Ends script(1) and so lde under it (a failed step must not leave them running). */
  kill(): void { this.child.kill('SIGKILL'); }
}

/**
 * Types each step's keys once the previous step's text is on the screen; the screen from where it started.
 * A step's `again` is typed whenever the screen stays still while waiting: a background job may reach its
 * read or write only after the shell's next prompt, and the shell reports the stop at the prompt after that.
 */
async function drive(argv: string[], steps: [wait: string, keys: string, again?: string][]): Promise<string> {
  const s = new Screen(argv);
  let at = 0;
  try {
    for (const [wait, keys, again] of steps) { at = await s.until(wait, at, again); s.type(keys); }
  } catch (e) { s.kill(); throw e; }
  s.close();
  await s.done;
  return s.text;
}

/** A line discipline on its own: what it echoes and the signals it raises, by the same rules as n_tty (ldisc.ts). */
function ldisc(): { l: Ldisc; screen: () => string; signals: number[] } {
  let out = '';
  const signals: number[] = [];
  const l = new Ldisc({ output: (b) => { out += Buffer.from(b).toString('latin1'); }, signal: (s) => signals.push(s) });
  return { l, screen: () => out, signals };
}
const keys = (s: string) => Buffer.from(s, 'latin1');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

test('the line discipline: canonical lines, editing, end of file and echo (n_tty)', () => {
  const { l, screen } = ldisc();
  l.receive(keys('ab\x7fc'));
  assert.equal(l.readable(), false, 'no line before its end');
  l.receive(keys(' de\x17x\r'));
  assert.equal(text(l.read(100)), 'ac x\n', 'DEL erases a byte, ^W a word, CR ends the line as NL (ICRNL)');
  assert.equal(screen(), 'ab\b \bc de\b \b\b \bx\r\n', 'ECHOE rubs out; ONLCR turns the echoed NL into CR NL');
  l.receive(keys('one\x15two\x04'));
  assert.equal(l.available, 3, 'FIONREAD counts the finished line: ^U killed "one", ^D ended "two" without itself');
  assert.equal(text(l.read(2)), 'tw');
  assert.equal(text(l.read(2)), 'o', 'the rest of the line, and no more');
  l.receive(keys('\x04'));
  assert.equal(l.readable(), true);
  assert.equal(l.read(10).length, 0, '^D at the start of a line: end of file');
  assert.equal(l.readable(), false, 'once');
});

test('the line discipline: signal characters, NOFLSH, the input flags and raw mode', () => {
  const { l, screen, signals } = ldisc();
  l.receive(keys('abc\x03'));
  assert.deepEqual(signals, [2]);
  assert.equal(l.available, 0, 'the line being edited is flushed');
  assert.match(screen(), /\^C$/, 'echoed as ^C (ECHOCTL)');
  l.setTermios({ ...l.termios, lflag: l.termios.lflag | NOFLSH });
  l.receive(keys('xy\x1a\x1c\n'));
  assert.deepEqual(signals, [2, 20, 3], '^Z is SIGTSTP, ^\\ SIGQUIT');
  assert.equal(text(l.read(10)), 'xy\n', 'NOFLSH keeps the input');
  l.setTermios({ ...l.termios, iflag: (l.termios.iflag & ~ICRNL) | IGNCR | INLCR });
  l.receive(keys('p\rq\n'));
  assert.equal(l.readable(), false, 'IGNCR drops CR; INLCR turns NL into CR, which ends no line');
  l.setTermios({ ...l.termios, lflag: l.termios.lflag & ~(ICANON | ECHO | ISIG), cc: Uint8Array.from(l.termios.cc, (c, i) => (i === VMIN ? 2 : i === VTIME ? 0 : c)) });
  assert.equal(text(l.read(10)), 'pq\r', 'leaving canonical mode makes the pending bytes readable');
  l.receive(keys('\x03z'));
  assert.deepEqual(signals, [2, 20, 3], 'without ISIG ^C is data');
  assert.equal(l.readable(2), true);
  assert.equal(text(l.read(10)), '\x03z');
});

test('the line discipline: output processing', () => {
  const { l } = ldisc();
  assert.equal(text(l.process(keys('a\nb'))), 'a\r\nb', 'OPOST|ONLCR');
  l.setTermios({ ...l.termios, oflag: OPOST });
  assert.equal(text(l.process(keys('a\nb'))), 'a\nb');
  l.setTermios({ ...l.termios, oflag: ONLCR });
  assert.equal(text(l.process(keys('a\nb'))), 'a\nb', 'no OPOST: bytes as they are');
});

// The keys for test/tty/termios.c, after each of its "ready" lines.
const TERMIOS_STEPS: [string, string][] = [
  ['ready1', 'abc\x7fd\x15xy zw\x17k\r'], ['ready2', '\x04'], ['ready3', 'pqrs'], ['ready4', '\x03'], ['ready5', 'ab'], ['ready6', 'cd\r'], ['done', ''],
];

test('test/tty/termios.c sees the same terminal under lde as under qemu-riscv64 on a Linux pty', async (t) => {
  if (!have('riscv64-linux-gnu-gcc', 'qemu-riscv64', 'script')) return t.skip('riscv64-linux-gnu-gcc, qemu-riscv64 or script not on PATH: test/tty not run');
  const dir = mkdtempSync(`${tmpdir()}/lde-tty-`);
  try {
    const bin = `${dir}/termios`;
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-O1', '-Wall', '-static', '-o', bin, `${ROOT}test/tty/termios.c`], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const [lde, qemu] = await Promise.all([
      drive([process.execPath, LDE, 'run', bin], TERMIOS_STEPS),
      drive(['qemu-riscv64', bin], TERMIOS_STEPS),
    ]);
    assert.match(qemu, /line 5: 78 79 20 6b 0a/, 'the oracle edits the line as Linux does');
    assert.equal(lde, qemu);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const RVROOT = process.env.LDE_RVROOT;
const PROMPT = 'lde$ ';

test('busybox sh on the terminal: a pipeline, a background job, ^C, ^Z, fg, bg and kill', async (t) => {
  if (RVROOT === undefined || !existsSync(`${RVROOT}/usr/bin/busybox`) || !have('script')) return t.skip('LDE_RVROOT (scripts/riscv64-debs.sh) or script not there: busybox sh not run');
  const sh = [process.execPath, LDE, 'run', '--env', `PS1=${PROMPT}`, `${RVROOT}/usr/bin/busybox`, 'sh'];
  const screen = await drive(sh, [
    [PROMPT, 'echo one two three | wc -w\r'],
    ['3\r\n' + PROMPT, 'sleep 100 &\r'],
    [PROMPT, 'jobs\r'],
    ['Running', ''],
    [PROMPT, '( echo fg-started; sleep 50 )\r'],
    ['fg-started\r\n', '\x03'],
    [PROMPT, 'echo status=$?\r'],
    ['status=130\r\n' + PROMPT, '( echo stop-me; while :; do sleep 1; echo tick; done )\r'],
    ['stop-me\r\n', '\x1a'],
    ['Stopped', ''],
    [PROMPT, 'fg\r'],
    ['\r\ntick\r\n', '\x03'],
    [PROMPT, '( echo bg-me; sleep 70 )\r'],
    ['bg-me\r\n', '\x1a'],
    ['Stopped', ''],
    [PROMPT, 'bg\r'],
    [PROMPT, 'jobs\r'],
    ['jobs\r\n', ''],
    [PROMPT, 'stty tostop; echo bg-write &\r'],
    [PROMPT, 'jobs\r'],
    ['Stopped (tty output)', '', 'jobs\r'],
    [PROMPT, 'stty -tostop; fg\r'],
    ['bg-write\r\n', ''],
    [PROMPT, 'read x &\r'],
    [PROMPT, 'jobs\r'],
    ['Stopped (tty input)', '', 'jobs\r'],
    [PROMPT, 'kill -9 %\r'],
    [PROMPT, "( trap 'echo got-winch' WINCH; stty rows 30 cols 100; stty size )\r"],
    ['30 100\r\n', ''],
    [PROMPT, 'kill %1\r'],
    ['Terminated', '', 'jobs\r'], // shown at once, or at the prompt after a later command
    [PROMPT, 'exit\r'],
  ]);
  assert.match(screen, /\[1\][+-]? +Running +sleep 100/);
  assert.match(screen, /\^C/, 'the line discipline echoes ^C');
  assert.match(screen, /\[\d\]\+ +Stopped +\(echo stop-me; while/);
  assert.match(screen, /\[\d\][+-]? +Running +\(echo bg-me; sleep 70\)/, 'bg continues the stopped job');
  assert.match(screen, /\[1\][+-]? +Terminated +sleep 100/);
  assert.match(screen, /Stopped \(tty output\) +echo bg-write/, 'a background write under TOSTOP: SIGTTOU');
  assert.match(screen, /Stopped \(tty input\) +read x/, 'a background read: SIGTTIN');
  assert.match(screen, /got-winch\r\n(.|\r\n)*30 100\r\n/, 'TIOCSWINSZ: a new size is SIGWINCH for the foreground group');
});

test('busybox vi opens, edits and saves a file in /tmp on the terminal', async (t) => {
  if (RVROOT === undefined || !existsSync(`${RVROOT}/usr/bin/busybox`) || !have('script')) return t.skip('LDE_RVROOT (scripts/riscv64-debs.sh) or script not there: busybox vi not run');
  const sh = [process.execPath, LDE, 'run', '--env', `PS1=${PROMPT}`, `${RVROOT}/usr/bin/busybox`, 'sh'];
  const screen = await drive(sh, [
    [PROMPT, 'echo first > /tmp/f.txt; vi /tmp/f.txt\r'],
    ['f.txt 1/1 100%', 'Oedited in vi\x1b'], // vi's status line: it is up, in raw mode (keys typed before would be flushed)
    ['- /tmp/f.txt [Modified]', ':wq\r'], // back in command mode (an ESC followed at once by ':' would read as an escape sequence)
    [PROMPT, 'cat /tmp/f.txt\r'],
    ['first\r\n' + PROMPT, 'exit\r'],
  ]);
  assert.match(screen, /edited in vi\r\nfirst\r\n/);
});
