/**
 * The journal of a real seeded run (recorded.journal.jsonl, written by `npm run record-traffic`:
 * record.ts): a put and a get of a 1.5 MB /a.txt on three DataNodes over two racks (block size
 * 1 MB, replication 2), a DataNode killed and its blocks re-replicated, and `lab checkpoint`.
 */
import path from 'node:path';
import type { JournalRecord } from '../../../cluster/protocol/journal-types.js';
import { readJournal } from '../../../cluster/transport/journal-reader.js';

export const RECORDED_JOURNAL_FILE = path.join(import.meta.dirname, 'recorded.journal.jsonl');

let recorded: readonly JournalRecord[] | undefined;

/** The recorded journal's records in time order (a fresh array; the records are shared). */
export function recordedJournal(): JournalRecord[] {
  recorded ??= readJournal(RECORDED_JOURNAL_FILE);
  return [...recorded];
}
