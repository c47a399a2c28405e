/**
 * Reading a journal as it grows: `lab traffic --follow` and the dashboard poll a JournalTail for
 * the records appended since the last read. A torn last line (a writer mid-append) is kept until
 * its newline arrives; a journal that rolled over (journal.jsonl renamed to journal.1.jsonl and
 * started afresh) is read again from its start.
 */
import fs from 'node:fs';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { parseJournal } from '../../cluster/runtime/journal.js';

/** Bytes read per poll at most, so one poll after a burst cannot allocate without bound. */
export const TAIL_READ_BYTES_MAX = 4 * 1024 * 1024;

export class JournalTail {
  private offset: number;
  /** Bytes after the last newline read so far (a line still being written). */
  private carry: Buffer = Buffer.alloc(0);

  /**
   * `fromStart`: deliver what the journal already holds too; `backBytes`: start that many bytes
   * before the end (the first, cut line is skipped); otherwise only what is appended from now.
   */
  constructor(
    readonly file: string,
    options: { fromStart?: boolean; backBytes?: number } = {},
  ) {
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (options.fromStart) this.offset = 0;
    else this.offset = Math.max(0, size - (options.backBytes ?? 0));
  }

  /** The whole records appended since the last call (none if the file is missing). */
  read(): JournalRecord[] {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return [];
    }
    if (size < this.offset) {
      this.offset = 0; // rolled over
      this.carry = Buffer.alloc(0);
    }
    if (size === this.offset) return [];
    const length = Math.min(size - this.offset, TAIL_READ_BYTES_MAX);
    const buf = Buffer.alloc(length);
    const fd = fs.openSync(this.file, 'r');
    try {
      fs.readSync(fd, buf, 0, length, this.offset);
    } finally {
      fs.closeSync(fd);
    }
    this.offset += length;
    // Split on the newline byte, not in a string, so a UTF-8 character cut by the read stays whole.
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, buf]) : buf;
    const cut = bytes.lastIndexOf(0x0a);
    this.carry = Buffer.from(bytes.subarray(cut + 1));
    return cut < 0 ? [] : parseJournal(bytes.subarray(0, cut + 1).toString('utf8'));
  }
}
