// The lab's tour: the chapters of `lde demo` (src/cli/demo.ts), one run
// each, with what to watch for on the page. The numbers a chapter shows
// come from its own run's Stats when it ends (main.ts), never from here.

import type { Stats } from '../trace/stats.js';
import type { LabOptions } from './protocol.js';

export interface Chapter {
  title: string;
  watch: string;
  program: string;
  args: string[];
  options: Partial<LabOptions>;
  /** One sentence from the run's numbers. */
  found(s: Stats): string;
}

const n = (x: number) => x.toLocaleString('en-US');
const calls = (s: Stats) => s.syscalls.reduce((a, c) => a + c.count, 0);
const ms = (c: number) => `${(c / 1e6).toFixed(2)} ms`;
/** The exceptions by how the kernel resolved them, most first. */
const resolved = (s: Stats) => {
  const by = new Map<string, number>();
  for (const x of s.exceptions) by.set(x.resolution, (by.get(x.resolution) ?? 0) + x.count);
  return [...by].sort((a, b) => b[1] - a[1]).map(([r, k]) => `${n(k)} ${r}`).join(', ');
};

export const CHAPTERS: Chapter[] = [
  {
    title: 'Direct execution', program: 'spin', args: ['2000000'], options: { hz: 0 },
    watch: 'once the kernel drops to user mode with sret, the program runs on the hart by itself: a long green bar on the timeline, and no arrows into the kernel until it traps to write and exit.',
    found: (s) => `${n(s.userInstructions)} user instructions in ${ms(s.userCycles)}, ${n(calls(s))} system calls in all (${s.syscalls.map((c) => c.name).join(', ')}).`,
  },
  {
    title: 'A system call', program: 'syscalls', args: ['2000'], options: {},
    watch: 'ecall is the only way in. Open "Step a system call", tick step mode, run it again, and walk one getppid from ecall to sret.',
    found: (s) => `${n(calls(s))} system calls; getppid took ${n(Math.round(s.syscalls.find((c) => c.name === 'getppid')?.meanCycles ?? 0))} cycles of kernel time each, and ${n(s.modeSwitches)} mode switches in all.`,
  },
  {
    title: 'Exceptions', program: 'pfstorm', args: ['256'], options: {},
    watch: 'a trap the program did not ask for: each first touch of a page faults, the kernel maps a zeroed frame and runs the instruction again (red marks on the "exceptions" lane).',
    found: (s) => `${n(s.pageFaults.minor)} minor and ${n(s.pageFaults.major)} major page faults: ${resolved(s)}.`,
  },
  {
    title: 'Copy-on-write', program: 'cowfork', args: [], options: {},
    watch: 'fork shares the parent\'s pages read-only; the child\'s first store to one faults, and the kernel gives it a copy. The Page tables tab shows the child\'s tree as it exits, and each fault\'s resolution.',
    found: (s) => `${resolved(s)}; ${n(s.processes.length)} processes.`,
  },
  {
    title: 'Swap', program: 'pagewalk', args: ['loop', '768', '2'], options: { memMiB: 2, swapMiB: 16 },
    watch: 'with 2 MiB of RAM and 16 MiB of swap, a loop over 3 MiB of pages cannot stay in memory: pages go out to swap, and a touch of one brings it back in (major faults, swap-in).',
    found: (s) => `${n(s.pageFaults.minor)} minor and ${n(s.pageFaults.major)} major page faults: ${resolved(s)}.`,
  },
  {
    title: 'A fatal exception', program: 'segfault', args: [], options: {},
    watch: 'a store to address 0x10: the hart raises a page fault, the kernel finds no mapping, and turns it into SIGSEGV.',
    found: (s) => `status ${s.status}: ${s.exceptions.map((x) => `${x.cause} → ${x.resolution}`).join(', ')}; ${n(s.signals.delivered)} signal delivered.`,
  },
  {
    title: 'The timer', program: 'hogs', args: ['2', '1500000', '10'], options: { hz: 250 },
    watch: 'two programs that never make a system call still take turns: each tick (blue) the timer interrupt takes the hart back, and the scheduler may switch (purple).',
    found: (s) => `${n(s.ticks.total)} ticks at ${s.hz} Hz, ${n(s.ticks.preempted)} of them preempted a process; ${n(s.contextSwitches.involuntary)} involuntary and ${n(s.contextSwitches.voluntary)} voluntary switches.`,
  },
  {
    title: 'Without the timer', program: 'hogs', args: ['2', '1500000', '10'], options: { hz: 0, maxTime: 0.05 },
    watch: 'the same programs with the timer off: the first hog keeps the hart until it blocks or ends. The run stops at its time limit.',
    found: (s) => `${n(s.ticks.total)} ticks; ${n(s.contextSwitches.involuntary)} involuntary switches; status ${s.status}.`,
  },
  {
    title: 'A shell', program: 'sh', args: [], options: {},
    watch: 'type into the console: hello, syscalls 100, segfault, help. Each command is a fork, an execve and a wait4; exit or ^D ends it.',
    found: (s) => `${n(s.processes.length)} processes, ${n(calls(s))} system calls.`,
  },
];
