// The worker thread of --publish and --net outbound (publish.ts): it owns
// the host listeners on 127.0.0.1, their connections and the outbound ones, reports every event to the kernel's
// thread through a message port and a shared counter, and carries out what
// the kernel sends back (bytes, end, close, pause), and drains them before lde ends.

import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { connect, createServer, type Socket } from 'node:net';
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

  /** A host socket's bytes, end and close become events of conn; a failure names its error code. */
  function track(conn: number, sock: Socket): void {
    let error: string | undefined;
    conns.set(conn, sock);
    sock.on('data', (b) => emit({ kind: 'data', conn, bytes: new Uint8Array(b) }));
    sock.on('end', () => emit({ kind: 'end', conn }));
    sock.on('close', () => { conns.delete(conn); emit({ kind: 'close', conn, error }); });
    sock.on('error', (e: NodeJS.ErrnoException) => { error = e.code; });
  }

  for (const { host, guest } of forwards) {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
      const conn = nextConn++;
      emit({ kind: 'accept', conn, port: guest, peerPort: sock.remotePort ?? 0 });
      track(conn, sock);
    });
    server.on('error', (e: NodeJS.ErrnoException) => parentPort!.postMessage({ ok: false, message: `--publish ${host}:${guest}: cannot listen on 127.0.0.1:${host} (${e.code ?? e.message})` }));
    server.listen(host, '127.0.0.1', () => { if (++listening === forwards.length) parentPort!.postMessage({ ok: true }); });
  }

  if (forwards.length === 0) parentPort!.postMessage({ ok: true });
  parentPort!.on('message', (m: { op: string; conn: number; bytes?: Uint8Array; paused?: boolean; ip?: string; port?: number }) => {
    if (m.op === 'connect') {
      const sock = connect({ host: m.ip!, port: m.port!, allowHalfOpen: true, noDelay: true }, () => emit({ kind: 'connected', conn: m.conn }));
      track(m.conn, sock);
      return;
    }
    if (m.op === 'drain') {
      // lde is ending: answer once every socket has handed the host what it was given (its writes, its end), or after 2 s.
      const busy = [...conns.values()].filter((c) => !c.destroyed && (c.writableLength > 0 || (c.writableEnded && !c.writableFinished)));
      let left = busy.length, answered = false;
      const done = () => { if (answered) return; answered = true; clearTimeout(t); parentPort!.postMessage({ drained: true }); };
      const t = setTimeout(done, 2000);
      if (left === 0) done();
      for (const c of busy) {
        let counted = false;
        const one = () => { if (!counted) { counted = true; if (--left === 0) done(); } };
        c.once(c.writableEnded ? 'finish' : 'drain', one).once('close', one);
      }
      return;
    }
    const s = conns.get(m.conn);
    if (s === undefined) return;
    if (m.op === 'send') s.write(m.bytes!);
    else if (m.op === 'end') s.end();
    else if (m.op === 'close') s.resetAndDestroy();
    else if (m.paused) s.pause(); else s.resume();
  });
}

// Imported anywhere but in publish.ts's worker (a test importing every module, maybe in a worker of its own), it does nothing.
const d = workerData as { role?: string; forwards: Forward[]; signal: Int32Array; port: MessagePort } | null;
if (parentPort !== null && d?.role === 'lde-publish') {
  serve(d.forwards, d.signal, d.port);
}
