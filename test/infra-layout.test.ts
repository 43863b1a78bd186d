// The README's layout table matches the tree: every folder under src/ (and
// each subsystem folder of src/kernel) has a row and a README.md of its own,
// and every row names a folder that exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';

const dirs = (rel: string) => readdirSync(ROOT + rel).filter((n) => statSync(`${ROOT}${rel}/${n}`).isDirectory()).map((n) => `${rel}/${n}`);

test("the README's layout table has a row for each source folder, and each row names a folder that exists", () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const layout = readme.slice(readme.indexOf('## Layout'));
  const rows = [...layout.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1].replace(/\/$/, ''));
  assert.ok(rows.length > 5, 'no layout table found under "## Layout"');
  const want = [...dirs('src'), ...dirs('src/kernel')];
  for (const d of want) assert.ok(rows.includes(d), `README.md's layout table has no row for ${d}`);
  for (const r of rows) assert.ok(existsSync(ROOT + r), `README.md's layout table names ${r}, which does not exist`);
});

test('each folder under src/ and src/kernel/ has a README.md', () => {
  for (const d of [...dirs('src'), ...dirs('src/kernel')]) assert.ok(existsSync(`${ROOT}${d}/README.md`), `${d} has no README.md`);
});
