// Exit statuses of the lde commands (README "Exit status"). Bad input follows
// the shell: 127 for a program that is not there, 126 for one that cannot run.

export const enum Status {
  USAGE = 2,
  MAX_INSNS = 124, // like timeout(1)
  STUCK = 125, // the guest can make no progress
  CANNOT_EXEC = 126,
  NOT_FOUND = 127,
}

export class ExitError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** Ends the command with one line on stderr and `status`. */
export function fail(status: Status, message: string): never {
  throw new ExitError(status, message);
}
