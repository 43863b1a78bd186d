// The lab's emulator: a Web Worker that owns one Kernel at a time, so the
// page stays responsive while the hart runs. It runs a program (bundled, or
// dropped on the page) with the options the page's controls set, or an
// experiment of src/experiment, and sends back what the run does: console
// bytes, timeline marks and counts (lab-sink.ts), step-mode stops, page
// tables, the final Stats.
//
// Typing reaches the guest through a SharedArrayBuffer ring (protocol.ts),
// which the worker reads without returning to its event loop: the kernel's
// terminal (HostTerminal) blocks in Atomics.wait, as the CLI's blocks in a
// host read. That needs a cross-origin isolated page (`lde lab` sends the
// headers); without one the guest's stdin is empty and step mode is off.

import { Kernel } from '../kernel/kernel.js';
import type { HostIO, HostTerminal } from '../kernel/host.js';
import { ExecError } from '../kernel/fs/loader.js';
import { Csr, JIT_THRESHOLD } from '../machine/index.js';
import { StatsSink } from '../trace/stats.js';
import { findExperiment, runExperiment, formatExperiment } from '../experiment/index.js';
import type { ExperimentEnv } from '../experiment/types.js';
import { MemFs } from './memfs.js';
import { LabSink } from './lab-sink.js';
import { pageTree } from './pagetable.js';
import {
  C_COLS, C_INPUT_SEQ, C_ROWS, I_READ, I_WRITE, INPUT_BYTES, INPUT_HEADER,
  type FromWorker, type LabOptions, type PageTree, type StepState, type ToWorker,
} from './protocol.js';

const scope = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((ev: MessageEvent<ToWorker>) => void) | null; location: { href: string } };
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
const t0 = performance.now();

/** The bundled programs (user/bin), fetched once: the build lists them in programs/index.json. */
const programs = new Map<string, Uint8Array>();
let control: Int32Array | undefined, input: Int32Array | undefined, inputBytes: Uint8Array | undefined;

async function load(): Promise<void> {
  const base = new URL('programs/', scope.location.href);
  const names = await (await fetch(new URL('index.json', base))).json() as string[];
  await Promise.all(names.map(async (n) => programs.set(n, new Uint8Array(await (await fetch(new URL(n, base))).arrayBuffer()))));
  post({ type: 'ready', programs: names, crossOriginIsolated: typeof SharedArrayBuffer !== 'undefined' && (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, loadMs: performance.now() - t0 });
}

/** A filesystem with the bundled programs at /bin (and a dropped one beside them). */
function fsWith(extra?: { name: string; bytes: Uint8Array }): MemFs {
  const fs = new MemFs(Date.UTC(2026, 0, 1));
  for (const [n, b] of programs) fs.add(`/bin/${n}`, b);
  if (extra) fs.add(`/bin/${extra.name}`, extra.bytes);
  return fs;
}

function host(fs: MemFs): HostIO {
  const enc = (fd: 1 | 2, bytes: Uint8Array) => post({ type: 'out', fd, bytes: bytes.slice() });
  return {
    fs, cwd: '/',
    write: enc,
    readStdin: () => new Uint8Array(0),
    isatty: () => false,
    nowNs: () => performance.now() * 1e6,
    epochNs: () => Date.now() * 1e6,
    sleepNs: () => {},
    stdioKind: () => 'pipe',
  };
}

/** The page's terminal, through the shared ring: keys as typed, the page's size, the guest's output to the page. */
function terminal(): HostTerminal | undefined {
  if (!control || !input || !inputBytes) return undefined;
  const ctl = control, ring = input, bytes = inputBytes;
  return {
    input() {
      const w = Atomics.load(ring, I_WRITE), r = Atomics.load(ring, I_READ);
      if (w === r) return new Uint8Array(0);
      const out = new Uint8Array(w - r);
      for (let i = 0; i < out.length; i++) out[i] = bytes[(r + i) % INPUT_BYTES];
      Atomics.store(ring, I_READ, w);
      return out;
    },
    wait(ms) {
      // The sequence number first: a key that comes between the look at the ring and the wait changes it, and the wait returns at once.
      const seq = Atomics.load(ctl, C_INPUT_SEQ);
      if (Atomics.load(ring, I_WRITE) !== Atomics.load(ring, I_READ)) return;
      Atomics.wait(ctl, C_INPUT_SEQ, seq, ms);
    },
    size: () => ({ rows: Atomics.load(ctl, C_ROWS) || 24, cols: Atomics.load(ctl, C_COLS) || 80 }),
    write: (b) => post({ type: 'out', fd: 1, bytes: b.slice() }),
  };
}

const MIB = 1 << 20;
const hex = (v: bigint | number) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0')}`;
const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];

function run(msg: Extract<ToWorker, { type: 'run' }>): void {
  const o: LabOptions = msg.options;
  const dropped = msg.bytes ? { name: msg.name, bytes: new Uint8Array(msg.bytes) } : undefined;
  const fs = fsWith(dropped);
  const h = host(fs);
  const term = terminal();
  if (term) { h.terminal = term; h.isatty = () => true; h.stdioKind = () => 'tty'; }
  const bytes = dropped?.bytes ?? programs.get(msg.name);
  if (!bytes) { post({ type: 'error', message: `${msg.name}: no such program` }); return; }
  const kernel = new Kernel({
    host: h, hz: o.hz, seed: 1, binds: [{ host: '/bin', guest: '/bin' }], realtime: false, tick: o.tick, preempt: o.preempt, vdso: o.vdso,
    harts: o.harts, memBytes: o.memMiB * MIB, swapBytes: o.swapMiB * MIB, maxCycles: o.maxTime > 0 ? Math.round(o.maxTime * 1e9) : undefined,
    nic: o.nic === 'none' ? undefined : { rx: o.nic, rate: o.nicRate },
  });
  for (const hart of kernel.board.harts) hart.setJit(o.jit ? { threshold: JIT_THRESHOLD } : undefined);
  const faults: (PageTree['faults'][number] & { pid: number })[] = [];
  const pair = new Int32Array(2);
  const csr = (n: number) => (kernel.hart.csrReadPair(n, pair) ? (BigInt(pair[1] >>> 0) << 32n) | BigInt(pair[0] >>> 0) : 0n);
  const sink = new LabSink({
    send: (marks, flow, droppedMarks) => post({ type: 'marks', marks, flow, dropped: droppedMarks }),
    now: () => performance.now(),
    sendStep: (state) => post({ type: 'step', state }),
    stepState(step, title, detail): StepState {
      const hart = kernel.board.harts[kernel.hart.hartId];
      const save = { x: new Int32Array(64), f: new Int32Array(64), fcsr: 0 };
      kernel.hart.saveRegs(save);
      const regs: Record<string, string> = {};
      for (let i = 1; i < ABI.length; i++) regs[ABI[i]] = hex((BigInt(save.x[2 * i + 1] >>> 0) << 32n) | BigInt(save.x[2 * i] >>> 0));
      const csrs = { sstatus: hex(csr(Csr.SSTATUS)), scause: hex(csr(Csr.SCAUSE)), sepc: hex(csr(Csr.SEPC)), stval: hex(csr(Csr.STVAL)), stvec: hex(csr(Csr.STVEC)), satp: hex(csr(Csr.SATP)) };
      const pc = step === 1 ? csr(Csr.SEPC) : hart.pc;
      return { step, title, detail, mode: hart.priv === 0 ? 'U' : 'S', pc: hex(pc), regs, csrs };
    },
    sendPages() {
      const p = kernel.cpu.current;
      if (!p) return;
      post({ type: 'pages', tree: pageTree(kernel.board.phys, p.pid, p.exe.split('/').pop() ?? '', csr(Csr.SATP), faults.filter((f) => f.pid === p.pid).slice(-40).map(({ pid: _pid, ...f }) => f)) });
    },
  }, control);
  const stats = new StatsSink();
  kernel.trace.attach(stats);
  kernel.trace.attach(sink);
  kernel.trace.attach({ event: (e) => { if (e.kind === 'fault') { faults.push({ pid: e.pid, addr: `0x${e.addr.toString(16)}`, pc: `0x${e.pc.toString(16)}`, cause: e.name, resolution: e.resolution }); if (faults.length > 4000) faults.splice(0, 2000); } } });
  try {
    kernel.spawn(`/bin/${msg.name}`, bytes, [msg.name, ...msg.args], ['PATH=/bin', 'HOME=/', 'TERM=xterm-256color']);
  } catch (e) {
    post({ type: 'error', message: `${msg.name}: ${e instanceof ExecError ? e.message : String(e)}` });
    return;
  }
  post({ type: 'started', command: commandOf(msg) });
  const start = performance.now();
  const r = kernel.run();
  sink.flush();
  post({ type: 'done', status: r.status, ...(r.message ? { message: r.message } : {}), stats: stats.summary(), hostMs: performance.now() - start, flow: { ...sink.flow } });
}

/** The `lde run` line that repeats the run in a terminal. */
function commandOf(msg: Extract<ToWorker, { type: 'run' }>): string {
  const o = msg.options, f: string[] = ['lde run'];
  if (o.hz === 0) f.push('--no-timer'); else if (o.hz !== 250) f.push(`--hz ${o.hz}`);
  if (o.tick !== 'idle') f.push(`--tick ${o.tick}`);
  if (o.preempt !== 'voluntary') f.push(`--preempt ${o.preempt}`);
  if (!o.vdso) f.push('--vdso off');
  if (!o.jit) f.push('--jit off');
  if (o.harts > 1) f.push(`--smp ${o.harts}`);
  if (o.nic !== 'none') f.push(`--nic --net-rx ${o.nic} --nic-rate ${o.nicRate}`);
  if (o.maxTime > 0) f.push(`--max-time ${o.maxTime}`);
  if (o.memMiB !== 128) f.push(`--mem ${o.memMiB}M`);
  if (o.swapMiB > 0) f.push(`--swap ${o.swapMiB}M`);
  return [...f, msg.name, ...msg.args].join(' ');
}

async function experiment(name: string): Promise<void> {
  const exp = findExperiment(name);
  if (!exp) { post({ type: 'error', message: `unknown experiment '${name}'` }); return; }
  const env: ExperimentEnv = {
    host: () => host(new MemFs()),
    program: (n) => {
      const b = programs.get(n);
      if (!b) throw new Error(`${n}: not bundled`);
      return b;
    },
    progress: (done, total, label) => post({ type: 'progress', done, total, label }),
    pause: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
  const result = await runExperiment(exp, env);
  post({ type: 'experiment-done', result, text: formatExperiment(result) });
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  try {
    if (msg.type === 'shared') {
      control = new Int32Array(msg.control);
      input = new Int32Array(msg.input, 0, INPUT_HEADER);
      inputBytes = new Uint8Array(msg.input, INPUT_HEADER * 4);
    } else if (msg.type === 'run') run(msg);
    else if (msg.type === 'experiment') experiment(msg.name).catch((e) => post({ type: 'error', message: String(e instanceof Error ? e.message : e) }));
  } catch (e) {
    post({ type: 'error', message: String(e instanceof Error ? e.message : e) });
  }
};

load().catch((e) => post({ type: 'error', message: `loading the programs: ${String(e)}` }));
