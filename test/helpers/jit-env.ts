// Preloaded by `npm run test:jit-off` (node --import): LDE_JIT=off makes
// every board a test builds in-process run on the interpreter alone, as the
// CLI does for the lde processes the tests start (src/cli/bare.ts
// jitOptions). The acceptance: the whole suite passes with the JIT
// on (npm test) and off.
import { jitDefault } from '../../src/machine/jit/jit.js';

if (process.env.LDE_JIT === 'off') jitDefault.opts = null;
