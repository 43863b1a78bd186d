// strace's names for signals and the signal structures: signal names and
// sets, siginfo_t, wait statuses, struct sigaction, and the last line of a
// process (`+++ exited with 0 +++`).

import { SIGNAL_NAMES, type SigInfo } from './signal.js';
import { u64, xv, ptr, flags, SA } from './abi-names.js';
import { struct, i64, u64at, type Ctx } from './strace-mem.js';

/** strace's signame: SIGHUP…SIGSYS, SIGRTMIN (32), then SIGRT_n; anything else as a number. */
export function sigName(sig: number): string {
  if (sig >= 1 && sig <= 31) return SIGNAL_NAMES[sig] ?? String(sig);
  if (sig === 32) return 'SIGRTMIN';
  return sig > 32 && sig <= 64 ? `SIGRT_${sig - 32}` : String(sig);
}

/** strace's sigset: `[INT USR1]`, or `~[...]` naming the unset signals when 2/3 or more are set. */
export function sigsetText(mask: bigint): string {
  let m = BigInt.asUintN(64, mask), pop = 0;
  for (let b = m; b; b &= b - 1n) pop++;
  const inverted = pop >= 42;
  if (inverted) m = BigInt.asUintN(64, ~m);
  const names: string[] = [];
  for (let i = 1; i <= 64; i++) if (m & (1n << BigInt(i - 1))) names.push(i < 32 ? sigName(i).slice(3) : i === 32 ? 'RTMIN' : `RT_${i - 32}`);
  return `${inverted ? '~' : ''}[${names.join(' ')}]`;
}

/** A sigset_t of len bytes at va (only 8 is valid on riscv64: otherwise the address). */
export const sigset = (c: Ctx, va: number, len: number) =>
  (va !== 0 && (len < 1 || len > 8 || len % 8) ? ptr(va) : struct(c, va, 8, (d) => sigsetText(u64at(d, 0))));

/** struct sigaction as the riscv64 kernel reads it: handler, flags, mask (no sa_restorer). */
export const sigaction = (c: Ctx, va: number) => struct(c, va, 24, (d) => {
  const h = u64at(d, 0);
  const handler = h === 0n ? 'SIG_DFL' : h === 1n ? 'SIG_IGN' : h === 0xffffffffffffffffn ? 'SIG_ERR' : xv(h);
  return `{sa_handler=${handler}, sa_mask=${sigsetText(u64at(d, 16))}, sa_flags=${flags(Number(u64at(d, 8) & 0xffffffffn), SA, 'SA_???')}}`;
});

/** wait(2)'s status as strace shows it: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`. */
export function waitStatusText(s: number): string {
  let t: string, rest: number;
  if ((s & 0xff) === 0x7f) {
    const sig = (s >> 8) & 0xff;
    t = `{WIFSTOPPED(s) && WSTOPSIG(s) == ${sigName(sig & 0x7f)}${sig & 0x80 ? ' | 0x80' : ''}}`; rest = s & ~0xff7f;
  } else if ((s & 0x7f) !== 0 && s !== 0xffff) {
    t = `{WIFSIGNALED(s) && WTERMSIG(s) == ${sigName(s & 0x7f)}${s & 0x80 ? ' && WCOREDUMP(s)' : ''}}`; rest = s & ~0xff;
  } else if ((s & 0x7f) === 0) {
    t = `{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}`; rest = s & ~0xff00;
  } else { t = '{WIFCONTINUED(s)}'; rest = 0; }
  return `[${t}${rest ? '|' + xv(rest >>> 0) : ''}]`;
}

// ---- siginfo ---------------------------------------------------------------------

const SI_CODES: Record<number, string> = { 0: 'SI_USER', 0x80: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER', [-3]: 'SI_MESGQ',
  [-4]: 'SI_ASYNCIO', [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL', [-7]: 'SI_DETHREAD', [-60]: 'SI_ASYNCNL' };
/** si_code > 0 names by signal (include/uapi/asm-generic/siginfo.h). */
const CODES_BY_SIGNAL: Record<number, string[]> = {
  4: ['ILL_ILLOPC', 'ILL_ILLOPN', 'ILL_ILLADR', 'ILL_ILLTRP', 'ILL_PRVOPC', 'ILL_PRVREG', 'ILL_COPROC', 'ILL_BADSTK', 'ILL_BADIADDR'],
  5: ['TRAP_BRKPT', 'TRAP_TRACE', 'TRAP_BRANCH', 'TRAP_HWBKPT', 'TRAP_UNK', 'TRAP_PERF'],
  7: ['BUS_ADRALN', 'BUS_ADRERR', 'BUS_OBJERR', 'BUS_MCEERR_AR', 'BUS_MCEERR_AO'],
  8: ['FPE_INTDIV', 'FPE_INTOVF', 'FPE_FLTDIV', 'FPE_FLTOVF', 'FPE_FLTUND', 'FPE_FLTRES', 'FPE_FLTINV', 'FPE_FLTSUB'],
  11: ['SEGV_MAPERR', 'SEGV_ACCERR', 'SEGV_BNDERR', 'SEGV_PKUERR', 'SEGV_ACCADI', 'SEGV_ADIDERR', 'SEGV_ADIPERR', 'SEGV_MTEAERR', 'SEGV_MTESERR'],
  17: ['CLD_EXITED', 'CLD_KILLED', 'CLD_DUMPED', 'CLD_TRAPPED', 'CLD_STOPPED', 'CLD_CONTINUED'],
  29: ['POLL_IN', 'POLL_OUT', 'POLL_MSG', 'POLL_ERR', 'POLL_PRI', 'POLL_HUP'],
  31: ['SYS_SECCOMP', 'SYS_USER_DISPATCH'],
};

/** The fields of a siginfo_t that strace prints. */
interface Siginfo { signo: number; code: number; pid: number; uid: number; status: number; utime: bigint; stime: bigint; addr: bigint; value: bigint; }

/** strace's printsiginfo: which fields follow si_code depends on where the signal came from and which it is. */
function siginfoText(s: Siginfo): string {
  const f = [`si_signo=${sigName(s.signo)}`, `si_code=${SI_CODES[s.code] ?? CODES_BY_SIGNAL[s.signo]?.[s.code - 1] ?? String(s.code)}`];
  const source = () => f.push(`si_pid=${s.pid}`, `si_uid=${s.uid}`);
  const value = () => { if (s.value !== 0n) f.push(`si_int=${BigInt.asIntN(32, s.value)}`, `si_ptr=${ptr(s.value)}`); };
  if (s.code <= 0) { source(); if (s.code !== 0 && s.code !== -6) value(); }
  else if (s.signo === 17) f.push(`si_pid=${s.pid}`, `si_uid=${s.uid}`, `si_status=${s.code === 1 ? s.status : sigName(s.status)}`, `si_utime=${s.utime}`, `si_stime=${s.stime}`);
  else if ([4, 5, 7, 8, 11].includes(s.signo)) f.push(`si_addr=${ptr(s.addr)}`);
  else { if (s.pid || s.uid) source(); value(); }
  return `{${f.join(', ')}}`;
}

/** strace's siginfo: `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}`. */
export function formatSiginfo(sig: number, info: SigInfo): string {
  return siginfoText({ signo: sig, code: info.code, pid: info.pid ?? 0, uid: 0, status: info.status ?? 0, utime: 0n, stime: 0n,
    addr: u64(info.addr ?? 0), value: info.value ?? 0n });
}

/** A siginfo_t in user memory (rt_sigqueueinfo, rt_sigtimedwait, waitid). */
export const siginfoAt = (c: Ctx, va: number) => struct(c, va, 128, (d) => siginfoText({ signo: d.getInt32(0, true), code: d.getInt32(8, true),
  pid: d.getInt32(16, true), uid: d.getUint32(20, true), status: d.getInt32(24, true), utime: i64(d, 32), stime: i64(d, 40),
  addr: u64at(d, 16), value: u64at(d, 24) }));

/**
 * strace's last line for a process: `exited with 0`, `killed by SIGSEGV`, and
 * `(core dumped)` only when the wait status says a core was written (0x80):
 * lde writes none, as Linux with RLIMIT_CORE 0.
 */
export function formatExit(waitStatus: number): string {
  const sig = waitStatus & 0x7f;
  if (!sig) return `exited with ${(waitStatus >> 8) & 0xff}`;
  return `killed by ${sigName(sig)}${waitStatus & 0x80 ? ' (core dumped)' : ''}`;
}

