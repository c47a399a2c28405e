/**
 * The launcher's expected failures. `kind` tells the CLI's error boundary which exit code to use:
 * 'usage' for bad options (nothing was started), 'operation' for a cluster that would not start,
 * stop or answer. Both print their message only; anything else is a bug and prints a stack.
 */
export class LauncherError extends Error {
  override readonly name = 'LauncherError';
  constructor(
    message: string,
    readonly kind: 'usage' | 'operation' = 'operation',
  ) {
    super(message);
  }
}
