// Runs a bundled program in-process under a fresh Kernel, as src/cli/demo.ts
// does, and wraps that as an ExperimentContext: enough to drive an
// experiment in a test without the CLI's runner (src/experiment/runner.ts).
import { readFileSync } from 'node:fs';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel.js';
import { nodeHost } from '../../src/cli/host.js';
import { Recorder } from '../../src/trace/events.js';
import { StatsSink } from '../../src/trace/stats.js';
import type { ExperimentContext, RunOutcome, RunSpec } from '../../src/experiment/types.js';
import { ROOT } from './cli.js';

/** Runs user/bin/NAME with the given kernel options; every event kept when `keepEvents`. */
export function runBundled(program: string, args: string[], kernel: Omit<Partial<KernelOptions>, 'host'>, keepEvents = false): RunOutcome {
  const out: string[] = [], err: string[] = [], dec = new TextDecoder();
  const host = { ...nodeHost(), write: (fd: 1 | 2, b: Uint8Array) => { (fd === 1 ? out : err).push(dec.decode(b)); }, readStdin: () => new Uint8Array(0) };
  const k = new Kernel({ ...kernel, host });
  const recorder = new Recorder(), stats = new StatsSink();
  if (keepEvents) k.trace.attach(recorder);
  k.trace.attach(stats);
  const path = `${ROOT}user/bin/${program}`;
  k.spawn(path, readFileSync(path), [program, ...args], []);
  const t0 = host.nowNs(), r = k.run(), wallNs = host.nowNs() - t0;
  return { status: r.status, message: r.message, stdout: out.join(''), stderr: err.join(''), stats: stats.summary(), latencies: new Map(), events: recorder.events, wallNs };
}

/** An ExperimentContext that runs each spec in-process and remembers the labels. */
export function localContext(labels: string[] = []): ExperimentContext {
  return {
    run: (spec: RunSpec) => {
      labels.push(spec.label);
      return Promise.resolve(runBundled(spec.program, spec.args ?? [], spec.kernel ?? {}, spec.keepEvents));
    },
  };
}
