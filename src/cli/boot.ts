// `lde boot --kernel FILE [options]`: a guest kernel on the machine
// (src/firmware/boot.ts). The console is stdin and stdout (raw on a
// terminal); the run ends when the guest powers off (its status), at
// --max-time (124), or when every hart waits for input that will not come (125).

import { gunzipSync } from 'node:zlib';
import { GuestMachine, BootError, type Bios, type BootEnd } from '../firmware/boot.js';
import { Status, fail } from './status.js';
import { BOOT } from './commands.js';
import { parseOptions } from './options.js';
import { UsageError } from './args.js';
import { readInput, jitOptions } from './bare.js';
import { FileDisk } from './disk.js';
import { Output } from './output.js';
import { ChromeTraceSink } from '../trace/chrome.js';
import { CAUSE_NAMES, INTERRUPT_NAMES, trapList, formatJitStats, sumJitStats } from '../machine/index.js';

/** A kernel file as the loader wants it: gzip (Debian's vmlinuz on some architectures, Image.gz) is unpacked here. */
function kernelBytes(path: string): Uint8Array {
  const b = readInput(path);
  if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return b;
  try { return gunzipSync(b, { maxOutputLength: 1 << 30 }); } catch (e) {
    return fail(Status.CANNOT_EXEC, `${path}: a gzip file that does not unpack (${(e as Error).message})`);
  }
}

/** --drive FILE: the disk, or one clear line and the usage status. */
function driveOf(path: string, write: boolean): FileDisk {
  try { return new FileDisk(path, write); } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return fail(Status.USAGE, `--drive ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message}`);
  }
}

export async function bootCommand(argv: string[]): Promise<number> {
  const { options: opts } = parseOptions(BOOT, argv);
  const kernelPath = opts.string('--kernel');
  if (kernelPath === undefined) throw new UsageError('boot: missing --kernel FILE');
  const biosText = opts.string('--bios') ?? 'lde';
  const bios: Bios = biosText === 'lde' || biosText === 'none' ? biosText : readInput(biosText);
  const initrdPath = opts.string('--initrd'), drivePath = opts.string('--drive');
  if (opts.has('--drive-write') && drivePath === undefined) throw new UsageError('boot: --drive-write needs --drive FILE');
  for (const o of ['--nic-rate', '--nic-port']) if (opts.has(o) && !opts.has('--nic')) throw new UsageError(`boot: ${o} needs --nic`);
  const maxTime = opts.number('--max-time');
  let m: GuestMachine;
  try {
    m = new GuestMachine({
      kernel: kernelBytes(kernelPath),
      initrd: initrdPath === undefined ? undefined : readInput(initrdPath),
      append: opts.string('--append'),
      harts: opts.number('--smp'),
      memBytes: opts.number('--mem'),
      bios,
      console: (b) => process.stdout.write(b),
      drive: drivePath === undefined ? undefined : driveOf(drivePath, opts.has('--drive-write')),
      rng: opts.has('--rng') ? { seed: 1 } : undefined,
      virtioConsole: opts.has('--virtio-console'),
      nic: opts.has('--nic') ? { source: { pps: opts.number('--nic-rate')!, port: opts.number('--nic-port')! } } : undefined,
    });
  } catch (e) {
    if (e instanceof BootError || e instanceof RangeError) return fail(Status.CANNOT_EXEC, `${kernelPath}: ${e.message}`);
    throw e;
  }
  for (const h of m.board.harts) h.setJit(jitOptions(opts) ?? undefined);
  // --trace: the hart's own events (traps, xret, wfi), the same sink as lde run's; a guest kernel has no process events for it.
  const traceFile = opts.string('--trace'), out = traceFile === undefined ? undefined : Output.file('--trace', traceFile);
  const trace = out === undefined ? undefined : new ChromeTraceSink((chunk) => out.write(chunk));
  if (trace) m.board.trace.attach(trace);
  const t0 = performance.now();
  let end;
  try {
    end = await runGuest(m, maxTime === undefined ? Infinity : maxTime * 1e9);
  } finally {
    trace?.finish();
    if (out) process.stderr.write(out.close());
  }
  if (opts.has('--stats')) printStats(m, (performance.now() - t0) / 1000);
  switch (end.kind) {
    case 'off': return end.status;
    case 'reset': process.stderr.write('lde: the guest asked for a reset; lde has no warm reset, so the run ends\n'); return 0;
    case 'halt': return end.status;
    case 'time': process.stderr.write(`lde: stopped at --max-time (${(m.board.hart.cycle / 1e9).toFixed(3)} s of virtual time)\n`); return Status.MAX_INSNS;
    default: process.stderr.write('lde: every hart waits for input and stdin has ended\n'); return Status.STUCK;
  }
}

/** Runs the guest, feeding stdin to its console; yields to the event loop every few rounds so input arrives while it runs. */
async function runGuest(m: GuestMachine, maxCycles: number): Promise<BootEnd | { kind: 'time' }> {
  let ended = false, waiting: (() => void) | undefined;
  const raw = process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  process.stdin.on('data', (d: Buffer) => { m.pushInput(d); waiting?.(); });
  process.stdin.on('end', () => { ended = true; waiting?.(); });
  process.stdin.on('error', () => { ended = true; waiting?.(); });
  try {
    for (let rounds = 0; ; rounds++) {
      if (m.board.hart.cycle >= maxCycles) return { kind: 'time' };
      const r = m.step();
      if (r === undefined) {
        if ((rounds & 63) === 63) await new Promise((res) => setImmediate(res));
        continue;
      }
      if (r.kind !== 'idle') return r;
      if (ended && !m.hasInput) return r;
      await new Promise<void>((res) => { waiting = res; });
      waiting = undefined;
    }
  } finally {
    if (raw) process.stdin.setRawMode(false);
    process.stdin.destroy();
  }
}

function printStats(m: GuestMachine, hostSecs: number): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const h = m.board.hart, insns = m.board.harts.reduce((a, x) => a + x.instret, 0);
  const lines = [`${n(insns)} instructions on ${m.board.harts.length} hart(s), ${(h.cycle / 1e9).toFixed(3)} s of virtual time, ` +
    `${hostSecs.toFixed(3)} s host, ${(insns / hostSecs / 1e6).toFixed(1)} MIPS`];
  for (const x of m.board.harts) {
    const modes = x.counts.modes(x.priv, x.cycle, x.instret), total = modes.reduce((a, b) => a + b.cycles, 0) || 1;
    lines.push(`hart ${x.hartId}: ` + modes.map((md) => `${md.mode}-mode ${(100 * md.cycles / total).toFixed(1)}% (${n(md.instret)} instructions)`).join(', ') +
      `, ${n(x.counts.satpSwitches)} satp switches`);
  }
  const traps = trapList(m.board.harts.reduce((sum, x) => sum.map((v, i) => v + x.counts.traps[i]), new Array<number>(128).fill(0)));
  if (traps.length > 0) {
    lines.push('', 'trap                                   to   count');
    for (const t of traps) {
      const name = (t.interrupt ? INTERRUPT_NAMES : CAUSE_NAMES)[t.cause] ?? `${t.interrupt ? 'interrupt' : 'cause'} ${t.cause}`;
      lines.push(`${name.padEnd(38)} ${t.to}  ${n(t.count).padStart(12)}`);
    }
    lines.push('');
  }
  if (m.sbi) lines.push('SBI calls: ' + ([...m.sbi.counts].map(([k, v]) => `${k} ${n(v)}`).join(', ') || 'none'));
  const blk = m.board.blk?.counts;
  if (blk) lines.push(`virtio-blk: ${n(blk.reads)} reads (${n(blk.bytesRead)} bytes), ${n(blk.writes)} writes (${n(blk.bytesWritten)} bytes), ${n(blk.flushes)} flushes, ${n(blk.errors)} errors`);
  if (m.board.rng) lines.push(`virtio-rng: ${n(m.board.rng.bytes)} bytes`);
  const nic = m.board.nic;
  if (nic) lines.push(`virtio-net: ${n(nic.rxPackets)} frames received, ${n(nic.drops)} dropped (no buffer posted), ${n(nic.txPackets)} sent`);
  if (m.board.vcon) lines.push(`virtio-console: ${n(m.board.vcon.bytesOut)} bytes out, ${n(m.board.vcon.bytesIn)} in`);
  const jits = m.board.harts.flatMap((x) => (x.jit === undefined ? [] : [x.jit.stats()]));
  if (jits.length > 0) lines.push(formatJitStats(sumJitStats(jits)));
  process.stderr.write(lines.map((l) => `lde: stats: ${l}\n`).join(''));
}
