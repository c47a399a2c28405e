/**
 * The DataNode's block scanner (HDFS's BlockScanner + one VolumeScanner per volume):
 * re-reads every finalized replica once per scan period, at most
 * dfs.block.scanner.volume.bytes.per.second, checks each 512-byte chunk against the CRC32C in its
 * .meta file, and reports a bad replica to the NameNode (reportBadBlocks). Its position survives a
 * restart in `<BP>/current/scanner.cursor` (JSON, as HDFS writes it).
 *
 * The decisions (what next, how long to wait) are in cluster/datanode/scanner.ts; this file only
 * reads files and runs the timer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifyChunkChecksums } from '../common/crc.js';
import { blockPoolDir } from '../datanode/layout.js';
import { parseMeta } from '../datanode/meta.js';
import {
  addSuspect,
  afterScan,
  CURSOR_SAVE_INTERVAL_MS,
  formatCursor,
  nextScanStep,
  freshThrottle,
  parseCursor,
  throttleAfter,
  type ScanIndex,
  type ScannerCursor,
  type ScannerSettings,
  type ScanThrottle,
} from '../datanode/scanner.js';
import type { BlockRef } from '../protocol/types.js';
import type { DatanodeStorage, ReplicaFiles } from './datanode-storage.js';
import { BLOCK_SCANNER_SLEEP_MAX_MS, BLOCK_SCANNER_TURN_MAX_MS } from '../protocol/limits.js';

export const SCANNER_CURSOR_FILE = 'scanner.cursor';
/** Bytes read per read(2) while verifying: a whole number of 512-byte chunks. */
const SCAN_READ_BYTES = 1024 * 512;

export type ScanResult =
  | { ok: true; bytes: number }
  | { ok: false; reason: 'checksum' | 'length'; offset: number; bytes: number }
  | { ok: false; reason: 'io'; message: string; bytes: number };

/** The scanner's read buffer, allocated once: a pass over thousands of small replicas allocates nothing per replica. */
let scanBuffer: Buffer | null = null;

/** Verifies a replica's block file against its .meta, chunk by chunk, without holding it all in memory. */
export function scanReplica(replica: Pick<ReplicaFiles, 'blockPath' | 'metaPath'>): ScanResult {
  let meta: Buffer;
  let fd: number;
  try {
    meta = fs.readFileSync(replica.metaPath);
    fd = fs.openSync(replica.blockPath, 'r');
  } catch (err) {
    return { ok: false, reason: 'io', message: (err as Error).message, bytes: 0 };
  }
  try {
    const parsed = parseMeta(meta);
    const { bytesPerChecksum, checksums } = parsed;
    const sumBytes = 4;
    scanBuffer ??= Buffer.allocUnsafe(SCAN_READ_BYTES);
    const buf = scanBuffer.subarray(0, SCAN_READ_BYTES - (SCAN_READ_BYTES % bytesPerChecksum));
    let offset = 0;
    while (true) {
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      if (n === 0) break;
      const chunk0 = offset / bytesPerChecksum;
      const chunks = Math.ceil(n / bytesPerChecksum);
      const sums = checksums.subarray(chunk0 * sumBytes, (chunk0 + chunks) * sumBytes);
      if (sums.length < chunks * sumBytes) return { ok: false, reason: 'length', offset, bytes: offset + n };
      if (parsed.checksumType !== 'NULL') {
        const bad = verifyChunkChecksums(buf.subarray(0, n), sums, bytesPerChecksum, parsed.checksumType);
        if (bad >= 0)
          return {
            ok: false,
            reason: 'checksum',
            offset: offset + bad * bytesPerChecksum,
            bytes: offset + n,
          };
      }
      offset += n;
    }
    const chunksOnDisk = Math.ceil(offset / bytesPerChecksum);
    if (checksums.length !== chunksOnDisk * sumBytes) {
      return { ok: false, reason: 'length', offset, bytes: offset };
    }
    return { ok: true, bytes: offset };
  } catch (err) {
    return { ok: false, reason: 'io', message: (err as Error).message, bytes: 0 };
  } finally {
    fs.closeSync(fd);
  }
}

export interface VolumeScannerOptions {
  storage: DatanodeStorage;
  settings: ScannerSettings;
  /** A replica failed verification: report it (reportBadBlocks) and journal it. */
  onBadReplica(block: BlockRef, detail: string): void;
  log(level: 'info' | 'warn', text: string): void;
  now?: () => number;
}

/** One volume's scanner: a loop of nextScanStep → verify one replica or wait. */
export class VolumeScanner {
  private cursor: ScannerCursor;
  private suspects: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastSavedMs = 0;
  private lastSavedState = '';
  /** The rate limit's current window (created at the first read). */
  private throttle: ScanThrottle | null = null;
  private readonly now: () => number;
  /** Replicas already reported in this pass (reported again in the next pass if still there). */
  private reported = new Set<string>();

  constructor(private readonly opts: VolumeScannerOptions) {
    this.now = opts.now ?? Date.now;
    this.cursor = this.loadCursor();
  }

  get cursorPath(): string {
    return path.join(
      blockPoolDir(this.opts.storage.dataDir, this.opts.storage.poolId),
      'current',
      SCANNER_CURSOR_FILE,
    );
  }

  start(): void {
    const first = nextScanStep({ ...this.stepInput(), nowMs: this.now() });
    if (first.kind === 'disabled') {
      this.opts.log('info', `Block scanner disabled for volume ${this.opts.storage.dataDir}`);
      return;
    }
    this.arm(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.saveCursor(true);
  }

  /** A reader or a transfer hit an error on this replica: verify it soon (VolumeScanner.markSuspectBlock). */
  markSuspect(blockId: number): void {
    this.suspects = addSuspect(this.suspects, blockId);
  }

  private stepInput(): {
    cursor: ScannerCursor;
    replicas: ScanIndex;
    suspects: number[];
    settings: ScannerSettings;
  } {
    const { storage } = this.opts;
    return {
      cursor: this.cursor,
      // The storage's in-memory replica map: O(1) per step, never a walk of the volume.
      replicas: {
        has: (blockId) => storage.hasReplica(blockId),
        nextAfter: (blockId) => storage.nextReplicaAfter(blockId),
      },
      suspects: this.suspects,
      settings: this.opts.settings,
    };
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.runOnce(), Math.max(0, Math.min(ms, BLOCK_SCANNER_SLEEP_MAX_MS)));
    this.timer.unref();
  }

  /**
   * Verifies replicas back to back while the throttle's window allows (HDFS's VolumeScanner loops
   * without pausing; its DataTransferThrottler sleeps once a window's bytes are spent), yielding
   * every BLOCK_SCANNER_TURN_MAX_MS; then sleeps until the next window, suspect or pass.
   */
  private runOnce(): void {
    this.timer = null;
    if (this.stopped) return;
    let waitMs: number;
    try {
      const turnStartMs = this.now();
      do waitMs = this.step();
      while (waitMs === 0 && this.now() - turnStartMs < BLOCK_SCANNER_TURN_MAX_MS);
      this.saveCursor(false);
    } catch (err) {
      this.opts.log('warn', `Block scanner: ${(err as Error).message}`);
      waitMs = BLOCK_SCANNER_SLEEP_MAX_MS;
    }
    if (waitMs >= 0) this.arm(waitMs);
  }

  /** One step of the loop: verify the next replica or decide to wait. The sleep wanted (-1: disabled). */
  private step(): number {
    const nowMs = this.now();
    const step = nextScanStep({ ...this.stepInput(), nowMs });
    if (step.kind === 'disabled') return -1;
    if (step.cursor.iterStartMs !== this.cursor.iterStartMs) this.reported.clear();
    this.cursor = step.cursor;
    if (step.kind === 'wait') return Math.max(1, step.untilMs - nowMs);
    this.suspects = this.suspects.filter((id) => id !== step.blockId);
    const bytes = this.verify(step.blockId);
    this.cursor = afterScan(this.cursor, step.blockId, step.suspect);
    const { bytesPerSecond } = this.opts.settings;
    this.throttle ??= freshThrottle(bytesPerSecond, nowMs);
    const next = throttleAfter(this.throttle, bytes, bytesPerSecond, this.now());
    this.throttle = next.throttle;
    return next.waitMs;
  }

  /** Verifies one replica; returns the bytes read (for the throttle). */
  private verify(blockId: number): number {
    const replica = this.opts.storage.readReplica(blockId);
    if (!replica) return 0;
    const result = scanReplica(replica);
    if (result.ok) return result.bytes;
    const block: BlockRef = { blockId, genStamp: replica.genStamp, numBytes: replica.numBytes };
    const name = `blk_${blockId}_${replica.genStamp}`;
    if (result.reason === 'io') {
      // Deleted under us (DNA_INVALIDATE) or unreadable: not evidence of corruption.
      if (fs.existsSync(replica.blockPath))
        this.opts.log('warn', `Block scanner: cannot read ${name}: ${result.message}`);
      return result.bytes;
    }
    const key = `${blockId}_${replica.genStamp}`;
    const detail =
      result.reason === 'checksum'
        ? `checksum error at offset ${result.offset}`
        : `block file and .meta disagree on length at offset ${result.offset}`;
    this.opts.log('warn', `VolumeScanner: Reporting bad ${name} on ${this.opts.storage.dataDir}: ${detail}`);
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.opts.onBadReplica(block, detail);
    }
    return result.bytes;
  }

  private loadCursor(): ScannerCursor {
    try {
      return parseCursor(fs.readFileSync(this.cursorPath, 'utf8'));
    } catch {
      return parseCursor('');
    }
  }

  private saveCursor(force: boolean): void {
    const nowMs = this.now();
    // Save at most every CURSOR_SAVE_INTERVAL_MS, but always at the end of a pass and on stop.
    if (!force && !this.cursor.atEnd && nowMs - this.lastSavedMs < CURSOR_SAVE_INTERVAL_MS) return;
    const state = JSON.stringify({ ...this.cursor, lastSavedMs: 0 });
    if (state === this.lastSavedState) return;
    this.lastSavedMs = nowMs;
    this.lastSavedState = state;
    const cursor = { ...this.cursor, lastSavedMs: nowMs };
    const file = this.cursorPath;
    try {
      fs.writeFileSync(`${file}.tmp`, formatCursor(cursor));
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      // The BP directory went away (volume reformatted): the next save tries again.
    }
  }
}
