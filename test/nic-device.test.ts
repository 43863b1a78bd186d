// The virtio-net device on virtio-mmio, driven through the bus as a driver
// would (no device method called). Oracles: the virtio 1.2 specification
// (4.2.2 register layout, 2.1 status, 3.1.1 initialization, 2.7 split
// virtqueues, 5.1.6 the net header), RFC 791/768 for the frames, and the
// moderation rule of src/machine/virtio-net.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Board, VIRTIO0_BASE, PLIC_BASE } from '../src/machine/board.js';
import { Reg, Status, VIRTIO_MAGIC } from '../src/machine/virtio-mmio.js';
import { NetCfg, NET_HDR_LEN, DEFAULT_MAC } from '../src/machine/virtio-net.js';
import { FRAME_LEN, ipChecksum } from '../src/machine/net-source.js';
import { Irq } from '../src/machine/csr.js';

const RAM = 0x80000000;
const DESC = RAM + 0x10000, AVAIL = RAM + 0x11000, USED = RAM + 0x12000, BUFS = RAM + 0x20000, BUF_LEN = 2048;

function setup(pps: number, port = 5000) {
  const b = new Board({ memBytes: 4 << 20, nic: { source: { pps, port, start: 0 } } });
  const rd = (off: number) => b.bus.physRead(VIRTIO0_BASE + off, 4);
  const wr = (off: number, v: number) => assert.equal(b.bus.physWrite(VIRTIO0_BASE + off, 4, v), true);
  const ph = b.phys;
  /** 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK; `n` RX buffers posted. */
  const init = (n: number, frames = 1, usecs = 0) => {
    wr(Reg.STATUS, 0);
    wr(Reg.STATUS, Status.ACKNOWLEDGE);
    wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER);
    wr(Reg.DRIVER_FEATURES_SEL, 0); wr(Reg.DRIVER_FEATURES, 1 << 5);
    wr(Reg.DRIVER_FEATURES_SEL, 1); wr(Reg.DRIVER_FEATURES, 1);
    wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
    assert.ok(rd(Reg.STATUS) & Status.FEATURES_OK);
    wr(Reg.QUEUE_SEL, 0);
    wr(Reg.QUEUE_NUM, 16);
    wr(Reg.QUEUE_DESC_LOW, DESC); wr(Reg.QUEUE_DESC_HIGH, 0);
    wr(Reg.QUEUE_DRIVER_LOW, AVAIL); wr(Reg.QUEUE_DRIVER_HIGH, 0);
    wr(Reg.QUEUE_DEVICE_LOW, USED); wr(Reg.QUEUE_DEVICE_HIGH, 0);
    wr(Reg.QUEUE_READY, 1);
    for (let i = 0; i < n; i++) {
      ph.write64(DESC + 16 * i, BUFS + BUF_LEN * i, 0);
      ph.write32(DESC + 16 * i + 8, BUF_LEN);
      ph.write16(DESC + 16 * i + 12, 2); // VIRTQ_DESC_F_WRITE
      ph.write16(AVAIL + 4 + 2 * i, i);
    }
    ph.write16(AVAIL + 2, n);
    wr(Reg.CONFIG + NetCfg.RX_FRAMES, frames);
    wr(Reg.CONFIG + NetCfg.RX_USECS, usecs);
    wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
  };
  /** Lets virtual time pass to `cycle`, as an idle hart does. */
  const at = (cycle: number) => b.hart.idleUntil(cycle);
  const used = () => ph.read16(USED + 2);
  const seip = () => (b.hart.mip() >> Irq.SEI) & 1;
  return { b, rd, wr, ph, init, at, used, seip };
}

test('virtio-mmio: magic, version 2, device 1, features, MAC (virtio 1.2 4.2.2, 5.1.3)', () => {
  const { rd, wr, b } = setup(0);
  assert.equal(rd(Reg.MAGIC), VIRTIO_MAGIC);
  assert.equal(rd(Reg.VERSION), 2);
  assert.equal(rd(Reg.DEVICE_ID), 1);
  wr(Reg.DEVICE_FEATURES_SEL, 0);
  assert.equal(rd(Reg.DEVICE_FEATURES) & (1 << 5), 1 << 5, 'VIRTIO_NET_F_MAC');
  wr(Reg.DEVICE_FEATURES_SEL, 1);
  assert.equal(rd(Reg.DEVICE_FEATURES) & 1, 1, 'VIRTIO_F_VERSION_1');
  const mac = Array.from({ length: 6 }, (_, i) => b.bus.physRead(VIRTIO0_BASE + Reg.CONFIG + i, 1));
  assert.deepEqual(mac, DEFAULT_MAC);
  assert.equal(rd(Reg.QUEUE_NUM_MAX), 256);
  assert.equal(b.bus.physRead(VIRTIO0_BASE + 2, 2), -1, 'control registers take aligned 32-bit accesses only');
});

test('virtio-mmio: FEATURES_OK refused without VERSION_1 or with a bit not offered (2.2, 6.1)', () => {
  const { rd, wr } = setup(0);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER);
  wr(Reg.DRIVER_FEATURES_SEL, 0); wr(Reg.DRIVER_FEATURES, 1 << 5);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  assert.equal(rd(Reg.STATUS) & Status.FEATURES_OK, 0, 'legacy driver (no VERSION_1) refused');
  wr(Reg.STATUS, 0);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER);
  wr(Reg.DRIVER_FEATURES_SEL, 1); wr(Reg.DRIVER_FEATURES, 1 | 2);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  assert.equal(rd(Reg.STATUS) & Status.FEATURES_OK, 0, 'a bit not offered');
  wr(Reg.STATUS, 0);
  assert.equal(rd(Reg.STATUS), 0, 'writing 0 resets');
});

test('virtio-net: a frame lands in the RX buffer behind the 12-byte header, with the right used length', () => {
  const { init, at, used, ph, seip, rd, wr, b } = setup(1000, 4242);
  const plic = (off: number, v: number) => assert.equal(b.bus.physWrite(PLIC_BASE + off, 4, v), true);
  init(4);
  assert.equal(used(), 0);
  at(1_000_000 - 1);
  assert.equal(used(), 0, 'the first packet arrives 1 ms after DRIVER_OK at 1000 pps');
  at(1_000_000);
  assert.equal(used(), 1);
  assert.equal(ph.read32(USED + 4), 0, 'used id: descriptor 0');
  assert.equal(ph.read32(USED + 8), NET_HDR_LEN + FRAME_LEN, 'used len: header + frame');
  assert.equal(ph.read16(BUFS + 10), 1, 'num_buffers = 1');
  const f = ph.readBytes(BUFS + NET_HDR_LEN, FRAME_LEN);
  assert.deepEqual([...f.subarray(0, 6)], DEFAULT_MAC);
  assert.equal((f[12] << 8) | f[13], 0x0800);
  assert.equal(ipChecksum(f.subarray(14, 34)), 0, 'IPv4 header checksum verifies');
  assert.equal((f[36] << 8) | f[37], 4242, 'UDP destination port');
  assert.equal(new DataView(f.buffer, f.byteOffset).getUint32(46), 0, 'sequence number 0');
  assert.equal(rd(Reg.INTERRUPT_STATUS), 1, 'used buffer notification');
  // The PLIC forwards it to hart 0's S context (context 1) once source 1 has a priority and is enabled there.
  assert.equal(seip(), 0, 'the PLIC source is not enabled yet');
  plic(4 * 1, 1);
  plic(0x2000 + 0x80 * 1, 1 << 1);
  assert.equal(seip(), 1, 'SEIP');
  assert.equal(b.bus.physRead(PLIC_BASE + 0x201004, 4), 1, 'claim: source 1');
  wr(Reg.INTERRUPT_ACK, 1);
  assert.equal(rd(Reg.INTERRUPT_STATUS), 0);
  plic(0x201004, 1); // complete: the line is low now
  assert.equal(seip(), 0);
});

test('virtio-net: drops are counted when the ring is empty; timing is exact', () => {
  const { init, at, used, rd } = setup(100_000);
  init(3);
  at(100_000); // 10 µs at 100k pps: 10 packets
  assert.equal(used(), 3);
  assert.equal(rd(Reg.CONFIG + NetCfg.RX_DROPS), 7);
  assert.equal(rd(Reg.CONFIG + NetCfg.OFFERED), 10);
  assert.equal(rd(Reg.CONFIG + NetCfg.RX_PACKETS), 3);
});

test('virtio-net: moderation: rx-frames and rx-usecs, whichever first; suppression by the avail flag', () => {
  const { init, at, rd, wr, ph } = setup(100_000); // a packet every 10 µs
  init(16, 4, 25);
  at(30_000); // 3 packets, the first at 10 µs: the timer is due at 35 µs
  assert.equal(rd(Reg.INTERRUPT_STATUS), 0);
  at(34_999);
  assert.equal(rd(Reg.INTERRUPT_STATUS), 0);
  at(35_000);
  assert.equal(rd(Reg.INTERRUPT_STATUS), 1, 'rx-usecs 25 after the first unsignalled frame');
  wr(Reg.INTERRUPT_ACK, 1);
  at(70_000); // packets 4..7 at 40..70 µs: the 4th unsignalled one raises it
  assert.equal(rd(Reg.INTERRUPT_STATUS), 1, 'rx-frames 4');
  wr(Reg.INTERRUPT_ACK, 1);
  ph.write16(AVAIL, 1); // VIRTQ_AVAIL_F_NO_INTERRUPT
  at(150_000);
  assert.equal(rd(Reg.INTERRUPT_STATUS), 0, 'suppressed');
});

test('virtio-net: a ring outside RAM makes the device need a reset, not crash', () => {
  const { wr, rd, at } = setup(1_000_000);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER);
  wr(Reg.DRIVER_FEATURES_SEL, 1); wr(Reg.DRIVER_FEATURES, 1);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  wr(Reg.QUEUE_SEL, 0); wr(Reg.QUEUE_NUM, 8);
  wr(Reg.QUEUE_DRIVER_LOW, 0x1000); wr(Reg.QUEUE_READY, 1);
  wr(Reg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
  at(10_000);
  assert.ok(rd(Reg.STATUS) & Status.NEEDS_RESET);
  assert.equal(rd(Reg.INTERRUPT_STATUS) & 2, 2, 'configuration change notification');
});

test('wfi sleeps until the next packet, to the cycle, when an external interrupt is enabled (timer.ts idle)', async () => {
  const { idle } = await import('../src/machine/timer.js');
  const { Csr } = await import('../src/machine/csr.js');
  const { init, b, rd } = setup(250_000); // a packet every 4 µs from DRIVER_OK
  init(4);
  const start = b.hart.cycle;
  b.hart.csrWrite(Csr.MIE, 1n << BigInt(Irq.SEI));
  assert.equal(idle(b.hart), false, 'a device will wake it');
  assert.equal(b.hart.cycle, start + 4000, 'woken at the first arrival');
  assert.equal(rd(Reg.INTERRUPT_STATUS), 1);
  b.hart.csrWrite(Csr.MIE, 0n);
  assert.equal(idle(b.hart), true, 'with nothing enabled, only a device event it does not wait for: it sleeps for good');
});
