// The device side of the bus: what a memory-mapped device implements, and
// the one way a device raises an interrupt.

/** Returned by Mmio.read for an access the device does not accept. */
export const ACCESS_FAULT = -1;

/**
 * A memory-mapped device. Offsets are relative to the device's base.
 * Widths are 1, 2 or 4 bytes; the bus splits an 8-byte access into two
 * 4-byte accesses, low word first. Contract: read returns the value
 * zero-extended (0 .. 2^32-1) or ACCESS_FAULT; write returns false for an
 * access the real device would not accept (the hart then raises an access
 * fault). Neither ever throws.
 */
export interface Mmio {
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, width: 1 | 2 | 4, value: number): boolean;
}

/** A level-triggered interrupt wire from a device to an interrupt controller or hart. */
export interface IrqLine {
  set(level: boolean): void;
}
