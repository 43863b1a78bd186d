// `lde run [options] PROGRAM [ARGS…]` (DESIGN.md): runs a static riscv64
// Linux program under the kernel. The exit status is the program's own, or
// 128+N when signal N killed it (with one line on stderr saying so).

import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../kernel/kernel.js';
import { ExecError } from '../kernel/fs/loader.js';
import { readInput, jitOptions } from './bare.js';
import { nodeHost } from './host.js';
import { openTerminal } from './terminal.js';
import type { HostIO, HostTerminal } from '../kernel/host.js';
import { Status, fail } from './status.js';
import { StraceSink } from '../trace/strace.js';
import { Output } from './output.js';
import { ChromeTraceSink } from '../trace/chrome.js';
import { StatsSink, formatStats, statsJson, type Stats } from '../trace/stats.js';
import { sumJitStats, formatJitStats } from '../machine/index.js';
import { drawDiagram } from '../trace/diagram.js';
import { insnLine } from '../isa/disasm.js';
import { RUN } from './commands.js';
import { forwardsOf, publish } from './publish.js';
import { parseOptions, splitBind, type Options } from './options.js';
import { HOST_VIEW, MountError, hiddenByKernelMount, vfsOf, wholeHost, type Bind } from '../kernel/fs/mounts.js';
import { UsageError } from './args.js';
import type { TickMode } from '../kernel/sched/cpu.js';
import type { PreemptMode } from '../kernel/sched/preempt.js';
import type { NetOptions, NetRx } from '../kernel/net/nic.js';
import type { IdleGovernor } from '../kernel/sched/idle.js';
import type { SwapPolicy } from '../kernel/mm/replace.js';

const BUNDLED = fileURLToPath(new URL('../../../user/bin/', import.meta.url));
/** A host path, or the name of a bundled program (user/bin/NAME). */
function locate(name: string): string {
  if (name.includes('/') || existsSync(name)) return name;
  return existsSync(BUNDLED + name) ? BUNDLED + name : name;
}

export async function runCommand(argv: string[]): Promise<number> {
  const { options: opts, operands } = parseOptions(RUN, argv);
  const [name] = operands;
  const path = locate(name);
  const bytes = readInput(path);
  const view = guestView(opts, path);
  const host: HostIO = { ...nodeHost(), cwd: view.cwd };
  // A terminal on stdin: the guest gets one (docs/terminal.md), and its clock follows the host's, as with --realtime.
  const tty = openTerminal((b) => host.write(process.stdout.isTTY ? 1 : 2, b));
  if (tty !== undefined) withTerminal(host, tty.terminal);
  try {
    return await runWith(opts, operands, host, view, bytes, tty !== undefined);
  } finally {
    tty?.restore();
  }
}

/** The guest's terminal: stdin is read through it, and an idle hart's host sleep ends early when a key comes. */
function withTerminal(host: HostIO, term: HostTerminal): void {
  host.terminal = term;
  host.sleepNs = (ns) => term.wait(Math.ceil(ns / 1e6));
}

async function runWith(opts: Options, operands: string[], host: HostIO, view: GuestView, bytes: Uint8Array, interactive: boolean): Promise<number> {
  const straceFile = opts.string('--strace');
  const statsMode = opts.string('--stats');
  const hz = opts.has('--no-timer') ? 0 : opts.number('--hz')!;
  const memBytes = opts.number('--mem');
  const seed = opts.number('--seed');
  const maxTime = opts.number('--max-time');
  const traceFile = opts.string('--trace');
  const [name, ...args] = operands;
  const swapBytes = opts.number('--swap');
  const swapPolicy = opts.string('--swap-policy') as SwapPolicy | undefined;
  const forwards = forwardsOf(opts.list('--publish'));
  const outbound = opts.string('--net') === 'outbound';
  const harts = opts.number('--smp');
  // Interactive (a terminal on stdin): host time, unless --epoch asks for a virtual clock or several harts need
  // one, and a tick that keeps running while idle, so a key typed during a sleep is seen within a tick (fs/tty.ts).
  // The host network lives in real time too.
  const realtime = opts.has('--realtime') || forwards.length > 0 || outbound || (interactive && !opts.has('--epoch') && (harts ?? 1) === 1);
  const epoch = opts.numberOrWord('--epoch');
  const epochS = epoch === 'now' ? Math.floor(Date.now() / 1000) : epoch as number | undefined;
  const tick = (interactive && !opts.has('--tick') ? 'periodic' : opts.string('--tick')) as TickMode, preempt = opts.string('--preempt') as PreemptMode;
  const idleGovernor = opts.string('--idle-governor') as IdleGovernor;
  const vdso = opts.string('--vdso') !== 'off';
  const nic = nicOptions(opts, harts ?? 1);
  if ((harts ?? 1) > 1 && (forwards.length > 0 || outbound)) {
    throw new UsageError(`${forwards.length > 0 ? '--publish' : '--net outbound'} runs in real time, which takes one hart; drop --smp ${harts}`);
  }
  const kernel = new Kernel({
    host, hz, memBytes, seed, binds: view.binds, user: view.user, swapBytes, swapPolicy, realtime, epochS, tick, preempt, idleGovernor, harts, vdso, nic,
    maxCycles: maxTime === undefined ? undefined : Math.round(maxTime * 1e9),
  });
  const jit = jitOptions(opts);
  for (const h of kernel.board.harts) h.setJit(jit ?? undefined);
  try { vfsOf(kernel); } catch (e) {
    if (e instanceof MountError) throw new UsageError(e.message);
    throw e;
  }
  // The first process exists before the sinks open their files, so nothing is left behind when it cannot
  // start (the kernel emits its creation when the run begins).
  const outputs: Output[] = [];
  let stderrOut: Output | undefined;
  const toStderr = () => (stderrOut ??= Output.stderr('stderr'));
  try {
    kernel.spawn(view.exe, bytes, [name, ...args], view.env);
  } catch (e) {
    if (e instanceof ExecError) return fail(Status.CANNOT_EXEC, `${name}: ${e.message}`);
    throw e;
  }
  const publisher = forwards.length > 0 || outbound ? await publish(forwards, outbound) : undefined;
  if (publisher) { host.net = publisher.net; host.sleepNs = (ns) => publisher.sleepNs(ns); }
  if (opts.has('--strace')) {
    const out = straceFile !== undefined ? Output.file('--strace', straceFile) : toStderr();
    if (out !== stderrOut) outputs.push(out);
    kernel.trace.attach(new StraceSink((line) => out.line(line)));
  }
  if (opts.has('--trace-insns')) {
    const out = toStderr();
    kernel.board.hart.traceInstructions();
    kernel.trace.attach({ event: (e) => { if (e.kind === 'insn') out.line(insnLine(e.pc, e.bits)); } });
  }
  let trace: ChromeTraceSink | undefined;
  if (traceFile !== undefined) {
    const out = Output.file('--trace', traceFile);
    outputs.push(out);
    trace = new ChromeTraceSink((chunk) => out.write(chunk));
  }
  if (trace) kernel.trace.attach(trace);
  const stats = opts.has('--stats') || opts.has('--diagram') ? new StatsSink() : undefined;
  if (stats) kernel.trace.attach(stats);
  if (stderrOut) {
    // The guest's own stderr and the sinks' lines share fd 2: keep them in order.
    const write = host.write, out: Output = stderrOut;
    host.write = (fd, b) => { if (fd === 2) out.flush(); write(fd, b); };
    outputs.push(stderrOut);
  }
  let r;
  try {
    r = kernel.run();
  } finally {
    await publisher?.close();
    trace?.finish();
    for (const out of outputs) process.stderr.write(out.close());
  }
  if (r.message) process.stderr.write(`lde: ${r.message}\n`);
  const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
  if (stats && opts.has('--stats')) {
    // Swap traffic is the kernel's own counter (no event): one more line for the text form.
    const swap = kernel.swap ? `lde: stats: swap: ${kernel.swap.swapOuts.toLocaleString('en-US')} pages out, ${kernel.swap.swapIns.toLocaleString('en-US')} in, ${kernel.swap.used.toLocaleString('en-US')} of ${kernel.swap.size.toLocaleString('en-US')} slots in use, policy ${kernel.swap.policy}\n` : '';
    // The JIT's own counters are a section of their own ("jit"): the rest is the same with --jit on and off. In
    // JSON only with --jit on the command line, so that LDE_JIT=off|on runs a suite either way with the same output.
    const jitStats = jit && sumJitStats(kernel.board.harts.map((h) => h.jit!.stats()));
    const jsonJit = jitStats && opts.has('--jit') ? { jit: jitStats } : {};
    process.stderr.write(statsMode === 'json' ? statsJson({ ...stats.summary(), ...jsonJit } as Stats)
      : swap + (jitStats ? `lde: stats: ${formatJitStats(jitStats)}\n` : '') + formatStats(stats.summary(), { color }));
  }
  if (stats && opts.has('--diagram') && !(opts.has('--stats') && statsMode === 'text')) process.stderr.write(drawDiagram(stats.summary(), { color }));
  return r.status;
}

/** What the guest is given (docs/sandbox.md): files, working directory, environment, ids, and the program's own path. */
interface GuestView { binds: Bind[]; cwd: string; env: string[]; user?: { uid: number; gid: number }; exe: string; }

/**
 * 65534, for --sandbox: the id Linux reports for a process in a user
 * namespace with no id mapped, and for every file there (user_namespaces(7),
 * /proc/sys/kernel/overflowuid); it owns nothing on the host, and is "nobody".
 */
export const SANDBOX_ID = 65534;

/**
 * Without --sandbox: the whole host read-only, the host's cwd and
 * environment, root. With it: only the binds and the program (read-only at
 * its own absolute path), an empty environment, SANDBOX_ID. --ro, --rw and
 * --env apply either way, in command-line order.
 */
function guestView(opts: Options, program: string): GuestView {
  const sandbox = opts.has('--sandbox');
  const binds: Bind[] = [...sysrootBinds(opts.string('--sysroot')), ...opts.sequence('--ro', '--rw').map(({ name, value }) => ({ ...splitBind(value), writable: name === '--rw' }))];
  const env = new Map<string, string>(sandbox ? [] : Object.entries(process.env).map(([k, v]) => [k, v ?? '']));
  for (const e of opts.list('--env')) env.set(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
  const entries = [...env].map(([k, v]) => `${k}=${v}`);
  if (!sandbox) {
    const all = [...wholeHost(process.cwd()), ...binds]; // the cwd is where the last bind showing it puts it (/run/host/tmp for /tmp)
    return { binds: all, cwd: guestCwd(all, process.cwd()), env: entries, exe: visibleExe(all, program) };
  }
  const exe = resolve(program);
  binds.push({ host: realpathSync(exe), guest: exe });
  return { binds, cwd: guestCwd(binds, process.cwd()), env: entries, user: { uid: SANDBOX_ID, gid: SANDBOX_ID }, exe };
}

/**
 * --sysroot DIR: each top-level directory of DIR (symlinks followed, as
 * Debian's usrmerge /lib -> usr/lib) bound read-only at /NAME, so that the
 * program's interpreter and the libraries it loads are found at the paths
 * they name, as qemu-riscv64's -L finds them under its prefix.
 */
function sysrootBinds(dir: string | undefined): Bind[] {
  if (dir === undefined) return [];
  let names: string[];
  try { names = readdirSync(dir).sort(); } catch { throw new UsageError(`--sysroot ${dir}: not a directory`); }
  return names.flatMap((name) => {
    try {
      const host = realpathSync(`${dir}/${name}`);
      return statSync(host).isDirectory() ? [{ host, guest: `/${name}`, writable: false }] : [];
    } catch { return []; }
  });
}

/** The host's cwd as the sandbox sees it: its path under the last bind that shows it, else "/". */
function guestCwd(binds: readonly Bind[], cwd: string): string {
  return shownAt(binds, cwd)?.path ?? '/';
}

/** Where a host path shows in the guest: under the last bind that holds it, with that bind's guest path. */
function shownAt(binds: readonly Bind[], path: string): { path: string; bind: Bind } | undefined {
  for (const b of [...binds].reverse()) {
    let host: string;
    try { host = realpathSync(b.host); } catch { continue; }
    if (path === host) return { path: b.guest, bind: b };
    if (path.startsWith(host === '/' ? '/' : `${host}/`)) return { path: posix.join(b.guest, path.slice(host.length)), bind: b };
  }
  return undefined;
}

/**
 * The program's path in the guest (its /proc/self/exe, which Go's
 * os.Executable re-runs): where the binds show it. A program under the
 * host's /tmp, /dev or /proc is hidden by the kernel's own mounts there, so
 * its directory is bound read-only under HOST_VIEW, as the cwd is.
 */
function visibleExe(binds: Bind[], program: string): string {
  let path: string;
  try { path = realpathSync(resolve(program)); } catch { return program; }
  const at = shownAt(binds, path);
  if (at && !hiddenByKernelMount(at.path, at.bind.guest)) return at.path;
  const dir = posix.dirname(path);
  binds.push({ host: dir, guest: HOST_VIEW + dir });
  return HOST_VIEW + path;
}

const NIC_FLAGS = ['--nic', '--net-rx', '--nic-rate', '--nic-port', '--rx-frames', '--rx-usecs', '--napi-budget'];

/** --nic and the options that imply it, checked together (docs/nic.md); undefined without any. */
function nicOptions(opts: Options, harts: number): Partial<NetOptions> | undefined {
  if (!NIC_FLAGS.some((f) => opts.has(f))) return undefined;
  if (harts > 1) throw new UsageError(`--nic runs on one hart (its interrupt goes to hart 0); drop --smp ${harts}`);
  const rxFrames = opts.number('--rx-frames')!, rxUsecs = opts.number('--rx-usecs')!;
  if (rxFrames === 0 && rxUsecs === 0) throw new UsageError('--rx-frames 0 means no frame limit, so it needs --rx-usecs above 0');
  return { rx: opts.string('--net-rx') as NetRx, rate: opts.number('--nic-rate')!, port: opts.number('--nic-port')!, rxFrames, rxUsecs, budget: opts.number('--napi-budget')! };
}
