/**
 * The tests' one way to wait for a condition on real processes or a live screen: `probe` is polled
 * until it returns a value (errors count as "not yet"); past the deadline the failure names what
 * was awaited, the last error and, when given, what was last seen (a screen, a log).
 */
export interface WaitForOptions {
  /** How long to wait at the most (20 s unless told). */
  deadlineMs?: number;
  /** The pause between polls (100 ms unless told; 0 for an in-process screen redrawn on the next tick). */
  intervalMs?: number;
  /** What was last seen, added to a timeout's message: the screen, a log's tail. */
  lastSeen?: () => string | Promise<string>;
  /** Why waiting longer is pointless (the process under test exited), or undefined to go on. */
  stopIf?: () => string | undefined;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  deadline: number | WaitForOptions = {},
): Promise<T> {
  const options = typeof deadline === 'number' ? { deadlineMs: deadline } : deadline;
  const deadlineMs = options.deadlineMs ?? 20_000;
  const end = Date.now() + deadlineMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    const stopped = options.stopIf?.();
    if (stopped !== undefined || Date.now() >= end) {
      const why = stopped ?? `timed out after ${deadlineMs} ms`;
      const seen = options.lastSeen ? `; last seen:\n${await options.lastSeen()}` : '';
      throw new Error(`${why} waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
