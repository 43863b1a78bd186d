// The page reference string of U-mode, as page replacement theory defines it
// (Belady 1966; OSTEP ch. 22): the sequence of virtual pages the hart
// touches, at page granularity. Off by default; Hart.recordPages turns it on.
//
// While recording, the hart keeps no TLB entries and chains no blocks, so
// every fetch of a block and every load or store reaches Hart.translate,
// which reports its page here. Nothing on the fast paths looks at it: the
// cost when off is one field test in translate and in Tlb.insert, both slow
// paths.
//
// Consecutive repeats collapse: a loop that fetches page A and loads from
// page D yields "A D", not "A D A D ...". So that instruction pages are not
// lost behind a run of data references, each change of data page first
// repeats the current fetch page: A D1 A D2 A D3.

/** Bits of a Sv39 virtual page number (39 - 12). */
const VPN_BITS = 2 ** 27;

export class PageTrace {
  /** The reference string: root page-table PPN * 2^27 + VPN, so two address spaces never share a page. */
  readonly pages: number[] = [];
  private lastFetch = -1;
  private lastData = -1;
  private last = -1;

  /** Key of the page holding virtual address lo (bits 31..0) / hi (bits 63..32) under root table `rootPpn`. */
  static key(rootPpn: number, lo: number, hi: number): number {
    return rootPpn * VPN_BITS + (((lo >>> 12) | ((hi & 0x7f) << 20)) >>> 0);
  }

  /** The VPN part of a key (its virtual address is vpn * 4096). */
  static vpn(key: number): number { return key % VPN_BITS; }

  /** An instruction fetch from page `key`. */
  fetch(key: number): void {
    if (key === this.lastFetch) return;
    this.lastFetch = key;
    this.emit(key);
  }

  /** A load or store to page `key`. */
  data(key: number): void {
    if (key !== this.lastData) {
      this.lastData = key;
      if (this.lastFetch >= 0) this.emit(this.lastFetch);
    }
    this.emit(key);
  }

  private emit(key: number): void {
    if (key === this.last) return;
    this.pages.push(key);
    this.last = key;
  }
}
