// Time under --realtime (src/kernel/realtime.ts, docs/vdso.md): virtual time
// catches up with the host clock, but not on every return from U-mode. The
// oracle is a host clock the test moves by hand, so nothing here depends on
// the host's speed: the catch-up runs every 16 returns or 50 µs of virtual
// time, only ever moves the clock forward, and makes the host wait when
// virtual time is more than 1 ms ahead. Then the whole kernel: vdsoclock's
// clock reads through the vDSO and through the ecall never go back under
// --realtime, and the kernel read the host clock far less often than once
// per system call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';
import { HostClock } from '../src/kernel/realtime.js';
import { Kernel } from '../src/kernel/kernel.js';
import { nodeHost } from '../src/cli/host.js';

/** A kernel as HostClock sees it: a host clock set by hand, a hart whose cycle count moves when told. */
function rig() {
  const s = { host: 1000, cycle: 0, reads: 0, slept: [] as number[] };
  const k = {
    host: { nowNs: () => { s.reads++; return s.host; }, sleepNs: (ns: number) => { s.slept.push(ns); s.host += ns; } },
    hart: { get cycle() { return s.cycle; }, idleUntil: (c: number) => { if (c > s.cycle) s.cycle = c; } },
  };
  return { s, clock: new HostClock(k as unknown as Kernel) };
}

test('the host clock is read every 16 returns from U-mode, and virtual time jumps forward to it', () => {
  const { s, clock } = rig();
  s.reads = 0;
  s.host += 40_000; // 40 µs of host time pass while the guest makes 15 short system calls
  for (let i = 0; i < 15; i++) { s.cycle += 200; clock.onExit(); }
  assert.equal(s.reads, 0);
  assert.equal(s.cycle, 3000);
  s.cycle += 200;
  clock.onExit();
  assert.equal(s.reads, 1);
  assert.equal(s.cycle, 40_000, 'caught up with the host');
});

test('50 µs of virtual time since the last catch-up (one run budget, say) forces a read at the next return', () => {
  const { s, clock } = rig();
  s.reads = 0;
  s.host += 5_000_000;
  s.cycle += 65_536; // a whole budget of instructions without a trap
  clock.onExit();
  assert.equal(s.reads, 1);
  assert.equal(s.cycle, 5_000_000);
});

test('the clock never goes back, and when virtual time is more than 1 ms ahead the host waits for it', () => {
  const { s, clock } = rig();
  s.cycle = 500_000; // ahead by 0.5 ms: tolerated, no wait
  clock.catchUp();
  assert.equal(s.cycle, 500_000);
  assert.deepEqual(s.slept, []);
  s.cycle = 3_000_000; // ahead by 3 ms
  clock.catchUp();
  assert.equal(s.cycle, 3_000_000, 'never back');
  assert.deepEqual(s.slept, [3_000_000]);
  assert.equal(s.host - 1000, s.cycle, 'the host has caught up');
});

test('under --realtime the vDSO and the ecall clocks never go back, and the host clock is read far less than once per system call', () => {
  const bin = `${ROOT}user/bin/vdsoclock`, N = 3000;
  for (const vdso of [true, false]) {
    const out: string[] = [], dec = new TextDecoder();
    const k = new Kernel({ host: { ...nodeHost(), write: (fd, b) => { if (fd === 1) out.push(dec.decode(b)); } }, vdso, realtime: true });
    k.spawn(bin, readFileSync(bin), ['vdsoclock', 'clock', String(N)], []);
    assert.equal(k.run().status, 0);
    assert.equal(out.join(''), `vdsoclock: ${N} clock_gettime(CLOCK_MONOTONIC) calls through the ${vdso ? 'vdso' : 'ecall'}, 0 failed, 0 went back\n`);
    if (!vdso) assert.ok(k.hostClock!.reads <= N / 16 + 50, `${k.hostClock!.reads} host clock reads for ${N} system calls`);
  }
});
