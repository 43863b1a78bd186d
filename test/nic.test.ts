// The NIC end to end (docs/nic.md): user/bin/udprecv receives from the
// traffic source through the kernel's driver. Oracles: the accounting
// invariant (offered = received + ring drops + socket drops + purged + in
// flight), the deterministic arrival times (rate × virtual time), the
// program's own count and sequence numbers against the kernel's, and the
// shape of receive livelock (Mogul & Ramakrishnan 1997) — all facts of
// virtual time, the same on every host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBundled } from './helpers/swap-run.js';
import { lde } from './helpers/cli.js';
import type { NetOptions } from '../src/kernel/net/nic.js';
import type { NetStats } from '../src/trace/stats-net.js';
import { ChromeTraceSink } from '../src/trace/chrome.js';
import { formatStats, statsJson } from '../src/trace/stats.js';

const MS = 1e6;

/** udprecv for `ms` of its clock; the run stops at 1 ms (the traffic's start) + ms of virtual time at the latest. */
function recv(nic: Partial<NetOptions>, ms: number, keepEvents = false) {
  const r = runBundled('udprecv', ['5000', String(ms)], { nic: { port: 5000, ...nic }, maxCycles: (1 + ms) * MS }, keepEvents);
  return { ...r, net: r.stats.net! };
}

const balance = (n: NetStats) => n.received + n.ringDrops + n.socketDrops + n.purged + n.inRing + n.inSocket;

test('a light load: every packet arrives, in order, at exactly rate × time; the program and the kernel agree', () => {
  const r = recv({ rate: 50_000 }, 4);
  // Packets at 1 ms + k × 20 µs, k = 1..; the program starts before 1 ms and stops 4 ms after it started.
  assert.equal(r.net.offered, balance(r.net), 'offered = received + drops + purged + in flight');
  assert.equal(r.net.ringDrops + r.net.socketDrops, 0, 'nothing lost at 50k pps');
  const m = /received (\d+) packets .*first seq (\d+), last seq (\d+), (\d+) missing/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(Number(m[1]), r.net.received, 'the program counted what the kernel says it took');
  assert.equal(Number(m[2]), 0);
  assert.equal(Number(m[3]), r.net.received - 1);
  assert.equal(Number(m[4]), 0, 'no gaps');
  assert.ok(r.net.offered >= 149 && r.net.offered <= 151, `about 3 ms of 50k pps after the start: ${r.net.offered}`);
  // One interrupt per packet (rx-frames 1), unless the next one came while the hart was still waking from idle.
  assert.ok(r.net.hardirqs <= r.net.offered && r.net.hardirqs >= 0.85 * r.net.offered, `${r.net.hardirqs} interrupts`);
});

test('the same run twice gives the same counts (delivery does not depend on the host)', () => {
  const a = recv({ rate: 300_000, rx: 'napi' }, 2), b = recv({ rate: 300_000, rx: 'napi' }, 2);
  assert.deepEqual(a.net, b.net);
  assert.equal(a.stats.cycles, b.stats.cycles);
});

test('irq: per-packet interrupts at 2 M pps livelock the receiver; the books still balance', () => {
  const low = recv({ rate: 100_000 }, 3), high = recv({ rate: 2_000_000 }, 3);
  for (const r of [low, high]) assert.equal(r.net.offered, balance(r.net));
  assert.ok(low.net.received > 150, `100k pps: ${low.net.received} received`);
  assert.ok(high.net.received < low.net.received / 10, `2M pps: ${high.net.received} received (livelock)`);
  assert.ok(high.net.ringDrops + high.net.socketDrops > 0.9 * high.net.offered);
  assert.ok(high.net.cycles.hardirq > 0.9 * 3 * MS, 'the hard interrupt takes the CPU');
});

test('napi: at 2 M pps the poll moves to ksoftirqd, a scheduled thread, and the program keeps receiving', () => {
  const r = recv({ rate: 2_000_000, rx: 'napi' }, 6, true);
  assert.equal(r.net.offered, balance(r.net));
  assert.ok(r.net.ksoftirqdRuns > 0, 'ksoftirqd ran');
  assert.ok(r.net.received > 1000, `${r.net.received} received in 5 ms (more than 200k pps)`);
  assert.ok(r.net.hardirqs < 10, `the interrupt stays masked: ${r.net.hardirqs}`);
  const k = r.stats.processes.find((p) => p.name === 'ksoftirqd');
  assert.ok(k && k.systemCycles > 0, 'ksoftirqd is a process with system time');
  assert.ok(r.events.some((e) => e.kind === 'switch' && e.toName === 'ksoftirqd'), 'the scheduler switched to it');
  assert.ok(r.events.some((e) => e.kind === 'netrx' && e.ctx === 'softirq'));
  // --trace: the slices on the hart's track; --stats and --stats=json: the counters.
  let json = '';
  const chrome = new ChromeTraceSink((c) => { json += c; });
  for (const e of r.events) chrome.event(e);
  chrome.finish();
  const names = new Set((JSON.parse(json).traceEvents as { name: string; ph: string }[]).filter((e) => e.ph === 'X').map((e) => e.name));
  for (const n of ['hardirq: virtio-net', 'softirq: NET_RX', 'ksoftirqd: NET_RX']) assert.ok(names.has(n), `trace has ${n}`);
  assert.match(formatStats(r.stats), /packets offered +--net-rx napi: [\d,]+ received by the program/);
  assert.equal(JSON.parse(statsJson(r.stats)).net.ksoftirqdRuns, r.net.ksoftirqdRuns);
});

test('moderation: rx-frames 16 gives at most one interrupt per 16 packets; rx-usecs alone one per period', () => {
  const r = recv({ rate: 200_000, rxFrames: 16, rxUsecs: 1000 }, 3);
  assert.equal(r.net.offered, balance(r.net));
  const taken = r.net.packets.hardirq;
  assert.ok(r.net.hardirqs <= taken / 16 && r.net.hardirqs >= taken / 32, `${r.net.hardirqs} interrupts for ${taken} packets`);
  const t = recv({ rate: 200_000, rxFrames: 0, rxUsecs: 100 }, 3);
  assert.equal(t.net.offered, balance(t.net));
  assert.ok(t.net.hardirqs <= 21 && t.net.hardirqs >= 15, `100 µs: ${t.net.hardirqs} interrupts in about 2 ms`);
});

test('a full socket buffer drops at the socket (SO_RCVBUF)', () => {
  // A tiny buffer (Linux doubles it, with a floor of 2304 bytes: two datagrams here) and heavy per-packet work.
  const r = runBundled('udprecv', ['5000', '3', '5000', '1'], { nic: { rate: 500_000, rx: 'napi' }, maxCycles: 4 * MS });
  const n = r.stats.net!;
  assert.equal(n.offered, balance(n));
  assert.ok(n.socketDrops > n.received, `${n.socketDrops} dropped at the socket, ${n.received} received`);
});

test('bad NIC options give one UsageError line', () => {
  for (const [args, want] of [
    [['--net-rx', 'poll'], /receive discipline/],
    [['--nic-rate', '-5'], /--nic-rate/],
    [['--rx-frames', '0', '--rx-usecs', '0'], /--rx-frames 0 means no frame limit/],
    [['--nic', '--smp', '2'], /--nic runs on one hart/],
    [['--napi-budget', '0'], /--napi-budget/],
  ] as const) {
    const r = lde(['run', ...args, 'user/bin/hello']);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
