// ioctl(2) on the tty (ioctl_tty(2); Linux's tty_ioctl, tty_jobctrl.c and
// n_tty_ioctl): the termios calls (TCGETS/TCSETS* and their termios2 and
// old-termio forms), TCFLSH, TCXONC, TCSBRK, the window size, the
// controlling terminal and the foreground group, FIONREAD and TIOCOUTQ.
// A call that changes the terminal runs the job-control check first
// (Tty.checkChange with SIGTTOU).

import type { Kernel } from '../kernel.js';
import type { Process } from '../sched/proc.js';
import { Sig } from '../signal/signal.js';
import { copyIn, copyOut } from '../mm/uaccess.js';
import { EFAULT, EINVAL, ENOTTY, EPERM, ESRCH } from '../errno.js';
import { NCCS, parseTermios, termiosBytes, type Termios } from './ldisc.js';
import { dropTty, isSessionLeader, pgidOf, sessionOfGroup, sidOf } from './tty-session.js';
import type { Tty, TtyFile } from './tty.js';

export const TCGETS = 0x5401, TIOCGWINSZ = 0x5413;
const TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCGETA = 0x5405, TCSETA = 0x5406, TCSETAW = 0x5407,
  TCSETAF = 0x5408, TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b, TIOCEXCL = 0x540c, TIOCNXCL = 0x540d,
  TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCSWINSZ = 0x5414,
  FIONREAD = 0x541b, TIOCNOTTY = 0x5422, TIOCSETD = 0x5423, TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCGSID = 0x5429,
  TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b, TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d;
const TCOOFF = 0, TCOON = 1, TCIOFF = 2, TCION = 3, TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;
const VSTART = 8, VSTOP = 9;

const i32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b; };
const put = (p: Process, va: number, b: Uint8Array) => (copyOut(p.as, va, b) ? 0 : -EFAULT);
function getInt(p: Process, va: number): number | undefined {
  const b = copyIn(p.as, va, 4);
  return b === undefined ? undefined : new DataView(b.buffer).getInt32(0, true);
}

/** ioctl(fd, req, arg) on a tty file: 0 or a value, -errno, or BLOCK (a background caller was sent SIGTTOU). */
export function ttyIoctl(k: Kernel, p: Process, f: TtyFile, req: number, arg: number): number {
  const t = f.tty, l = t.ldisc;
  switch (req) {
    case TCGETS: case TCGETS2: return put(p, arg, termiosBytes(l.termios, req === TCGETS2));
    case TCGETA: return put(p, arg, termioBytes(l.termios));
    case TCSETS: case TCSETSW: case TCSETSF: case TCSETS2: case TCSETSW2: case TCSETSF2:
    case TCSETA: case TCSETAW: case TCSETAF: return setTermios(p, t, req, arg);
    case TIOCGWINSZ: {
      const b = new Uint8Array(8), dv = new DataView(b.buffer), w = t.winsize;
      [w.rows, w.cols, w.xpixel, w.ypixel].forEach((v, i) => dv.setUint16(2 * i, v, true));
      return put(p, arg, b);
    }
    case TIOCSWINSZ: {
      const b = copyIn(p.as, arg, 8);
      if (b === undefined) return -EFAULT;
      const dv = new DataView(b.buffer);
      t.resize({ rows: dv.getUint16(0, true), cols: dv.getUint16(2, true), xpixel: dv.getUint16(4, true), ypixel: dv.getUint16(6, true) });
      return 0;
    }
    case FIONREAD: t.poll(true); return put(p, arg, i32(l.available));
    case TIOCOUTQ: return put(p, arg, i32(0)); // output goes to the host at once
    case TCFLSH: return changing(p, t, () => flush(t, arg));
    case TCXONC: return changing(p, t, () => xonc(t, arg));
    case TCSBRK: case TCSBRKP: return changing(p, t, () => 0); // output is already drained; a break is nothing on a pseudo-terminal
    case TIOCGETD: return put(p, arg, i32(0)); // N_TTY
    case TIOCSETD: { const d = getInt(p, arg); return d === undefined ? -EFAULT : d === 0 ? 0 : -EINVAL; }
    case TIOCEXCL: case TIOCNXCL: return 0;
    case TIOCSCTTY: return sctty(k, p, t, f, arg);
    case TIOCNOTTY: return notty(p, t);
    case TIOCGPGRP: return t.controls(p) ? put(p, arg, i32(t.pgrp)) : -ENOTTY;
    case TIOCSPGRP: return spgrp(k, p, t, arg);
    case TIOCGSID: return t.controls(p) && t.session !== undefined ? put(p, arg, i32(t.session)) : -ENOTTY;
    default: return -ENOTTY;
  }
}

/** A call that changes the terminal: the job-control check (SIGTTOU), then the change. */
function changing(p: Process, t: Tty, change: () => number): number {
  const r = t.checkChange(p, Sig.TTOU);
  return r !== 0 ? r : change();
}

/** TCSETS and friends (set_termios): the check, the new settings; the F forms flush the input first. */
function setTermios(p: Process, t: Tty, req: number, arg: number): number {
  const v2 = req >= TCSETS2, old = req >= TCSETA && req <= TCSETAF;
  const b = copyIn(p.as, arg, v2 ? 44 : old ? 18 : 36);
  if (b === undefined) return -EFAULT;
  return changing(p, t, () => {
    if (req === TCSETSF || req === TCSETSF2 || req === TCSETAF) t.ldisc.flushInput();
    t.ldisc.setTermios(old ? fromTermio(b, t.ldisc.termios) : parseTermios(b, t.ldisc.termios));
    t.changed(); // canonical mode on or off changes what a read or poll finds
    return 0;
  });
}

/** struct termio (the old one, asm-generic termios.h): u16 flags, c_line, c_cc[8]. */
function termioBytes(t: Termios): Uint8Array {
  const b = new Uint8Array(18), dv = new DataView(b.buffer);
  [t.iflag, t.oflag, t.cflag, t.lflag].forEach((v, i) => dv.setUint16(2 * i, v & 0xffff, true));
  b[8] = t.line;
  b.set(t.cc.subarray(0, 8), 9);
  return b;
}

/** user_termio_to_kernel_termios: the low 16 bits of each flag word and the first 8 characters change. */
function fromTermio(b: Uint8Array, old: Termios): Termios {
  const dv = new DataView(b.buffer), w = (i: number, o: number) => (o & ~0xffff) | dv.getUint16(2 * i, true);
  const cc = old.cc.slice(0, NCCS);
  cc.set(b.subarray(9, 17), 0);
  return { ...old, iflag: w(0, old.iflag), oflag: w(1, old.oflag), cflag: w(2, old.cflag), lflag: w(3, old.lflag), line: b[8], cc };
}

function flush(t: Tty, how: number): number {
  if (how !== TCIFLUSH && how !== TCOFLUSH && how !== TCIOFLUSH) return -EINVAL;
  if (how !== TCOFLUSH) t.ldisc.flushInput(); // nothing waits to be output: it went to the host when written
  t.changed();
  return 0;
}

function xonc(t: Tty, how: number): number {
  switch (how) {
    case TCOOFF: t.ldisc.stopped = true; return 0;
    case TCOON: t.ldisc.stopped = false; t.changed(); return 0;
    case TCIOFF: case TCION: {
      const c = t.ldisc.termios.cc[how === TCIOFF ? VSTOP : VSTART];
      if (c !== 0) t.output(Uint8Array.of(c));
      return 0;
    }
    default: return -EINVAL;
  }
}

/** TIOCSCTTY (tiocsctty): a session leader with no terminal takes this one; stealing it from another session needs arg 1 and root. */
function sctty(k: Kernel, p: Process, t: Tty, f: TtyFile, arg: number): number {
  if (isSessionLeader(p) && t.session === sidOf(p)) return 0;
  if (!isSessionLeader(p) || (t.session !== undefined && t.controls(p))) return -EPERM;
  const root = k.user === undefined;
  if (t.session !== undefined && !(arg === 1 && root)) return -EPERM;
  if ((f.flags & 3) === 1 /* O_WRONLY */ && !root) return -EPERM;
  t.session = sidOf(p);
  t.pgrp = pgidOf(p);
  return 0;
}

/** TIOCNOTTY: the session leader gives the terminal up for its whole session (SIGHUP and SIGCONT to the foreground group); another process only for itself. */
function notty(p: Process, t: Tty): number {
  if (!t.controls(p)) return -ENOTTY;
  if (!isSessionLeader(p)) { dropTty(p, true); return 0; }
  t.signalForeground(Sig.HUP);
  t.signalForeground(Sig.CONT);
  t.session = undefined;
  t.pgrp = 0;
  return 0;
}

/** TIOCSPGRP (tcsetpgrp): the check (EIO becomes ENOTTY), then a group of the caller's session becomes the foreground. */
function spgrp(k: Kernel, p: Process, t: Tty, arg: number): number {
  const r = t.checkChange(p, Sig.TTOU);
  if (r !== 0) return r === -5 /* EIO */ ? -ENOTTY : r;
  const pgid = getInt(p, arg);
  if (pgid === undefined) return -EFAULT;
  if (pgid < 0) return -EINVAL;
  if (!t.controls(p)) return -ENOTTY;
  const sid = sessionOfGroup(k, pgid);
  if (sid === undefined) return -ESRCH;
  if (sid !== sidOf(p)) return -EPERM;
  t.pgrp = pgid;
  return 0;
}
