// A virtio block device (virtio 1.2 5.2 "Block Device") on the virtio-mmio
// transport (virtio-mmio.ts), over a host disk (a BlockBackend: the CLI's
// is a file, copied on write: src/cli/disk.ts). One request queue (5.2.2).
//
// A request (5.2.6) is a descriptor chain: the driver's header (le32 type,
// le32 reserved, le64 sector), the data, and one status byte the device
// writes. The device reads every device-readable descriptor in order and
// writes the device-writable ones in order, so the request may be framed
// any way the driver likes (2.6.4 "Message Framing"). Decisions:
//   - IN and OUT take whole 512-byte sectors inside the capacity; anything
//     else is VIRTIO_BLK_S_IOERR (5.2.6.1: the length "MUST be a multiple of
//     512 bytes"; an access past the capacity is an error);
//   - OUT to a read-only disk (VIRTIO_BLK_F_RO offered) is IOERR (5.2.6.2);
//   - FLUSH asks the backend to make its writes durable, and completes;
//   - GET_ID writes the disk's id, up to 20 bytes, zero-padded;
//   - any other type is VIRTIO_BLK_S_UNSUPP.
// Requests complete when the driver notifies (no simulated latency), in
// ring order, with one used-buffer notification for the batch unless the
// driver suppressed it (2.7.7).

import type { IrqLine } from './mmio.js';
import type { PhysMem } from './phys.js';
import { VIRTIO_F_VERSION_1, VIRTQ_DESC_F_WRITE, VirtioMmio, type VirtioDevice } from './virtio-mmio.js';

export const VIRTIO_ID_BLOCK = 2;
/** Feature bits (5.2.3). */
export const VIRTIO_BLK_F_RO = 5, VIRTIO_BLK_F_FLUSH = 9;
/** Request types (5.2.6) and status values. */
export const enum BlkType { IN = 0, OUT = 1, FLUSH = 4, GET_ID = 8 }
export const enum BlkStatus { OK = 0, IOERR = 1, UNSUPP = 2 }
export const SECTOR = 512;
export const BLK_QUEUE_MAX = 128;

/** The disk behind the device: `size` bytes (a multiple of 512), read and written at byte offsets. */
export interface BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  /** A short name for GET_ID (at most 20 bytes are used). */
  readonly id: string;
  read(offset: number, into: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
  /** A flush request: what was written must be durable (none: nothing to do). */
  flush?(): void;
}

/** A disk in host memory (tests; a browser). */
export class MemoryDisk implements BlockBackend {
  constructor(readonly bytes: Uint8Array, readonly readOnly = false, readonly id = 'lde-memory') {
    if (bytes.length % SECTOR !== 0) throw new RangeError(`a disk image must be a whole number of 512-byte sectors (it has ${bytes.length} bytes)`);
  }
  get size(): number { return this.bytes.length; }
  read(offset: number, into: Uint8Array): void { into.set(this.bytes.subarray(offset, offset + into.length)); }
  write(offset: number, data: Uint8Array): void { this.bytes.set(data, offset); }
}

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly features: readonly [number, number];
  readonly queueNumMax = BLK_QUEUE_MAX;
  readonly queueCount = 1;
  readonly transport: VirtioMmio;
  /** Requests completed, by outcome, and bytes moved (for --stats). */
  readonly counts = { reads: 0, writes: 0, flushes: 0, errors: 0, bytesRead: 0, bytesWritten: 0 };

  constructor(private readonly phys: PhysMem, irq: IrqLine, readonly disk: BlockBackend) {
    if (disk.size % SECTOR !== 0) throw new RangeError(`a disk image must be a whole number of 512-byte sectors (it has ${disk.size} bytes)`);
    this.features = [(disk.readOnly ? 1 << VIRTIO_BLK_F_RO : 0) | (1 << VIRTIO_BLK_F_FLUSH), 1 << (VIRTIO_F_VERSION_1 - 32)];
    this.transport = new VirtioMmio(this, phys, irq);
  }

  /** struct virtio_blk_config (5.2.4): capacity, in 512-byte sectors, is the only field offered. */
  configRead(offset: number, width: 1 | 2 | 4): number {
    if (offset + width > 8) return 0;
    const cap = this.disk.size / SECTOR;
    let v = 0;
    for (let k = width - 1; k >= 0; k--) v = v * 256 + Math.floor(cap / 256 ** (offset + k)) % 256;
    return v | 0;
  }
  configWrite(): void { /* read-only (5.2.4: the driver writes nothing here without VIRTIO_BLK_F_CONFIG_WCE) */ }

  notify(q: number): void { if (q === 0) this.transport.serve(0, (chain) => this.request(chain)); }

  /** One request: returns the bytes written into the chain's device-writable buffers. */
  private request(chain: { addr: number; len: number; flags: number }[]): number {
    const readable = chain.filter((d) => (d.flags & VIRTQ_DESC_F_WRITE) === 0);
    const writable = chain.filter((d) => (d.flags & VIRTQ_DESC_F_WRITE) !== 0);
    const inLen = readable.reduce((a, d) => a + d.len, 0), outLen = writable.reduce((a, d) => a + d.len, 0);
    if (outLen < 1) { this.counts.errors++; return 0; } // no room for a status byte: nothing to report it in
    if (inLen > this.disk.size + 16 || outLen > this.disk.size + 1) {
      // Larger than any request can be (host memory stays bounded): IOERR, in the last writable byte.
      const last = writable.filter((d) => d.len > 0).pop()!;
      this.phys.write8(last.addr + last.len - 1, BlkStatus.IOERR);
      this.counts.errors++;
      return 1;
    }
    const input = new Uint8Array(inLen);
    let at = 0;
    for (const d of readable) { input.set(this.phys.readBytes(d.addr, d.len), at); at += d.len; }
    const out = new Uint8Array(outLen);
    const view = new DataView(input.buffer);
    let status: BlkStatus = BlkStatus.OK, dataOut = 0;
    if (inLen < 16) status = BlkStatus.IOERR;
    else {
      const type = view.getUint32(0, true), sector = view.getUint32(8, true) + view.getUint32(12, true) * 4294967296;
      const offset = sector * SECTOR, fits = (len: number) => len % SECTOR === 0 && offset + len <= this.disk.size;
      switch (type) {
        case BlkType.IN:
          if (!fits(outLen - 1)) status = BlkStatus.IOERR;
          else { this.disk.read(offset, out.subarray(0, outLen - 1)); dataOut = outLen - 1; this.counts.reads++; this.counts.bytesRead += dataOut; }
          break;
        case BlkType.OUT:
          if (this.disk.readOnly || !fits(inLen - 16)) status = BlkStatus.IOERR;
          else { this.disk.write(offset, input.subarray(16)); this.counts.writes++; this.counts.bytesWritten += inLen - 16; }
          break;
        case BlkType.FLUSH: this.disk.flush?.(); this.counts.flushes++; break;
        case BlkType.GET_ID: {
          const id = new TextEncoder().encode(this.disk.id).subarray(0, 20);
          dataOut = Math.min(20, outLen - 1);
          out.set(id.subarray(0, dataOut));
          break;
        }
        default: status = BlkStatus.UNSUPP;
      }
    }
    if (status !== BlkStatus.OK) this.counts.errors++;
    out[outLen - 1] = status;
    // The data bytes, then the status byte at the very end of the writable part.
    at = 0;
    for (const d of writable) {
      const take = Math.min(d.len, outLen - at);
      const last = take > 0 && at + take === outLen;
      if (at < dataOut) this.phys.writeBytes(d.addr, out.subarray(at, Math.min(at + take, dataOut)));
      if (last) this.phys.write8(d.addr + take - 1, status);
      at += take;
    }
    return dataOut + 1;
  }

  reset(): void { /* nothing is in flight: requests complete when notified */ }
  driverOk(): void { /* ready */ }
}
