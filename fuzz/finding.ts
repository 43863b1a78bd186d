// What a fuzzer reports: a finding (a crash or hang of lde, or a difference
// from qemu-riscv64) with what it takes to reproduce it, and a tally.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Verdict } from './lde.js';

export interface Finding {
  fuzzer: 'syscall' | 'elf' | 'insn';
  verdict: Verdict | 'differs';
  /** One line: what went wrong. */
  why: string;
  /** A command line (or recipe) that reproduces it. */
  repro: string;
  /** The top of lde's stack, when it printed one. */
  frames: string[];
  /** Groups findings of one class: the top frame in src/, or the call number. */
  signature: string;
}

export interface Tally {
  /** System calls, files or instruction streams run. */
  items: number;
  runs: number;
  findings: Finding[];
}

export function newTally(): Tally { return { items: 0, runs: 0, findings: [] }; }

/** The top stack frame inside lde's own source, without line numbers: the crash site. */
export function crashSite(frames: string[]): string {
  const own = frames.find((f) => f.includes('dist/src/')) ?? frames[0] ?? '';
  return own.replace(/:\d+:\d+\)?$/, '').replace(/^at /, '');
}

/** A finding as a few lines of text. */
export function describe(f: Finding): string {
  const frames = f.frames.length ? `\n    stack: ${f.frames.slice(0, 4).join(' / ')}` : '';
  return `  [${f.fuzzer}] ${f.verdict}: ${f.why}\n    repro: ${f.repro}${frames}`;
}

/** One line per class (signature), with its count and first example. */
export function summarise(findings: Finding[]): string {
  const classes = new Map<string, Finding[]>();
  for (const f of findings) classes.set(f.signature, [...(classes.get(f.signature) ?? []), f]);
  return [...classes.values()].map((fs) => `${fs.length} x ${fs[0]!.signature}\n${describe(fs[0]!)}`).join('\n');
}

/** Keeps a finding's input file where it outlives the run's scratch directory; returns its path. */
export function keep(name: string, bytes: Uint8Array): string {
  const dir = `${tmpdir()}/lde-fuzz-findings`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${name}`, bytes);
  chmodSync(`${dir}/${name}`, 0o755);
  return `${dir}/${name}`;
}
