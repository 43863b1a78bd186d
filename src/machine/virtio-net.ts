// A virtio network device (virtio 1.2 5.1 "Network Device") on the
// virtio-mmio transport (virtio-mmio.ts), at QEMU virt's first virtio-mmio
// slot (board.ts). Queue 0 is receiveq1, queue 1 transmitq1 (5.1.2). The
// wire is the traffic source (net-source.ts): each frame it offers goes into
// the next buffer the driver made available on the RX queue, behind a
// 12-byte struct virtio_net_hdr (5.1.6: with VIRTIO_F_VERSION_1 the header
// always has num_buffers, set to 1 here); with no buffer available the
// frame is dropped and counted (`drops`), as a NIC's missed-packets counter.
// Transmitted buffers are consumed and counted, and go nowhere.
//
// Interrupt moderation, in the spirit of `ethtool -C rx-frames N rx-usecs U`:
// the used-buffer notification for received frames is raised once N frames
// are unsignalled, or U µs of virtual time after the first unsignalled one
// arrived, whichever comes first (N = 0: no frame limit; U = 0: no timer;
// 1/0, the default, is one interrupt per frame). A driver that set
// VIRTQ_AVAIL_F_NO_INTERRUPT (NAPI polling) gets none, and the count starts
// again. virtio 1.2 puts coalescing on the control queue
// (VIRTIO_NET_F_NOTF_COAL); lde keeps it simpler and exposes it in the
// device-specific configuration space, past virtio_net_config, as its own
// extension (NetCfg below; docs/nic.md has the layout).
//
// Timing: the device is due at the exact cycle of the next arrival or of the
// moderation timer (`nextEvent`); the hart's timer logic (timer.ts
// attachTimed) makes the run stop there and wfi wake there, and `sync(now)`
// then handles every event up to now in order, each at its own cycle.

import type { IrqLine } from './mmio.js';
import type { PhysMem } from './phys.js';
import { INT_USED, VIRTIO_F_VERSION_1, VIRTQ_DESC_F_WRITE, VirtioMmio, type VirtioDevice } from './virtio-mmio.js';
import { NetSource, type SourceOptions } from './net-source.js';

export const VIRTIO_ID_NET = 1;
/** 5.1.3: the device has a MAC address in its configuration space. */
export const VIRTIO_NET_F_MAC = 5;
/** sizeof(struct virtio_net_hdr) with num_buffers (5.1.6). */
export const NET_HDR_LEN = 12;
export const RX_QUEUE = 0, TX_QUEUE = 1;
/** QueueNumMax of both queues. */
export const NET_QUEUE_MAX = 256;
/** The MAC QEMU gives its first NIC. */
export const DEFAULT_MAC = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

/**
 * The device-specific configuration space (offsets from 0x100): struct
 * virtio_net_config's mac (5.1.4), then lde's extension from 0x40: the
 * moderation settings (read-write, 32 bits) and the device's counters
 * (read-only, 32 bits, wrapping).
 */
export const enum NetCfg {
  MAC = 0x00, RX_FRAMES = 0x40, RX_USECS = 0x44, RX_DROPS = 0x48, RX_PACKETS = 0x4c, TX_PACKETS = 0x50, OFFERED = 0x54, END = 0x58,
}

export interface NicOptions {
  mac?: readonly number[];
  /** The traffic source on the wire; none: nothing arrives. */
  source?: SourceOptions;
}

export class VirtioNet implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_NET;
  readonly features: readonly [number, number] = [1 << VIRTIO_NET_F_MAC, 1 << (VIRTIO_F_VERSION_1 - 32)];
  readonly needsVersion1 = true;
  readonly queueNumMax = NET_QUEUE_MAX;
  readonly queueCount = 2;
  readonly transport: VirtioMmio;
  readonly mac: readonly number[];
  readonly source: NetSource;
  /** Moderation: frames and µs (see the header). */
  rxFrames = 1;
  rxUsecs = 0;
  /** Frames dropped for want of a buffer (or while the device was not live), put in the RX ring, and sent. */
  drops = 0;
  rxPackets = 0;
  txPackets = 0;
  /** Frames put in the ring since the last notification, and the arrival cycle of the first of them. */
  private unsignalled = 0;
  private firstAt = Infinity;

  constructor(private readonly phys: PhysMem, irq: IrqLine, private readonly clock: () => number, opts: NicOptions = {}) {
    this.mac = opts.mac ?? DEFAULT_MAC;
    this.source = new NetSource(opts.source ?? { pps: 0, port: 0 });
    this.transport = new VirtioMmio(this, phys, irq);
  }

  /** The cycle of the next thing the device does on its own: an arrival or the moderation timer. */
  get nextEvent(): number {
    const timer = this.unsignalled > 0 && this.rxUsecs > 0 ? this.firstAt + this.rxUsecs * 1000 : Infinity;
    return Math.min(this.source.next, timer);
  }

  /** Handles every arrival and moderation deadline up to cycle `now`, in order. */
  sync(now: number): void {
    for (;;) {
      const arrival = this.source.next, timer = this.nextEvent;
      if (Math.min(arrival, timer) > now) return;
      if (timer < arrival) this.notifyRx();
      else this.arrive(arrival);
    }
  }

  /** One frame from the wire at cycle `at`: into the next RX buffer, or dropped. */
  private arrive(at: number): void {
    const frame = this.source.take(this.mac), rx = this.transport.queues[RX_QUEUE];
    if (!this.transport.live) { this.drops++; return; }
    this.dma(() => {
      const buf = rx.pop();
      if (buf === undefined) { this.drops++; return; }
      if (!(buf.flags & VIRTQ_DESC_F_WRITE) || buf.len < NET_HDR_LEN + frame.length) { this.drops++; rx.push(buf.head, 0); return; }
      this.phys.fill(buf.addr, NET_HDR_LEN - 2); // flags, gso_type, hdr_len, gso_size, csum_start, csum_offset
      this.phys.write16(buf.addr + NET_HDR_LEN - 2, 1); // num_buffers
      this.phys.writeBytes(buf.addr + NET_HDR_LEN, frame);
      rx.push(buf.head, NET_HDR_LEN + frame.length);
      this.rxPackets++;
      if (++this.unsignalled === 1) this.firstAt = at;
      if (this.unsignalled >= (this.rxFrames || (this.rxUsecs > 0 ? Infinity : 1))) this.notifyRx(); // 0/0: per frame
    });
  }

  /** The moderation threshold or timer was reached: a used buffer notification, unless the driver suppressed it. */
  private notifyRx(): void {
    this.unsignalled = 0;
    this.firstAt = Infinity;
    if (!this.transport.live) return;
    this.dma(() => { if (!this.transport.queues[RX_QUEUE].suppressed) this.transport.signal(INT_USED); });
  }

  /** A ring or buffer address outside RAM: the device needs a reset (virtio-mmio.ts fail). */
  private dma(f: () => void): void {
    try { f(); } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.transport.fail();
    }
  }

  configRead(offset: number, width: 1 | 2 | 4): number {
    if (offset < 6) return width === 1 || (width === 2 && offset <= 4) ? this.mac.slice(offset, offset + width).reduce((v, b, i) => v + b * 256 ** i, 0) : 0;
    if (width !== 4 || (offset & 3) !== 0 || offset < NetCfg.RX_FRAMES || offset >= NetCfg.END) return 0;
    switch (offset) {
      case NetCfg.RX_FRAMES: return this.rxFrames;
      case NetCfg.RX_USECS: return this.rxUsecs;
      case NetCfg.RX_DROPS: return this.drops >>> 0;
      case NetCfg.RX_PACKETS: return this.rxPackets >>> 0;
      case NetCfg.TX_PACKETS: return this.txPackets >>> 0;
      default: return this.source.offered >>> 0;
    }
  }

  /** Only the moderation fields are writable; a write moves them from now on (frames already unsignalled keep counting). */
  configWrite(offset: number, width: 1 | 2 | 4, value: number): void {
    if (width !== 4) return;
    this.sync(this.clock());
    if (offset === NetCfg.RX_FRAMES) this.rxFrames = value >>> 0;
    else if (offset === NetCfg.RX_USECS) this.rxUsecs = value >>> 0;
  }

  /** QueueNotify: new RX buffers need nothing (frames never wait for one); TX buffers are sent at once. */
  notify(q: number): void {
    if (q !== TX_QUEUE) return;
    const tx = this.transport.queues[TX_QUEUE];
    this.dma(() => {
      let sent = 0;
      for (let b = tx.pop(); b !== undefined; b = tx.pop()) { tx.push(b.head, 0); sent++; }
      this.txPackets += sent;
      if (sent > 0 && !tx.suppressed) this.transport.signal(INT_USED);
    });
  }

  reset(): void {
    this.source.stop();
    this.unsignalled = 0;
    this.firstAt = Infinity;
  }

  /** The driver is ready: the link comes up and the source starts offering (from the next cycle on). */
  driverOk(): void { this.source.begin(this.clock()); }
}
