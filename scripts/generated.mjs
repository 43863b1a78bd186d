// What every generator in scripts/ does with the text it made: write it to
// its target, print it (--stdout), or check that the committed file is
// the same (--check, exit 1 when stale). One place, so the generators agree.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Fails with one line, prefixed by the generator's name. */
export function fail(tool, msg) {
  process.stderr.write(`${tool}: ${msg}\n`);
  process.exit(1);
}

/** Writes, prints or checks `text` as `target` (a path relative to root), as argv asks. */
export function emit(tool, root, target, text, argv) {
  const path = resolve(root, target);
  if (argv.includes('--stdout')) {
    process.stdout.write(text);
  } else if (argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(path, 'utf8'); } catch { /* missing counts as stale */ }
    if (current !== text) fail(tool, `${target} is stale: run node scripts/${tool}.mjs`);
  } else if (argv.length === 0) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } else {
    fail(tool, `unknown arguments: ${argv.join(' ')} (use --stdout or --check)`);
  }
}
