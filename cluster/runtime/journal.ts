/**
 * The journal: one JSON line per frame or state event, appended by every process of a cluster
 * to `<home>/journal.jsonl`. Writes are batched (one write(2) of whole lines at most every
 * JOURNAL_FLUSH_INTERVAL_MS) and the file is opened O_APPEND, so lines of different processes
 * never interleave.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FrameMessage, JournalFrame, JournalRecord } from '../protocol/journal-types.js';
import {
  JOURNAL_FILE_BYTES_MAX,
  JOURNAL_FLUSH_INTERVAL_MS,
  JOURNAL_PAYLOAD_RAW_BYTES_MAX,
  JOURNAL_RAW_BYTES_MAX,
} from '../protocol/limits.js';
import type { StateEvent } from '../protocol/messages.js';

export const JOURNAL_FILE = 'journal.jsonl';

/** Quoted strings a journal keeps for reuse: a cluster's ids, addresses and open blocks fit easily. */
const QUOTED_CACHE_ENTRIES_MAX = 4096;

/** A number as JSON.stringify writes it (non-finite numbers become null). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Epoch ms with a microsecond fraction, monotonic within a process. */
export function nowPrecise(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

/** What a process says about a frame; the journal adds when, who wrote it, and the bytes kept. */
export type FrameRecordInput = Omit<JournalFrame, 'k' | 't' | 'proc' | 'data' | 'hex' | 'raw'> & {
  data?: number;
  /**
   * The frame's bytes as on the wire, whole. The journal keeps what rawKeptBytes says. Pass them on
   * the side that should show them in `lab traffic -X`: the sending side, or the receiving side of a
   * frame from a peer that keeps no journal (a real Hadoop client).
   */
  raw?: Buffer;
};

/**
 * How many of a frame's bytes the journal keeps: all of them up to JOURNAL_RAW_BYTES_MAX, except
 * that of the `data` payload bytes at the end of a frame only the first
 * JOURNAL_PAYLOAD_RAW_BYTES_MAX are kept (headers and checksums stay whole).
 */
export function rawKeptBytes(frameBytes: number, dataBytes: number): number {
  const payloadKept = Math.min(Math.max(dataBytes, 0), JOURNAL_PAYLOAD_RAW_BYTES_MAX);
  const headBytes = Math.max(frameBytes - Math.max(dataBytes, 0), 0);
  return Math.min(frameBytes, headBytes + payloadKept, JOURNAL_RAW_BYTES_MAX);
}

export class Journal {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private fd: number | null;
  private closed = false;
  private readonly quotedCache = new Map<string, string>();

  constructor(
    readonly file: string | null,
    readonly proc: string,
  ) {
    this.fd = file ? fs.openSync(file, 'a') : null;
  }

  /**
   * Appends one frame record. The line is built by hand rather than by JSON.stringify of a record
   * object: a replication-3 pipeline journals four frames per 64 KB packet on every DataNode, and
   * each line parses back to exactly the record JSON.stringify of the same fields would give.
   */
  frame(input: FrameRecordInput): void {
    if (this.closed || this.fd === null) return;
    let line =
      `{"k":"frame","t":${jsonNumber(nowPrecise())},"proc":${this.quoted(this.proc)}` +
      `,"dir":${this.quoted(input.dir)},"ch":${this.quoted(input.ch)},"conn":${this.quoted(input.conn)}` +
      `,"src":${this.quoted(input.src)},"srcAddr":${this.quoted(input.srcAddr)}` +
      `,"dst":${this.quoted(input.dst)},"dstAddr":${this.quoted(input.dstAddr)}` +
      `,"msg":${this.messageJson(input.msg)},"bytes":${jsonNumber(input.bytes)},"data":${jsonNumber(input.data ?? 0)}`;
    if (input.raw) {
      const kept = Math.min(input.raw.length, rawKeptBytes(input.bytes, input.data ?? 0));
      line += `,"raw":"${input.raw.toString('base64', 0, kept)}"`;
    }
    if (input.op) line += `,"op":${this.quoted(input.op)}`;
    this.appendLine(line + '}\n');
  }

  /** Packets and acks, the per-packet messages, by hand in their field order; the rest by JSON.stringify. */
  private messageJson(msg: FrameMessage): string {
    if (msg.type === 'packet') {
      return (
        `{"type":"packet","block":${this.quoted(msg.block)},"seqno":${jsonNumber(msg.seqno)}` +
        `,"offset":${jsonNumber(msg.offset)},"len":${jsonNumber(msg.len)},"last":${msg.last ? 'true' : 'false'}}`
      );
    }
    if (msg.type === 'ack' && Array.isArray(msg.replies)) {
      let replies = '';
      for (const reply of msg.replies) replies += (replies ? ',' : '') + this.quoted(reply);
      return `{"type":"ack","block":${this.quoted(msg.block)},"seqno":${jsonNumber(msg.seqno)},"replies":[${replies}]}`;
    }
    return JSON.stringify(msg);
  }

  /** JSON string literals of the few strings every frame repeats (ids, addresses, block labels). */
  private quoted(text: string | undefined): string {
    if (text === undefined) return 'null';
    let out = this.quotedCache.get(text);
    if (out === undefined) {
      out = JSON.stringify(text);
      if (this.quotedCache.size >= QUOTED_CACHE_ENTRIES_MAX) this.quotedCache.clear();
      this.quotedCache.set(text, out);
    }
    return out;
  }

  event(event: StateEvent, op?: string): void {
    const record: JournalRecord = { k: 'event', t: nowPrecise(), proc: this.proc, event };
    if (op) record.op = op;
    this.append(record);
  }

  private append(record: JournalRecord): void {
    if (this.closed || this.fd === null) return;
    this.appendLine(JSON.stringify(record) + '\n');
  }

  private appendLine(line: string): void {
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
