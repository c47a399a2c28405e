/**
 * Reading a journal as it grows: `lab traffic --follow` and the dashboard poll a JournalTail for
 * the records appended since the last read, from every segment of the journal directory, in time
 * order. Writers flush every JOURNAL_FLUSH_INTERVAL_MS, so a record can reach the disk that long
 * after a later record of another process: the tail holds records back until they are
 * JOURNAL_REORDER_WINDOW_MS old and releases them in causal order (cluster/transport/journal-order.ts),
 * so a response never shows before its request, whatever the two processes' clocks say. A torn last line (a writer mid-append) is kept until its newline arrives; a segment
 * deleted by pruning is forgotten.
 */
import fs from 'node:fs';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { JOURNAL_FLUSH_INTERVAL_MS, TAIL_READ_BYTES_MAX } from '../../cluster/protocol/limits.js';
import { parseJournal } from '../../cluster/transport/journal-reader.js';
import { causalOrder } from '../../cluster/transport/journal-order.js';
import { listSegments, type Segment } from '../../cluster/transport/journal-segments.js';

/**
 * How long the tail holds a record back before releasing it: a writer's flush interval plus room
 * for a busy machine to run the writer's timer late.
 */
export const JOURNAL_REORDER_WINDOW_MS = 4 * JOURNAL_FLUSH_INTERVAL_MS + 100;

interface Position {
  offset: number;
  /** Bytes after the last newline read so far (a line still being written). */
  carry: Buffer;
}

export class JournalTail {
  private readonly positions = new Map<string, Position>();
  /** Records read but not yet old enough to release, in no particular order. */
  private held: JournalRecord[] = [];
  private readonly now: () => number;

  /**
   * `fromStart`: deliver what the journal already holds too; `backBytes`: also deliver up to that
   * many bytes of the end of each writer's newest segment (the first, cut line is skipped);
   * otherwise only what is appended from now. `now`: the clock the reorder window is measured on.
   */
  constructor(
    readonly dir: string,
    options: { fromStart?: boolean; backBytes?: number; now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    if (options.fromStart) return;
    const newest = new Map<string, Segment>();
    for (const s of listSegments(dir)) {
      const seen = newest.get(s.writer);
      if (!seen || seen.seq < s.seq) newest.set(s.writer, s);
    }
    for (const s of listSegments(dir)) {
      const back = newest.get(s.writer) === s ? (options.backBytes ?? 0) : 0;
      const offset = Math.max(0, s.bytes - back);
      this.positions.set(s.name, { offset, carry: Buffer.alloc(0) });
      if (offset > 0 && back > 0) this.skipCutLine(s, offset);
    }
  }

  /** Where the tail starts reading each segment: the history before it is `journalRecords(…, { endBytes })`. */
  startOffsets(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, p] of this.positions) out.set(name, p.offset);
    return out;
  }

  /**
   * The records appended since the last call that are at least JOURNAL_REORDER_WINDOW_MS old, in
   * time order; `all`: every record read, however new (tests, and a last read before exiting).
   */
  read(options: { all?: boolean } = {}): JournalRecord[] {
    const segments = listSegments(this.dir);
    const present = new Set<string>();
    for (const s of segments) {
      present.add(s.name);
      this.readSegment(s);
    }
    for (const name of this.positions.keys()) if (!present.has(name)) this.positions.delete(name);
    if (this.held.length === 0) return [];
    // Each process's records in the order it wrote them, merged by stamp, then causes before
    // effects (a reply after its call whatever the two clocks say).
    this.held = causalOrder(this.held.sort((a, b) => a.t - b.t));
    if (options.all) {
      const out = this.held;
      this.held = [];
      return out;
    }
    // Released in that order up to the first record not yet old enough: a record stamped before
    // the cutoff waits behind a cause stamped after it.
    const cutoff = this.now() - JOURNAL_REORDER_WINDOW_MS;
    let count = 0;
    while (count < this.held.length && this.held[count]!.t <= cutoff) count++;
    return this.held.splice(0, count);
  }

  private readSegment(s: Segment): void {
    let position = this.positions.get(s.name);
    if (!position) {
      position = { offset: 0, carry: Buffer.alloc(0) };
      this.positions.set(s.name, position);
    }
    if (s.bytes <= position.offset) return;
    const length = Math.min(s.bytes - position.offset, TAIL_READ_BYTES_MAX);
    const buf = Buffer.alloc(length);
    let read: number;
    try {
      const fd = fs.openSync(s.file, 'r');
      try {
        read = fs.readSync(fd, buf, 0, length, position.offset);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return; // pruned since the listing
    }
    position.offset += read;
    // Split on the newline byte, not in a string, so a UTF-8 character cut by the read stays whole.
    const bytes = Buffer.concat([position.carry, buf.subarray(0, read)]);
    const cut = bytes.lastIndexOf(0x0a);
    position.carry = Buffer.from(bytes.subarray(cut + 1));
    if (cut >= 0) for (const r of parseJournal(bytes.toString('utf8', 0, cut + 1))) this.held.push(r);
  }

  /** Starting inside a segment: drop the bytes up to the first newline at or after `offset - 1`. */
  private skipCutLine(s: Segment, offset: number): void {
    const position = this.positions.get(s.name)!;
    const probe = Buffer.alloc(Math.min(s.bytes - offset + 1, TAIL_READ_BYTES_MAX));
    try {
      const fd = fs.openSync(s.file, 'r');
      try {
        const read = fs.readSync(fd, probe, 0, probe.length, offset - 1);
        const newline = probe.subarray(0, read).indexOf(0x0a);
        position.offset = newline < 0 ? s.bytes : offset + newline;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // pruned meanwhile: nothing to skip
    }
  }
}
