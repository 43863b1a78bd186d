// The system-wide files of /proc that tools read (proc(5)): mounts and
// mountinfo (the real mount table, fsinfo.ts), cpuinfo, meminfo, uptime and
// loadavg. Each is made from the kernel's own state when it is opened, so
// a run gives the same text every time.

import type { Kernel } from '../kernel.js';
import type { Vnode } from './vfs.js';
import { TmpFs } from './tmpfs.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { mountinfoText, mountsText } from './fsinfo.js';

export { mountinfoText, mountsText };

/** The ISA the hart implements (misa's letters, then Zicntr, Zicsr, Zifencei and Sstc), in Linux's canonical order. */
const ISA = 'rv64imafdc_zicntr_zicsr_zifencei_sstc';

/**
 * /proc/cpuinfo as Linux's riscv show_cpuinfo lays it out (arch/riscv/kernel/cpu.c):
 * one block per hart with its number, ISA string, MMU mode and (zero) vendor ids.
 */
export function cpuinfoText(k: Kernel): string {
  const harts = Math.max(1, k.cpus.length);
  let out = '';
  for (let i = 0; i < harts; i++) {
    out += `processor\t: ${i}\nhart\t\t: ${i}\nisa\t\t: ${ISA}\nmmu\t\t: sv39\n`
      + `mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: ${ISA}\n\n`;
  }
  return out;
}

/** /proc/uptime: seconds of virtual time since boot, and seconds the harts spent idle (summed over harts, as Linux does). */
export function uptimeText(k: Kernel): string {
  return `${(k.hart.cycle / 1e9).toFixed(2)} ${(k.idleCycles / 1e9).toFixed(2)}\n`;
}

/**
 * /proc/meminfo: MemTotal is guest RAM (as sysinfo's totalram), MemFree the
 * free page frames; tmpfs pages are Cached and Shmem, as shmem is on Linux,
 * and not available (nothing reclaims them without swap); swap from --swap.
 */
export function meminfoText(k: Kernel, mounts: ReadonlyMap<string, Vnode>): string {
  const kb = (bytes: number) => `${String(Math.floor(bytes / 1024)).padStart(8)} kB`;
  const tmp = [...mounts.values()].find((n) => n.fs instanceof TmpFs)?.fs as TmpFs | undefined;
  const free = (k.frames.total - k.frames.inUse) * PAGE_SIZE, shmem = (tmp?.pages ?? 0) * PAGE_SIZE;
  const swapTotal = (k.swap?.size ?? 0) * PAGE_SIZE, swapFree = swapTotal - (k.swap?.used ?? 0) * PAGE_SIZE;
  const rows: [string, number][] = [['MemTotal', k.board.bus.ramSize], ['MemFree', free], ['MemAvailable', free], ['Buffers', 0],
    ['Cached', shmem], ['SwapCached', 0], ['SwapTotal', swapTotal], ['SwapFree', swapFree], ['Shmem', shmem]];
  return rows.map(([name, n]) => `${`${name}:`.padEnd(16)}${kb(n)}`).join('\n') + '\n';
}

// ---- load average (kernel/sched/loadavg.c, fs/proc/loadavg.c) -----------------------

/** Fixed point with 11 fraction bits; the decay of one 5-second sample for 1, 5 and 15 minutes (1/exp(5s/1min) etc.). */
const FSHIFT = 11, FIXED_1 = 1 << FSHIFT, EXP = [1884, 2014, 2037] as const;

interface Load { avg: [number, number, number]; next: number }
const loads = new WeakMap<Kernel, Load>();

/** Tasks running or waiting to run (Linux's nr_running). */
const runnable = (k: Kernel) => [...k.procs.values()].filter((p) => p.state === 'running' || p.state === 'runnable').length;

/** One sample: load = load * e + active * (1 - e), rounded up while rising, as calc_load does. */
function decay(load: number, e: number, active: number): number {
  const n = load * e + active * (FIXED_1 - e) + (active >= load ? FIXED_1 - 1 : 0);
  return Math.floor(n / FIXED_1);
}

/**
 * /proc/loadavg: the 1, 5 and 15 minute averages of the runnable count,
 * sampled every 5 s of virtual time (LOAD_FREQ, 5 s and a tick); then
 * running/total tasks and the newest pid. Samples are taken when the file
 * is read, each missed one with the runnable count of that moment (the
 * kernel keeps no history), so the figures depend only on the run.
 */
export function loadavgText(k: Kernel): string {
  const avg = loadavg(k), running = runnable(k);
  const show = (x: number) => {
    const r = x + Math.floor(FIXED_1 / 200); // rounds to hundredths
    return `${r >> FSHIFT}.${String(Math.floor(((r & (FIXED_1 - 1)) * 100) / FIXED_1)).padStart(2, '0')}`;
  };
  return `${avg.map(show).join(' ')} ${running}/${k.procs.size} ${Math.max(0, ...k.procs.keys())}\n`;
}

/** The 1, 5 and 15 minute load averages now, in fixed point with FSHIFT (11) fraction bits; for loadavg and sysinfo(2). */
export function loadavg(k: Kernel): readonly [number, number, number] {
  const period = 5e9 + (k.hz > 0 ? 1e9 / k.hz : 0);
  const l = loads.get(k) ?? { avg: [0, 0, 0], next: period };
  loads.set(k, l);
  const running = runnable(k);
  for (; l.next <= k.hart.cycle; l.next += period) {
    k.work.items++;
    l.avg = [0, 1, 2].map((i) => decay(l.avg[i], EXP[i], running * FIXED_1)) as Load['avg'];
  }
  return l.avg;
}

/** FSHIFT, for callers that rescale (sysinfo's loads have 16 fraction bits). */
export const LOAD_SHIFT = FSHIFT;
