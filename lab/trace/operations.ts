/**
 * One operation's records out of the whole journal. A client command tags every frame it causes
 * with an operation id (`put-…`, `get-…`), and the NameNode and DataNodes copy it onto the frames
 * and events that follow from it, so most operations are simply "the records with this `op`".
 * Work the DataNodes start on their own has no client's id: a re-replication is grouped by its
 * block, from the heartbeat reply carrying DNA_TRANSFER to the target's blockReceivedAndDeleted
 * (the source tags its copy `transfer-<blockId>`, and those frames join it); a checkpoint
 * by the Secondary NameNode's calls from rollEditLog to checkpoint-done (a checkpoint's RPCs and
 * HTTP transfers carry its `checkpoint-<pid>-<n>` id; the window is for records without one).
 *
 * Frames are taken from the sender's record (every frame is journaled at both ends; a trace shows
 * it once), except an HTTP request whose sender could not know the id: `lab checkpoint`'s POST
 * /checkpoint is tagged by the Secondary NameNode that receives it, so it is shown from that end.
 * Pure functions of the records.
 */
import { describeMessage } from '../../cluster/protocol/registry/describe.js';
import type { JournalEvent, JournalFrame, JournalRecord } from '../../cluster/protocol/journal-types.js';
import { blockIdsOf } from '../traffic/lines.js';

export type OperationKind = 'put' | 'get' | 'rereplication' | 'checkpoint' | 'other';

export const OPERATION_KINDS: readonly OperationKind[] = [
  'put',
  'get',
  'rereplication',
  'checkpoint',
  'other',
];

export interface Operation {
  id: string;
  kind: OperationKind;
  /** The HDFS path the operation names (first `src` of its RPCs), if any. */
  path?: string;
  startMs: number;
  endMs: number;
  /** Send-side frames and state events, in journal time order. */
  records: (JournalFrame | JournalEvent)[];
}

/** How long after its DNA_TRANSFER a re-replication's frames are still counted as its own. */
export const REREPLICATION_WINDOW_MS = 60_000;
/** How long before the heartbeat reply the NameNode's replication-scheduled event may lie (one heartbeat interval and then some). */
export const REREPLICATION_LEAD_MS = 10_000;
/** A checkpoint not done this long after its rollEditLog is shown as far as it got. */
export const CHECKPOINT_WINDOW_MS = 120_000;

/** Commands whose op ids count as a put or a get (`lab fs -put` tags `put-…`, `-copyFromLocal` …). */
const KIND_OF_PREFIX: Record<string, OperationKind> = {
  put: 'put',
  copyFromLocal: 'put',
  moveFromLocal: 'put',
  appendToFile: 'put',
  get: 'get',
  cat: 'get',
  copyToLocal: 'get',
  text: 'get',
  tail: 'get',
  // A DataNode's WebHDFS step (cluster/runtime/datanode-webhdfs.ts) writes and reads through the same pipeline.
  webhdfsCreate: 'put',
  webhdfsAppend: 'put',
  webhdfsOpen: 'get',
  rereplication: 'rereplication',
  checkpoint: 'checkpoint',
};

export function operationKindOf(id: string): OperationKind {
  const prefix = id.split(/[-:_]/)[0] ?? '';
  return KIND_OF_PREFIX[prefix] ?? KIND_OF_PREFIX[prefix.toLowerCase()] ?? 'other';
}

function isShown(r: JournalRecord): r is JournalFrame | JournalEvent {
  return r.k === 'event' || r.dir === 'send';
}

function pathOf(records: readonly JournalRecord[]): string | undefined {
  for (const r of records) {
    if (r.k !== 'frame' || r.msg.type !== 'rpc-call') continue;
    const src = (r.msg.params as { src?: unknown } | null)?.src;
    if (typeof src === 'string') return src.replace(/\._COPYING_$/, '');
  }
  return undefined;
}

/** Where each record stands in the journal's order (readJournal's: causes before effects). */
type Positions = ReadonlyMap<JournalRecord, number>;

function makeOperation(
  id: string,
  kind: OperationKind,
  records: (JournalFrame | JournalEvent)[],
  at: Positions,
): Operation {
  // In the journal's order, not by stamp: two processes' clocks may put a reply before its call.
  records.sort((a, b) => at.get(a)! - at.get(b)!);
  const path = pathOf(records);
  let startMs = records[0]?.t ?? 0;
  let endMs = startMs;
  for (const r of records) {
    if (r.t < startMs) startMs = r.t;
    if (r.t > endMs) endMs = r.t;
  }
  return { id, kind, ...(path !== undefined ? { path } : {}), startMs, endMs, records };
}

/** Conn and text of a frame: the same frame's records at both ends share it. */
function frameKey(frame: JournalFrame): string {
  return `${frame.conn}\u0000${describeMessage(frame.msg)}`;
}

/** HTTP requests tagged only by their receiver, shown from the receiver's record. */
function receiverTagged(records: readonly JournalRecord[]): Set<JournalFrame> {
  const taggedSends = new Set<string>();
  for (const r of records) {
    if (r.k === 'frame' && r.ch === 'http' && r.dir === 'send' && r.op) taggedSends.add(frameKey(r));
  }
  const out = new Set<JournalFrame>();
  for (const r of records) {
    if (r.k !== 'frame' || r.ch !== 'http' || r.dir !== 'recv' || !r.op) continue;
    if (r.msg.type === 'http-request' && !taggedSends.has(frameKey(r))) out.add(r);
  }
  return out;
}

function taggedOperations(records: readonly JournalRecord[], at: Positions): Operation[] {
  const groups = new Map<string, (JournalFrame | JournalEvent)[]>();
  const fromReceiver = receiverTagged(records);
  for (const r of records) {
    const shown = r.k === 'event' || r.dir === 'send' || fromReceiver.has(r);
    if (!r.op || !shown) continue;
    let group = groups.get(r.op);
    if (!group) groups.set(r.op, (group = []));
    group.push(r);
  }
  return [...groups].map(([id, group]) => makeOperation(id, operationKindOf(id), group, at));
}

function eventBlockIds(event: JournalEvent): number[] {
  const e = event.event as { block?: { blockId: number }; blocks?: { blockId: number }[] };
  if (e.block) return [e.block.blockId];
  return (e.blocks ?? []).map((b) => b.blockId);
}

/** The block ids and DataNode targets of the DNA_TRANSFER commands in one heartbeat reply. */
export function transferCommands(frame: JournalFrame): { blockId: number; targets: string[] }[] {
  const msg = frame.msg;
  if (msg.type !== 'rpc-reply' || msg.method !== 'sendHeartbeat' || !msg.ok) return [];
  const commands = ((msg.result as { commands?: unknown[] } | undefined)?.commands ?? []) as {
    action?: string;
    block?: { blockId: number };
    targets?: { name: string }[];
  }[];
  return commands
    .filter((c) => c.action === 'DNA_TRANSFER' && c.block)
    .map((c) => ({ blockId: c.block!.blockId, targets: (c.targets ?? []).map((t) => t.name) }));
}

function transferBlockIds(frame: JournalFrame): number[] {
  return transferCommands(frame).map((t) => t.blockId);
}

/** Both halves of every RPC among `chosen`: a reply brings its call and the other way round. */
function withRpcPartners(
  chosen: Set<JournalFrame | JournalEvent>,
  candidates: readonly (JournalFrame | JournalEvent)[],
): void {
  const keys = new Set<string>();
  for (const r of chosen) {
    if (r.k === 'frame' && (r.msg.type === 'rpc-call' || r.msg.type === 'rpc-reply')) {
      keys.add(`${r.conn}#${r.msg.callId}`);
    }
  }
  for (const r of candidates) {
    if (r.k !== 'frame' || (r.msg.type !== 'rpc-call' && r.msg.type !== 'rpc-reply')) continue;
    if (keys.has(`${r.conn}#${r.msg.callId}`)) chosen.add(r);
  }
}

function rereplications(untagged: readonly (JournalFrame | JournalEvent)[], at: Positions): Operation[] {
  const seeds: { block: number; t: number; frame: JournalFrame }[] = [];
  for (const r of untagged) {
    if (r.k === 'frame') for (const block of transferBlockIds(r)) seeds.push({ block, t: r.t, frame: r });
  }
  const ops: Operation[] = [];
  seeds.forEach((seed, i) => {
    const next = seeds.slice(i + 1).find((s) => s.block === seed.block);
    const previous = seeds
      .slice(0, i)
      .reverse()
      .find((s) => s.block === seed.block);
    const from = Math.max(seed.t - REREPLICATION_LEAD_MS, previous?.t ?? -Infinity);
    const to = Math.min(seed.t + REREPLICATION_WINDOW_MS, next?.t ?? Infinity);
    const chosen = new Set<JournalFrame | JournalEvent>([seed.frame]);
    for (const r of untagged) {
      if (r.t < from || r.t >= to) continue;
      if (r.k === 'event') {
        if (eventBlockIds(r).includes(seed.block)) chosen.add(r);
      } else if (at.get(r)! > at.get(seed.frame)! && blockIdsOf(r).includes(seed.block)) {
        // After the heartbeat reply in the journal's order, not by stamp: the source DataNode's
        // clock may stamp its copy a little before the NameNode stamped the command.
        chosen.add(r);
      }
    }
    withRpcPartners(chosen, untagged);
    const id = `rereplication-blk_${seed.block}-${Math.round(seed.t)}`;
    ops.push(makeOperation(id, 'rereplication', [...chosen], at));
  });
  return ops;
}

const CHECKPOINT_METHODS = new Set(['rollEditLog', 'getEditLogManifest', 'getTransactionId']);

function checkpoints(untagged: readonly (JournalFrame | JournalEvent)[], at: Positions): Operation[] {
  const starts = untagged.filter(
    (r): r is JournalFrame => r.k === 'frame' && r.msg.type === 'rpc-call' && r.msg.method === 'rollEditLog',
  );
  return starts.map((start, i) => {
    // From the rollEditLog call on in the journal's order, not by stamp: the NameNode's records of
    // the checkpoint follow the Secondary NameNode's call whatever their clocks say.
    const begin = at.get(start)!;
    const nextStart = starts[i + 1];
    const done = untagged.find(
      (r) => at.get(r)! >= begin && r.k === 'event' && r.event.type === 'checkpoint-done',
    );
    const to = Math.min(done ? done.t : start.t + CHECKPOINT_WINDOW_MS, (nextStart?.t ?? Infinity) - 0.001);
    const end = Math.min(done ? at.get(done)! : Infinity, nextStart ? at.get(nextStart)! - 1 : Infinity);
    const chosen = new Set<JournalFrame | JournalEvent>();
    for (const r of untagged) {
      const here = at.get(r)!;
      if (here < begin || here > end || (done === undefined && r.t > to)) continue;
      if (r.k === 'frame') {
        const method = r.msg.type === 'rpc-call' || r.msg.type === 'rpc-reply' ? r.msg.method : '';
        const bySnn = r.src === 'snn' || r.dst === 'snn';
        if (bySnn && (CHECKPOINT_METHODS.has(method) || r.ch === 'http')) chosen.add(r);
      } else if (r.event.type === 'checkpoint-done' || r.event.type === 'edits-rolled') {
        chosen.add(r);
      }
    }
    withRpcPartners(chosen, untagged);
    return makeOperation(`checkpoint-${Math.round(start.t)}`, 'checkpoint', [...chosen], at);
  });
}

/**
 * A DataNode's copy for DNA_TRANSFER, tagged `transfer-<blockId>` by the DataNode that sends it
 * (runtime/datanode-process.ts): not an operation of its own but the body of the re-replication
 * the NameNode's command started, grouped with it by block and time.
 */
function isTransferCopy(r: JournalRecord): boolean {
  return r.op?.startsWith('transfer-') === true;
}

/**
 * Every operation the journal holds, oldest first. `records` in the journal's order as readJournal
 * gives it (causes before effects): each operation's records keep that order.
 */
export function listOperations(records: readonly JournalRecord[]): Operation[] {
  const at: Positions = new Map(records.map((r, i) => [r, i]));
  const untagged = records.filter(
    (r): r is JournalFrame | JournalEvent => (!r.op || isTransferCopy(r)) && isShown(r),
  );
  const tagged = records.filter((r) => !isTransferCopy(r));
  const ops = [
    ...taggedOperations(tagged, at),
    ...rereplications(untagged, at),
    ...checkpoints(untagged, at),
  ];
  return ops.sort((a, b) => a.startMs - b.startMs);
}

export interface OperationQuery {
  /** An operation id, or a unique prefix of one. */
  op?: string;
  /** The most recent operation of this kind. */
  last?: OperationKind;
  /** With `last`: only operations on this HDFS path. */
  path?: string;
}

/** The operation a query names, or undefined; a prefix matching several ids is an error. */
export function findOperation(
  records: readonly JournalRecord[],
  query: OperationQuery,
): Operation | undefined {
  const ops = listOperations(records);
  if (query.op !== undefined) {
    const exact = ops.find((o) => o.id === query.op);
    if (exact) return exact;
    const prefixed = ops.filter((o) => o.id.startsWith(query.op!));
    if (prefixed.length > 1) {
      throw new RangeError(`operation id ${query.op} is ambiguous: ${prefixed.map((o) => o.id).join(', ')}`);
    }
    return prefixed[0];
  }
  const kind = query.last ?? 'put';
  const fitting = ops.filter((o) => o.kind === kind && (query.path === undefined || o.path === query.path));
  return fitting[fitting.length - 1];
}
