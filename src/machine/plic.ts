// The platform-level interrupt controller of the QEMU virt board (base
// 0x0c000000, window 0x4000000): 96 sources (0 reserved), priorities 0-7,
// and one context per (hart, privilege): context 2h is hart h M-mode
// (drives MEIP), 2h+1 is hart h S-mode (drives SEIP).
//
// Register layout and semantics follow the RISC-V PLIC Specification
// (riscv/riscv-plic-spec, 1.0.0): "Memory Map", "Interrupt Priorities",
// "Interrupt Pending Bits", "Interrupt Enables", "Priority Thresholds",
// "Interrupt Claim Process", "Interrupt Completion", and "Interrupt
// Gateways" for the level-triggered gateway. Points worth stating:
//   - Gateway: a request is a device's assertion of its line — each
//     set(true), which a device makes when an interrupt event happens (a
//     byte arrived, a buffer was used), not on every register access. It
//     sets the pending bit. A source in service is not claimable, but an
//     assertion during service stays pending and is claimable after
//     completion. A line that is merely still high at completion forwards
//     nothing. This is QEMU's virt PLIC (hw/intc/sifive_plic.c: a request
//     per raise, none per completion), not the specification's
//     level-triggered gateway ("if the interrupt is level-triggered and the
//     interrupt is still asserted, a new interrupt request will be
//     forwarded"), because kernels written for QEMU depend on it: xv6's UART
//     handler never reads IIR, so its THRE condition stays asserted, and
//     under the specification's gateway the hart would take the same
//     interrupt again before each instruction and never get past its
//     scheduler's first instruction (docs/guests.md). A request is never
//     retracted: if the line drops before the claim, the pending bit stays
//     set and the handler finds nothing to do.
//   - Claim returns the highest-priority pending source enabled for the
//     context (ties: lowest id); priority-0 sources are never returned
//     ("never interrupt"). Per "Interrupt Claim Process", the claim is NOT
//     affected by the threshold, which only masks the notification (so a
//     context can poll by claiming with threshold 7).
//   - Completion of an id not enabled for the completing context is
//     silently ignored ("Interrupt Completion"); the PLIC does not check it
//     against the id last claimed.
//   - Context line level = some pending, enabled source has priority
//     strictly greater than the context's threshold. Lines are only driven
//     on change and start low.
//
// Bus contract: only 4-byte, 4-byte-aligned accesses are valid (the spec's
// registers are 32-bit, accessed with LW/SW); anything else, or an offset
// outside the window, is an access fault. Reserved or unimplemented offsets
// inside the window (sources ≥ 96, contexts beyond the last, reserved words
// of a context page) read 0 and ignore writes; the pending array is
// read-only. Priority and threshold are WARL with 3 implemented bits.

import { ACCESS_FAULT, type IrqLine, type Mmio } from './mmio.js';

/** Number of source ids, including the reserved id 0. */
export const PLIC_SOURCES = 96;
/** Size of the PLIC's MMIO window on the virt board. */
export const PLIC_WINDOW = 0x4000000;
/** The spec's limit on contexts (enable blocks 0x002000..0x1F1FFF). */
const MAX_CONTEXTS = 15872;

const PRIORITY_MASK = 0x7;
const WORDS = PLIC_SOURCES / 32; // 32-bit words per pending/enable bit array

const PENDING_BASE = 0x001000;
const ENABLE_BASE = 0x002000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x200000;
const CONTEXT_STRIDE = 0x1000;
const REG_THRESHOLD = 0x0;
const REG_CLAIM = 0x4;

export class Plic implements Mmio {
  private readonly priority = new Uint8Array(PLIC_SOURCES);
  private readonly pending = new Uint32Array(WORDS);
  private readonly inService = new Uint32Array(WORDS);
  /** WORDS words per context. Bit 0 of word 0 is hardwired to 0. */
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;
  /** Level last driven on each context line. */
  private readonly eip: boolean[];
  private readonly wires: IrqLine[] = [];

  /**
   * One line per context, in context order. Throws RangeError for an empty
   * list or more contexts than the spec's memory map holds (a wiring error,
   * not a guest-visible condition).
   */
  constructor(private readonly contextLines: IrqLine[]) {
    const n = contextLines.length;
    if (n < 1 || n > MAX_CONTEXTS) throw new RangeError(`PLIC: ${n} contexts`);
    this.enable = new Uint32Array(n * WORDS);
    this.threshold = new Uint8Array(n);
    this.eip = new Array<boolean>(n).fill(false);
    for (let id = 1; id < PLIC_SOURCES; id++) {
      this.wires[id] = { set: (level: boolean) => this.setLine(id, level) };
    }
  }

  /**
   * The wire from device source n (1..95) into the PLIC. Level-triggered
   * gateway. Throws RangeError for any other n (wiring error).
   */
  source(n: number): IrqLine {
    const wire = Number.isInteger(n) && n >= 1 && n < PLIC_SOURCES ? this.wires[n] : undefined;
    if (wire === undefined) throw new RangeError(`PLIC: no source ${n}`);
    return wire;
  }

  read(offset: number, width: 1 | 2 | 4): number {
    if (!this.validAccess(offset, width)) return ACCESS_FAULT;
    if (offset < PENDING_BASE) {
      const id = offset >>> 2;
      return id < PLIC_SOURCES ? this.priority[id] : 0;
    }
    if (offset < ENABLE_BASE) {
      const w = (offset - PENDING_BASE) >>> 2;
      return w < WORDS ? this.pending[w] : 0;
    }
    if (offset < CONTEXT_BASE) {
      const index = this.enableIndex(offset);
      return index < 0 ? 0 : this.enable[index];
    }
    const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
    if (ctx >= this.contextLines.length) return 0;
    switch ((offset - CONTEXT_BASE) % CONTEXT_STRIDE) {
      case REG_THRESHOLD: return this.threshold[ctx];
      case REG_CLAIM: return this.claim(ctx);
      default: return 0;
    }
  }

  write(offset: number, width: 1 | 2 | 4, value: number): boolean {
    if (!this.validAccess(offset, width)) return false;
    const v = value >>> 0;
    if (offset < PENDING_BASE) {
      const id = offset >>> 2;
      if (id >= 1 && id < PLIC_SOURCES) {
        this.priority[id] = v & PRIORITY_MASK;
        this.update();
      }
    } else if (offset < ENABLE_BASE) {
      // Pending array: read-only.
    } else if (offset < CONTEXT_BASE) {
      const index = this.enableIndex(offset);
      if (index >= 0) {
        this.enable[index] = (index % WORDS === 0 ? v & ~1 : v) >>> 0;
        this.update();
      }
    } else {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      if (ctx < this.contextLines.length) {
        switch ((offset - CONTEXT_BASE) % CONTEXT_STRIDE) {
          case REG_THRESHOLD:
            this.threshold[ctx] = v & PRIORITY_MASK;
            this.update();
            break;
          case REG_CLAIM:
            this.complete(ctx, v);
            break;
        }
      }
    }
    return true;
  }

  // ---- internals ----

  private validAccess(offset: number, width: number): boolean {
    return width === 4 && (offset & 3) === 0 && offset >= 0 && offset < PLIC_WINDOW;
  }

  /** Index into `enable` for an offset in the enable block, or -1 if unimplemented. */
  private enableIndex(offset: number): number {
    const rel = offset - ENABLE_BASE;
    const ctx = Math.floor(rel / ENABLE_STRIDE);
    const w = (rel % ENABLE_STRIDE) >>> 2;
    return ctx < this.contextLines.length && w < WORDS ? ctx * WORDS + w : -1;
  }

  /** Gateway input for source id: an assertion is a request (see the header); a line going low retracts nothing. */
  private setLine(id: number, level: boolean): void {
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    if (level && (this.pending[w] & bit) === 0) {
      this.pending[w] |= bit;
      this.update();
    }
  }

  /**
   * Highest-priority pending source enabled for ctx with priority > floor,
   * lowest id on ties; 0 if none.
   */
  private best(ctx: number, floor: number): number {
    let bestId = 0;
    let bestPriority = floor;
    for (let w = 0; w < WORDS; w++) {
      let bits = this.pending[w] & this.enable[ctx * WORDS + w] & ~this.inService[w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits); // lowest set bit: ids ascend
        bits &= bits - 1;
        const id = w * 32 + b;
        if (this.priority[id] > bestPriority) {
          bestId = id;
          bestPriority = this.priority[id];
        }
      }
    }
    return bestId;
  }

  /** Threshold does not apply to claims (spec "Interrupt Claim Process"). */
  private claim(ctx: number): number {
    const id = this.best(ctx, 0);
    if (id !== 0) {
      const bit = 1 << (id & 31);
      this.pending[id >>> 5] &= ~bit;
      this.inService[id >>> 5] |= bit;
      this.update();
    }
    return id;
  }

  private complete(ctx: number, id: number): void {
    if (id < 1 || id >= PLIC_SOURCES) return;
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    if ((this.enable[ctx * WORDS + w] & bit) === 0) return;
    this.inService[w] &= ~bit; // an assertion during service is pending already
    this.update();
  }

  /** Drives every context line whose level changed. */
  private update(): void {
    for (let ctx = 0; ctx < this.contextLines.length; ctx++) {
      const level = this.best(ctx, this.threshold[ctx]) !== 0;
      if (level !== this.eip[ctx]) {
        this.eip[ctx] = level;
        this.contextLines[ctx].set(level);
      }
    }
  }
}
