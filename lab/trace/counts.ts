/**
 * Counting helpers for exercises, `lab trace --counts` and the dashboard: how many messages and
 * bytes went from which process to which, by kind, during an operation — the numbers behind
 * "during this put, 0 data bytes went to the NameNode; dn1→dn4 carried 1 048 576".
 * Pure functions of send-side frames (pass an Operation's records or selectFrames' output).
 */
import type { JournalEvent, JournalFrame } from '../../cluster/protocol/journal-types.js';
import { renderTable } from '../format/table.js';
import { kindOf, type TrafficKind } from '../traffic/lines.js';

export interface LinkCount {
  src: string;
  dst: string;
  kind: TrafficKind;
  messages: number;
  /** Bytes of whole frames on the wire. */
  bytes: number;
  /** Block payload bytes among them. */
  dataBytes: number;
}

/** Send-side frames only are counted: each frame is journaled at both ends. */
export function countTraffic(records: Iterable<JournalFrame | JournalEvent>): LinkCount[] {
  const byKey = new Map<string, LinkCount>();
  for (const r of records) {
    if (r.k !== 'frame' || r.dir !== 'send') continue;
    const kind = kindOf(r);
    const key = `${r.src}\u0000${r.dst}\u0000${kind}`;
    let count = byKey.get(key);
    if (!count)
      byKey.set(key, (count = { src: r.src, dst: r.dst, kind, messages: 0, bytes: 0, dataBytes: 0 }));
    count.messages += 1;
    count.bytes += r.bytes;
    count.dataBytes += r.data;
  }
  return [...byKey.values()].sort(
    (a, b) => compareProcs(a.src, b.src) || compareProcs(a.dst, b.dst) || a.kind.localeCompare(b.kind),
  );
}

export interface LinkQuery {
  src?: string;
  dst?: string;
  kind?: TrafficKind;
}

function fits(count: LinkCount, query: LinkQuery): boolean {
  return (
    (query.src === undefined || count.src === query.src) &&
    (query.dst === undefined || count.dst === query.dst) &&
    (query.kind === undefined || count.kind === query.kind)
  );
}

/** Sums over the links a query names (leave a field out to take every value of it). */
export function sumTraffic(
  counts: readonly LinkCount[],
  query: LinkQuery,
): Omit<LinkCount, 'src' | 'dst' | 'kind'> {
  const total = { messages: 0, bytes: 0, dataBytes: 0 };
  for (const c of counts) {
    if (!fits(c, query)) continue;
    total.messages += c.messages;
    total.bytes += c.bytes;
    total.dataBytes += c.dataBytes;
  }
  return total;
}

/** Block payload bytes that arrived at `dst` (from anyone): 0 for the NameNode, always. */
export function dataBytesTo(counts: readonly LinkCount[], dst: string): number {
  return sumTraffic(counts, { dst }).dataBytes;
}

/** Block payload bytes carried from `src` to `dst`. */
export function dataBytesBetween(counts: readonly LinkCount[], link: { src: string; dst: string }): number {
  return sumTraffic(counts, link).dataBytes;
}

/** client, nn, snn, dn1, dn2, … dn10: the order lanes and tables use. */
export function compareProcs(a: string, b: string): number {
  const rank = (p: string): [number, number] => {
    if (p === 'client') return [0, 0];
    if (p === 'nn') return [1, 0];
    if (p === 'snn') return [2, 0];
    const dn = /^dn(\d+)$/.exec(p);
    if (dn) return [3, Number(dn[1])];
    return [4, 0];
  };
  const [ra, na] = rank(a);
  const [rb, nb] = rank(b);
  return ra - rb || na - nb || a.localeCompare(b);
}

/** A table: `src → dst  kind  messages  bytes  data bytes`, one row per link. */
export function formatCounts(counts: readonly LinkCount[]): string {
  const rows = [
    ['FROM', 'TO', 'KIND', 'MESSAGES', 'BYTES', 'DATA BYTES'],
    ...counts.map((c) => [c.src, c.dst, c.kind, String(c.messages), String(c.bytes), String(c.dataBytes)]),
  ];
  return renderTable(rows, { rightAlign: [3, 4, 5] }).trimEnd();
}
