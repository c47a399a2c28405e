/**
 * Traffic lines from journal records, tcpdump-shaped:
 * `05:12:01.123456 client 127.0.0.10:43210 > nn 127.0.0.1:8020: create src=/a.txt replication=3, length 212`.
 * Each frame is journaled by both ends; the traffic view shows it once, from the sender's record.
 */
import { parseDuration } from '../../cluster/common/units.js';
import { describeMessage } from '../../cluster/protocol/registry/describe.js';
import type { JournalFrame, JournalRecord } from '../../cluster/protocol/journal-types.js';

/**
 * rpc: Hadoop RPC calls and replies; data: DataTransferProtocol; heartbeat: DataNode heartbeats;
 * http: the checkpoint's image transfers and the Secondary NameNode's control API (its own kind,
 * not rpc: it is another protocol on another port, and it carries image bytes as data does).
 */
export const TRAFFIC_KINDS = ['rpc', 'data', 'heartbeat', 'http'] as const;

export type TrafficKind = (typeof TRAFFIC_KINDS)[number];

export function isTrafficKind(text: string): text is TrafficKind {
  return (TRAFFIC_KINDS as readonly string[]).includes(text);
}

export interface TrafficFilter {
  node?: string;
  op?: string;
  kind?: TrafficKind;
  path?: string;
  block?: string;
  sinceMs?: number;
  heartbeats: boolean;
}

const HEARTBEAT_METHODS = new Set(['sendHeartbeat', 'getDatanodeReport', 'setSafeMode']);

export function kindOf(frame: JournalFrame): TrafficKind {
  if (frame.ch === 'data') return 'data';
  if (frame.ch === 'http') return 'http';
  const msg = frame.msg;
  if ((msg.type === 'rpc-call' || msg.type === 'rpc-reply') && msg.method === 'sendHeartbeat')
    return 'heartbeat';
  return 'rpc';
}

/**
 * The lab id the dashboard's own NameNode polls and the exercise probes' calls carry
 * (lab/checks/live-probes.ts): plumbing, shown only with --heartbeats, never in a trace.
 */
export const DASHBOARD_CLIENT_ID = 'dashboard';

/** Heartbeats, status polls and the dashboard's own calls: hidden unless heartbeats are asked for. */
export function isPlumbing(frame: JournalFrame): boolean {
  if (frame.src === DASHBOARD_CLIENT_ID || frame.dst === DASHBOARD_CLIENT_ID) return true;
  const msg = frame.msg;
  return (msg.type === 'rpc-call' || msg.type === 'rpc-reply') && HEARTBEAT_METHODS.has(msg.method);
}

/** A frame's sender as both ends record it: the connection and the sending socket's address. */
function senderKey(frame: JournalFrame): string {
  return `${frame.conn}|${frame.srcAddr}`;
}

/** The senders that journal their own frames (every lab process); see isShown. */
export function journaledSenders(records: Iterable<JournalRecord>, into = new Set<string>()): Set<string> {
  for (const r of records) if (r.k === 'frame' && r.dir === 'send') into.add(senderKey(r));
  return into;
}

/**
 * One record per frame: the send-side record, or, for a sender that keeps no journal (a real HDFS
 * client such as the Debian `hdfs` command, which only the lab's receiving end sees), the receiver's.
 */
export function isShown(frame: JournalFrame, journaled: ReadonlySet<string>): boolean {
  return frame.dir === 'send' || !journaled.has(senderKey(frame));
}

/** The frames to show (one record per frame, see isShown), filtered. */
export function selectFrames(records: readonly JournalRecord[], filter: TrafficFilter): JournalFrame[] {
  const journaled = journaledSenders(records);
  const out: JournalFrame[] = [];
  for (const r of records) {
    if (r.k !== 'frame' || !isShown(r, journaled)) continue;
    if (!matches(r, filter)) continue;
    out.push(r);
  }
  return out;
}

export function matches(frame: JournalFrame, filter: TrafficFilter): boolean {
  if (!filter.heartbeats && isPlumbing(frame)) return false;
  if (filter.kind && kindOf(frame) !== filter.kind) return false;
  if (filter.node && frame.src !== filter.node && frame.dst !== filter.node) return false;
  if (filter.sinceMs !== undefined && frame.t < filter.sinceMs) return false;
  const text = describeMessage(frame.msg);
  if (filter.op && !text.split(' ')[0]?.toLowerCase().startsWith(filter.op.toLowerCase())) return false;
  if (filter.path && !text.includes(filter.path)) return false;
  if (filter.block && !text.includes(filter.block)) return false;
  return true;
}

/** The block ids a frame names (`blk_<id>` anywhere in its description), for filters and traces. */
export function blockIdsOf(frame: JournalFrame): number[] {
  const ids: number[] = [];
  for (const m of describeMessage(frame.msg).matchAll(/blk_(\d+)/g)) {
    const id = Number(m[1]);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * `--since 30` (seconds), `--since 90s`, `--since 5m`: the epoch-ms instant that far before `nowMs`.
 * Throws the units module's error on anything else.
 */
export function sinceInstantMs(text: string, nowMs: number): number {
  const ms = parseDuration(text, 's');
  if (ms < 0) throw new RangeError(`--since takes a duration that is not negative, not ${text}`);
  return nowMs - ms;
}

function clock(t: number): string {
  const d = new Date(Math.floor(t));
  const micros = Math.round((t - Math.floor(t / 1000) * 1000) * 1000)
    .toString()
    .padStart(6, '0');
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${micros}`;
}

export function trafficLine(frame: JournalFrame): string {
  return `${clock(frame.t)} ${frame.src} ${frame.srcAddr} > ${frame.dst} ${frame.dstAddr}: ${describeMessage(frame.msg)}, length ${frame.bytes}`;
}

/** The bytes of a frame its record kept (`raw`, or `hex` in journals written before it), if any. */
export function keptBytes(frame: JournalFrame): Buffer | null {
  if (frame.raw !== undefined) return Buffer.from(frame.raw, 'base64');
  if (frame.hex !== undefined) return Buffer.from(frame.hex, 'hex');
  return null;
}

/**
 * The `-X` view of a frame: its kept bytes as hex and ASCII, at most `snapLengthBytes` of them (0: all,
 * as tcpdump's `-s 0`), and a last line saying how many bytes of the frame are not shown and why.
 */
export function frameDump(frame: JournalFrame, snapLengthBytes = 0): string | null {
  const kept = keptBytes(frame);
  if (!kept) return null;
  const shown = snapLengthBytes > 0 ? kept.subarray(0, snapLengthBytes) : kept;
  const lines = shown.length > 0 ? [hexDump(shown)] : [];
  const missing = frame.bytes - shown.length;
  if (missing > 0) {
    const why =
      shown.length < kept.length
        ? `-s ${snapLengthBytes}`
        : frame.data > 0
          ? 'payload not journaled'
          : 'not journaled';
    lines.push(`\t[${missing} more bytes: ${why}]`);
  }
  return lines.join('\n');
}

/** `tcpdump -X`-style hex + ASCII of bytes, 16 a row. */
export function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const groups: string[] = [];
    for (let i = 0; i < row.length; i += 2) groups.push(row.subarray(i, i + 2).toString('hex'));
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`\t0x${off.toString(16).padStart(4, '0')}:  ${groups.join(' ').padEnd(39)}  ${ascii}`);
  }
  return lines.join('\n');
}
