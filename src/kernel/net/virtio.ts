// The driver side of virtio-net over virtio-mmio (virtio 1.2 3.1.1 "Driver
// Requirements: Device Initialization", 4.2.3 "MMIO-specific
// Initialization", 2.7 "Split Virtqueues", 5.1.5 "Device Initialization"),
// and the PLIC set-up for its interrupt on hart 0's S-mode context. Every
// register is reached through the bus, by physical address, exactly as a
// guest kernel's readl/writel would: nothing here calls the device model.
// The rings and the receive buffers are kernel-owned frames of guest RAM
// (charged to --mem), read and written through PhysMem.

import {
  NetCfg, NET_HDR_LEN, PLIC_BASE, RX_QUEUE, TX_QUEUE, VIRTIO0_BASE, VIRTIO0_IRQ, VIRTIO_F_VERSION_1, VIRTIO_ID_NET,
  VIRTIO_MAGIC, VIRTIO_NET_F_MAC, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_WRITE, VirtioReg as Reg, VirtioStatus as Status,
  type Bus, type PhysMem,
} from '../../machine/index.js';
import type { Frames } from '../mm/frames.js';

/** The RX ring's size (the device's QueueNumMax) and each buffer: the header and a full 1514-byte frame fit. */
export const RX_RING = 256;
const BUF_SIZE = 2048, PAGE = 4096;
const TX_RING = 16;
/** PLIC registers for source VIRTIO0_IRQ and context 1 (hart 0, S-mode): priority, enable word, threshold, claim/complete. */
const PLIC_PRIORITY = PLIC_BASE + 4 * VIRTIO0_IRQ, PLIC_ENABLE = PLIC_BASE + 0x2000 + 0x80 * 1;
const PLIC_THRESHOLD = PLIC_BASE + 0x200000 + 0x1000 * 1, PLIC_CLAIM = PLIC_THRESHOLD + 4;

/** Why probing failed, for the one line lde prints. */
export class ProbeError extends Error {}

/** A split virtqueue as the driver keeps it: where its three areas are, and its indices. */
interface Ring { num: number; desc: number; avail: number; used: number; availIdx: number; lastUsed: number }

export class VirtioNetDriver {
  readonly mac: number[];
  private readonly rx: Ring;
  private readonly bufs: number[] = [];

  /** Probes and initializes the device at VIRTIO0_BASE (3.1.1 steps 1-8); throws ProbeError. */
  constructor(private readonly bus: Bus, private readonly phys: PhysMem, frames: Frames, moderation: { rxFrames: number; rxUsecs: number }) {
    if (this.r(Reg.MAGIC) !== VIRTIO_MAGIC || this.r(Reg.VERSION) !== 2) throw new ProbeError(`no virtio-mmio v2 device at 0x${VIRTIO0_BASE.toString(16)}`);
    if (this.r(Reg.DEVICE_ID) !== VIRTIO_ID_NET) throw new ProbeError(`the device at 0x${VIRTIO0_BASE.toString(16)} is not virtio-net`);
    this.w(Reg.STATUS, 0);
    let status = Status.ACKNOWLEDGE;
    this.w(Reg.STATUS, status);
    this.w(Reg.STATUS, (status |= Status.DRIVER));
    this.negotiate();
    this.w(Reg.STATUS, (status |= Status.FEATURES_OK));
    if (!(this.r(Reg.STATUS) & Status.FEATURES_OK)) throw new ProbeError('virtio-net refused the features (VERSION_1, MAC)');
    const frame = () => { const pa = frames.alloc(); if (pa < 0) throw new ProbeError('no memory for the NIC\'s rings'); return pa; };
    this.rx = this.queue(RX_QUEUE, RX_RING, frame);
    this.queue(TX_QUEUE, TX_RING, frame);
    for (let i = 0; i < RX_RING; i += PAGE / BUF_SIZE) { const pa = frame(); for (let j = 0; j < PAGE; j += BUF_SIZE) this.bufs.push(pa + j); }
    for (let i = 0; i < RX_RING; i++) this.post(i);
    this.w(Reg.CONFIG + NetCfg.RX_FRAMES, moderation.rxFrames);
    this.w(Reg.CONFIG + NetCfg.RX_USECS, moderation.rxUsecs);
    this.mac = Array.from({ length: 6 }, (_, i) => this.bus.physRead(VIRTIO0_BASE + Reg.CONFIG + NetCfg.MAC + i, 1));
    this.w(Reg.STATUS, status | Status.DRIVER_OK);
    this.plicSetup();
  }

  /** 2.2: VIRTIO_F_VERSION_1 and VIRTIO_NET_F_MAC, if offered; nothing else. */
  private negotiate(): void {
    const want = [1 << VIRTIO_NET_F_MAC, 1 << (VIRTIO_F_VERSION_1 - 32)];
    for (const sel of [0, 1]) {
      this.w(Reg.DEVICE_FEATURES_SEL, sel);
      const offered = this.r(Reg.DEVICE_FEATURES);
      this.w(Reg.DRIVER_FEATURES_SEL, sel);
      this.w(Reg.DRIVER_FEATURES, (offered & want[sel]) >>> 0);
    }
  }

  /** 4.2.3.2: select the queue, check it is unused, size it, give the three areas, mark it ready. */
  private queue(q: number, num: number, frame: () => number): Ring {
    this.w(Reg.QUEUE_SEL, q);
    if (this.r(Reg.QUEUE_READY) !== 0) throw new ProbeError(`virtio-net queue ${q} is already in use`);
    const max = this.r(Reg.QUEUE_NUM_MAX);
    if (max < num) throw new ProbeError(`virtio-net queue ${q} holds ${max} buffers, ${num} needed`);
    const desc = frame(), rings = frame(), avail = rings, used = rings + 1024; // avail: 6 + 2n bytes; used: 6 + 8n, 4-aligned
    this.w(Reg.QUEUE_NUM, num);
    for (const [lo, pa] of [[Reg.QUEUE_DESC_LOW, desc], [Reg.QUEUE_DRIVER_LOW, avail], [Reg.QUEUE_DEVICE_LOW, used]]) {
      this.w(lo, pa % 2 ** 32);
      this.w(lo + 4, Math.floor(pa / 2 ** 32));
    }
    this.w(Reg.QUEUE_READY, 1);
    return { num, desc, avail, used, availIdx: 0, lastUsed: 0 };
  }

  /** PLIC: source 1 at priority 1, enabled for hart 0's S context, threshold 0 (riscv-plic-spec "Memory Map"). */
  private plicSetup(): void {
    this.bus.physWrite(PLIC_PRIORITY, 4, 1);
    this.bus.physWrite(PLIC_ENABLE, 4, this.bus.physRead(PLIC_ENABLE, 4) | (1 << VIRTIO0_IRQ));
    this.bus.physWrite(PLIC_THRESHOLD, 4, 0);
  }

  /** Makes buffer i available to the device again (2.7.13: descriptor, then the avail ring entry, then idx). */
  private post(i: number): void {
    const d = this.rx.desc + 16 * i, r = this.rx;
    this.phys.write64(d, this.bufs[i], 0);
    this.phys.write32(d + 8, BUF_SIZE);
    this.phys.write16(d + 12, VIRTQ_DESC_F_WRITE);
    this.phys.write16(r.avail + 4 + 2 * (r.availIdx % r.num), i);
    r.availIdx = (r.availIdx + 1) & 0xffff;
    this.phys.write16(r.avail + 2, r.availIdx);
  }

  /** Used buffers the driver has not taken yet. */
  get pending(): number { return (this.phys.read16(this.rx.used + 2) - this.rx.lastUsed) & 0xffff; }

  /**
   * Takes the next used RX buffer: its frame, copied out (the buffer goes
   * straight back on the ring, as a copybreak driver does for small
   * frames), or undefined when the ring is empty. A bad id or length from
   * the device gives an empty frame.
   */
  takeFrame(): Uint8Array | undefined {
    if (this.pending === 0) return undefined;
    const r = this.rx, e = r.used + 4 + 8 * (r.lastUsed % r.num);
    const id = this.phys.read32(e), len = this.phys.read32(e + 4);
    r.lastUsed = (r.lastUsed + 1) & 0xffff;
    if (id >= r.num) return new Uint8Array(0);
    const frame = len >= NET_HDR_LEN && len <= BUF_SIZE ? this.phys.readBytes(this.bufs[id] + NET_HDR_LEN, len - NET_HDR_LEN) : new Uint8Array(0);
    this.post(id);
    return frame;
  }

  /** Used-buffer notifications on (virtqueue_enable_cb) or off (NAPI polling): VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7). */
  interrupts(on: boolean): void { this.phys.write16(this.rx.avail, on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT); }

  /** The interrupt handler's device part: read InterruptStatus and acknowledge what it says (4.2.2). */
  ackInterrupt(): number {
    const isr = this.r(Reg.INTERRUPT_STATUS);
    if (isr !== 0) this.w(Reg.INTERRUPT_ACK, isr);
    return isr;
  }

  /** PLIC claim and completion for hart 0's S context. */
  claim(): number { return this.bus.physRead(PLIC_CLAIM, 4); }
  complete(id: number): void { this.bus.physWrite(PLIC_CLAIM, 4, id); }

  /** The device's counters, from lde's configuration-space extension (virtio-net.ts NetCfg). */
  counters(): { offered: number; drops: number } {
    return { offered: this.r(Reg.CONFIG + NetCfg.OFFERED), drops: this.r(Reg.CONFIG + NetCfg.RX_DROPS) };
  }

  private r(off: number): number { return this.bus.physRead(VIRTIO0_BASE + off, 4); }
  private w(off: number, v: number): void { this.bus.physWrite(VIRTIO0_BASE + off, 4, v); }
}
