/**
 * The NameNode's edit-log writer: the core's ops go into the edit log in txid order, each one
 * journaled, and the core is told the last txid written; a roll writes seen_txid for the next
 * segment. When the edit log cannot be written the NameNode terminates as ExitUtil does, after
 * its refused calls' replies have had a moment to leave.
 */
import type { NameNodeCore } from '../namenode/namenode.js';
import type { PendingOp } from '../namenode/editlog/ops.js';
import type { Journal } from '../transport/journal.js';
import { EditLog } from './edit-log.js';
import { failingWhileExists } from './edit-log-file.js';
import { currentDir, writeSeenTxid } from './name-storage.js';
import { EDIT_LOG_FAILURE_EXIT_GRACE_MS } from '../protocol/limits.js';

export class NameNodeEdits {
  private readonly editLog: EditLog;

  constructor(
    private readonly opts: {
      nameDir: string;
      lastTxid: number;
      core: NameNodeCore;
      journal: Journal;
      /** ExitUtil.terminate: how the process stops when its edit log cannot be written. */
      terminate: (code: number) => void;
    },
  ) {
    const { journal } = opts;
    this.editLog = new EditLog({
      currentDir: currentDir(opts.nameDir),
      lastTxid: opts.lastTxid,
      terminate: (message) => {
        // ExitUtil.terminate: say why where the student will look (the log and the journal), then exit.
        console.error(message);
        console.error(`ExitUtil: Exiting with status 1: ${message}`);
        journal.event({ type: 'log', level: 'error', text: message });
        journal.event({ type: 'process-stopping', reason: message });
        journal.flush();
        // Every call is refused from now on; the short wait lets the failed calls' replies (which
        // carry this message) reach their clients before the process goes.
        setTimeout(() => opts.terminate(1), EDIT_LOG_FAILURE_EXIT_GRACE_MS);
      },
      ...(process.env.LAB_FAULT_EDITLOG_FAIL_FILE
        ? { io: failingWhileExists(process.env.LAB_FAULT_EDITLOG_FAIL_FILE) }
        : {}),
    });
    opts.core.noteLastTxid(this.editLog.lastTxid);
    writeSeenTxid(opts.nameDir, this.editLog.segmentStartTxid);
  }

  /** Refuses a call once the edit log has failed (the NameNode is terminating). */
  checkWritable(): void {
    this.editLog.checkWritable();
  }

  /** Logs the ops (txids assigned in order) and resolves once they are durable. */
  log(pending: PendingOp[], opId?: string): Promise<void> {
    const { ops, durable } = this.editLog.log(pending);
    this.opts.core.noteLastTxid(this.editLog.lastTxid);
    for (const op of ops) {
      const path = 'path' in op ? op.path : 'src' in op ? op.src : undefined;
      this.opts.journal.event(
        { type: 'edit-logged', txid: op.txid, op: op.op, ...(path ? { path } : {}) },
        opId,
      );
    }
    return durable;
  }

  /** Ends the current segment and opens the next (a roll); resolves to the new segment's first txid. */
  roll(): Promise<number> {
    const next = this.editLog.roll((finalName, nextTxid) => {
      writeSeenTxid(this.opts.nameDir, nextTxid);
      this.opts.journal.event({ type: 'edits-rolled', segment: finalName, nextTxid });
    });
    this.opts.core.noteLastTxid(this.editLog.lastTxid);
    return next;
  }

  /** Waits for what was logged, then closes the segment (a clean stop). */
  close(): Promise<void> {
    return this.editLog.close();
  }
}
