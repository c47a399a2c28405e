/**
 * The journal: one JSON line per frame or state event, written by every process of a cluster into
 * the journal directory `<home>/journal/`. Each process writes only its own segment files,
 * `<proc>-<pid>-<seq>-<startMs>.jsonl`, so no two writers ever share a file and no writer's file is
 * renamed or deleted under it. A segment past JOURNAL_SEGMENT_BYTES_MAX is closed by its writer, which
 * starts the next one and deletes the oldest closed segments of any writer while the directory holds
 * more than JOURNAL_TOTAL_BYTES_MAX or JOURNAL_SEGMENTS_MAX files. Readers merge the segments in time
 * order (./journal-reader.ts). Writes are batched: one write(2) of whole lines at most every
 * JOURNAL_FLUSH_INTERVAL_MS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FrameMessage, JournalFrame, JournalRecord } from '../protocol/journal-types.js';
import {
  JOURNAL_FLUSH_INTERVAL_MS,
  JOURNAL_SEGMENT_BYTES_MAX,
  JOURNAL_SEGMENTS_MAX,
  JOURNAL_TOTAL_BYTES_MAX,
  JOURNAL_PAYLOAD_RAW_BYTES_MAX,
  JOURNAL_RAW_BYTES_MAX,
  JOURNAL_QUOTED_CACHE_ENTRIES_MAX,
  JOURNAL_ENDS_CACHE_CONNECTIONS_MAX,
  JOURNAL_ENDS_PER_CONNECTION_MAX,
} from '../protocol/limits.js';
import type { StateEvent } from '../protocol/messages.js';
import { pruneJournal, segmentFileName } from './journal-segments.js';

/** A frame's connection ends and their JSON (Journal.endsJson). */
interface FrameEnds {
  dir: string;
  ch: string;
  src: string;
  srcAddr: string;
  dst: string;
  dstAddr: string;
  json: string;
  /** `json` as UTF-8, for lines written in place. */
  bytes: Buffer;
}

/** A number as JSON.stringify writes it (non-finite numbers become null). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * A journal time (epoch ms rounded to the microsecond, as nowPrecise gives it) as JSON.stringify
 * writes it, from its integer microseconds: printing a fractional double takes V8 several times
 * longer than printing two integers, and every frame line starts with one. Below
 * TIME_JSON_MICROS_MAX two doubles are less than a microsecond apart, so the three-decimal form
 * (trailing zeros dropped) is the shortest that reads back to the same number: what String(t)
 * prints. Other values take String(t) itself.
 */
export function timeJson(t: number): string {
  return TIME_SCRATCH.toString('latin1', 0, putTime(TIME_SCRATCH, 0, t));
}

/** Room for one time (putTime writes at most 24 characters). */
const TIME_SCRATCH = Buffer.alloc(32);

/** 4e12 ms (the year 2096) in microseconds: below 2^42 ms a double's spacing is under 0.001 ms. */
const TIME_JSON_MICROS_MAX = 4e15;

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
  /**
   * Lines waiting for the next flush, already UTF-8 in one reused buffer (allocated at the first
   * line): a DataNode journals four frames per packet, and encoding each line into place costs far
   * less than joining thousands of strings and encoding the result at every flush.
   */
  private staged: Buffer | null = null;
  private stagedBytes = 0;
  /** Time of the oldest buffered line: the start time in the name of a segment opened for it. */
  private pendingFirstMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private fd: number | null = null;
  /** Sequence number of the segment open (or to be opened next), and its bytes written so far. */
  private seq = 0;
  private segmentBytes = 0;
  private segmentName = '';
  private closed = false;
  private readonly quotedCache = new Map<string, string>();
  private readonly quotedBytesCache = new Map<string, Buffer>();
  /** The JSON of frames' connection ends, by connection id (endsJson). */
  private readonly endsCache = new Map<string, FrameEnds[]>();

  /**
   * `dir`: the journal directory (created if missing), or null for a process that keeps no journal.
   * No file is created until the first record is flushed, so a command that journals nothing leaves
   * nothing behind.
   */
  constructor(
    readonly dir: string | null,
    readonly proc: string,
    readonly limits: JournalLimits = journalLimitsFromEnv(),
  ) {}

  /** The segment file this journal is writing, if one is open (tests and the soak script). */
  get segmentFile(): string | null {
    return this.fd === null || !this.dir ? null : path.join(this.dir, this.segmentName);
  }

  /**
   * Appends one frame record. The line is built by hand rather than by JSON.stringify of a record
   * object: a replication-3 pipeline journals four frames per 64 KB packet on every DataNode, and
   * each line parses back to exactly the record JSON.stringify of the same fields would give. The
   * fields that name the connection's ends are the same for every frame a link sends (or
   * receives), so their JSON is built once per link and direction (endsJson); the base64 of the
   * raw bytes is encoded into the line buffer on its own rather than joined into the line first.
   */
  frame(input: FrameRecordInput): void {
    if (this.closed || this.dir === null) return;
    const t = nowPrecise();
    if (this.framePerPacket(input, t)) return;
    const head =
      `{"k":"frame","t":${timeJson(t)}${this.endsJson(input)}` +
      `,"msg":${this.messageJson(input.msg)},"bytes":${jsonNumber(input.bytes)},"data":${jsonNumber(input.data ?? 0)}`;
    const end = input.op ? `,"op":${this.quoted(input.op)}}\n` : '}\n';
    if (!input.raw) {
      this.appendLine(head + end, t);
      return;
    }
    const kept = Math.min(input.raw.length, rawKeptBytes(input.bytes, input.data ?? 0));
    this.appendLine(`${head},"raw":"`, t, input.raw.toString('base64', 0, kept), `"${end}`);
  }

  /**
   * `,"proc":…,"dir":…,"ch":…,"conn":…,"src":…,"srcAddr":…,"dst":…,"dstAddr":…` of a frame, kept
   * per connection (a link's frames repeat them) and checked field by field, so a frame whose ends
   * differ from the cached ones is never written with them.
   */
  private endsJson(input: FrameRecordInput): string {
    return this.ends(input).json;
  }

  /** The cached ends of a frame (endsJson), their JSON and its bytes. */
  private ends(input: FrameRecordInput): FrameEnds {
    const known = this.endsCache.get(input.conn);
    if (known) {
      for (const e of known) {
        if (
          e.dir === input.dir &&
          e.ch === input.ch &&
          e.src === input.src &&
          e.srcAddr === input.srcAddr &&
          e.dst === input.dst &&
          e.dstAddr === input.dstAddr
        )
          return e;
      }
    }
    const json =
      `,"proc":${this.quoted(this.proc)},"dir":${this.quoted(input.dir)},"ch":${this.quoted(input.ch)}` +
      `,"conn":${this.quoted(input.conn)},"src":${this.quoted(input.src)},"srcAddr":${this.quoted(input.srcAddr)}` +
      `,"dst":${this.quoted(input.dst)},"dstAddr":${this.quoted(input.dstAddr)}`;
    const entry: FrameEnds = {
      dir: input.dir,
      ch: input.ch,
      src: input.src,
      srcAddr: input.srcAddr,
      dst: input.dst,
      dstAddr: input.dstAddr,
      json,
      bytes: Buffer.from(json, 'utf8'),
    };
    if (known && known.length < JOURNAL_ENDS_PER_CONNECTION_MAX) known.push(entry);
    else {
      if (!known && this.endsCache.size >= JOURNAL_ENDS_CACHE_CONNECTIONS_MAX) this.endsCache.clear();
      this.endsCache.set(input.conn, [entry]);
    }
    return entry;
  }

  /** A message that is not a packet or an ack (framePerPacket writes those), as JSON.stringify writes it. */
  private messageJson(msg: FrameMessage): string {
    return JSON.stringify(msg);
  }

  /**
   * The line of a packet or an ack frame (four per packet on a DataNode in a pipeline), written
   * piece by piece into the staging buffer: the same bytes as the string path, without building
   * the line as strings first. At V8's baseline tier, where DataNodes run (DATANODE_V8_TIER_MAX),
   * a packet's line took 6.1-7.2 µs and made 1.7 KB of garbage on the string path, 5.2-5.5 µs and
   * 0.7 KB here (a micro-measurement with process.cpuUsage and the heap's growth, `node
   * --max-opt=1`). False for any other frame, or a line that may not fit the staging buffer: the
   * string path writes those.
   */
  private framePerPacket(input: FrameRecordInput, t: number): boolean {
    const msg = input.msg;
    const isPacket = msg.type === 'packet';
    if (!isPacket && !(msg.type === 'ack' && Array.isArray(msg.replies))) return false;
    const ends = this.ends(input).bytes;
    const block = this.quotedBytes(msg.block);
    const op = input.op ? this.quotedBytes(input.op) : null;
    const replies = isPacket ? NO_REPLIES : msg.replies.map((r) => this.quotedBytes(r));
    const kept = input.raw ? Math.min(input.raw.length, rawKeptBytes(input.bytes, input.data ?? 0)) : -1;
    let bytesMax = LINE_FIXED_BYTES_MAX + ends.length + block.length + (op ? op.length : 0);
    for (const r of replies) bytesMax += r.length + 1;
    if (kept >= 0) bytesMax += Math.ceil(kept / 3) * 4;
    if (bytesMax > FLUSH_BYTES) return false;
    const buf = this.stageFor(bytesMax, t);
    let pos = this.stagedBytes;
    pos = put(buf, pos, LIT_LINE_START);
    pos = putTime(buf, pos, t);
    pos = put(buf, pos, ends);
    pos = put(buf, pos, isPacket ? LIT_PACKET : LIT_ACK);
    pos = put(buf, pos, block);
    pos = put(buf, pos, LIT_SEQNO);
    pos = putNumber(buf, pos, msg.seqno);
    if (msg.type === 'packet') {
      pos = put(buf, pos, LIT_OFFSET);
      pos = putNumber(buf, pos, msg.offset);
      pos = put(buf, pos, LIT_LEN);
      pos = putNumber(buf, pos, msg.len);
      pos = put(buf, pos, msg.last ? LIT_LAST_TRUE : LIT_LAST_FALSE);
      if (msg.sync !== undefined) pos = put(buf, pos, LIT_SYNC);
    } else {
      pos = put(buf, pos, LIT_REPLIES);
      for (let i = 0; i < replies.length; i++) {
        if (i > 0) buf[pos++] = COMMA;
        pos = put(buf, pos, replies[i] as Buffer);
      }
      buf[pos++] = CLOSE_BRACKET;
    }
    pos = put(buf, pos, LIT_BYTES);
    pos = putNumber(buf, pos, input.bytes);
    pos = put(buf, pos, LIT_DATA);
    pos = putNumber(buf, pos, input.data ?? 0);
    if (input.raw && kept >= 0) {
      pos = put(buf, pos, LIT_RAW);
      pos += buf.write(input.raw.toString('base64', 0, kept), pos, 'latin1');
      buf[pos++] = QUOTE;
    }
    if (op) {
      pos = put(buf, pos, LIT_OP);
      pos = put(buf, pos, op);
    }
    pos = put(buf, pos, LIT_LINE_END);
    this.stagedBytes = pos;
    this.scheduleFlush();
    return true;
  }

  /** quoted's literal as UTF-8 bytes. */
  private quotedBytes(text: string): Buffer {
    let out = this.quotedBytesCache.get(text);
    if (out === undefined) {
      out = Buffer.from(this.quoted(text), 'utf8');
      if (this.quotedBytesCache.size >= JOURNAL_QUOTED_CACHE_ENTRIES_MAX) this.quotedBytesCache.clear();
      this.quotedBytesCache.set(text, out);
    }
    return out;
  }

  /** JSON string literals of the few strings every frame repeats (ids, addresses, block labels). */
  private quoted(text: string | undefined): string {
    if (text === undefined) return 'null';
    let out = this.quotedCache.get(text);
    if (out === undefined) {
      out = JSON.stringify(text);
      if (this.quotedCache.size >= JOURNAL_QUOTED_CACHE_ENTRIES_MAX) this.quotedCache.clear();
      this.quotedCache.set(text, out);
    }
    return out;
  }

  event(event: StateEvent, op?: string): void {
    if (this.closed || this.dir === null) return;
    const record: JournalRecord = { k: 'event', t: nowPrecise(), proc: this.proc, event };
    if (op) record.op = op;
    this.appendLine(JSON.stringify(record) + '\n', record.t);
  }

  /**
   * Stages one line: `line`, then optionally `ascii` (base64, one byte per character) and `rest`,
   * written into the buffer one after the other so a long base64 run is never joined first.
   */
  private appendLine(line: string, t: number, ascii = '', rest = ''): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8: a line that may not fit flushes first.
    const bytesMax = (line.length + rest.length) * 3 + ascii.length;
    if (bytesMax > FLUSH_BYTES) {
      // A line bigger than the buffer (a huge event) is written on its own.
      if (this.stagedBytes > 0) this.flush();
      this.pendingFirstMs = t;
      this.writeOut(Buffer.from(line + ascii + rest, 'utf8'), t);
      return;
    }
    const staged = this.stageFor(bytesMax, t);
    this.stagedBytes += staged.write(line, this.stagedBytes, 'utf8');
    if (ascii) this.stagedBytes += staged.write(ascii, this.stagedBytes, 'latin1');
    if (rest) this.stagedBytes += staged.write(rest, this.stagedBytes, 'utf8');
    this.scheduleFlush();
  }

  /**
   * The staging buffer, with room for a line of at most `bytesMax` bytes (at most FLUSH_BYTES) at
   * stagedBytes: what is staged is flushed first when it might not fit.
   */
  private stageFor(bytesMax: number, t: number): Buffer {
    if (this.stagedBytes > 0 && this.stagedBytes + bytesMax > FLUSH_BYTES) this.flush();
    if (this.stagedBytes === 0) this.pendingFirstMs = t;
    this.staged ??= Buffer.allocUnsafe(FLUSH_BYTES);
    return this.staged;
  }

  private scheduleFlush(): void {
    if (!this.timer) {
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
    if (this.dir === null || this.stagedBytes === 0 || !this.staged) return;
    const bytes = this.staged.subarray(0, this.stagedBytes);
    this.stagedBytes = 0;
    this.writeOut(bytes, this.pendingFirstMs);
  }

  /** Appends whole lines to the open segment (opening one for lines from `firstMs` if none is). */
  private writeOut(bytes: Buffer, firstMs: number): void {
    if (this.dir === null) return;
    try {
      if (this.fd === null) this.openSegment(firstMs);
      // Synchronous, so the staging buffer may take new lines as soon as this returns.
      fs.writeSync(this.fd!, bytes);
      this.segmentBytes += bytes.length;
      if (this.segmentBytes >= this.limits.segmentBytesMax) this.closeSegment();
    } catch {
      // A journal that cannot be written must not take the process down; viewers will miss lines.
      // The segment is given up so the next flush starts a fresh one (the disk may have room again).
      this.closeSegment();
    }
  }

  /** Opens the next segment (this writer's only open file) and trims the directory to its limits. */
  private openSegment(firstMs: number): void {
    const dir = this.dir!;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.seq += 1;
    this.segmentName = segmentFileName({
      proc: this.proc,
      pid: process.pid,
      seq: this.seq,
      startMs: Math.floor(firstMs),
    });
    this.fd = fs.openSync(path.join(dir, this.segmentName), 'a', 0o600);
    this.segmentBytes = 0;
    pruneJournal(dir, {
      keep: this.segmentName,
      totalBytesMax: this.limits.totalBytesMax,
      segmentsMax: this.limits.segmentsMax,
    });
  }

  private closeSegment(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed or the disk is gone: nothing more to do for this segment.
    }
    this.fd = null;
  }

  close(): void {
    this.flush();
    this.closed = true;
    this.closeSegment();
  }
}

export interface JournalLimits {
  segmentBytesMax: number;
  totalBytesMax: number;
  segmentsMax: number;
}

/**
 * The limits from limits.ts, unless LAB_JOURNAL_SEGMENT_BYTES / LAB_JOURNAL_TOTAL_BYTES name others
 * (whole bytes): the soak test rolls a real cluster's journal many times with tiny segments, and
 * every process of a cluster inherits the environment of the `lab start` that launched it.
 */
export function journalLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): JournalLimits {
  const bytes = (text: string | undefined, fallback: number): number =>
    text !== undefined && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : fallback;
  return {
    segmentBytesMax: bytes(env.LAB_JOURNAL_SEGMENT_BYTES, JOURNAL_SEGMENT_BYTES_MAX),
    totalBytesMax: bytes(env.LAB_JOURNAL_TOTAL_BYTES, JOURNAL_TOTAL_BYTES_MAX),
    segmentsMax: JOURNAL_SEGMENTS_MAX,
  };
}

/** Buffered bytes (the staging buffer's size) that make a writer flush at once rather than wait for its timer. */
const FLUSH_BYTES = 256 * 1024;

/** The literal pieces of a packet's or an ack's line (Journal.framePerPacket). */
const LIT_LINE_START = Buffer.from('{"k":"frame","t":', 'latin1');
const LIT_PACKET = Buffer.from(',"msg":{"type":"packet","block":', 'latin1');
const LIT_ACK = Buffer.from(',"msg":{"type":"ack","block":', 'latin1');
const LIT_SEQNO = Buffer.from(',"seqno":', 'latin1');
const LIT_OFFSET = Buffer.from(',"offset":', 'latin1');
const LIT_LEN = Buffer.from(',"len":', 'latin1');
const LIT_LAST_TRUE = Buffer.from(',"last":true', 'latin1');
const LIT_LAST_FALSE = Buffer.from(',"last":false', 'latin1');
const LIT_SYNC = Buffer.from(',"sync":true', 'latin1');
const LIT_REPLIES = Buffer.from(',"replies":[', 'latin1');
const LIT_BYTES = Buffer.from('},"bytes":', 'latin1');
const LIT_DATA = Buffer.from(',"data":', 'latin1');
const LIT_RAW = Buffer.from(',"raw":"', 'latin1');
const LIT_OP = Buffer.from(',"op":', 'latin1');
const LIT_LINE_END = Buffer.from('}\n', 'latin1');
const NO_REPLIES: readonly Buffer[] = [];
const COMMA = 0x2c;
const QUOTE = 0x22;
const CLOSE_BRACKET = 0x5d;
/**
 * Bytes of a packet's or an ack's line besides its ends, block, op, replies and raw bytes: the
 * literals above (under 200 bytes) and six numbers of at most 24 characters each (a time, seqno,
 * offset, len, bytes, data).
 */
const LINE_FIXED_BYTES_MAX = 200 + 6 * 24;

function put(buf: Buffer, pos: number, bytes: Uint8Array): number {
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/**
 * A number as JSON.stringify writes it: integers below SMALL_INTEGER_END digit by digit, others
 * through String. The digit arithmetic stays on small integers (exact divisions, remainders), which
 * V8's baseline tier computes without allocating a heap number for each step.
 */
function putNumber(buf: Buffer, pos: number, n: number): number {
  if (Number.isInteger(n) && n > -SMALL_INTEGER_END && n < SMALL_INTEGER_END) {
    if (n >= 0) return putDigits(buf, pos, n, 0);
    buf[pos] = 0x2d;
    return putDigits(buf, pos + 1, -n, 0);
  }
  return pos + buf.write(jsonNumber(n), pos, 'latin1');
}

/** putDigits takes integers below this (1e9: small integers for V8, whose Smis reach 2^30). */
const SMALL_INTEGER_END = 1e9;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/** The decimal digits of an integer in [0, 1e9), at least `width` of them (zeros in front). */
function putDigits(buf: Buffer, pos: number, n: number, width: number): number {
  let digits = 1;
  while (digits < POWERS_OF_TEN.length && n >= (POWERS_OF_TEN[digits] as number)) digits++;
  const end = pos + (digits > width ? digits : width);
  let at = end;
  let v = n | 0;
  while (at > pos) {
    const digit = v % 10;
    buf[--at] = 0x30 + digit;
    v = (v - digit) / 10;
  }
  return end;
}

/** A time as timeJson says, written into `buf` at `pos`; returns the position after it. */
function putTime(buf: Buffer, pos: number, t: number): number {
  const micros = Math.round(t * 1000);
  if (!Number.isSafeInteger(micros) || micros < 0 || micros > TIME_JSON_MICROS_MAX)
    return pos + buf.write(jsonNumber(t), pos, 'latin1');
  // Split below 1e9 (putDigits' range): the whole milliseconds are high · 1e6 + lowMs.
  // `| 0` makes them small integers: arithmetic on a heap number (micros) gives heap numbers.
  const low = (micros % SMALL_INTEGER_END) | 0;
  const high = ((micros - low) / SMALL_INTEGER_END) | 0;
  let frac = low % 1000;
  const lowMs = (low - frac) / 1000;
  let at = high > 0 ? putDigits(buf, putDigits(buf, pos, high, 0), lowMs, 6) : putDigits(buf, pos, lowMs, 0);
  if (frac === 0) return at;
  let digits = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  buf[at++] = 0x2e;
  return putDigits(buf, at, frac, digits);
}

export { parseJournal, readJournal } from './journal-reader.js';

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

/** One end of an RPC connection, as a journaled frame names it. */
export interface RpcEnd {
  name: string;
  addr: string;
}

/**
 * Journals an RPC frame seen at `ours` (client or server alike): `send` goes from ours to theirs,
 * `recv` the other way; `conn` names the connection as its client end sees it (client->server).
 */
export function journalRpcFrame(
  journal: Journal,
  frame: {
    dir: 'send' | 'recv';
    conn: string;
    ours: RpcEnd;
    theirs: RpcEnd;
    msg: FrameMessage;
    raw: Buffer;
    opId?: string | undefined;
  },
): void {
  const [src, dst] = frame.dir === 'send' ? [frame.ours, frame.theirs] : [frame.theirs, frame.ours];
  journal.frame({
    dir: frame.dir,
    ch: 'rpc',
    conn: frame.conn,
    src: src.name,
    srcAddr: src.addr,
    dst: dst.name,
    dstAddr: dst.addr,
    msg: frame.msg,
    bytes: frame.raw.length,
    raw: frame.raw,
    ...(frame.opId ? { op: frame.opId } : {}),
  });
}
