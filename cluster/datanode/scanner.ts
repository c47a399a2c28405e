/**
 * The block scanner's pure decisions (HDFS's VolumeScanner), apart from its disk
 * reads (cluster/runtime/block-scanner.ts): which replica to verify next, how long to wait, and the
 * cursor it persists in `scanner.cursor`.
 *
 * A pass walks the volume's finalized replicas in block-id order (HDFS walks the finalized
 * directory tree, which for the "32x32" layout is close to id order). A pass starts at most once
 * per scan period; within a pass the scanner is throttled to `bytesPerSecond`. Suspect replicas
 * (a reader or a transfer hit an error on them) jump the queue, as in HDFS.
 */

/** At most this many suspect replicas are remembered (HDFS keeps a small bounded set too). */
export const SUSPECT_BLOCKS_MAX = 1000;
/** The cursor is saved at most this often (HDFS: every 30 s; the lab's passes are short). */
export const CURSOR_SAVE_INTERVAL_MS = 5_000;

/** The JSON HDFS's BlockIteratorImpl writes to `<bp>/current/scanner.cursor`. */
export interface ScannerCursor {
  lastSavedMs: number;
  /** When the current pass started (-1: never). */
  iterStartMs: number;
  /** HDFS names the finalized subdirectories here; the lab records the last replica verified. */
  curFinalizedDir: string | null;
  curFinalizedSubDir: string | null;
  curEntry: string | null;
  atEnd: boolean;
}

export interface ScannerSettings {
  /** Time between pass starts; <= 0 disables the scanner. */
  scanPeriodMs: number;
  /** dfs.block.scanner.volume.bytes.per.second; 0 disables the scanner. */
  bytesPerSecond: number;
}

/**
 * The volume's finalized replicas as the scanner sees them: the in-memory replica map
 * (cluster/datanode/replica-map.ts), so choosing the next replica costs a lookup, not a disk walk
 * or a sort.
 */
export interface ScanIndex {
  has(blockId: number): boolean;
  /** The smallest block id greater than `blockId` (the first when null), or undefined. */
  nextAfter(blockId: number | null): number | undefined;
}

export type ScanStep =
  | { kind: 'disabled' }
  | { kind: 'scan'; blockId: number; suspect: boolean; cursor: ScannerCursor }
  | { kind: 'wait'; untilMs: number; cursor: ScannerCursor };

export function freshCursor(): ScannerCursor {
  return {
    lastSavedMs: 0,
    iterStartMs: -1,
    curFinalizedDir: null,
    curFinalizedSubDir: null,
    curEntry: null,
    atEnd: false,
  };
}

/** The replica name a cursor entry holds (`blk_<id>`), and back. */
export function cursorEntry(blockId: number): string {
  return `blk_${blockId}`;
}

function entryBlockId(entry: string | null): number | null {
  const m = entry ? /^blk_(-?\d+)$/.exec(entry) : null;
  return m ? Number(m[1]) : null;
}

/** Reads a saved cursor; anything unreadable starts a fresh pass (HDFS does the same). */
export function parseCursor(text: string): ScannerCursor {
  try {
    const raw = JSON.parse(text) as Partial<ScannerCursor>;
    const fresh = freshCursor();
    return {
      lastSavedMs: typeof raw.lastSavedMs === 'number' ? raw.lastSavedMs : fresh.lastSavedMs,
      iterStartMs: typeof raw.iterStartMs === 'number' ? raw.iterStartMs : fresh.iterStartMs,
      curFinalizedDir: typeof raw.curFinalizedDir === 'string' ? raw.curFinalizedDir : null,
      curFinalizedSubDir: typeof raw.curFinalizedSubDir === 'string' ? raw.curFinalizedSubDir : null,
      curEntry: typeof raw.curEntry === 'string' ? raw.curEntry : null,
      atEnd: raw.atEnd === true,
    };
  } catch {
    return freshCursor();
  }
}

export function formatCursor(cursor: ScannerCursor): string {
  return `${JSON.stringify(cursor, null, 2)}\n`;
}

/**
 * The next thing the scanner should do, given the finalized replicas, the suspects and the clock. Suspects first; then the next replica after the cursor in id order; at
 * the end of a pass, wait until the period since the pass started is over, then start again.
 */
export function nextScanStep(args: {
  cursor: ScannerCursor;
  replicas: ScanIndex;
  suspects: readonly number[];
  nowMs: number;
  settings: ScannerSettings;
}): ScanStep {
  const { settings, nowMs } = args;
  if (settings.scanPeriodMs <= 0 || settings.bytesPerSecond <= 0) return { kind: 'disabled' };
  const { replicas } = args;
  const suspect = args.suspects.find((id) => replicas.has(id));
  if (suspect !== undefined) return { kind: 'scan', blockId: suspect, suspect: true, cursor: args.cursor };
  let cursor = args.cursor;
  if (cursor.iterStartMs < 0 || (cursor.atEnd && nowMs >= cursor.iterStartMs + settings.scanPeriodMs)) {
    cursor = { ...cursor, iterStartMs: nowMs, curEntry: null, atEnd: false };
  }
  if (cursor.atEnd) return { kind: 'wait', untilMs: cursor.iterStartMs + settings.scanPeriodMs, cursor };
  const after = entryBlockId(cursor.curEntry);
  const next = replicas.nextAfter(after);
  if (next === undefined) {
    const ended = { ...cursor, atEnd: true };
    return { kind: 'wait', untilMs: ended.iterStartMs + settings.scanPeriodMs, cursor: ended };
  }
  return { kind: 'scan', blockId: next, suspect: false, cursor };
}

/** The cursor after verifying `blockId` (suspect scans do not move it). */
export function afterScan(cursor: ScannerCursor, blockId: number, suspect: boolean): ScannerCursor {
  return suspect ? cursor : { ...cursor, curEntry: cursorEntry(blockId) };
}

/**
 * HDFS's DataTransferThrottler period: the rate is enforced over windows of this length, so the
 * scanner reads replicas back to back until a window's bytes are spent, then sleeps to its end
 * (one timer per window, not one per replica).
 */
export const SCAN_THROTTLE_PERIOD_MS = 500;

/** The throttle's window: when it started and the bytes it still allows. */
export interface ScanThrottle {
  periodStartMs: number;
  reserveBytes: number;
}

/** Bytes one window allows at `bytesPerSecond`. */
function bytesPerPeriod(bytesPerSecond: number): number {
  return (bytesPerSecond * SCAN_THROTTLE_PERIOD_MS) / 1000;
}

/** A full window starting now. */
export function freshThrottle(bytesPerSecond: number, nowMs: number): ScanThrottle {
  return { periodStartMs: nowMs, reserveBytes: bytesPerPeriod(bytesPerSecond) };
}

/**
 * After reading `bytes`: the throttle, and how long to sleep before the next read (0: go on). When
 * the window's reserve is spent, reading resumes at the start of the first later window that
 * brings it back above zero (a replica larger than a window waits several); a scanner already
 * late for that window goes on at once without banking the time it lost.
 */
export function throttleAfter(
  throttle: ScanThrottle,
  bytes: number,
  bytesPerSecond: number,
  nowMs: number,
): { throttle: ScanThrottle; waitMs: number } {
  const reserveBytes = throttle.reserveBytes - bytes;
  if (bytesPerSecond <= 0 || reserveBytes > 0) return { throttle: { ...throttle, reserveBytes }, waitMs: 0 };
  const perPeriod = bytesPerPeriod(bytesPerSecond);
  const periods = Math.floor(-reserveBytes / perPeriod) + 1;
  const resumeMs = throttle.periodStartMs + periods * SCAN_THROTTLE_PERIOD_MS;
  return {
    throttle: { periodStartMs: Math.max(resumeMs, nowMs), reserveBytes: reserveBytes + periods * perPeriod },
    waitMs: Math.max(0, resumeMs - nowMs),
  };
}

/** Adds a suspect replica (most recent last), bounded; a replica already suspect is not added twice. */
export function addSuspect(suspects: readonly number[], blockId: number): number[] {
  if (suspects.includes(blockId)) return [...suspects];
  return [...suspects, blockId].slice(-SUSPECT_BLOCKS_MAX);
}
