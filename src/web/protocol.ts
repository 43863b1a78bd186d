// The messages between the lab's page (main.ts) and its worker (worker.ts),
// and the layout of the two shared buffers. Both sides import this file;
// it imports only types.

import type { ExperimentResult } from '../experiment/types.js';
import type { Stats } from '../trace/stats.js';

/** What the page's controls set: each is an `lde run` option (README "The browser lab"). */
export interface LabOptions {
  /** --hz; 0 is --no-timer. */
  hz: number;
  tick: 'periodic' | 'idle' | 'full';
  preempt: 'none' | 'voluntary' | 'full';
  vdso: boolean;
  jit: boolean;
  /** --nic with --net-rx, or none; --nic-rate for the traffic. */
  nic: 'none' | 'irq' | 'napi';
  nicRate: number;
  /** --max-time in seconds of virtual time (0: none). */
  maxTime: number;
  /** --smp. */
  harts: number;
  /** --mem and --swap, in MiB (swap 0: none). */
  memMiB: number;
  swapMiB: number;
}

export const DEFAULT_OPTIONS: LabOptions = { hz: 250, tick: 'idle', preempt: 'voluntary', vdso: true, jit: true, nic: 'none', nicRate: 2_000_000, maxTime: 0, harts: 1, memMiB: 128, swapMiB: 0 };

/** page → worker */
export type ToWorker =
  | { type: 'run'; name: string; args: string[]; bytes?: ArrayBuffer; options: LabOptions }
  | { type: 'experiment'; name: string }
  | { type: 'shared'; control: SharedArrayBuffer; input: SharedArrayBuffer };

/** One mark or span of the timeline: a compact form of the trace events the page draws (timeline.ts). */
export type Mark =
  /** The hart's mode changed: U (user), S (kernel), I (idle); pid is who is on it (0: nobody). */
  | [kind: 'mode', cycle: number, mode: 'U' | 'S' | 'I', pid: number, hart: number]
  | [kind: 'trap' | 'tick' | 'fault' | 'switch' | 'syscall' | 'signal', cycle: number, pid: number, hart: number, label: string];

/** The live counts on the diagram's arrows. */
export interface FlowCounts {
  boot: number; processes: number; syscalls: number; faults: number; ticks: number; otherIrqs: number;
  switches: number; returns: number; signals: number; exits: number; userInsns: number; cycles: number;
}

/** One stop of step mode: where the hart is and what the CSRs say (priv 4.1). */
export interface StepState {
  /** 1 ecall in U-mode, 2 the trap taken, 3 the kernel's handler starts, 4 it ends, 5 sret. */
  step: number;
  title: string;
  detail: string;
  mode: 'U' | 'S';
  pc: string;
  regs: Record<string, string>;
  csrs: Record<string, string>;
}

/** The current process's Sv39 tree (pagetable.ts): leaf runs under each table, and recent fault resolutions. */
export interface PageTree {
  pid: number;
  name: string;
  satp: string;
  root: string;
  tables: number;
  /** A level-2 or level-1 entry that points to a table, with what it holds. */
  nodes: PageNode[];
  faults: { addr: string; pc: string; cause: string; resolution: string }[];
  /** The walk stopped at its limit of leaf runs: the tree shown is not all of it. */
  truncated: boolean;
}
export interface PageNode {
  level: number; index: number; va: string; table: string; leaves: PageRun[]; children: PageNode[];
  /** Level 0: entries with V=0 that are not zero, which lde's kernel uses for a page in swap (mm/swap.ts). */
  swapped: number;
}
/** Consecutive level-0 leaves with the same flags and consecutive frames. */
export interface PageRun { va: string; pages: number; pa: string; flags: string; }

/** worker → page */
export type FromWorker =
  | { type: 'ready'; programs: string[]; crossOriginIsolated: boolean; loadMs: number }
  | { type: 'started'; command: string }
  | { type: 'out'; fd: 1 | 2; bytes: Uint8Array }
  | { type: 'marks'; marks: Mark[]; flow: FlowCounts; dropped: number }
  | { type: 'step'; state: StepState }
  | { type: 'pages'; tree: PageTree }
  | { type: 'done'; status: number; message?: string; stats: Stats; hostMs: number; flow: FlowCounts }
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'experiment-done'; result: ExperimentResult; text: string }
  | { type: 'error'; message: string };

// ---- the control buffer (Int32Array over SharedArrayBuffer) ----------------
/** Bumped by the page when it adds input; the worker waits on it. */
export const C_INPUT_SEQ = 0;
/** Step mode: 1 = stop at the next ecall and at each step of it. */
export const C_STEP = 1;
/** Bumped by the page to let a stopped worker go on. */
export const C_GO = 2;
/** Rows and columns of the page's terminal. */
export const C_ROWS = 3;
export const C_COLS = 4;
/** 1: the page asks for a pause (the worker stops at its next event and shows the page tables). */
export const C_PAUSE = 5;
export const CONTROL_WORDS = 8;

// ---- the input ring (bytes typed, after an Int32 header) -------------------
/** Header words: write index, read index (both grow without bound; mod INPUT_BYTES). */
export const I_WRITE = 0, I_READ = 1, INPUT_HEADER = 8, INPUT_BYTES = 4096;
