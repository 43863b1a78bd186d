// lde demo: the guided tour. Its numbers come from the runs' events; the
// oracles here are the kernel's own counters from independent runs of the
// same programs with no sink attached (the hart's instret, syscallCounts,
// ticks, minflt, per-process utime), the cost table, the round-robin
// scheduler's bound on waiting, and the Trace Event Format's rules. The
// clock is virtual, so every number repeats exactly; wall time is never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Kernel } from '../src/kernel/kernel.js';
import { DEFAULT_COSTS } from '../src/kernel/cost.js';
import { nodeHost } from '../src/cli/host.js';
import { spawnSync } from 'node:child_process';
import { demoCommand } from '../src/cli/demo.js';
import { UsageError } from '../src/cli/args.js';
import { lde, LDE, ROOT, type Run } from './helpers/cli.js';

const ANSI = /\x1b\[/;

/** A bundled program under a kernel with nothing attached: the independent oracle. */
function bare(name: string, args: string[], hz: number, maxCycles = 10e9) {
  const host = { ...nodeHost(), write: () => {}, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ host, hz, maxCycles, seed: 1 });
  const path = `${ROOT}user/bin/${name}`;
  k.spawn(path, readFileSync(path), [name, ...args], []);
  const r = k.run();
  const calls = [...k.syscallCounts.values()].reduce((n, v) => n + v, 0);
  const live = [...k.procs.values()].filter((p) => p.state !== 'zombie');
  const minflt = k.totals.minflt + live.reduce((n, p) => n + p.minflt, 0);
  return { k, r, calls, minflt };
}

/** `lde run …` as the demo prints it, split back into a run. */
function parseRun(command: string): { name: string; args: string[]; hz: number; maxCycles?: number } {
  const words = command.split(' ').slice(2);
  let hz = 250, maxCycles: number | undefined;
  while (words[0]?.startsWith('--')) {
    const w = words.shift()!;
    if (w === '--no-timer') hz = 0;
    else if (w === '--hz') hz = Number(words.shift());
    else if (w === '--max-time') maxCycles = Number(words.shift()) * 1e9;
  }
  return { name: words[0], args: words.slice(1), hz, maxCycles };
}

type Chapter = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function demoJson(): Chapter[] {
  const r = lde(['demo', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, ANSI);
  const doc = JSON.parse(r.stdout) as { chapters: Chapter[] };
  assert.deepEqual(doc.chapters.map((c) => c.chapter), [1, 2, 3, 4, 5, 6]);
  return doc.chapters;
}

test('lde demo runs every chapter, in plain text when stdout is not a terminal', () => {
  const r = lde(['demo']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  for (let n = 1; n <= 6; n++) assert.match(r.stdout, new RegExp(`^── ${n}\\. `, 'm'));
  assert.equal((r.stdout.match(/Watch for: /g) ?? []).length, 6);
  assert.doesNotMatch(r.stdout, ANSI);
  assert.match(r.stdout, /\$ lde run --no-timer spin \d+/);
  assert.match(r.stdout, /^ +[\d.]+ µs +trap +environment call from U-mode, pc 0x[0-9a-f]+, U → S$/m);
  assert.match(r.stdout, /--- SIGSEGV \{si_signo=SIGSEGV/);
  assert.match(r.stdout, /exit status 139 = 128 \+ 11/);
  assert.match(r.stdout, /exit status 132 = 128 \+ 4/);
  assert.match(r.stdout, /lde: no progress: stopped at 0\.040 s/);
  assert.match(r.stdout, /USER MODE/); // the diagram
});

test('each chapter\'s numbers agree with the kernel\'s own counters', () => {
  const [direct, syscall, exc, timer, noTimer, tour] = demoJson();

  // 1: millions of user instructions, and the kernel entered only for the system calls.
  const spin = bare('spin', parseRun(direct.run).args, 0);
  assert.equal(direct.userInstructions, spin.k.board.hart.instret);
  assert.ok(direct.userInstructions > 1e6);
  assert.equal(direct.syscalls, spin.calls);
  assert.equal(direct.kernelEntries, spin.calls);
  assert.equal(direct.ticks, 0);
  assert.equal(spin.k.ticks, 0);
  assert.ok(direct.longestUserStretch > 0.99 * direct.userInstructions && direct.longestUserStretch <= direct.userInstructions);

  // 2: one write, event by event: trap → syscall-enter → syscall-exit → sret, back to the instruction after the ecall.
  assert.deepEqual(syscall.write.map((e: Chapter) => e.kind), ['trap', 'syscall-enter', 'syscall-exit', 'xret']);
  const [trap, enter, exit, xret] = syscall.write;
  assert.equal(trap.cause, 8);
  assert.equal(enter.call, 'write');
  assert.equal(exit.text, 'write(1, "hello: argc=1\\n", 14) = 14'); // user/src/hello.c's first line, decoded as strace shows it
  assert.equal(xret.insn, 'sret');
  assert.equal(BigInt(xret.pc), BigInt(trap.pc) + 4n);
  assert.ok(trap.cycle <= enter.cycle && enter.cycle <= exit.cycle && exit.cycle <= xret.cycle);
  assert.equal(exit.cycle - enter.cycle, DEFAULT_COSTS.syscall + Math.ceil((14 / 1024) * DEFAULT_COSTS.copyPerKiB)); // the crossing, and the 14 bytes copied in (mm/work.ts)
  assert.equal(syscall.writeKernelCycles, xret.cycle - trap.cycle);
  assert.equal(syscall.helloSyscalls, bare('hello', [], 250).calls);
  assert.equal(syscall.many.syscalls, bare('syscalls', parseRun(syscall.many.run).args, 250).calls);
  assert.equal(syscall.many.meanCycles, DEFAULT_COSTS.syscall); // getppid does no work beyond the crossing

  // 3: faults resolved (the kernel's minflt), and two fatal ones.
  assert.equal(exc.pfstorm.faults, bare('pfstorm', [], 250).minflt);
  const cow = bare('cowfork', [], 250);
  assert.equal(exc.cowfork.faults, cow.minflt);
  assert.ok(exc.cowfork.copyOnWrite > 0 && exc.cowfork.copyOnWrite < exc.cowfork.faults);
  assert.deepEqual([exc.segfault.status, exc.segfault.signal, exc.segfault.addr], [139, 'SIGSEGV', '0x10']);
  assert.equal(exc.segfault.status, bare('segfault', [], 250).r.status);
  assert.deepEqual([exc.illegal.status, exc.illegal.signal, exc.illegal.cause], [132, 'SIGILL', 'illegal instruction']);

  // 4: two hogs share the CPU only through the timer; the interactive child waits at most two slices.
  const pair = bare('hogs', parseRun(timer.pair.run).args, 250);
  assert.equal(timer.pair.ticks, pair.k.ticks);
  assert.equal(timer.pair.hogs.length, 2);
  const [h1, h2] = timer.pair.hogs;
  assert.equal(h1.userCycles, h2.userCycles); // the same work, at one instruction a cycle
  assert.ok(h1.slices > 1 && h2.slices > 1);
  assert.equal(timer.pair.hogTraps.syscalls, 6); // each hog: close before its loop, write and exit_group after (user/src/hogs.c)
  assert.ok(timer.pair.hogTraps.interrupts >= timer.pair.preempted);
  const tick = 1e9 / 250;
  const lat = timer.interactive.latency;
  assert.equal(lat.count, Number(parseRun(timer.interactive.run).args[2])); // one wake-up per nap
  assert.ok(lat.p50 > 0 && lat.p50 <= lat.p99 && lat.p99 <= lat.max);
  assert.ok(lat.max <= 2 * tick + 1e6, `round robin behind two hogs: at most two slices, got ${lat.max}`);
  assert.ok(timer.interactive.userCycles < timer.interactive.hogsUserCycles[0] / 100);

  // 5: no timer: the first hog keeps the CPU until the time limit; the others never run.
  const spec = parseRun(noTimer.run);
  assert.equal(spec.hz, 0);
  const held = bare(spec.name, spec.args, 0, spec.maxCycles);
  assert.equal(noTimer.status, 124);
  assert.equal(noTimer.status, held.r.status);
  assert.equal(noTimer.ticks, 0);
  assert.equal(held.k.ticks, 0);
  assert.match(noTimer.message, /pid 2 \(hogs\) had held the CPU since 0\.000 s with 2 other processes waiting to run: there is no timer interrupt/);
  assert.equal(noTimer.message, held.r.message);
  assert.equal(noTimer.holder, 2);
  assert.deepEqual(noTimer.starved, [3, 4]);
  for (const pid of noTimer.starved) assert.equal(held.k.procs.get(pid)!.utime, 0);
  const holder = noTimer.processes.find((p: Chapter) => p.pid === 2);
  assert.equal(holder.userCycles, held.k.procs.get(2)!.utime);

  // 6: the diagram's totals are the tour's.
  assert.equal(tour.runs, 10);
  assert.equal(tour.diagram.exception.killed, 2); // segfault and illegal
  assert.equal(tour.diagram.timer.same + tour.diagram.timer.other, tour.ticks.total);
  assert.ok(tour.ticks.total >= timer.pair.ticks + timer.interactive.ticks);
  assert.ok(tour.userInstructions > direct.userInstructions);
});

/**
 * `lde demo --chapter=3 --json --trace FILE`, run once for the --chapter and
 * --trace tests below: its JSON and the trace it wrote (the file is removed
 * once read).
 */
let chapterThree: { r: Run; trace: string } | undefined;
function chapterThreeOnce(): { r: Run; trace: string } {
  if (chapterThree) return chapterThree;
  const dir = mkdtempSync(`${tmpdir()}/lde-demo-`);
  try {
    const file = `${dir}/tour.json`;
    const r = lde(['demo', '--chapter=3', '--json', '--trace', file]);
    assert.equal(r.status, 0, r.stderr);
    return (chapterThree = { r, trace: readFileSync(file, 'utf8') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('lde demo --chapter N prints only chapter N', () => {
  const r = lde(['demo', '--chapter', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^── 2\. A system call/m);
  assert.doesNotMatch(r.stdout, /^── [13456]\. /m);
  assert.doesNotMatch(r.stdout, /^lde demo/m);
  assert.doesNotMatch(r.stdout, /\$ lde run (spin|pfstorm|hogs)/);
  // --json with --chapter gives that chapter only. (Chapter 6 draws the whole tour, running the others
  // without printing them: its 10 runs are checked in the full tour above.)
  const three = chapterThreeOnce().r;
  assert.deepEqual(JSON.parse(three.stdout).chapters.map((c: Chapter) => c.chapter), [3]);
});

test('lde demo rejects what it does not know with one line and status 2', async () => {
  // Each is a usage error that demoCommand throws before it runs or prints anything; main.ts turns
  // every usage error into one line and status 2, which one run of the CLI shows.
  for (const args of [['--bogus'], ['--chapter', '0'], ['--chapter', '7'], ['--chapter', 'two'], ['--chapter'], ['extra']]) {
    await assert.rejects(demoCommand(args), (e) => e instanceof UsageError && e.message !== '' && !e.message.includes('\n'), args.join(' '));
  }
  const r = lde(['demo', '--chapter', '7']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^lde: /);
});

test('lde demo --trace FILE writes one Chrome trace of the runs, in time order', () => {
  const trace = JSON.parse(chapterThreeOnce().trace) as { traceEvents: { name: string; ph: string; ts: number; dur?: number }[] };
  const events = trace.traceEvents;
  assert.ok(events.length > 0);
  const spawns = events.filter((e) => e.name.startsWith('spawn: ')).map((e) => e.name.replace(/ \(pid.*/, ''));
  assert.deepEqual(spawns, ['spawn: pfstorm', 'spawn: cowfork', 'spawn: segfault', 'spawn: illegal']);
  const ends = events.filter((e) => e.name === 'end');
  assert.equal(ends.length, 4);
  for (let i = 1; i < events.length; i++) assert.ok(events[i].ts >= events[i - 1].ts, `ts goes back at record ${i}`);
  assert.ok(events.some((e) => e.name === 'page fault: copy-on-write' && e.ph === 'X'));
});

test('lde demo | head: a reader that goes away ends the tour quietly, never with a stack trace', () => {
  // Under `| head` whether lde writes again after head has gone is a race. Here the reader is gone before
  // lde starts, so every write of one short chapter meets EPIPE on any machine: bash opens a fifo at both
  // ends, the reading end's process exits, and then lde writes into the fifo.
  const dir = mkdtempSync(`${tmpdir()}/lde-demo-`);
  try {
    const script = 'mkfifo "$1/out"; (exec 3<"$1/out") & exec 4>"$1/out"; wait; node "$2" demo --chapter 3 >&4; echo "status $?"';
    const r = spawnSync('bash', ['-c', script, 'bash', dir, LDE], { encoding: 'utf8' });
    assert.equal(r.stdout, 'status 0\n');
    assert.equal(r.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
