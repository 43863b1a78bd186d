#!/usr/bin/env node
// The lde command. It runs the one-file bundle of the CLI
// (dist/src/cli/lde.cjs, made by scripts/bundle.mjs) through V8 with a code
// cache: the bytecode of every function the first run compiled is kept in
// the host's temporary directory, keyed by the bundle's bytes and Node's
// version, so later runs skip parsing and compiling. Node 20 has no module
// compile cache of its own; this halves the CPU time a short `lde run`
// takes to start. A missing cache, a rejected one (another Node, a damaged
// file) or one that cannot be written costs only speed. Without the bundle,
// or with one older than the compiled modules (after `tsc` alone), it runs
// dist/src/cli/main.js as it is.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const os = require('node:os');
const crypto = require('node:crypto');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli');
const bundle = path.join(cli, 'lde.cjs');
const main = path.join(cli, 'main.js');

function fresh() {
  try { return fs.statSync(bundle).mtimeMs >= fs.statSync(main).mtimeMs; } catch { return false; }
}

if (!fresh()) {
  import(pathToFileURL(main).href);
} else {
  const source = fs.readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
  const key = crypto.createHash('sha256').update(process.version).update(source).digest('hex').slice(0, 20);
  const cacheFile = path.join(os.tmpdir(), `lde-v8-cache-${key}.bin`);
  let cachedData;
  try { cachedData = fs.readFileSync(cacheFile); } catch { cachedData = undefined; }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  // The bundle's import() of vega, vega-lite and cli-progress (scripts/bundle.mjs): a script from a code
  // cache cannot import() itself in Node 20, so this module does it for it.
  globalThis.__lde_import = (name) => import(name);
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try { // a whole file or none: written aside, then renamed over
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch { /* no cache: the next run compiles again */ }
    });
  }
  const module_ = { exports: {} };
  script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, cli);
}
