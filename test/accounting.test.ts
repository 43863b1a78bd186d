// The kernel's own time accounting (Process.utime/stime: what getrusage,
// times and /proc report) against the --stats sink, which derives the same
// split from the events alone (user: sret to trap; system: trap to sret and
// the cost table's charges). Two independent counts of one run must agree to
// the cycle, for every process still in the table at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kernel } from '../src/kernel/kernel.js';
import { StatsSink } from '../src/trace/stats.js';
import { nodeHost } from '../src/cli/host.js';
import { ROOT } from './helpers/cli.js';

const programs: string[][] = [['pipe', '50'], ['hogs', '2', '1500000', '3'], ['cowfork'], ['sleeper'], ['signal'], ['exec'], ['segfault']];

for (const [name, ...args] of programs) {
  test(`user and system time of ${name}: the kernel's counters equal the events' account`, () => {
    const host = { ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) };
    const k = new Kernel({ host, hz: 250 });
    const stats = new StatsSink();
    k.trace.attach(stats);
    const path = `${ROOT}user/bin/${name}`;
    k.spawn(path, readFileSync(path), [name, ...args], []);
    k.run();
    const s = stats.summary();
    let compared = 0;
    for (const q of s.processes) {
      const p = k.procs.get(q.pid);
      if (p === undefined) continue; // reaped by its parent
      assert.equal(q.userCycles, p.utime, `pid ${q.pid} user`);
      assert.equal(q.systemCycles, p.stime, `pid ${q.pid} system`);
      compared++;
    }
    assert.ok(compared >= 1);
    assert.equal(s.userCycles + s.kernelCycles + s.idleCycles, k.board.hart.cycle);
  });
}
