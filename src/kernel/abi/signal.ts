// Signals as the Linux riscv64 ABI defines them: numbers and names, the
// sigaction flags, default actions (signal(7)), siginfo codes, and the
// offsets of the rt_sigframe (see signal/signal.ts for the layout). Data
// only: the strace decoders and the signal code both read it.

export const enum Sig { HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9, USR1 = 10,
  SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, CHLD = 17, CONT = 18, STOP = 19, TSTP = 20, TTIN = 21,
  TTOU = 22, URG = 23, WINCH = 28 }

export const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

export const SIG_DFL = 0, SIG_IGN = 1;
export const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;

/**
 * signal(7): signals whose default action is to be ignored (SIGCONT's is to
 * continue, done when it is sent). The real-time signals' default is to
 * terminate ("The default action for an unhandled real-time signal is to
 * terminate the receiving process").
 */
export function ignoredByDefault(sig: number): boolean {
  return sig === Sig.CHLD || sig === Sig.URG || sig === Sig.WINCH || sig === Sig.CONT;
}

/** signal(7): signals whose default action is to stop the process. */
export function stopsByDefault(sig: number): boolean {
  return sig === Sig.STOP || sig === Sig.TSTP || sig === Sig.TTIN || sig === Sig.TTOU;
}
export const STOP_SIGNALS = (1n << 18n) | (1n << 19n) | (1n << 20n) | (1n << 21n); // bits of 19..22

export interface SigAction { handler: number; flags: number; mask: bigint; }

export interface SigInfo { code: number; pid?: number; addr?: number; status?: number; value?: bigint; }
export const SI_USER = 0, SI_QUEUE = -1, SI_TKILL = -6;

export const bit = (sig: number) => 1n << BigInt(sig - 1);
/** SIGKILL and SIGSTOP can be neither caught nor blocked. */
export const UNBLOCKABLE = bit(Sig.KILL) | bit(Sig.STOP);

export const SIGFRAME_SIZE = 128 + 960;
export const UC = 128; // ucontext offset in the frame
export const MCONTEXT = UC + 176;
export const FPSTATE = MCONTEXT + 256;

