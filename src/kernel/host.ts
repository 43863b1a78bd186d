// The kernel's window on the host. src/kernel never imports node:*; the CLI
// (Node) and later the browser lab implement these interfaces.

export interface HostStat {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: number; // st_mode permission bits
  mtimeMs: number;
  ino: number;
}

/** The host filesystem, read-only, at the same paths. Errors are negative errnos. */
export interface HostFs {
  stat(path: string): HostStat | number;
  readFile(path: string): Uint8Array | number;
  readdir(path: string): string[] | number;
  readlink(path: string): string | number;
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
  /** What host fd 0/1/2 is, so fstat on the console tells the guest the truth (libc picks buffering from it). */
  stdioKind(fd: 0 | 1 | 2): 'tty' | 'pipe' | 'file' | 'other';
}
