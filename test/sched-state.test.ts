// The per-process run state machine (src/kernel/sched/runstate.ts) on real
// processes of a real kernel. The oracle is the state machine issue 8 asks
// for, written out here edge by edge: runnable → running → runnable (a tick
// or sched_yield) | sleeping (blocked) | stopped | zombie; sleeping →
// runnable (woken) | running (the call that slept changed its mind);
// stopped → runnable (SIGCONT); anything but a zombie → zombie; nothing
// leaves a zombie. Every other transition must throw the kernel's internal
// error, and real runs must make only the listed ones. Each switch event is
// checked against the states at the moment it is emitted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { Kernel } from '../src/kernel/kernel.js';
import { Process, type ProcState } from '../src/kernel/sched/proc.js';
import { KernelBug } from '../src/kernel/sched/runstate.js';
import { WaitQueue } from '../src/kernel/sched/wait.js';
import { nodeHost } from '../src/cli/host.js';
import { ROOT, have } from './helpers/cli.js';

const STATES: readonly ProcState[] = ['runnable', 'running', 'sleeping', 'stopped', 'zombie'];
const LEGAL = new Set([
  'runnable→running', 'running→runnable', 'running→sleeping', 'running→stopped', 'sleeping→runnable',
  'sleeping→running', 'stopped→runnable', 'runnable→zombie', 'running→zombie', 'sleeping→zombie', 'stopped→zombie',
]);
/** How a fresh (runnable) process reaches each state along legal edges. */
const PATH: Record<ProcState, ProcState[]> = {
  runnable: [], running: ['running'], sleeping: ['running', 'sleeping'], stopped: ['running', 'stopped'], zombie: ['zombie'],
};

const quiet = () => ({ ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) });
const HELLO = `${ROOT}user/bin/hello`;
const spawn = (k: Kernel) => k.spawn(HELLO, readFileSync(HELLO), ['hello'], []);

test('every one of the 25 transitions is allowed exactly when the state machine has that edge; the others throw one line naming the pid', () => {
  const k = new Kernel({ host: quiet() });
  for (const from of STATES) {
    for (const to of STATES) {
      const p = spawn(k);
      for (const s of PATH[from]) p.moveTo(s);
      assert.equal(p.state, from);
      if (LEGAL.has(`${from}→${to}`)) {
        p.moveTo(to);
        assert.equal(p.state, to);
        continue;
      }
      assert.throws(() => p.moveTo(to), (e: Error) => e instanceof KernelBug &&
        e.message === `lde: internal error: pid ${p.pid}: ${from} → ${to} is not a run-state transition`, `${from} → ${to}`);
      assert.equal(p.state, from, 'a rejected transition changes nothing');
    }
  }
});

test('the scheduler refuses what would corrupt it: queueing twice, a switch onto a busy hart, unsleep of a process that did not just sleep, sleeping while not running', () => {
  const k = new Kernel({ host: quiet() });
  const a = spawn(k), b = spawn(k), cpu = k.cpus[0];
  assert.throws(() => k.enqueue(b), KernelBug, 'b is already queued by spawn');
  assert.equal(k.sched.schedule(cpu), true);
  assert.equal(k.current, a);
  assert.throws(() => k.sched.contextSwitch(cpu, a, b, 'tick'), /internal error: switch to pid 2 while pid 1 holds hart 0/);
  assert.throws(() => k.unsleep(b), /internal error: unsleep of pid 2/);
  assert.throws(() => k.sleepOn(b, new WaitQueue()), /pid 2: runnable → sleeping/, 'only a running process can block');
  assert.throws(() => k.enqueue(a), KernelBug, 'a running process cannot be queued');
  assert.deepEqual([a.state, b.state, cpu.runq], ['running', 'runnable', [b]], 'nothing changed');
});

test('sleepOn, wake, unsleep and exit walk the documented edges on a process that holds the hart', () => {
  const k = new Kernel({ host: quiet() });
  const a = spawn(k), cpu = k.cpus[0];
  k.sched.schedule(cpu);
  const q = new WaitQueue();
  k.sleepOn(a, q);
  assert.deepEqual([a.state, k.current, cpu.leftBecause, a.nvcsw], ['sleeping', undefined, 'block', 1]);
  k.unsleep(a); // the call changed its mind before leaving the CPU
  assert.deepEqual([a.state, k.current, a.nvcsw, q.size], ['running', a, 0, 0]);
  k.sleepOn(a, q);
  k.wake(q, 0);
  assert.deepEqual([a.state, cpu.runq], ['runnable', [a]]);
  k.exit(a, 3 << 8);
  assert.deepEqual([a.state, cpu.runq], ['zombie', []]);
  assert.deepEqual(k.stopping(), true, 'pid 1 exited: the run is over');
});

/** A static glibc program of test/kernel (built only when the cross compiler is installed). */
const stopcont = (() => {
  if (!have('riscv64-linux-gnu-gcc', 'make')) return undefined;
  const out = mkdtempSync(tmpdir() + '/lde-sched-');
  const mk = spawnSync('make', ['-s', '-C', `${ROOT}test/kernel`, `OUT=${out}`, `${out}/stopcont`], { encoding: 'utf8' });
  if (mk.status !== 0) throw new Error(`building test/kernel/stopcont failed:\n${mk.stderr}`);
  return `${out}/stopcont`;
})();

/** Runs programs with every run-state change recorded, and every switch event checked against the states as it is emitted. */
function observe(runs: [string, string[]][]): Map<string, number> {
  const seen = new Map<string, number>();
  const moveTo = Object.getOwnPropertyDescriptor(Process.prototype, 'moveTo')!.value as (this: Process, to: ProcState) => void;
  Process.prototype.moveTo = function (this: Process, to: ProcState) {
    const edge = `${this.state}→${to}`;
    seen.set(edge, (seen.get(edge) ?? 0) + 1);
    moveTo.call(this, to);
  };
  try {
    for (const [path, args] of runs) {
      const k = new Kernel({ host: quiet(), hz: 250, maxCycles: 10e9 });
      const all = new Map<number, Process>();
      k.trace.attach({ event: (e) => {
        if (e.kind === 'proc' && e.phase === 'create') all.set(e.pid, k.procs.get(e.pid)!);
        if (e.kind !== 'switch') return;
        const to = all.get(e.to)!, from = all.get(e.from);
        assert.equal(k.current, undefined, 'nobody holds the hart during a switch');
        assert.equal(to.state, 'runnable', `switch to pid ${e.to}: it must be runnable`);
        assert.ok(!k.cpus[0].runq.includes(to), 'the process switched to has left the queue');
        const allowed: Record<string, ProcState[]> = {
          start: [], tick: ['runnable'], yield: ['runnable'], exit: ['zombie'], signal: ['zombie'],
          block: ['sleeping', 'runnable', 'zombie'], stop: ['stopped', 'runnable', 'zombie'],
        };
        if (from !== undefined) assert.ok(allowed[e.reason].includes(from.state), `switch from pid ${e.from} (${from.state}) for ${e.reason}`);
        else assert.equal(e.reason, 'start');
      } });
      k.spawn(path, readFileSync(path), [path.split('/').pop()!, ...args], []);
      assert.equal(k.run().status, 0, path);
    }
  } finally {
    Process.prototype.moveTo = moveTo;
  }
  return seen;
}

test('real runs make only the documented transitions, and every switch agrees with the states', () => {
  const bin = `${ROOT}user/bin/`;
  const seen = observe([[bin + 'pipe', ['50']], [bin + 'sleeper', []], [bin + 'signal', []], [bin + 'hogs', ['2', '300000', '5']], [bin + 'cowfork', []]]);
  for (const edge of seen.keys()) assert.ok(LEGAL.has(edge), `${edge} happened`);
  for (const edge of ['runnable→running', 'running→sleeping', 'sleeping→runnable', 'running→runnable', 'running→zombie']) {
    assert.ok((seen.get(edge) ?? 0) > 0, `${edge} never happened: ${[...seen.keys()].join(', ')}`);
  }
});

test('job control walks running → stopped → runnable', (t) => {
  if (!stopcont) return t.skip('riscv64-linux-gnu-gcc not installed: test/kernel/stopcont is not built');
  const seen = observe([[stopcont, []]]);
  for (const edge of seen.keys()) assert.ok(LEGAL.has(edge), `${edge} happened`);
  assert.ok((seen.get('running→stopped') ?? 0) > 0 && (seen.get('stopped→runnable') ?? 0) > 0, [...seen.keys()].join(', '));
});
