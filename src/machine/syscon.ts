// The power-off and reset device of the QEMU virt board ("sifive,test0",
// "syscon" at 0x100000): one 32-bit register. Its device-tree node and the
// values below are what QEMU's board describes (syscon-poweroff value 0x5555,
// syscon-reboot value 0x7777), and what Linux's syscon-poweroff driver and
// OpenSBI's sifive-test driver write:
//   0x5555              power off, success;
//   0x3333 | code << 16 power off, failure with exit code `code`;
//   0x7777              reset (lde stops the run with the reset reason: it has no warm reset).
// Reads return 0; other values are ignored. 2- and 4-byte accesses at offset 0 are accepted (QEMU's device takes
// both, and OpenSBI's driver writes 16 bits); anything else faults.

import { ACCESS_FAULT, type Mmio } from './mmio.js';

export const SYSCON_BASE = 0x100000, SYSCON_SIZE = 0x1000;
export const POWER_PASS = 0x5555, POWER_FAIL = 0x3333, POWER_RESET = 0x7777;

/** Why the machine stopped, and its exit status (0 for a clean power-off). */
export interface PowerEvent { kind: 'off' | 'reset'; status: number }

export class Syscon implements Mmio {
  constructor(private readonly onPower: (e: PowerEvent) => void) {}

  read(offset: number, width: 1 | 2 | 4): number {
    return offset === 0 && width !== 1 ? 0 : ACCESS_FAULT;
  }

  write(offset: number, width: 1 | 2 | 4, value: number): boolean {
    if (offset !== 0 || width === 1) return false;
    const low = value & 0xffff;
    if (low === POWER_PASS) this.onPower({ kind: 'off', status: 0 });
    else if (low === POWER_FAIL) this.onPower({ kind: 'off', status: Math.min(value >>> 16, 255) || 1 });
    else if (low === POWER_RESET) this.onPower({ kind: 'reset', status: 0 });
    return true;
  }
}
