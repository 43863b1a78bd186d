// How strace shows each argument of a call: the vocabulary the table's
// entries are written in (FD, PATH, out(stat), fl(O_FLAGS), ...), and the
// decoders of the calls whose arguments depend on one another (clone, fcntl,
// ioctl, futex, readv, execve, ppoll, pselect6). The handler modules give
// each entry its `args` from here; strace.ts runs them.
//
// An argument is decoded at entry (an input) or at exit (what the kernel
// filled, shown only when the call succeeded; otherwise its address).

import type { Args } from './call.js';
import { UC } from './signal.js';
import { xv, ptr, int, uint, ulong, long, oct, xval, flags, openFlags, AT, CLONE, FCNTL, FD_FLAGS, IOCTL, FUTEX, POLL, type Xlat } from './abi-names.js';
import { MAX_STR, mem, cstr, path, buf, struct, u64at, type Ctx } from './strace-mem.js';
import { sigName, sigsetText, sigset, waitStatusText } from './strace-signal.js';
import { timespec, flock, termios, winsize, intIn, rusage } from './strace-structs.js';

/**
 * How one argument is shown. `at: 'exit'` decodes what the kernel wrote,
 * when the call is done (decodeArgs leaves null in its place); otherwise the
 * input is decoded when the call starts. `i` is the register it shows when
 * not its position (clone shows them out of order).
 */
export interface Arg { at?: 'exit'; i?: number; f: (c: Ctx, v: number) => string; }

/** A call's arguments: a fixed list, or a function of the raw arguments when they depend on one another. */
export type ArgSpec = readonly Arg[] | ((r: Args) => readonly Arg[]);

/** A successful result's text when it is not a decimal number. */
export type ResultText = (c: Ctx) => string;

export const a = (f: (c: Ctx, v: number) => string): Arg => ({ f });
export const v = (f: (v: number) => string): Arg => ({ f: (_c, n) => f(n) });
/** An output pointer: NULL, the address when the call failed, else f. */
export const out = (f: (c: Ctx, v: number) => string): Arg => ({ at: 'exit', f: (c, n) => (n === 0 ? 'NULL' : !c.ok ? ptr(n) : f(c, n)) });

export const I = v(int), U = v(uint), UL = v(ulong), L = v(long), P = v(ptr), X = v(xv), FD = I;
export const DIRFD = v((n) => ((n | 0) === -100 ? 'AT_FDCWD' : int(n)));
export const PATH = a(path), STR = a((c, n) => cstr(c, n)), MODE = v(oct);
export const SIG = v((n) => sigName(n | 0));
export const fl = (t: Xlat, dflt?: string) => v((n) => flags(n, t, dflt));
export const xl = (t: Xlat, dflt?: string) => v((n) => xval(n | 0, t, dflt));
/** An input buffer whose length is argument i (write's). */
export const inBuf = (i: number): Arg => a((c, n) => buf(c, n, c.a[i] < 0 ? Infinity : c.a[i])); // a size_t: "negative" is huge
/** An output buffer filled with the call's result in bytes (read's). */
export const outBuf = (hex = false): Arg => out((c, n) => buf(c, n, c.ret, hex));
export const TS = a(timespec), SIGSET = (len: number) => a((c, n) => sigset(c, n, c.a[len]));
/** A remaining-time output: decoded only when the sleep was interrupted (strace shows the address otherwise). */
export const REM: Arg = { at: 'exit', f: (c, n) => (n !== 0 && c.ret === -4 ? timespec(c, n) : ptr(n)) };
export const ATFL = fl(AT);
/** n arguments in hex: strace's printargs, for a call it has no decoder for. */
export const rawArgs = (n: number): Arg[] => Array.from({ length: n }, () => X);
/** rt_sigreturn's one "argument": the mask it restores, from the frame at sp. */
export const SIGRETURN_FRAME: Arg = { f: (c) => struct(c, c.p.reg(2) + UC + 40, 8, (d) => `{mask=${sigsetText(u64at(d, 0))}}`) };

/** wait4's status output: the decoded wait status, or the address when no child was reaped. */
export const WSTATUS = out((c, n) => (c.ret === 0 ? ptr(n) : struct(c, n, 4, (d) => waitStatusText(d.getInt32(0, true)))));
/** wait4's rusage output: decoded only when a child was reaped. */
export const WRUSAGE: Arg = { at: 'exit', f: (c, n) => (c.ret > 0 && n !== 0 ? rusage(c, n) : ptr(n)) };

// ---- results ----------------------------------------------------------------------

export const hexResult: ResultText = (c) => xv(c.ret);
export const octalResult: ResultText = (c) => (c.ret === 0 ? '0' : '0' + c.ret.toString(8));
export const unsignedResult: ResultText = (c) => ulong(c.ret);

// ---- arguments that need more than one register --------------------------------------

/** An iovec array of count entries; the data shown is limited to `limit` bytes in all (readv: the result). */
export function iovec(c: Ctx, va: number, count: number, limit: number): string {
  const items: string[] = [];
  for (let k = 0; k < count; k++) {
    if (k === MAX_STR) { items.push('...'); break; }
    const b = mem(c, va + 16 * k, 16);
    if (b === undefined) { if (k === 0) return ptr(va); items.push(`... /* ${ptr(va + 16 * k)} */`); break; }
    const d = new DataView(b.buffer), base = Number(u64at(d, 0)), len = Number(u64at(d, 8));
    const shown = Math.min(len, Math.max(limit, 0));
    limit -= shown;
    items.push(`{iov_base=${buf(c, base, shown)}, iov_len=${len}}`);
  }
  return `[${items.join(', ')}]`;
}

/** execve's argv: the strings (32 at most, then `...`). */
export function argv(c: Ctx, va: number): string {
  if (va === 0) return 'NULL';
  const items: string[] = [];
  for (let k = 0; ; k++) {
    const b = mem(c, va + 8 * k, 8);
    if (b === undefined) { if (k === 0) return ptr(va); items.push(`... /* ${ptr(va + 8 * k)} */`); break; }
    const s = Number(new DataView(b.buffer).getBigUint64(0, true));
    if (s === 0) break;
    if (k === MAX_STR) { items.push('...'); break; }
    items.push(cstr(c, s));
  }
  return `[${items.join(', ')}]`;
}

/** execve's envp, abbreviated: its address and a comment counting the strings (`23 vars`). */
export function envCount(c: Ctx, va: number): string {
  if (va === 0) return 'NULL';
  let n = 0;
  for (; n < 1 << 20; n++) {
    const b = mem(c, va + 8 * n, 8);
    if (b === undefined) return n === 0 ? ptr(va) : `${ptr(va)} /* ${n} vars */`;
    if (new DataView(b.buffer).getBigUint64(0, true) === 0n) break;
  }
  return `${ptr(va)} /* ${n} var${n === 1 ? '' : 's'} */`;
}

/** getdents64's buffer, abbreviated: its address and a comment counting the entries (`5+` when some could not be read). */
export function dirents(c: Ctx, va: number): string {
  let count = 0, off = 0;
  while (c.ret - off >= 19) {
    const b = mem(c, va + off, 19);
    if (b === undefined) break;
    const reclen = new DataView(b.buffer).getUint16(16, true);
    count++;
    off = reclen < 19 || reclen > c.ret - off ? c.ret : off + reclen;
  }
  return `${ptr(va)} /* ${count}${c.ret > off ? '+' : ''} entries */`;
}

/** ppoll's array at entry: `[{fd=3, events=POLLIN}]`. */
export const pollfds = (c: Ctx, va: number) => {
  const n = c.a[1] >>> 0;
  return struct(c, va, 8 * Math.min(n, MAX_STR), (d) => `[${Array.from({ length: Math.min(n, MAX_STR) }, (_, k) => {
    const fd = d.getInt32(8 * k, true);
    return fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${flags(d.getInt16(8 * k + 4, true) & 0xffff, POLL)}}`;
  }).join(', ')}${n > MAX_STR ? ', ...' : ''}]`);
};

/** select's fd_set of nfds bits: `[3 4]`. */
export const fdset = (c: Ctx, va: number) => {
  const nfds = Math.min(c.a[0] | 0, 1024);
  return struct(c, va, Math.ceil(Math.max(nfds, 1) / 64) * 8, (d) => {
    const fds: number[] = [];
    for (let i = 0; i < nfds; i++) if ((d.getUint8(i >> 3) >> (i & 7)) & 1) fds.push(i);
    return `[${fds.join(' ')}]`;
  });
};


/** clone's flags: CLONE_* names, then the exit signal. */
function cloneFlags(n: number): string {
  const rest = (n & ~0xff) >>> 0, sig = n & 0xff;
  if (!rest) return sigName(sig);
  return flags(rest, CLONE, 'CLONE_???') + (sig ? '|' + sigName(sig) : '');
}

/** clone (riscv64 order: flags, stack, parent_tid, tls, child_tid): the pointers shown only when a flag uses them. */
export function cloneArgs(r: Args): (Arg & { i: number })[] {
  const f = r[0];
  return [
    { i: 1, f: (_c, n) => `child_stack=${ptr(n)}` },
    { i: 0, f: (_c, n) => `flags=${cloneFlags(n)}` },
    ...(f & 0x101000 ? [{ i: 2, at: 'exit' as const, f: (c: Ctx, n: number) => `parent_tid=${f & 0x100000 && c.ok ? struct(c, n, 4, (d) => `[${d.getInt32(0, true)}]`) : ptr(n)}` }] : []),
    ...(f & 0x80000 ? [{ i: 3, f: (_c: Ctx, n: number) => `tls=${ptr(n)}` }] : []),
    ...(f & 0x1200000 ? [{ i: 4, f: (_c: Ctx, n: number) => `child_tidptr=${ptr(n)}` }] : []),
  ];
}

export function fcntlArgs(r: Args): Arg[] {
  const cmd = r[1] | 0, head = [FD, xl(FCNTL, 'F_???')];
  const third: Record<number, Arg> = { 0: I, 1030: I, 2: fl(FD_FLAGS, 'FD_???'), 4: v(openFlags), 8: I, 1031: I, 10: SIG,
    6: a(flock(false)), 7: a(flock(false)), 37: a(flock(false)), 38: a(flock(false)), 5: out(flock(true)), 36: out(flock(true)) };
  if ([1, 3, 9, 11, 1025, 1032, 1034].includes(cmd)) return head;
  return [...head, third[cmd] ?? X];
}

export function ioctlArgs(r: Args): Arg[] {
  const req = r[1] >>> 0, head = [FD, v(() => ioctlName(req))];
  const third: Record<number, Arg> = { 0x5401: out(termios), 0x5402: a(termios), 0x5403: a(termios), 0x5404: a(termios),
    0x5413: out(winsize), 0x5414: a(winsize), 0x540f: out(intIn), 0x5410: a(intIn), 0x541b: out(intIn), 0x5421: a(intIn), 0x5452: a(intIn) };
  if (req === 0x5450 || req === 0x5451) return head;
  return [...head, third[req] ?? P];
}

/** An ioctl request by name, or in strace's _IOC(dir, type, nr, size) form. */
function ioctlName(req: number): string {
  const known = IOCTL.find(([n]) => n === req);
  if (known) return known[1];
  const dir = ['_IOC_NONE', '_IOC_WRITE', '_IOC_READ', '_IOC_READ|_IOC_WRITE'][req >>> 30];
  return `_IOC(${dir}, ${xv((req >> 8) & 0xff)}, ${xv(req & 0xff)}, ${xv((req >>> 16) & 0x3fff)})`;
}

export function futexArgs(r: Args): (Arg & { i?: number })[] {
  const op = r[1] | 0, cmd = op & 127, bitset = v((n) => ((n >>> 0) === 0xffffffff ? 'FUTEX_BITSET_MATCH_ANY' : xv(n >>> 0))); // val3 is a u32
  const name = (FUTEX[cmd] ? FUTEX[cmd] + (op & 128 ? '_PRIVATE' : '') : xv(op & ~256)) + (op & 256 ? '|FUTEX_CLOCK_REALTIME' : '');
  const head = [P, v(() => name)];
  switch (cmd) {
    case 0: return [...head, U, TS];
    case 1: return [...head, U];
    case 9: return [...head, U, TS, { ...bitset, i: 5 }];
    case 10: return [...head, U, { ...bitset, i: 5 }];
    case 3: return [...head, U, U, P];
    case 4: case 5: case 12: return [...head, U, U, P, U];
    case 6: case 13: return [...head, { ...TS, i: 3 }];
    case 7: case 8: return head;
    case 11: return [...head, U, TS, P];
    default: return [...head, X, X, X, X];
  }
}


/** fcntl's result: F_GETFL and F_GETFD in hex with their flags named. */
export const fcntlResult: ResultText = (c) => {
  const cmd = c.a[1] | 0;
  if (cmd === 3) return `${xv(c.ret)} (flags ${openFlags(c.ret)})`;
  if (cmd === 1 && c.ret !== 0) return `${xv(c.ret)} (flags ${flags(c.ret, FD_FLAGS)})`;
  return String(c.ret);
};
export const sigtimedwaitResult: ResultText = (c) => (c.ret > 0 ? `${c.ret} (${sigName(c.ret)})` : String(c.ret));
export const ppollResult: ResultText = (c) => (c.ret === 0 ? '0 (Timeout)' : `${c.ret}${pollResult(c)}`);
export const pselectResult: ResultText = (c) => (c.ret === 0 ? '0 (Timeout)' : `${c.ret}${selectResult(c)}`);

/** ppoll's revents at exit: ` ([{fd=3, revents=POLLIN}])`, then the time left. */
function pollResult(c: Ctx): string {
  const n = c.a[1] >>> 0, b = mem(c, c.a[0], 8 * Math.min(n, 1024));
  const parts: string[] = [];
  if (b !== undefined && n > 0) {
    const d = new DataView(b.buffer), ready: string[] = [];
    for (let k = 0; k < Math.min(n, 1024); k++) {
      const re = d.getInt16(8 * k + 6, true) & 0xffff;
      if (re) ready.push(ready.length === MAX_STR ? '...' : `{fd=${d.getInt32(8 * k, true)}, revents=${flags(re, POLL)}}`);
      if (ready.length > MAX_STR) break;
    }
    if (ready.length) parts.push(`[${ready.join(', ')}]`);
  }
  if (c.a[2] !== 0) parts.push(`left ${timespec(c, c.a[2])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** pselect6's ready sets at exit: ` (in [3], out [4])`, then the time left. */
function selectResult(c: Ctx): string {
  const parts = (['in', 'out', 'except'] as const).flatMap((w, k) => {
    const set = c.a[k + 1] !== 0 ? fdset(c, c.a[k + 1]) : '[]';
    return set !== '[]' && set.startsWith('[') ? [`${w} ${set}`] : [];
  });
  if (c.a[4] !== 0) parts.push(`left ${timespec(c, c.a[4])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

