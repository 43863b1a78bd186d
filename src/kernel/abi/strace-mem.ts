// strace's view of user memory: what a decoder knows about the call (Ctx),
// and the readers every decoder uses: strings quoted as strace quotes them,
// buffers cut at 32 bytes, structs read whole or shown as their address.
//
// Contract: decoding never changes the run. User memory is read only with
// peek/peekString (uaccess.ts), which read pages already present and never
// fault one in; what cannot be read is shown as its address, as strace does.

import type { Process } from '../sched/proc.js';
import type { Args } from './call.js';
import { peek, peekString } from '../mm/uaccess.js';
import { ptr } from './abi-names.js';

export const MAX_STR = 32;
const PATH_MAX = 4096;
const ESCAPES: Record<number, string> = { 34: '\\"', 92: '\\\\', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strace's string_quote: C escapes, octal as short as the next byte allows; or every byte as \xNN. */
export function quote(b: Uint8Array, allHex = false): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (allHex) s += '\\x' + c.toString(16).padStart(2, '0');
    else if (ESCAPES[c] !== undefined) s += ESCAPES[c];
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + (b[i + 1] >= 0x30 && b[i + 1] <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8));
  }
  return s + '"';
}

/** What a decoder knows: the process, the raw arguments and, at exit, the result. */
export interface Ctx { p: Process; a: Args; ret: number; ok: boolean; }

/** Bytes of user memory, or undefined (not present, or the process is gone). Never faults. */
export const mem = (c: Ctx, va: number, len: number) => (c.p.state === 'zombie' ? undefined : peek(c.p.as, va, len));

/** A NUL-terminated string cut at max bytes (strace's printstr: 32; printpath: PATH_MAX). */
export function cstr(c: Ctx, va: number, max = MAX_STR): string {
  if (va === 0) return 'NULL';
  const r = c.p.state === 'zombie' ? undefined : peekString(c.p.as, va, max + 1);
  if (r === undefined) return ptr(va);
  return r.terminated && r.bytes.length <= max ? quote(r.bytes) : quote(r.bytes.subarray(0, max)) + '...';
}
export const path = (c: Ctx, va: number) => cstr(c, va, PATH_MAX - 1);

/** len bytes at va, at most 32 shown (strace's printstrn). */
export function buf(c: Ctx, va: number, len: number, allHex = false): string {
  const n = Math.max(0, Math.min(len, MAX_STR));
  const b = mem(c, va, n);
  return b === undefined ? ptr(va) : quote(b, allHex) + (len > MAX_STR ? '...' : '');
}

/** A struct of size bytes at va, rendered by f; NULL, or the address when unreadable. */
export function struct(c: Ctx, va: number, size: number, f: (d: DataView) => string): string {
  if (va === 0) return 'NULL';
  const b = mem(c, va, size);
  return b === undefined ? ptr(va) : f(new DataView(b.buffer));
}
export const i64 = (d: DataView, o: number) => d.getBigInt64(o, true);
export const u64at = (d: DataView, o: number) => d.getBigUint64(o, true);
