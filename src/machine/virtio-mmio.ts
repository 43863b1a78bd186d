// The virtio-mmio transport, version 2 (the "modern" layout), and split
// virtqueues, after the OASIS virtio 1.2 specification: 4.2.2 "MMIO Device
// Register Layout", 2.1 "Device Status Field", 2.2 "Feature Bits", 2.7
// "Split Virtqueues". A device model (virtio-net.ts) supplies the device id,
// its feature bits, its configuration space and what a notification does.
//
// Register decisions (4.2.2, table "MMIO Device Register Layout"):
//   - Only 4-byte aligned accesses to the registers below 0x100 are valid
//     (4.2.2.2: "The driver MUST only use 32 bit wide and aligned reads and
//     writes to access the control registers"); the configuration space at
//     0x100 takes 1, 2 and 4-byte accesses. Anything else is an access fault.
//   - Writing 0 to Status resets the device (2.4: queues forgotten, features
//     cleared, interrupt status cleared). FEATURES_OK is refused (reads back
//     clear) when the driver accepted a bit the device does not offer, or,
//     for a device whose layout depends on it (the NIC's header, 5.1.6),
//     omitted VIRTIO_F_VERSION_1: 6.2 lets a device "fail to operate further"
//     then. The others go on with the modern layout, as QEMU's do: xv6's
//     driver writes only the low 32 feature bits.
//   - Queue registers act on QueueSel; QueueNum must be a power of 2 no
//     greater than QueueNumMax (2.7: "Queue Size value is always a power of 2").
//   - The interrupt line is level: high while InterruptStatus is not zero.

import { ACCESS_FAULT, type IrqLine, type Mmio } from './mmio.js';
import type { PhysMem } from './phys.js';

export const VIRTIO_MAGIC = 0x74726976; // "virt", little-endian
/**
 * The vendor id register: QEMU's ("QEMU" as the little-endian word). The
 * specification lets a device report any vendor (virtio 1.2 4.2.2), but
 * kernels written for QEMU's virt board check for this one: xv6 panics
 * with "could not find virtio disk" without it.
 */
export const VIRTIO_VENDOR = 0x554d4551;
export const VIRTIO_F_VERSION_1 = 32;

/** Register offsets, virtio 1.2 4.2.2. */
export const enum Reg {
  MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
  DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014, DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024,
  QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
  INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070,
  QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094,
  QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4, CONFIG_GENERATION = 0x0fc, CONFIG = 0x100,
}

/** Device status bits, 2.1. */
export const enum Status { ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8, NEEDS_RESET = 64, FAILED = 128 }
/** InterruptStatus bits, 4.2.2: a used buffer notification, a configuration change. */
export const INT_USED = 1, INT_CONFIG = 2;
/** Descriptor flags (2.7.5) and ring flags (2.7.6, 2.7.8). */
export const VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2, VIRTQ_AVAIL_F_NO_INTERRUPT = 1, VIRTQ_USED_F_NO_NOTIFY = 1;

/** What a device model gives the transport. */
export interface VirtioDevice {
  readonly deviceId: number;
  /** The feature bits offered, as 64 bits in two words. */
  readonly features: readonly [lo: number, hi: number];
  readonly queueNumMax: number;
  readonly queueCount: number;
  /** FEATURES_OK needs VIRTIO_F_VERSION_1 accepted (the NIC: its header is the legacy one without it). */
  readonly needsVersion1?: boolean;
  configRead(offset: number, width: 1 | 2 | 4): number;
  configWrite(offset: number, width: 1 | 2 | 4, value: number): void;
  /** The driver wrote QueueNotify with queue q. */
  notify(q: number): void;
  /** The device was reset (Status = 0), or became live (DRIVER_OK). */
  reset(): void;
  driverOk(): void;
}

/** One split virtqueue as the device sees it (2.7): the three areas in guest memory, and the device's own indices. */
export class VirtQueue {
  num = 0;
  ready = false;
  desc = 0;
  driver = 0;
  device = 0;
  /** The next avail ring slot the device will read, and the used index it will write next (free-running 16 bits). */
  lastAvail = 0;
  usedIdx = 0;

  constructor(private readonly phys: PhysMem) {}

  reset(): void { this.num = 0; this.ready = false; this.desc = this.driver = this.device = 0; this.lastAvail = this.usedIdx = 0; }

  /** Buffers the driver has made available and the device has not taken. */
  get available(): number { return this.ready ? (this.phys.read16(this.driver + 2) - this.lastAvail) & 0xffff : 0; }

  /** avail.flags has VIRTQ_AVAIL_F_NO_INTERRUPT: the driver asks for no used buffer notifications (2.7.7). */
  get suppressed(): boolean { return (this.phys.read16(this.driver) & VIRTQ_AVAIL_F_NO_INTERRUPT) !== 0; }

  /** Takes the next available chain's head: its id and first descriptor (address, length, flags); undefined when the ring is empty. */
  pop(): { head: number; addr: number; len: number; flags: number } | undefined {
    const head = this.popHead();
    if (head === undefined) return undefined;
    if (head >= this.num) return { head, addr: 0, len: 0, flags: 0 }; // a bad id: a zero-length buffer (the driver's bug)
    const d = this.desc + 16 * head;
    const addr = this.phys.read32(d) + this.phys.read32(d + 4) * 4294967296;
    return { head, addr, len: this.phys.read32(d + 8), flags: this.phys.read16(d + 12) };
  }

  /** Takes the next available chain's head id; undefined when the ring is empty. */
  popHead(): number | undefined {
    if (this.available === 0) return undefined;
    const head = this.phys.read16(this.driver + 4 + 2 * (this.lastAvail % this.num));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return head;
  }

  /**
   * The descriptors of chain `head`, following VIRTQ_DESC_F_NEXT (2.7.5).
   * A bad id, or a chain longer than the queue (a loop), is a RangeError:
   * the device then needs a reset (2.7.5.1: the driver "MUST NOT" make one).
   */
  chain(head: number): { addr: number; len: number; flags: number }[] {
    const out: { addr: number; len: number; flags: number }[] = [];
    for (let i = head; ; ) {
      if (i >= this.num || out.length >= this.num) throw new RangeError(`virtqueue: a bad descriptor chain at ${head}`);
      const d = this.desc + 16 * i, flags = this.phys.read16(d + 12);
      out.push({ addr: this.phys.read32(d) + this.phys.read32(d + 4) * 4294967296, len: this.phys.read32(d + 8), flags });
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) return out;
      i = this.phys.read16(d + 14);
    }
  }

  /** Returns chain `head` to the driver with `len` bytes written (2.7.8: used element {id, len}, then idx). */
  push(head: number, len: number): void {
    const e = this.device + 4 + 8 * (this.usedIdx % this.num);
    this.phys.write32(e, head);
    this.phys.write32(e + 4, len);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    this.phys.write16(this.device + 2, this.usedIdx);
  }
}

export class VirtioMmio implements Mmio {
  readonly queues: VirtQueue[];
  private status = 0;
  private interruptStatus = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private readonly driverFeatures = [0, 0];
  private queueSel = 0;
  private generation = 0;

  constructor(private readonly dev: VirtioDevice, phys: PhysMem, private readonly irq: IrqLine) {
    this.queues = Array.from({ length: dev.queueCount }, () => new VirtQueue(phys));
  }

  /** The driver accepted feature bit `bit` (valid once FEATURES_OK). */
  negotiated(bit: number): boolean { return ((this.driverFeatures[bit >> 5] >>> (bit & 31)) & 1) === 1; }

  /** The driver has set DRIVER_OK and not reset the device since. */
  get live(): boolean { return (this.status & Status.DRIVER_OK) !== 0 && (this.status & Status.NEEDS_RESET) === 0; }

  /** Raises InterruptStatus bits (INT_USED, INT_CONFIG); the line follows. */
  signal(bits: number): void {
    this.interruptStatus |= bits;
    this.irq.set(this.interruptStatus !== 0);
  }

  /**
   * The device met an error it cannot go on from, such as a ring or buffer
   * address outside RAM (2.1.2: "the device MAY set DEVICE_NEEDS_RESET"):
   * it stops using the queues until reset and tells the driver (INT_CONFIG).
   */
  fail(): void {
    this.status |= Status.NEEDS_RESET;
    this.signal(INT_CONFIG);
  }

  /**
   * Serves every chain the driver made available on queue q: `handle` gets
   * the chain's descriptors and returns the bytes it wrote into them (the
   * used length), then one used-buffer notification for the batch unless
   * the driver suppressed it (2.7.7); only while `want()` (a receive queue
   * takes buffers only for data it has). A ring, buffer or chain that is bad (a
   * RangeError) and the device needs a reset (fail).
   */
  serve(q: number, handle: (chain: { addr: number; len: number; flags: number }[]) => number, want: () => boolean = () => true): void {
    if (!this.live) return;
    const queue = this.queues[q];
    let done = 0;
    try {
      for (let head = want() ? queue.popHead() : undefined; head !== undefined; head = want() ? queue.popHead() : undefined) {
        queue.push(head, handle(queue.chain(head)));
        done++;
      }
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.fail();
      return;
    }
    if (done > 0 && !queue.suppressed) this.signal(INT_USED);
  }

  /** The device changed its configuration space on its own (counters): ConfigGeneration moves (4.2.2, 2.5.1). */
  configChanged(): void { this.generation = (this.generation + 1) >>> 0; }

  read(offset: number, width: 1 | 2 | 4): number {
    if (offset >= Reg.CONFIG) return this.dev.configRead(offset - Reg.CONFIG, width);
    if (width !== 4 || (offset & 3) !== 0) return ACCESS_FAULT;
    const q = this.queues[this.queueSel];
    switch (offset) {
      case Reg.MAGIC: return VIRTIO_MAGIC;
      case Reg.VERSION: return 2;
      case Reg.DEVICE_ID: return this.dev.deviceId;
      case Reg.VENDOR_ID: return VIRTIO_VENDOR;
      case Reg.DEVICE_FEATURES: return this.deviceFeaturesSel < 2 ? this.dev.features[this.deviceFeaturesSel] >>> 0 : 0;
      case Reg.QUEUE_NUM_MAX: return q === undefined ? 0 : this.dev.queueNumMax;
      case Reg.QUEUE_READY: return q?.ready ? 1 : 0;
      case Reg.INTERRUPT_STATUS: return this.interruptStatus;
      case Reg.STATUS: return this.status;
      case Reg.CONFIG_GENERATION: return this.generation;
      default: return 0; // write-only and reserved registers read 0
    }
  }

  write(offset: number, width: 1 | 2 | 4, value: number): boolean {
    if (offset >= Reg.CONFIG) { this.dev.configWrite(offset - Reg.CONFIG, width, value); return true; }
    if (width !== 4 || (offset & 3) !== 0) return false;
    const v = value >>> 0, q = this.queues[this.queueSel];
    switch (offset) {
      case Reg.DEVICE_FEATURES_SEL: this.deviceFeaturesSel = v; break;
      case Reg.DRIVER_FEATURES_SEL: this.driverFeaturesSel = v; break;
      case Reg.DRIVER_FEATURES: if (this.driverFeaturesSel < 2 && !(this.status & Status.FEATURES_OK)) this.driverFeatures[this.driverFeaturesSel] = v; break;
      case Reg.QUEUE_SEL: this.queueSel = v; break;
      case Reg.QUEUE_NUM: if (q && !q.ready && v > 0 && v <= this.dev.queueNumMax && (v & (v - 1)) === 0) q.num = v; break;
      case Reg.QUEUE_READY: if (q) q.ready = (v & 1) === 1 && q.num > 0; break;
      case Reg.QUEUE_NOTIFY: if (this.live && v < this.queues.length && this.queues[v].ready) this.dev.notify(v); break;
      case Reg.INTERRUPT_ACK: this.interruptStatus &= ~v; this.irq.set(this.interruptStatus !== 0); break;
      case Reg.STATUS: this.setStatus(v); break;
      case Reg.QUEUE_DESC_LOW: case Reg.QUEUE_DESC_HIGH: case Reg.QUEUE_DRIVER_LOW: case Reg.QUEUE_DRIVER_HIGH:
      case Reg.QUEUE_DEVICE_LOW: case Reg.QUEUE_DEVICE_HIGH:
        if (q && !q.ready) setArea(q, offset, v);
        break;
      default: break; // read-only and reserved registers ignore writes
    }
    return true;
  }

  /** 2.1, 3.1.1: the driver's initialization steps, each a bit it adds; 0 is a reset. */
  private setStatus(v: number): void {
    if (v === 0) {
      this.status = this.interruptStatus = 0;
      this.driverFeatures[0] = this.driverFeatures[1] = 0;
      for (const q of this.queues) q.reset();
      this.irq.set(false);
      this.dev.reset();
      return;
    }
    if ((v & Status.FEATURES_OK) && !(this.status & Status.FEATURES_OK) && !this.featuresOk()) v &= ~Status.FEATURES_OK;
    const wasLive = this.live;
    this.status = v & 0xff;
    if (!wasLive && this.live) this.dev.driverOk();
  }

  /** The driver accepted only offered bits, and VIRTIO_F_VERSION_1 among them if the device needs it. */
  private featuresOk(): boolean {
    const [lo, hi] = this.dev.features, [dlo, dhi] = this.driverFeatures;
    return (dlo & ~lo) === 0 && (dhi & ~hi) === 0 && (this.dev.needsVersion1 !== true || this.negotiated(VIRTIO_F_VERSION_1));
  }
}

/** QueueDesc/Driver/Device Low and High: the 64-bit guest-physical addresses of the three areas. */
function setArea(q: VirtQueue, offset: number, v: number): void {
  const high = (offset & 4) !== 0, field = offset < Reg.QUEUE_DRIVER_LOW ? 'desc' : offset < Reg.QUEUE_DEVICE_LOW ? 'driver' : 'device';
  const old = q[field], lo = old % 4294967296, hi = Math.floor(old / 4294967296);
  q[field] = high ? lo + v * 4294967296 : hi * 4294967296 + v;
}
