// `lde lab [--port N]`: serves the browser lab (src/web, built into
// dist/lab by `npm run build:lab`) on 127.0.0.1 and prints its address.
// Every response carries the cross-origin isolation headers (COOP and
// COEP), which give the page SharedArrayBuffer: the worker's terminal and
// step mode block on it (src/web/worker.ts). Only files under dist/lab are
// served; the server runs until interrupted.

import { createServer, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB } from './commands.js';
import { parseOptions } from './options.js';
import { ExitError, Status } from './status.js';

const LAB_DIR = fileURLToPath(new URL('../../lab/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm',
};
export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

/** The file under dir that a request path names, or undefined (outside it, also through a symlink; missing; a directory without index.html). */
export function fileFor(dir: string, url: string): string | undefined {
  try {
    const path = decodeURIComponent(new URL(url, 'http://x').pathname);
    const root = realpathSync(dir), full = normalize(join(root, path));
    const inside = (p: string) => p === root || p.startsWith(root + sep);
    if (!inside(full)) return undefined;
    const file = statSync(full).isDirectory() ? join(full, 'index.html') : full;
    return inside(realpathSync(file)) && statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined; // a bad escape, or a file that is not there (or went away)
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...ISOLATION });
  res.end(text);
}

export async function labCommand(argv: string[]): Promise<number> {
  const { options } = parseOptions(LAB, argv);
  const port = options.number('--port')!;
  if (!existsSync(join(LAB_DIR, 'index.html'))) throw new ExitError(Status.NOT_FOUND, `the lab is not built (${LAB_DIR}): run npm run build:lab`);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'method not allowed\n');
    const file = fileFor(LAB_DIR, req.url ?? '/');
    if (!file) return answer(res, 404, 'not found\n');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache', ...ISOLATION });
    if (req.method === 'HEAD') return void res.end();
    // A file removed since fileFor looked (a rebuild beside a running server): the response ends, the server goes on.
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ExitError(Status.USAGE, `--port ${port}: ${e.code === 'EADDRINUSE' ? 'in use' : e.code ?? e.message} on 127.0.0.1`)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`lde lab: http://127.0.0.1:${bound}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const close = () => server.close(() => resolve());
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
  });
  return 0;
}
