// A virtio console (virtio 1.2 5.3 "Console Device") on the virtio-mmio
// transport: one port, no optional features (5.3.3: neither
// VIRTIO_CONSOLE_F_SIZE, F_MULTIPORT nor F_EMERG_WRITE), so the
// configuration space holds nothing the driver may read (5.3.4) and reads
// as zeros. Queue 0 is receiveq, queue 1 transmitq (5.3.2).
//   - transmitq: each chain's device-readable buffers are printed, in order,
//     and returned with used length 0 (5.3.6.1: the device writes nothing
//     into them).
//   - receiveq: the driver keeps device-writable buffers available; host
//     input fills them as it comes, as many bytes per buffer as there are,
//     each returned with the count written. Bytes wait in the device while
//     no buffer is available (never dropped).
// On Linux it is hvc0 (virtio_console): `console=hvc0` makes it the console.

import type { IrqLine } from './mmio.js';
import type { PhysMem } from './phys.js';
import { VIRTIO_F_VERSION_1, VIRTQ_DESC_F_WRITE, VirtioMmio, type VirtioDevice } from './virtio-mmio.js';

export const VIRTIO_ID_CONSOLE = 3;
export const CONSOLE_QUEUE_MAX = 64;
const RECEIVEQ = 0, TRANSMITQ = 1;

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly features: readonly [number, number] = [0, 1 << (VIRTIO_F_VERSION_1 - 32)];
  readonly queueNumMax = CONSOLE_QUEUE_MAX;
  readonly queueCount = 2;
  readonly transport: VirtioMmio;
  /** Bytes printed and bytes delivered (for --stats). */
  bytesOut = 0;
  bytesIn = 0;
  private input: number[] = [];
  private inputHead = 0;

  constructor(private readonly phys: PhysMem, irq: IrqLine, private readonly output: (bytes: Uint8Array) => void) {
    this.transport = new VirtioMmio(this, phys, irq);
  }

  /** Host input for the guest: delivered into receiveq buffers now if the driver has some, else when it posts them. */
  pushInput(bytes: Uint8Array): void {
    for (const b of bytes) this.input.push(b);
    this.deliver();
  }

  /** A byte of host input is still waiting for a buffer. */
  get hasInput(): boolean { return this.inputHead < this.input.length; }

  configRead(): number { return 0; }
  configWrite(): void { /* nothing writable without F_EMERG_WRITE */ }

  notify(q: number): void {
    if (q === TRANSMITQ) this.transport.serve(TRANSMITQ, (chain) => this.transmit(chain));
    else if (q === RECEIVEQ) this.deliver();
  }

  private transmit(chain: { addr: number; len: number; flags: number }[]): number {
    for (const d of chain) {
      if ((d.flags & VIRTQ_DESC_F_WRITE) !== 0 || d.len === 0) continue;
      const n = Math.min(d.len, 1 << 16); // a driver's buffer is a page or two; more is clipped, never allocated
      this.output(this.phys.readBytes(d.addr, n));
      this.bytesOut += n;
    }
    return 0;
  }

  private deliver(): void {
    this.transport.serve(RECEIVEQ, (chain) => {
      let written = 0;
      for (const d of chain) {
        if ((d.flags & VIRTQ_DESC_F_WRITE) === 0 || !this.hasInput) continue;
        const n = Math.min(d.len, this.input.length - this.inputHead);
        this.phys.writeBytes(d.addr, Uint8Array.from(this.input.slice(this.inputHead, this.inputHead + n)));
        this.inputHead += n;
        written += n;
      }
      this.bytesIn += written;
      if (!this.hasInput) { this.input = []; this.inputHead = 0; }
      return written;
    }, () => this.hasInput);
  }

  reset(): void { /* input waits in the device; nothing else in flight */ }
  driverOk(): void { this.deliver(); }
}
