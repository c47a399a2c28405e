/**
 * The sequence diagram of one operation, as data and as terminal text. Lanes are the processes
 * (client | nn | snn | dn1 …), rows are messages in journal order: one arrow per frame, except
 * that the packets (and the acks) of one block over one hop become a single arrow at the place of
 * the first one — "packets blk_… ×2400, 157286400 bytes" — so a large put stays readable.
 * State events of the operation are notes on their process's lane.
 *
 *   time      client    nn        dn1       dn2
 *   +0.000 s  |-------->|         |         |   create src=/a.txt replication=2
 *   +0.004 s  |<--------|         |         |   createResponse
 */
import {
  describeFrameRun,
  describeMessage,
  describeStateEvent,
} from '../../cluster/protocol/registry/describe.js';
import type { JournalEvent, JournalFrame } from '../../cluster/protocol/journal-types.js';
import { kindOf, type TrafficKind } from '../traffic/lines.js';
import { compareProcs } from './counts.js';
import type { Operation } from './operations.js';

export type SequenceRow =
  | {
      kind: 'arrow';
      /** Milliseconds since the operation began. */
      atMs: number;
      from: string;
      to: string;
      text: string;
      channel: TrafficKind;
      /** Frames this arrow stands for (more than one for packet and ack runs). */
      frames: number;
      bytes: number;
      dataBytes: number;
    }
  | { kind: 'note'; atMs: number; lane: string; text: string };

export interface SequenceDiagram {
  title: string;
  lanes: string[];
  rows: SequenceRow[];
}

/** Columns between two neighbouring lanes in the terminal diagram. */
const LANE_GAP_COLUMNS = 10;

function runKey(frame: JournalFrame): string | undefined {
  const msg = frame.msg;
  if (msg.type !== 'packet' && msg.type !== 'ack') return undefined;
  return `${msg.type}\u0000${frame.src}\u0000${frame.dst}\u0000${msg.block}`;
}

function noteText(event: JournalEvent): string {
  // The describer's "proc: text" without the proc: the lane says who.
  const text = describeStateEvent(event.proc, event.event);
  return text.startsWith(`${event.proc}: `) ? text.slice(event.proc.length + 2) : text;
}

/** Lay out an operation; the lanes are the processes it involved, always with client and nn for puts and gets. */
export function layoutSequence(op: Operation): SequenceDiagram {
  const t0 = op.startMs;
  const rows: SequenceRow[] = [];
  const runs = new Map<string, Extract<SequenceRow, { kind: 'arrow' }>>();
  const runBlock = new Map<string, { type: 'packet' | 'ack'; block: string }>();
  const lanes = new Set<string>(op.kind === 'put' || op.kind === 'get' ? ['client', 'nn'] : []);
  for (const r of op.records) {
    const atMs = r.t - t0;
    if (r.k === 'event') {
      lanes.add(r.proc);
      rows.push({ kind: 'note', atMs, lane: r.proc, text: noteText(r) });
      continue;
    }
    lanes.add(r.src);
    lanes.add(r.dst);
    const key = runKey(r);
    const existing = key ? runs.get(key) : undefined;
    if (existing) {
      existing.frames += 1;
      existing.bytes += r.bytes;
      existing.dataBytes += r.data;
      continue;
    }
    const row: Extract<SequenceRow, { kind: 'arrow' }> = {
      kind: 'arrow',
      atMs,
      from: r.src,
      to: r.dst,
      text: describeMessage(r.msg),
      channel: kindOf(r),
      frames: 1,
      bytes: r.bytes,
      dataBytes: r.data,
    };
    if (key && (r.msg.type === 'packet' || r.msg.type === 'ack')) {
      runs.set(key, row);
      runBlock.set(key, { type: r.msg.type, block: r.msg.block });
    }
    rows.push(row);
  }
  for (const [key, row] of runs) {
    const { type, block } = runBlock.get(key)!;
    // A single packet keeps its own description (seqno, offset); a run gets the aggregate.
    if (row.frames > 1)
      row.text = describeFrameRun({ type, block, count: row.frames, dataBytes: row.dataBytes });
  }
  return {
    title: `${op.id}${op.path ? ` (${op.kind} ${op.path})` : ` (${op.kind})`}`,
    lanes: [...lanes].sort(compareProcs),
    rows,
  };
}

function seconds(ms: number): string {
  return `+${(ms / 1000).toFixed(3)} s`;
}

/** The diagram as terminal text, one line per row; the describer's text after the lanes. */
export function renderSequenceText(diagram: SequenceDiagram): string {
  const timeWidth = Math.max(9, ...diagram.rows.map((r) => seconds(r.atMs).length)) + 2;
  const col = (lane: string): number => diagram.lanes.indexOf(lane) * LANE_GAP_COLUMNS;
  const laneWidth = (diagram.lanes.length - 1) * LANE_GAP_COLUMNS + 1;
  const header =
    ' '.repeat(timeWidth) +
    diagram.lanes
      .map((l) => l.padEnd(LANE_GAP_COLUMNS))
      .join('')
      .trimEnd();
  const lines = [diagram.title, '', header];
  for (const row of diagram.rows) {
    const cells: string[] = Array.from({ length: laneWidth }, (_, i) =>
      i % LANE_GAP_COLUMNS === 0 ? '|' : ' ',
    );
    if (row.kind === 'note') {
      cells[col(row.lane)] = '*';
    } else {
      const a = col(row.from);
      const b = col(row.to);
      const [lo, hi] = a < b ? [a, b] : [b, a];
      for (let i = lo + 1; i < hi; i++) cells[i] = '-';
      if (a < b) cells[hi - 1] = '>';
      else cells[lo + 1] = '<';
    }
    lines.push(`${seconds(row.atMs).padEnd(timeWidth)}${cells.join('')}   ${row.text}`);
  }
  return lines.join('\n');
}
