// The host globals the portable core may use: src/machine, src/kernel,
// src/isa, src/elf, src/trace, src/demo and src/experiment run under Node and in a browser, so
// they may use only what both provide. tsconfig.core.json type-checks those
// folders with this file and no Node or DOM types (`"types": []`, `"lib":
// ["ES2022"]`), so `Buffer`, `process` or `document` there is a compile error.
// The Node build (tsconfig.json) excludes this file and takes the same names
// from @types/node.
//
// Declare only what the core uses, as the WHATWG Encoding Standard defines it.

/** Encoding Standard §8.2.1: encodes a string as UTF-8. */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

/** Encoding Standard §8.1.1: decodes bytes; the label defaults to "utf-8". */
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}

/** High Resolution Time §5: milliseconds since the time origin (the JIT's compile-time counter). */
declare const performance: { now(): number };

/**
 * WebAssembly JavaScript Interface (W3C, 2.0), the part the JIT uses: a
 * fixed-size memory the bus's RAM and the harts' state live in (bus.ts), and
 * synchronous compilation and instantiation of a region's module (jit/jit.ts),
 * and validation (a feature probe).
 */
declare namespace WebAssembly {
  interface MemoryDescriptor { initial: number; maximum?: number }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  /** A function table (jit/chain.ts: every live region, for the tail calls between them). */
  interface TableDescriptor { element: 'anyfunc'; initial: number; maximum?: number }
  class Table {
    constructor(descriptor: TableDescriptor);
    readonly length: number;
    grow(delta: number): number;
    set(index: number, value: unknown): void;
  }
  type ImportValue = Memory | Table | ((...args: number[]) => number);
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, ImportValue>>);
    readonly exports: Record<string, unknown>;
  }
  /** Whether the bytes are a valid module for this host (jit/wasm-fp.ts probes relaxed SIMD with it). */
  function validate(bytes: Uint8Array): boolean;
}
