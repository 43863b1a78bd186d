// The worker thread of --publish (publish.ts): it owns the host listeners
// on 127.0.0.1 and their connections, reports every event to the kernel's
// thread through a message port and a shared counter, and carries out what
// the kernel sends back (bytes, end, close, pause).

import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { createServer, type Socket } from 'node:net';
import type { HostNetEvent } from '../kernel/host.js';
import type { Forward } from './publish.js';

/** Runs in the worker: listens on each forwarded port and serves the kernel's thread until terminated. */
function serve(forwards: Forward[], signal: Int32Array, port: MessagePort): void {
  const conns = new Map<number, Socket>();
  let nextConn = 1, listening = 0;

  function emit(ev: HostNetEvent): void {
    port.postMessage(ev);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  }

  for (const { host, guest } of forwards) {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
      const conn = nextConn++;
      conns.set(conn, sock);
      emit({ kind: 'accept', conn, port: guest, peerPort: sock.remotePort ?? 0 });
      sock.on('data', (b) => emit({ kind: 'data', conn, bytes: new Uint8Array(b) }));
      sock.on('end', () => emit({ kind: 'end', conn }));
      sock.on('close', () => { conns.delete(conn); emit({ kind: 'close', conn }); });
      sock.on('error', () => { /* reported by 'close' */ });
    });
    server.on('error', (e: NodeJS.ErrnoException) => parentPort!.postMessage({ ok: false, message: `--publish ${host}:${guest}: cannot listen on 127.0.0.1:${host} (${e.code ?? e.message})` }));
    server.listen(host, '127.0.0.1', () => { if (++listening === forwards.length) parentPort!.postMessage({ ok: true }); });
  }

  parentPort!.on('message', (m: { op: string; conn: number; bytes?: Uint8Array; paused?: boolean }) => {
    const s = conns.get(m.conn);
    if (s === undefined) return;
    if (m.op === 'send') s.write(m.bytes!);
    else if (m.op === 'end') s.end();
    else if (m.op === 'close') s.resetAndDestroy();
    else if (m.paused) s.pause(); else s.resume();
  });
}

// Imported anywhere but in publish.ts's worker (a test importing every module), it does nothing.
if (parentPort !== null && workerData !== null) {
  const d = workerData as { forwards: Forward[]; signal: Int32Array; port: MessagePort };
  serve(d.forwards, d.signal, d.port);
}
