#!/usr/bin/env node
// Writes README.md's option lists from the option tables in
// src/cli/commands.ts (their one source), between the marker comments
// `<!-- options:NAME -->` and `<!-- /options:NAME -->` (NAME: lde, run, bare,
// demo). It imports the compiled tables, so build first (npx tsc -p
// tsconfig.json). Nothing else in README.md changes.
//
//   node scripts/gen-options.mjs            rewrite README.md's blocks
//   node scripts/gen-options.mjs --check    exit 1 if README.md is stale
//
// test/cli-options.test.ts fails while README.md is stale.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = resolve(ROOT, 'README.md');
const HELP = resolve(ROOT, 'dist/src/cli/help.js');

function fail(msg) {
  process.stderr.write(`gen-options: ${msg}\n`);
  process.exit(1);
}

async function main(argv) {
  if (argv.length > 1 || (argv.length === 1 && argv[0] !== '--check')) fail(`unknown arguments: ${argv.join(' ')} (use --check or nothing)`);
  if (!existsSync(HELP)) fail('dist/src/cli/help.js is missing: build first (npx tsc -p tsconfig.json)');
  const { readmeWithOptions } = await import(pathToFileURL(HELP).href);
  const current = readFileSync(README, 'utf8');
  let next;
  try { next = readmeWithOptions(current); } catch (e) { fail(e.message); }
  if (argv[0] === '--check') {
    if (next !== current) fail('README.md is stale: run node scripts/gen-options.mjs');
  } else if (next !== current) {
    writeFileSync(README, next);
  }
}

await main(process.argv.slice(2));
