/**
 * The journal directory's files: one writer per segment, named `<proc>-<pid>-<seq>-<startMs>.jsonl`
 * (the writing process's id and pid, its segment count from 1, and the epoch ms of the segment's
 * first record). The name alone tells a reader who wrote a segment, in which order, and from when;
 * the file's mtime tells until when (every record is written before the mtime it leaves).
 */
import fs from 'node:fs';
import path from 'node:path';
import { JOURNAL_SEGMENTS_MAX, JOURNAL_TOTAL_BYTES_MAX } from '../protocol/limits.js';

export interface SegmentName {
  proc: string;
  pid: number;
  seq: number;
  startMs: number;
}

export interface Segment extends SegmentName {
  name: string;
  file: string;
  /** The writer: one process, whose segments follow one another in `seq` order. */
  writer: string;
  bytes: number;
  /** Last modification, epoch ms: no record in the segment is later. */
  mtimeMs: number;
}

const SEGMENT_RE = /^(.+)-(\d+)-(\d+)-(\d+)\.jsonl$/;

/** A process id as it may appear in a file name (ids are `nn`, `dn3`, `client`; anything else is replaced). */
function safeProc(proc: string): string {
  return proc.replace(/[^A-Za-z0-9_.]/g, '_') || 'proc';
}

export function segmentFileName(s: SegmentName): string {
  return `${safeProc(s.proc)}-${s.pid}-${String(s.seq).padStart(6, '0')}-${s.startMs}.jsonl`;
}

export function parseSegmentName(name: string): SegmentName | null {
  const m = SEGMENT_RE.exec(name);
  if (!m) return null;
  return { proc: m[1]!, pid: Number(m[2]), seq: Number(m[3]), startMs: Number(m[4]) };
}

/** The segments in `dir` (none if it does not exist), oldest first by start time, then writer order. */
export function listSegments(dir: string): Segment[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Segment[] = [];
  for (const name of names) {
    const parsed = parseSegmentName(name);
    if (!parsed) continue;
    const file = path.join(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // deleted since the listing
    }
    out.push({
      ...parsed,
      name,
      file,
      writer: `${parsed.proc}-${parsed.pid}`,
      bytes: stat.size,
      mtimeMs: stat.mtimeMs,
    });
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.writer.localeCompare(b.writer) || a.seq - b.seq);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Segments no process writes any more: every segment but the last of each writer, and the last one
 * too once its process is gone. Only these may be deleted: a writer's open file is never unlinked
 * under it (which would keep its disk space and hide its newest records).
 */
export function closedSegments(segments: readonly Segment[]): Segment[] {
  const lastSeq = new Map<string, number>();
  for (const s of segments) lastSeq.set(s.writer, Math.max(lastSeq.get(s.writer) ?? 0, s.seq));
  const alive = new Map<number, boolean>();
  const isAlive = (pid: number): boolean => {
    let known = alive.get(pid);
    if (known === undefined) alive.set(pid, (known = pid === process.pid || processAlive(pid)));
    return known;
  };
  return segments.filter((s) => s.seq < lastSeq.get(s.writer)! || !isAlive(s.pid));
}

/**
 * Deletes the oldest closed segments (by last write) while the directory holds more than the limits
 * allow. `keep` names a segment never to delete (the caller's own, just opened). Errors are ignored:
 * another writer may be pruning the same files at the same time.
 */
export function pruneJournal(
  dir: string,
  options: { keep?: string; totalBytesMax?: number; segmentsMax?: number } = {},
): string[] {
  const totalBytesMax = options.totalBytesMax ?? JOURNAL_TOTAL_BYTES_MAX;
  const segmentsMax = options.segmentsMax ?? JOURNAL_SEGMENTS_MAX;
  const segments = listSegments(dir);
  let total = segments.reduce((sum, s) => sum + s.bytes, 0);
  let count = segments.length;
  if (total <= totalBytesMax && count <= segmentsMax) return [];
  const deletable = closedSegments(segments)
    .filter((s) => s.name !== options.keep)
    .sort((a, b) => a.mtimeMs - b.mtimeMs || a.startMs - b.startMs);
  const deleted: string[] = [];
  for (const s of deletable) {
    if (total <= totalBytesMax && count <= segmentsMax) break;
    try {
      fs.unlinkSync(s.file);
      deleted.push(s.name);
    } catch {
      // pruned by another writer meanwhile
    }
    total -= s.bytes;
    count -= 1;
  }
  return deleted;
}
