// Booting a bare-metal ELF (DESIGN.md "lde bare"): load PT_LOAD segments at
// their physical addresses, start hart 0 in M-mode at e_entry with no
// firmware, and talk to the program through HTIF at its `tohost` symbol.

import { parseElf, ElfError, PT_LOAD } from '../elf/elf.js';
import { Board, DEFAULT_MEM } from './board.js';
import { RAM_BASE } from './bus.js';
import { Htif } from './htif.js';
import { insnLine } from '../isa/disasm.js';
import type { JitOptions } from './jit/jit.js';

export class BareError extends Error {}

export interface BareOptions {
  memBytes?: number;
  /** Stop after this many steps: retired instructions plus traps taken, so a fault loop stops too (outcome 'max-insns'). */
  maxInsns?: number;
  /** Receives the bytes the program prints (HTIF console and UART). */
  console?: (bytes: Uint8Array) => void;
  /** Receives one line per retired instruction: pc, bits, disassembly. */
  traceInsns?: (line: string) => void;
  /** false: decode every block each time it runs (measures the decoded-instruction cache). */
  decodeCache?: boolean;
  /** The JIT (src/machine/jit): compile blocks run more than `threshold` times; undefined: the default (on); null: off. */
  jit?: JitOptions | null;
}

export type Outcome = 'pass' | 'fail' | 'max-insns' | 'idle' | 'htif-unsupported';

export interface BareResult {
  outcome: Outcome;
  /** 0 for pass, n for fail n (capped at 255). */
  status: number;
  instret: number;
  cycles: number;
  pc: number;
}

const hex = (v: bigint | number) => '0x' + v.toString(16);

/** A loaded bare-metal program, ready to run in slices (so a host can feed UART input between them). */
export class BareMachine {
  readonly board: Board;
  private readonly maxInsns: number;
  private readonly out: number[] = [];

  /** Throws BareError with a one-line message for an ELF that cannot be booted. */
  constructor(elf: Uint8Array, private readonly opts: BareOptions = {}) {
    let image;
    try { image = parseElf(elf); } catch (e) {
      if (e instanceof ElfError) throw new BareError(e.message);
      throw e;
    }
    const mem = opts.memBytes ?? DEFAULT_MEM;
    this.maxInsns = opts.maxInsns ?? Infinity;
    this.board = new Board({ memBytes: mem, console: (b) => this.out.push(b), jit: opts.jit });
    image.loads.forEach((seg, k) => {
      if (seg.memsz === 0) return;
      const pa = Number(seg.paddr);
      if (seg.paddr < BigInt(RAM_BASE) || pa + seg.memsz > RAM_BASE + mem) {
        throw new BareError(`segment ${k} at ${hex(seg.paddr)}+${hex(seg.memsz)} is outside RAM (${hex(RAM_BASE)}-${hex(RAM_BASE + mem)}); try a larger --mem`);
      }
      this.board.bus.load(pa, seg.data);
    });
    const tohost = image.symbol('tohost');
    if (tohost !== undefined) {
      const off = this.board.bus.ramOffset(Number(tohost));
      if (off < 0 || off + 8 > mem || off % 8 !== 0) throw new BareError(`tohost symbol at ${hex(tohost)} is not an aligned address in RAM`);
      new Htif(this.board.bus, this.board.hart, off, (b) => this.out.push(b));
    }
    const hart = this.board.hart;
    hart.blocks.caching = opts.decodeCache ?? true;
    hart.setPc64(image.entry);
    if (opts.traceInsns) {
      const emit = opts.traceInsns;
      hart.onInsn = (pc, bits) => emit(insnLine(pc, bits));
    }
  }

  /**
   * Runs up to `slice` instructions. Returns the result when the program has
   * finished (or cannot go on), undefined when it should be called again.
   */
  step(slice = 1 << 22): BareResult | undefined {
    const hart = this.board.hart;
    const budget = Math.min(slice, this.maxInsns - hart.steps());
    const exit = budget > 0 ? hart.run(budget) : { kind: 'budget' as const };
    this.flush();
    switch (exit.kind) {
      case 'halt':
        if (exit.status < 0) return this.result('htif-unsupported', 0);
        return this.result(exit.status === 0 ? 'pass' : 'fail', exit.status);
      case 'budget':
        return hart.steps() >= this.maxInsns ? this.result('max-insns', 0) : undefined;
      case 'wfi':
        return this.board.uart.hasInput ? undefined : this.result('idle', 0);
      case 'trap': case 'handled': // no native regions are registered for bare programs, nor a handler
        return this.result('idle', 0);
      default: { const never: never = exit; return never; }
    }
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const bytes = Uint8Array.from(this.out);
    this.out.length = 0;
    this.opts.console?.(bytes);
  }

  private result(outcome: Outcome, status: number): BareResult {
    const h = this.board.hart;
    return { outcome, status, instret: h.instret, cycles: h.cycle, pc: h.pc };
  }
}

/** Runs a bare-metal ELF to completion with no input. Throws BareError for an unbootable ELF. */
export function runBare(elf: Uint8Array, opts: BareOptions = {}): BareResult {
  const m = new BareMachine(elf, opts);
  for (;;) {
    const r = m.step();
    if (r !== undefined) return r;
  }
}
