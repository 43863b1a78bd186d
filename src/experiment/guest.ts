// `lde experiment guest` (issue 14): limited direct execution one level up,
// its first half. The same static programs run three ways: under lde's own
// kernel (`lde run`), under Linux on the emulated hart (`lde boot` with the
// kernel and initramfs LDE_LINUX names: scripts/linux-guest.sh), and under
// qemu-riscv64 and natively where the host has them. For lde and Linux, what
// the hart counted itself (machine/counts.ts), so both kernels are seen the
// same way: system calls (ecall from U), exceptions (page faults and the
// rest), ticks (timer interrupts) and other interrupts, per second of guest
// time, and the share of time in U-mode. The host's kernel shows lde none of
// that for the native and qemu runs: they give their wall time only.
//
// Under Linux one boot runs every program: lde appends an archive to the
// initramfs (cpio.ts) with the programs and an /init that prints a marker
// line before and after each, and snapshots the hart's counts when the
// console shows a marker. The console's output reaches the UART a little
// after echo returns, so the shell pauses 0.1 s after the start marker, and
// the window opens when the hart wakes from that pause (to within one
// 10,000-step quantum). A Linux window so includes the shell's fork and exec
// of the program and the echo after it; lde's own run is the program's whole
// life. Idle time (wfi) is not guest time here.

import { Cause, Irq, countsBetween, trapsOf, type HartSnapshot } from '../machine/index.js';
import { GuestMachine } from '../firmware/boot.js';
import type { Column, Experiment, ExperimentContext, ExperimentResult, Row } from './types.js';
import { commandLine } from './runner.js';
import { barChart } from './plot.js';
import { round } from './measure.js';
import { appendArchive, cpioArchive } from './cpio.js';

const PROGRAMS = [
  { name: 'syscalls', args: ['100000'], what: '100,000 getppid calls' },
  { name: 'pfstorm', args: ['1024'], what: 'first touches of 1,024 + 1,024 fresh pages' },
  { name: 'cpu', args: ['sieve', '8'], what: 'a sieve, no system calls to speak of' },
];
const WAYS = ["lde's kernel (lde run)", 'Linux on the hart (lde boot)', 'qemu-riscv64', 'native x86-64'] as const;
/**
 * The kernel's command line: without cryptomgr.notests, Debian's kernel runs
 * its crypto self-tests (ECDH, RSA) in kernel threads for seconds of guest
 * time after boot, and they share the hart with the programs measured.
 */
const APPEND = 'console=ttyS0 quiet rdinit=/init cryptomgr.notests';
/** Virtual time the Linux run may take, boot included, before it is called stuck. */
const LINUX_LIMIT_NS = 120e9;

const COLUMNS: Column[] = [
  { key: 'program', title: 'program' },
  { key: 'way', title: 'way' },
  { key: 'guestMs', title: 'guest time, not idle', unit: 'ms', digits: 2 },
  { key: 'insns', title: 'instructions' },
  { key: 'user', title: 'in U-mode', unit: '%', digits: 1 },
  { key: 'syscalls', title: 'syscalls' },
  { key: 'faults', title: 'exceptions' },
  { key: 'ticks', title: 'ticks' },
  { key: 'syscallsPerS', title: 'syscalls/s' },
  { key: 'faultsPerS', title: 'exceptions/s' },
  { key: 'ticksPerS', title: 'ticks/s' },
  { key: 'irqsPerS', title: 'other irqs/s' },
  { key: 'hostMs', title: 'host wall', unit: 'ms', digits: 0 },
  { key: 'note', title: 'note' },
];

/** A row from what the hart counted over a window of guest time. */
function countedRow(program: string, way: string, c: HartSnapshot, hostNs: number, note: string): Row {
  let faults = 0, irqs = 0;
  for (let cause = 0; cause < 32; cause++) {
    if (cause !== Cause.ECALL_U && cause !== Cause.ECALL_S && cause !== Cause.ECALL_M) faults += trapsOf(c, cause, false);
    if (cause !== Irq.STI && cause !== Irq.MTI) irqs += trapsOf(c, cause, true);
  }
  const syscalls = trapsOf(c, Cause.ECALL_U, false), ticks = trapsOf(c, Irq.STI, true) + trapsOf(c, Irq.MTI, true);
  const busy = c.cycle - c.idleCycles, secs = busy / 1e9;
  const rate = (n: number) => (secs > 0 ? Math.round(n / secs) : 0);
  return {
    program, way, guestMs: round(secs * 1000, 2), insns: c.instret, user: round((100 * c.modeCycles[0]) / (busy || 1), 1),
    syscalls, faults, ticks, syscallsPerS: rate(syscalls), faultsPerS: rate(faults), ticksPerS: rate(ticks), irqsPerS: rate(irqs),
    hostMs: round(hostNs / 1e6, 0), note,
  };
}

const blankRow = (program: string, way: string, note: string, hostNs?: number): Row => ({
  ...Object.fromEntries(COLUMNS.map((c) => [c.key, ''])), program, way, hostMs: hostNs === undefined ? '' : round(hostNs / 1e6, 0), note,
});

/** The /init lde appends: each program between two marker lines, then power-off. */
function initScript(): string {
  // A second of sleep first, so that what the kernel still does after boot (deferred work) is out of the windows.
  const lines = ['#!/bin/busybox sh', '/bin/busybox --install -s /bin', 'mkdir -p /proc /tmp', 'mount -t proc proc /proc', 'sleep 1'];
  // The console's output reaches the UART a little after echo returns: the window opens at the end of the pause after the start marker.
  PROGRAMS.forEach((p, i) => lines.push(`echo lde-guest-start ${i}`, 'sleep 0.1', `/lde/${p.name} ${p.args.join(' ')}`, `echo lde-guest-end ${i}`));
  lines.push('poweroff -f', '');
  return lines.join('\n');
}

interface LinuxRun { windows: (HartSnapshot | undefined)[]; hostNs: number; end: string }

/** One boot of the user's Linux running every program; the hart's counts between each program's markers. */
function runLinux(kernel: Uint8Array, initrd: Uint8Array, program: (name: string) => Uint8Array, nowNs: () => number): LinuxRun {
  const enc = new TextEncoder();
  const extra = cpioArchive([
    ...PROGRAMS.filter((p, i) => PROGRAMS.findIndex((q) => q.name === p.name) === i).map((p) => ({ name: `lde/${p.name}`, data: program(p.name), mode: 0o755 })),
    { name: 'init', data: enc.encode(initScript()), mode: 0o755 },
  ]);
  let line = '', open = -1, idle = 0;
  const starts: HartSnapshot[] = [], windows: (HartSnapshot | undefined)[] = PROGRAMS.map(() => undefined);
  let m: GuestMachine | undefined;
  const snap = (): HartSnapshot => { const h = m!.board.hart; return h.counts.snapshot(h.priv, h.cycle, h.instret); };
  const console = (b: Uint8Array): void => {
    for (const c of b) {
      if (c !== 10) { if (line.length < 200) line += String.fromCharCode(c); continue; }
      const mk = /^lde-guest-(start|end) (\d+)\r?$/.exec(line);
      line = '';
      if (mk === null) continue;
      const i = Number(mk[2]);
      if (mk[1] === 'start') { starts[i] = snap(); open = i; }
      else { if (starts[i] !== undefined) windows[i] = countsBetween(starts[i], snap()); open = -1; }
    }
  };
  const t0 = nowNs();
  m = new GuestMachine({ kernel, initrd: appendArchive(initrd, extra), append: APPEND, memBytes: 256 << 20, console, seed: 1 });
  for (;;) {
    if (m.board.hart.cycle >= LINUX_LIMIT_NS) return { windows, hostNs: nowNs() - t0, end: `still running after ${LINUX_LIMIT_NS / 1e9} s of guest time` };
    const r = m.step(), h = m.board.hart;
    // The window starts again after each wait in wfi: the pause after the marker is not the program's.
    if (open >= 0 && h.counts.idleCycles !== idle) starts[open] = snap();
    idle = h.counts.idleCycles;
    if (r === undefined) continue;
    return { windows, hostNs: nowNs() - t0, end: r.kind === 'off' ? `powered off (status ${r.status})` : `ended: ${r.kind}` };
  }
}

export const guest: Experiment = {
  name: 'guest',
  summary: "the same programs under lde's kernel, under Linux on the hart (LDE_LINUX), under qemu-riscv64 and natively: traps, exceptions and ticks per second of guest time",
  question: 'A hypervisor is LDE for guest kernels. Seen from the hart, what does a real kernel (Linux) do for a program that lde\'s kernel does for the same program: how many traps, exceptions and ticks per second of guest time?',
  runs: PROGRAMS.length,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const ext = ctx.external, rows: Row[] = [], commands: Record<string, string> = {};
    const byProgram = new Map<string, Row[]>();
    const add = (r: Row) => { rows.push(r); byProgram.set(String(r.program), [...(byProgram.get(String(r.program)) ?? []), r]); };
    const programBytes = new Map<string, Uint8Array>();
    for (const p of PROGRAMS) {
      const spec = { label: `${p.name} ${p.args.join(' ')}, lde's kernel`, program: p.name, args: p.args, untraced: true };
      const o = await ctx.run(spec);
      commands[spec.label] = commandLine(spec);
      add(o.hart ? countedRow(`${p.name} ${p.args.join(' ')}`, WAYS[0], o.hart, o.wallNs, o.status === 0 ? '' : `exit status ${o.status}`)
        : blankRow(`${p.name} ${p.args.join(' ')}`, WAYS[0], 'no hart counts'));
      if (ext) { const path = ext.bundledPath(p.name), b = ext.readFile(path); if (b) programBytes.set(p.name, b); }
    }
    // Linux, where the host names a build of it.
    const dir = ext?.env('LDE_LINUX');
    const kernelPath = dir === undefined ? undefined : [`${dir}/vmlinux`, `${dir}/Image`].find((f) => ext!.readFile(f) !== undefined);
    const kernel = kernelPath === undefined ? undefined : ext!.readFile(kernelPath), initrd = dir === undefined ? undefined : ext!.readFile(`${dir}/initrd.cpio.gz`);
    let linuxNote = !ext ? 'not available here (no host files)' : dir === undefined ? 'set LDE_LINUX (scripts/linux-guest.sh)'
      : kernel === undefined || initrd === undefined ? `LDE_LINUX=${dir} has no vmlinux or Image and initrd.cpio.gz` : '';
    let linux: LinuxRun | undefined;
    if (linuxNote === '') {
      linux = runLinux(kernel!, initrd!, (n) => programBytes.get(n) ?? new Uint8Array(0), () => performance.now() * 1e6);
      commands['Linux on the hart'] = `lde boot --kernel ${kernelPath} --initrd INITRD+programs --append "${APPEND}" --mem 256M`;
    }
    for (const [i, p] of PROGRAMS.entries()) {
      const name = `${p.name} ${p.args.join(' ')}`, w = linux?.windows[i];
      add(w ? countedRow(name, WAYS[1], w, NaN, '') : blankRow(name, WAYS[1], linuxNote || `no markers seen (${linux?.end})`));
    }
    // qemu-riscv64 and native: their wall time only.
    for (const p of PROGRAMS) {
      const name = `${p.name} ${p.args.join(' ')}`;
      if (!ext) { add(blankRow(name, WAYS[2], 'not available here')); add(blankRow(name, WAYS[3], 'not available here')); continue; }
      const note = 'traps not visible';
      if (ext.has('qemu-riscv64')) { const r = await ext.run(['qemu-riscv64', ext.bundledPath(p.name), ...p.args]); add(blankRow(name, WAYS[2], r.status === 0 ? note : `exit status ${r.status}`, r.wallNs)); }
      else add(blankRow(name, WAYS[2], 'qemu-riscv64 is not installed'));
      const built = await ext.buildNative(p.name);
      if ('error' in built) add(blankRow(name, WAYS[3], 'no native build (it makes riscv64 system calls)'));
      else { const r = await ext.run([built.path, ...p.args]); add(blankRow(name, WAYS[3], r.status === 0 ? note : `exit status ${r.status}`, r.wallNs)); }
    }
    const order = [...byProgram.values()].flat();
    for (const r of order) if (Number.isNaN(r.hostMs)) r.hostMs = linux ? `${round(linux.hostNs / 1e6, 0)} (boot and all)` : '';
    return {
      name: 'guest', question: guest.question, commands, conclusion: conclude(order),
      tables: [{ title: `as the hart counts them; Linux: ${linux ? linux.end : linuxNote}`, columns: COLUMNS, rows: order }],
      plot: barChart({
        title: 'Traps per second of guest time, by kernel', data: order.filter((r) => typeof r.syscallsPerS === 'number').map((r) => ({ ...r, rate: Number(r.syscallsPerS) + Number(r.faultsPerS) + Number(r.ticksPerS) + Number(r.irqsPerS) })),
        x: { field: 'program', title: 'program' }, y: { field: 'rate', title: 'traps per second of guest time' }, group: { field: 'way', title: 'kernel' },
      }),
    };
  },
};

/** The conclusion, from the rows: how Linux's rates compare with lde's kernel for each program both ran. */
function conclude(rows: Row[]): string {
  const parts: string[] = [];
  for (const p of PROGRAMS) {
    const name = `${p.name} ${p.args.join(' ')}`;
    const a = rows.find((r) => r.program === name && r.way === WAYS[0]), b = rows.find((r) => r.program === name && r.way === WAYS[1]);
    if (!a || !b || typeof b.guestMs !== 'number' || typeof a.guestMs !== 'number' || a.guestMs === 0) continue;
    parts.push(`${p.name}: Linux took ${round(b.guestMs / a.guestMs, 2)}× lde's guest time, with ${b.ticksPerS} ticks/s against ${a.ticksPerS} and ${b.faultsPerS} exceptions/s against ${a.faultsPerS}`);
  }
  if (parts.length === 0) return "Only lde's kernel ran here (set LDE_LINUX to run the same programs under Linux on the hart); its rows show what the hart sees of it.";
  return parts.join('; ') + '.';
}
