// The benchmark programs: where their ELFs live and what each must print.
// bench/expected.txt holds one line per ELF, "<file> <expected output line>",
// produced by `make -C bench/c expected` (the host gcc build is the oracle).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/bench/). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = ROOT + 'bench/bin/';

export interface BenchProgram {
  /** e.g. "sieve" or "sieve-small" */
  name: string;
  file: string;
  expected: string;
}

export function loadPrograms(): BenchProgram[] {
  const text = readFileSync(ROOT + 'bench/expected.txt', 'utf8');
  const out: BenchProgram[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const sp = line.indexOf(' ');
    if (sp < 0) throw new Error(`bench/expected.txt: malformed line: ${line}`);
    const file = line.slice(0, sp);
    out.push({ name: file.replace(/\.elf$/, ''), file, expected: line.slice(sp + 1) });
  }
  return out;
}

/** The full-size programs (timed by bench/run.ts). */
export const fullPrograms = (): BenchProgram[] => loadPrograms().filter((p) => !p.name.endsWith('-small'));
/** The small programs (run by test/bench-programs.test.ts). */
export const smallPrograms = (): BenchProgram[] => loadPrograms().filter((p) => p.name.endsWith('-small'));
