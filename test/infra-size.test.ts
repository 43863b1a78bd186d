// STYLE.md §8: one concept per file, and no file under src/ over 500 lines.
// The oracle is the line count of every .ts file under src/ (a line is what
// a newline ends; a last line without one counts too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';
import { tsFiles } from './helpers/sources.js';

const MAX_LINES = 500;

/** Lines in a text, as `wc -l` counts them plus an unterminated last line. */
function lineCount(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

test('lineCount counts lines as an editor numbers them', () => {
  assert.deepEqual(['', 'a', 'a\n', 'a\nb', 'a\nb\n', '\n\n'].map(lineCount), [0, 1, 1, 2, 2, 2]);
});

test(`no .ts file under src/ is over ${MAX_LINES} lines`, () => {
  const files = tsFiles('src', true);
  assert.ok(files.includes('src/kernel/kernel.ts'), `found only ${files.length} files under src/`);
  const over = files.map((f) => [f, lineCount(readFileSync(ROOT + f, 'utf8'))] as const).filter(([, n]) => n > MAX_LINES);
  assert.deepEqual(over.map(([f, n]) => `${f}: ${n} lines`), [], `split these by concept (at most ${MAX_LINES} lines each)`);
});
