#!/usr/bin/env node
// Builds the browser lab (src/web, docs/lab.md) into dist/lab: static
// files any web server can serve. esbuild bundles the page (main.js) and
// the emulator's worker (worker.js) from the TypeScript sources, with vega
// and vega-lite split into chunks the page loads only to draw a chart. The
// bundled programs (user/bin) go to programs/ with an index. _headers asks
// hosts that read it (Netlify, Cloudflare Pages) for cross-origin
// isolation, which keyboard input and step mode need; `lde lab` sends the
// same headers itself.
//
//   node scripts/build-lab.mjs [OUTDIR]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'dist/lab');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'programs'), { recursive: true });
await build({
  entryPoints: { main: join(root, 'src/web/main.ts'), worker: join(root, 'src/web/worker.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  legalComments: 'linked',
});
for (const f of ['index.html', 'lab.css']) copyFileSync(join(root, 'src/web', f), join(out, f));
copyFileSync(join(root, 'node_modules/@xterm/xterm/css/xterm.css'), join(out, 'xterm.css'));
const bin = join(root, 'user/bin');
const names = readdirSync(bin).filter((n) => statSync(join(bin, n)).isFile()).sort();
for (const n of names) copyFileSync(join(bin, n), join(out, 'programs', n));
writeFileSync(join(out, 'programs/index.json'), JSON.stringify(names));
writeFileSync(join(out, '_headers'), '/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n');
console.log(`lab: ${out}`);
