// The host terminal for a guest that has one (kernel HostTerminal, fs/tty.ts):
// when lde's stdin is a terminal, `lde run` puts it in raw mode for the run
// (`stty raw -echo`, so every key reaches the guest's line discipline and
// its output reaches the screen unchanged) and puts the saved settings back
// on every way out: the end of the run, an exception, process exit, and
// SIGINT/SIGTERM (Node restores the terminal it found at startup on those,
// ResetStdio; lde installs no handler of its own that would stop that).
//
// Keys are read from a second, non-blocking descriptor on the same terminal
// (/proc/self/fd/0 opened again), so looking for input never blocks the
// host; waiting for it sleeps in short slices (Atomics.wait), so an idle
// guest costs the host a wake-up every SLICE_MS, never a spin.

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { isatty } from 'node:tty';
import type { HostTerminal } from '../kernel/host.js';

const SLICE_MS = 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => { if (ms > 0) Atomics.wait(sleeper, 0, 0, ms); };

/** Runs stty on the terminal (stdin): its output, or undefined when it failed. */
function stty(args: string[]): string | undefined {
  const r = spawnSync('stty', args, { stdio: ['inherit', 'pipe', 'pipe'], encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The terminal's size from whichever of stdout and stderr is on it; 80x24 when neither is. */
function windowSize(): { rows: number; cols: number } {
  const s = [process.stdout, process.stderr].find((x) => x.isTTY);
  const [cols, rows] = s?.getWindowSize() ?? [80, 24];
  return { rows, cols };
}

export interface TerminalSession { terminal: HostTerminal; restore(): void; }

/**
 * The host terminal in raw mode, or undefined when stdin is not a terminal
 * (or it cannot be put in raw mode): then the guest's stdin is read as
 * today, with HostIO.readStdin. `write` puts bytes on the screen.
 */
export function openTerminal(write: (bytes: Uint8Array) => void): TerminalSession | undefined {
  if (!isatty(0)) return undefined;
  let fd: number;
  try { fd = openSync('/proc/self/fd/0', constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY); } catch { return undefined; }
  const saved = stty(['-g']);
  if (saved === undefined || stty(['raw', '-echo']) === undefined) { closeSync(fd); return undefined; }
  let open = true;
  const restore = (): void => {
    if (!open) return;
    open = false;
    stty([saved]);
    try { closeSync(fd); } catch { /* gone */ }
  };
  process.once('exit', restore);
  const buf = Buffer.alloc(4096);
  let queued: Uint8Array[] = [], hungUp = false, size = windowSize();
  /** What the terminal has now: bytes, none (EAGAIN), or undefined at its end (EOF, or EIO once a pty's master is gone). */
  const readNow = (): Uint8Array | undefined => {
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      return n === 0 ? undefined : Uint8Array.from(buf.subarray(0, n));
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EAGAIN' ? new Uint8Array(0) : undefined;
    }
  };
  const terminal: HostTerminal = {
    input() {
      if (queued.length > 0) { const q = queued; queued = []; return Buffer.concat(q); }
      if (hungUp || !open) return undefined;
      const r = readNow();
      if (r === undefined) hungUp = true;
      return r;
    },
    wait(ms) {
      // Sleep first, then look: the caller has just looked (a look costs a failed read, ~50 µs in Node).
      const end = Date.now() + ms;
      while (open && !hungUp && queued.length === 0) {
        const left = end - Date.now();
        sleep(Math.min(SLICE_MS, left));
        const r = readNow();
        if (r === undefined) { hungUp = true; return; }
        if (r.length > 0) { queued.push(r); return; }
        const s = windowSize();
        if (s.rows !== size.rows || s.cols !== size.cols) { size = s; return; }
        if (left <= SLICE_MS) return;
      }
    },
    size: () => (size = windowSize()),
    write,
    suspend() {
      if (!open) return;
      stty([saved]);
      process.kill(process.pid, 'SIGTSTP'); // stops here (the default action); discarded when lde's group is orphaned
      stty(['raw', '-echo']);
    },
  };
  return { terminal, restore };
}
