// --publish HOSTPORT:GUESTPORT (docs/sockets.md): the host's side of
// forwarded TCP connections. The kernel runs synchronously on this thread,
// so the host sockets live in a worker thread (publish-worker.ts) with its
// own event loop. The worker posts each event (a new connection, bytes, an
// end, a close) on a message port and bumps a shared counter; the kernel
// drains the port without waiting (receiveMessageOnPort) when it pumps, and
// its idle sleep waits on the counter (Atomics.wait), so a connection that
// arrives while the guest is idle wakes it at once and an idle guest costs
// no host CPU. What the kernel sends goes to the worker as messages.
// --net outbound uses the same worker for the guest's connections out.

import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { HostNet, HostNetEvent } from '../kernel/host.js';
import { UsageError } from './args.js';

export interface Publisher {
  net: HostNet;
  /** The idle guest's sleep (HostIO.sleepNs): up to ns, or until a host event. */
  sleepNs(ns: number): void;
  /** Closes every host socket (the run is over). */
  close(): Promise<void>;
}

/** A forwarded port: the host's 127.0.0.1:host to the guest's guest. */
export interface Forward { host: number; guest: number; }

/** Listens on every host port; resolves when all listen, or fails with a one-line UsageError (the port is taken). */
export async function publish(forwards: Forward[], outbound = false): Promise<Publisher> {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./publish-worker.js', import.meta.url), { workerData: { role: 'lde-publish', forwards, signal, port: port2 }, transferList: [port2] });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ok: boolean; message?: string }) => (m.ok ? resolve() : reject(new UsageError(m.message ?? '--publish failed'))));
    worker.once('error', reject);
  }).catch(async (e) => { await worker.terminate(); throw e; });
  let seen = Atomics.load(signal, 0);
  const post = (m: object) => worker.postMessage(m);
  const net: HostNet = {
    poll() {
      seen = Atomics.load(signal, 0);
      const out: HostNetEvent[] = [];
      for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) out.push(m.message as HostNetEvent);
      return out;
    },
    send: (conn, bytes) => post({ op: 'send', conn, bytes: bytes.slice() }),
    end: (conn) => post({ op: 'end', conn }),
    close: (conn) => post({ op: 'close', conn }),
    pause: (conn, paused) => post({ op: 'pause', conn, paused }),
  };
  let nextOut = -1; // outbound connections count down, the worker's accepted ones up
  if (outbound) net.connect = (ip, port) => { const conn = nextOut--; post({ op: 'connect', conn, ip, port }); return conn; };
  return {
    net,
    sleepNs(ns) { if (ns > 0 && Atomics.load(signal, 0) === seen) Atomics.wait(signal, 0, seen, Math.ceil(ns / 1e6)); },
    async close() {
      // What the guest sent last (bytes, an end) may still be on its way to the host clients: the worker lets it
      // drain (up to 2 s) before it ends; terminating it at once lost the last answer of a guest that exits.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2500);
        worker.once('message', () => { clearTimeout(t); resolve(); });
        post({ op: 'drain', conn: 0 });
      });
      port1.close();
      await worker.terminate();
    },
  };
}

/** The --publish values (HOSTPORT:GUESTPORT, checked by the option parser) as forwards; a host port given twice is a usage error. */
export function forwardsOf(values: readonly string[]): Forward[] {
  const out = values.map((v) => { const [host, guest] = v.split(':').map(Number); return { host, guest }; });
  const dup = out.find((f, i) => out.findIndex((g) => g.host === f.host) !== i);
  if (dup) throw new UsageError(`--publish: host port ${dup.host} is given twice`);
  return out;
}
