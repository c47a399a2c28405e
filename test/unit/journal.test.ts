/**
 * The journal's segments: one writer per file, rolled by its writer, merged in time order on read,
 * the directory kept under its limits by deleting the oldest closed segments only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { Journal, rawKeptBytes, timeJson, type JournalLimits } from '../../cluster/transport/journal.js';
import { journalRecords, offsetOfTime, readJournal } from '../../cluster/transport/journal-reader.js';
import {
  closedSegments,
  listSegments,
  parseSegmentName,
  pruneJournal,
} from '../../cluster/transport/journal-segments.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tiny: JournalLimits = { segmentBytesMax: 4096, totalBytesMax: 1 << 30, segmentsMax: 10_000 };
const log = (journal: Journal, text: string): void =>
  journal.event({ type: 'log', level: 'info', text }, undefined);
const texts = (records: JournalRecord[]): string[] =>
  records.map((r) => (r.k === 'event' && r.event.type === 'log' ? r.event.text : '?'));
/** A pid no process has: segments of it are closed. */
const DEAD_PID = 4_194_303;

describe('Journal writer', () => {
  it('creates nothing until it has a record to write', () => {
    const journal = new Journal(path.join(dir, 'journal'), 'client', tiny);
    journal.close();
    expect(fs.existsSync(path.join(dir, 'journal'))).toBe(false);
  });

  it('writes only its own segments and rolls them itself, losing no record', () => {
    const journal = new Journal(dir, 'dn1', tiny);
    for (let i = 0; i < 500; i++) {
      log(journal, `record ${i}`);
      if (i % 20 === 19) journal.flush();
    }
    journal.close();
    const segments = listSegments(dir);
    expect(segments.length).toBeGreaterThan(5);
    for (const s of segments) {
      expect(s.proc).toBe('dn1');
      expect(s.pid).toBe(process.pid);
      // Whole lines only, and no segment far past the roll size (one flush may overshoot it).
      expect(fs.readFileSync(s.file, 'utf8').endsWith('\n')).toBe(true);
      expect(s.bytes).toBeLessThan(tiny.segmentBytesMax * 2);
    }
    expect(segments.map((s) => s.seq)).toEqual(segments.map((_, i) => i + 1));
    expect(texts(readJournal(dir))).toEqual(Array.from({ length: 500 }, (_, i) => `record ${i}`));
  });

  it('keeps every record whole and in order across flushes: non-ASCII text and a record bigger than the buffer', () => {
    const journal = new Journal(dir, 'dn1');
    const big = `big ${'é'.repeat(200_000)}`;
    const sent = [
      ...Array.from({ length: 300 }, (_, i) => `/données/fichier-${i} ✓ ${'x'.repeat(i * 7)}`),
      big,
      'after the big one',
    ];
    for (const text of sent) log(journal, text);
    journal.close();
    expect(texts(readJournal(dir))).toEqual(sent);
  });

  it('names a segment after its first record, so readers can skip by time without opening it', () => {
    const journal = new Journal(dir, 'nn', tiny);
    log(journal, 'first');
    journal.close();
    const [segment] = listSegments(dir);
    const [record] = readJournal(dir);
    expect(segment!.startMs).toBe(Math.floor(record!.t));
    expect(parseSegmentName(segment!.name)).toMatchObject({ proc: 'nn', seq: 1 });
  });
});

describe('frame lines', () => {
  const ends = {
    ch: 'data' as const,
    conn: '127.0.0.1:40000->127.0.0.2:9866',
    src: 'dn1',
    srcAddr: '127.0.0.1:40000',
    dst: 'dn2',
    dstAddr: '127.0.0.2:9866',
  };
  const back = { ...ends, src: 'dn2', srcAddr: ends.dstAddr, dst: 'dn1', dstAddr: ends.srcAddr };

  it('are the JSON of their records, whatever frames came before on the same connection', () => {
    const journal = new Journal(dir, 'dn1');
    const raw = Buffer.from(Array.from({ length: 700 }, (_, i) => i % 256));
    const inputs: Parameters<Journal['frame']>[0][] = [
      {
        dir: 'send',
        ...ends,
        msg: { type: 'packet', block: 'blk_1073741825_1001', seqno: 0, offset: 0, len: 600, last: false },
        bytes: raw.length,
        data: 600,
        raw,
        op: 'put-1',
      },
      {
        dir: 'recv',
        ...back,
        msg: { type: 'ack', block: 'blk_1073741825_1001', seqno: 0, replies: ['SUCCESS', 'SUCCESS'] },
        bytes: 12,
      },
      {
        dir: 'send',
        ...ends,
        dst: 'dn3',
        msg: { type: 'dt-response', block: 'blk_1073741825_1001', status: 'ERROR', message: 'données ✓' },
        bytes: 40,
        raw: raw.subarray(0, 40),
      },
      {
        dir: 'recv',
        ...back,
        msg: { type: 'ack', block: 'b', seqno: 1, replies: [] },
        bytes: 5,
        op: 'get-2',
      },
      {
        // A writer's hsync: the packet line says sync, as `lab traffic` shows it.
        dir: 'send',
        ...ends,
        msg: {
          type: 'packet',
          block: 'blk_1073741825_1001',
          seqno: 7,
          offset: 4096,
          len: 10,
          last: false,
          sync: true,
        },
        bytes: 60,
        data: 10,
        raw: raw.subarray(0, 60),
        op: 'put-1',
      },
      {
        // A heartbeat packet (seqno -1) and an out-of-band ack (seqno -2).
        dir: 'recv',
        ...back,
        msg: { type: 'packet', block: 'blk_1073741825_1001', seqno: -1, offset: 0, len: 0, last: false },
        bytes: 31,
      },
      {
        dir: 'send',
        ...ends,
        msg: { type: 'ack', block: 'blk_1073741825_1001', seqno: -2, replies: ['OOB_RESTART', 'SUCCESS'] },
        bytes: 9,
        raw: raw.subarray(0, 9),
      },
    ];
    for (const input of inputs) journal.frame(input);
    journal.close();
    const [segment] = listSegments(dir);
    const lines = fs.readFileSync(segment!.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(inputs.length);
    lines.forEach((line, i) => {
      const record = JSON.parse(line) as JournalRecord & { raw?: string };
      const { raw: bytes, data, op, ...rest } = inputs[i]!;
      const kept = bytes?.subarray(0, rawKeptBytes(rest.bytes, data ?? 0)).toString('base64');
      const expected = {
        k: 'frame',
        t: record.t,
        proc: 'dn1',
        ...rest,
        data: data ?? 0,
        ...(kept === undefined ? {} : { raw: kept }),
        ...(op ? { op } : {}),
      };
      expect(line).toBe(JSON.stringify(expected));
    });
  });

  it('print their times as String does', () => {
    const base = 1_764_754_108_000;
    const times = Array.from(
      { length: 5000 },
      (_, i) => Math.round((base + i * 37.000123 + i / 7) * 1000) / 1000,
    );
    times.push(0, 0.001, 1000.5, 1_764_754_108_123, 1_764_754_108_123.4, 1_764_754_108_123.05, 5e12 + 0.5);
    expect(times.filter((t) => timeJson(t) !== String(t))).toEqual([]);
  });
});

describe('reading merges every writer in time order', () => {
  it('interleaves the records of several writers by time', () => {
    const writers = ['client', 'nn', 'dn1', 'dn2'].map((proc) => new Journal(dir, proc, tiny));
    for (let i = 0; i < 400; i++) {
      log(writers[i % writers.length]!, `step ${i}`);
      // Flush unevenly: the files' order on disk is not the order of the records.
      if (i % 7 === 0) writers[(i * 3) % writers.length]!.flush();
    }
    for (const w of writers) w.close();
    const records = readJournal(dir);
    expect(texts(records)).toEqual(Array.from({ length: 400 }, (_, i) => `step ${i}`));
    const times = records.map((r) => r.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('--since finds the first record by bisection and equals filtering the whole journal', () => {
    const file = path.join(dir, `nn-${DEAD_PID}-000001-1000.jsonl`);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const text = `record ${i} ${'x'.repeat(i % 97)}`;
      lines.push(
        JSON.stringify({
          k: 'event',
          t: 1000 + i * 1.5,
          proc: 'nn',
          event: { type: 'log', level: 'info', text },
        }),
      );
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(1024 * 1024); // enough to bisect
    const all = readJournal(dir);
    for (const sinceMs of [0, 1000, 1000.5, 5000, 20_000, 30_998.5, 40_000]) {
      const expected = all.filter((r) => r.t >= sinceMs);
      const offset = offsetOfTime(file, sinceMs, size);
      const before = lines.slice(0, all.length - expected.length).join('\n');
      expect(offset).toBe(before ? Buffer.byteLength(before) + 1 : 0);
      const read = [...journalRecords(dir, { sinceMs })];
      expect(read.length).toBe(expected.length);
      expect([read[0]?.t, read.at(-1)?.t]).toEqual([expected[0]?.t, expected.at(-1)?.t]);
    }
  });

  it('skips a torn last line and reads a segment only up to endBytes when asked', () => {
    const file = path.join(dir, `nn-${DEAD_PID}-000001-1.jsonl`);
    const a = JSON.stringify({
      k: 'event',
      t: 1,
      proc: 'nn',
      event: { type: 'log', level: 'info', text: 'a' },
    });
    const b = JSON.stringify({
      k: 'event',
      t: 2,
      proc: 'nn',
      event: { type: 'log', level: 'info', text: 'b' },
    });
    fs.writeFileSync(file, `${a}\n${b}\n{"k":"ev`);
    expect(texts(readJournal(dir))).toEqual(['a', 'b']);
    const endBytes = new Map([[path.basename(file), a.length + 1]]);
    expect(texts(readJournal(dir, { endBytes }))).toEqual(['a']);
  });
});

describe('the directory stays under its limits', () => {
  it('deletes the oldest closed segments, never one a live writer may still append to', () => {
    const limits: JournalLimits = { segmentBytesMax: 2048, totalBytesMax: 16 * 1024, segmentsMax: 10_000 };
    // A live writer that wrote early and keeps its segment open.
    const idle = new Journal(dir, 'snn', limits);
    log(idle, 'idle writer');
    idle.flush();
    const busy = new Journal(dir, 'dn1', limits);
    for (let i = 0; i < 2000; i++) {
      log(busy, `busy ${i}`);
      if (i % 10 === 9) busy.flush();
    }
    busy.flush();
    const segments = listSegments(dir);
    const total = segments.reduce((sum, s) => sum + s.bytes, 0);
    // Bounded: the limit plus the segments being written (each under two roll sizes).
    expect(total).toBeLessThanOrEqual(limits.totalBytesMax + 2 * 2 * limits.segmentBytesMax);
    // The idle writer's open segment is kept though it is the oldest; the newest records are all there.
    const records = texts(readJournal(dir));
    expect(records).toContain('idle writer');
    expect(records.at(-1)).toBe('busy 1999');
    const busyKept = records.filter((t) => t.startsWith('busy '));
    const firstKept = Number(busyKept[0]!.split(' ')[1]);
    expect(busyKept).toEqual(Array.from({ length: 2000 - firstKept }, (_, i) => `busy ${firstKept + i}`));
    expect(firstKept).toBeGreaterThan(0);
    idle.close();
    busy.close();
  });

  it("counts a dead process's last segment as closed, and caps the number of files", () => {
    for (let i = 1; i <= 5; i++) {
      const line = JSON.stringify({
        k: 'event',
        t: i,
        proc: 'client',
        event: { type: 'log', level: 'info', text: `c${i}` },
      });
      fs.writeFileSync(path.join(dir, `client-${DEAD_PID - i}-000001-${i}.jsonl`), line + '\n');
    }
    const live = new Journal(dir, 'nn', tiny);
    log(live, 'live');
    live.flush();
    expect(closedSegments(listSegments(dir))).toHaveLength(5);
    pruneJournal(dir, { segmentsMax: 3 });
    expect(texts(readJournal(dir))).toEqual(['c4', 'c5', 'live']);
    live.close();
  });
});
