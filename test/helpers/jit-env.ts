// Preloaded (node --import) by `npm run test:jit-off`, or by hand with
// LDE_JIT_THRESHOLD: makes every board a test builds in-process follow the
// environment, as the CLI does for the lde processes the tests start
// (src/cli/bare.ts jitOptions). LDE_JIT=off: the interpreter alone;
// LDE_JIT_THRESHOLD=N: the JIT at threshold N (0: every block compiled
// before its first run). The acceptance: the whole suite passes
// with the JIT on (npm test) and off.
import { jitDefault } from '../../src/machine/jit/jit.js';

const threshold = Number(process.env.LDE_JIT_THRESHOLD);
if (process.env.LDE_JIT === 'off') jitDefault.opts = null;
else if (process.env.LDE_JIT_THRESHOLD !== undefined && Number.isInteger(threshold) && threshold >= 0) jitDefault.opts = { threshold };
