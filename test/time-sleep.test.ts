// Time always advances (issue 9, "Very long sleeps"). Linux clamps every
// deadline to KTIME_MAX (include/linux/ktime.h ktime_set, hrtimer.c
// ktime_add_safe): nanosleep({LONG_MAX, 0}) sleeps for ever. lde's clock is a
// double, exact below 2^53 ns (104.2 days); before this fix an idle hart
// skipped it to ~9.2e27 ns, where a tick no longer moved it, and the run never
// ended. Now a wake-up at or past the end of virtual time ends the run at
// once (status 125, one line), an idle hart skips no further than --max-time,
// and setitimer's values read back as Linux's (test/time/itimer.c, against
// qemu-riscv64 and the host's Linux).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { have, lde } from './helpers/cli.js';
import { build, canBuild, expected, nativeLinux, runProgram, SKIP_BUILD, withTmp } from './time-helpers.js';
import { Kernel } from '../src/kernel/kernel.js';
import { KTIME_MAX, TIME_END, deadline } from '../src/kernel/sched/timer.js';
import { nodeHost } from '../src/cli/host.js';
import { Rig, CODE } from './helpers/rig.js';
import { Csr, ENVCFG_STCE } from '../src/machine/index.js';

const PAST_END = /^lde: every process is asleep: the first wake-up, pid 1 \(sleeps\) at (292\.3 years|200\.0 days|136\.1 years), is past the end of virtual time \(104\.2 days\)\n$/;

test('deadlines clamp to KTIME_MAX, as ktime_add_safe does', () => {
  assert.equal(deadline(5, 9223372036854775807 * 1e9), KTIME_MAX);
  assert.equal(deadline(5, 1e9), 5 + 1e9);
  assert.equal(TIME_END, 2 ** 53);
  assert.equal(TIME_END + 1, TIME_END, 'at the end of virtual time one more cycle no longer counts');
  assert.equal(TIME_END - 2 + 1, TIME_END - 1, 'just before it, every cycle counts');
});

test('sleeps past the end of virtual time end the run at once, with --max-time or without', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'sleeps', dir);
    for (const what of ['nanosleep', 'max-ns', 'abstime', 'monotonic', 'alarm', '200-days', 'loop']) {
      const r = lde(['run', '--max-time', '0.1', bin, what]);
      assert.equal(r.status, 125, `${what}: ${r.stderr}`);
      assert.match(r.stderr, PAST_END, what);
      assert.doesNotMatch(r.stdout, /woke|= -1/, `${what}: the sleep must not end`);
    }
    const r = lde(['run', bin, 'nanosleep']);
    assert.equal(r.status, 125, r.stderr);
    assert.match(r.stderr, PAST_END);
  });
});

test('an idle hart skips no further than --max-time; without it a long sleep ends normally', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'sleeps', dir);
    let r = lde(['run', '--max-time', '0.1', bin, '1000-s']);
    assert.equal(r.status, 124, r.stderr);
    assert.equal(r.stderr, 'lde: no progress: stopped at 0.100 s of virtual time (--max-time); every process was asleep\n');
    r = lde(['run', bin, '1000-s']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'nanosleep = 0\nwoke\n');
    // A spinning child beside a parent asleep for ever: only --max-time ends it.
    r = lde(['run', '--max-time', '0.01', bin, 'spinner']);
    assert.equal(r.status, 124, r.stderr);
    assert.match(r.stderr, /stopped at 0\.010 s of virtual time \(--max-time\); pid 2 \(sleeps\) had held the CPU/);
  });
});

test('the clock never passes the end of virtual time, whatever the sleeps ask (kernel API)', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'sleeps', dir);
    for (const what of ['loop', 'alarm', 'abstime']) {
      const k = new Kernel({ host: nodeHost(), maxCycles: 1e8 });
      k.spawn(bin, readFileSync(bin), ['sleeps', what], []);
      const r = k.run();
      assert.equal(r.status, 125, `${what}: ${r.message}`);
      assert.ok(k.hart.cycle < 1e8, `${what}: the clock moved to ${k.hart.cycle}`);
    }
  });
});

test('getitimer after setitimer(LONG_MAX s) reads back as on Linux (itimer.expected, qemu-riscv64)', (t) => {
  if (!canBuild) return t.skip(SKIP_BUILD);
  withTmp((dir) => {
    const bin = build('riscv64-linux-gnu-gcc', 'itimer', dir);
    const r = lde(['run', bin]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected('itimer'));
    if (have('qemu-riscv64')) assert.equal(runProgram('qemu-riscv64', [bin]).stdout, expected('itimer'), 'qemu-riscv64 disagrees with itimer.expected');
  });
});

test('itimer.expected is what the host\'s Linux prints', (t) => {
  if (!nativeLinux) return t.skip('not on Linux with cc: the recorded output is not re-checked');
  withTmp((dir) => assert.equal(runProgram(build('cc', 'itimer', dir), []).stdout, expected('itimer')));
});

test('wfi with a timer at or past 2^53 cycles sleeps for ever instead of stopping the clock', () => {
  const rig = new Rig(), h = rig.hart;
  h.csrWrite(Csr.MENVCFG, ENVCFG_STCE);
  h.csrWrite(Csr.MIE, 1n << 5n); // STIE
  h.csrWrite(Csr.STIMECMP, 1n << 51n); // 2^51 ticks of 10 MHz: 2.25e17 cycles
  rig.put(CODE, [0x10500073]); // wfi
  const exit = rig.run(CODE, 100);
  assert.equal(exit.kind, 'wfi');
  assert.ok(h.cycle < 100, `the clock moved to ${h.cycle}`);
});
