#!/usr/bin/env node
// Generates user/include/lde/sysno.h, the C view of the syscall numbers,
// from src/kernel/abi/sysno.ts (their one source). The TypeScript is read as
// text, not imported: the SYSNO object literal is parsed strictly, so an
// unexpected shape fails loudly instead of producing a wrong header.
//
//   node scripts/gen-sysno.mjs            write user/include/lde/sysno.h
//   node scripts/gen-sysno.mjs --stdout   print the header instead
//   node scripts/gen-sysno.mjs --check    exit 1 if the committed header is stale
//
// test/sysno.test.ts runs --stdout and compares with the committed file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { emit, fail as failWith } from './generated.mjs';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = 'src/kernel/abi/sysno.ts';
const TARGET = 'user/include/lde/sysno.h';

const fail = (msg) => failWith('gen-sysno', msg);

/** The [name, number] pairs of `export const SYSNO = { ... } as const;`, in source order. */
export function parseSysno(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const m = /export\s+const\s+SYSNO\s*=\s*\{([^}]*)\}\s*as\s+const\s*;/.exec(code);
  if (!m) throw new Error(`${SOURCE}: no "export const SYSNO = { ... } as const;"`);
  const pairs = [];
  const seenName = new Set();
  const seenNr = new Map();
  for (const raw of m[1].split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const p = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(0|[1-9][0-9]*)$/.exec(item);
    if (!p) throw new Error(`${SOURCE}: cannot parse SYSNO entry "${item}" (expected name: number)`);
    const [, name, digits] = p;
    const nr = Number(digits);
    if (seenName.has(name)) throw new Error(`${SOURCE}: ${name} appears twice`);
    if (seenNr.has(nr)) throw new Error(`${SOURCE}: ${name} and ${seenNr.get(nr)} share number ${nr}`);
    seenName.add(name);
    seenNr.set(nr, name);
    pairs.push([name, nr]);
  }
  if (pairs.length === 0) throw new Error(`${SOURCE}: SYSNO is empty`);
  return pairs;
}

/** The header text for those pairs, sorted by number. */
export function renderHeader(pairs) {
  const sorted = [...pairs].sort((a, b) => a[1] - b[1]);
  const width = Math.max(...sorted.map(([n]) => n.length)) + 4;
  const lines = [
    '/* GENERATED FILE: do not edit.',
    ` * Made by scripts/gen-sysno.mjs from ${SOURCE}, the one source of lde's`,
    ' * Linux riscv64 system-call numbers. To change a number, edit sysno.ts and',
    ' * run `node scripts/gen-sysno.mjs`; test/sysno.test.ts fails while this',
    ' * file is stale, and checks the numbers against <asm/unistd.h>. */',
    '#ifndef LDE_SYSNO_H',
    '#define LDE_SYSNO_H',
    '',
    ...sorted.map(([name, nr]) => `#define ${`SYS_${name}`.padEnd(width)} ${nr}`),
    '',
    '#endif /* LDE_SYSNO_H */',
    '',
  ];
  return lines.join('\n');
}

function main(argv) {
  let header;
  try {
    header = renderHeader(parseSysno(readFileSync(resolve(ROOT, SOURCE), 'utf8')));
  } catch (e) {
    fail(e.message);
  }
  emit('gen-sysno', ROOT, TARGET, header, argv);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
