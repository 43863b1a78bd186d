// The runner behind every experiment: ctx.run(spec) makes one fresh kernel,
// runs one bundled program to its end, and hands back what the run left
// behind (RunOutcome). Runs are deterministic: seed 1 unless the spec gives
// one, virtual time only (no --realtime), the guest's console captured, its
// stdin empty, and the same answers to isatty whatever the host's terminal
// is, so libc buffers the same way on every runner.

import { Kernel } from '../kernel/kernel.js';
import type { HostIO } from '../kernel/host.js';
import { Recorder, type Sink, type TraceEvent } from '../trace/events.js';
import { StatsSink } from '../trace/stats.js';
import { sumJitStats, type HartSnapshot } from '../machine/index.js';
import type { Experiment, ExperimentContext, ExperimentEnv, ExperimentResult, RunOutcome, RunSpec } from './types.js';

/** The seed when a spec gives none: the same as `lde run`'s default, so its commands repeat a run. */
const DEFAULT_SEED = 1;

/**
 * Scheduling latency by process name: from a `wake` to the next `switch` to
 * that pid, in cycles (the same measure as Stats.schedLatency, kept apart
 * per name so an experiment can pick its interactive process).
 */
export class LatencySink implements Sink {
  readonly byName = new Map<string, number[]>();
  private readonly woken = new Map<number, number>();

  event(e: TraceEvent): void {
    if (e.kind === 'wake') this.woken.set(e.pid, e.cycle);
    else if (e.kind === 'switch') {
      const at = this.woken.get(e.to);
      if (at === undefined) return;
      this.woken.delete(e.to);
      const list = this.byName.get(e.toName) ?? [];
      list.push(e.cycle - at);
      this.byName.set(e.toName, list);
    }
  }

  /** Each name's latencies, ascending. */
  sorted(): Map<string, number[]> {
    return new Map([...this.byName].map(([name, l]) => [name, [...l].sort((a, b) => a - b)]));
  }
}

/** The guest's output, collected as bytes and decoded once at the end (a UTF-8 sequence may span two writes). */
class Console {
  private readonly chunks: Record<1 | 2, Uint8Array[]> = { 1: [], 2: [] };

  write(fd: 1 | 2, bytes: Uint8Array): void { this.chunks[fd].push(bytes.slice()); }

  text(fd: 1 | 2): string {
    const parts = this.chunks[fd];
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) { all.set(p, off); off += p.length; }
    return new TextDecoder().decode(all);
  }
}

/** The env's host with the console captured: nothing of the run reaches the host's terminal. */
function capturedHost(env: ExperimentEnv, captured: Console): HostIO {
  return {
    ...env.host(),
    write: (fd, bytes) => captured.write(fd, bytes),
    readStdin: () => new Uint8Array(0),
    isatty: () => false,
    stdioKind: () => 'pipe',
  };
}

/** One run: a fresh kernel with the spec's options, the program as the first process, every sink attached. */
export function runOnce(spec: RunSpec, env: ExperimentEnv): RunOutcome {
  const captured = new Console(), host = capturedHost(env, captured);
  const kernel = new Kernel({ seed: DEFAULT_SEED, ...spec.kernel, realtime: false, host });
  const stats = new StatsSink(), latency = new LatencySink(), recorder = spec.keepEvents ? new Recorder() : undefined;
  if (!spec.untraced) {
    kernel.trace.attach(stats);
    kernel.trace.attach(latency);
    if (recorder) kernel.trace.attach(recorder);
  }
  // A guest path of its own, not the host's: the program's name is the same on every machine.
  if (spec.jit !== undefined) for (const h of kernel.board.harts) h.setJit(spec.jit === false ? undefined : spec.jit);
  kernel.spawn(`/bin/${spec.program}`, spec.file?.bytes ?? env.program(spec.program), [spec.program, ...(spec.args ?? [])], []);
  const t0 = host.nowNs();
  const r = kernel.run();
  const wallNs = host.nowNs() - t0;
  const harts = kernel.board.harts, jits = harts.flatMap((h) => (h.jit ? [h.jit.stats()] : []));
  return {
    status: r.status, ...(r.message !== undefined ? { message: r.message } : {}),
    stdout: captured.text(1), stderr: captured.text(2),
    stats: stats.summary(), latencies: latency.sorted(), events: recorder?.events ?? [], wallNs,
    instret: harts.reduce((n, h) => n + h.instret, 0), ...(jits.length ? { jit: sumJitStats(jits) } : {}),
    hart: sumSnapshots(harts.map((h) => h.counts.snapshot(h.priv, h.cycle, h.instret))),
  };
}

/** The harts' counts as one: traps, instructions and mode time summed, the clock the furthest. */
export function sumSnapshots(all: HartSnapshot[]): HartSnapshot {
  return all.reduce((a, b) => ({ traps: a.traps.map((v, i) => v + b.traps[i]), cycle: Math.max(a.cycle, b.cycle), instret: a.instret + b.instret,
    modeCycles: a.modeCycles.map((v, i) => v + b.modeCycles[i]), satpSwitches: a.satpSwitches + b.satpSwitches, idleCycles: a.idleCycles + b.idleCycles }));
}

const MIB = 1 << 20;
const bytes = (n: number) => (n % MIB === 0 ? `${n / MIB}M` : String(n));

/** --nic's options (kernel/net/nic.ts NetOptions) as `lde run` options. */
const NIC_FLAGS: Record<string, string> = { rx: '--net-rx', rate: '--nic-rate', port: '--nic-port', rxFrames: '--rx-frames', rxUsecs: '--rx-usecs', budget: '--napi-budget' };
const nicFlags = (v: object) => Object.entries(v).map(([k, x]) => `${NIC_FLAGS[k]} ${x}`).join(' ') || '--nic';

/** The `lde run` option that sets each kernel option (src/cli/commands.ts RUN). */
const FLAGS: Record<string, (v: number | string | boolean) => string> = {
  hz: (v) => (v === 0 ? '--no-timer' : `--hz ${v}`),
  maxCycles: (v) => `--max-time ${Number(v) / 1e9}`,
  memBytes: (v) => `--mem ${bytes(Number(v))}`,
  swapBytes: (v) => `--swap ${bytes(Number(v))}`,
  seed: (v) => `--seed ${v}`,
  tick: (v) => `--tick ${v}`,
  preempt: (v) => `--preempt ${v}`,
  swapPolicy: (v) => `--swap-policy ${v}`,
  idleGovernor: (v) => `--idle-governor ${v}`,
  harts: (v) => `--smp ${v}`,
  vdso: (v) => `--vdso ${v ? 'on' : 'off'}`,
};

/**
 * The `lde run` line that repeats a run exactly: --sandbox, because it shows
 * the guest what the runner does (no host files but the program, no
 * environment), so the same cycles are counted. A kernel option with no
 * `lde run` option is a bug in the experiment: it could not be repeated.
 */
export function commandLine(spec: Pick<RunSpec, 'program' | 'args' | 'kernel' | 'jit' | 'file'>): string {
  const opts = Object.entries(spec.kernel ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => {
    if (k === 'nic' && typeof v === 'object') return nicFlags(v);
    const flag = FLAGS[k];
    if (!flag || (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean')) throw new Error(`kernel option ${k} has no lde run option: the run cannot be repeated`);
    return flag(v);
  });
  const jit = spec.jit === undefined ? [] : spec.jit === false ? ['--jit off'] : [`--jit on --jit-threshold ${spec.jit.threshold}`];
  return ['lde run --sandbox', ...opts, ...jit, spec.file?.path ?? spec.program, ...(spec.args ?? [])].join(' ');
}

/** The context an experiment runs in: each run counted for the progress bar, then a pause so the host can redraw. */
export function context(env: ExperimentEnv, total: number): ExperimentContext {
  let done = 0;
  return {
    ...(env.external ? { external: env.external } : {}),
    async run(spec: RunSpec): Promise<RunOutcome> {
      const outcome = runOnce(spec, env);
      done++;
      // An experiment may run more than it planned when the host adds work (jit's CoreMark): the total grows with it.
      env.progress?.(done, Math.max(total, done), spec.label);
      await env.pause?.();
      return outcome;
    },
  };
}

/** Runs an experiment from start to finish. */
export function runExperiment(exp: Experiment, env: ExperimentEnv): Promise<ExperimentResult> {
  return exp.run(context(env, exp.runs));
}
