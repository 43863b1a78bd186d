// A virtio entropy device (virtio 1.2 5.4 "Entropy Device") on the
// virtio-mmio transport: one request queue (5.4.2), no feature bits and no
// configuration space (5.4.3, 5.4.4). Each buffer the driver makes
// available is filled with bytes and returned with their count (5.4.6: "The
// device MUST place one or more random bytes into the buffer"; lde fills it
// whole). The bytes come from a seeded generator (xoshiro128**), not from
// the host: a run repeats exactly, as everything else on lde's machine
// does, which also means a guest's keys are as predictable as its seed.

import type { IrqLine } from './mmio.js';
import type { PhysMem } from './phys.js';
import { VIRTIO_F_VERSION_1, VIRTQ_DESC_F_WRITE, VirtioMmio, type VirtioDevice } from './virtio-mmio.js';

export const VIRTIO_ID_ENTROPY = 4;
export const RNG_QUEUE_MAX = 64;
/** At most this many bytes per buffer (a driver asking for more gets this many: still "one or more"). */
export const RNG_MAX_BYTES = 64 * 1024;

export class VirtioRng implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_ENTROPY;
  readonly features: readonly [number, number] = [0, 1 << (VIRTIO_F_VERSION_1 - 32)];
  readonly queueNumMax = RNG_QUEUE_MAX;
  readonly queueCount = 1;
  readonly transport: VirtioMmio;
  /** Bytes handed out (for --stats). */
  bytes = 0;
  private readonly s = new Uint32Array(4);

  constructor(private readonly phys: PhysMem, irq: IrqLine, seed = 1) {
    // splitmix32 spreads the seed over the state (never all zero).
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.transport = new VirtioMmio(this, phys, irq);
  }

  /** xoshiro128**: the next 32 bits. */
  private next(): number {
    const s = this.s, r = Math.imul(((Math.imul(s[1], 5) << 7) | (Math.imul(s[1], 5) >>> 25)), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return r;
  }

  configRead(): number { return 0; }
  configWrite(): void { /* no configuration space */ }

  notify(q: number): void { if (q === 0) this.transport.serve(0, (chain) => this.fill(chain)); }

  /** Fills a chain's device-writable buffers (up to RNG_MAX_BYTES in all); returns the bytes written. */
  private fill(chain: { addr: number; len: number; flags: number }[]): number {
    let written = 0;
    for (const d of chain) {
      if ((d.flags & VIRTQ_DESC_F_WRITE) === 0) continue;
      const n = Math.min(d.len, RNG_MAX_BYTES - written);
      if (n <= 0) break;
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k += 4) {
        const v = this.next();
        for (let j = 0; j < 4 && k + j < n; j++) b[k + j] = v >>> (8 * j);
      }
      this.phys.writeBytes(d.addr, b);
      written += n;
    }
    this.bytes += written;
    return written;
  }

  reset(): void { /* nothing in flight */ }
  driverOk(): void { /* ready */ }
}
