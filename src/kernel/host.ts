// The kernel's window on the host. src/kernel never imports node:*; the CLI
// (Node) and later the browser lab implement these interfaces.

export interface HostStat {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: number; // st_mode permission bits
  mtimeMs: number;
  ino: number;
  nlink?: number;
  blocks?: number; // 512-byte units
  atimeMs?: number;
  ctimeMs?: number;
}

/** What statfs(2) says of the host filesystem holding a path (struct statfs's numbers; blocks in units of bsize). */
export interface HostStatfs { type: number; bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number; }

/** How a host file is opened for the --rw directories (the kernel applies O_APPEND itself). */
export interface HostOpenHow { write: boolean; create: boolean; excl: boolean; trunc: boolean; }

/**
 * An open host file: positional I/O on one host descriptor, at any offset a
 * JS number holds exactly (below 2^53). Errors are negative errnos.
 */
export interface HostHandle {
  /** Up to len bytes at pos (fewer at the end of the file, none past it); len 0 reads nothing. */
  read(pos: number, len: number): Uint8Array | number;
  write(pos: number, bytes: Uint8Array): number;
  truncate(len: number): number;
  stat(): HostStat | number;
  /** Releases the host descriptor; called once, when the guest's last reference goes. */
  close(): void;
}

/**
 * The host filesystem at the same paths. Errors are negative errnos. The
 * kernel calls the writing half (open for writing, mkdir, unlink, rmdir,
 * rename) only on paths under the directories the user named with --rw;
 * everything else is read-only to the guest.
 */
export interface HostFs {
  /** Follows symlinks. */
  stat(path: string): HostStat | number;
  /** Does not follow a final symlink (the kernel walks paths itself, component by component). */
  lstat(path: string): HostStat | number;
  readdir(path: string): string[] | number;
  readlink(path: string): string | number;
  /**
   * Opens a host file for positional I/O (read-only when how.write is false;
   * a read-only file is never read whole). A full host descriptor table is
   * -ENFILE, as a full system-wide file table is on Linux.
   */
  open(path: string, how: HostOpenHow, mode: number): HostHandle | number;
  mkdir(path: string, mode: number): number;
  unlink(path: string): number;
  rmdir(path: string): number;
  rename(from: string, to: string): number;
  /** The filesystem holding path (follows symlinks); optional: without it the guest sees an ext4 of size 0. */
  statfs?(path: string): HostStatfs | number;
}

export interface HostIO {
  fs: HostFs;
  cwd: string;
  /** Writes to the host's stdout (1) or stderr (2). */
  write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Reads up to max bytes of host stdin; an empty array at end of input. Blocks the host until input arrives. */
  readStdin(max: number): Uint8Array;
  /** Whether host fd 0/1/2 is a terminal (for ioctl TCGETS). */
  isatty(fd: 0 | 1 | 2): boolean;
  /** Host monotonic time in nanoseconds and wall-clock time since the epoch in nanoseconds (for --realtime). */
  nowNs(): number;
  epochNs(): number;
  /** Blocks the host for ns nanoseconds (--realtime: an idle guest really waits). */
  sleepNs(ns: number): void;
  /** What host fd 0/1/2 is, so fstat on the console tells the guest the truth (libc picks buffering from it). */
  stdioKind(fd: 0 | 1 | 2): 'tty' | 'pipe' | 'file' | 'other';
  /** The size in bytes of host fd 0/1/2 when it is a regular file (`< file`), so fstat's st_size is the file's; absent: 0. */
  stdioSize?(fd: 0 | 1 | 2): number;
  /** The host network, present only with --publish (HostNet). */
  net?: HostNet;
  /**
   * The host terminal, when stdin is one and the guest is to have a terminal
   * of its own (fs/tty.ts): then the kernel reads stdin through this, not
   * readStdin. Without it stdin is a pipe or file, read with readStdin.
   */
  terminal?: HostTerminal;
}

/** What happened on the host side of a published port (HostNet.poll), in order. */
export type HostNetEvent =
  /** A host client connected to the host port published for guest port `port`; peerPort is its own port. */
  | { kind: 'accept'; conn: number; port: number; peerPort: number }
  | { kind: 'data'; conn: number; bytes: Uint8Array }
  /** The host client shut down writing (its FIN): the guest reads end of file. */
  | { kind: 'end'; conn: number }
  /** An outbound connection (HostNet.connect) is established. */
  | { kind: 'connected'; conn: number }
  /** The host connection is gone (closed both ways, or failed: error names the errno, as ECONNREFUSED, for a connect that failed). */
  | { kind: 'close'; conn: number; error?: string };

/**
 * --publish HOSTPORT:GUESTPORT: TCP connections that arrive on the host's
 * 127.0.0.1:HOSTPORT become connections to the guest's listener on
 * GUESTPORT (fs/hostnet.ts); --net outbound: guest connects to addresses
 * outside the loopback become host connections. The CLI owns the host sockets; every call
 * here returns at once. While the guest is idle the CLI's sleepNs returns
 * early when an event arrives (--publish runs in real time).
 */
export interface HostNet {
  /** The events since the last call; none waits. */
  poll(): HostNetEvent[];
  /** Bytes the guest wrote, for the host client of conn. */
  send(conn: number, bytes: Uint8Array): void;
  /** The guest shut down writing or closed: the host client gets its FIN after the bytes sent before. */
  end(conn: number): void;
  /** No guest listener took the connection, or the guest reset it: the host client sees it closed at once. */
  close(conn: number): void;
  /** Flow control: stop (true) or resume reading from the host client while the guest's receive queue is full. */
  pause(conn: number, paused: boolean): void;
  /**
   * --net outbound: a TCP connection from the host to ip (text) and port,
   * as a new conn whose 'connected' or failing 'close' comes through poll.
   * Absent without the flag: the guest reaches no host network.
   */
  connect?(ip: string, port: number): number;
}

/**
 * A host terminal in raw mode, for the run: every key comes to the kernel's
 * line discipline as typed, and the guest's output, already processed by
 * it, goes to the screen as it is.
 */
export interface HostTerminal {
  /** What was typed since the last call, without waiting: empty when nothing was; undefined once the terminal has hung up. */
  input(): Uint8Array | undefined;
  /** Blocks the host until input is there, or ms milliseconds pass (the caller then looks at the size again); never spins. */
  wait(ms: number): void;
  /** The terminal's size now, in rows and columns. */
  size(): { rows: number; cols: number };
  /** Puts bytes on the screen. */
  write(bytes: Uint8Array): void;
  /**
   * The guest's first process stopped (^Z with no shell of its own to come
   * back to): lde stops too, as a job of the host's shell, with the terminal
   * as it found it; returns when continued (at once if it cannot stop).
   */
  suspend?(): void;
}
