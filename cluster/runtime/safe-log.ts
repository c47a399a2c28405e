/**
 * A daemon's own log (stdout and stderr, which the launcher points at logs/<id>.log) must never
 * take the daemon down: on a full disk a write fails with ENOSPC, and Node would raise that as an
 * unhandled 'error' on the stream and kill the process — a NameNode that had just refused a put
 * correctly died a second later with no reason recorded. Here every write is
 * one synchronous write(2) whose failure is swallowed and counted; the next write that succeeds
 * first says how many lines were lost and why, so the gap is visible once there is room again.
 */
import fs from 'node:fs';

export interface LogWriteFailures {
  /** Lines lost since the last successful write. */
  lost: number;
  /** Lines lost over the process's life. */
  total: number;
  /** The error code of the last failure (ENOSPC, EIO …). */
  lastCode: string | null;
}

const failures: LogWriteFailures = { lost: 0, total: 0, lastCode: null };

export function logWriteFailures(): Readonly<LogWriteFailures> {
  return failures;
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Writes `text` to `fd`; a failure is counted, never thrown. */
export function safeWrite(fd: number, text: string): void {
  try {
    if (failures.lost > 0) {
      writeAll(
        fd,
        `[log] ${failures.lost} log line(s) could not be written (${failures.lastCode}); logging resumed\n`,
      );
      failures.lost = 0;
    }
    writeAll(fd, text);
  } catch (err) {
    failures.lost++;
    failures.total++;
    failures.lastCode = (err as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

function isFile(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * Routes process.stdout / process.stderr (and so console.*) through `safeWrite` when they are
 * files (the launcher's log files). A terminal or a pipe keeps Node's own stream.
 */
export function installSafeLogging(): void {
  for (const [stream, fd] of [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const) {
    if (!isFile(fd)) continue;
    const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            );
      safeWrite(fd, text);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') (done as () => void)();
      return true;
    };
    stream.write = write as typeof stream.write;
    // A failure the stream itself reports (an fd that went bad) is a lost log line, not a crash.
    stream.on('error', () => {
      failures.total++;
    });
  }
}
