/**
 * The one way to read a journal: every segment of the journal directory merged into time order
 * (readJournal then moves what two processes' clocks put out of causal order, ./journal-order.ts).
 * Each writer's segments hold its records in time order already (a process's clock is monotonic
 * and it appends in the order it records), so the merge is a k-way merge of one stream per writer,
 * opened only when the merge reaches the writer's first record. `sinceMs` skips whole segments by
 * their time range (name and mtime) and binary-searches the first one it needs, so reading the last
 * minutes of a 1 GB journal touches a few MB.
 */
import fs from 'node:fs';
import { MinHeap } from '../common/min-heap.js';
import type { JournalRecord } from '../protocol/journal-types.js';
import { causalOrder } from './journal-order.js';
import { listSegments, type Segment } from './journal-segments.js';

/** Bytes read from a segment at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Below this span the search for a time switches from bisecting to reading lines in order. */
const SEEK_LINEAR_BYTES = 256 * 1024;
/** Bytes read to find one whole line at a bisection point: longer than any record the journal writes. */
const SEEK_PROBE_BYTES = 256 * 1024;

export interface JournalReadOptions {
  /** Only records at or after this epoch ms. */
  sinceMs?: number;
  /** Only records at or before this epoch ms. */
  untilMs?: number;
  /**
   * Read each segment only up to this many bytes (by segment name), and no segment not named:
   * `lab traffic --follow` reads the history up to where its tail starts, and the tail the rest.
   */
  endBytes?: ReadonlyMap<string, number>;
  /** A cheap test on the raw line before it is parsed (`lab traffic` drops receive-side lines). */
  lineFilter?: (line: string) => boolean;
}

/** Parse journal text into records, skipping a torn last line (a writer may be mid-append). */
export function parseJournal(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    const record = parseLine(line);
    if (record) out.push(record);
  }
  return out;
}

export function parseLine(line: string): JournalRecord | null {
  if (!line) return null;
  try {
    return JSON.parse(line) as JournalRecord;
  } catch {
    return null; // torn or foreign line
  }
}

/**
 * All records of a journal directory (or of one journal file), in time order as far as cause and
 * effect allow (./journal-order.ts: a reply never before its call, a receive never before its
 * send, whatever the processes' clocks say).
 */
export function readJournal(journal: string, options: JournalReadOptions = {}): JournalRecord[] {
  return causalOrder([...journalRecords(journal, options)]);
}

/** The records of a journal directory (or of one journal file), in time order, one at a time. */
export function* journalRecords(journal: string, options: JournalReadOptions = {}): Generator<JournalRecord> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(journal);
  } catch {
    return;
  }
  if (stat.isFile()) {
    // A single file (tests, or a journal kept from before segments): its lines may be out of order.
    const records = parseJournal(fs.readFileSync(journal, 'utf8')).filter((r) => inRange(r.t, options));
    yield* records.sort((a, b) => a.t - b.t);
    return;
  }
  yield* mergeSegments(listSegments(journal), options);
}

function inRange(t: number, options: JournalReadOptions): boolean {
  return (
    (options.sinceMs === undefined || t >= options.sinceMs) &&
    (options.untilMs === undefined || t <= options.untilMs)
  );
}

/** One writer's segments in order, read as one stream of records. */
class WriterStream {
  private index = 0;
  private lines: SegmentLines | null = null;
  head: JournalRecord | null = null;

  constructor(
    private readonly segments: Segment[],
    private readonly options: JournalReadOptions,
    readonly order: number,
  ) {}

  get startMs(): number {
    return this.segments[0]!.startMs;
  }

  /** Moves `head` to the next record in range; false when the writer has no more. */
  advance(): boolean {
    for (;;) {
      if (!this.lines) {
        const segment = this.segments[this.index++];
        if (!segment) return false;
        const end = Math.min(segment.bytes, this.options.endBytes?.get(segment.name) ?? segment.bytes);
        const start =
          this.options.sinceMs === undefined ? 0 : offsetOfTime(segment.file, this.options.sinceMs, end);
        this.lines = new SegmentLines(segment.file, start, end);
      }
      const line = this.lines.next();
      if (line === null) {
        this.lines = null;
        continue;
      }
      if (this.options.lineFilter && !this.options.lineFilter(line)) continue;
      const record = parseLine(line);
      if (!record || typeof record.t !== 'number') continue;
      if (this.options.sinceMs !== undefined && record.t < this.options.sinceMs) continue;
      if (this.options.untilMs !== undefined && record.t > this.options.untilMs) {
        this.segments.length = 0; // every later record is later still
        this.lines = null;
        return false;
      }
      this.head = record;
      return true;
    }
  }
}

function* mergeSegments(all: Segment[], options: JournalReadOptions): Generator<JournalRecord> {
  const segments = all.filter(
    (s) =>
      (options.endBytes === undefined || options.endBytes.has(s.name)) &&
      (options.sinceMs === undefined || s.mtimeMs >= options.sinceMs) &&
      (options.untilMs === undefined || s.startMs <= options.untilMs),
  );
  const byWriter = new Map<string, Segment[]>();
  for (const s of segments) {
    const list = byWriter.get(s.writer);
    if (list) list.push(s);
    else byWriter.set(s.writer, [s]);
  }
  // Writers not started yet, earliest first; the merge opens one when it reaches its start time.
  const waiting = [...byWriter.values()]
    .map(
      (list, i) =>
        new WriterStream(
          list.sort((a, b) => a.seq - b.seq),
          options,
          i,
        ),
    )
    .sort((a, b) => a.startMs - b.startMs || a.order - b.order);
  const heap = streamHeap();
  let next = 0;
  for (;;) {
    // Open every writer that may have a record before the heap's earliest.
    while (next < waiting.length && (heap.size === 0 || waiting[next]!.startMs <= heap.peek()!.head!.t)) {
      const stream = waiting[next++]!;
      if (stream.advance()) heap.push(stream);
    }
    const stream = heap.pop();
    if (!stream) return;
    yield stream.head!;
    if (stream.advance()) heap.push(stream);
  }
}

/** Streams by their head record's time, then writer order (a stable merge). */
function streamHeap(): MinHeap<WriterStream> {
  return new MinHeap<WriterStream>((a, b) => {
    const ta = a.head!.t;
    const tb = b.head!.t;
    return ta < tb || (ta === tb && a.order < b.order);
  });
}

/**
 * The whole lines of a file between two byte offsets (`start` at a line start), read in chunks. A
 * last line without its newline (a writer mid-append) is not returned.
 */
export class SegmentLines {
  private fd: number | null;
  private position: number;
  private buffer = Buffer.alloc(0);
  private cursor = 0;

  constructor(
    file: string,
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
    try {
      this.fd = fs.openSync(file, 'r');
    } catch {
      this.fd = null; // deleted by pruning since it was listed
    }
  }

  next(): string | null {
    for (;;) {
      const newline = this.buffer.indexOf(0x0a, this.cursor);
      if (newline >= 0) {
        const line = this.buffer.toString('utf8', this.cursor, newline);
        this.cursor = newline + 1;
        return line;
      }
      if (!this.fill()) {
        this.close();
        return null;
      }
    }
  }

  /** Reads the next chunk after what is left of the buffer; false at the end. */
  private fill(): boolean {
    if (this.fd === null || this.position >= this.end) return false;
    const length = Math.min(READ_CHUNK_BYTES, this.end - this.position);
    const rest = this.buffer.subarray(this.cursor);
    const chunk = Buffer.allocUnsafe(rest.length + length);
    rest.copy(chunk, 0);
    let read: number;
    try {
      read = fs.readSync(this.fd, chunk, rest.length, length, this.position);
    } catch {
      read = 0;
    }
    if (read <= 0) return false;
    this.position += read;
    this.buffer = chunk.subarray(0, rest.length + read);
    this.cursor = 0;
    return true;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * The offset of the first line of `file` (within its first `end` bytes) whose record is at or after
 * `sinceMs`, by bisection over line starts: the segment's records are in time order.
 */
export function offsetOfTime(file: string, sinceMs: number, end: number): number {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return 0;
  }
  try {
    // Invariants: every line starting before `lo` is earlier than sinceMs; every line starting at or
    // after `hi` is not.
    let lo = 0;
    let hi = end;
    const probe = Buffer.allocUnsafe(SEEK_PROBE_BYTES);
    while (hi - lo > SEEK_LINEAR_BYTES) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const found = lineAfter(fd, probe, mid, end);
      if (!found || found.start >= hi) {
        hi = mid;
        continue;
      }
      if (found.t < sinceMs) lo = found.next;
      else hi = found.start;
    }
    // Finish with lines in order from `lo`.
    const lines = new SegmentLines(file, lo, end);
    let offset = lo;
    for (let line = lines.next(); line !== null; line = lines.next()) {
      const record = parseLine(line);
      if (record && record.t >= sinceMs) break;
      offset += Buffer.byteLength(line) + 1;
    }
    lines.close();
    return offset;
  } finally {
    fs.closeSync(fd);
  }
}

/** The first whole line starting after byte `at - 1`: its start, the next line's start, its time. */
function lineAfter(
  fd: number,
  probe: Buffer,
  at: number,
  end: number,
): { start: number; next: number; t: number } | null {
  const from = at - 1; // the byte before `at` tells whether a line starts at `at`
  const length = Math.min(probe.length, end - from);
  const read = fs.readSync(fd, probe, 0, length, from);
  const first = probe.subarray(0, read).indexOf(0x0a);
  if (first < 0) return null;
  const newline = probe.subarray(0, read).indexOf(0x0a, first + 1);
  if (newline < 0) return null;
  const record = parseLine(probe.toString('utf8', first + 1, newline));
  if (!record || typeof record.t !== 'number') return null;
  return { start: from + first + 1, next: from + newline + 1, t: record.t };
}
