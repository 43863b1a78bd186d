// The line discipline (Linux's N_TTY, drivers/tty/n_tty.c) and termios.
// Bytes typed at the terminal come in through receive(): input processing
// (ISTRIP, INLCR/IGNCR/ICRNL, IXON), the signal characters (ISIG: VINTR,
// VQUIT, VSUSP), and then either canonical mode (a line is edited with
// VERASE, VWERASE, VKILL, VLNEXT, VREPRINT, and becomes readable at a
// newline, VEOL, VEOL2 or VEOF) or non-canonical mode (every byte is
// readable at once; VMIN and VTIME say when a read returns). Echo is the
// kernel's (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), and output,
// echo included, goes through OPOST processing (ONLCR, OCRNL, ONOCR,
// ONLRET, OLCUC, XTABS). This module knows nothing of processes: the tty
// (tty.ts) gives it a port for echo, signals and wake-ups.
//
// struct termios is asm-generic's (include/uapi/asm-generic/termbits.h),
// which riscv64 uses: c_iflag, c_oflag, c_cflag, c_lflag (u32 each),
// c_line (u8), c_cc[19]; termios2 adds c_ispeed and c_ospeed (u32).

export const NCCS = 19;
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSTART = 8, VSTOP = 9,
  VSUSP = 10, VEOL = 11, VREPRINT = 12, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
export const ISTRIP = 0o40, INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IUCLC = 0o1000, IXON = 0o2000, IXANY = 0o4000;
export const OPOST = 1, OLCUC = 2, ONLCR = 4, OCRNL = 0o10, ONOCR = 0o20, ONLRET = 0o40, XTABS = 0o14000;
export const ISIG = 1, ICANON = 2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100, NOFLSH = 0o200,
  TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOKE = 0o4000, IEXTEN = 0o100000;
const B38400 = 0o17, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000;
const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20;
/** Linux's N_TTY_BUF_SIZE: the most input the discipline holds; more is dropped (a full line still ends). */
export const TTY_BUF = 4096;

export interface Termios {
  iflag: number; oflag: number; cflag: number; lflag: number; line: number;
  cc: Uint8Array; ispeed: number; ospeed: number;
}

/** A new terminal's settings: Linux's tty_std_termios (drivers/tty/tty_io.c) with the pty's 38400 baud. */
export function defaultTermios(): Termios {
  return {
    iflag: ICRNL | IXON, oflag: OPOST | ONLCR, cflag: B38400 | CS8 | CREAD | HUPCL,
    lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN, line: 0,
    // INIT_C_CC: ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, VSWTC 0, ^Q ^S ^Z, VEOL 0, ^R ^O ^W ^V, VEOL2 0.
    cc: Uint8Array.of(3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0),
    ispeed: 38400, ospeed: 38400,
  };
}

/** struct termios (36 bytes) or, with v2, struct termios2 (44 bytes), as the guest sees it. */
export function termiosBytes(t: Termios, v2: boolean): Uint8Array {
  const b = new Uint8Array(v2 ? 44 : 36), dv = new DataView(b.buffer);
  [t.iflag, t.oflag, t.cflag, t.lflag].forEach((v, i) => dv.setUint32(4 * i, v >>> 0, true));
  b[16] = t.line;
  b.set(t.cc, 17);
  if (v2) { dv.setUint32(36, t.ispeed, true); dv.setUint32(40, t.ospeed, true); }
  return b;
}

/** The settings in a struct termios or termios2 (speeds kept from `old` for the first). */
export function parseTermios(b: Uint8Array, old: Termios): Termios {
  const dv = new DataView(b.buffer, b.byteOffset, b.length), u = (o: number) => dv.getUint32(o, true);
  const v2 = b.length >= 44;
  return {
    iflag: u(0), oflag: u(4), cflag: u(8), lflag: u(12), line: b[16], cc: b.slice(17, 17 + NCCS),
    ispeed: v2 ? u(36) : old.ispeed, ospeed: v2 ? u(40) : old.ospeed,
  };
}

/** What the discipline asks of its tty. */
export interface LdiscPort {
  /** Bytes for the terminal (echo, already through output processing). */
  output(bytes: Uint8Array): void;
  /** A signal character was typed: send sig to the foreground process group. */
  signal(sig: number): void;
}

/** A byte the user typed that ends a canonical line: the line, then whether it was VEOF (not part of the data). */
interface Line { bytes: number[]; eof: boolean; }

export class Ldisc {
  termios = defaultTermios();
  /** Output stopped by VSTOP (IXON) or TCOOFF; VSTART or TCOON restarts it. */
  stopped = false;
  /** Canonical mode: finished lines, readable; and the line being edited. */
  private lines: Line[] = [];
  private edit: number[] = [];
  /** Non-canonical mode: the readable bytes. */
  private raw: number[] = [];
  /** The next byte is literal (VLNEXT). */
  private lnext = false;
  /** The output column (for tabs and for erasing them), and the column the line being edited started at. */
  private column = 0;
  private canonColumn = 0;

  constructor(private readonly port: LdiscPort) {}

  private on(flag: number, field: 'iflag' | 'oflag' | 'lflag'): boolean { return (this.termios[field] & flag) !== 0; }
  get canonical(): boolean { return this.on(ICANON, 'lflag'); }
  private cc(i: number): number { return this.termios.cc[i]; }
  /** Whether c is the (enabled) special character cc[i]: _POSIX_VDISABLE, 0, disables one. */
  private is(c: number, i: number): boolean { return this.termios.cc[i] !== 0 && c === this.termios.cc[i]; }

  /** New settings (TCSETS*): switching canonical mode moves the pending input as n_tty_set_termios does. */
  setTermios(t: Termios): void {
    const wasCanon = this.canonical;
    this.termios = t;
    if (wasCanon && !this.canonical) {
      for (const l of this.lines) this.raw.push(...l.bytes);
      this.raw.push(...this.edit);
      this.lines = []; this.edit = [];
    } else if (!wasCanon && this.canonical) {
      this.edit = this.raw.splice(0);
    }
    if (!this.on(IXON, 'iflag')) this.stopped = false;
  }

  /** Throws away the input not yet read (TCIFLUSH, a signal character without NOFLSH). */
  flushInput(): void { this.lines = []; this.edit = []; this.raw = []; this.lnext = false; }

  /** How many bytes a read could take now: whole lines in canonical mode (FIONREAD), else every byte. */
  get available(): number {
    return this.canonical ? this.lines.reduce((n, l) => n + l.bytes.length, 0) : this.raw.length;
  }

  /** Whether a read would return now: a line (even an empty EOF one) in canonical mode, `min` bytes otherwise. */
  readable(min = 1): boolean { return this.canonical ? this.lines.length > 0 : this.raw.length >= Math.max(1, min); }

  /** Up to len bytes: the rest of the first line in canonical mode (an EOF line gives none, once), else what is queued. */
  read(len: number): Uint8Array {
    if (!this.canonical) return Uint8Array.from(this.raw.splice(0, Math.max(0, len)));
    const l = this.lines[0];
    if (l === undefined) return new Uint8Array(0);
    const out = l.bytes.splice(0, Math.max(0, len));
    if (l.bytes.length === 0) this.lines.shift();
    return Uint8Array.from(out);
  }

  /** Puts back bytes a read took but could not copy (a bad buffer): they are read again first. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (!this.canonical) { this.raw.unshift(...bytes); return; }
    const l = this.lines[0];
    if (l !== undefined && l.bytes.length > 0 && !l.eof) l.bytes.unshift(...bytes);
    else this.lines.unshift({ bytes: [...bytes], eof: false });
  }

  /** The bytes the terminal sent, one at a time (n_tty_receive_buf). */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.receiveByte(b);
  }

  private receiveByte(b: number): void {
    let c = this.on(ISTRIP, 'iflag') ? b & 0x7f : b;
    if (this.on(IUCLC, 'iflag') && this.on(IEXTEN, 'lflag') && c >= 0x41 && c <= 0x5a) c += 0x20;
    if (this.lnext) { this.lnext = false; this.put(c, true); return; }
    if (this.on(IXON, 'iflag')) {
      if (this.is(c, VSTOP)) { this.stopped = true; return; }
      if (this.is(c, VSTART)) { this.stopped = false; return; }
      if (this.stopped && this.on(IXANY, 'iflag')) this.stopped = false;
    }
    if (this.on(ISIG, 'lflag')) {
      const sig = this.is(c, VINTR) ? SIGINT : this.is(c, VQUIT) ? SIGQUIT : this.is(c, VSUSP) ? SIGTSTP : 0;
      if (sig !== 0) { this.signalChar(c, sig); return; }
    }
    if (c === 13) {
      if (this.on(IGNCR, 'iflag')) return;
      if (this.on(ICRNL, 'iflag')) c = 10;
    } else if (c === 10 && this.on(INLCR, 'iflag')) c = 13;
    if (this.canonical) this.canonChar(c); else this.put(c, false);
  }

  /** isig(): the signal to the foreground group, the input (and held output) flushed unless NOFLSH, the character echoed. */
  private signalChar(c: number, sig: number): void {
    if (!this.on(NOFLSH, 'lflag')) this.flushInput();
    this.stopped = false;
    this.port.signal(sig);
    if (this.on(ECHO, 'lflag')) this.echoChar(c);
  }

  /** A character in canonical mode: an editing character, a line end, or one more byte of the line. */
  private canonChar(c: number): void {
    const ext = this.on(IEXTEN, 'lflag');
    if (this.is(c, VERASE) || this.is(c, VKILL) || (ext && this.is(c, VWERASE))) {
      this.erase(this.is(c, VERASE) ? 'erase' : this.is(c, VKILL) ? 'kill' : 'werase', c);
      return;
    }
    if (ext && this.is(c, VLNEXT)) {
      this.lnext = true;
      if (this.on(ECHO, 'lflag') && this.on(ECHOCTL, 'lflag')) this.echo([0x5e, 8]); // "^\b": the next byte overwrites it
      return;
    }
    if (ext && this.is(c, VREPRINT)) {
      if (this.on(ECHO, 'lflag')) { this.echoChar(c); this.echo([10]); this.canonColumn = this.column; for (const x of this.edit) this.echoChar(x); }
      return;
    }
    if (c === 10 || this.is(c, VEOL) || (ext && this.is(c, VEOL2))) {
      if (this.on(ECHO, 'lflag') || (c === 10 && this.on(ECHONL, 'lflag'))) this.echoChar(c);
      this.endLine(c, false);
      return;
    }
    if (this.is(c, VEOF)) { this.endLine(c, true); return; }
    this.put(c, false);
  }

  /** One byte of data: to the line being edited or the raw queue (dropped when the buffer is full), echoed. */
  private put(c: number, literal: boolean): void {
    const queued = this.canonical ? this.available + this.edit.length : this.raw.length;
    if (queued >= TTY_BUF - 1) return;
    if (this.canonical) {
      if (this.edit.length === 0) this.canonColumn = this.column;
      this.edit.push(c);
    } else this.raw.push(c);
    if (this.on(ECHO, 'lflag')) { if (literal && c === 10) this.echo([10]); else this.echoChar(c); }
  }

  /** The line being edited becomes readable: with its end character, or without the VEOF that ended it. */
  private endLine(c: number, eof: boolean): void {
    if (this.lines.length >= TTY_BUF) return; // lines of nothing but ^D count too: the queue stays bounded
    if (!eof) this.edit.push(c);
    this.lines.push({ bytes: this.edit, eof: eof && this.edit.length === 0 });
    this.edit = [];
  }

  /** VERASE, VWERASE and VKILL (eraser() in n_tty.c), with their echo. */
  private erase(kind: 'erase' | 'kill' | 'werase', c: number): void {
    if (this.edit.length === 0) return;
    const l = this.termios.lflag;
    if (kind === 'kill' && (!(l & ECHO) || !(l & ECHOK) || !(l & ECHOKE) || !(l & ECHOE))) {
      this.edit = [];
      if (l & ECHO) { this.echoChar(c); if (l & ECHOK) this.echo([10]); }
      return;
    }
    let seen = 0;
    while (this.edit.length > 0) {
      const x = this.edit[this.edit.length - 1];
      if (kind === 'werase') {
        const word = (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a) || x === 0x5f;
        if (word) seen++; else if (seen > 0) break;
      }
      this.edit.pop();
      if (l & ECHO) this.echoErase(x, c);
      if (kind === 'erase') break;
    }
  }

  /** The echo of one erased character: backspaces over its width (ECHOE), or the erase character itself. */
  private echoErase(x: number, c: number): void {
    if (!this.on(ECHOE, 'lflag')) { this.echoChar(c); return; }
    let width = 1;
    if (x === 9) {
      const before = this.columnAfter(this.edit);
      width = this.tabStop(before) - before;
    } else if (x < 32 || x === 127) width = this.on(ECHOCTL, 'lflag') ? 2 : 0;
    for (let i = 0; i < width; i++) this.echo(x === 9 ? [8] : [8, 32, 8]);
  }

  /** The column after echoing bytes from the start of the line being edited. */
  private columnAfter(bytes: readonly number[]): number {
    let col = this.canonColumn;
    for (const x of bytes) col = x === 9 ? this.tabStop(col) : x < 32 || x === 127 ? col + (this.on(ECHOCTL, 'lflag') ? 2 : 0) : col + 1;
    return col;
  }

  private tabStop(col: number): number { return (col | 7) + 1; }

  /** echo_char: a control character (not tab or newline) as ^X under ECHOCTL, else the byte. */
  private echoChar(c: number): void {
    if ((c < 32 || c === 127) && c !== 9 && c !== 10 && this.on(ECHOCTL, 'lflag')) this.echo([0x5e, c ^ 0x40]);
    else this.echo([c]);
  }

  private echo(bytes: number[]): void { this.port.output(this.process(Uint8Array.from(bytes))); }

  /** Output processing (OPOST): what the terminal is sent for bytes written to the tty. Tracks the column. */
  process(bytes: Uint8Array): Uint8Array {
    const o = this.termios.oflag;
    if (!(o & OPOST)) { for (const b of bytes) this.advance(b); return bytes; }
    const out: number[] = [];
    for (let b of bytes) {
      if (b === 10) {
        if (o & ONLCR) { out.push(13, 10); this.column = 0; continue; }
        if (o & ONLRET) this.column = 0;
      } else if (b === 13) {
        if ((o & ONOCR) && this.column === 0) continue;
        if (o & OCRNL) { b = 10; if (o & ONLRET) this.column = 0; out.push(b); continue; }
      } else if (b === 9 && (o & XTABS) === XTABS) {
        const to = this.tabStop(this.column);
        while (this.column < to) { out.push(32); this.column++; }
        continue;
      } else if ((o & OLCUC) && b >= 0x61 && b <= 0x7a) b -= 0x20;
      this.advance(b);
      out.push(b);
    }
    return Uint8Array.from(out);
  }

  private advance(b: number): void {
    if (b === 13 || b === 10 && (this.termios.oflag & ONLRET)) this.column = 0;
    else if (b === 8) this.column = Math.max(0, this.column - 1);
    else if (b === 9) this.column = this.tabStop(this.column);
    else if (b >= 32 && b < 127) this.column++;
  }
}
