/**
 * The journal: one JSON line per frame or state event, appended by every process of a cluster
 * to `<home>/journal.jsonl`. Writes are batched (one write(2) of whole lines at most every
 * JOURNAL_FLUSH_INTERVAL_MS) and the file is opened O_APPEND, so lines of different processes
 * never interleave.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Channel, FrameMessage, JournalRecord } from '../protocol/journal-types.js';
import {
  JOURNAL_FILE_BYTES_MAX,
  JOURNAL_FLUSH_INTERVAL_MS,
  JOURNAL_HEX_BYTES_MAX,
} from '../protocol/limits.js';
import type { StateEvent } from '../protocol/messages.js';

export const JOURNAL_FILE = 'journal.jsonl';

/** Epoch ms with a microsecond fraction, monotonic within a process. */
export function nowPrecise(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

export interface FrameRecordInput {
  dir: 'send' | 'recv';
  ch: Channel;
  conn: string;
  src: string;
  srcAddr: string;
  dst: string;
  dstAddr: string;
  msg: FrameMessage;
  bytes: number;
  data?: number;
  /** The frame's bytes; the first JOURNAL_HEX_BYTES_MAX go to the journal on the send side. */
  raw?: Buffer;
  op?: string;
}

export class Journal {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private fd: number | null;
  private closed = false;

  constructor(
    readonly file: string | null,
    readonly proc: string,
  ) {
    this.fd = file ? fs.openSync(file, 'a') : null;
  }

  frame(input: FrameRecordInput): void {
    const record: JournalRecord = {
      k: 'frame',
      t: nowPrecise(),
      proc: this.proc,
      dir: input.dir,
      ch: input.ch,
      conn: input.conn,
      src: input.src,
      srcAddr: input.srcAddr,
      dst: input.dst,
      dstAddr: input.dstAddr,
      msg: input.msg,
      bytes: input.bytes,
      data: input.data ?? 0,
    };
    if (input.dir === 'send' && input.raw) {
      record.hex = input.raw.subarray(0, JOURNAL_HEX_BYTES_MAX).toString('hex');
    }
    if (input.op) record.op = input.op;
    this.append(record);
  }

  event(event: StateEvent, op?: string): void {
    const record: JournalRecord = { k: 'event', t: nowPrecise(), proc: this.proc, event };
    if (op) record.op = op;
    this.append(record);
  }

  private append(record: JournalRecord): void {
    if (this.closed || this.fd === null) return;
    const line = JSON.stringify(record) + '\n';
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes > 256 * 1024) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), JOURNAL_FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Write everything buffered now (synchronously: also safe in exit handlers). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.fd === null || this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      fs.writeSync(this.fd, text);
      this.rollIfLarge();
    } catch {
      // A journal that cannot be written must not take the process down; viewers will miss lines.
    }
  }

  private rollIfLarge(): void {
    if (this.fd === null || !this.file) return;
    const size = fs.fstatSync(this.fd).size;
    if (size < JOURNAL_FILE_BYTES_MAX) return;
    try {
      fs.renameSync(this.file, this.file.replace(/\.jsonl$/, '.1.jsonl'));
    } catch {
      // Another process rolled it first.
    }
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a');
  }

  close(): void {
    this.flush();
    this.closed = true;
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** Parse journal text into records, skipping a torn last line (a writer may be mid-append). */
export function parseJournal(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      // torn or foreign line
    }
  }
  return out;
}

export function readJournal(file: string): JournalRecord[] {
  if (!fs.existsSync(file)) return [];
  return parseJournal(fs.readFileSync(file, 'utf8'));
}

/** Shrink large arrays in logged params (block reports) to a count, so the journal stays small. */
export function compactForJournal(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (value.length > 16 || depth > 3) return { count: value.length };
    return value.map((v) => compactForJournal(v, depth + 1));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = compactForJournal(v, depth + 1);
    return out;
  }
  return value;
}
