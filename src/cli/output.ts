// Where the observability sinks write (--strace, --trace, --trace-insns):
// buffered, and never able to change the run. A write that fails (a closed
// pipe, a full disk) turns that output off; the run goes on with its own
// exit status, and one line at the end says the output is incomplete.

import { openSync, writeSync } from 'node:fs';
import { UsageError } from './args.js';

export class Output {
  private parts: string[] = [];
  private size = 0;
  /** Why writing stopped (an errno code), or undefined while all is well. */
  failed: string | undefined;

  private constructor(private readonly fd: number, readonly what: string) {}

  /** stderr, for sinks without a file of their own. */
  static stderr(what: string): Output { return new Output(2, what); }

  /** A file the user named (--trace FILE, --strace=FILE); one clear line when it cannot be created. */
  static file(opt: string, path: string): Output {
    try { return new Output(openSync(path, 'w'), `${opt} ${path}`); } catch (e) {
      throw new UsageError(`${opt}: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }

  write(text: string): void {
    if (this.failed !== undefined) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) this.flush();
  }

  line(text: string): void { this.write(text + '\n'); }

  flush(): void {
    if (this.parts.length === 0 || this.failed !== undefined) return;
    const bytes = Buffer.from(this.parts.join(''));
    this.parts = []; this.size = 0;
    for (let off = 0; off < bytes.length;) {
      try { off += writeSync(this.fd, bytes, off); } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
        if (code === 'EAGAIN') continue;
        this.failed = code;
        return;
      }
    }
  }

  /** Flushes what is left; a line for stderr when the output is incomplete, else ''. */
  close(): string {
    this.flush();
    return this.failed === undefined ? '' : `lde: ${this.what}: writing failed (${this.failed}); that output is incomplete\n`;
  }
}
