// lde as a library (package.json "main" and "exports"): make a Kernel with a
// host, spawn a static riscv64 Linux program, run it.
//
// Nothing of the host's filesystem is shown to the guest unless named:
// KernelOptions.binds is empty by default, so the guest sees an empty
// read-only root with /tmp, /dev and /proc. Pass `binds: wholeHost(cwd)` for
// what `lde run` shows (the host read-only), or your own Bind list for what
// `lde run --sandbox` shows; `user` fixes the ids (docs/sandbox.md).
//
//   import { Kernel, nodeHost } from 'lde';
//   const k = new Kernel({ host: nodeHost(), binds: [{ host: '/srv/data', guest: '/data' }] });
//   k.spawn('/prog', bytes, ['prog'], []);
//   const { status } = k.run();

export { Kernel, type KernelOptions, type RunResult } from './kernel/kernel.js';
export { wholeHost, MountError, type Bind } from './kernel/fs/mounts.js';
export type { HostFs, HostIO } from './kernel/host.js';
export { nodeHost } from './cli/host.js';
