// The guest's terminal: when lde's stdin is a host terminal (HostIO.terminal),
// fds 0, 1 and 2 of the first process and /dev/tty are one tty, Linux's
// pts in miniature. Keys come from the host in raw mode and go through the
// line discipline (ldisc.ts); output goes through its OPOST processing to
// the host's screen. The tty belongs to a session (its controlling
// terminal) and has a foreground process group: ^C, ^Z and ^\ signal that
// group, a background group that reads is stopped with SIGTTIN, and one
// that writes under TOSTOP (or changes the settings) with SIGTTOU. The
// first process leads the session and is the foreground group.
//
// Host input is not an interrupt here: the kernel pulls it. Kernel.syncClock
// calls poll() (at most once per 5 ms of virtual time, so a program
// that never reads still gets its ^C), a read or poll of the tty pulls
// before it decides, and when every process is asleep Kernel.deadlock
// waits on the host terminal (awaitHost) instead of ending the run, since
// a key may still wake someone or end a group. The window size is looked
// at on each pull; a change is SIGWINCH for the foreground group. When the
// first process itself is stopped (^Z on `lde run vi`), nothing in the
// guest can continue it: lde stops as a job of the host's shell, and
// continues the guest when it is continued.

import type { Kernel } from '../kernel.js';
import type { HostTerminal } from '../host.js';
import type { Process } from '../sched/proc.js';
import { WaitQueue } from '../sched/wait.js';
import { Sig, SIG_IGN, bit } from '../signal/signal.js';
import { EAGAIN, EIO } from '../errno.js';
import { ConsoleFile, File, O_NONBLOCK, S_IFCHR, type StatInfo } from './file.js';
import { Ldisc, VMIN, VTIME } from './ldisc.js';
import { POLLHUP, PollHead, READABLE, WRITABLE } from './poll.js';
import { droppedTty, groupMembers, orphaned, pgidOf, sidOf } from './tty-session.js';

const SI_KERNEL = 0x80;
/** How often, in virtual cycles (5 ms), the kernel looks for keys while processes run or the hart idles between ticks. */
const POLL_CYCLES = 5_000_000;
/** How long one host wait lasts when every process sleeps: the window size is looked at in between. */
const WAIT_MS = 250;
/** VTIME counts tenths of a second. */
const DECISECOND = 100_000_000;

export interface WinSize { rows: number; cols: number; xpixel: number; ypixel: number; }

export class Tty {
  readonly ldisc: Ldisc;
  /** The session whose controlling terminal this is (its leader's pid), or undefined. */
  session: number | undefined;
  /** The foreground process group (0: none). */
  pgrp = 0;
  winsize: WinSize;
  /** Readers wait here for input; writers for output to be started again (VSTOP). */
  readonly readers = new WaitQueue();
  readonly writers = new WaitQueue();
  /** poll, select and epoll waiters (poll.ts). */
  readonly head = new PollHead();
  /** The host terminal hung up: reads give end of file, writes EIO. */
  hungUp = false;
  /** When the last byte came in (VTIME's inter-byte timer). */
  lastInput = 0;
  private nextPoll = 0;
  private hostSize: { rows: number; cols: number };

  constructor(private readonly k: Kernel, private readonly term: HostTerminal) {
    this.ldisc = new Ldisc({ output: (b) => this.term.write(b), signal: (sig) => this.signalForeground(sig) });
    this.hostSize = term.size();
    this.winsize = { rows: this.hostSize.rows, cols: this.hostSize.cols, xpixel: 0, ypixel: 0 };
  }

  /** Readiness changed: readers, writers and pollers look again. */
  changed(): void {
    this.k.wake(this.readers);
    this.k.wake(this.writers);
    this.head.notify();
  }

  /** Sends sig to every process of the foreground group (kill_pgrp from the tty: SI_KERNEL). */
  signalForeground(sig: number): void { this.signalGroup(this.pgrp, sig); }

  signalGroup(pgid: number, sig: number): void {
    if (pgid > 0) for (const q of groupMembers(this.k, pgid)) this.k.signalGroup(q, sig, { code: SI_KERNEL });
  }

  /** Takes what the host typed into the line discipline, and a new window size; at most once per POLL_CYCLES unless `now`. */
  poll(now = false): void {
    const cycle = this.k.hart.cycle;
    if (!now && cycle < this.nextPoll) return;
    this.nextPoll = cycle + POLL_CYCLES;
    if (this.hungUp) return;
    const size = this.term.size();
    if (size.rows !== this.hostSize.rows || size.cols !== this.hostSize.cols) {
      this.hostSize = size;
      this.resize({ rows: size.rows, cols: size.cols, xpixel: 0, ypixel: 0 });
    }
    const bytes = this.term.input();
    if (bytes === undefined) return this.hangup();
    if (bytes.length === 0) return;
    this.lastInput = cycle;
    this.ldisc.receive(bytes);
    this.changed();
  }

  /** TIOCSWINSZ or the host's resize: a different size is SIGWINCH for the foreground group (tty_do_resize). */
  resize(w: WinSize): void {
    const o = this.winsize;
    if (o.rows === w.rows && o.cols === w.cols && o.xpixel === w.xpixel && o.ypixel === w.ypixel) return;
    this.winsize = w;
    this.signalForeground(Sig.WINCH);
  }

  /** The host terminal went away (tty_vhangup): SIGHUP and SIGCONT to the foreground group, end of file for readers. */
  private hangup(): void {
    this.hungUp = true;
    this.signalForeground(Sig.HUP);
    this.signalForeground(Sig.CONT);
    this.changed();
  }

  /**
   * Every process is asleep (Kernel.deadlock): waits on the host for a key
   * or a new size, and takes it in. False when nothing can come any more
   * (the terminal hung up), so the deadlock is real.
   */
  awaitHost(): boolean {
    if (this.hungUp) return false;
    const first = this.k.procs.get(1);
    if (first !== undefined && first.group.stopped && first.group.threads.length > 0 && this.term.suspend !== undefined) {
      // Nobody in the guest can continue it: the host's shell may (fg), and the guest goes on with SIGCONT.
      this.term.suspend();
      this.signalGroup(pgidOf(first), Sig.CONT);
      return true;
    }
    this.term.wait(WAIT_MS);
    this.poll(true);
    return true;
  }

  /** Puts output on the screen through OPOST processing. */
  output(bytes: Uint8Array): void { this.term.write(this.ldisc.process(bytes)); }

  /** Whether this is p's controlling terminal. */
  controls(p: Process): boolean { return this.session !== undefined && sidOf(p) === this.session && !droppedTty(p); }

  /**
   * tty_check_change (drivers/tty/tty_jobctrl.c): a process of a background
   * group of this, its controlling terminal, may not read (sig SIGTTIN) or
   * change it (SIGTTOU). 0: go on. With sig ignored or blocked, SIGTTOU lets
   * it go on and SIGTTIN is EIO; in an orphaned group, EIO; otherwise the
   * caller's group gets sig and the caller sleeps, to run the call again
   * when continued (or see EINTR after a handler): the result is BLOCK.
   */
  checkChange(p: Process, sig: Sig.TTIN | Sig.TTOU): number {
    if (!this.controls(p)) return 0;
    const pgid = pgidOf(p);
    if (this.pgrp === 0 || pgid === this.pgrp) return 0;
    if ((p.sigMask & bit(sig)) !== 0n || p.sigActions[sig].handler === SIG_IGN) return sig === Sig.TTIN ? -EIO : 0;
    if (orphaned(this.k, pgid)) return -EIO;
    const r = this.k.sleepOn(p, new WaitQueue());
    this.signalGroup(pgid, sig);
    return r;
  }
}

/** The kernel's terminal, if lde's stdin is a host terminal and the first process exists. */
export const ttyOf = (k: Kernel): Tty | undefined => k.tty;

/**
 * fds 0, 1 and 2 of a first process. With a host terminal on stdin they are
 * the tty (fd 1 and 2 only where the host's are that terminal too, so a
 * redirected stdout stays a file), and p leads the session the tty
 * controls and the foreground group. Without one, the host's stdio as
 * ConsoleFiles, as always.
 */
export function consoleFiles(k: Kernel, p: Process): File[] {
  const term = k.host.terminal;
  if (term === undefined) return [new ConsoleFile(k.host, 0, 0), new ConsoleFile(k.host, 1, 1), new ConsoleFile(k.host, 2, 1)];
  const tty = k.tty ??= new Tty(k, term);
  tty.session = sidOf(p);
  tty.pgrp = pgidOf(p);
  const out = (fd: 1 | 2) => (k.host.stdioKind(fd) === 'tty' ? new TtyFile(k, tty, 2) : new ConsoleFile(k.host, fd, 1));
  return [new TtyFile(k, tty, 2), out(1), out(2)];
}

/** An open file on the tty (fds 0-2 of the first process, /dev/tty). */
export class TtyFile extends File {
  constructor(private readonly k: Kernel, readonly tty: Tty, flags: number) { super(flags); }

  /** n_tty_read: the job-control check, then a line (canonical) or what VMIN and VTIME ask for; -EAGAIN, or a sleep, when not there yet. */
  override read(len: number): Uint8Array | number {
    const p = this.k.current, t = this.tty, l = t.ldisc;
    if (p !== undefined) { const r = t.checkChange(p, Sig.TTIN); if (r !== 0) return r; }
    t.poll(true);
    if (l.canonical) {
      if (l.readable()) return l.read(len);
      return t.hungUp ? new Uint8Array(0) : this.wait(p, Infinity);
    }
    const min = l.termios.cc[VMIN], time = l.termios.cc[VTIME] * DECISECOND, now = this.k.hart.cycle;
    const avail = l.available;
    if (avail >= Math.max(1, Math.min(min, len)) || t.hungUp) return this.done(p, l.read(len));
    if (min === 0 && time === 0) return this.done(p, new Uint8Array(0));
    if (min === 0) {
      // VTIME alone: a timer for the whole read, kept across its runs.
      if (p !== undefined && p.sleepDeadline < 0) p.sleepDeadline = now + time;
      if (p === undefined || now >= p.sleepDeadline) return this.done(p, new Uint8Array(0));
      return this.wait(p, p.sleepDeadline);
    }
    // VMIN with VTIME: an inter-byte timer, started by the first byte.
    if (time > 0 && avail > 0) return now >= t.lastInput + time ? l.read(len) : this.wait(p, t.lastInput + time);
    return this.wait(p, Infinity);
  }

  private done(p: Process | undefined, r: Uint8Array): Uint8Array {
    if (p !== undefined) p.sleepDeadline = -1;
    return r;
  }

  /** No input yet: EAGAIN under O_NONBLOCK, else a sleep on the readers' queue (until `until` at the latest). */
  private wait(p: Process | undefined, until: number): number {
    if ((this.flags & O_NONBLOCK) || p === undefined) return -EAGAIN;
    return until === Infinity ? this.k.sleepOn(p, this.tty.readers) : this.k.sleepOnUntil(p, this.tty.readers, until);
  }

  override unread(bytes: Uint8Array, copied: number): number {
    this.tty.ldisc.unread(bytes.subarray(copied));
    return copied;
  }

  /** n_tty_write: TOSTOP's job-control check, output held while stopped (VSTOP), EIO after a hangup. */
  override write(bytes: Uint8Array): number {
    const p = this.k.current, t = this.tty;
    if (t.hungUp) return -EIO;
    if (p !== undefined && (t.ldisc.termios.lflag & 0o400 /* TOSTOP */)) { const r = t.checkChange(p, Sig.TTOU); if (r !== 0) return r; }
    if (t.ldisc.stopped) return -EAGAIN;
    t.output(bytes);
    return bytes.length;
  }

  override waitQueue(forWrite: boolean): WaitQueue { return forWrite ? this.tty.writers : this.tty.readers; }

  /** n_tty_poll: readable with a line (canonical) or VMIN bytes (VTIME 0), hung up once the host terminal is gone; writable unless stopped. */
  override poll(): number {
    const t = this.tty, l = t.ldisc;
    t.poll(true);
    const min = l.termios.cc[VTIME] === 0 ? l.termios.cc[VMIN] : 1;
    if (t.hungUp) return READABLE | POLLHUP;
    return (l.readable(min) ? READABLE : 0) | (l.stopped ? 0 : WRITABLE);
  }

  override pollHead(): PollHead { return this.tty.head; }

  /** A pts (major 136, minor 0), as the host's terminal is. */
  override stat(): StatInfo { return { mode: S_IFCHR | 0o620, size: 0, ino: 3, rdev: 0x8800, mtimeMs: 0 }; }

  override isTty(): boolean { return true; }
}
