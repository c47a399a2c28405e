/**
 * A one-line progress bar on stderr for long puts and gets, shown only when stderr is a terminal
 * and the transfer is big enough to be worth watching.
 */

/** Transfers smaller than this finish before a bar would help. */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;
/** Redraw at most this often. */
const PROGRESS_REDRAW_MS = 100;
const BAR_WIDTH = 30;

export interface ProgressReporter {
  update: (doneBytes: number, totalBytes?: number) => void;
  done: () => void;
}

export function progressReporter(label: string, totalBytes: number): ProgressReporter {
  const enabled = Boolean(process.stderr.isTTY) && totalBytes >= PROGRESS_MIN_BYTES && !process.env.CI;
  let lastDraw = 0;
  let drawn = false;
  const started = Date.now();
  const draw = (done: number): void => {
    const fraction = totalBytes > 0 ? Math.min(1, done / totalBytes) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const rate = done / seconds / (1024 * 1024);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${rate.toFixed(1)} MB/s`,
    );
    drawn = true;
  };
  return {
    update: (done: number) => {
      if (!enabled) return;
      const now = Date.now();
      if (now - lastDraw < PROGRESS_REDRAW_MS && done < totalBytes) return;
      lastDraw = now;
      draw(done);
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
    },
  };
}
