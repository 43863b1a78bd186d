// HTIF, the host-target interface of the riscv-tests environment: a pair of
// 64-bit words in RAM (the ELF's `tohost` and `fromhost` symbols). A store to
// tohost is a request. DESIGN.md "lde bare": device 1 command 1 prints a
// character; 1 is pass; any other odd value (n << 1) | 1 fails with n.

import type { Bus } from './bus.js';
import { Hook, HOOK_SHIFT } from './bus.js';
import type { Hart } from './hart.js';

export class Htif {
  /** tohostOff: RAM offset of tohost. console: receives printed bytes. */
  constructor(private readonly bus: Bus, private readonly hart: Hart, private readonly tohostOff: number,
    private readonly console: (byte: number) => void) {
    bus.hooks[tohostOff >>> HOOK_SHIFT] |= Hook.WATCH; // tohost is 8-byte aligned: one granule
    bus.onWatch = (off) => this.onStore(off);
  }

  /**
   * Called after a store that wrote RAM offset `off` on a watched page. A
   * request is complete when its high word has been written (a 64-bit sd, or
   * the second of two sw), so we act then.
   */
  private onStore(off: number): void {
    if (off < this.tohostOff + 4 || off >= this.tohostOff + 8) return;
    const w = this.tohostOff >> 2, lo = this.bus.ram32[w] >>> 0, hi = this.bus.ram32[w + 1] >>> 0;
    if (lo === 0 && hi === 0) return;
    const device = hi >>> 24, cmd = (hi >>> 16) & 0xff;
    if (device === 1 && cmd === 1) {
      this.console(lo & 0xff);
      this.bus.ram32[w] = 0; this.bus.ram32[w + 1] = 0;
      return;
    }
    if (device === 0 && cmd === 0 && (lo & 1) === 1) {
      const code = (hi & 0xffff) * 2 ** 31 + (lo >>> 1);
      this.hart.stop = { kind: 'halt', status: code === 0 ? 0 : Math.min(code, 255) };
      return;
    }
    // A proxied system call (an even pointer) or an unknown device: not supported.
    this.hart.stop = { kind: 'halt', status: -1 };
  }
}
