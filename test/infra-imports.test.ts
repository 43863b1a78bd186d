// Every module of lde loads on its own. A module that works only when some
// other module was imported before it hides an import cycle that evaluates a
// binding before its definition: `ReferenceError: Cannot access 'X' before
// initialization` for whoever imports it first. The oracle is that the import
// resolves without an error, in a fresh worker thread (each worker has its own
// module map, as a fresh process does, at a tenth of the cost).
//
// Only the modules in an import cycle are imported first, one per worker, and
// that is enough. ES modules evaluate depth first, each module after its static
// imports, so a module outside every cycle always finds the modules it imports
// fully evaluated, whatever was imported first. Inside a strongly connected
// component of the static import graph, the order of evaluation depends only on
// which member is reached first (the component is entered once and finished
// before the walk returns; modules outside it that it reaches cannot reach back
// in, and ones already evaluated only initialise more bindings, never fewer).
// So importing each member of each component first, into an empty module map,
// covers every way the component can be entered. Dynamic import() does not make
// a cycle at load time: it runs after the importing module has been evaluated
// (lde has no top-level await, which is checked too). The graph is read from
// the compiled import and export ... from statements of dist/src; a check that
// every relative `from` in a module became an edge keeps the parse from
// silently finding nothing. One more worker imports every module together, so
// each still loads at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HANG_GUARD_MS, ROOT } from './helpers/cli.js';
import { tsFiles } from './helpers/sources.js';

/** What the fresh worker runs: import the modules named by its data, in order, then report. */
const PROBE = `const { parentPort, workerData } = require('node:worker_threads');
(async () => { for (const m of workerData) await import(m); })().then(() => parentPort.postMessage(''), (e) => parentPort.postMessage(String(e?.stack ?? e).split('\\n').slice(0, 2).join(' | ') || 'error'));`;

/** Imports the files, in order, in one fresh worker; resolves to undefined when they load, or to the reason they did not. */
function importFresh(files: string[]): Promise<string | undefined> {
  return new Promise((done) => {
    const w = new Worker(PROBE, { eval: true, workerData: files.map((f) => pathToFileURL(f).href), stdout: true, stderr: true });
    const guard = setTimeout(() => { void w.terminate(); done(`no answer in ${HANG_GUARD_MS / 60_000} min`); }, HANG_GUARD_MS);
    w.once('message', (why: string) => { clearTimeout(guard); void w.terminate(); done(why === '' ? undefined : why); });
    w.once('error', (e) => { clearTimeout(guard); done(String(e).split('\n')[0]); });
  });
}

/** A static import or re-export in compiled JavaScript: `import … from 'x'`, `export … from 'x'`, `import 'x'`. */
const STATIC_IMPORT = /^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm;
/** Any relative `from '…'` or bare `import '…'` (a module imported for its effect), counted on its own to check the parse above. */
const RELATIVE_FROM = /\bfrom\s*['"]\.{1,2}\/|^import\s*['"]\.{1,2}\//gm;
/** A top-level await (compiled code is indented inside blocks): an `await import()` there would load at load time. */
const TOP_LEVEL_AWAIT = /^(?:export )?(?:(?:const|let|var) [^=\n]+= )?await\b/m;

/** The static import graph of the modules (paths relative to ROOT, e.g. 'dist/src/elf/elf.js'): each module's relative imports. */
function importGraph(modules: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const m of modules) {
    const text = readFileSync(ROOT + m, 'utf8');
    const to = [...text.matchAll(STATIC_IMPORT)].map((x) => x[1] ?? x[2]).filter((s) => s.startsWith('.')).map((s) => posix.join(posix.dirname(m), s));
    assert.equal(to.length, (text.match(RELATIVE_FROM) ?? []).length, `${m}: a relative \`from\` the import parse did not read`);
    assert.doesNotMatch(text, TOP_LEVEL_AWAIT, `${m}: a top-level await, which the static import graph does not follow`);
    graph.set(m, to);
  }
  return graph;
}

/** The strongly connected components of the graph (Tarjan's algorithm). */
function components(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [], out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size); low.set(v, index.get(v)!); stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const c: string[] = [];
    for (let w = ''; w !== v;) { w = stack.pop()!; onStack.delete(w); c.push(w); }
    out.push(c.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** Runs f over items, at most `width` at a time. */
async function pool<T, R>(items: T[], width: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => { for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]); };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

test('every module under dist/src in an import cycle can be imported first, alone, in a fresh module map', async () => {
  // The lab's two entry points run only in a browser (the page opens its console at import, the worker listens on
  // `self`): test/lab.test.ts loads them in chromium. Every other module of src/web imports here like the rest.
  const BROWSER_ONLY = ['src/web/main.ts', 'src/web/worker.ts'];
  const modules = tsFiles('src').filter((ts) => !BROWSER_ONLY.includes(ts)).map((ts) => `dist/${ts.slice(0, -3)}.js`);
  assert.ok(modules.includes('dist/src/kernel/kernel.js') && modules.length > 50, `found only ${modules.length} modules`);
  const missing = modules.filter((m) => !existsSync(ROOT + m));
  assert.deepEqual(missing, [], 'modules not built: run npx tsc -p tsconfig.json');

  const graph = importGraph(modules);
  const known = new Set(modules);
  const edges = [...graph].flatMap(([m, to]) => to.map((t) => `${m} -> ${t}`));
  assert.deepEqual(edges.filter((e) => !known.has(e.split(' -> ')[1])), [], 'imports of files that are not modules of src/');
  assert.ok(edges.length >= modules.length, `only ${edges.length} imports among ${modules.length} modules`);

  const cyclic = components(graph).filter((c) => c.length > 1 || graph.get(c[0])!.includes(c[0])).flat();
  const why = await pool([...cyclic.map((m) => [m]), modules], 2, (ms) => importFresh(ms.map((m) => ROOT + m)));
  const failed = cyclic.flatMap((m, i) => (why[i] === undefined ? [] : [`${m}: ${why[i]}`]));
  assert.deepEqual(failed, [], `${failed.length} of the ${cyclic.length} modules in import cycles fail when imported first:\n${failed.join('\n')}`);
  assert.equal(why[cyclic.length], undefined, 'the modules imported together, in order');
});
