// Every experiment `lde experiment NAME` knows, in the order `--list` shows
// them. To add one: write src/experiment/NAME.ts exporting an Experiment, and
// add one import and one entry below.

import type { Experiment } from './types.js';
import { noTimer } from './no-timer.js';
import { hz } from './hz.js';
import { tickless } from './tickless.js';
import { preempt } from './preempt.js';
import { swap } from './swap.js';
import { smp } from './smp.js';
import { ioUring } from './io-uring.js';
import { vdso } from './vdso.js';
import { coalescing } from './coalescing.js';
import { jit } from './jit.js';
import { guest } from './guest.js';

export const EXPERIMENTS: Experiment[] = [
  hz,
  tickless,
  preempt,
  noTimer,
  swap,
  smp,
  ioUring,
  vdso,
  coalescing,
  jit,
  guest,
];

/** The experiment called `name`, or undefined. */
export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}

export { runExperiment } from './runner.js';
export { formatExperiment, experimentJson } from './format.js';
export type * from './types.js';
