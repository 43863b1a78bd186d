// The Sv39 page-table entry (priv 4.4.1), defined once for the machine's
// walker and for every kernel that builds page tables (src/kernel, the demo
// supervisor). A PTE is 64 bits; here it is handled as two 32-bit words,
// lo (bits 31:0: the flags, RSW and PPN[21:0]) and hi (bits 63:32).
//
//   63..54 reserved   53..10 PPN   9..8 RSW   7 D  6 A  5 G  4 U  3 X  2 W  1 R  0 V

export const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;

/** Bits 9:0 of the low word: the eight flags and the two RSW bits. */
export const PTE_FLAGS = 0x3ff;

/**
 * The two RSW bits, 8 and 9. priv 4.4.1: "The RSW field is reserved for use
 * by supervisor software; the implementation shall ignore this field."
 */
export const PTE_RSW0 = 256, PTE_RSW1 = 512;

const TWO22 = 4194304;

/** The low word of a PTE pointing at the page of physical address pa, with flags (bits 9:0). */
export function pteLo(pa: number, flags: number): number {
  return (Math.floor(pa / 4096) % TWO22) * 1024 + (flags & PTE_FLAGS);
}

/** The high word of a PTE pointing at the page of physical address pa (PPN bits 43:22). */
export function pteHi(pa: number): number {
  return Math.floor(pa / 4096 / TWO22);
}

/** The physical address a PTE points at: its PPN (bits 53:10) times 4096. The words may be signed or unsigned. */
export function ptePa(lo: number, hi: number): number {
  return ((lo >>> 10) + (hi & 0x3fffff) * TWO22) * 4096;
}
