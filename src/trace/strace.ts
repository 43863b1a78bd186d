// --strace: one line per finished system call, as strace -f prints them,
// plus strace's signal (`--- SIGSEGV {...} ---`) and exit (`+++ exited with 0 +++`)
// lines. The kernel decodes; this sink only chooses lines and prefixes the pid.

import type { Sink, TraceEvent } from './events.js';

export class StraceSink implements Sink {
  constructor(private readonly write: (line: string) => void) {}

  event(e: TraceEvent): void {
    switch (e.kind) {
      case 'syscall-exit':
        // A call that sleeps prints nothing until it finishes; one a handler interrupts says it will restart.
        if (e.text !== '') this.write(`[pid ${e.pid}] ${e.text}`);
        return;
      case 'signal':
        if (e.phase === 'deliver' && e.info !== undefined) this.write(`[pid ${e.pid}] --- ${e.name} ${e.info} ---`);
        return;
      case 'proc':
        if (e.phase === 'exit') this.write(`[pid ${e.pid}] +++ ${e.text} +++`);
        return;
      default:
        return;
    }
  }
}
