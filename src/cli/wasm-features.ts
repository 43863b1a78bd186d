// Imported first by every Node entry point that runs the machine (main.ts,
// the benchmarks). Node 20's V8 keeps two WebAssembly proposals the JIT
// uses behind flags: relaxed SIMD (on by default from V8 11.4: Chrome 114,
// Node 22), whose relaxed_madd is the fused multiply-add where the host
// rounds it once (machine/jit/wasm-fp.ts fusedMaddAvailable probes that),
// and branch hinting, which lays the regions' slow paths out of line
// (jit/wasm-code.ts). Without them the JIT works the same, a little slower.
// The flags must be set before the first module is compiled, so this module
// does nothing else.

import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');
setFlagsFromString('--experimental-wasm-branch-hinting');
