// `--drive FILE`: a raw disk image behind the virtio block device
// (src/machine/virtio-blk.ts), read from the file as the guest asks and
// copied on write: a sector the guest writes is kept in host memory from
// then on, and the file is never written. Host memory grows only with the
// sectors written. With `--drive-write` the guest's writes go to the file
// instead, as they come, and a flush request is an fsync. A file whose size
// is not a whole number of 512-byte sectors is refused (QEMU rounds it
// down; lde says so instead).

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { SECTOR, type BlockBackend } from '../machine/index.js';

export class FileDisk implements BlockBackend {
  readonly size: number;
  readonly readOnly = false;
  readonly id: string;
  private readonly fd: number;
  /** Sectors the guest wrote, by number. */
  private readonly written = new Map<number, Uint8Array>();

  constructor(path: string, private readonly writeThrough = false) {
    this.fd = openSync(path, writeThrough ? 'r+' : 'r');
    const st = fstatSync(this.fd);
    if (!st.isFile()) { closeSync(this.fd); throw new RangeError('not a regular file'); }
    if (st.size === 0 || st.size % SECTOR !== 0) {
      closeSync(this.fd);
      throw new RangeError(`a disk image must be a whole, nonzero number of 512-byte sectors (it has ${st.size} bytes)`);
    }
    this.size = st.size;
    this.id = path.split('/').pop()!.slice(0, 20);
  }

  read(offset: number, into: Uint8Array): void {
    for (let k = 0; k < into.length; k += SECTOR) {
      const n = (offset + k) / SECTOR, mine = this.written.get(n), dst = into.subarray(k, k + SECTOR);
      if (mine !== undefined) dst.set(mine);
      else readSync(this.fd, dst, 0, SECTOR, offset + k);
    }
  }

  write(offset: number, data: Uint8Array): void {
    if (this.writeThrough) { writeSync(this.fd, data, 0, data.length, offset); return; }
    for (let k = 0; k < data.length; k += SECTOR) this.written.set((offset + k) / SECTOR, data.slice(k, k + SECTOR));
  }

  flush(): void { if (this.writeThrough) fsyncSync(this.fd); }

  close(): void { closeSync(this.fd); }
}
