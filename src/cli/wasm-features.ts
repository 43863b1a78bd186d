// Imported first by every Node entry point that runs the machine (main.ts,
// the benchmarks). Node 20's V8 keeps WebAssembly's relaxed SIMD behind a
// flag (it is on by default from V8 11.4: Chrome 114, Node 22); the JIT's
// fused multiply-add uses relaxed_madd where the host rounds it once
// (machine/jit/wasm-fp.ts fusedMaddAvailable probes that). The flag must be
// set before the first module is compiled, so this module does nothing else.

import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');
