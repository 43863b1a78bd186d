// Every module of lde loads on its own. A module that works only when some
// other module was imported before it hides an import cycle that evaluates a
// binding before its definition: `ReferenceError: Cannot access 'X' before
// initialization` for whoever imports it first. So each compiled module under
// dist/src (one per source under src/) is imported alone, in a fresh
// worker thread (each worker has its own module map, as a fresh process
// does, at a tenth of the cost); the oracle is that the import resolves
// without an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HANG_GUARD_MS, ROOT } from './helpers/cli.js';
import { tsFiles } from './helpers/sources.js';

/** What the fresh worker runs: import the module named by its first argument, then report. */
const PROBE = `const { parentPort, workerData } = require('node:worker_threads');
import(workerData).then(() => parentPort.postMessage(''), (e) => parentPort.postMessage(String(e?.stack ?? e).split('\\n').slice(0, 2).join(' | ') || 'error'));`;

/** Imports one file in a fresh worker; resolves to undefined when it loads, or to the reason it did not. */
function importAlone(file: string): Promise<string | undefined> {
  return new Promise((done) => {
    const w = new Worker(PROBE, { eval: true, workerData: pathToFileURL(file).href, stdout: true, stderr: true });
    const guard = setTimeout(() => { void w.terminate(); done(`no answer in ${HANG_GUARD_MS / 60_000} min`); }, HANG_GUARD_MS);
    w.once('message', (why: string) => { clearTimeout(guard); void w.terminate(); done(why === '' ? undefined : why); });
    w.once('error', (e) => { clearTimeout(guard); done(String(e).split('\n')[0]); });
  });
}

/** Runs f over items, at most `width` at a time. */
async function pool<T, R>(items: T[], width: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => { for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]); };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

test('every module under dist/src can be imported first, alone, in a fresh module map', async () => {
  const modules = tsFiles('src').map((ts) => `dist/${ts.slice(0, -3)}.js`);
  assert.ok(modules.includes('dist/src/kernel/kernel.js') && modules.length > 50, `found only ${modules.length} modules`);
  const missing = modules.filter((m) => !existsSync(ROOT + m));
  assert.deepEqual(missing, [], 'modules not built: run npx tsc -p tsconfig.json');
  const why = await pool(modules, 4, (m) => importAlone(ROOT + m));
  const failed = modules.flatMap((m, i) => (why[i] === undefined ? [] : [`${m}: ${why[i]}`]));
  assert.deepEqual(failed, [], `${failed.length} of ${modules.length} modules fail when imported first:\n${failed.join('\n')}`);
});
