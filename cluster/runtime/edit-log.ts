/**
 * The NameNode's edit log (FSEditLog over one FileJournalManager): assigns txids, appends ops to
 * the in-progress segment, rolls segments — and is fail-stop. The name directory is a *required*
 * journal: when a write or a sync of it fails, HDFS logs "Error: flush failed for required journal
 * (…)" and ExitUtil terminates the NameNode, because the namespace in memory has moved past what a
 * restart would load. We do the same: the first failure reports once, refuses every later call,
 * and hands the message to `terminate` (the process exits 1). So what a client was told is never
 * more than what the disk holds, and a restart shows what `-ls` showed.
 */
import path from 'node:path';
import type { EditLogOp, PendingOp } from '../namenode/editlog/ops.js';
import { RemoteError } from '../protocol/errors.js';
import { EditLogFile, type EditLogIo } from './edit-log-file.js';

export interface EditLogOptions {
  /** The name directory's `current/`. */
  currentDir: string;
  /** The txid of the last op already on disk (the image's or the last replayed edit). */
  lastTxid: number;
  /** Called once, with HDFS's words, when the edit log cannot be written. */
  terminate: (message: string) => void;
  /** File operations of the segments (tests inject failures here). */
  io?: EditLogIo;
}

export class EditLog {
  private segment: EditLogFile;
  private lastTxidValue: number;
  private failure: string | null = null;
  /**
   * Every append and every roll goes through this chain in call order. An op's txid is fixed when
   * it is logged, so it must land in the segment that txid belongs to: the old segment if it was
   * logged before a roll, the new one (and only once the old one is durable, so a crash leaves no
   * gap) if after. A chain step only enqueues an append; group commit still batches the syncs.
   */
  private chain: Promise<unknown> = Promise.resolve();

  /** Opens a new segment after `lastTxid` (OP_START_LOG_SEGMENT takes the next txid). */
  constructor(private readonly opts: EditLogOptions) {
    this.lastTxidValue = opts.lastTxid + 1;
    this.segment = EditLogFile.create(opts.currentDir, this.lastTxidValue, opts.io);
  }

  get lastTxid(): number {
    return this.lastTxidValue;
  }

  /** The first txid of the segment being written. */
  get segmentStartTxid(): number {
    return this.segment.startTxid;
  }

  /** Null while the edit log is healthy; HDFS's message once it has failed. */
  get failed(): string | null {
    return this.failure;
  }

  /** Refuses a call once the edit log has failed (the NameNode is terminating). */
  checkWritable(): void {
    if (this.failure !== null) {
      throw new RemoteError('IOException', `The NameNode is shutting down: ${this.failure}`);
    }
  }

  /**
   * Assigns txids in order and makes the ops durable; the caller replies after `durable` resolves.
   * A failure of any kind terminates: the ops are already applied in memory.
   */
  log(pending: readonly PendingOp[]): { ops: EditLogOp[]; durable: Promise<void> } {
    if (pending.length === 0) return { ops: [], durable: Promise.resolve() };
    const ops = pending.map((p) => ({ ...p, txid: ++this.lastTxidValue }) as EditLogOp);
    if (this.failure !== null) {
      return { ops, durable: Promise.reject(new RemoteError('IOException', this.failure)) };
    }
    let written: Promise<void> = Promise.resolve();
    const step = this.chain.then(() => {
      written = this.segment.logSync(ops);
    });
    this.chain = step.catch(() => undefined);
    const durable = step
      .then(() => written)
      .catch((err: unknown) => {
        throw this.fail(err);
      });
    return { ops, durable };
  }

  /** Ends the current segment and opens the next (a roll); resolves to the next segment's first txid. */
  roll(onRolled?: (finalName: string, nextTxid: number) => void): Promise<number> {
    this.checkWritable();
    const endTxid = ++this.lastTxidValue;
    this.lastTxidValue += 1; // OP_START_LOG_SEGMENT of the next segment
    const step = this.chain.then(async () => {
      const finalName = await this.segment.finalize(endTxid);
      this.segment = EditLogFile.create(this.opts.currentDir, endTxid + 1, this.opts.io);
      onRolled?.(finalName, endTxid + 1);
    });
    this.chain = step.catch(() => undefined);
    return step.then(
      () => endTxid + 1,
      (err: unknown) => {
        throw this.fail(err);
      },
    );
  }

  /** Waits for what was logged, then closes the segment without finalizing it (a clean stop). */
  async close(): Promise<void> {
    await this.chain;
    await this.segment.close();
  }

  /** The first failure: remember HDFS's message, tell `terminate` once, fail the call. */
  private fail(err: unknown): RemoteError {
    if (this.failure === null) {
      const cause = err instanceof Error ? err.message : String(err);
      // An op the codec refuses fails while it is written into the stream; a disk error at flush.
      const status = err instanceof RangeError || err instanceof TypeError ? 'write op' : 'flush';
      const stream = path.join(this.opts.currentDir, this.segment.fileName);
      this.failure =
        `Error: ${status} failed for required journal (JournalAndStream(mgr=FileJournalManager(root=${path.dirname(this.opts.currentDir)}), ` +
        `stream=EditLogFileOutputStream(${stream}))): ${cause}`;
      this.opts.terminate(this.failure);
    }
    return new RemoteError('IOException', this.failure);
  }
}
