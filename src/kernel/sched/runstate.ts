// A process's run state, and the only transitions the kernel makes between
// them (in the spirit of gVisor's task_run.go: the run loop is an explicit
// state machine). Process.moveTo checks each change against this table, so a
// scheduler bug is one clear line at the point it happens, not a process that
// silently runs twice or never again.
//
//   runnable ──contextSwitch──▶ running ──tick, sched_yield──▶ runnable
//                               running ──sleepOn/sleepUntil──▶ sleeping ──wake──▶ runnable
//                               running ──a stop signal──▶ stopped ──SIGCONT──▶ runnable
//   any state but zombie ──exit, kill──▶ zombie (final: only wait4 reaps it)
//
// A new process starts runnable (it is queued by spawn or clone); `sleeping`
// is the blocked state; `unsleep` takes a sleeper straight back to running
// when its own system call changes its mind before leaving the CPU.

export type ProcState = 'runnable' | 'running' | 'sleeping' | 'stopped' | 'zombie';

const LEGAL: Readonly<Record<ProcState, readonly ProcState[]>> = {
  runnable: ['running', 'zombie'],
  running: ['runnable', 'sleeping', 'stopped', 'zombie'],
  sleeping: ['runnable', 'running', 'zombie'],
  stopped: ['runnable', 'zombie'],
  zombie: [],
};

/** True when the scheduler may take a process from `from` to `to`. */
export function canMove(from: ProcState, to: ProcState): boolean {
  return LEGAL[from].includes(to);
}

/** A broken kernel invariant: never a guest's fault, always a bug in lde. */
export class KernelBug extends Error {
  constructor(what: string) {
    super(`lde: internal error: ${what}`);
    this.name = 'KernelBug';
  }
}
