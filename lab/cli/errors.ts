/**
 * The CLI's expected failures. Thrown anywhere below a command's action, caught by the one error
 * boundary (./boundary.ts), which prints the message and exits with the code.
 */

/** Bad flags or arguments: nothing was done. Exit 1, like Hadoop's shell usage errors. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** Printed after the message, e.g. the command's usage line. */
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The command already printed what it had to say; exit with this code (getconf's 255). */
export class CommandExit extends Error {
  override readonly name = 'CommandExit';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
