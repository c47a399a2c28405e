/**
 * The edit log on disk (FileJournalManager + EditLogFileOutputStream): an in-progress segment
 * `edits_inprogress_<start>` preallocated in 1 MiB steps of 0xFF, records appended and made
 * durable with fdatasync before the RPC that caused them is answered. Ops that arrive while a
 * sync is running are batched into the next one (group commit), so many concurrent mutations
 * cost one sync. Rolling ends the segment with OP_END_LOG_SEGMENT, truncates it and renames it
 * to `edits_<start>-<end>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PREALLOCATE_BYTES, decodeSegment, encodeEditsHeader, encodeOp } from '../namenode/editlog/codec.js';
import type { EditLogOp } from '../namenode/editlog/ops.js';
import { editsInProgressName, editsName } from '../namenode/name-dir.js';

/** The file operations a segment makes after it is created; tests inject failures here. */
export interface EditLogIo {
  write(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  fdatasync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
}

const NODE_IO: EditLogIo = {
  write: (fd, buffer, offset, length, position) => fs.writeSync(fd, buffer, offset, length, position),
  fdatasync: (fd, callback) => fs.fdatasync(fd, callback),
};

/**
 * A fault for tests of fail-stop on real processes (LAB_FAULT_EDITLOG_FAIL_FILE): while
 * `triggerFile` exists, every write to the edit log fails with EIO, as a dying disk answers.
 */
export function failingWhileExists(triggerFile: string): EditLogIo {
  const check = (what: string): void => {
    if (!fs.existsSync(triggerFile)) return;
    const err: NodeJS.ErrnoException = new Error(`EIO: i/o error, ${what} (fault: ${triggerFile} exists)`);
    err.code = 'EIO';
    throw err;
  };
  return {
    write: (fd, buffer, offset, length, position) => {
      check('write');
      return NODE_IO.write(fd, buffer, offset, length, position);
    },
    fdatasync: (fd, callback) => {
      try {
        check('fdatasync');
      } catch (err) {
        setImmediate(() => callback(err as NodeJS.ErrnoException));
        return;
      }
      NODE_IO.fdatasync(fd, callback);
    },
  };
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class EditLogFile {
  private fd: number;
  private position: number;
  private allocated: number;
  private pendingBuffers: Buffer[] = [];
  private pendingWaiters: Waiter[] = [];
  private syncing = false;
  private lastWrittenTxid: number;
  private failed: Error | null = null;

  private constructor(
    private readonly currentDir: string,
    readonly startTxid: number,
    fd: number,
    position: number,
    allocated: number,
    private readonly io: EditLogIo,
  ) {
    this.fd = fd;
    this.position = position;
    this.allocated = allocated;
    this.lastWrittenTxid = startTxid;
  }

  get fileName(): string {
    return editsInProgressName(this.startTxid);
  }

  get lastTxid(): number {
    return this.lastWrittenTxid;
  }

  /** Opens a new segment starting with OP_START_LOG_SEGMENT at `startTxid`, durable before it returns. */
  static create(currentDir: string, startTxid: number, io: EditLogIo = NODE_IO): EditLogFile {
    const file = path.join(currentDir, editsInProgressName(startTxid));
    const fd = fs.openSync(file, 'wx+', 0o600);
    const header = encodeEditsHeader();
    const start = encodeOp({ op: 'OP_START_LOG_SEGMENT', txid: startTxid });
    const first = Buffer.concat([header, start]);
    const pad = Buffer.alloc(PREALLOCATE_BYTES - first.length, 0xff);
    fs.writeSync(fd, Buffer.concat([first, pad]), 0, PREALLOCATE_BYTES, 0);
    fs.fsyncSync(fd);
    fsyncDir(currentDir);
    return new EditLogFile(currentDir, startTxid, fd, first.length, PREALLOCATE_BYTES, io);
  }

  /** Appends ops (txids already assigned, in order) and resolves once they are on disk. */
  logSync(ops: readonly EditLogOp[]): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (ops.length === 0) return Promise.resolve();
    // Encode all before queueing any, so a refused op leaves nothing half-queued.
    const encoded = ops.map((op) => encodeOp(op));
    this.pendingBuffers.push(...encoded);
    this.lastWrittenTxid = (ops[ops.length - 1] as EditLogOp).txid;
    return new Promise<void>((resolve, reject) => {
      this.pendingWaiters.push({ resolve, reject });
      if (!this.syncing) setImmediate(() => this.syncLoop());
    });
  }

  private syncLoop(): void {
    if (this.syncing) return;
    this.syncing = true;
    const drain = (): void => {
      if (this.pendingBuffers.length === 0) {
        this.syncing = false;
        return;
      }
      const buf = Buffer.concat(this.pendingBuffers);
      const waiters = this.pendingWaiters;
      this.pendingBuffers = [];
      this.pendingWaiters = [];
      try {
        this.ensureAllocated(this.position + buf.length);
        this.io.write(this.fd, buf, 0, buf.length, this.position);
        this.position += buf.length;
      } catch (err) {
        this.fail(err as Error, waiters);
        return;
      }
      this.io.fdatasync(this.fd, (err) => {
        if (err) {
          this.fail(err, waiters);
          return;
        }
        for (const w of waiters) w.resolve();
        drain();
      });
    };
    drain();
  }

  private fail(err: Error, waiters: Waiter[]): void {
    // An edit log that cannot be written must stop the NameNode from acknowledging anything.
    this.failed = err;
    for (const w of [...waiters, ...this.pendingWaiters]) w.reject(this.failed);
    this.pendingWaiters = [];
    this.pendingBuffers = [];
    this.syncing = false;
  }

  private ensureAllocated(needed: number): void {
    while (needed > this.allocated) {
      const pad = Buffer.alloc(PREALLOCATE_BYTES, 0xff);
      this.io.write(this.fd, pad, 0, pad.length, this.allocated);
      this.allocated += PREALLOCATE_BYTES;
    }
  }

  /** Waits for everything queued to be durable. */
  async flush(): Promise<void> {
    await this.logSync([]);
    while (this.syncing || this.pendingBuffers.length > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Ends the segment (OP_END_LOG_SEGMENT at `endTxid`), truncates and renames it; returns the final name. */
  async finalize(endTxid: number): Promise<string> {
    await this.logSync([{ op: 'OP_END_LOG_SEGMENT', txid: endTxid }]);
    await this.flush();
    fs.ftruncateSync(this.fd, this.position);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    const finalName = editsName(this.startTxid, endTxid);
    fs.renameSync(path.join(this.currentDir, this.fileName), path.join(this.currentDir, finalName));
    fsyncDir(this.currentDir);
    return finalName;
  }

  /** Close without finalizing (shutdown: the next start finalizes the in-progress segment). */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/**
 * Start-up recovery of a segment left in progress by a crash: keep every whole, checksummed
 * record, drop a torn last record (reported), and finalize it as `edits_<start>-<last txid>`.
 * An in-progress segment with no ops after its start is finalized too (start-start).
 */
export function recoverInProgress(
  currentDir: string,
  fileName: string,
  startTxid: number,
): { finalName: string; ops: EditLogOp[]; torn?: string } {
  const file = path.join(currentDir, fileName);
  const buf = fs.readFileSync(file);
  const decoded = decodeSegment(buf);
  const last = decoded.ops.at(-1)?.txid ?? startTxid;
  fs.truncateSync(file, decoded.validBytes);
  const finalName = editsName(startTxid, last);
  fs.renameSync(file, path.join(currentDir, finalName));
  fsyncDir(currentDir);
  const result: { finalName: string; ops: EditLogOp[]; torn?: string } = { finalName, ops: decoded.ops };
  if (decoded.tornTail) result.torn = `${decoded.tornTail.reason} at offset ${decoded.tornTail.offset}`;
  return result;
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Directory fsync is not supported everywhere (e.g. some macOS filesystems).
  }
}
