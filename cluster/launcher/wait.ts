/**
 * Waiting for a condition with a deadline: the launcher's only way to synchronise with daemons.
 * A timeout says what was awaited and shows the evidence (last log lines, exit statuses), the way
 * Maelstrom shows a crashed node's last output.
 */
import fs from 'node:fs';
import { LauncherError } from '../home/errors.js';

/** How often a condition is polled: fast enough to add little to `lab start`, cheap enough to ignore. */
export const WAIT_POLL_INTERVAL_MS = 25;

export interface WaitOptions {
  deadlineMs: number;
  /** What is awaited, for the timeout message: "every DataNode to register (3 of 3)". */
  what: string | (() => string);
  intervalMs?: number;
  /** Evidence appended to the timeout message (log tails, exit statuses). */
  diagnose?: () => string;
  /** Called before every poll; throws to stop waiting at once (e.g. a daemon exited). */
  failFast?: () => void;
}

/** Poll `condition` until it is true; throws LauncherError at the deadline. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.deadlineMs;
  const interval = options.intervalMs ?? WAIT_POLL_INTERVAL_MS;
  for (;;) {
    options.failFast?.();
    if (await condition()) return;
    if (Date.now() >= deadline) {
      const what = typeof options.what === 'function' ? options.what() : options.what;
      const evidence = options.diagnose?.() ?? '';
      throw new LauncherError(
        `Timed out after ${options.deadlineMs} ms waiting for ${what}.${evidence ? '\n' + evidence : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The last `lines` lines of a log file ('' if it does not exist), read from its last 64 KiB. */
export function tailFile(file: string, lines = 12): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').replace(/\n+$/, '').split('\n');
    return all.slice(-lines).join('\n');
  } finally {
    fs.closeSync(fd);
  }
}

/** A log tail indented under a heading, for error messages. */
export function formatLogTail(id: string, file: string, lines = 12): string {
  const tail = tailFile(file, lines);
  const body = tail ? tail.replace(/^/gm, '    ') : '    (empty)';
  return `  last lines of ${file} (${id}):\n${body}`;
}
