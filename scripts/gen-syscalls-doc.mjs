#!/usr/bin/env node
// Generates docs/syscalls.md, lde's system-call compatibility table, from the
// syscall table itself (src/kernel/sys/table.ts, compiled to dist/ by
// `npx tsc -p tsconfig.json`): one row per number of Linux's riscv64 table,
// with its status, its limits and what a signal does to it while it sleeps.
//
//   node scripts/gen-syscalls-doc.mjs            write docs/syscalls.md
//   node scripts/gen-syscalls-doc.mjs --stdout   print it instead
//   node scripts/gen-syscalls-doc.mjs --check    exit 1 if the committed file is stale
//
// test/sys-table.test.ts runs --stdout and compares with the committed file.
import { dirname, resolve } from 'node:path';
import { emit, fail as failWith } from './generated.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TABLE = resolve(ROOT, 'dist/src/kernel/sys/table.js');
const TARGET = 'docs/syscalls.md';

const fail = (msg) => failWith('gen-syscalls-doc', msg);

const RESTART = {
  ERESTARTSYS: 'restarts with SA_RESTART, else EINTR (ERESTARTSYS)',
  ERESTARTNOHAND: 'EINTR, even with SA_RESTART (ERESTARTNOHAND)',
  ERESTART_RESTARTBLOCK: 'EINTR, even with SA_RESTART (ERESTART_RESTARTBLOCK)',
  none: '',
};

/** The Markdown page for the table's entries (sorted by number). */
export function renderDoc(calls) {
  const count = (s) => calls.filter((c) => c.status === s).length;
  const cell = (s) => s.replace(/\|/g, '\\|');
  const rows = calls.map((c) => {
    const note = c.status === 'partial' ? c.limits : c.status === 'unimplemented' ? 'returns ENOSYS' : '';
    return `| ${c.nr} | ${c.name} | ${c.status} | ${cell(note ?? '')} | ${RESTART[c.restart]} |`;
  });
  return [
    '# System calls',
    '',
    '<!-- GENERATED FILE: do not edit. Made by scripts/gen-syscalls-doc.mjs from the syscall',
    '     table (src/kernel/sys/table.ts); test/sys-table.test.ts fails while it is stale. -->',
    '',
    "lde's kernel answers every number of Linux's riscv64 system-call table (Linux 6.17:",
    'the generic table plus riscv_hwprobe and riscv_flush_icache). Each row is one entry of',
    'the table in `src/kernel/sys/`, which also carries the handler and the strace decoder.',
    '',
    '- **full**: Linux semantics for every argument lde accepts.',
    '- **partial**: the common cases; the note says what is missing (those cases give an errno).',
    '- **unimplemented**: returns ENOSYS; `--strace` shows the call by name and `--stats` counts it.',
    '',
    'Numbers outside the table also return ENOSYS and show as `syscall_0x...` in `--strace`.',
    'The last column says what a signal handler does to the call while it sleeps (signal(7));',
    'a signal with no handler never ends the sleep early. Empty: the call never sleeps.',
    '',
    `${calls.length} calls: ${count('full')} full, ${count('partial')} partial, ${count('unimplemented')} unimplemented.`,
    '',
    '| # | name | status | notes | interrupted by a handler |',
    '| ---: | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function main(argv) {
  let doc;
  try {
    const { SYSCALLS } = await import(pathToFileURL(TABLE).href);
    doc = renderDoc(SYSCALLS);
  } catch (e) {
    fail(`cannot load ${TABLE} (run npx tsc -p tsconfig.json first): ${e.message}`);
  }
  emit('gen-syscalls-doc', ROOT, TARGET, doc, argv);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
